using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using ESignWeb.Tests.Fixtures;
using Microsoft.Data.Sqlite;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// Attacks on the running app (<see cref="AppProcess"/>) from more than one client address: the whole 127/8 is
/// loopback on Linux, so a client bound to 127.0.0.2 is a second IP. X-Forwarded-For is believed only from a listed
/// proxy (audit trail and throttling), and the per-IP limits refuse the N+1st attempt in a minute with 429 while
/// another client carries on.
/// </summary>
[Collection(E2ECollection.Name)]
public class ProxyAndThrottlingTests
{
    private const string OtherIp = "127.0.0.2";

    [Fact]
    public async Task Forwarded_for_is_recorded_from_a_listed_proxy_and_ignored_from_anyone_else()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["ESign__ForwardedHeaders__KnownProxies__0"] = "127.0.0.1",
        });
        var key = await CreateApiKeyAsync(app, "proxy@example.com");

        using var viaProxy = Client(app, "127.0.0.1", key);
        using var stranger = Client(app, OtherIp, key);
        using var direct = Client(app, "127.0.0.1", key);

        Assert.Equal(["203.0.113.9"], await AuditIpsAsync(app, viaProxy, forwardedFor: "203.0.113.9"));
        // A chain: client-written entries left of the proxy's own are not believed.
        Assert.Equal(["203.0.113.11"], await AuditIpsAsync(app, viaProxy, forwardedFor: "10.6.6.6, 203.0.113.11"));
        // Not from a listed proxy: the socket's address, whatever the header says.
        Assert.Equal([OtherIp], await AuditIpsAsync(app, stranger, forwardedFor: "203.0.113.10"));
        Assert.Equal(["127.0.0.1"], await AuditIpsAsync(app, direct, forwardedFor: null));
    }

    [Fact]
    public async Task Forwarded_proto_is_believed_from_a_listed_proxy_and_ignored_from_anyone_else()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["ESign__ForwardedHeaders__KnownProxies__0"] = "127.0.0.1",
        });
        using var viaProxy = Client(app, "127.0.0.1");
        using var stranger = Client(app, OtherIp);

        // The sign-in redirect is built from the request's scheme: https only when a listed proxy said so.
        Assert.StartsWith("https://", await LoginRedirectAsync(viaProxy, forwardedProto: "https"));
        Assert.StartsWith("http://", await LoginRedirectAsync(stranger, forwardedProto: "https"));
        Assert.StartsWith("http://", await LoginRedirectAsync(viaProxy, forwardedProto: null));
    }

    private static async Task<string> LoginRedirectAsync(HttpClient client, string? forwardedProto)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, "/documents");
        if (forwardedProto is not null) req.Headers.Add("X-Forwarded-Proto", forwardedProto);
        var r = await client.SendAsync(req);
        Assert.Equal(HttpStatusCode.Found, r.StatusCode);
        var location = r.Headers.Location!.ToString();
        Assert.Contains("/Account/Login", location);
        return location;
    }

    [Fact]
    public async Task Without_a_listed_proxy_forwarded_headers_change_nothing()
    {
        await using var app = await AppProcess.StartAsync();
        var key = await CreateApiKeyAsync(app, "noproxy@example.com");
        using var client = Client(app, "127.0.0.1", key);

        // Loopback is not trusted by default any more: the audit trail keeps the socket's address.
        Assert.Equal(["127.0.0.1"], await AuditIpsAsync(app, client, forwardedFor: "203.0.113.9"));
        // Nor can a client escape the per-IP limit by inventing a new X-Forwarded-For on every request.
        var limit = new ESignWeb.Hosting.RateLimitSettings().TokenLookupsPerMinute;
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= limit; i++)
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, $"/sign/{RandomToken()}");
            req.Headers.Add("X-Forwarded-For", $"198.51.100.{i % 250}");
            statuses.Add((await client.SendAsync(req)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Fact]
    public async Task The_next_sign_in_and_token_look_up_past_the_limit_get_429_while_another_ip_carries_on()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["ESign__ForwardedHeaders__KnownProxies__0"] = "127.0.0.1",
        });
        var defaults = new ESignWeb.Hosting.RateLimitSettings();

        // Sign-in: the form posts (wrong password) count, the page loads do not.
        using var attacker = Client(app, "127.0.0.1");
        var form = await LoginFormAsync(attacker);
        for (var i = 0; i < defaults.SignInPerMinute; i++)
        {
            await LoginFormAsync(attacker); // a page load in between: not counted
            var r = await attacker.PostAsync("/Account/Login", form);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Contains("Invalid login attempt", await r.Content.ReadAsStringAsync());
        }
        var refused = await attacker.PostAsync("/Account/Login", form);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single());
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Too many attempts", await refused.Content.ReadAsStringAsync());
        Assert.Contains("default-src 'self'", refused.Headers.GetValues("Content-Security-Policy").Single());
        // Another address, and a client behind the listed proxy, still sign in as usual.
        using var neighbour = Client(app, OtherIp);
        Assert.Equal(HttpStatusCode.OK, (await neighbour.PostAsync("/Account/Login", await LoginFormAsync(neighbour))).StatusCode);
        using var proxied = Client(app, "127.0.0.1");
        proxied.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.20");
        Assert.Equal(HttpStatusCode.OK, (await proxied.PostAsync("/Account/Login", await LoginFormAsync(proxied))).StatusCode);

        // Token look-ups: signing pages, their endpoints and embedded links share one budget per IP.
        using var scanner = Client(app, "127.0.0.1");
        scanner.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.30");
        var paths = new[] { "/sign/{0}", "/sign/{0}/document", "/embed/sign/emb_{0}", "/embed/send/emb_{0}/document", "/copy/1/{0}" };
        for (var i = 0; i < defaults.TokenLookupsPerMinute; i++)
        {
            var r = await scanner.GetAsync(string.Format(paths[i % paths.Length], RandomToken()));
            Assert.NotEqual(HttpStatusCode.TooManyRequests, r.StatusCode);
        }
        var blocked = await scanner.GetAsync($"/sign/{RandomToken()}");
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.True(blocked.Headers.Contains("Retry-After"));
        // The proxy's other clients, and other addresses, are unaffected; so is everything that is not a token.
        using var otherViaProxy = Client(app, "127.0.0.1");
        otherViaProxy.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.31");
        Assert.Equal(HttpStatusCode.OK, (await otherViaProxy.GetAsync($"/sign/{RandomToken()}")).StatusCode);
        using var other = Client(app, OtherIp);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync($"/sign/{RandomToken()}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await scanner.GetAsync("/healthz")).StatusCode);
        Assert.DoesNotContain(blocked.RequestMessage!.RequestUri!.AbsolutePath.Split('/')[^1], app.Log); // no token in the log
    }

    /// <summary>An HTTP client whose connections come from <paramref name="localIp"/> (any 127.x address is loopback).</summary>
    internal static HttpClient Client(AppProcess app, string localIp, string? apiKey = null)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            CookieContainer = new CookieContainer(),
            ConnectCallback = async (ctx, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(localIp), 0));
                    await socket.ConnectAsync(ctx.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var client = new HttpClient(handler) { BaseAddress = new Uri(app.BaseUrl) };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    /// <summary>The login form's fields (antiforgery token, handler) with a wrong password.</summary>
    private static async Task<FormUrlEncodedContent> LoginFormAsync(HttpClient client)
    {
        var html = await client.GetStringAsync("/Account/Login");
        var fields = new List<KeyValuePair<string, string>>();
        foreach (Match input in Regex.Matches(html, "<input[^>]*type=\"hidden\"[^>]*>"))
        {
            var name = Regex.Match(input.Value, "name=\"([^\"]*)\"").Groups[1].Value;
            var value = WebUtility.HtmlDecode(Regex.Match(input.Value, "value=\"([^\"]*)\"").Groups[1].Value);
            if (name.Length > 0) fields.Add(new(name, value));
        }
        Assert.Contains(fields, f => f.Key == "__RequestVerificationToken");
        fields.Add(new("Input.Email", "nobody@example.com"));
        fields.Add(new("Input.Password", "Wrong-password-1"));
        return new FormUrlEncodedContent(fields);
    }

    /// <summary>Sends a one-signer request over the API (as the client) and returns the addresses its audit events recorded.</summary>
    private static async Task<string[]> AuditIpsAsync(AppProcess app, HttpClient client, string? forwardedFor)
    {
        using var upload = new HttpRequestMessage(HttpMethod.Post, "/v1/files/original/")
        {
            Content = new MultipartFormDataContent
            {
                { new StringContent($"Proxy {Guid.NewGuid():N}.pdf"), "name" },
                { new ByteArrayContent(TestPdf.Pages(1)) { Headers = { ContentType = new("application/pdf") } }, "file", "Proxy.pdf" },
            },
        };
        if (forwardedFor is not null) upload.Headers.Add("X-Forwarded-For", forwardedFor);
        var uploaded = await client.SendAsync(upload);
        Assert.True(uploaded.IsSuccessStatusCode, await uploaded.Content.ReadAsStringAsync());
        var fileId = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        using var send = new HttpRequestMessage(HttpMethod.Post, "/v1/files/pending/fields/")
        {
            Content = JsonContent.Create(new
            {
                original_file_id = fileId, name = "Proxy test", is_ordered = true,
                recipients = new[] { new { email = "signer@example.com", first_name = "Sig", last_name = "Ner" } },
                fields_payload = new[] { new { email = "signer@example.com", type = "signature", required = true, page_number = 1, x = 72, y = 600, width = 180, height = 48, additional_info = new { } } },
            }),
        };
        if (forwardedFor is not null) send.Headers.Add("X-Forwarded-For", forwardedFor);
        var sent = await client.SendAsync(send);
        Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
        var requestId = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("pending_file_id").GetInt32();
        return AuditIps(app, requestId);
    }

    /// <summary>The distinct non-empty IP addresses in a request's audit events.</summary>
    internal static string[] AuditIps(AppProcess app, int requestId, string? type = null)
    {
        using var c = new SqliteConnection($"Data Source={app.DatabasePath};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT DISTINCT Ip FROM AuditEvents WHERE RequestId = $id AND Ip IS NOT NULL AND Ip <> ''" +
                          (type is null ? "" : " AND Type = $type");
        cmd.Parameters.AddWithValue("$id", requestId);
        if (type is not null) cmd.Parameters.AddWithValue("$type", type);
        using var r = cmd.ExecuteReader();
        var ips = new List<string>();
        while (r.Read()) ips.Add(r.GetString(0));
        return [.. ips];
    }

    /// <summary><c>ESignWeb apikey create</c> against the running app's data directory, as an operator would.</summary>
    internal static async Task<string> CreateApiKeyAsync(AppProcess app, string email)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { RepoPaths.AppDll, "apikey", "create", "--email", email },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["ESign__DataPath"] = app.DataDir;
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await p.WaitForExitAsync(cts.Token);
        var key = (await stdout).Trim().Split('\n')[^1].Trim();
        Assert.True(p.ExitCode == 0 && key.StartsWith("esk_"), $"apikey create failed: {await stderr}\n{await stdout}");
        return key;
    }

    private static string RandomToken() =>
        Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
