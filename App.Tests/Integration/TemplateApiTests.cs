using ESignWeb.Api;
using ESignWeb.Audit;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Requests;
using ESignWeb.Storage;
using ESignWeb.Templates;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using UglyToad.PdfPig;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Templates over the API: list/get/rename/delete answer the seed's template object, and "Create a signature request
/// using a template" sends a request (seed id shape) or refuses with the seed's error shape and a precise message.
/// </summary>
public class TemplateApiTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public TemplateApiTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    /// <summary>Seed, "The template object" (with merge_fields).</summary>
    private const string SeedTemplate = """
        {
          "created_time":1504087737,
          "id":1449,
          "is_ordered":false,
          "message":"Please sign this NDA.",
          "metadata":{
            "fields":[
              {"additional_info":"","id":1,"required":true,"role_id":1,"type":"text"},
              {"additional_info":"","id":2,"required":true,"role_id":2,"type":"text"}
            ],
            "merge_fields": [
              {"id": 11, "label": "Company Name", "required": true, "type": "text"},
              {"id": 14, "label": "Client Name", "required": true, "type": "text"}
            ],
            "roles":[
              {"color":"[255, 165, 0, 0.35]","fields":[1],"id":1,"name":"client"},
              {"color":"[56, 185, 174, 0.35]","fields":[2],"id":2,"name":"manager"}
            ]
          },
          "modified_time":1504087873,
          "name":"NDA Template"
        }
        """;

    private const string SeedUnauthorized = """{"error_code": "unauthorized_resource", "message": "Unauthorized"}""";
    private const string SeedBadRequest = """{"message": "Bad Request", "error_code": "bad_request"}""";
    private const string SeedPendingFileId = """{"pending_file_id": 9700}""";

    private TemplateService Templates => _app.Get<TemplateService>();

    /// <summary>The seed's NDA template: roles client (a text field) and manager (signature, date), merge fields
    /// "Company Name" (required, page 1) and "Client Name" (optional, page 2).</summary>
    private async Task<(string Owner, HttpClient Client, int TemplateId)> NdaTemplateAsync(string? password = null)
    {
        var owner = await _app.CreateUserAsync($"tpl-{Guid.NewGuid():N}@example.com", "Tess", "Templates");
        var (client, _) = await _app.ApiClientAsync(owner, "templates");
        int id;
        if (password is null)
        {
            var doc = await _app.Get<DocumentService>().ImportAsync(owner, "NDA.pdf", new MemoryStream(TestPdf.Pages(2)), false);
            id = await Templates.CreateFromDocumentAsync(owner, doc.Id);
        }
        else
        {
            id = await Templates.CreateFromUploadAsync(owner, "NDA.pdf", new MemoryStream(TestPdf.PasswordProtected(password)), password,
                1024 * 1024, _app.Get<DataPaths>());
        }
        var d = await Templates.LoadDraftAsync(owner, id);
        d.Name = "NDA Template";
        d.IsOrdered = false;
        d.Message = "Please sign this NDA.";
        Assert.Null(TemplateEditor.RenameRole(d, d.Roles.Single().Key, "client"));
        Assert.Null(TemplateEditor.AddRole(d, "manager"));
        var roles = d.Roles.ToList();
        DraftEditor.AddField(d.Layout, FieldType.Text, roles[0].Key, 1, new PdfRect(72, 600, 150, 32));
        DraftEditor.AddField(d.Layout, FieldType.Signature, roles[1].Key, 1, new PdfRect(72, 500, 160, 48));
        DraftEditor.AddField(d.Layout, FieldType.Date, roles[1].Key, 1, new PdfRect(300, 500, 110, 32));
        Assert.Null(TemplateEditor.AddMergeField(d, FieldType.Text, 1, new PdfRect(300, 650, 250, 32), "Company Name").Error);
        var (client2, e) = TemplateEditor.AddMergeField(d, FieldType.Text, d.Layout.PageCount, new PdfRect(72, 720, 250, 32), "Client Name");
        Assert.Null(e);
        client2!.Required = false;
        await Templates.SaveDraftAsync(owner, d);
        return (owner, client, id);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage r, HttpStatusCode expected)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == expected, $"{r.RequestMessage?.Method} {r.RequestMessage?.RequestUri} answered {(int)r.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static object Use(int templateId, object? recipients = null, object? mergeFields = null, string? password = null) => new
    {
        template_file_id = templateId,
        recipients = recipients ?? new object[]
        {
            new { email = "jack@company.com", first_name = "Jack", last_name = "Wilshere", role_id = 1 },
            new { email = "arsene@company.com", first_name = "Arsene", last_name = "Weng", role_id = 2 },
        },
        is_ordered = true,
        name = "NDA for ACME",
        message = "Please sign.",
        cc = new[] { new { email = "cc@company.com" } },
        file_password = password,
        embedded_signing = false,
        merge_fields = mergeFields ?? new object[] { new { label = "Company Name", value = "ACME Rockets Ltd", font_size = 12 } },
    };

    [Fact]
    public async Task List_get_rename_and_delete_answer_the_seed_template_object()
    {
        var (_, client, id) = await NdaTemplateAsync();

        var list = await JsonAsync(await client.GetAsync("/v1/library/template/"), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Array, list.ValueKind);
        Assert.Equal(1, list.GetArrayLength());
        SeedShape.Assert(SeedTemplate, list[0]);

        var one = await JsonAsync(await client.GetAsync($"/v1/library/template/{id}/"), HttpStatusCode.OK);
        SeedShape.Assert(SeedTemplate, one);
        Assert.Equal("NDA Template", one.GetProperty("name").GetString());
        Assert.False(one.GetProperty("is_ordered").GetBoolean());
        Assert.Equal("Please sign this NDA.", one.GetProperty("message").GetString());
        var meta = one.GetProperty("metadata");
        var roles = meta.GetProperty("roles");
        Assert.Equal([1, 2], roles.EnumerateArray().Select(r => r.GetProperty("id").GetInt32()));
        Assert.Equal(["client", "manager"], roles.EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        Assert.Matches(@"^\[\d+, \d+, \d+, 0\.35\]$", roles[0].GetProperty("color").GetString());
        var fields = meta.GetProperty("fields").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3], fields.Select(f => f.GetProperty("id").GetInt32()));
        Assert.Equal(["text", "signature", "date"], fields.Select(f => f.GetProperty("type").GetString()));
        Assert.Equal([1, 2, 2], fields.Select(f => f.GetProperty("role_id").GetInt32()));
        Assert.Equal("", fields[2].GetProperty("additional_info").GetString()); // names no format: the signer's locale
        Assert.Equal([1], roles[0].GetProperty("fields").EnumerateArray().Select(x => x.GetInt32()));
        Assert.Equal([2, 3], roles[1].GetProperty("fields").EnumerateArray().Select(x => x.GetInt32()));
        var merges = meta.GetProperty("merge_fields").EnumerateArray().ToList();
        Assert.Equal(["Company Name", "Client Name"], merges.Select(m => m.GetProperty("label").GetString()));
        Assert.Equal([true, false], merges.Select(m => m.GetProperty("required").GetBoolean()));
        Assert.Equal([4, 5], merges.Select(m => m.GetProperty("id").GetInt32()));

        // Rename (seed: Form Data name), and as JSON.
        var renamed = await JsonAsync(await client.PutAsync($"/v1/library/template/{id}/", new FormUrlEncodedContent([new("name", "Mutual NDA")])), HttpStatusCode.OK);
        SeedShape.Assert(SeedTemplate, renamed);
        Assert.Equal("Mutual NDA", renamed.GetProperty("name").GetString());
        renamed = await JsonAsync(await client.PutAsJsonAsync($"/v1/library/template/{id}", new { name = "Mutual NDA 2" }), HttpStatusCode.OK);
        Assert.Equal("Mutual NDA 2", renamed.GetProperty("name").GetString());
        renamed = await JsonAsync(await client.PutAsync($"/v1/library/template/{id}/", new FormUrlEncodedContent([new("name", "\"Mutual \\u00e9 NDA\"")])), HttpStatusCode.OK);
        Assert.Equal("Mutual é NDA", renamed.GetProperty("name").GetString()); // the seed types name "json"
        var empty = await JsonAsync(await client.PutAsync($"/v1/library/template/{id}/", new FormUrlEncodedContent([new("name", " ")])), HttpStatusCode.BadRequest);
        SeedShape.Assert(SeedBadRequest, empty);
        Assert.Contains("name is required", empty.GetProperty("message").GetString());

        SeedShape.Assert("{}", await JsonAsync(await client.DeleteAsync($"/v1/library/template/{id}/"), HttpStatusCode.OK));
        var gone = await JsonAsync(await client.GetAsync($"/v1/library/template/{id}/"), HttpStatusCode.Unauthorized);
        SeedShape.Assert(SeedUnauthorized, gone);
        Assert.Equal("Unauthorized", gone.GetProperty("message").GetString());
        Assert.Equal(0, (await JsonAsync(await client.GetAsync("/v1/library/template"), HttpStatusCode.OK)).GetArrayLength());
    }

    [Fact]
    public async Task Create_from_template_sends_a_request_with_people_in_role_order_and_the_merge_value_stamped()
    {
        var (owner, client, id) = await NdaTemplateAsync();
        var created = await JsonAsync(await client.PostAsJsonAsync("/v1/files/pending/template/", Use(id)), HttpStatusCode.OK);
        SeedShape.Assert(SeedPendingFileId, created);
        var requestId = created.GetProperty("pending_file_id").GetInt32();

        var pending = await JsonAsync(await client.GetAsync($"/v1/files/pending/{requestId}/"), HttpStatusCode.OK);
        Assert.Equal("incomplete", pending.GetProperty("status").GetString());
        Assert.Equal("NDA for ACME", pending.GetProperty("name").GetString());

        await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var r = await db.Requests.AsNoTracking().Include(x => x.Recipients).Include(x => x.Fields).Include(x => x.Document).SingleAsync(x => x.Id == requestId);
        Assert.True(r.IsOrdered);
        Assert.Equal("Please sign.", r.Message);
        Assert.Equal(["cc@company.com"], r.Cc);
        Assert.Equal(["jack@company.com", "arsene@company.com"], r.Recipients.OrderBy(x => x.OrderId).Select(x => x.Email));
        var jack = r.Recipients.Single(x => x.Email == "jack@company.com");
        Assert.Equal([FieldType.Text], r.Fields.Where(f => f.RecipientId == jack.Id).Select(f => f.Type));
        Assert.Equal(3, r.Fields.Count);
        // The request's document is its own copy (not in the library), with the merge value as page content.
        Assert.NotNull(r.Document!.DeletedAt);
        var template = await Templates.GetAsync(owner, id);
        Assert.NotEqual(template.BlobKey, r.Document.BlobKey);
        var bytes = await _app.Get<IBlobStore>().ReadAllBytesAsync(r.Document.BlobKey);
        using (var pig = PdfDocument.Open(bytes))
        {
            Assert.Contains("ACME Rockets Ltd", string.Concat(pig.GetPage(1).Letters.Select(l => l.Value)));
            Assert.DoesNotContain("Rockets", string.Concat(pig.GetPage(2).Letters.Select(l => l.Value)));
        }
        Assert.Equal(0, (await JsonAsync(await client.GetAsync("/v1/files/original/"), HttpStatusCode.OK)).GetProperty("count").GetInt32() - 1);

        // The fields are the template's, at the same places; the audit chain records the template and the merge values.
        var t = await Templates.GetAsync(owner, id);
        Assert.Equal(t.Fields.OrderBy(f => f.Number).Select(f => (f.Type, f.PageNumber, f.X, f.Y, f.Width, f.Height)),
            r.Fields.OrderBy(f => f.Id).Select(f => (f.Type, f.PageNumber, f.X, f.Y, f.Width, f.Height)));
        var createdEvent = await db.AuditEvents.AsNoTracking().SingleAsync(e => e.RequestId == requestId && e.Type == AuditEventType.Created);
        var data = JsonDocument.Parse(createdEvent.Data).RootElement;
        Assert.Equal($"NDA Template (#{id})", data.GetProperty("template").GetString());
        Assert.Equal("ACME Rockets Ltd", data.GetProperty("merge_fields").GetProperty("Company Name").GetString());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("merge_fields").GetProperty("Client Name").ValueKind);
        Assert.Equal(r.Document.Sha256, data.GetProperty("document_sha256").GetString());

        // Editing the template afterwards changes nothing in the request already sent.
        var d = await Templates.LoadDraftAsync(owner, id);
        DraftEditor.RemoveField(d.Layout, d.RoleFields.First().Key);
        await Templates.SaveDraftAsync(owner, d);
        Assert.Equal(3, await db.Fields.CountAsync(f => f.RequestId == requestId));
    }

    [Fact]
    public async Task Create_from_template_fires_rs_initiated_like_any_request()
    {
        var (owner, client, id) = await NdaTemplateAsync();
        var register = new HttpRequestMessage(HttpMethod.Post, "/v1/callback/urls/") { Content = new FormUrlEncodedContent([new("urls", "https://hooks.example.com/templates")]) };
        register.Headers.Add("X-Client-ID", "tpl");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(register)).StatusCode);
        var requestId = (await JsonAsync(await client.PostAsJsonAsync("/v1/files/pending/template/", Use(id)), HttpStatusCode.OK)).GetProperty("pending_file_id").GetInt32();
        await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var delivery = await db.WebhookDeliveries.AsNoTracking().SingleAsync(x => x.UserId == owner && x.EventType == "rs.initiated");
        Assert.Equal(requestId, JsonDocument.Parse(delivery.Body).RootElement.GetProperty("data").GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task Create_from_template_refuses_bad_input_with_the_seed_error_shape_and_a_precise_message_and_creates_nothing()
    {
        var (owner, client, id) = await NdaTemplateAsync();
        var jack = new { email = "jack@company.com", first_name = "Jack", last_name = "W", role_id = 1 };
        var cases = new (object Body, string Message)[]
        {
            (Use(id, recipients: new object[] { jack, new { email = "x@company.com", first_name = "X", last_name = "Y", role_id = 3 } }),
                "recipients[2]: role_id 3 is not a role of this template (its roles are 1 (client), 2 (manager))."),
            (Use(id, recipients: new object[] { jack }), "Role 2 (manager) has no recipient: add one with role_id 2."),
            (Use(id, recipients: new object[] { jack, jack with { email = "j2@company.com" }, new { email = "a@company.com", first_name = "A", last_name = "B", role_id = 2 } }),
                "Role 1 (client) has 2 recipients; a role is taken by exactly one person."),
            (Use(id, recipients: new object[] { new { email = "jack@company.com", first_name = "Jack", last_name = "W" } }),
                "recipients[1].role_id is required (the template role's id, from 1)."),
            (Use(id, mergeFields: Array.Empty<object>()), "merge_fields: \"Company Name\" is required; give it a value."),
            (Use(id, mergeFields: new object[] { new { label = "Company Name", value = " " } }), "merge_fields: \"Company Name\" is required; give it a value."),
            (Use(id, mergeFields: new object[] { new { label = "Company Name", value = "A" }, new { label = "Company", value = "B" } }),
                "merge_fields[2]: \"Company\" is not a merge field of this template (\"Company Name\", \"Client Name\")."),
            (Use(id, mergeFields: new object[] { new { label = "Company Name", value = "A", font_size = 500 } }),
                "merge_fields[1]: font_size must be between 4 and 72 points."),
            (Use(id, recipients: new object[] { jack, new { email = "not-an-email", first_name = "A", last_name = "B", role_id = 2 } }),
                "Role 2 (manager): \"not-an-email\" is not a valid e-mail address."),
            (new { recipients = Array.Empty<object>(), name = "x" }, "template_file_id is required."),
        };
        foreach (var (body, message) in cases)
        {
            var e = await JsonAsync(await client.PostAsJsonAsync("/v1/files/pending/template/", body), HttpStatusCode.BadRequest);
            SeedShape.Assert(SeedBadRequest, e);
            Assert.Equal("bad_request", e.GetProperty("error_code").GetString());
            Assert.Equal(message, e.GetProperty("message").GetString());
        }
        // Someone else's (or no) template: the seed's unauthorized_resource.
        var other = await _app.CreateUserAsync($"other-{Guid.NewGuid():N}@example.com");
        var (otherClient, _) = await _app.ApiClientAsync(other);
        SeedShape.Assert(SeedUnauthorized, await JsonAsync(await otherClient.PostAsJsonAsync("/v1/files/pending/template/", Use(id)), HttpStatusCode.Unauthorized));
        SeedShape.Assert(SeedUnauthorized, await JsonAsync(await client.PostAsJsonAsync("/v1/files/pending/template/", Use(id + 1000)), HttpStatusCode.Unauthorized));

        await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.Equal(0, await db.Requests.CountAsync(r => r.OwnerId == owner || r.OwnerId == other));
        Assert.Equal(1, await db.Documents.CountAsync(d => d.OwnerId == owner)); // only the library document
    }

    [Fact]
    public async Task A_password_protected_template_is_decrypted_into_the_request_with_file_password_and_a_wrong_one_is_refused()
    {
        var (owner, client, id) = await NdaTemplateAsync(password: "open-sesame");
        Assert.True((await Templates.GetAsync(owner, id)).PasswordProtected);

        var missing = await JsonAsync(await client.PostAsJsonAsync("/v1/files/pending/template/", Use(id)), HttpStatusCode.BadRequest);
        SeedShape.Assert(SeedBadRequest, missing);
        Assert.Equal("file_password is required: this template's PDF is password-protected.", missing.GetProperty("message").GetString());
        var wrong = await JsonAsync(await client.PostAsJsonAsync("/v1/files/pending/template/", Use(id, password: "guess")), HttpStatusCode.BadRequest);
        SeedShape.Assert(SeedBadRequest, wrong);
        Assert.Equal("file_password is wrong: the template's PDF cannot be opened with it.", wrong.GetProperty("message").GetString());

        // As form data (arrays as JSON text), with the right password.
        var form = new MultipartFormDataContent
        {
            { new StringContent(id.ToString()), "template_file_id" },
            { new StringContent("""[{"email":"jack@company.com","first_name":"Jack","last_name":"W","role_id":1},{"email":"arsene@company.com","first_name":"Arsene","last_name":"W","role_id":"2"}]"""), "recipients" },
            { new StringContent("false"), "is_ordered" },
            { new StringContent("Protected NDA"), "name" },
            { new StringContent("open-sesame"), "file_password" },
            { new StringContent("""[{"label":"company name","value":"Umbrella Corp","font_size":"10"}]"""), "merge_fields" },
        };
        var created = await JsonAsync(await client.PostAsync("/v1/files/pending/template/", form), HttpStatusCode.OK);
        var requestId = created.GetProperty("pending_file_id").GetInt32();
        await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var r = await db.Requests.AsNoTracking().Include(x => x.Document).SingleAsync(x => x.Id == requestId);
        Assert.False(r.IsOrdered);
        var bytes = await _app.Get<IBlobStore>().ReadAllBytesAsync(r.Document!.BlobKey);
        using var plain = PdfSharp.Pdf.IO.PdfReader.Open(new MemoryStream(bytes), PdfSharp.Pdf.IO.PdfDocumentOpenMode.Import); // opens without a password
        Assert.False(plain.SecuritySettings.IsEncrypted);
        using var pig = PdfDocument.Open(bytes);
        Assert.Contains("Umbrella Corp", string.Concat(pig.GetPage(1).Letters.Select(l => l.Value)));
    }

    [Fact]
    public async Task Save_as_template_turns_a_prepared_drafts_signers_into_roles_with_their_fields()
    {
        var owner = await _app.CreateUserAsync($"save-{Guid.NewGuid():N}@example.com");
        var doc = await _app.Get<DocumentService>().ImportAsync(owner, "Lease.pdf", new MemoryStream(TestPdf.Pages(1)), false);
        var requests = _app.Get<RequestService>();
        var requestId = await requests.CreateDraftAsync(owner, doc.Id, new Audit.Actor("o@example.com"));
        var draft = await requests.LoadDraftAsync(owner, requestId);
        draft.IsOrdered = false;
        DraftEditor.SetMessage(draft, "Sign please");
        DraftEditor.AddSigner(draft, "a@example.com", "Ann", "A");
        DraftEditor.AddSigner(draft, "b@example.com", "Ben", "B");
        DraftEditor.AddField(draft, FieldType.Signature, draft.Signers[1].Key, 1, new PdfRect(100, 100, 160, 48));
        DraftEditor.AddField(draft, FieldType.Date, draft.Signers[0].Key, 1, new PdfRect(300, 100, 110, 32));
        await requests.SaveDraftAsync(owner, draft);

        var id = await Templates.CreateFromRequestAsync(owner, requestId);
        var t = await Templates.GetAsync(owner, id);
        Assert.Equal(("Lease", false, "Sign please", doc.BlobKey), (t.Name, t.IsOrdered, t.Message, t.BlobKey));
        Assert.Equal([(1, "Signer 1"), (2, "Signer 2")], t.Roles.OrderBy(r => r.Number).Select(r => (r.Number, r.Name)));
        Assert.Equal([(FieldType.Signature, 2, 100.0), (FieldType.Date, 1, 300.0)],
            t.Fields.OrderBy(f => f.Number).Select(f => (f.Type, f.RoleNumber, f.X)));
        // The draft is untouched and the library document can go: the template keeps its own PDF.
        Assert.Equal(2, (await requests.LoadDraftAsync(owner, requestId)).Signers.Count);
        await _app.Get<DocumentService>().DeleteAsync(owner, doc.Id);
        var (pdf, _) = await Templates.OpenPdfAsync(owner, id);
        await using (pdf) Assert.Equal((byte)'%', (byte)pdf.ReadByte());
    }

    [Theory]
    [InlineData("/templates")]
    [InlineData("/templates/1/edit")]
    [InlineData("/templates/1/use")]
    [InlineData("/templates/1/file")]
    public async Task Template_pages_and_the_template_pdf_require_login(string path)
    {
        var client = _app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Login", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Another_users_template_is_not_found_by_any_service_call()
    {
        var (owner, _, id) = await NdaTemplateAsync();
        var other = await _app.CreateUserAsync($"nosy-{Guid.NewGuid():N}@example.com");
        var calls = new Func<Task>[]
        {
            () => Templates.GetAsync(other, id), () => Templates.LoadDraftAsync(other, id), () => Templates.OpenPdfAsync(other, id),
            () => Templates.RenameAsync(other, id, "x"), () => Templates.DeleteAsync(other, id),
            async () => { var d = await Templates.LoadDraftAsync(owner, id); await Templates.SaveDraftAsync(other, d); },
            () => Templates.UseAsync(other, new TemplateUse { TemplateId = id, Name = "x" }, new Audit.Actor(null)),
        };
        foreach (var call in calls)
            Assert.Equal(ApiErrorCode.UnauthorizedResource, (await Assert.ThrowsAsync<AppException>(call)).Code);
        Assert.Equal("NDA Template", (await Templates.GetAsync(owner, id)).Name);
    }
}
