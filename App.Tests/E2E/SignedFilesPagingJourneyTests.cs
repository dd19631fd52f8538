using System.Text.RegularExpressions;
using ESignWeb.Data;
using ESignWeb.Domain;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// The Signed files page no longer stops at its newest 500: it pages on the server like the dashboard (the shared
/// pager). In Debian's Chromium against the real app, with 60 signed files written straight into its database: the
/// words under the table, a page link, the page size, the browser's Back, and every file on exactly one page.
/// </summary>
[Collection(E2ECollection.Name)]
public class SignedFilesPagingJourneyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_owner_pages_through_every_signed_file_and_back()
    {
        await using var app = await AppProcess.StartAsync();
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;
        try
        {
            await Steps.RegisterAsync(page, "sina.signed@example.com", "Sina", "Signed");
            var owner = DashboardFilterJourneyTests.UserId(app.DatabasePath, "sina.signed@example.com");
            var t0 = DateTimeOffset.UtcNow.AddDays(-1);
            await using (var db = new AppDbContext(Fixtures.RequestSeed.Options(app.DatabasePath)))
            {
                db.SignedFiles.AddRange(Enumerable.Range(1, 60).Select(i => new SignedFile
                {
                    OwnerId = owner, Name = $"Lease {i:D2}.pdf", BlobKey = new string('0', 64), Checksum = new string('0', 64),
                    OriginalChecksum = new string('0', 64), PublicIdentifier = $"PAGING-{i:D3}", AuditTrailBlobKey = new string('0', 64),
                    CreatedAt = t0.AddMinutes(i), ModifiedAt = t0.AddMinutes(i),
                }));
                await db.SaveChangesAsync();
            }

            await page.GotoAsync("/signed");
            await Steps.WaitInteractiveAsync(page);
            var names = page.Locator("#signed-table .signed-name");
            await Assertions.Expect(page.Locator("#signed-page-range")).ToHaveTextAsync("1–25 of 60");
            await Assertions.Expect(names).ToHaveCountAsync(25);
            await Assertions.Expect(names.First).ToHaveTextAsync("Lease 60.pdf"); // newest first
            var seen = new List<string>(await names.AllTextContentsAsync());

            // Page 2, then the last page through its link: the URL says which.
            await page.Locator("#signed-page-links").GetByRole(AriaRole.Button, new() { Name = "Page 2", Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("#signed-page-range")).ToHaveTextAsync("26–50 of 60");
            await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/signed\?page=2$"));
            await Assertions.Expect(names.First).ToHaveTextAsync("Lease 35.pdf");
            seen.AddRange(await names.AllTextContentsAsync());
            await page.Locator("#signed-page-links").GetByRole(AriaRole.Button, new() { Name = "Page 3", Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("#signed-page-range")).ToHaveTextAsync("51–60 of 60");
            await Assertions.Expect(names).ToHaveCountAsync(10);
            seen.AddRange(await names.AllTextContentsAsync());
            Assert.Equal(Enumerable.Range(1, 60).Reverse().Select(i => $"Lease {i:D2}.pdf"), seen); // each once, in order

            // Back: page 2 again.
            await page.GoBackAsync();
            await Assertions.Expect(page.Locator("#signed-page-range")).ToHaveTextAsync("26–50 of 60");

            // 100 a page: all on one page, no page links, the size in the URL.
            await page.Locator("#signed-page-size .mud-input-control.mud-select").ClickAsync();
            await page.Locator(".mud-popover-open .mud-list-item", new() { HasTextRegex = new Regex(@"^\s*100\s*$") }).ClickAsync();
            await Assertions.Expect(page.Locator("#signed-page-range")).ToHaveTextAsync("1–60 of 60");
            await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/signed\?size=100$"));
            await Assertions.Expect(names).ToHaveCountAsync(60);
            await Assertions.Expect(page.Locator("#signed-page-links")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            throw;
        }
    }
}
