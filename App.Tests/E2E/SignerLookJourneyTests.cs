using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ESignWeb.Tests.Fixtures;
using Microsoft.Playwright;
using MimeKit;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// What a signer sees and receives, in Debian's Chromium against the real app with a real SMTP sink: a request made
/// over the API with red ink, a redirect URL, a subject and an HTML message. The invitation carries them; the signer
/// draws in red; after Finish the page shows its "done" message and goes to the redirect URL (a tiny local listener);
/// the sealed PDF's signature is red (rendered with pdftoppm, pixels read).
/// </summary>
[Collection(E2ECollection.Name)]
public class SignerLookJourneyTests(ITestOutputHelper output)
{
    private const string Signer = "rita@example.com";
    private const string Subject = "Q3 contract: please sign";

    [Fact]
    public async Task Red_ink_is_sealed_red_and_the_page_goes_to_the_redirect_url()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Smtp__Host"] = "127.0.0.1", ["Smtp__Port"] = smtp.Port.ToString(), ["Smtp__Security"] = "None",
            ["ESign__RequireConfirmedAccount"] = "false",
        });
        using var landing = new Landing();
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;
        try
        {
            await Steps.RegisterAsync(page, "sol@example.com", "Sol");
            await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();
            await page.GotoAsync("/settings");
            await Steps.WaitInteractiveAsync(page);
            await page.FillAsync("#apikey-name", "crm");
            await page.ClickAsync("#apikey-create");
            var key = (await page.Locator("#apikey-value").InnerTextAsync()).Trim();

            using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var upload = new MultipartFormDataContent
            {
                { new StringContent("Q3.pdf"), "name" },
                { new ByteArrayContent(TestPdf.Pages(1)) { Headers = { ContentType = new("application/pdf") } }, "file", "Q3.pdf" },
            };
            var fileId = (await Json(await api.PostAsync("/v1/files/original/", upload))).GetProperty("id").GetInt32();
            var created = await api.PostAsJsonAsync("/v1/files/pending/fields/", new
            {
                original_file_id = fileId, name = "Q3 contract", is_ordered = true,
                signature_color = "red", redirect_url = landing.Url + "signed", email_subject = Subject,
                email_message = "Hello <b>Rita</b>, the terms are at https://example.com/q3",
                recipients = new[] { new { email = Signer, first_name = "Rita", last_name = "Red" } },
                fields_payload = new[] { new { email = Signer, type = "signature", required = true, page_number = 1, x = 72, y = 560, width = 240, height = 80, additional_info = new { } } },
            });
            await Json(created);

            // The invitation: our subject, the message as HTML (bold, a clickable link) and as text.
            var invite = await smtp.WaitForMessageToAsync(Signer, m => m.Subject == Subject, 60);
            Assert.Contains("<b>Rita</b>", invite.HtmlBody);
            Assert.Contains("<a href=\"https://example.com/q3\">", invite.HtmlBody);
            Assert.Contains("Hello Rita, the terms are at https://example.com/q3", invite.TextBody);
            var link = Regex.Match(invite.TextBody ?? "", @"http://127\.0\.0\.1:\d+/sign/[A-Za-z0-9_-]{43}").Value;
            Assert.NotEqual("", link);

            var context = await browser.NewContextAsync();
            var signer = await context.NewPageAsync();
            await signer.GotoAsync(link);
            await Steps.WaitInteractiveAsync(signer);
            await Assertions.Expect(signer.Locator("[data-testid=sender-message] b")).ToHaveTextAsync("Rita");
            await SigningJourneyTests.ConsentAsync(signer);
            await signer.Locator(".sign-field[data-field-type=signature]").First.ClickAsync();
            await Assertions.Expect(signer.Locator("#signature-pad[data-ink='#b3261e']")).ToBeVisibleAsync();
            await signer.Locator(".signature-mode[data-mode=draw]").ClickAsync();
            await signer.Locator("#signature-pad[data-ready=true]").WaitForAsync();
            var pad = (await signer.Locator("#signature-pad").BoundingBoxAsync())!;
            await signer.Mouse.MoveAsync(pad.X + 30, pad.Y + pad.Height * 0.6f);
            await signer.Mouse.DownAsync();
            for (var i = 0; i <= 20; i++)
                await signer.Mouse.MoveAsync(pad.X + 30 + i * 12, pad.Y + pad.Height * (0.5f + 0.25f * MathF.Sin(i / 2f)));
            await signer.Mouse.UpAsync();
            await signer.ClickAsync("#signature-apply");
            await Assertions.Expect(signer.Locator(".sign-field[data-field-type=signature] img").First).ToBeVisibleAsync();
            await signer.ClickAsync("#finish-button");
            var finished = System.Diagnostics.Stopwatch.StartNew();

            // The "done" message, a Continue link, then the page goes to the redirect URL by itself.
            await Assertions.Expect(signer.Locator("#sign-status")).ToBeVisibleAsync();
            await Assertions.Expect(signer.Locator("#redirect-continue")).ToHaveAttributeAsync("href", landing.Url + "signed");
            await signer.WaitForURLAsync(landing.Url + "signed", new() { Timeout = 20_000 });
            Assert.Contains("/signed", landing.Hits);
            output.WriteLine($"Finish → redirect URL loaded: {finished.Elapsed.TotalSeconds:0.0} s");

            // The sealed PDF: its signature is red.
            var done = await smtp.WaitForMessageToAsync(Signer, m => (m.Subject ?? "").StartsWith("Completed"), 60);
            var sealedPdf = done.Attachments.OfType<MimePart>().Where(a => !(a.FileName ?? "").Contains("audit trail"))
                .Select(SigningJourneyTests.Bytes).Single();
            var (red, dark) = await InkPixelsAsync(sealedPdf);
            output.WriteLine($"sealed page 1 at 100 dpi: {red} red pixels, {dark} near-black pixels");
            Assert.True(red > 100, $"{red} red pixels on page 1 of the sealed PDF");
            Assert.True(dark < red, $"{dark} black pixels, {red} red: the signature should be red");
        }
        catch
        {
            await browser.Shots.TakeAsync("signer-look-failure");
            throw;
        }
    }

    /// <summary>Page 1 rendered at 100 dpi (pdftoppm, binary PPM): how many pixels are ink-red and how many near-black (r, g, b &lt; 60).</summary>
    private static async Task<(int Red, int Dark)> InkPixelsAsync(byte[] pdf)
    {
        var dir = Directory.CreateTempSubdirectory("esign-ink-").FullName;
        try
        {
            var file = Path.Combine(dir, "sealed.pdf");
            await File.WriteAllBytesAsync(file, pdf);
            var (code, output) = await Poppler.RunAsync("pdftoppm", "-r", "100", "-f", "1", "-l", "1", file, Path.Combine(dir, "page"));
            Assert.True(code == 0, output);
            var ppm = await File.ReadAllBytesAsync(Directory.GetFiles(dir, "page*.ppm").Single());
            // "P6\n<w> <h>\n255\n" then RGB triples.
            var offset = 0;
            var header = new List<string>();
            while (header.Count < 4)
            {
                while (char.IsWhiteSpace((char)ppm[offset])) offset++;
                var start = offset;
                while (!char.IsWhiteSpace((char)ppm[offset])) offset++;
                header.Add(Encoding.ASCII.GetString(ppm, start, offset - start));
            }
            offset++;
            Assert.Equal("P6", header[0]);
            int red = 0, dark = 0;
            for (var i = offset; i + 2 < ppm.Length; i += 3)
            {
                var (r, g, b) = (ppm[i], ppm[i + 1], ppm[i + 2]);
                if (r > 120 && g < 100 && b < 100 && r - g > 60) red++;
                else if (r < 60 && g < 60 && b < 60) dark++;
            }
            return (red, dark);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static async Task<JsonElement> Json(HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"{(int)r.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The integrator's "thank you" page: a loopback HTTP listener that records the paths asked for.</summary>
    private sealed class Landing : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentQueue<string> _hits = new();

        public Landing()
        {
            Url = $"http://127.0.0.1:{FreePort.Next()}/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public string Url { get; }
        public IReadOnlyCollection<string> Hits => _hits.ToArray();

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext c;
                try { c = await _listener.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
                _hits.Enqueue(c.Request.Url!.AbsolutePath);
                var body = "<!DOCTYPE html><html lang=\"en\"><head><title>Thanks</title></head><body><h1>Thanks</h1></body></html>"u8.ToArray();
                c.Response.ContentType = "text/html; charset=utf-8";
                await c.Response.OutputStream.WriteAsync(body);
                c.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();
    }
}
