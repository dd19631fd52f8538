using ESignWeb.Domain;
using System.Text.RegularExpressions;
using ESignWeb.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// The sender's journey as a new user does it, in Debian's Chromium against the real app process, with mail going
/// over real SMTP to a real sink: register → confirm from the mail → log in → upload a generated 3-page PDF →
/// drag a signature and a date field for each of two signers → sequential → send → only the first signer is mailed.
/// </summary>
[Collection(E2ECollection.Name)]
public class SenderJourneyTests(ITestOutputHelper output)
{
    private const double Tolerance = 1.0; // points

    [Fact]
    public async Task Register_upload_place_fields_for_two_signers_and_send_sequentially()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Smtp__Host"] = "127.0.0.1",
            ["Smtp__Port"] = smtp.Port.ToString(),
            ["Smtp__Security"] = "None",
        });
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;
        var shots = browser.Shots;
        try
        {
            // 1. Register: the first account of a fresh instance is its administrator, signed in at once without a
            // confirmation mail (later accounts confirm over SMTP: PublicLinksAttackTests).
            const string sender = "sam.sender@example.com";
            await Steps.RegisterAsync(page, sender, "Sam", "Sender");
            await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();
            await shots.TakeAsync("dashboard-empty");

            // 2. Upload a generated 3-page PDF.
            var pdfPath = Path.Combine(app.DataDir, "Three pages.pdf");
            await File.WriteAllBytesAsync(pdfPath, TestPdf.Pages(3));
            await page.GotoAsync("/documents");
            await Steps.WaitInteractiveAsync(page);
            await Steps.UploadAsync(page, pdfPath);
            var row = page.Locator("#documents-table tr", new() { HasText = "Three pages.pdf" });
            await Assertions.Expect(row).ToBeVisibleAsync();
            await Assertions.Expect(row).ToContainTextAsync("3");
            await shots.TakeAsync("documents");

            // 3. Start a request and add two signers.
            await row.Locator(".request-signatures").ClickAsync();
            await page.WaitForURLAsync(new Regex(@"/requests/\d+/prepare"));
            await Steps.WaitInteractiveAsync(page);
            var requestId = int.Parse(Regex.Match(page.Url, @"/requests/(\d+)/").Groups[1].Value);
            await Assertions.Expect(page.Locator("#pdf-viewer[data-loaded=true]")).ToBeVisibleAsync();
            await AddSignerAsync(page, "first.signer@example.com", "Fiona", "First");
            await AddSignerAsync(page, "second.signer@example.com", "Sven", "Second");
            await Assertions.Expect(page.Locator(".signer-row")).ToHaveCountAsync(2);

            // 4. Drag a signature and a date field for each signer onto pages 1 and 3.
            var drops = new List<(string Email, string Type, int Page, double Fx, double Fy)>
            {
                ("first.signer@example.com", "signature", 1, 0.30, 0.70),
                ("first.signer@example.com", "date", 1, 0.70, 0.72),
                ("second.signer@example.com", "signature", 3, 0.35, 0.80),
                ("second.signer@example.com", "date", 3, 0.75, 0.82),
            };
            var expected = new List<(string Email, string Type, int Page, double Cx, double Cy)>();
            foreach (var (email, type, pageNo, fx, fy) in drops)
            {
                await page.Locator($".palette-signers [data-signer-email='{email}']").ClickAsync();
                var target = page.Locator($".pdf-page[data-page='{pageNo}']");
                await target.ScrollIntoViewIfNeededAsync();
                var box = (await target.BoundingBoxAsync())!;
                var (x, y) = (box.X + box.Width * fx, box.Y + box.Height * fy);
                var before = await page.Locator(".field-box").CountAsync();
                await Steps.DragFieldAsync(page, type, x, y);
                await Assertions.Expect(page.Locator(".field-box")).ToHaveCountAsync(before + 1);
                // The drop point in PDF points (Letter, 612 × 792, origin bottom-left), measured on the page box.
                box = (await target.BoundingBoxAsync())!;
                expected.Add((email, type, pageNo, (x - box.X) / box.Width * 612, 792 - (y - box.Y) / box.Height * 792));
            }
            await Assertions.Expect(page.Locator(".signer-warning")).ToHaveCountAsync(0);
            await shots.TakeAsync("prepared");

            // Zooming changes nothing that is stored.
            await page.ClickAsync("#zoom-in");
            await page.ClickAsync("#zoom-in");
            await Assertions.Expect(page.Locator("#zoom-label")).ToHaveTextAsync("144%");

            // 5. Sequential (the default) → send.
            await Assertions.Expect(page.GetByRole(AriaRole.Radio, new() { Name = StatusWords.OneAfterAnother })).ToBeCheckedAsync();
            await page.ClickAsync("#send-button");
            await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();
            var requestRow = page.Locator("#requests-table tr", new() { HasText = "Three pages" });
            await Assertions.Expect(requestRow.Locator("[data-status=incomplete]")).ToBeVisibleAsync();
            await shots.TakeAsync("dashboard-sent");
            await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();

            // 6. The first signer's mail arrives at the SMTP sink with a /sign/… link; the second signer's does not.
            var invite = await smtp.WaitForMessageToAsync("first.signer@example.com");
            Assert.Contains("Three pages", invite.Subject);
            Assert.Matches(new Regex($@"{Regex.Escape(app.BaseUrl)}/sign/[A-Za-z0-9_-]{{43}}"), invite.TextBody ?? "");
            // Mail leaves only through the outbox: the first signer's invitation is recorded as sent, and no message
            // for the second signer is even queued (nor are they marked notified), so none can reach the sink.
            await Poll.UntilTrueAsync(() => Scalar(app.DatabasePath, $"SELECT COUNT(*) FROM Outbox WHERE Kind = '{ESignWeb.Outbox.OutboxKinds.SignerInvite}' " +
                "AND DoneAt IS NOT NULL AND Summary LIKE '%first.signer@example.com%'") == 1, "the first signer's invitation recorded as sent");
            Assert.Equal(0, Scalar(app.DatabasePath, "SELECT COUNT(*) FROM Outbox WHERE Summary LIKE '%second.signer@example.com%'"));
            Assert.Equal(1, Scalar(app.DatabasePath, "SELECT COUNT(*) FROM Recipients WHERE Email = 'second.signer@example.com' AND NotifiedAt IS NULL"));
            Assert.Empty(smtp.MessagesTo("second.signer@example.com"));

            // 7. The stored rectangles are where the fields were dropped (centred on the pointer), within 1 point.
            var stored = ReadFields(app.DatabasePath, requestId);
            Assert.Equal(4, stored.Count);
            foreach (var e in expected)
            {
                var f = Assert.Single(stored, s => s.Email == e.Email && s.Type == e.Type);
                Assert.Equal(e.Page, f.Page);
                var (w, h) = ESignWeb.Domain.FieldRules.DefaultSize(e.Type == "date" ? ESignWeb.Domain.FieldType.Date : ESignWeb.Domain.FieldType.Signature);
                Assert.InRange(f.X, e.Cx - w / 2 - Tolerance, e.Cx - w / 2 + Tolerance);
                Assert.InRange(f.Y, e.Cy - h / 2 - Tolerance, e.Cy - h / 2 + Tolerance);
                Assert.InRange(f.Width, w - Tolerance, w + Tolerance);
                Assert.InRange(f.Height, h - Tolerance, h + Tolerance);
            }
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            await shots.TakeAsync("failure");
            throw;
        }
    }

    private static async Task AddSignerAsync(IPage page, string email, string first, string last)
    {
        await page.FillAsync("#signer-email", email);
        await page.FillAsync("#signer-first", first);
        await page.FillAsync("#signer-last", last);
        await page.ClickAsync("#signer-add");
        await Assertions.Expect(page.Locator($".signer-row[data-email='{email}']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#signer-email")).ToHaveValueAsync("");
    }

    private static long Scalar(string database, string sql)
    {
        using var c = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return (long)cmd.ExecuteScalar()!;
    }

    private sealed record StoredField(string Email, string Type, int Page, double X, double Y, double Width, double Height);

    private static List<StoredField> ReadFields(string dbPath, int requestId)
    {
        using var c = new SqliteConnection($"Data Source={dbPath};Mode=ReadOnly");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT r.Email, f.Type, f.PageNumber, f.X, f.Y, f.Width, f.Height
            FROM Fields f JOIN Recipients r ON r.Id = f.RecipientId WHERE f.RequestId = $id
            """;
        cmd.Parameters.AddWithValue("$id", requestId);
        using var reader = cmd.ExecuteReader();
        var list = new List<StoredField>();
        while (reader.Read())
        {
            var type = ESignWeb.Domain.WireNames.Of((ESignWeb.Domain.FieldType)reader.GetInt32(1));
            list.Add(new StoredField(reader.GetString(0), type, reader.GetInt32(2), reader.GetDouble(3), reader.GetDouble(4),
                reader.GetDouble(5), reader.GetDouble(6)));
        }
        return list;
    }
}

/// <summary>E2E tests start processes and a browser: run them one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class E2ECollection
{
    public const string Name = "E2E";
}

/// <summary>Saves screenshots when ESIGN_SCREENSHOTS names a folder (for looking at what a person sees).</summary>
public sealed class Screenshots(IPage page)
{
    private static readonly string? Dir = Environment.GetEnvironmentVariable("ESIGN_SCREENSHOTS");

    public async Task TakeAsync(string name, IPage? other = null)
    {
        if (string.IsNullOrEmpty(Dir)) return;
        Directory.CreateDirectory(Dir);
        await (other ?? page).ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Dir, name + ".png"), FullPage = Environment.GetEnvironmentVariable("ESIGN_SCREENSHOTS_FULL") == "1" });
    }
}
