using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ESignWeb.Tests.Fixtures;
using Microsoft.Playwright;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// A sent request on a given PDF and its signer's link, made the way an integrator would: an API key from the app's
/// own <c>apikey create</c>, the upload and the request through the API, the link from the invitation the app wrote to
/// its outbox folder (no SMTP server configured). Shared by the fast-signer-page tests and <c>bench/signer-page</c>.
/// </summary>
public static partial class SignerPageScenario
{
    public const string Signer = "rhea.reader@example.com";

    /// <summary>Uploads <paramref name="pdf"/>, sends it to one signer (a signature field on page 1); returns the link's path (<c>/sign/…</c>).</summary>
    public static async Task<string> SendAsync(AppProcess app, byte[] pdf, string name = "Long contract.pdf")
    {
        var output = await app.RunCommandAsync("apikey", "create", "--email", "owen.owner@example.com", "--name", "signer-page");
        var key = output.Split('\n').Select(l => l.Trim()).Last(l => l.StartsWith("esk_", StringComparison.Ordinal));
        using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl), Timeout = TimeSpan.FromMinutes(2) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var upload = new MultipartFormDataContent
        {
            { new StringContent(name), "name" },
            { new ByteArrayContent(pdf) { Headers = { ContentType = new("application/pdf") } }, "file", name },
        };
        var fileId = (await JsonOf(await api.PostAsync("/v1/files/original/", upload))).GetProperty("id").GetInt32();
        var created = await api.PostAsJsonAsync("/v1/files/pending/fields/", new
        {
            original_file_id = fileId, name = "Long contract", is_ordered = true,
            recipients = new[] { new { email = Signer, first_name = "Rhea", last_name = "Reader" } },
            fields_payload = new[] { new { email = Signer, type = "signature", required = true, page_number = 1, x = 72, y = 80, width = 180, height = 48, additional_info = new { } } },
        });
        await JsonOf(created);
        // The invitation is written by the outbox worker, right after the commit.
        var outbox = Path.Combine(app.DataDir, "outbox");
        return await Poll.UntilAsync(() => Task.FromResult(Directory.Exists(outbox)
            ? Directory.GetFiles(outbox, "*.eml").Select(f => SignLink().Match(BodyOf(f))).FirstOrDefault(m => m.Success)?.Value
            : null), 60);
    }

    /// <summary>Opens the link once in its own browser context and gives consent (kept by the server for later visits).</summary>
    public static async Task ConsentAsync(BrowserSession browser, string link)
    {
        var context = await browser.NewContextAsync();
        try
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(link);
            await page.GetByRole(AriaRole.Checkbox, new() { Name = "I agree to use electronic records and signatures." }).CheckAsync();
            await page.Locator("#consent-continue").ClickAsync();
            await Assertions.Expect(page.Locator("#pdf-viewer")).ToBeVisibleAsync();
        }
        finally { await context.CloseAsync(); }
    }

    private static string BodyOf(string eml)
    {
        try
        {
            using var message = MimeKit.MimeMessage.Load(eml);
            return message.TextBody ?? message.HtmlBody ?? "";
        }
        catch (IOException) { return ""; } // still being written
        catch (FormatException) { return ""; }
    }

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [GeneratedRegex(@"/sign/[A-Za-z0-9_-]{20,}")]
    private static partial Regex SignLink();
}
