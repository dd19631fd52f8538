using System.Net;
using System.Text.Json;

namespace ESignWeb.Tests.Integration;

/// <summary>Seed: GET|POST|DELETE /v1/callback/urls/ with X-Client-ID; urls comma-separated. Default settings: no private networks.</summary>
public class CallbackUrlApiTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public CallbackUrlApiTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    private static HttpRequestMessage Call(HttpMethod method, string path, string? clientId, string? urls = null)
    {
        var m = new HttpRequestMessage(method, path);
        if (clientId is not null) m.Headers.Add("X-Client-ID", clientId);
        if (urls is not null) m.Content = new FormUrlEncodedContent([new("urls", urls)]);
        return m;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Json)> SendAsync(HttpClient client, HttpRequestMessage m)
    {
        var r = await client.SendAsync(m);
        return (r.StatusCode, JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement);
    }

    private static string[] Urls(JsonElement e) => e.GetProperty("callback_urls").EnumerateArray().Select(x => x.GetString()!).ToArray();

    [Fact]
    public async Task Urls_are_added_listed_and_removed_per_client_id_as_in_the_seed()
    {
        var (api, _) = await _app.ApiClientAsync(await _app.CreateUserAsync($"cb-{Guid.NewGuid():N}@example.com"));
        var (status, json) = await SendAsync(api, Call(HttpMethod.Post, "/v1/callback/urls/", "client-a", "https://a.example.com/hook, https://b.example.com/hook?x=1"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["https://a.example.com/hook", "https://b.example.com/hook?x=1"], Urls(json));

        // Adding again keeps one of each; the query parameter form (the seed calls urls a query parameter) works too.
        (_, json) = await SendAsync(api, Call(HttpMethod.Post, "/v1/callback/urls?urls=https://a.example.com/hook,https://c.example.com/", "client-a"));
        Assert.Equal(["https://a.example.com/hook", "https://b.example.com/hook?x=1", "https://c.example.com/"], Urls(json));

        // Another client id has its own list; GET with and without the trailing slash.
        Assert.Empty(Urls((await SendAsync(api, Call(HttpMethod.Get, "/v1/callback/urls/", "client-b"))).Json));
        Assert.Equal(3, Urls((await SendAsync(api, Call(HttpMethod.Get, "/v1/callback/urls", "client-a"))).Json).Length);

        (status, json) = await SendAsync(api, Call(HttpMethod.Delete, "/v1/callback/urls/", "client-a", "https://b.example.com/hook?x=1,https://c.example.com/"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["https://a.example.com/hook"], Urls(json));
        Assert.Equal(["https://a.example.com/hook"], Urls((await SendAsync(api, Call(HttpMethod.Get, "/v1/callback/urls/", "client-a"))).Json));
    }

    [Theory]
    [InlineData(null, "https://ok.example.com/", "X-Client-ID")]
    [InlineData("c", "", "at least one URL")]
    [InlineData("c", "ftp://files.example.com/hook", "not an http or https URL")]
    [InlineData("c", "not a url", "not an http or https URL")]
    [InlineData("c", "http://127.0.0.1:8080/hook", "this server itself")]
    [InlineData("c", "http://localhost/hook", "this server itself")]
    [InlineData("c", "http://10.1.2.3/hook", "private or reserved")]
    [InlineData("c", "http://169.254.169.254/latest/meta-data", "private or reserved")]
    [InlineData("c", "http://[::1]/hook", "this server itself")]
    [InlineData("c", "http://[fd00::1]/hook", "private or reserved")]
    [InlineData("c", "https://user:secret@hooks.example.com/", "user name or password")]
    [InlineData("c", "https://ok.example.com/,http://192.168.1.10/", "private or reserved")]
    public async Task Bad_urls_and_a_missing_client_id_are_bad_requests_and_store_nothing(string? clientId, string urls, string message)
    {
        var (api, _) = await _app.ApiClientAsync(await _app.CreateUserAsync($"cb-{Guid.NewGuid():N}@example.com"));
        var (status, json) = await SendAsync(api, Call(HttpMethod.Post, "/v1/callback/urls/", clientId, urls));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("bad_request", json.GetProperty("error_code").GetString());
        Assert.Contains(message, json.GetProperty("message").GetString());
        Assert.Empty(Urls((await SendAsync(api, Call(HttpMethod.Get, "/v1/callback/urls/", "c"))).Json));
    }

    [Fact]
    public async Task A_user_has_at_most_twenty_urls_and_needs_a_key()
    {
        var (api, _) = await _app.ApiClientAsync(await _app.CreateUserAsync($"cb-{Guid.NewGuid():N}@example.com"));
        var twenty = string.Join(",", Enumerable.Range(1, 20).Select(i => $"https://h{i}.example.com/"));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(api, Call(HttpMethod.Post, "/v1/callback/urls/", "c", twenty))).Status);
        var (status, json) = await SendAsync(api, Call(HttpMethod.Post, "/v1/callback/urls/", "d", "https://one-more.example.com/"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("At most 20", json.GetProperty("message").GetString());

        var anonymous = _app.CreateClient();
        var r = await anonymous.SendAsync(Call(HttpMethod.Get, "/v1/callback/urls/", "c"));
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        Assert.Equal("invalid_token", JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("error_code").GetString());
    }
}
