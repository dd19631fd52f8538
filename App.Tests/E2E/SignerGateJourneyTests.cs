using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ESignWeb.Tests.Fixtures;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// Issue 11 options 6 and 7 in real Chromium against the real app: a signer with a password and an SMS code gives the
/// password, reads the code from the SMS outbox folder (<c>&lt;DataPath&gt;/sms</c>), enters it and signs.
/// </summary>
[Collection(E2ECollection.Name)]
public partial class SignerGateJourneyTests(ITestOutputHelper output)
{
    private const string Signer = "greta.gated@example.com";

    [Fact]
    public async Task A_signer_gives_the_password_and_the_SMS_code_then_signs()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["ESign__RequireConfirmedAccount"] = "false" });
        var keyOutput = await app.RunCommandAsync("apikey", "create", "--email", "owen.owner@example.com", "--name", "gates");
        var key = keyOutput.Split('\n').Select(l => l.Trim()).Last(l => l.StartsWith("esk_", StringComparison.Ordinal));
        using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var fileId = (await JsonOf(await api.PostAsync("/v1/files/original/", new MultipartFormDataContent
        {
            { new StringContent("Gated.pdf"), "name" },
            { new ByteArrayContent(TestPdf.Pages(1)) { Headers = { ContentType = new("application/pdf") } }, "file", "Gated.pdf" },
        }))).GetProperty("id").GetInt32();
        await JsonOf(await api.PostAsJsonAsync("/v1/files/pending/fields/", new
        {
            original_file_id = fileId, name = "Gated contract", is_ordered = true, is_phone_verification_required_to_view = true,
            recipients = new[] { new { email = Signer, first_name = "Greta", last_name = "Gated", password = "tulip 42", verification_phone_number = "+44 20 7946 0958" } },
            fields_payload = new[] { new { email = Signer, type = "signature", required = true, page_number = 1, x = 72, y = 80, width = 180, height = 48, additional_info = new { } } },
        }));
        var outbox = Path.Combine(app.DataDir, "outbox");
        var link = await Poll.UntilAsync(() => Task.FromResult(Directory.Exists(outbox)
            ? Directory.GetFiles(outbox, "*.eml").Select(f => SignLink().Match(BodyOf(f))).FirstOrDefault(m => m.Success)?.Value
            : null), 60);

        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;
        await page.GotoAsync(link);
        await Steps.WaitInteractiveAsync(page);
        await Assertions.Expect(page.Locator("#signer-gate")).ToHaveAttributeAsync("data-step", "Password");
        // The document is not served before the gates are passed.
        using (var raw = new HttpClient { BaseAddress = new Uri(app.BaseUrl) })
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await raw.GetAsync(link + "/document")).StatusCode);

        var violations = new List<Axe.Violation>(await Axe.RunAsync(page, "signer gate: password"));

        await page.Locator("#gate-password").FillAsync("wrong one");
        await page.Locator("#gate-password").PressAsync("Enter"); // keyboard: Enter submits
        await Assertions.Expect(page.Locator("#gate-error")).ToContainTextAsync("Attempts left: 4");
        await page.Locator("#gate-password").FillAsync("tulip 42");
        await page.Locator("#gate-password-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#signer-gate")).ToHaveAttributeAsync("data-step", "PhoneCode");
        await Assertions.Expect(page.Locator("#signer-gate")).ToContainTextAsync("+44 ••• 58");

        await page.Locator("#gate-send-code").ClickAsync();
        await Assertions.Expect(page.Locator("#gate-code-sent")).ToBeVisibleAsync();
        violations.AddRange(await Axe.RunAsync(page, "signer gate: SMS code"));
        Assert.True(violations.Count == 0, string.Join("\n", violations));
        var sms = Path.Combine(app.DataDir, "sms");
        var text = await Poll.UntilAsync(() => Task.FromResult(Directory.Exists(sms) ? Directory.GetFiles(sms, "*.txt").Select(File.ReadAllText).FirstOrDefault() : null), 30);
        Assert.StartsWith("To: +442079460958", text);
        var code = Regex.Match(text, @"\b\d{6}\b").Value;
        output.WriteLine($"SMS file: {text.Replace('\n', ' ')}");
        await page.Locator("#gate-code").FillAsync(code);
        await page.Locator("#gate-code-submit").ClickAsync();

        await SigningJourneyTests.ConsentAsync(page);
        await Assertions.Expect(page.Locator(".pdf-page canvas").First).ToBeVisibleAsync();
        await SigningJourneyTests.FillSignatureAsync(page, draw: true);
        await page.ClickAsync("#finish-button");
        await Assertions.Expect(page.Locator("#sign-status")).ToHaveAttributeAsync("data-state", "AlreadySigned");

        var types = AuditTypes(app);
        output.WriteLine(string.Join(", ", types));
        Assert.Equal(["password_failed", "password_verified", "phone_code_sent", "phone_verified", "viewed", "consented", "signed"],
            types.Where(t => t is "password_failed" or "password_verified" or "phone_code_sent" or "phone_verified" or "viewed" or "consented" or "signed"));
    }

    [Fact]
    public async Task The_sender_sets_a_new_password_from_the_request_page_and_a_locked_link_opens_with_it()
    {
        const string sender = "sid.sender@example.com";
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["ESign__RequireConfirmedAccount"] = "false" });
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;
        await Steps.RegisterAsync(page, sender, "Sid", "Sender");
        await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();

        var keyOutput = await app.RunCommandAsync("apikey", "create", "--email", sender, "--name", "reset");
        var key = keyOutput.Split('\n').Select(l => l.Trim()).Last(l => l.StartsWith("esk_", StringComparison.Ordinal));
        using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var fileId = (await JsonOf(await api.PostAsync("/v1/files/original/", new MultipartFormDataContent
        {
            { new StringContent("Locked.pdf"), "name" },
            { new ByteArrayContent(TestPdf.Pages(1)) { Headers = { ContentType = new("application/pdf") } }, "file", "Locked.pdf" },
        }))).GetProperty("id").GetInt32();
        var requestId = (await JsonOf(await api.PostAsJsonAsync("/v1/files/pending/fields/", new
        {
            original_file_id = fileId, name = "Locked contract", is_ordered = true,
            recipients = new[] { new { email = Signer, first_name = "Greta", last_name = "Gated", password = "tulip 42" } },
            fields_payload = new[] { new { email = Signer, type = "signature", required = true, page_number = 1, x = 72, y = 80, width = 180, height = 48, additional_info = new { } } },
        }))).GetProperty("pending_file_id").GetInt32();
        var outbox = Path.Combine(app.DataDir, "outbox");
        var link = await Poll.UntilAsync(() => Task.FromResult(Directory.Exists(outbox)
            ? Directory.GetFiles(outbox, "*.eml").Select(f => SignLink().Match(BodyOf(f))).FirstOrDefault(m => m.Success)?.Value
            : null), 60);

        // The signer locks the link with five wrong passwords.
        var signerContext = await browser.NewContextAsync();
        var signer = await signerContext.NewPageAsync();
        await signer.GotoAsync(link);
        await Steps.WaitInteractiveAsync(signer);
        for (var i = 1; i <= 5; i++)
        {
            await Assertions.Expect(signer.Locator("#signer-gate")).ToHaveAttributeAsync("data-step", "Password");
            await signer.Locator("#gate-password").FillAsync("wrong " + i);
            await signer.Locator("#gate-password-submit").ClickAsync();
            if (i < 5) await Assertions.Expect(signer.Locator("#gate-error")).ToContainTextAsync($"Attempts left: {5 - i}");
        }
        await Assertions.Expect(signer.Locator("#signer-gate")).ToHaveAttributeAsync("data-step", "Locked");

        // The request page says so; the sender sets a new password (typed twice; a mismatch is refused in the dialog).
        await page.GotoAsync($"/requests/{requestId}");
        await Steps.WaitInteractiveAsync(page);
        var row = page.Locator($".recipient-line[data-email='{Signer}']");
        await Assertions.Expect(row.Locator(".password-locked")).ToHaveTextAsync("Locked (too many wrong passwords)");
        await row.Locator("button[id^='set-password-']").ClickAsync();
        await page.Locator("#new-signer-password").FillAsync("daisy 77");
        await page.Locator("#new-signer-password-again").FillAsync("daisy 78");
        await page.Locator("#new-signer-password-save").ClickAsync();
        await Assertions.Expect(page.Locator("#new-signer-password-error")).ToContainTextAsync("not the same");
        await page.Locator("#new-signer-password-again").FillAsync("daisy 77");
        await page.Locator("#new-signer-password-save").ClickAsync();
        try
        {
            // Three steps, so a failure names the one that did not happen: the dialog closed, the page said so, the lock went.
            await Assertions.Expect(page.Locator("#new-signer-password-save")).ToHaveCountAsync(0);
            await Assertions.Expect(page.GetByText("Greta Gated's link has a new password.")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("[data-event=signer_password_set]")).ToHaveCountAsync(1);
            await Assertions.Expect(row.Locator(".password-locked")).ToHaveCountAsync(0);
        }
        catch
        {
            output.WriteLine("Audit events: " + string.Join(", ", AuditTypes(app)));
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "signer-gate-new-password-failure.png"), FullPage = true });
            throw;
        }

        // The old password fails, the new one opens the document.
        await signer.GotoAsync(link);
        await Steps.WaitInteractiveAsync(signer);
        await Assertions.Expect(signer.Locator("#signer-gate")).ToHaveAttributeAsync("data-step", "Password");
        await signer.Locator("#gate-password").FillAsync("tulip 42");
        await signer.Locator("#gate-password-submit").ClickAsync();
        await Assertions.Expect(signer.Locator("#gate-error")).ToContainTextAsync("Attempts left: 4");
        await signer.Locator("#gate-password").FillAsync("daisy 77");
        await signer.Locator("#gate-password-submit").ClickAsync();
        await SigningJourneyTests.ConsentAsync(signer);
        await Assertions.Expect(signer.Locator(".pdf-page canvas").First).ToBeVisibleAsync();

        var types = AuditTypes(app);
        output.WriteLine(string.Join(", ", types));
        Assert.Equal(["password_failed", "password_failed", "password_failed", "password_failed", "password_failed", "signer_password_set", "password_failed", "password_verified"],
            types.Where(t => t.StartsWith("password_", StringComparison.Ordinal) || t == "signer_password_set"));
    }

    /// <summary>The types of every audit event, in order (one request in this app).</summary>
    private static List<string> AuditTypes(AppProcess app)
    {
        using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={app.DatabasePath};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT Type FROM AuditEvents ORDER BY RequestId, Seq";
        using var r = cmd.ExecuteReader();
        var types = new List<string>();
        while (r.Read()) types.Add(r.GetString(0));
        return types;
    }

    private static string BodyOf(string eml)
    {
        try
        {
            using var message = MimeKit.MimeMessage.Load(eml);
            return message.TextBody ?? message.HtmlBody ?? "";
        }
        catch (IOException) { return ""; }
        catch (FormatException) { return ""; }
    }

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/sign/[A-Za-z0-9_-]{20,}")]
    private static partial Regex SignLink();
}
