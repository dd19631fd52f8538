using ESignWeb.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// The prepare page's message box in Chromium against the real app: the preview under it follows typing (allowed tags
/// rendered, links clickable, a refused tag explained), and after a reload the box holds exactly what was typed.
/// </summary>
[Collection(E2ECollection.Name)]
public class MessagePreviewJourneyTests
{
    [Fact]
    public async Task The_preview_follows_typing_and_a_reload_shows_the_text_as_typed()
    {
        const string typed = "A & B <b>x</b> https://x.test";
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["ESign__RequireConfirmedAccount"] = "false" });
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;
        var requestId = await SigningJourneyTests.PrepareAsync(page, app, TestPdf.Pages(1), ordered: true, ("ann@example.com", "Ann", "Able", ["signature"]));

        var box = page.Locator("#request-message");
        var preview = page.Locator("#request-message-preview [data-testid=sender-message]");
        await box.FillAsync("Hi <script>alert(1)</script>");
        await Assertions.Expect(page.Locator("#request-message-preview-problem")).ToContainTextAsync("<script>");
        await Assertions.Expect(preview).ToHaveCountAsync(0);

        await box.FillAsync(typed);
        await Assertions.Expect(preview.Locator("b")).ToHaveTextAsync("x");
        await Assertions.Expect(preview.Locator("a[href='https://x.test']")).ToHaveTextAsync("https://x.test");
        await Assertions.Expect(preview).ToHaveTextAsync("A & B x https://x.test");
        await Assertions.Expect(page.Locator("#request-message-preview-problem")).ToHaveCountAsync(0);
        await box.BlurAsync(); // leaving the box saves the draft

        await Poll.UntilAsync(() => Task.FromResult(StoredMessage(app.DatabasePath, requestId) == typed ? "saved" : null), 30);
        await page.ReloadAsync();
        await Steps.WaitInteractiveAsync(page);
        await Assertions.Expect(page.Locator("#request-message")).ToHaveValueAsync(typed);
        await Assertions.Expect(preview.Locator("a[href='https://x.test']")).ToBeVisibleAsync();
    }

    private static string? StoredMessage(string databasePath, int requestId)
    {
        using var c = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT Message FROM Requests WHERE Id = $id";
        cmd.Parameters.AddWithValue("$id", requestId);
        return cmd.ExecuteScalar() as string;
    }
}
