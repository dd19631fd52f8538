using System.Text.RegularExpressions;
using ESignWeb.Data;
using ESignWeb.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// The dashboard's filters and server-side pages in Debian's Chromium against the real app: 60 requests in two
/// categories (written straight into the app's database, not through the UI), filtered by category through the select,
/// paged forward and back (the browser's Back too), and the page's URL opened again in another tab shows the same view.
/// </summary>
[Collection(E2ECollection.Name)]
public class DashboardFilterJourneyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_owner_filters_by_category_pages_forward_and_back_and_a_bookmarked_url_reopens_the_same_view()
    {
        await using var app = await AppProcess.StartAsync();
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;
        try
        {
            await Steps.RegisterAsync(page, "dora.dash@example.com", "Dora", "Dash");
            await Assertions.Expect(page.Locator("[data-testid=dashboard-empty]")).ToBeVisibleAsync();

            // 60 requests: every third is an NDA (20), the others Agreements (40).
            await using (var db = new AppDbContext(RequestSeed.Options(app.DatabasePath)))
                await RequestSeed.AddRequestsAsync(db, UserId(app.DatabasePath, "dora.dash@example.com"), 60, DateTimeOffset.UtcNow,
                    i => i % 3 == 0 ? ["NDA"] : ["Agreement"], "Lease");

            await page.GotoAsync("/");
            await Steps.WaitInteractiveAsync(page);
            var rows = page.Locator("#requests-table tbody tr");
            await Assertions.Expect(page.Locator("#page-range")).ToHaveTextAsync("1–25 of 60");
            await Assertions.Expect(rows).ToHaveCountAsync(25);

            // 1. Filter by category through the select: only Agreements, and the count says so.
            await page.Locator("#category-select .mud-input-control.mud-select").ClickAsync();
            await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Agreement" }).ClickAsync();
            await page.Keyboard.PressAsync("Escape");
            await Assertions.Expect(page.Locator("#page-range")).ToHaveTextAsync("1–25 of 40");
            await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"\?category=Agreement$"));
            await Assertions.Expect(rows).ToHaveCountAsync(25);
            await Assertions.Expect(page.Locator("#requests-table .request-category", new() { HasText = "Agreement" })).ToHaveCountAsync(25);
            await Assertions.Expect(page.Locator("#requests-table .request-category", new() { HasText = "NDA" })).ToHaveCountAsync(0);
            var firstPageNames = await page.Locator("#requests-table .request-link").AllTextContentsAsync();
            await browser.Shots.TakeAsync("dashboard-category-filter");

            // 2. Forward to page 2: the last 15 Agreements, none of page 1's.
            await page.Locator("#page-links").GetByRole(AriaRole.Button, new() { Name = "Page 2", Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("#page-range")).ToHaveTextAsync("26–40 of 40");
            await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"\?category=Agreement&page=2$"));
            await Assertions.Expect(rows).ToHaveCountAsync(15);
            await Assertions.Expect(page.Locator("#requests-table .request-category", new() { HasText = "Agreement" })).ToHaveCountAsync(15);
            var secondPageNames = await page.Locator("#requests-table .request-link").AllTextContentsAsync();
            Assert.Empty(firstPageNames.Intersect(secondPageNames));
            Assert.Equal(40, firstPageNames.Concat(secondPageNames).Distinct().Count());
            var bookmark = page.Url;

            // 3. Back (the browser's button) to page 1, then forward again.
            await page.GoBackAsync();
            await Assertions.Expect(page.Locator("#page-range")).ToHaveTextAsync("1–25 of 40");
            await Assertions.Expect(page.Locator("#requests-table .request-link").First).ToHaveTextAsync(firstPageNames[0]);
            await page.GoForwardAsync();
            await Assertions.Expect(page.Locator("#page-range")).ToHaveTextAsync("26–40 of 40");

            // 4. The bookmarked URL in another tab: the same view.
            var other = await page.Context.NewPageAsync();
            await other.GotoAsync(bookmark);
            await Steps.WaitInteractiveAsync(other);
            await Assertions.Expect(other.Locator("#page-range")).ToHaveTextAsync("26–40 of 40");
            await Assertions.Expect(other.Locator("#requests-table tbody tr")).ToHaveCountAsync(15);
            Assert.Equal(secondPageNames, await other.Locator("#requests-table .request-link").AllTextContentsAsync());

            // 5. Clear filters: every request again, from page 1.
            await other.Locator("#clear-filters").ClickAsync();
            await Assertions.Expect(other.Locator("#page-range")).ToHaveTextAsync("1–25 of 60");
            await Assertions.Expect(other.Locator("#blazor-error-ui")).ToBeHiddenAsync();
            await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            throw;
        }
    }

    internal static string UserId(string dbPath, string email)
    {
        using var c = new SqliteConnection($"Data Source={dbPath};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT Id FROM AspNetUsers WHERE NormalizedEmail = $e";
        cmd.Parameters.AddWithValue("$e", email.ToUpperInvariant());
        return (string)cmd.ExecuteScalar()!;
    }
}
