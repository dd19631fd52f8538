using System.Text.RegularExpressions;
using ESignWeb.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// What a sender sees when things go wrong, in the browser: bad files, a name that exists, sending with no signer,
/// an invalid e-mail — and that a field dropped on a /Rotate 90 page is stored exactly.
/// </summary>
[Collection(E2ECollection.Name)]
public class SenderBadInputTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Bad_input_gets_specific_messages_and_rotated_pages_keep_exact_positions()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["ESign__RequireConfirmedAccount"] = "false",
            ["ESign__MaxUploadMegabytes"] = "1",
        });
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;
        try
        {
            await Steps.RegisterAsync(page, "bea@example.com", "Bea");
            await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();

            await page.GotoAsync("/documents");
            await Steps.WaitInteractiveAsync(page);
            var error = page.Locator("#upload-error");
            foreach (var (name, bytes, message) in new[]
                     {
                         ("notes.pdf", TestPdf.NotAPdf(), "not a PDF"),
                         ("empty.pdf", Array.Empty<byte>(), "empty"),
                         ("broken.pdf", TestPdf.Truncated(), "damaged or truncated"),
                         ("locked.pdf", TestPdf.PasswordProtected(), "password-protected"),
                         ("huge.pdf", Oversized(), "larger than the 1 MB limit"),
                     })
            {
                await Steps.UploadAsync(page, await WriteAsync(app, name, bytes));
                await Assertions.Expect(error).ToContainTextAsync(name);
                await Assertions.Expect(error).ToContainTextAsync(message);
            }
            await Assertions.Expect(page.Locator("#documents-table")).ToContainTextAsync("No documents yet");

            // A good file, then the same name again: refused with the choice to rename automatically.
            var rotated = await WriteAsync(app, "Rotated.pdf", TestPdf.Create(TestPdf.A4Rotated90, TestPdf.A4Landscape));
            await Steps.UploadAsync(page, rotated);
            await Assertions.Expect(page.Locator("#documents-table tr", new() { HasText = "Rotated.pdf" })).ToBeVisibleAsync();
            await Steps.UploadAsync(page, rotated);
            await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
            await Assertions.Expect(error).ToContainTextAsync("already exists");
            await Steps.UploadAsync(page, rotated);
            await page.GetByRole(AriaRole.Button, new() { Name = "Upload as \"Rotated (1).pdf\"" }).ClickAsync();
            await Assertions.Expect(page.Locator("#documents-table tr", new() { HasText = "Rotated (1).pdf" })).ToBeVisibleAsync();

            // Prepare: sending with no signer, then an invalid e-mail, are refused with the reason.
            await page.Locator("#documents-table tr", new() { HasText = "Rotated.pdf" }).Locator(".request-signatures").ClickAsync();
            await page.WaitForURLAsync(new Regex(@"/requests/\d+/prepare"));
            var requestId = int.Parse(Regex.Match(page.Url, @"/requests/(\d+)/").Groups[1].Value);
            await Steps.WaitInteractiveAsync(page);
            await page.ClickAsync("#send-button");
            await Assertions.Expect(page.Locator("#send-problems")).ToContainTextAsync("Add at least one signer");
            await page.FillAsync("#signer-email", "bob@");
            await page.FillAsync("#signer-first", "Bob");
            await page.ClickAsync("#signer-add");
            await Assertions.Expect(page.Locator("#signer-error")).ToContainTextAsync("not a valid e-mail address");
            await page.FillAsync("#signer-email", "bob@example.com");
            await page.ClickAsync("#signer-add");
            await Assertions.Expect(page.Locator(".signer-row")).ToHaveCountAsync(1);

            // Drop a signature in the middle of the /Rotate 90 page (shown 841.89 wide × 595.28 tall).
            await Assertions.Expect(page.Locator("#pdf-viewer[data-loaded=true]")).ToBeVisibleAsync();
            var target = page.Locator(".pdf-page[data-page='1']");
            var box = (await target.BoundingBoxAsync())!;
            Assert.Equal(841.89 / 595.28, box.Width / box.Height, 2);
            var (x, y) = (box.X + box.Width * 0.4, box.Y + box.Height * 0.6);
            await Steps.DragFieldAsync(page, "signature", x, y);
            await Assertions.Expect(page.Locator(".field-box")).ToHaveCountAsync(1);

            // Shown point (dx, dy) from the top-left ↔ user space on /Rotate 90: ux = dy, uy = dx (PDF.js viewport).
            double dx = 0.4 * 841.89, dy = 0.6 * 595.28;
            using var db = new SqliteConnection($"Data Source={app.DatabasePath};Mode=ReadOnly");
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT PageNumber, X, Y, Width, Height FROM Fields WHERE RequestId = $id";
            cmd.Parameters.AddWithValue("$id", requestId);
            using var r = cmd.ExecuteReader();
            Assert.True(r.Read());
            Assert.Equal(1, r.GetInt32(0));
            // Shown as on any page (160 wide × 48 tall), so in user space it is 48 wide × 160 tall.
            Assert.InRange(r.GetDouble(3), 47, 49);
            Assert.InRange(r.GetDouble(4), 159, 161);
            Assert.InRange(r.GetDouble(1) + r.GetDouble(3) / 2, dy - 1, dy + 1);
            Assert.InRange(r.GetDouble(2) + r.GetDouble(4) / 2, dx - 1, dx + 1);
            await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            await browser.Shots.TakeAsync("bad-input-failure");
            throw;
        }
    }

    private static byte[] Oversized()
    {
        var bytes = new byte[1024 * 1024 + 100];
        TestPdf.Pages(1).CopyTo(bytes, 0);
        return bytes;
    }

    private static async Task<string> WriteAsync(AppProcess app, string name, byte[] bytes)
    {
        var dir = Path.Combine(app.DataDir, "uploads-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        await File.WriteAllBytesAsync(path, bytes);
        return path;
    }
}
