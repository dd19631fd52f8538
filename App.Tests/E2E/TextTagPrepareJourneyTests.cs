using System.Globalization;
using ESignWeb.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// Issue 11 option 13, the sender's half in real Chromium: a PDF with Box text tags uploaded in the browser shows, on
/// the prepare page, a field at each tag of signer 1 as soon as that signer is added (at the tag's place, as
/// <c>pdftotext -bbox</c> finds the tag); the sender moves one with the x box, and the request is sent with the moved
/// field where the sender put it and the others at their tags, each keeping its tag id.
/// </summary>
[Collection(E2ECollection.Name)]
public class TextTagPrepareJourneyTests(ITestOutputHelper output)
{
    private const string Signer = "tina.tags@example.com";

    /// <summary>One Letter page: a text tag with an id, a signature, a checkbox with an id and a date with an id (Helvetica 12).</summary>
    private const string Content = """
        BT /F1 12 Tf 72 700 Td (Company: [[t|1|id:company]] end) Tj ET
        BT /F1 12 Tf 72 600 Td (Sign here: [[s|1]]) Tj ET
        BT /F1 12 Tf 72 500 Td (Agree [[c|1|id:agree]]) Tj ET
        BT /F1 12 Tf 72 400 Td (Start [[d|1|id:start]]) Tj ET
        """;

    [Fact]
    public async Task The_prepare_page_shows_a_field_at_each_tag_and_the_sender_moves_one_before_sending()
    {
        var pdf = TaggedPdf.Create(Content);
        var tags = (await TextTagPrefillJourneyTests.WordsAsync(pdf)).Where(w => w.Text.StartsWith("[[", StringComparison.Ordinal)).ToDictionary(w => w.Text);
        Assert.Equal(4, tags.Count);

        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["ESign__RequireConfirmedAccount"] = "false" });
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;
        try
        {
            // No field placed by hand: adding signer 1 places the tags' fields.
            var requestId = await SigningJourneyTests.PrepareAsync(page, app, pdf, ordered: true, (Signer, "Tina", "Tags", []));
            var boxes = page.Locator(".pdf-page[data-page='1'] .field-box");
            await Assertions.Expect(boxes).ToHaveCountAsync(4);
            foreach (var type in new[] { "text", "signature", "checkbox", "date" })
                await Assertions.Expect(page.Locator($".field-box[data-field-type={type}]")).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator("#save-state")).ToContainTextAsync("Draft saved");

            var placed = await Poll.UntilAsync(() => Task.FromResult(Fields(app.DatabasePath, requestId) is { Count: 4 } f ? f : null));
            foreach (var (tagText, tagId) in new[] { ("[[t|1|id:company]]", "company"), ("[[s|1]]", null), ("[[c|1|id:agree]]", "agree"), ("[[d|1|id:start]]", "start") })
            {
                var tag = tags[tagText];
                var field = placed.Single(f => f.TagId == tagId && f.Type == TypeOf(tagText));
                output.WriteLine($"{tagText} at {tag} → field {field}");
                Assert.True(field.Holds(tag), $"The field {field} made for {tagText} does not cover the tag at {tag}");
            }

            // The sender adjusts the company field: x = 300 pt.
            var company = page.Locator(".field-box[data-field-type=text]");
            await company.FocusAsync();
            await page.FillAsync("#field-x", "300");
            await page.PressAsync("#field-x", "Tab");
            await Assertions.Expect(company).ToHaveAttributeAsync("style", new System.Text.RegularExpressions.Regex(@"left:49\.0196")); // 300 pt of 612
            await Poll.UntilAsync(() => Task.FromResult(Fields(app.DatabasePath, requestId).Single(f => f.TagId == "company").X == 300 ? (bool?)true : null));

            await page.ClickAsync("#send-button");
            await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();
            var sent = Fields(app.DatabasePath, requestId);
            Assert.Equal(4, sent.Count);
            var moved = sent.Single(f => f.Type == TypeOf("[[t|1|id:company]]"));
            Assert.Equal((300d, "company"), (moved.X, moved.TagId)); // moved, still the tag's field
            Assert.True(sent.Single(f => f.TagId == "start").Holds(tags["[[d|1|id:start]]"]));
            Assert.Equal((int)Domain.RequestStatus.Incomplete, Status(app.DatabasePath, requestId));
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            await browser.Shots.TakeAsync("text-tags-prepare-failure");
            throw;
        }
    }

    /// <summary>The stored <c>FieldType</c> number of a tag's field (as <c>Fields.Type</c> holds it).</summary>
    private static int TypeOf(string tag) => (int)(tag[2] switch
    {
        's' => Domain.FieldType.Signature,
        't' => Domain.FieldType.Text,
        'c' => Domain.FieldType.Checkbox,
        'd' => Domain.FieldType.Date,
        _ => throw new ArgumentException(tag),
    });

    private sealed record StoredField(int Type, double X, double Y, double Width, double Height, string? TagId)
    {
        /// <summary>Whether the field (PDF points from the bottom-left) covers the middle of the word's box (from the top of a 792 pt page).</summary>
        public bool Holds(TextTagPrefillJourneyTests.Word w)
        {
            var cx = (w.XMin + w.XMax) / 2;
            var cy = 792 - (w.YMin + w.YMax) / 2;
            return X <= cx && cx <= X + Width && Y <= cy && cy <= Y + Height;
        }

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"type {Type} [{X:0.0}, {Y:0.0}, {Width:0.0} × {Height:0.0}] tag {TagId ?? "-"}");
    }

    private static List<StoredField> Fields(string database, int requestId)
    {
        using var c = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT Type, X, Y, Width, Height, DocumentTagId FROM Fields WHERE RequestId = $id ORDER BY Id";
        cmd.Parameters.AddWithValue("$id", requestId);
        using var r = cmd.ExecuteReader();
        var list = new List<StoredField>();
        while (r.Read())
            list.Add(new StoredField(r.GetInt32(0), r.GetDouble(1), r.GetDouble(2), r.GetDouble(3), r.GetDouble(4), r.IsDBNull(5) ? null : r.GetString(5)));
        return list;
    }

    private static int Status(string database, int requestId)
    {
        using var c = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT Status FROM Requests WHERE Id = $id";
        cmd.Parameters.AddWithValue("$id", requestId);
        return Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
