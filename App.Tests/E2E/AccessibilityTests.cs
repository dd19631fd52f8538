using ESignWeb.Domain;
using System.Text.RegularExpressions;
using ESignWeb.Tests.Fixtures;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// Accessibility, measured (issue 10 §8): axe-core from npm runs on every main screen of the real app in Debian's
/// Chromium — sign-in, dashboard (empty and with requests), templates, documents, prepare, the request page and the
/// signer's page on a 1280×800 desktop and a 390×844 phone (the consent step, the document, the signature dialog
/// open). No screen may have a <c>serious</c> or <c>critical</c> violation; every violation found is written to the
/// test output, and the failure message lists rule, impact, help and the offending elements.
/// </summary>
[Collection(E2ECollection.Name)]
public class AccessibilityTests(ITestOutputHelper output)
{
    private static readonly ViewportSize Desktop = new() { Width = 1280, Height = 800 };
    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    [Fact]
    public async Task Every_main_screen_has_no_serious_or_critical_axe_violation_on_desktop_and_phone()
    {
        await using var app = await AppProcess.StartAsync();
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;
        await page.SetViewportSizeAsync(Desktop.Width, Desktop.Height);
        var found = new List<Axe.Violation>();
        async Task CheckAsync(IPage p, string screen)
        {
            var violations = await Axe.RunAsync(p, screen);
            found.AddRange(violations);
            output.WriteLine($"{screen}: {violations.Count} violation(s)");
        }
        try
        {
            // --- The sender, at 1280×800 ---
            await page.GotoAsync("/Account/Login");
            await Assertions.Expect(page.Locator("#Input\\.Email")).ToBeVisibleAsync();
            await CheckAsync(page, "sign-in");
            var phoneContext = await browser.NewContextAsync(Phone);
            var phoneSignIn = await phoneContext.NewPageAsync();
            await phoneSignIn.GotoAsync("/Account/Login");
            await Assertions.Expect(phoneSignIn.Locator("#Input\\.Email")).ToBeVisibleAsync();
            await CheckAsync(phoneSignIn, "sign-in (phone)");
            await phoneContext.CloseAsync();

            await Steps.RegisterAsync(page, "ada.access@example.com", "Ada", "Access");
            await Assertions.Expect(page.Locator("[data-testid=dashboard-empty]")).ToBeVisibleAsync();
            await Steps.WaitInteractiveAsync(page);
            await CheckAsync(page, "dashboard (empty)");

            await page.GotoAsync("/templates");
            await Assertions.Expect(page.Locator("[data-testid=templates-empty]")).ToBeVisibleAsync();
            await Steps.WaitInteractiveAsync(page);
            await CheckAsync(page, "templates (empty)");

            await page.GotoAsync("/documents");
            await Assertions.Expect(page.Locator("[data-testid=documents-empty]")).ToBeVisibleAsync();
            await Steps.WaitInteractiveAsync(page);
            await CheckAsync(page, "documents (empty)");

            var pdfPath = Path.Combine(app.DataDir, "Access.pdf");
            await File.WriteAllBytesAsync(pdfPath, TestPdf.Pages(2));
            await Steps.UploadAsync(page, pdfPath);
            var row = page.Locator("#documents-table tr", new() { HasText = "Access.pdf" });
            await Assertions.Expect(row).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#upload-button")).ToBeEnabledAsync(); // the upload is over
            await CheckAsync(page, "documents");

            await row.Locator(".request-signatures").ClickAsync();
            await page.WaitForURLAsync(new Regex(@"/requests/\d+/prepare"));
            var requestId = int.Parse(Regex.Match(page.Url, @"/requests/(\d+)/").Groups[1].Value);
            await Steps.WaitInteractiveAsync(page);
            await Assertions.Expect(page.Locator("#pdf-viewer[data-loaded=true]")).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Radio, new() { Name = StatusWords.AllAtOnce }).CheckAsync();
            string[] signers = ["dora.desk@example.com", "pim.phone@example.com"];
            foreach (var email in signers)
            {
                await page.FillAsync("#signer-email", email);
                await page.FillAsync("#signer-first", email[..email.IndexOf('.')]);
                await page.FillAsync("#signer-last", "Tester");
                await page.ClickAsync("#signer-add");
                await Assertions.Expect(page.Locator($".signer-row[data-email='{email}']")).ToBeAttachedAsync();
            }
            var target = page.Locator(".pdf-page[data-page='1']");
            foreach (var (email, i) in signers.Select((e, i) => (e, i)))
            {
                await page.Locator($".palette-signers [data-signer-email='{email}']").ClickAsync();
                foreach (var (type, j) in new[] { "signature", "text" }.Select((t, j) => (t, j)))
                {
                    var box = (await target.BoundingBoxAsync())!;
                    var before = await page.Locator(".field-box").CountAsync();
                    await Steps.DragFieldAsync(page, type, box.X + box.Width * (0.25 + 0.4 * j), box.Y + box.Height * (0.4 + 0.2 * i));
                    await Assertions.Expect(page.Locator(".field-box")).ToHaveCountAsync(before + 1);
                }
            }
            await CheckAsync(page, "prepare (a field selected)");

            await page.ClickAsync("#send-button");
            await Assertions.Expect(page.Locator("#requests-table")).ToBeVisibleAsync();
            await Steps.WaitInteractiveAsync(page);
            await CheckAsync(page, "dashboard (with requests)");

            await page.GotoAsync($"/requests/{requestId}");
            await Assertions.Expect(page.Locator("#request-status")).ToBeVisibleAsync();
            await Steps.WaitInteractiveAsync(page);
            await CheckAsync(page, "request page");

            // --- The signers: one at a desktop, one on a phone, each from their own invitation ---
            foreach (var (email, viewport, device) in new[] { (signers[0], Desktop, "desktop"), (signers[1], Phone, "phone") })
            {
                var link = await OutboxFolder.SigningLinkAsync(app.DataDir, email);
                var context = await browser.NewContextAsync(viewport);
                var signer = await context.NewPageAsync();
                await signer.GotoAsync(link);
                await Steps.WaitInteractiveAsync(signer);
                await Assertions.Expect(signer.Locator("#consent-continue")).ToBeVisibleAsync();
                await CheckAsync(signer, $"signer's page, consent ({device})");

                await SigningJourneyTests.ConsentAsync(signer);
                await CheckAsync(signer, $"signer's page ({device})");

                // Keyboard: the page puts focus on the first field, and the focus is visible (a solid outline).
                var focus = await Poll.UntilAsync(() => signer.EvaluateAsync<string?>(@"() => {
                    const a = document.activeElement;
                    if (!a || !a.matches('.sign-field')) return null;
                    const s = getComputedStyle(a);
                    return s.outlineStyle + ' ' + s.outlineWidth;
                }"), 10);
                Assert.Matches(@"^solid [2-9](\.\d+)?px$", focus);

                await signer.Locator(".sign-field[data-field-type=signature]").First.ClickAsync();
                await signer.Locator("#signature-pad[data-ready=true]").WaitForAsync();
                await CheckAsync(signer, $"signer's page, signature dialog ({device})");
                await browser.Shots.TakeAsync($"a11y-signature-dialog-{device}", signer);
            }
        }
        catch
        {
            foreach (var v in found) output.WriteLine(v.ToString());
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            await browser.Shots.TakeAsync("a11y-failure");
            throw;
        }

        foreach (var v in found) output.WriteLine(v.ToString());
        var serious = found.Where(v => v.IsSeriousOrCritical).ToList();
        Assert.True(serious.Count == 0,
            $"{serious.Count} serious or critical axe violation(s):\n" + string.Join("\n", serious));
    }
}
