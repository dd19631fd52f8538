using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Requests;
using ESignWeb.Signing;
using ESignWeb.Storage;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Text tags end to end through the service layer: a PDF with tags uploaded over the API, a request created over the
/// SignEasy API with two recipients and prefill_tags, signed through the signing service and sealed.
/// </summary>
public class TextTagApiTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public TextTagApiTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;

    private async Task<(string Owner, HttpClient Client, int FileId)> UploadAsync()
    {
        var owner = await _app.CreateUserAsync($"tags-{Guid.NewGuid():N}@example.com", "Tess", "Tagger");
        var (client, _) = await _app.ApiClientAsync(owner);
        var form = new MultipartFormDataContent
            { { new StringContent("Contract.pdf"), "name" }, { new ByteArrayContent(TaggedPdf.Create(TaggedPdf.Contract)), "file", "Contract.pdf" } };
        var created = await client.PostAsync("/v1/files/original/", form);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        return (owner, client, (await JsonAsync(created)).GetProperty("id").GetInt32());
    }

    private static object Body(int fileId, object[] prefill) => new
    {
        original_file_id = fileId, name = "Contract", is_ordered = true,
        recipients = new[]
        {
            new { email = "ann@company.com", first_name = "Ann", last_name = "First" },
            new { email = "bob@company.com", first_name = "Bob", last_name = "Second" },
        },
        prefill_tags = prefill,
    };

    [Fact]
    public async Task Tagged_pdf_gets_fields_per_recipient_prefilled_values_are_sealed_and_the_tags_are_gone()
    {
        var (owner, client, fileId) = await UploadAsync();
        await using (var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
            Assert.Equal(6, (await db.Documents.SingleAsync(d => d.Id == fileId)).TextTags.Count); // stored at upload

        var created = await client.PostAsJsonAsync("/v1/files/pending/", Body(fileId,
        [
            new { document_tag_id = "company", text_value = "Acme Ltd" },
            new { document_tag_id = "agree", checkbox_value = true },
        ]));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var answer = await JsonAsync(created);
        var id = answer.GetProperty("pending_file_id").GetInt32();
        Assert.Contains("signer 3", answer.GetProperty("warnings")[0].GetString()); // [[t|3|id:third]]: no third recipient

        List<Field> fields;
        List<TextTag> tags;
        await using (var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            fields = await db.Fields.Include(f => f.Recipient).Where(f => f.RequestId == id).OrderBy(f => f.Id).ToListAsync();
            tags = (await db.Documents.SingleAsync(d => d.Id == fileId)).TextTags;
        }
        Assert.Equal(
            [("ann@company.com", FieldType.Text, "company"), ("ann@company.com", FieldType.Signature, null), ("ann@company.com", FieldType.Checkbox, "agree"),
             ("bob@company.com", FieldType.Signature, null), ("bob@company.com", FieldType.Date, "start")],
            fields.Select(f => (f.Recipient!.Email, f.Type, f.DocumentTagId)));
        foreach (var (f, t) in fields.Zip(tags.Where(t => t.Signer <= 2).OrderBy(t => t.Signer)))
            Assert.Equal((t.Page, t.Field), (f.PageNumber, f.Rect)); // at the tag's position
        var company = fields[0];
        Assert.Equal("Acme Ltd", company.Value);
        Assert.Equal("true", fields[2].Value);

        // The signer sees the prefilled values filled in; each signs only what is left.
        var signing = _app.Get<SigningService>();
        var actor = new Actor(null, "127.0.0.1", "test-agent/1.0");
        foreach (var email in new[] { "ann@company.com", "bob@company.com" })
        {
            string token;
            await using (var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
                token = _app.Get<RecipientTokens>().TokenFor(await db.Recipients.SingleAsync(r => r.RequestId == id && r.Email == email))!;
            var session = await signing.OpenAsync(token, actor);
            await signing.ConsentAsync(token, actor);
            if (email == "ann@company.com")
            {
                var shown = session.MyFields.Single(f => f.Type == FieldType.Text);
                Assert.Equal((true, "Acme Ltd"), (shown.Filled, shown.Text));
            }
            foreach (var f in session.MyFields.Where(f => !f.Filled))
                await signing.FillAsync(token, f.Id, f.Type switch
                {
                    FieldType.Date => new FieldInput(Text: DateFormats.Format(new DateOnly(2026, 11, 22), SigningService.EffectiveDateFormat(f.DateFormat, null))),
                    _ => new FieldInput(Image: TestImages.SignaturePng(), Source: "draw"),
                });
            await signing.FinishAsync(token, actor);
        }

        var signed = await Poll.UntilAsync(async () =>
        {
            await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            return await db.SignedFiles.AsNoTracking().SingleOrDefaultAsync(s => s.RequestId == id);
        }, seconds: 90);
        var pdf = await _app.Get<IBlobStore>().ReadAllBytesAsync(signed.BlobKey);

        Assert.Contains("Signature is Valid", await Poppler.PdfSigAsync(pdf));
        var text = await Poppler.PdfToTextAsync(pdf);
        Assert.DoesNotContain("[[", text);
        Assert.Contains("Company:", text);
        var acme = await BoxOfAsync(pdf, "Acme");
        Assert.InRange(acme.X, company.X - 1, company.Rect.Right);
        Assert.InRange(792 - acme.Y, company.Y - 1, company.Rect.Top + 1); // pdftotext: y from the top

        await using (var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            var completed = await db.AuditEvents.SingleAsync(e => e.RequestId == id && e.Type == AuditEventType.Completed);
            Assert.DoesNotContain("text_tags_covered", completed.Data); // every tag was removed, none covered
        }
    }

    [Fact]
    public async Task Prefill_problems_are_precise_bad_requests_and_nothing_is_created()
    {
        var (owner, client, fileId) = await UploadAsync();
        async Task<string> ErrorAsync(object[] prefill)
        {
            var r = await client.PostAsJsonAsync("/v1/files/pending/", Body(fileId, prefill));
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            var e = await JsonAsync(r);
            Assert.Equal("bad_request", e.GetProperty("error_code").GetString());
            return e.GetProperty("message").GetString()!;
        }
        Assert.StartsWith("prefill_tags[1]: no field has document_tag_id \"nope\"", await ErrorAsync([new { document_tag_id = "nope", text_value = "x" }]));
        Assert.Equal("prefill_tags[1]: the tag \"agree\" is a checkbox field; it takes checkbox_value (true or false).",
            await ErrorAsync([new { document_tag_id = "agree", text_value = "x" }]));
        Assert.Equal("prefill_tags[1].date_value must be a date as YYYY-MM-DD (e.g. \"2026-04-26\").",
            await ErrorAsync([new { document_tag_id = "start", date_value = "26/04/2026" }]));
        Assert.StartsWith("prefill_tags[1] needs exactly one of", await ErrorAsync([new { document_tag_id = "company", text_value = "a", checkbox_value = true }]));
        await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.Equal(0, await db.Requests.CountAsync(r => r.OwnerId == owner));
    }

    /// <summary>A word's top-left corner as pdftotext -bbox reports it (points, y from the page's top).</summary>
    private static async Task<(double X, double Y)> BoxOfAsync(byte[] pdf, string word)
    {
        var path = Path.Combine(Path.GetTempPath(), $"esign-bbox-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        try
        {
            var html = (await Poppler.RunAsync("pdftotext", "-f", "1", "-l", "1", "-bbox", path, "-")).Output;
            var m = Regex.Match(html, $"<word xMin=\"([0-9.]+)\" yMin=\"([0-9.]+)\"[^>]*>{Regex.Escape(word)}</word>");
            Assert.True(m.Success, $"{word} not found in {html}");
            return (double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        }
        finally { File.Delete(path); }
    }
}
