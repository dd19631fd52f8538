using System.Text.RegularExpressions;
using ESignWeb.Tests.Fixtures;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// The public verify page in Debian's Chromium against the real app: a sender self-signs a document, then a visitor
/// without an account picks the sealed PDF, its audit trail and an unrelated PDF on /verify and reads each answer.
/// </summary>
[Collection(E2ECollection.Name)]
public class VerifyJourneyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_visitor_checks_the_sealed_pdf_its_audit_trail_and_an_unrelated_pdf()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["ESign__RequireConfirmedAccount"] = "false" });
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var sender = await browser.NewContextAsync();
        var page = await sender.NewPageAsync();
        IPage? visitorPage = null;
        try
        {
            await Steps.RegisterAsync(page, "vera@example.com", "Vera", "Fied");
            await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();
            await page.GotoAsync("/documents");
            await Steps.WaitInteractiveAsync(page);
            var path = Path.Combine(app.DataDir, "Lease.pdf");
            await File.WriteAllBytesAsync(path, TestPdf.Pages(1));
            await Steps.UploadAsync(page, path);
            await page.Locator("#documents-table tr", new() { HasText = "Lease.pdf" }).Locator(".self-sign").ClickAsync();
            await page.WaitForURLAsync(new Regex(@"/documents/\d+/self-sign"));
            await Steps.WaitInteractiveAsync(page);
            await Assertions.Expect(page.Locator("#pdf-viewer[data-loaded=true]")).ToBeVisibleAsync();
            await page.Locator(".palette-item[data-palette-type=signature]").ClickAsync();
            await page.Locator(".sign-field[data-field-type=signature]").ClickAsync();
            await page.Locator(".signature-mode[data-mode=type]").ClickAsync();
            await page.FillAsync("#signature-typed", "Vera Fied");
            await page.Locator("#signature-apply").ClickAsync();
            await page.GetByLabel("I agree to use electronic records and signatures for this document.").CheckAsync();
            await page.Locator("#self-finish").ClickAsync();
            await Assertions.Expect(page.Locator("#self-sign-done")).ToBeVisibleAsync();
            var sealedPdf = await DownloadAsync(sender, await page.Locator("#self-download").GetAttributeAsync("href"));
            var trail = await DownloadAsync(sender, await page.GetByRole(AriaRole.Link, new() { Name = "Audit trail" }).GetAttributeAsync("href"));

            // A visitor without an account.
            var visitor = await browser.NewContextAsync();
            visitorPage = await visitor.NewPageAsync();
            await visitorPage.GotoAsync("/verify");
            await Assertions.Expect(visitorPage.Locator("h1")).ToHaveTextAsync("Verify a document");
            var violations = await Axe.RunAsync(visitorPage, "verify");
            Assert.Empty(violations.Where(v => v.IsSeriousOrCritical));

            await CheckAsync(visitorPage, sealedPdf, "Lease (signed).pdf");
            await Assertions.Expect(visitorPage.Locator("#verify-headline")).ToHaveTextAsync("Sealed by this instance — unchanged");
            await Assertions.Expect(visitorPage.Locator("#verify-signers")).ToContainTextAsync("Vera Fied (v***@e***.com)");
            await Assertions.Expect(visitorPage.Locator("#verify-document")).ToHaveTextAsync("Lease (signed).pdf");
            await Assertions.Expect(visitorPage.Locator("#verify-signature")).ToContainTextAsync("Valid, by this instance's seal certificate");
            Assert.Empty(violations = (await Axe.RunAsync(visitorPage, "verify result")).Where(v => v.IsSeriousOrCritical).ToList());

            await CheckAsync(visitorPage, trail, "audit-trail.pdf");
            await Assertions.Expect(visitorPage.Locator("#verify-headline")).ToHaveTextAsync("Audit trail issued by this instance — unchanged");

            await CheckAsync(visitorPage, TestPdf.Pages(2), "unrelated.pdf");
            await Assertions.Expect(visitorPage.Locator("#verify-headline")).ToHaveTextAsync("Not a document sealed by this instance");
            await Assertions.Expect(visitorPage.Locator("#verify-signers")).ToHaveCountAsync(0);
            Assert.Empty(browser.ConsoleErrors);
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            await browser.Shots.TakeAsync("verify-failure", visitorPage ?? page);
            throw;
        }
    }

    private static async Task CheckAsync(IPage page, byte[] file, string name)
    {
        await page.Locator("#verify-file").SetInputFilesAsync(new FilePayload { Name = name, MimeType = "application/pdf", Buffer = file });
        await page.RunAndWaitForNavigationAsync(() => page.Locator("#verify-submit").ClickAsync()); // a plain form post: a new page
        await Assertions.Expect(page.Locator("#verify-result")).ToBeVisibleAsync();
    }

    private static async Task<byte[]> DownloadAsync(IBrowserContext context, string? href)
    {
        var response = await context.APIRequest.GetAsync(href!);
        Assert.True(response.Ok, $"{response.Status} for {href}");
        return await response.BodyAsync();
    }
}
