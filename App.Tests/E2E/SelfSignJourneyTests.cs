using System.Globalization;
using System.Text.RegularExpressions;
using ESignWeb.Tests.Fixtures;
using ESignWeb.Tests.Integration;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// The sender signs a document alone (/documents/{id}/self-sign) in Debian's Chromium against the real app, in a
/// browser whose language and time zone are far from the server's: the date is pre-filled in the browser's locale
/// format on the browser's day, sealed, and the audit trail records it with that format.
/// </summary>
[Collection(E2ECollection.Name)]
public class SelfSignJourneyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_sender_in_Kiritimati_with_an_American_browser_gets_todays_date_there_as_M_D_YYYY()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["ESign__RequireConfirmedAccount"] = "false" });
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        // UTC+14 all year: from 10:00 UTC on, the browser's day is already the server's tomorrow.
        var context = await browser.NewContextAsync(locale: "en-US", timezoneId: "Pacific/Kiritimati");
        var page = await context.NewPageAsync();
        try
        {
            await Steps.RegisterAsync(page, "kiri@example.com", "Kiri", "Timati");
            await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();
            await page.GotoAsync("/documents");
            await Steps.WaitInteractiveAsync(page);
            var path = Path.Combine(app.DataDir, "Alone.pdf");
            await File.WriteAllBytesAsync(path, TestPdf.Pages(1));
            await Steps.UploadAsync(page, path);
            await page.Locator("#documents-table tr", new() { HasText = "Alone.pdf" }).Locator(".self-sign").ClickAsync();
            await page.WaitForURLAsync(new Regex(@"/documents/\d+/self-sign"));
            await Steps.WaitInteractiveAsync(page);
            await Assertions.Expect(page.Locator("#pdf-viewer[data-loaded=true]")).ToBeVisibleAsync();

            // The browser's own idea of today (its time zone, its locale's short date) is what the field offers.
            var browserToday = await page.EvaluateAsync<string>("() => new Date().toLocaleDateString('en-US')");
            var utcBefore = DateTime.UtcNow;
            await page.Locator(".palette-item[data-palette-type=date]").ClickAsync();
            await page.Locator(".sign-field[data-field-type=date]").ClickAsync();
            await Assertions.Expect(page.Locator("#value-input")).ToHaveValueAsync(browserToday);
            var utcAfter = DateTime.UtcNow;
            // The browser really is at UTC+14 (the date is not the server's when their days differ).
            string KiritimatiDay(DateTime utc) => utc.AddHours(14).ToString("M/d/yyyy", CultureInfo.InvariantCulture);
            Assert.Contains(browserToday, new[] { KiritimatiDay(utcBefore), KiritimatiDay(utcAfter) });
            Assert.Matches(@"^\d{1,2}/\d{1,2}/\d{4}$", browserToday);
            await Assertions.Expect(page.Locator(".mud-dialog")).ToContainTextAsync("Date (M/D/YYYY)");
            output.WriteLine($"UTC {utcBefore:u}; browser's today {browserToday}");

            // A date in another format is asked for again, with why; the pre-filled one is taken.
            await page.FillAsync("#value-input", "2026-03-12");
            await page.ClickAsync("#value-apply");
            await Assertions.Expect(page.Locator("#value-error")).ToContainTextAsync("Enter the date as M/D/YYYY.");
            await page.FillAsync("#value-input", browserToday);
            await page.ClickAsync("#value-apply");
            await Assertions.Expect(page.Locator(".sign-field[data-field-type=date].filled")).ToContainTextAsync(browserToday);

            await page.Locator(".palette-item[data-palette-type=signature]").ClickAsync();
            await page.Locator(".sign-field[data-field-type=signature]").ClickAsync();
            await page.Locator(".signature-mode[data-mode=type]").ClickAsync();
            await page.FillAsync("#signature-typed", "Kiri Timati");
            await page.Locator("#signature-apply").ClickAsync();
            await page.GetByLabel("I agree to use electronic records and signatures for this document.").CheckAsync();
            await page.Locator("#self-finish").ClickAsync();
            await Assertions.Expect(page.Locator("#self-sign-done")).ToBeVisibleAsync();

            // The audit trail records the date with the format it was written in.
            var trailHref = await page.GetByRole(AriaRole.Link, new() { Name = "Audit trail" }).GetAttributeAsync("href");
            var trail = await context.APIRequest.GetAsync(trailHref!);
            Assert.True(trail.Ok, $"{trail.Status} for {trailHref}");
            var text = Regex.Replace(await SigningFlowTests.PdfTextAsync(await trail.BodyAsync()), @"\s+", " ");
            Assert.Contains($"date: {browserToday} (M/D/YYYY)", text);
            Assert.Empty(browser.ConsoleErrors);
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            await browser.Shots.TakeAsync("self-sign-failure", page);
            throw;
        }
    }
}
