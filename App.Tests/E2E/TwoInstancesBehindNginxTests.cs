using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ESignWeb.Tests.Fixtures;
using Microsoft.Playwright;
using Npgsql;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// Issue 15: two app PROCESSES on one throw-away PostgreSQL, sharing one data folder (keys and blobs on disk, as on a
/// shared volume), behind Debian's nginx running the shipped deploy/nginx.conf (<see cref="NginxProxy"/>). The sender
/// works against instance A; the signers' browsers go through nginx and are routed to B by the sticky cookie; the
/// request is sealed exactly once. Then a batch of completions is sealed while the instance holding a seal is killed
/// with SIGKILL: the survivor finishes every seal exactly once (its outbox lease ran out), and nginx keeps serving.
/// </summary>
[Collection(E2ECollection.Name)]
public class TwoInstancesBehindNginxTests(ITestOutputHelper output)
{
    private const string Sender = "nina.sender@example.com";
    private const string RouteCookie = "esign_route";
    private const int BatchSize = 4;

    [Fact]
    public async Task Signers_through_nginx_on_the_other_instance_seal_once_and_the_survivor_of_a_kill_9_finishes_every_seal_once()
    {
        var connection = PostgresServer.CreateDatabase("proxy");
        var shared = Directory.CreateTempSubdirectory("esign-shared-").FullName;
        await using var smtp = await SmtpSink.StartAsync();
        var nginxPort = FreePort.Next();
        var settings = AppProcess.PostgreSqlSettings(connection);
        foreach (var (k, v) in new Dictionary<string, string>
        {
            ["Smtp__Host"] = "127.0.0.1", ["Smtp__Port"] = smtp.Port.ToString(), ["Smtp__Security"] = "None",
            ["ESign__RequireConfirmedAccount"] = "false", ["Api__RateLimitPerMinute"] = "100000", // the test polls
            ["ESign__PublicBaseUrl"] = $"http://127.0.0.1:{nginxPort}", // links in mail point at the proxy
            ["ESign__ForwardedHeaders__KnownProxies__0"] = NginxProxy.ProxyAddress,
            ["ESign__Outbox__LeaseSeconds"] = "5",
            ["ESign__Testing__SealDelayMilliseconds"] = "2500", // a seal is held before its commit: time to kill it there
        }) settings[k] = v;

        AppProcess? a = null, b = null;
        NginxProxy? nginx = null;
        BrowserSession? browser = null;
        try
        {
            a = await AppProcess.StartAsync(settings, sharedDataDir: shared); // migrates and creates the shared keys
            b = await AppProcess.StartAsync(settings, sharedDataDir: shared);
            nginx = await NginxProxy.StartAsync([$"127.0.0.1:{a.Port}", $"127.0.0.1:{b.Port}"], nginxPort);
            using var viaNginx = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(nginx.BaseUrl) };

            // A browser without the cookie gets one; with it, it always reaches the same instance.
            var first = await viaNginx.GetAsync("/healthz");
            Assert.Contains(first.Headers.GetValues("Set-Cookie"), c => c.StartsWith(RouteCookie + "="));
            var toA = await RouteKeyAsync(viaNginx, a.Port);
            var toB = await RouteKeyAsync(viaNginx, b.Port);
            for (var i = 0; i < 5; i++) Assert.Equal($"127.0.0.1:{b.Port}", await UpstreamAsync(viaNginx, toB));

            var key = (await a.RunCommandAsync("apikey", "create", "--email", Sender)).Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("esk_"));
            using var apiA = Api(a.BaseUrl, key);
            var fileId = await UploadAsync(apiA);

            // 1. Sent through A; both signers' browsers go through nginx and land on B; sealed once.
            var id = await SendAsync(apiA, fileId, "Two instances", "ada@example.com", "bo@example.com");
            browser = await BrowserSession.OpenAsync(nginx.BaseUrl);
            foreach (var signer in new[] { "ada@example.com", "bo@example.com" })
            {
                var page = await OpenThroughNginxAsync(browser, smtp, signer, nginx, toB);
                await SigningJourneyTests.ConsentAsync(page);
                await SigningJourneyTests.FillSignatureAsync(page, draw: false);
                await page.ClickAsync("#finish-button");
                await Assertions.Expect(page.Locator("#sign-status")).ToHaveAttributeAsync("data-state", "AlreadySigned");
            }
            var blazor = nginx.AccessLog.Split('\n').Where(l => l.StartsWith("/_blazor")).ToList();
            Assert.NotEmpty(blazor);
            Assert.All(blazor, l => Assert.Contains($" 127.0.0.1:{b.Port} ", l)); // negotiate, WebSocket: all on B
            Assert.All(nginx.AccessLog.Split('\n').Where(l => l.StartsWith("/sign/")), l => Assert.Contains($" 127.0.0.1:{b.Port} ", l));

            await Poll.UntilTrueAsync(async () => await StatusAsync(apiA, id) == "complete", "the request is complete", 60,
                async () => await StatusAsync(apiA, id));
            Assert.Equal(1, Scalar(connection, $"SELECT COUNT(*) FROM \"SignedFiles\" WHERE \"RequestId\" = {id}"));
            Assert.Equal(1, Scalar(connection, $"SELECT COUNT(*) FROM \"AuditEvents\" WHERE \"RequestId\" = {id} AND \"Type\" = 'completed'"));
            // The signers' address came through nginx's X-Forwarded-For (nginx itself connects from 127.0.0.3).
            Assert.Equal(["127.0.0.1"], AuditIps(connection, id, "signed"));
            var signed = (await Json(await apiA.GetAsync("/v1/files/signed/"))).GetProperty("files")[0].GetProperty("id").GetInt32();
            Assert.Contains("Signature is Valid", await Poppler.PdfSigAsync(await apiA.GetByteArrayAsync($"/v1/files/signed/{signed}/download/")));

            // Forwarded headers are believed only from the listed proxy: a client writing them straight to B is not,
            // and through nginx the client's own X-Forwarded-For is replaced.
            using var apiB = Api(b.BaseUrl, key);
            var forged = await SendForgedAsync(apiB, fileId, "Forged direct", "cy@example.com", forwardedFor: "203.0.113.9");
            Assert.Equal(["127.0.0.1"], AuditIps(connection, forged));
            using var apiViaNginx = Api(nginx.BaseUrl, key);
            var forgedViaNginx = await SendForgedAsync(apiViaNginx, fileId, "Forged via nginx", "cy@example.com", forwardedFor: "203.0.113.9");
            Assert.Equal(["127.0.0.1"], AuditIps(connection, forgedViaNginx));

            // 2. A batch of completions; the instance holding a seal before its commit is killed with SIGKILL.
            var batch = new List<int>();
            for (var i = 0; i < BatchSize; i++) batch.Add(await SendAsync(apiA, fileId, $"Batch {i}", $"batch{i}@example.com"));
            var pages = new List<IPage>();
            for (var i = 0; i < BatchSize; i++)
            {
                var page = await OpenThroughNginxAsync(browser, smtp, $"batch{i}@example.com", nginx, i % 2 == 0 ? toA : toB);
                await SigningJourneyTests.ConsentAsync(page);
                await SigningJourneyTests.FillSignatureAsync(page, draw: false);
                pages.Add(page);
            }
            foreach (var page in pages) await page.ClickAsync("#finish-button");
            foreach (var page in pages) await Assertions.Expect(page.Locator("#sign-status")).ToHaveAttributeAsync("data-state", "AlreadySigned");

            AppProcess? victim = null;
            await Poll.UntilTrueAsync(() =>
            {
                victim = new[] { a, b }.FirstOrDefault(app => Held(app) > Sealed(app));
                return victim is not null;
            }, "an instance holds a seal before its commit", 60, () => Task.FromResult($"A: {Held(a)}/{Sealed(a)}, B: {Held(b)}/{Sealed(b)}"));
            var sealedBefore = Scalar(connection, $"SELECT COUNT(*) FROM \"SignedFiles\" WHERE \"RequestId\" IN ({string.Join(',', batch)})");
            await victim!.KillAsync();
            var survivor = victim == a ? b : a;
            var killedAt = DateTime.UtcNow;
            output.WriteLine($"Killed {(victim == a ? "A" : "B")} holding a seal; {sealedBefore} of {BatchSize} were sealed before.");

            using var apiSurvivor = Api(survivor.BaseUrl, key);
            await Poll.UntilTrueAsync(async () =>
            {
                foreach (var r in batch) if (await StatusAsync(apiSurvivor, r) != "complete") return false;
                return true;
            }, "every request of the batch is complete on the survivor", 90,
                async () => string.Join(", ", await Task.WhenAll(batch.Select(r => StatusAsync(apiSurvivor, r)))) + "\n" + survivor.Log);
            output.WriteLine($"All {BatchSize} complete {(DateTime.UtcNow - killedAt).TotalSeconds:0.0} s after the kill.");

            foreach (var r in batch)
            {
                Assert.Equal(1, Scalar(connection, $"SELECT COUNT(*) FROM \"SignedFiles\" WHERE \"RequestId\" = {r}"));
                Assert.Equal(1, Scalar(connection, $"SELECT COUNT(*) FROM \"AuditEvents\" WHERE \"RequestId\" = {r} AND \"Type\" = 'completed'"));
            }
            Assert.Equal(BatchSize + 1, Scalar(connection, "SELECT COUNT(*) FROM \"Outbox\" WHERE \"Kind\" = 'seal.request'"));
            await Poll.UntilTrueAsync(() => Scalar(connection, "SELECT COUNT(*) FROM \"Outbox\" WHERE \"Kind\" = 'seal.request' AND \"DoneAt\" IS NULL") == 0,
                "every seal job is done", 30);
            Assert.Equal(0, Scalar(connection, "SELECT COUNT(*) FROM \"Outbox\" WHERE \"Failed\""));

            // nginx keeps serving: the dead instance's browsers are sent to the survivor.
            var deadKey = victim == a ? toA : toB;
            using var again = new HttpRequestMessage(HttpMethod.Get, "/healthz");
            again.Headers.Add("Cookie", $"{RouteCookie}={deadKey}");
            var answer = await viaNginx.SendAsync(again);
            Assert.True(answer.IsSuccessStatusCode, $"{(int)answer.StatusCode} through nginx after the kill");
            Assert.EndsWith($"127.0.0.1:{survivor.Port}", answer.Headers.GetValues("X-Test-Upstream").Single());
        }
        catch
        {
            if (a is not null) output.WriteLine("A's log:\n" + a.Log);
            if (b is not null) output.WriteLine("B's log:\n" + b.Log);
            if (nginx is not null) output.WriteLine("nginx:\n" + nginx.Output + nginx.ErrorLog + "\naccess:\n" + nginx.AccessLog);
            if (browser is not null) output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            throw;
        }
        finally
        {
            if (browser is not null) await browser.DisposeAsync();
            if (nginx is not null) await nginx.DisposeAsync();
            if (a is not null) await a.DisposeAsync();
            if (b is not null) await b.DisposeAsync();
            try { Directory.Delete(shared, true); } catch (IOException) { }
            PostgresServer.DropDatabase(connection);
        }
    }

    private static int Held(AppProcess app) => Regex.Matches(app.Log, "Testing: holding the seal of request").Count;
    private static int Sealed(AppProcess app) => Regex.Matches(app.Log, @"sealed as signed file \d+").Count;

    /// <summary>A value of the sticky cookie that nginx hashes to the instance on <paramref name="port"/>.</summary>
    private static async Task<string> RouteKeyAsync(HttpClient viaNginx, int port)
    {
        for (var i = 0; i < 200; i++)
        {
            var candidate = $"route{i}";
            if (await UpstreamAsync(viaNginx, candidate) == $"127.0.0.1:{port}") return candidate;
        }
        throw new InvalidOperationException($"No cookie value in 200 reached 127.0.0.1:{port}.");
    }

    private static async Task<string> UpstreamAsync(HttpClient viaNginx, string route)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        req.Headers.Add("Cookie", $"{RouteCookie}={route}");
        var r = await viaNginx.SendAsync(req);
        Assert.True(r.IsSuccessStatusCode, $"/healthz through nginx: {(int)r.StatusCode}");
        Assert.False(r.Headers.Contains("Set-Cookie") && r.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith(RouteCookie)),
            "nginx replaced a route cookie the browser already had");
        return r.Headers.GetValues("X-Test-Upstream").Single();
    }

    /// <summary>The signer's own browser with the sticky cookie for one instance, on the mailed link (which points at nginx).</summary>
    private static async Task<IPage> OpenThroughNginxAsync(BrowserSession browser, SmtpSink smtp, string email, NginxProxy nginx, string route)
    {
        var invite = await smtp.WaitForMessageToAsync(email, m => (m.Subject ?? "").Contains("sent you"), 60);
        var link = Regex.Match(invite.TextBody ?? "", $@"http://127\.0\.0\.1:{nginx.Port}/sign/[A-Za-z0-9_-]{{43}}").Value;
        Assert.False(string.IsNullOrEmpty(link), invite.TextBody);
        var context = await browser.NewContextAsync();
        await context.AddCookiesAsync([new Cookie { Name = RouteCookie, Value = route, Url = nginx.BaseUrl }]);
        var page = await context.NewPageAsync();
        await page.GotoAsync(link);
        await Steps.WaitInteractiveAsync(page);
        return page;
    }

    private static HttpClient Api(string baseUrl, string key)
    {
        var api = new HttpClient { BaseAddress = new Uri(baseUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return api;
    }

    private static async Task<int> UploadAsync(HttpClient api)
    {
        var upload = new MultipartFormDataContent
        {
            { new StringContent("Proxy.pdf"), "name" },
            { new ByteArrayContent(TestPdf.Pages(1)) { Headers = { ContentType = new("application/pdf") } }, "file", "Proxy.pdf" },
        };
        return (await Json(await api.PostAsync("/v1/files/original/", upload))).GetProperty("id").GetInt32();
    }

    private static async Task<int> SendAsync(HttpClient api, int fileId, string name, params string[] signers) =>
        await SendAsync(api, fileId, name, signers, null);

    private static async Task<int> SendForgedAsync(HttpClient api, int fileId, string name, string signer, string forwardedFor) =>
        await SendAsync(api, fileId, name, [signer], forwardedFor);

    private static async Task<int> SendAsync(HttpClient api, int fileId, string name, string[] signers, string? forwardedFor)
    {
        using var send = new HttpRequestMessage(HttpMethod.Post, "/v1/files/pending/fields/")
        {
            Content = JsonContent.Create(new
            {
                original_file_id = fileId, name, is_ordered = false,
                recipients = signers.Select((s, i) => new { email = s, first_name = "Signer", last_name = $"No{i}" }).ToArray(),
                fields_payload = signers.Select((s, i) => new { email = s, type = "signature", required = true, page_number = 1, x = 72, y = 600 - i * 80, width = 180, height = 48, additional_info = new { } }).ToArray(),
            }),
        };
        if (forwardedFor is not null) send.Headers.Add("X-Forwarded-For", forwardedFor);
        return (await Json(await api.SendAsync(send))).GetProperty("pending_file_id").GetInt32();
    }

    private static async Task<string> StatusAsync(HttpClient api, int id) =>
        (await Json(await api.GetAsync($"/v1/files/pending/{id}/"))).GetProperty("status").GetString()!;

    private static long Scalar(string connection, string sql)
    {
        using var c = new NpgsqlConnection(connection);
        c.Open();
        using var cmd = new NpgsqlCommand(sql, c);
        return Convert.ToInt64(cmd.ExecuteScalar());
    }

    private static string[] AuditIps(string connection, int requestId, string? type = null)
    {
        using var c = new NpgsqlConnection(connection);
        c.Open();
        using var cmd = new NpgsqlCommand("SELECT DISTINCT \"Ip\" FROM \"AuditEvents\" WHERE \"RequestId\" = @id AND \"Ip\" IS NOT NULL AND \"Ip\" <> ''" +
                                          (type is null ? "" : " AND \"Type\" = @type"), c);
        cmd.Parameters.AddWithValue("id", requestId);
        if (type is not null) cmd.Parameters.AddWithValue("type", type);
        using var r = cmd.ExecuteReader();
        var ips = new List<string>();
        while (r.Read()) ips.Add(r.GetString(0));
        return [.. ips];
    }

    private static async Task<JsonElement> Json(HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"{(int)r.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }
}
