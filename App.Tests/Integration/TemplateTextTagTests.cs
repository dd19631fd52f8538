using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Hosting;
using ESignWeb.Requests;
using ESignWeb.Sealing;
using ESignWeb.Signing;
using ESignWeb.Storage;
using ESignWeb.Templates;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Text tags beyond a request: a template made from a tagged PDF (upload page path and library document path) gets
/// its fields from the tags, with roles by signer number and document_tag_id kept through an edit; a request made
/// from it over the SignEasy API takes prefill_tags and its sealed PDF has the values and no tag text. Self-signing a
/// tagged document places the sender's tag fields and erases every tag's text.
/// </summary>
public class TemplateTextTagTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;
    private static readonly Actor SignerActor = new(null, "127.0.0.1", "test-agent/1.0");

    public TemplateTextTagTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    private TemplateService Templates => _app.Get<TemplateService>();

    private async Task<List<TextTag>> DetectedAsync(string owner)
    {
        // What the inspection worker finds in the fixture, as a library document stores it.
        var doc = await _app.Get<DocumentService>().ImportAsync(owner, "Reference.pdf", new MemoryStream(TaggedPdf.Create(TaggedPdf.Contract)), true);
        Assert.Equal(6, doc.TextTags.Count);
        return doc.TextTags;
    }

    [Fact]
    public async Task A_template_from_a_tagged_pdf_gets_fields_at_the_tags_and_a_request_from_it_seals_prefilled_values_without_tag_text()
    {
        var owner = await _app.CreateUserAsync($"tpltags-{Guid.NewGuid():N}@example.com", "Tina", "Tags");
        var (client, _) = await _app.ApiClientAsync(owner, "template-tags");
        var tags = await DetectedAsync(owner);

        // The template upload page's path (the PDF goes through the inspection worker, which finds the tags).
        var id = await Templates.CreateFromUploadAsync(owner, "Contract.pdf", new MemoryStream(TaggedPdf.Create(TaggedPdf.Contract)), null,
            1024 * 1024, _app.Get<DataPaths>());
        var t = await Templates.GetAsync(owner, id);
        Assert.Equal([(1, "Signer 1"), (2, "Signer 2"), (3, "Signer 3")], t.Roles.OrderBy(r => r.Number).Select(r => (r.Number, r.Name)));
        var fields = t.Fields.OrderBy(f => f.Number).ToList();
        Assert.Equal(tags.Select(x => (x.Signer, x.Type, x.Id, x.Page, x.Field)),
            fields.Select(f => (f.RoleNumber, f.Type, TemplateTags.TagOf(f.AdditionalInfo)?.Id, f.PageNumber, new PdfRect(f.X, f.Y, f.Width, f.Height))));
        Assert.Equal(tags, TemplateTags.TagsOf(t));

        // An edit in the template editor keeps each field's tag (here: the date field gets a format, a field is added).
        var d = await Templates.LoadDraftAsync(owner, id);
        Assert.Equal(["company", null, null, "agree", "start", "third"], d.RoleFields.Select(f => f.DocumentTagId));
        d.RoleFields.Single(f => f.DocumentTagId == "start").DateFormat = "YYYY-MM-DD";
        DraftEditor.AddField(d.Layout, FieldType.Name, d.Roles.First().Key, 1, new PdfRect(300, 650, 150, 30));
        await Templates.SaveDraftAsync(owner, d);
        t = await Templates.GetAsync(owner, id);
        Assert.Equal(tags, TemplateTags.TagsOf(t));
        Assert.Equal("YYYY-MM-DD", FieldRules.ExplicitDateFormatOf(t.Fields.Single(f => f.Type == FieldType.Date).AdditionalInfo));

        // A bad prefill is refused before anything is made.
        var refused = await client.PostAsJsonAsync("/v1/files/pending/template/", Use(id, [new { document_tag_id = "nope", text_value = "x" }]));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.StartsWith("prefill_tags[1]: no field has document_tag_id \"nope\"", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString());

        // Use it over the SignEasy API with prefill_tags.
        var created = await client.PostAsJsonAsync("/v1/files/pending/template/", Use(id,
        [
            new { document_tag_id = "company", text_value = "Acme Ltd" },
            new { document_tag_id = "agree", checkbox_value = true },
            new { document_tag_id = "start", date_value = "2026-04-26" },
        ]));
        var answer = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.OK, answer);
        var requestId = JsonDocument.Parse(answer).RootElement.GetProperty("pending_file_id").GetInt32();

        List<Field> requestFields;
        await using (var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            var request = await db.Requests.AsNoTracking().Include(r => r.Document).Include(r => r.Fields).ThenInclude(f => f.Recipient)
                .SingleAsync(r => r.Id == requestId);
            Assert.Equal(tags, request.Document!.TextTags); // the request's document carries the tags to the seal
            requestFields = request.Fields.OrderBy(f => f.Id).ToList();
        }
        Assert.Equal(7, requestFields.Count); // six from the tags, one added in the editor
        Assert.Equal(("ann@example.com", "Acme Ltd"), requestFields.Where(f => f.DocumentTagId == "company").Select(f => (f.Recipient!.Email, f.Value)).Single());
        Assert.Equal("true", requestFields.Single(f => f.DocumentTagId == "agree").Value);
        Assert.Equal("2026-04-26", requestFields.Single(f => f.DocumentTagId == "start").Value);
        Assert.Equal("cy@example.com", requestFields.Single(f => f.DocumentTagId == "third").Recipient!.Email);

        var signing = _app.Get<SigningService>();
        foreach (var email in new[] { "ann@example.com", "bob@example.com", "cy@example.com" })
        {
            string token;
            await using (var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
                token = _app.Get<RecipientTokens>().TokenFor(await db.Recipients.SingleAsync(r => r.RequestId == requestId && r.Email == email))!;
            var session = await signing.OpenAsync(token, SignerActor);
            await signing.ConsentAsync(token, SignerActor);
            foreach (var f in (await signing.OpenAsync(token, SignerActor)).MyFields.Where(f => !f.Filled))
                await signing.FillAsync(token, f.Id, f.Type switch
                {
                    FieldType.Signature => new FieldInput(Image: TestImages.SignaturePng(), Source: "draw"),
                    _ => new FieldInput(Text: "Third note"),
                });
            await signing.FinishAsync(token, SignerActor);
        }

        var signed = await Poll.UntilAsync(async () =>
        {
            await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            return await db.SignedFiles.AsNoTracking().SingleOrDefaultAsync(s => s.RequestId == requestId);
        }, seconds: 90);
        var pdf = await _app.Get<IBlobStore>().ReadAllBytesAsync(signed.BlobKey);
        Assert.Contains("Signature is Valid", await Poppler.PdfSigAsync(pdf));
        var text = await Poppler.PdfToTextAsync(pdf);
        Assert.DoesNotContain("[[", text);
        Assert.Contains("Company:", text);
        Assert.Contains("Acme Ltd", text);
        Assert.Contains("2026-04-26", text);
        Assert.Contains("Third note", text);
        await using (var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            var completed = await db.AuditEvents.SingleAsync(e => e.RequestId == requestId && e.Type == AuditEventType.Completed);
            Assert.DoesNotContain("text_tags_covered", completed.Data); // every tag was removed, none covered
        }
    }

    private static object Use(int templateId, object[] prefill) => new
    {
        template_file_id = templateId, name = "Contract for Acme", is_ordered = false,
        recipients = new object[]
        {
            new { email = "ann@example.com", first_name = "Ann", last_name = "One", role_id = 1 },
            new { email = "bob@example.com", first_name = "Bob", last_name = "Two", role_id = 2 },
            new { email = "cy@example.com", first_name = "Cy", last_name = "Three", role_id = 3 },
        },
        prefill_tags = prefill,
    };

    [Fact]
    public async Task A_template_from_a_tagged_library_document_gets_the_same_fields()
    {
        var owner = await _app.CreateUserAsync($"tpltags-{Guid.NewGuid():N}@example.com", "Lib", "Rary");
        var tags = await DetectedAsync(owner);
        var doc = await _app.Get<DocumentService>().ImportAsync(owner, "Library.pdf", new MemoryStream(TaggedPdf.Create(TaggedPdf.Contract)), true);
        var t = await Templates.GetAsync(owner, await Templates.CreateFromDocumentAsync(owner, doc.Id));
        Assert.Equal(3, t.Roles.Count);
        Assert.Equal(tags, TemplateTags.TagsOf(t));
        Assert.Equal(tags.Select(x => (x.Signer, x.Type)), t.Fields.OrderBy(f => f.Number).Select(f => (f.RoleNumber, f.Type)));

        // An untagged PDF: one role, no fields, as before.
        var plain = await _app.Get<DocumentService>().ImportAsync(owner, "Plain.pdf", new MemoryStream(TestPdf.Pages(1)), true);
        var empty = await Templates.GetAsync(owner, await Templates.CreateFromDocumentAsync(owner, plain.Id));
        Assert.Equal(("Signer", 0), (empty.Roles.Single().Name, empty.Fields.Count));
    }

    [Fact]
    public async Task Self_signing_a_tagged_document_places_the_senders_tag_fields_and_erases_every_tags_text()
    {
        var owner = await _app.CreateUserAsync($"selftags-{Guid.NewGuid():N}@example.com", "Sal", "Self");
        var doc = await _app.Get<DocumentService>().ImportAsync(owner, "Mine.pdf", new MemoryStream(TaggedPdf.Create(TaggedPdf.Contract)), true);

        // Signer 1's tags are the sender's fields, at the tags' boxes.
        var placed = SelfSignService.TagFields(doc);
        Assert.Equal(doc.TextTags.Where(t => t.Signer == 1).Select(t => (t.Type, t.Page, t.Field)), placed.Select(f => (f.Type, f.PageNumber, f.Rect)));
        Assert.Equal([FieldType.Text, FieldType.Signature, FieldType.Checkbox], placed.Select(f => f.Type));

        var filled = placed.Select(f => f.Type switch
        {
            FieldType.Signature => f with { Image = TestImages.SignaturePng() },
            FieldType.Text => f with { Text = "Self Corp" },
            _ => f with { Text = "true" },
        }).ToList();
        var signed = await _app.Get<SelfSignService>().SignAsync(owner, doc.Id, filled, new Actor("self@example.com", "127.0.0.1", "agent"),
            DateTimeOffset.UtcNow.AddMinutes(-1));

        var pdf = await _app.Get<IBlobStore>().ReadAllBytesAsync(signed.BlobKey);
        Assert.Contains("Signature is Valid", await Poppler.PdfSigAsync(pdf));
        var text = await Poppler.PdfToTextAsync(pdf);
        Assert.DoesNotContain("[[", text); // signer 2's and 3's tags too
        Assert.Contains("Company:", text);
        Assert.Contains("Self Corp", text);
        Assert.Contains("Notes", text);
    }
}
