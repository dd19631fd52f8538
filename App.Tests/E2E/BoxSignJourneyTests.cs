using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using ESignWeb.Tests.Fixtures;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// Issue 12's journey: a request made only through the Box-compatible API (plain HTTP, as <c>curl</c> would: a
/// folder, an upload with a Box text tag, <c>POST /2.0/sign_requests</c>) is signed in Debian's Chromium from the
/// mailed link; afterwards the sign request object's <c>sign_files</c> and <c>signing_log</c> download through
/// <c>GET /2.0/files/{id}/content</c> as the sealed PDF (pdfsig: valid) and the audit trail (pdftotext: the signer);
/// then Box's own SDK reads the signed request and downloads both (<c>App.Tests/Sdk/box/box-sdk-read.mjs</c>).
/// </summary>
[Collection(E2ECollection.Name)]
public class BoxSignJourneyTests(ITestOutputHelper output)
{
    private const string Signer = "bea.boxsigner@example.com";

    /// <summary>One Letter page with a Box text tag: the signature of signer 1.</summary>
    private const string Content = """
        BT /F1 12 Tf 72 700 Td (Box journey contract) Tj ET
        BT /F1 12 Tf 72 600 Td (Sign here: [[s|1]]) Tj ET
        """;

    [Fact]
    public async Task Request_made_through_the_Box_api_is_signed_from_the_mail_and_its_sign_files_and_signing_log_download()
    {
        var clock = Stopwatch.StartNew();
        await using var smtp = await SmtpSink.StartAsync();
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Smtp__Host"] = "127.0.0.1", ["Smtp__Port"] = smtp.Port.ToString(), ["Smtp__Security"] = "None",
            ["ESign__PublicBaseUrl"] = "http://127.0.0.1:{port}",
        });
        var key = await BoxSdkTests.KeyAsync(app, "olga.owner@example.com");
        using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        IPage? current = null;
        try
        {
            // ---- Through the Box API only: a folder, the upload, the sign request.
            var folder = await JsonAsync(api.PostAsync("/2.0/folders", Json(new { name = "Box journey", parent = new { id = "0" } })), HttpStatusCode.Created);
            var folderId = folder["id"]!.GetValue<string>();
            using var form = new MultipartFormDataContent();
            form.Add(new StringContent(JsonSerializer.Serialize(new { name = "journey.pdf", parent = new { id = folderId } })), "attributes");
            var pdf = new ByteArrayContent(TaggedPdf.Create(Content));
            pdf.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            form.Add(pdf, "file", "journey.pdf");
            var uploaded = await JsonAsync(api.PostAsync("/api/2.0/files/content", form), HttpStatusCode.Created);
            var fileId = uploaded["entries"]![0]!["id"]!.GetValue<string>();
            // A cancelled request first, so that the request's id and its signed file's id differ (each kind of Box
            // file id must point at its own row: sign_files at the request's file being signed, signing_log at the signed file's audit trail).
            var decoy = await JsonAsync(api.PostAsync("/2.0/sign_requests", Json(new
            {
                source_files = new[] { new { id = fileId, type = "file" } },
                parent_folder = new { id = folderId, type = "folder" },
                signers = new[] { new { email = "dan.decoy@example.com", role = "signer" } },
            })), HttpStatusCode.Created);
            await JsonAsync(api.PostAsync($"/2.0/sign_requests/{decoy["id"]}/cancel", null), HttpStatusCode.OK);
            var created = await JsonAsync(api.PostAsync("/2.0/sign_requests", Json(new
            {
                source_files = new[] { new { id = fileId, type = "file" } },
                parent_folder = new { id = folderId, type = "folder" },
                signers = new[] { new { email = Signer, role = "signer" } },
                email_message = "Please sign the Box journey contract.",
            })), HttpStatusCode.Created);
            var id = created["id"]!.GetValue<string>();
            output.WriteLine($"sign request {id}: {created["status"]}");
            Assert.Equal("sent", created["status"]!.GetValue<string>());

            // ---- The signer: the mailed link, in her own browser context; consent, sign, finish.
            var mail = await smtp.WaitForMessageToAsync(Signer, m => SignLink.IsMatch(m.TextBody ?? ""), 60);
            var context = await browser.NewContextAsync();
            var page = current = await context.NewPageAsync();
            await page.GotoAsync(SignLink.Match(mail.TextBody!).Value);
            await Steps.WaitInteractiveAsync(page);
            await SigningJourneyTests.ConsentAsync(page);
            await SigningJourneyTests.FillSignatureAsync(page, draw: true);
            await page.ClickAsync("#finish-button");
            await Assertions.Expect(page.Locator("#sign-status h1")).ToBeVisibleAsync(new() { Timeout = 30_000 });

            // ---- The object, once sealed: signed, sign_files ready, a signing log.
            var done = await Poll.UntilAsync(async () =>
            {
                var sr = await JsonAsync(api.GetAsync($"/2.0/sign_requests/{id}"), HttpStatusCode.OK);
                return sr["status"]!.GetValue<string>() is "signed" or "signed and downloaded"
                       && sr["sign_files"]?["is_ready_for_download"]?.GetValue<bool>() == true
                       && sr["signing_log"] is JsonObject ? sr : null;
            }, 120);
            output.WriteLine(done.ToJsonString());
            var signer = done["signers"]!.AsArray().Single(s => s!["email"]!.GetValue<string>() == Signer)!;
            Assert.Equal("signed", signer["signer_decision"]!["type"]!.GetValue<string>());
            Assert.True(signer["has_viewed_document"]!.GetValue<bool>());

            // sign_files → the sealed PDF, through Box's download.
            var signFileId = done["sign_files"]!["files"]!.AsArray().Single()!["id"]!.GetValue<string>();
            var sealedPdf = await DownloadAsync(api, signFileId);
            var sig = await Poppler.PdfSigAsync(sealedPdf);
            output.WriteLine(sig);
            Assert.True(sig.Contains("Signature is Valid"), "pdfsig on sign_files' PDF:\n" + sig);

            // signing_log → the audit trail, which names the signer.
            var trailPdf = await DownloadAsync(api, done["signing_log"]!["id"]!.GetValue<string>());
            var trail = Regex.Replace(await Poppler.PdfToTextAsync(trailPdf), @"\s+", " ");
            output.WriteLine(trail);
            Assert.Contains(Signer, trail);
            Assert.Contains("journey.pdf", trail);

            // The same signed request through Box's own SDK: its deserialisers accept the decision, the inputs, the
            // signing log and the sealed sign_files (box-sdk-read.mjs), and its downloads give the same bytes.
            var (code, stdout, stderr) = await NodeScript.RunAsync(BoxSdkTests.SdkFolder, "box-sdk-read.mjs", new Dictionary<string, string>
            {
                ["BOX_BASE_URL"] = app.BaseUrl, ["BOX_TOKEN"] = key, ["BOX_SIGN_REQUEST"] = id, ["BOX_SIGNER"] = Signer,
            }, TimeSpan.FromMinutes(2));
            output.WriteLine($"node box-sdk-read.mjs: exit {code}\n{stdout}{(stderr.Length > 0 ? "stderr: " + stderr : "")}");
            var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith('{'));
            Assert.True(line is not null, $"box-sdk-read.mjs printed no JSON (exit {code}): {stdout} {stderr}");
            var steps = JsonNode.Parse(line)!["steps"]!.AsObject();
            string[] calls = ["signRequests.getSignRequestById (signed)", "signRequests.getSignRequests (signed entry)",
                "downloads.downloadFile (sign_files)", "downloads.downloadFile (signing_log)"];
            Assert.All(calls, c => Assert.True(steps[c]?["ok"]?.GetValue<bool>() == true, $"{c}: {steps[c]?.ToJsonString() ?? "not run"}"));
            Assert.Equal(0, code);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(sealedPdf)), steps["downloads.downloadFile (sign_files)"]!["sha256"]!.GetValue<string>());
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(trailPdf)), steps["downloads.downloadFile (signing_log)"]!["sha256"]!.GetValue<string>());
            output.WriteLine($"Journey: {clock.Elapsed.TotalSeconds:0.0} s");
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("Mail: " + string.Join(" | ", smtp.Messages().Select(m => $"{m.To}: {m.Subject}")));
            output.WriteLine("App log:\n" + app.Log);
            if (current is not null) await current.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "box-sign-journey-failure.png") });
            throw;
        }
    }

    private static readonly Regex SignLink = new(@"http://127\.0\.0\.1:\d+/sign/[A-Za-z0-9_-]{43}");

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static async Task<JsonObject> JsonAsync(Task<HttpResponseMessage> send, HttpStatusCode expected)
    {
        using var response = await send;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: " +
            $"{(int)response.StatusCode} (expected {(int)expected}): {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>GET /2.0/files/{id}/content: the bytes, following a redirect only to the app itself.</summary>
    private static async Task<byte[]> DownloadAsync(HttpClient api, string fileId)
    {
        using var response = await api.GetAsync($"/2.0/files/{fileId}/content");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /2.0/files/{fileId}/content: {(int)response.StatusCode} {Encoding.UTF8.GetString(bytes)}");
        Assert.StartsWith("%PDF-", Encoding.ASCII.GetString(bytes, 0, Math.Min(5, bytes.Length)));
        return bytes;
    }
}
