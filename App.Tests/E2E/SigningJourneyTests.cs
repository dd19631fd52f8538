using ESignWeb.Domain;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ESignWeb.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using MimeKit;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// The signer's half, in Debian's Chromium against the real app with a real SMTP sink: signers open their links from
/// the mails they received, one draws and one types a signature, and the sealed PDF that arrives by mail is checked
/// with pdfsig (valid), pdftotext -bbox (values inside their fields) and the audit trail's two SHA-256 values.
/// </summary>
[Collection(E2ECollection.Name)]
public class SigningJourneyTests(ITestOutputHelper output)
{
    private const string Sender = "sara.sender@example.com";

    private static async Task<(SmtpSink, AppProcess)> StartAsync()
    {
        var smtp = await SmtpSink.StartAsync();
        var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Smtp__Host"] = "127.0.0.1", ["Smtp__Port"] = smtp.Port.ToString(), ["Smtp__Security"] = "None",
            ["ESign__RequireConfirmedAccount"] = "false",
        });
        return (smtp, app);
    }

    [Fact]
    public async Task Two_sequential_signers_draw_and_type_and_the_sealed_pdf_verifies()
    {
        var (smtp, app) = await StartAsync();
        await using var _ = smtp;
        await using var __ = app;
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        try
        {
            var original = TestPdf.Pages(2);
            var requestId = await PrepareAndSendAsync(browser.Page, app, original, ordered: true,
                ("lukasz@example.com", "Łukasz", "Żółć", ["signature", "text", "date"]),
                ("dmitri@example.com", "Дмитрий", "Иванов", ["signature", "name"]));

            // First signer: from the mail, consent, draw, type a Polish name, keep today's date, finish.
            var first = await OpenLinkFromMailAsync(browser, smtp, "lukasz@example.com");
            await ConsentAsync(first);
            await FillSignatureAsync(first, draw: true);
            // Work is kept across a reload.
            await first.ReloadAsync();
            await Steps.WaitInteractiveAsync(first);
            await Assertions.Expect(first.Locator(".sign-field[data-field-type=signature] img").First).ToBeVisibleAsync();
            await FillTextAsync(first, "text", "Łukasz Żółć");
            await FillTextAsync(first, "date", null); // accept the pre-filled date
            await first.ClickAsync("#finish-button");
            await Assertions.Expect(first.Locator("#sign-status")).ToHaveAttributeAsync("data-state", "AlreadySigned");
            await browser.Shots.TakeAsync("signer-1-done");

            // The second signer was only asked now; their name field is pre-filled; they type their signature.
            var second = await OpenLinkFromMailAsync(browser, smtp, "dmitri@example.com");
            await ConsentAsync(second);
            await Assertions.Expect(second.Locator(".sign-field[data-field-type=name]")).ToContainTextAsync("Дмитрий Иванов");
            await FillSignatureAsync(second, draw: false);
            await browser.Shots.TakeAsync("signer-2-filled", second);
            await second.ClickAsync("#finish-button");
            await Assertions.Expect(second.Locator("#sign-status")).ToBeVisibleAsync();

            // The completion mail carries the sealed PDF and the audit trail.
            var done = await smtp.WaitForMessageToAsync("dmitri@example.com", m => (m.Subject ?? "").StartsWith("Completed"), 60);
            var attachments = done.Attachments.OfType<MimePart>().ToDictionary(a => a.FileName ?? "", Bytes);
            var sealedPdf = attachments.Single(a => !a.Key.Contains("audit trail")).Value;
            var trail = attachments.Single(a => a.Key.Contains("audit trail")).Value;

            if (Environment.GetEnvironmentVariable("ESIGN_SCREENSHOTS") is { Length: > 0 } dir)
            {
                await File.WriteAllBytesAsync(Path.Combine(dir, "sealed.pdf"), sealedPdf);
                await File.WriteAllBytesAsync(Path.Combine(dir, "audit-trail.pdf"), trail);
            }
            var sig = await Poppler.PdfSigAsync(sealedPdf);
            Assert.Contains("Signature is Valid", sig);

            // Every text value lies inside its field (pdftotext -bbox: points, origin top-left, Letter pages).
            var fields = ReadTextFields(app.DatabasePath, requestId);
            Assert.Equal(3, fields.Count);
            var words = await WordsAsync(sealedPdf);
            foreach (var f in fields)
            {
                var inside = words.Where(w => w.Page == f.Page && w.XMin >= f.X - 2 && w.XMax <= f.X + f.W + 2 &&
                                              w.YMin >= 792 - (f.Y + f.H) - 2 && w.YMax <= 792 - f.Y + 2).Select(w => w.Text);
                Assert.Equal(f.Value.Replace(" ", ""), string.Concat(inside));
            }

            // The audit trail's two SHA-256 values match a recomputation.
            var trailText = Regex.Replace((await PdfTextAsync(trail)), @"\s+", "");
            Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(original)), trailText);
            Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(sealedPdf)), trailText);
            Assert.Contains("intact", trailText);

            // The sender sees the request complete, with the timeline, and can download both files.
            await browser.Page.GotoAsync($"/requests/{requestId}");
            await Assertions.Expect(browser.Page.Locator("[data-status=complete]").First).ToBeVisibleAsync();
            await Assertions.Expect(browser.Page.Locator("[data-event=completed]")).ToBeVisibleAsync();
            await Assertions.Expect(browser.Page.Locator("#download-signed")).ToBeVisibleAsync();
            await browser.Shots.TakeAsync("request-complete");
            await Assertions.Expect(browser.Page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            await browser.Shots.TakeAsync("signing-failure");
            throw;
        }
    }

    [Fact]
    public async Task A_parallel_request_completes_and_a_decline_stops_another_with_the_reason_mailed_to_the_sender()
    {
        var (smtp, app) = await StartAsync();
        await using var _ = smtp;
        await using var __ = app;
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        try
        {
            await PrepareAndSendAsync(browser.Page, app, TestPdf.Pages(1), ordered: false,
                ("pia@example.com", "Pia", "Park", ["signature"]),
                ("quin@example.com", "Quin", "Quade", ["signature"]));
            // Parallel: both are mailed at once and sign in any order (the second one first).
            foreach (var email in new[] { "quin@example.com", "pia@example.com" })
            {
                var page = await OpenLinkFromMailAsync(browser, smtp, email);
                await ConsentAsync(page);
                await FillSignatureAsync(page, draw: email.StartsWith("pia"));
                await page.ClickAsync("#finish-button");
                await Assertions.Expect(page.Locator("#sign-status")).ToBeVisibleAsync();
            }
            var done = await smtp.WaitForMessageToAsync(Sender, m => (m.Subject ?? "").StartsWith("Completed"), 60);
            Assert.Contains("Signature is Valid", await Poppler.PdfSigAsync(Bytes(done.Attachments.OfType<MimePart>().First(a => !(a.FileName ?? "").Contains("audit")))));

            // A second request: one signer declines with a reason; the other's link stops working.
            await browser.Page.GotoAsync("/documents");
            await PrepareAndSendAsync(browser.Page, app, TestPdf.Pages(1), ordered: false, ("ray@example.com", "Ray", "Roe", ["signature"]),
                ("sam@example.com", "Sam", "Sun", ["signature"]));
            var ray = await OpenLinkFromMailAsync(browser, smtp, "ray@example.com");
            await ray.ClickAsync("#decline-button");
            await ray.FillAsync("#value-input", "The fee is wrong.");
            await ray.ClickAsync("#value-apply");
            await Assertions.Expect(ray.Locator("#sign-status")).ToHaveAttributeAsync("data-state", "Declined");
            var notice = await smtp.WaitForMessageToAsync(Sender, m => (m.Subject ?? "").Contains("declined"));
            Assert.Contains("The fee is wrong.", notice.TextBody);
            var sam = await OpenLinkFromMailAsync(browser, smtp, "sam@example.com", consent: false);
            await Assertions.Expect(sam.Locator("#sign-status")).ToHaveAttributeAsync("data-state", "Declined");
            await Assertions.Expect(sam.Locator("#sign-status")).ToContainTextAsync("Ray Roe declined");
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            await browser.Shots.TakeAsync("parallel-failure");
            throw;
        }
    }

    [Fact]
    public async Task A_signer_on_a_phone_signs_with_the_keyboard_alone()
    {
        var (smtp, app) = await StartAsync();
        await using var _ = smtp;
        await using var __ = app;
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        try
        {
            await PrepareAndSendAsync(browser.Page, app, TestPdf.Pages(1), ordered: true, ("tia@example.com", "Tia", "Tan", ["signature", "text", "checkbox"]));
            var invite = await smtp.WaitForMessageToAsync("tia@example.com", m => (m.Subject ?? "").Contains("sent you"), 60);
            var link = Regex.Match(invite.TextBody ?? "", @"http://127\.0\.0\.1:\d+/sign/[A-Za-z0-9_-]{43}").Value;
            var phone = await browser.NewContextAsync(new ViewportSize { Width = 390, Height = 844 });
            var page = await phone.NewPageAsync();
            await page.GotoAsync(link);
            await Steps.WaitInteractiveAsync(page);

            await TabToAsync(page, "input[type=checkbox]");
            await page.Keyboard.PressAsync("Space");
            await TabToAsync(page, "#consent-continue");
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.Locator("#pdf-viewer[data-loaded=true]")).ToBeVisibleAsync();

            // The page fits the phone: no sideways scrolling of the document (the fitted zoom is applied once the page
            // has measured the screen, which may be just after the document has loaded).
            var pageWidth = 0f;
            await Poll.UntilAsync(async () => (pageWidth = (await page.Locator(".pdf-page").First.BoundingBoxAsync())!.Width) <= 390 ? "fits" : null);
            Assert.True(pageWidth <= 390, $"page is {pageWidth}px wide on a 390px screen");

            // Signature: Enter opens the dialog; the Type tab is reached and chosen by keyboard; Apply by keyboard.
            await TabToAsync(page, ".sign-field[data-field-type=signature]");
            await page.Keyboard.PressAsync("Enter");
            await FocusSettledInDialogAsync(page);
            await TabToAsync(page, ".signature-mode[data-mode=type]");
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.Locator("#signature-typed")).ToHaveValueAsync("Tia Tan");
            await TabToAsync(page, "#signature-apply");
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.Locator(".sign-field[data-field-type=signature] img")).ToBeVisibleAsync();

            await TabToAsync(page, ".sign-field[data-field-type=text]");
            await page.Keyboard.PressAsync("Enter");
            // The dialog puts focus in its input by itself. No Tab here: a Tab pressed before the dialog has opened
            // (or twice within one server round trip) lands on the focus trap's bumpers, whose late "focus first/last"
            // answers then move focus mid-typing (to Apply: the space of "on a" applied a half-typed value).
            await Assertions.Expect(page.Locator("#value-input")).ToBeFocusedAsync();
            await page.Keyboard.TypeAsync("Typed on a phone");
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.Locator(".sign-field[data-field-type=text].filled")).ToContainTextAsync("Typed on a phone");

            await TabToAsync(page, ".sign-field[data-field-type=checkbox]");
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.Locator(".sign-field[data-field-type=checkbox]")).ToContainTextAsync("✔");

            await TabToAsync(page, "#finish-button");
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.Locator("#sign-status")).ToBeVisibleAsync();
            await browser.Shots.TakeAsync("phone-done", page);
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            await browser.Shots.TakeAsync("phone-failure");
            throw;
        }
    }

    /// <summary>
    /// Waits until a dialog has opened and taken focus (its control, or its focus trap's resting place — never a
    /// Tab-reachable bumper, whose focus handler still has to answer from the server): Tabs pressed before that race
    /// the dialog's own focus moves.
    /// </summary>
    private static Task FocusSettledInDialogAsync(IPage page) => page.WaitForFunctionAsync(
        "() => { const a = document.activeElement; return !!a && !!a.closest('.mud-dialog-container') && !(a.tabIndex === 0 && a.classList.contains('pointer-events-none')); }");

    /// <summary>Presses Tab until the focused element matches <paramref name="selector"/> (keyboard-only navigation).</summary>
    private static async Task TabToAsync(IPage page, string selector, string? text = null, int maxPresses = 60)
    {
        for (var i = 0; i < maxPresses; i++)
        {
            if (await page.EvaluateAsync<bool>(
                    "([s, t]) => { const a = document.activeElement; const e = a && (a.matches(s) ? a : a.closest(s)); return !!e && (!t || e.textContent.includes(t)); }",
                    new[] { selector, text ?? "" })) return;
            await page.Keyboard.PressAsync("Tab");
        }
        throw new InvalidOperationException($"Tab never reached {selector}.");
    }

    /// <summary>Registers (first call), uploads, adds the signers with their fields (dragged), sends; returns the request id.</summary>
    internal static async Task<int> PrepareAndSendAsync(IPage page, AppProcess app, byte[] pdf, bool ordered,
        params (string Email, string First, string Last, string[] Fields)[] signers)
    {
        var requestId = await PrepareAsync(page, app, pdf, ordered, signers);
        await page.ClickAsync("#send-button");
        await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();
        return requestId;
    }

    /// <summary>Registers the sender (once), uploads <paramref name="pdf"/> and prepares it on the prepare page, without sending.</summary>
    internal static async Task<int> PrepareAsync(IPage page, AppProcess app, byte[] pdf, bool ordered,
        params (string Email, string First, string Last, string[] Fields)[] signers)
    {
        if (!page.Url.Contains("/documents") && !page.Url.Contains("/requests"))
        {
            await Steps.RegisterAsync(page, Sender, "Sara", "Sender");
            await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();
            await page.GotoAsync("/documents");
        }
        await Steps.WaitInteractiveAsync(page);
        var name = $"Doc {Guid.NewGuid():N}"[..12] + ".pdf";
        var path = Path.Combine(app.DataDir, name);
        await File.WriteAllBytesAsync(path, pdf);
        await Steps.UploadAsync(page, path);
        var row = page.Locator("#documents-table tr", new() { HasText = name });
        await row.Locator(".request-signatures").ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/requests/\d+/prepare"));
        var requestId = int.Parse(Regex.Match(page.Url, @"/requests/(\d+)/").Groups[1].Value);
        await Steps.WaitInteractiveAsync(page);
        await Assertions.Expect(page.Locator("#pdf-viewer[data-loaded=true]")).ToBeVisibleAsync();
        if (!ordered) await page.GetByRole(AriaRole.Radio, new() { Name = StatusWords.AllAtOnce }).CheckAsync();
        foreach (var s in signers)
        {
            await page.FillAsync("#signer-email", s.Email);
            await page.FillAsync("#signer-first", s.First);
            await page.FillAsync("#signer-last", s.Last);
            await page.ClickAsync("#signer-add");
            await Assertions.Expect(page.Locator($".signer-row[data-email='{s.Email}']")).ToBeVisibleAsync();
        }
        var target = page.Locator(".pdf-page[data-page='1']");
        var row0 = 0;
        foreach (var s in signers)
        {
            await page.Locator($".palette-signers [data-signer-email='{s.Email}']").ClickAsync();
            var col = 0;
            foreach (var type in s.Fields)
            {
                var box = (await target.BoundingBoxAsync())!;
                var before = await page.Locator(".field-box").CountAsync();
                await Steps.DragFieldAsync(page, type, box.X + box.Width * (0.2 + 0.3 * col), box.Y + box.Height * (0.5 + 0.12 * row0));
                await Assertions.Expect(page.Locator(".field-box")).ToHaveCountAsync(before + 1);
                col++;
            }
            row0++;
        }
        return requestId;
    }

    internal static async Task<IPage> OpenLinkFromMailAsync(BrowserSession browser, SmtpSink smtp, string email, bool consent = true)
    {
        var invite = await smtp.WaitForMessageToAsync(email, m => (m.Subject ?? "").Contains("sent you"), 60);
        var link = Regex.Match(invite.TextBody ?? "", @"http://127\.0\.0\.1:\d+/sign/[A-Za-z0-9_-]{43}").Value;
        Assert.False(string.IsNullOrEmpty(link), invite.TextBody);
        var context = await browser.NewContextAsync(); // the signer's own browser: no session of the sender
        var page = await context.NewPageAsync();
        await page.GotoAsync(link);
        await Steps.WaitInteractiveAsync(page);
        return page;
    }

    internal static async Task ConsentAsync(IPage page)
    {
        // By its id, not its label: signers may see the page in any of its languages.
        await page.Locator("#consent").GetByRole(AriaRole.Checkbox).CheckAsync();
        await page.ClickAsync("#consent-continue");
        await Assertions.Expect(page.Locator("#pdf-viewer[data-loaded=true]")).ToBeVisibleAsync();
    }

    internal static async Task FillSignatureAsync(IPage page, bool draw)
    {
        await page.Locator(".sign-field[data-field-type=signature]").First.ClickAsync();
        if (draw)
        {
            await page.Locator("#signature-pad[data-ready=true]").WaitForAsync();
            var pad = (await page.Locator("#signature-pad").BoundingBoxAsync())!;
            await page.Mouse.MoveAsync(pad.X + 30, pad.Y + pad.Height * 0.6f);
            await page.Mouse.DownAsync();
            for (var i = 0; i <= 20; i++)
                await page.Mouse.MoveAsync(pad.X + 30 + i * 12, pad.Y + pad.Height * (0.5f + 0.25f * MathF.Sin(i / 2f)));
            await page.Mouse.UpAsync();
        }
        else
        {
            await page.ClickAsync(".signature-mode[data-mode=type]");
            await Assertions.Expect(page.Locator("#signature-typed")).Not.ToHaveValueAsync("");
        }
        await page.ClickAsync("#signature-apply");
        await Assertions.Expect(page.Locator(".sign-field[data-field-type=signature] img").First).ToBeVisibleAsync();
    }

    private static async Task FillTextAsync(IPage page, string type, string? value)
    {
        await page.Locator($".sign-field[data-field-type={type}]").First.ClickAsync();
        if (value is not null) await page.FillAsync("#value-input", value);
        await page.ClickAsync("#value-apply");
        await Assertions.Expect(page.Locator($".sign-field[data-field-type={type}].filled")).ToBeVisibleAsync();
    }

    internal static byte[] Bytes(MimePart part)
    {
        using var ms = new MemoryStream();
        part.Content!.DecodeTo(ms);
        return ms.ToArray();
    }

    private sealed record TextField(int Page, double X, double Y, double W, double H, string Value);

    private static List<TextField> ReadTextFields(string db, int requestId)
    {
        using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly");
        c.Open();
        using var cmd = c.CreateCommand();
        // Text (2), date (3) and name (5) fields with their values.
        cmd.CommandText = "SELECT PageNumber, X, Y, Width, Height, Value FROM Fields WHERE RequestId = $id AND Type IN (2, 3, 5)";
        cmd.Parameters.AddWithValue("$id", requestId);
        using var r = cmd.ExecuteReader();
        var list = new List<TextField>();
        while (r.Read()) list.Add(new TextField(r.GetInt32(0), r.GetDouble(1), r.GetDouble(2), r.GetDouble(3), r.GetDouble(4), r.GetString(5)));
        return list;
    }

    private sealed record Word(int Page, double XMin, double YMin, double XMax, double YMax, string Text);

    private static async Task<List<Word>> WordsAsync(byte[] pdf)
    {
        var path = Path.Combine(Path.GetTempPath(), $"esign-bbox-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        try
        {
            var (_, html) = await Poppler.RunAsync("pdftotext", "-bbox", path, "-");
            var xml = XDocument.Parse(Regex.Replace(html, "<!DOCTYPE[^>]*>", ""));
            XNamespace ns = "http://www.w3.org/1999/xhtml";
            return xml.Descendants(ns + "page").SelectMany((p, i) => p.Elements(ns + "word").Select(w => new Word(i + 1,
                (double)w.Attribute("xMin")!, (double)w.Attribute("yMin")!, (double)w.Attribute("xMax")!, (double)w.Attribute("yMax")!, w.Value))).ToList();
        }
        finally { File.Delete(path); }
    }

    internal static async Task<string> PdfTextAsync(byte[] pdf)
    {
        var path = Path.Combine(Path.GetTempPath(), $"esign-trail-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        try { return (await Poppler.RunAsync("pdftotext", path, "-")).Output; }
        finally { File.Delete(path); }
    }
}
