using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ESignWeb.Api;
using ESignWeb.Tests.Fixtures;

namespace ESignWeb.Tests.Integration;

/// <summary>The API's authentication, error shape, user and original-file endpoints, in the SignEasy seed's shapes.</summary>
public class ApiTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public ApiTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    private async Task<(string Owner, HttpClient Client, string Key)> ClientAsync(string? email = null)
    {
        var owner = await _app.CreateUserAsync(email ?? $"api-{Guid.NewGuid():N}@example.com", "Ada", "Api");
        var (client, key) = await _app.ApiClientAsync(owner);
        return (owner, client, key);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;

    private static async Task AssertErrorAsync(HttpResponseMessage r, HttpStatusCode status, string code, string? message = null)
    {
        Assert.Equal(status, r.StatusCode);
        var e = await JsonAsync(r);
        Assert.Equal(code, e.GetProperty("error_code").GetString());
        Assert.False(string.IsNullOrEmpty(e.GetProperty("message").GetString()));
        if (message is not null) Assert.Contains(message, e.GetProperty("message").GetString());
    }

    private static MultipartFormDataContent Upload(string name, byte[] bytes, bool? rename = null)
    {
        var form = new MultipartFormDataContent { { new StringContent(name), "name" }, { new ByteArrayContent(bytes), "file", name } };
        if (rename is not null) form.Add(new StringContent(rename.Value ? "true" : "false"), "rename_if_exists");
        return form;
    }

    [Fact]
    public async Task Missing_wrong_or_revoked_keys_get_401_in_the_seed_shape()
    {
        var anonymous = _app.CreateClient();
        await AssertErrorAsync(await anonymous.GetAsync("/v1/user/"), HttpStatusCode.Unauthorized, "invalid_token");
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "esk_not-a-real-key");
        await AssertErrorAsync(await anonymous.GetAsync("/v1/user/"), HttpStatusCode.Unauthorized, "invalid_token");

        var (owner, client, _) = await ClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/user/")).StatusCode);
        var keys = _app.Get<ApiKeyService>();
        await keys.RevokeAsync(owner, (await keys.ListAsync(owner)).Single().Id);
        await AssertErrorAsync(await client.GetAsync("/v1/user/"), HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Fact]
    public async Task User_object_has_the_seed_fields_and_types_with_bearer_or_basic_and_either_slash()
    {
        var (_, client, key) = await ClientAsync("ada.api@example.com");
        var basic = _app.CreateClient();
        basic.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":")));
        foreach (var (c, path) in new[] { (client, "/v1/user/"), (client, "/v1/user"), (basic, "/v1/user/") })
        {
            var r = await c.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var u = await JsonAsync(r);
            // Every key of the seed example, with the seed's JSON types.
            var seed = JsonDocument.Parse("""
                {"account_type":0,"activation_time":1395392655,"is_auto_renew":0,"company":"ACME Corp.","company_size":null,
                 "created_time":1391545509,"document_credits":0,"email":"john.doe@gmail.com","first_name":"John","id":699829,
                 "is_paid":0,"last_name":"Doe","last_modified_time":1395367450,"referrer_code":"gSwRXxut","referrer_promo_left":5,
                 "subscription_expiry_time":null,"imported_file_count":72,"signed_file_count":16,"card_last4":null,
                 "card_brand":null,"status":1,"email_verified":1}
                """).RootElement;
            Assert.Equal(seed.EnumerateObject().Select(p => p.Name).Order(), u.EnumerateObject().Select(p => p.Name).Order());
            foreach (var p in seed.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number))
                Assert.Equal(JsonValueKind.Number, u.GetProperty(p.Name).ValueKind);
            Assert.Equal("ada.api@example.com", u.GetProperty("email").GetString());
            Assert.True(u.GetProperty("id").GetInt32() > 0);
            Assert.Equal(1, u.GetProperty("email_verified").GetInt32());
            Assert.True(r.Headers.Contains("X-RateLimit-Remaining"));
        }
    }

    [Fact]
    public async Task Original_files_import_list_get_download_and_delete_in_the_seed_shape()
    {
        var (_, client, _) = await ClientAsync();
        var pdf = TestPdf.Pages(2);
        var created = await client.PostAsync("/v1/files/original/", Upload("NDA.pdf", pdf));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var file = await JsonAsync(created);
        Assert.Equal(["created_time", "id", "last_modified_time", "name"], file.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("NDA.pdf", file.GetProperty("name").GetString());
        var id = file.GetProperty("id").GetInt32();
        Assert.True(file.GetProperty("created_time").GetInt64() > 1_700_000_000);

        var exists = await client.PostAsync("/v1/files/original/", Upload("NDA.pdf", pdf));
        await AssertErrorAsync(exists, HttpStatusCode.BadRequest, "filename_exists");
        var renamed = await JsonAsync(await client.PostAsync("/v1/files/original/", Upload("NDA.pdf", pdf, rename: true)));
        Assert.Equal("NDA (1).pdf", renamed.GetProperty("name").GetString());

        var list = await JsonAsync(await client.GetAsync("/v1/files/original/"));
        Assert.Equal(2, list.GetProperty("count").GetInt32());
        Assert.Equal(2, list.GetProperty("files").GetArrayLength());
        Assert.Equal("NDA.pdf", (await JsonAsync(await client.GetAsync($"/v1/files/original/{id}/"))).GetProperty("name").GetString());
        Assert.Equal(pdf, await client.GetByteArrayAsync($"/v1/files/original/{id}/download/"));

        Assert.Equal(2, (await JsonAsync(await client.GetAsync("/v1/user/"))).GetProperty("imported_file_count").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"/v1/files/original/{id}/")).StatusCode);
        await AssertErrorAsync(await client.GetAsync($"/v1/files/original/{id}/"), HttpStatusCode.Unauthorized, "unauthorized_resource");
        Assert.Equal(1, (await JsonAsync(await client.GetAsync("/v1/user/"))).GetProperty("imported_file_count").GetInt32());
    }

    [Fact]
    public async Task Gzip_uploads_are_accepted_whole_body_or_file_part()
    {
        var (_, client, _) = await ClientAsync();
        var pdf = TestPdf.Pages(1);

        // The whole multipart body gzip-compressed, with Content-Encoding: gzip.
        var form = Upload("Zipped body.pdf", pdf);
        var body = await form.ReadAsByteArrayAsync();
        using var zipped = new MemoryStream();
        await using (var gz = new GZipStream(zipped, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(body);
        var content = new ByteArrayContent(zipped.ToArray());
        content.Headers.ContentType = form.Headers.ContentType;
        content.Headers.ContentEncoding.Add("gzip");
        var r1 = await client.PostAsync("/v1/files/original/", content);
        Assert.Equal(HttpStatusCode.OK, r1.StatusCode);
        Assert.Equal("Zipped body.pdf", (await JsonAsync(r1)).GetProperty("name").GetString());

        // Only the file part compressed.
        using var part = new MemoryStream();
        await using (var gz = new GZipStream(part, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(pdf);
        var r2 = await client.PostAsync("/v1/files/original/", Upload("Zipped part.pdf", part.ToArray()));
        Assert.Equal(HttpStatusCode.OK, r2.StatusCode);
        var id = (await JsonAsync(r2)).GetProperty("id").GetInt32();
        Assert.Equal(pdf, await client.GetByteArrayAsync($"/v1/files/original/{id}/download"));
    }

    [Fact]
    public async Task Bad_uploads_get_the_seed_error_codes_and_keep_nothing()
    {
        var (_, client, _) = await ClientAsync();
        await AssertErrorAsync(await client.PostAsync("/v1/files/original/", Upload("notes.pdf", TestPdf.NotAPdf())), HttpStatusCode.BadRequest, "file_conversion_failure");
        await AssertErrorAsync(await client.PostAsync("/v1/files/original/", Upload("locked.pdf", TestPdf.PasswordProtected())), HttpStatusCode.BadRequest, "file_conversion_failure");
        await AssertErrorAsync(await client.PostAsync("/v1/files/original/", new MultipartFormDataContent { { new StringContent("x.pdf"), "name" } }), HttpStatusCode.BadRequest, "bad_request");
        await AssertErrorAsync(await client.PostAsync("/v1/files/original/", new StringContent("{}", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, "bad_request");
        await AssertErrorAsync(await client.PostAsync("/v1/files/original/", WithRename(Upload("x.pdf", TestPdf.Pages(1)), "maybe")),
            HttpStatusCode.BadRequest, "bad_request");
        // Text parts are capped (they would otherwise be read whole into memory), urlencoded bodies are not uploads,
        // and a file part must be the one named "file".
        await AssertErrorAsync(await client.PostAsync("/v1/files/original/", new MultipartFormDataContent
            { { new StringContent(new string('n', 100_000)), "name" }, { new ByteArrayContent(TestPdf.Pages(1)), "file", "x.pdf" } }),
            HttpStatusCode.BadRequest, "bad_request", "longer than 16 KB");
        await AssertErrorAsync(await client.PostAsync("/v1/files/original/", new FormUrlEncodedContent([new("name", "x.pdf"), new("file", "%PDF-1.7")])),
            HttpStatusCode.BadRequest, "bad_request", "multipart/form-data");
        await AssertErrorAsync(await client.PostAsync("/v1/files/original/", new MultipartFormDataContent
            { { new StringContent("x.pdf"), "name" }, { new ByteArrayContent(TestPdf.Pages(1)), "document", "x.pdf" } }),
            HttpStatusCode.BadRequest, "bad_request", "file is required");
        Assert.Equal(0, (await JsonAsync(await client.GetAsync("/v1/files/original/"))).GetProperty("count").GetInt32());
    }

    private static MultipartFormDataContent WithRename(MultipartFormDataContent form, string value)
    {
        form.Add(new StringContent(value), "rename_if_exists");
        return form;
    }

    [Fact]
    public async Task Another_users_key_cannot_see_or_touch_original_files()
    {
        var (_, owner, _) = await ClientAsync();
        var (_, intruder, _) = await ClientAsync();
        var id = (await JsonAsync(await owner.PostAsync("/v1/files/original/", Upload("Private.pdf", TestPdf.Pages(1))))).GetProperty("id").GetInt32();
        await AssertErrorAsync(await intruder.GetAsync($"/v1/files/original/{id}/"), HttpStatusCode.Unauthorized, "unauthorized_resource");
        await AssertErrorAsync(await intruder.GetAsync($"/v1/files/original/{id}/download/"), HttpStatusCode.Unauthorized, "unauthorized_resource");
        await AssertErrorAsync(await intruder.DeleteAsync($"/v1/files/original/{id}/"), HttpStatusCode.Unauthorized, "unauthorized_resource");
        Assert.Equal(0, (await JsonAsync(await intruder.GetAsync("/v1/files/original/"))).GetProperty("count").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/v1/files/original/{id}/")).StatusCode);
    }
}

/// <summary>Rate limiting per key with the Dropbox Sign headers, on a host limited to 3 requests a minute.</summary>
public class ApiRateLimitTests
{
    [Fact]
    public async Task Every_response_carries_the_headers_and_the_fourth_request_in_a_minute_gets_429()
    {
        await using var app = new ESignAppFactory { Settings = new() { ["Api:RateLimitPerMinute"] = "3" } };
        _ = app.Server;
        var owner = await app.CreateUserAsync("limited@example.com");
        var (client, _) = await app.ApiClientAsync(owner, "limited");
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        for (var i = 0; i < 3; i++)
        {
            var r = await client.GetAsync("/v1/user/");
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("3", r.Headers.GetValues("X-RateLimit-Limit").Single());
            Assert.Equal((2 - i).ToString(), r.Headers.GetValues("X-RateLimit-Remaining").Single());
            var reset = long.Parse(r.Headers.GetValues("X-RateLimit-Reset").Single());
            // The window opened when the first call arrived (between `before` and now): it ends a minute after that.
            Assert.InRange(reset, before + 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60);
        }
        var limited = await client.GetAsync("/v1/files/original/");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("0", limited.Headers.GetValues("X-RateLimit-Remaining").Single());
        Assert.True(limited.Headers.Contains("Retry-After"));
        var e = JsonDocument.Parse(await limited.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("rate_limit_exceeded", e.GetProperty("error_code").GetString());

        // Another key has its own budget.
        var (second, _) = await app.ApiClientAsync(owner, "second");
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/v1/user/")).StatusCode);
    }
}
