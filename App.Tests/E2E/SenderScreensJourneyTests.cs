using System.Text.RegularExpressions;
using ESignWeb.Tests.Fixtures;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// The sender's screens at 1280×800 in Debian's Chromium against the real app (no SMTP: mail goes to the outbox folder):
/// the empty dashboard leads to upload and templates; on the prepare page Send and the whole field palette are inside
/// the viewport however many signers there are; the "no fields" warning appears only when Send is pressed; statuses
/// read as words; the outbox says "Written to outbox" and its links are clickable.
/// </summary>
[Collection(E2ECollection.Name)]
public class SenderScreensJourneyTests(ITestOutputHelper output)
{
    private static readonly string[] FieldTypes = ["signature", "initials", "text", "date", "checkbox", "name", "email"];

    [Fact]
    public async Task Empty_states_lead_on_prepare_keeps_send_and_palette_in_view_and_warns_only_at_send()
    {
        await using var app = await AppProcess.StartAsync();
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;
        await page.SetViewportSizeAsync(1280, 800);
        try
        {
            // 1. A fresh account's dashboard offers the two first steps, and both lead where they say.
            await Steps.RegisterAsync(page, "sam.sender@example.com", "Sam", "Sender");
            await Assertions.Expect(page.Locator("[data-testid=dashboard-empty]")).ToBeVisibleAsync();
            await Steps.WaitInteractiveAsync(page);
            await page.ClickAsync("#start-template");
            await page.WaitForURLAsync(new Regex("/templates$"));
            await Assertions.Expect(page.Locator("[data-testid=templates-empty]")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#create-template")).ToBeVisibleAsync();
            await page.GotoAsync("/");
            await Steps.WaitInteractiveAsync(page);
            await page.ClickAsync("#start-upload");
            await page.WaitForURLAsync(new Regex("/documents$"));
            await Assertions.Expect(page.Locator("[data-testid=documents-empty]")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#upload-button")).ToBeVisibleAsync();

            // 2. Upload and start a request with four signers: a signer list longer than the screen.
            await Steps.WaitInteractiveAsync(page);
            var pdfPath = Path.Combine(app.DataDir, "Lease.pdf");
            await File.WriteAllBytesAsync(pdfPath, TestPdf.Pages(3));
            await Steps.UploadAsync(page, pdfPath);
            var row = page.Locator("#documents-table tr", new() { HasText = "Lease.pdf" });
            await Assertions.Expect(row).ToBeVisibleAsync();
            await row.Locator(".request-signatures").ClickAsync();
            await page.WaitForURLAsync(new Regex(@"/requests/\d+/prepare"));
            await Steps.WaitInteractiveAsync(page);
            await Assertions.Expect(page.Locator("#pdf-viewer[data-loaded=true]")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText("Lease.pdf · 3 pages")).ToBeVisibleAsync();
            string[] signers = ["fiona@example.com", "sven@example.com", "tara@example.com", "uma@example.com"];
            string[] firstNames = ["Fiona", "Sven", "Tara", "Uma"];
            foreach (var (email, i) in signers.Select((e, i) => (e, i)))
            {
                await page.FillAsync("#signer-email", email);
                await page.FillAsync("#signer-first", firstNames[i]);
                await page.FillAsync("#signer-last", "Doe");
                await page.ClickAsync("#signer-add");
                await Assertions.Expect(page.Locator($".signer-row[data-email='{email}']")).ToBeAttachedAsync();
                await Assertions.Expect(page.Locator("#signer-email")).ToHaveValueAsync("");
                // Adding a signer is not the moment to warn about fields.
                await Assertions.Expect(page.Locator(".signer-warning")).ToHaveCountAsync(0);
            }
            await Assertions.Expect(page.GetByText("free-fill")).ToHaveCountAsync(0);

            // 3. Without scrolling anything, Send, Save as template and every palette item are inside the viewport.
            await AssertInViewportAsync(page, "#send-button");
            await AssertInViewportAsync(page, "#save-as-template");
            foreach (var t in FieldTypes) await AssertInViewportAsync(page, $"[data-palette-type='{t}']");
            await browser.Shots.TakeAsync("prepare-1280x800");

            // 4. Send with signers lacking fields: now the warning appears, in plain words; "Add fields" goes back.
            await page.ClickAsync("#send-button");
            var dialog = page.GetByRole(AriaRole.Dialog);
            await Assertions.Expect(dialog).ToContainTextAsync("Signers without fields");
            await Assertions.Expect(dialog).ToContainTextAsync("places their own fields");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Add fields" }).ClickAsync();
            await Assertions.Expect(dialog).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator(".signer-warning")).ToHaveCountAsync(signers.Length);

            // 5. A field for each signer (palette press: middle of page 1); each mark goes as its signer gets a field.
            foreach (var email in signers)
            {
                await page.Locator($".palette-signers [data-signer-email='{email}']").ClickAsync();
                await page.Locator("[data-palette-type='signature']").ClickAsync();
                await Assertions.Expect(page.Locator($".signer-row[data-email='{email}'] .signer-warning")).ToHaveCountAsync(0);
            }
            await Assertions.Expect(page.Locator(".field-box")).ToHaveCountAsync(signers.Length);
            await AssertInViewportAsync(page, "#send-button"); // with a field selected (its properties shown) too
            await Assertions.Expect(page.Locator("#save-state")).ToContainTextAsync("Draft saved");

            // 6. Send: no dialog now; the dashboard says it in words, and whose turn it is.
            await page.ClickAsync("#send-button");
            await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();
            var requestRow = page.Locator("#requests-table tr", new() { HasText = "Lease" });
            var chip = requestRow.Locator(".status-chip[data-status=incomplete]");
            await Assertions.Expect(chip).ToHaveTextAsync("Waiting for others");
            await Assertions.Expect(requestRow.Locator(".waiting-for")).ToHaveTextAsync("Fiona Doe's turn");
            await Assertions.Expect(requestRow.Locator(".status-chip[data-status=not_viewed]").First).ToHaveTextAsync("Not opened");
            await Assertions.Expect(page.Locator("#requests-table")).Not.ToContainTextAsync("not_viewed");
            await Assertions.Expect(page.Locator("#requests-table")).Not.ToContainTextAsync("incomplete");
            await browser.Shots.TakeAsync("dashboard-words");

            // 7. The outbox: the invitation was written to the pickup folder (not "sent"), and its link is clickable.
            await page.GotoAsync("/outbox");
            await Steps.WaitInteractiveAsync(page);
            await Poll.UntilAsync(async () =>
            {
                await page.ReloadAsync();
                await Assertions.Expect(page.Locator("#outbox-table")).ToBeVisibleAsync();
                return await page.Locator("#outbox-table [data-state=written]").CountAsync() > 0 ? "written" : null;
            }, seconds: 30);
            await Steps.WaitInteractiveAsync(page);
            var written = page.Locator("#outbox-table tr", new() { Has = page.Locator("[data-state=written]") }).First;
            await Assertions.Expect(written.Locator("[data-state=written]")).ToHaveTextAsync("Written to outbox");
            await Assertions.Expect(page.Locator("#outbox-table [data-state=sent]")).ToHaveCountAsync(0);
            await written.GetByRole(AriaRole.Button, new() { Name = "View" }).ClickAsync();
            var link = page.Locator("#outbox-message a[href*='/sign/']");
            await Assertions.Expect(link).ToHaveCountAsync(1);
            var href = await link.GetAttributeAsync("href");
            Assert.Matches(new Regex($@"^{Regex.Escape(app.BaseUrl)}/sign/[A-Za-z0-9_-]{{43}}$"), href);
            Assert.Equal(href, (await link.TextContentAsync())?.Trim());
            await browser.Shots.TakeAsync("outbox-message");
            await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            await browser.Shots.TakeAsync("sender-screens-failure");
            throw;
        }
    }

    [Fact]
    public async Task The_request_page_shows_sealing_after_the_last_signature_and_turns_completed_by_itself()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Smtp__Host"] = "127.0.0.1", ["Smtp__Port"] = smtp.Port.ToString(), ["Smtp__Security"] = "None",
            ["ESign__RequireConfirmedAccount"] = "false",
            ["ESign__Testing__SealDelayMilliseconds"] = "8000", // the seal is held before its commit: time to see "Sealing…"
        });
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;
        try
        {
            var requestId = await SigningJourneyTests.PrepareAndSendAsync(page, app, TestPdf.Pages(1), ordered: true,
                ("pia@example.com", "Pia", "Park", ["signature"]));
            await page.GotoAsync($"/requests/{requestId}");
            await Steps.WaitInteractiveAsync(page);
            await Assertions.Expect(page.Locator(".status-chip[data-status=incomplete]").First).ToHaveTextAsync("Waiting for others");
            await Assertions.Expect(page.Locator("#waiting-for")).ToHaveTextAsync("Pia Park's turn");

            var signer = await SigningJourneyTests.OpenLinkFromMailAsync(browser, smtp, "pia@example.com");
            await SigningJourneyTests.ConsentAsync(signer);
            await SigningJourneyTests.FillSignatureAsync(signer, draw: false);
            await signer.ClickAsync("#finish-button");
            await Assertions.Expect(signer.Locator("#sign-status")).ToHaveAttributeAsync("data-state", "AlreadySigned");

            // The sender looks now: the seal is under way …
            await page.ReloadAsync();
            await Steps.WaitInteractiveAsync(page);
            var chip = page.Locator("#request-status .status-chip");
            await Assertions.Expect(chip).ToHaveTextAsync("Sealing…");
            await Assertions.Expect(chip).ToHaveAttributeAsync("data-status", "incomplete");
            await Assertions.Expect(page.Locator("#seal-state")).ToContainTextAsync("Sealing…");
            await Assertions.Expect(page.Locator("#download-signed")).ToHaveCountAsync(0);
            await browser.Shots.TakeAsync("request-sealing");
            // … and, without a reload, the page turns to Completed with the downloads when it lands.
            await Assertions.Expect(chip).ToHaveTextAsync("Completed", new() { Timeout = 60_000 });
            await Assertions.Expect(chip).ToHaveAttributeAsync("data-status", "complete");
            await Assertions.Expect(page.Locator("#download-signed")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#seal-state")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("[data-event=completed]")).ToContainTextAsync("Completed and sealed");
            await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            await browser.Shots.TakeAsync("sealing-failure");
            throw;
        }
    }

    /// <summary>The element is shown and its whole box lies inside the 1280×800 viewport, as the page stands (no scrolling).</summary>
    private static async Task AssertInViewportAsync(IPage page, string selector)
    {
        var locator = page.Locator(selector);
        await Assertions.Expect(locator).ToBeVisibleAsync();
        var box = await locator.BoundingBoxAsync();
        Assert.NotNull(box);
        var (w, h) = (page.ViewportSize!.Width, page.ViewportSize!.Height);
        Assert.True(box.X >= 0 && box.Y >= 0 && box.X + box.Width <= w && box.Y + box.Height <= h,
            $"{selector} at ({box.X:0}, {box.Y:0}) {box.Width:0}×{box.Height:0} is not inside the {w}×{h} viewport");
        // And nothing covers it: the topmost element at its centre is it or inside it.
        var onTop = await locator.EvaluateAsync<bool>(
            "el => { const r = el.getBoundingClientRect(); const t = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2); return !!t && (t === el || el.contains(t)); }");
        Assert.True(onTop, $"{selector} is covered by another element");
    }
}
