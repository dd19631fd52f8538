using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using ESignWeb.Tests.Fixtures;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// Folders on the Documents page, in Debian's Chromium against the real app: create a folder, open it and upload
/// into it, move a document into it from the top level with the folder picker, rename the folder, deleting it is
/// refused while it holds something and allowed once it is empty; axe finds nothing serious on the folder view and
/// the move dialog.
/// </summary>
[Collection(E2ECollection.Name)]
public class FolderJourneyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_folder_is_created_filled_by_upload_and_move_renamed_and_deleted_only_when_empty()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["ESign__RequireConfirmedAccount"] = "false" });
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;
        var violations = new List<Axe.Violation>();
        try
        {
            await Steps.RegisterAsync(page, "fay.folders@example.com", "Fay", "Folders");
            await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();
            await page.GotoAsync("/documents");
            await Steps.WaitInteractiveAsync(page);
            await Assertions.Expect(page.Locator("[data-testid=documents-empty]")).ToBeVisibleAsync();

            // 1. A folder at the top level.
            await page.ClickAsync("#new-folder");
            await page.FillAsync("#rename-input", "Contracts");
            await page.ClickAsync("#rename-save");
            var folderRow = page.Locator("#folders-table tr", new() { HasText = "Contracts" });
            await Assertions.Expect(folderRow).ToBeVisibleAsync();
            // The same name in other case is refused in the dialog, with the reason.
            await page.ClickAsync("#new-folder");
            await page.FillAsync("#rename-input", "CONTRACTS");
            await page.ClickAsync("#rename-save");
            await Assertions.Expect(page.Locator(".mud-dialog")).ToContainTextAsync("already a folder named");
            await page.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator(".mud-dialog")).ToHaveCountAsync(0);

            // 2. Open it (keyboard: the name is a link) and upload into it.
            await folderRow.Locator(".folder-link").FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.Locator("[data-testid=folder-empty]")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#folder-path .current-folder")).ToHaveTextAsync("Contracts");
            await Steps.UploadAsync(page, await WriteAsync(app, "Lease.pdf"));
            await Assertions.Expect(page.Locator("#documents-table tr", new() { HasText = "Lease.pdf" })).ToBeVisibleAsync();
            violations.AddRange(await Axe.RunAsync(page, "documents (in a folder)"));

            // 3. Back at the top level (breadcrumb), Lease.pdf is not listed there; upload Offer.pdf and move it in.
            await page.Locator("#folder-path").GetByRole(AriaRole.Link, new() { Name = "All documents" }).ClickAsync();
            await Assertions.Expect(folderRow).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#documents-table tr", new() { HasText = "Lease.pdf" })).ToHaveCountAsync(0);
            await Steps.UploadAsync(page, await WriteAsync(app, "Offer.pdf"));
            var offer = page.Locator("#documents-table tr", new() { HasText = "Offer.pdf" });
            await Assertions.Expect(offer).ToBeVisibleAsync();
            await offer.Locator(".move-document").ClickAsync();
            var picker = page.Locator("#move-picker");
            await Assertions.Expect(picker.Locator(".folder-choice", new() { HasText = "Contracts" })).ToBeVisibleAsync();
            violations.AddRange(await Axe.RunAsync(page, "move dialog"));
            await picker.Locator(".folder-choice", new() { HasText = "Contracts" }).ClickAsync();
            await page.ClickAsync("#move-save");
            await Assertions.Expect(page.Locator(".mud-dialog")).ToHaveCountAsync(0);
            await Assertions.Expect(offer).ToHaveCountAsync(0);

            // 4. Rename the folder.
            await folderRow.Locator(".rename-folder").ClickAsync();
            await page.FillAsync("#rename-input", "Signed contracts");
            await page.ClickAsync("#rename-save");
            folderRow = page.Locator("#folders-table tr", new() { HasText = "Signed contracts" });
            await Assertions.Expect(folderRow).ToBeVisibleAsync();

            // 5. Delete is refused while the folder holds two documents.
            await folderRow.Locator(".delete-folder").ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("#folder-error")).ToContainTextAsync("\"Signed contracts\" is not empty: it holds 2 documents");
            await Assertions.Expect(folderRow).ToBeVisibleAsync();
            Assert.Equal(2L, Scalar(app, "SELECT COUNT(*) FROM Documents d JOIN Folders f ON f.Id = d.FolderId WHERE f.Name = 'Signed contracts'"));

            // 6. Empty it (move both documents back to the top level), then delete it.
            await folderRow.Locator(".folder-link").ClickAsync();
            await Assertions.Expect(page.Locator("#folder-path .current-folder")).ToHaveTextAsync("Signed contracts");
            foreach (var name in new[] { "Lease.pdf", "Offer.pdf" })
            {
                var row = page.Locator("#documents-table tr", new() { HasText = name });
                await row.Locator(".move-document").ClickAsync();
                await page.Locator("#move-picker .folder-choice", new() { HasText = "Documents (top level)" }).ClickAsync();
                await page.ClickAsync("#move-save");
                await Assertions.Expect(row).ToHaveCountAsync(0);
            }
            await Assertions.Expect(page.Locator("[data-testid=folder-empty]")).ToBeVisibleAsync();
            await page.Locator("#folder-path").GetByRole(AriaRole.Link, new() { Name = "All documents" }).ClickAsync();
            await folderRow.Locator(".delete-folder").ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("#folders-table")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("#documents-table tr", new() { HasText = "Offer.pdf" })).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#documents-table tr", new() { HasText = "Lease.pdf" })).ToBeVisibleAsync();
            Assert.Equal(0L, Scalar(app, "SELECT COUNT(*) FROM Folders"));
            await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();

            var serious = violations.Where(v => v.IsSeriousOrCritical).ToList();
            Assert.True(serious.Count == 0, string.Join("\n", serious));
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            await browser.Shots.TakeAsync("folders-failure");
            throw;
        }
    }

    private static long Scalar(AppProcess app, string sql)
    {
        using var c = new SqliteConnection($"Data Source={app.DatabasePath};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return (long)cmd.ExecuteScalar()!;
    }

    private static async Task<string> WriteAsync(AppProcess app, string name)
    {
        var dir = Path.Combine(app.DataDir, "uploads-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        await File.WriteAllBytesAsync(path, TestPdf.Pages(1));
        return path;
    }
}
