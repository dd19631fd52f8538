using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace ESignWeb.Tests.Integration;

/// <summary>The Box family's plumbing: its paths, API-key auth, rate-limit headers and Box's error object everywhere.</summary>
public class BoxApiBaseTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public BoxApiBaseTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;

    /// <summary>Box's error object: type, numeric status equal to the HTTP status, code, message, request_id.</summary>
    internal static async Task AssertBoxErrorAsync(HttpResponseMessage r, HttpStatusCode status, string code)
    {
        Assert.Equal(status, r.StatusCode);
        Assert.StartsWith("application/json", r.Content.Headers.ContentType?.ToString());
        var e = await JsonAsync(r);
        Assert.Equal("error", e.GetProperty("type").GetString());
        Assert.Equal((int)status, e.GetProperty("status").GetInt32());
        Assert.Equal(code, e.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("request_id").GetString()));
        Assert.False(e.TryGetProperty("error_code", out _)); // not the SignEasy shape
    }

    [Fact]
    public async Task Missing_or_wrong_tokens_get_Box_401_on_both_prefixes()
    {
        var anonymous = _app.CreateClient();
        await AssertBoxErrorAsync(await anonymous.GetAsync("/2.0/users/me"), HttpStatusCode.Unauthorized, "unauthorized");
        await AssertBoxErrorAsync(await anonymous.PostAsync("/api/2.0/files/content", new StringContent("x")), HttpStatusCode.Unauthorized, "unauthorized");
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "esk_not-a-real-key");
        await AssertBoxErrorAsync(await anonymous.GetAsync("/2.0/users/me"), HttpStatusCode.Unauthorized, "unauthorized");
        // The SignEasy family keeps its own shape.
        var signEasy = await JsonAsync(await anonymous.GetAsync("/v1/user/"));
        Assert.Equal("invalid_token", signEasy.GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task The_key_reads_its_user_as_a_Box_user_with_rate_limit_headers()
    {
        var owner = await _app.CreateUserAsync($"box-{Guid.NewGuid():N}@example.com", "Bo", "Xer");
        var (client, _) = await _app.ApiClientAsync(owner);
        var r = await client.GetAsync("/2.0/users/me");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.True(r.Headers.Contains("X-RateLimit-Limit"));
        Assert.True(r.Headers.Contains("X-RateLimit-Remaining"));
        var me = await JsonAsync(r);
        Assert.Equal("user", me.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.String, me.GetProperty("id").ValueKind);
        Assert.Equal("Bo Xer", me.GetProperty("name").GetString());
        Assert.StartsWith("box-", me.GetProperty("login").GetString());
        Assert.True(DateTimeOffset.TryParse(me.GetProperty("created_at").GetString(), out _));
    }

    [Fact]
    public async Task Unknown_paths_under_the_Box_prefixes_are_Box_404s_not_pages()
    {
        var owner = await _app.CreateUserAsync($"box-{Guid.NewGuid():N}@example.com");
        var (client, _) = await _app.ApiClientAsync(owner);
        await AssertBoxErrorAsync(await client.GetAsync("/2.0/no_such_thing/1"), HttpStatusCode.NotFound, "not_found");
        await AssertBoxErrorAsync(await client.GetAsync("/api/2.0/nothing"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Every_domain_refusal_has_a_Box_status_and_code()
    {
        foreach (var code in ESignWeb.Api.ApiErrorCodes.All)
        {
            var (status, wire) = ESignWeb.Api.Box.BoxErrors.Of(code);
            Assert.InRange(status, 400, 499);
            Assert.Matches("^[a-z_]+$", wire);
        }
        Assert.Equal((404, "not_found"), ESignWeb.Api.Box.BoxErrors.Of(ESignWeb.Api.ApiErrorCode.UnauthorizedResource));
        Assert.Equal((409, "item_name_in_use"), ESignWeb.Api.Box.BoxErrors.Of(ESignWeb.Api.ApiErrorCode.ItemNameInUse));
    }
}
