using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Outbox;
using ESignWeb.Requests;
using ESignWeb.Templates;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Issue 11, API half: every Box Sign request option through the SignEasy create calls (free-fill, with fields, from a
/// template), echoed on the pending file; bad values refused precisely with nothing created; document preparation
/// (a draft, not mailed, with an absolute prepare_url) finished by the prepare page's send.
/// </summary>
public class ApiRequestOptionsTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public ApiRequestOptionsTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    private IDbContextFactory<AppDbContext> Db => _app.Get<IDbContextFactory<AppDbContext>>();

    private async Task<(string Owner, HttpClient Client, int DocumentId)> SenderAsync()
    {
        var owner = await _app.CreateUserAsync($"opts-{Guid.NewGuid():N}@example.com", "Olive", "Options");
        var (client, _) = await _app.ApiClientAsync(owner);
        var doc = await _app.Get<DocumentService>().ImportAsync(owner, "Contract.pdf", new MemoryStream(TestPdf.Pages(2)), false);
        return (owner, client, doc.Id);
    }

    private async Task<int> FolderAsync(string owner, string name = "Signed contracts")
    {
        await using var db = await Db.CreateDbContextAsync();
        var f = new Folder { OwnerId = owner, Name = name, CreatedAt = DateTimeOffset.UtcNow, ModifiedAt = DateTimeOffset.UtcNow };
        db.Folders.Add(f);
        await db.SaveChangesAsync();
        return f.Id;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage r, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == expected, $"{r.RequestMessage?.Method} {r.RequestMessage?.RequestUri} answered {(int)r.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Rows the owner has: a refused create must leave every count as it was.</summary>
    private async Task<(int Requests, int Recipients, int Documents, int Outbox, int Events)> CountsAsync(string owner)
    {
        await using var db = await Db.CreateDbContextAsync();
        var ids = await db.Requests.Where(r => r.OwnerId == owner).Select(r => r.Id).ToListAsync();
        return (ids.Count, await db.Recipients.CountAsync(x => ids.Contains(x.RequestId)),
            await db.Documents.CountAsync(d => d.OwnerId == owner), await db.Outbox.CountAsync(m => m.OwnerId == owner),
            await db.AuditEvents.CountAsync(e => ids.Contains(e.RequestId)));
    }

    /// <summary>A free-fill body (one recipient unless given); tests add options to it.</summary>
    private static Dictionary<string, object?> Body(int fileId, IEnumerable<Dictionary<string, object?>>? recipients = null)
    {
        return new()
        {
            ["original_file_id"] = fileId, ["name"] = "Options", ["is_ordered"] = true,
            ["recipients"] = (recipients ?? [Person("jack@company.com", "Jack")]).ToList(),
        };
    }

    private static Dictionary<string, object?> Person(string email, string first, params (string Key, object? Value)[] options)
    {
        var p = new Dictionary<string, object?> { ["email"] = email, ["first_name"] = first, ["last_name"] = "Tester" };
        foreach (var (k, v) in options) p[k] = v;
        return p;
    }

    [Fact]
    public async Task Every_option_round_trips_through_create_and_get_and_is_stored()
    {
        var (owner, client, fileId) = await SenderAsync();
        var folder = await FolderAsync(owner);
        var body = Body(fileId,
        [
            Person("jack@company.com", "Jack", ("role", "signer"), ("order", 1), ("redirect_url", "https://jack.example.com/done"),
                ("declined_redirect_url", "https://jack.example.com/declined"), ("password", "Secret123"),
                ("verification_phone_number", "+49 30 123456"), ("login_required", true), ("embed_url_external_user_id", "crm-jack")),
            Person("ann@company.com", "Ann", ("role", "approver"), ("order", 1), ("is_in_person", true)),
            Person("reader@company.com", "Rea", ("role", "final_copy_reader"), ("order", 2)),
        ]);
        body["email_subject"] = "Sign request from Acme";
        body["email_message"] = "Hello! Please sign the document below";
        body["are_reminders_enabled"] = true;
        body["are_text_signatures_enabled"] = false;
        body["signature_color"] = "blue";
        body["days_valid"] = 30;
        body["redirect_url"] = "https://example.com/signed";
        body["declined_redirect_url"] = "https://example.com/declined";
        body["external_id"] = "ext-123";
        body["is_phone_verification_required_to_view"] = true;
        body["parent_folder"] = new { id = folder.ToString(), type = "folder" };
        body["fields_payload"] = new[]
        {
            new { email = "jack@company.com", type = "signature", required = true, page_number = 1, x = 72, y = 72, width = 160, height = 48, additional_info = new { } },
        };

        var created = await JsonAsync(await client.PostAsJsonAsync("/v1/files/pending/fields/", body));
        Assert.Equal(["pending_file_id"], created.EnumerateObject().Select(p => p.Name)); // a sent request: the seed's answer as before
        var id = created.GetProperty("pending_file_id").GetInt32();

        var p = await JsonAsync(await client.GetAsync($"/v1/files/pending/{id}/"));
        Assert.Equal("incomplete", p.GetProperty("status").GetString()); // SignEasy's status unchanged
        Assert.Equal("sent", p.GetProperty("box_status").GetString());
        Assert.Equal("Sign request from Acme", p.GetProperty("email_subject").GetString());
        Assert.Equal("Hello! Please sign the document below", p.GetProperty("email_message").GetString());
        Assert.True(p.GetProperty("are_reminders_enabled").GetBoolean());
        Assert.False(p.GetProperty("are_text_signatures_enabled").GetBoolean());
        Assert.Equal("blue", p.GetProperty("signature_color").GetString());
        Assert.Equal(30, p.GetProperty("days_valid").GetInt32());
        Assert.Equal("https://example.com/signed", p.GetProperty("redirect_url").GetString());
        Assert.Equal("https://example.com/declined", p.GetProperty("declined_redirect_url").GetString());
        Assert.Equal("ext-123", p.GetProperty("external_id").GetString());
        Assert.False(p.GetProperty("is_document_preparation_needed").GetBoolean());
        Assert.True(p.GetProperty("is_phone_verification_required_to_view").GetBoolean());
        Assert.Equal(folder.ToString(), p.GetProperty("parent_folder").GetProperty("id").GetString());
        Assert.Equal("folder", p.GetProperty("parent_folder").GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, p.GetProperty("prepare_url").ValueKind);

        await using var db = await Db.CreateDbContextAsync();
        var r = await db.Requests.Include(x => x.Recipients).SingleAsync(x => x.Id == id);
        var expires = DateTimeOffset.Parse(p.GetProperty("auto_expire_at").GetString()!);
        Assert.Equal(r.SentAt!.Value.AddDays(30).ToUnixTimeSeconds(), expires.ToUnixTimeSeconds());
        Assert.Equal((SignatureColor.Blue, 30, folder, "ext-123"), (r.SignatureColor, r.DaysValid!.Value, r.FolderId!.Value, r.ExternalId!));

        var rs = p.GetProperty("recipients").EnumerateArray().ToDictionary(x => x.GetProperty("email").GetString()!);
        var jack = rs["jack@company.com"];
        Assert.Equal("signer", jack.GetProperty("role").GetString());
        Assert.Equal("https://jack.example.com/done", jack.GetProperty("redirect_url").GetString());
        Assert.Equal("https://jack.example.com/declined", jack.GetProperty("declined_redirect_url").GetString());
        Assert.True(jack.GetProperty("has_password").GetBoolean());
        Assert.False(jack.TryGetProperty("password", out _)); // write-only
        Assert.DoesNotContain("Secret123", p.GetRawText());
        Assert.Equal("+4930123456", jack.GetProperty("verification_phone_number").GetString());
        Assert.True(jack.GetProperty("login_required").GetBoolean());
        Assert.False(jack.GetProperty("is_in_person").GetBoolean());
        Assert.Equal("crm-jack", jack.GetProperty("embed_url_external_user_id").GetString());
        Assert.Equal("approver", rs["ann@company.com"].GetProperty("role").GetString());
        Assert.True(rs["ann@company.com"].GetProperty("is_in_person").GetBoolean());
        Assert.False(rs["ann@company.com"].GetProperty("has_password").GetBoolean());
        Assert.Equal("final_copy_reader", rs["reader@company.com"].GetProperty("role").GetString());
        // Order groups: Jack and Ann act together (group 1), the reader comes after.
        Assert.Equal([1, 1, 2], new[] { jack, rs["ann@company.com"], rs["reader@company.com"] }.Select(x => x.GetProperty("order").GetInt32()));
        Assert.Equal(jack.GetProperty("order").GetInt32(), jack.GetProperty("order_id").GetInt32());

        var stored = r.Recipients.Single(x => x.Email == "jack@company.com");
        Assert.True(SignerPasswords.Verify(stored.PasswordHash!, "Secret123"));
        Assert.Equal("crm-jack", stored.EmbedUrlExternalUserId);
        // Group 1 is Jack and Ann, but Ann signs in person (never mailed) and the final-copy reader only gets the result.
        var invites = await db.Outbox.Where(m => m.OwnerId == owner && m.Kind == OutboxKinds.SignerInvite).Select(m => m.Summary).ToListAsync();
        Assert.Single(invites);
        Assert.Contains("jack@company.com", invites[0]);
    }

    [Fact]
    public async Task The_message_is_stored_as_sent_and_echoed_cleaned()
    {
        const string sent = "A & B <b>x</b> https://x.test";
        var (owner, client, fileId) = await SenderAsync();
        var body = Body(fileId);
        body["email_message"] = sent;
        body["fields_payload"] = new[]
        {
            new { email = "jack@company.com", type = "signature", required = true, page_number = 1, x = 72, y = 72, width = 160, height = 48, additional_info = new { } },
        };
        var id = (await JsonAsync(await client.PostAsJsonAsync("/v1/files/pending/fields/", body))).GetProperty("pending_file_id").GetInt32();
        var p = await JsonAsync(await client.GetAsync($"/v1/files/pending/{id}/"));
        Assert.Equal("A &amp; B <b>x</b> <a href=\"https://x.test\">https://x.test</a>", p.GetProperty("email_message").GetString());
        await using var db = await Db.CreateDbContextAsync();
        Assert.Equal(sent, await db.Requests.Where(r => r.Id == id && r.OwnerId == owner).Select(r => r.Message).SingleAsync());
    }

    [Fact]
    public async Task Options_in_a_form_body_arrive_as_text_and_mean_the_same()
    {
        var (owner, client, fileId) = await SenderAsync();
        var folder = await FolderAsync(owner);
        var form = new FormUrlEncodedContent(
        [
            new("original_file_id", fileId.ToString()), new("name", "Form"), new("message", "Plain SignEasy message"),
            new("are_reminders_enabled", "true"), new("days_valid", "10"), new("signature_color", "red"),
            new("parent_folder", $$"""{"id": {{folder}}}"""), new("external_id", "42"),
            new("recipients", """[{"email":"pia@example.com","first_name":"Pia","last_name":"Park","role":"signer","password":"abcd"}]"""),
        ]);
        var id = (await JsonAsync(await client.PostAsync("/v1/files/pending/", form))).GetProperty("pending_file_id").GetInt32();
        var p = await JsonAsync(await client.GetAsync($"/v1/files/pending/{id}"));
        Assert.Equal(("Plain SignEasy message", true, 10, "red", folder.ToString(), "42"),
            (p.GetProperty("email_message").GetString(), p.GetProperty("are_reminders_enabled").GetBoolean(), p.GetProperty("days_valid").GetInt32(),
             p.GetProperty("signature_color").GetString(), p.GetProperty("parent_folder").GetProperty("id").GetString(), p.GetProperty("external_id").GetString()));
        Assert.True(p.GetProperty("recipients")[0].GetProperty("has_password").GetBoolean());
        // Defaults where nothing was given.
        Assert.True(p.GetProperty("are_text_signatures_enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, p.GetProperty("redirect_url").ValueKind);
        Assert.Equal("signer", p.GetProperty("recipients")[0].GetProperty("role").GetString());
    }

    [Fact]
    public async Task Bad_values_get_precise_bad_request_messages_and_create_nothing()
    {
        var (owner, client, fileId) = await SenderAsync();
        var (otherOwner, _, _) = await SenderAsync();
        var foreignFolder = await FolderAsync(otherOwner);
        var before = await CountsAsync(owner);
        Dictionary<string, object?> With(string key, object? value) { var b = Body(fileId); b[key] = value; return b; }
        static Dictionary<string, object?> Both(Dictionary<string, object?> b, string key, object? value) { b[key] = value; return b; }
        Dictionary<string, object?> WithPerson(params Dictionary<string, object?>[] people) => Body(fileId, people);

        var cases = new (Dictionary<string, object?> Body, string Message)[]
        {
            (With("are_reminders_enabled", "yes"), "are_reminders_enabled must be true or false."),
            (With("are_text_signatures_enabled", new[] { true }), "are_text_signatures_enabled must be true or false."),
            (With("email_subject", 5), "email_subject must be a string."),
            (With("days_valid", "ten"), "days_valid must be an integer from 0 to 730."),
            (With("days_valid", 2.5), "days_valid must be an integer from 0 to 730."),
            (With("days_valid", 731), "days_valid must be between 0 and 730 (it is 731)."),
            (With("signature_color", "green"), "signature_color must be one of black, blue, red (got \"green\")."),
            (With("redirect_url", "javascript:alert(1)"), "redirect_url must be an absolute http or https URL."),
            (With("declined_redirect_url", "ftp://files.example.com/x"), "declined_redirect_url must be an absolute http or https URL."),
            (With("parent_folder", "12"), "parent_folder must be an object such as {\"id\": \"12\", \"type\": \"folder\"}."),
            (With("parent_folder", new { id = "0" }), "parent_folder: the root folder (0) cannot be named"),
            (With("parent_folder", new { id = foreignFolder.ToString() }), $"parent_folder: there is no folder {foreignFolder} of yours."),
            (Both(With("email_message", "Box words"), "message", "SignEasy words"), "message and email_message are the same setting"),
            (With("email_message", "Hi <script>alert(1)</script>"), "The message may not contain a <script> element (allowed: a, abbr, acronym, b, blockquote, code, em, i, ul, li, ol, strong; plain links become clickable)."),
            (With("message", "<img src=x onerror=alert(1)>"), "The message may not contain event handlers (the onerror attribute on <img>)."),
            (WithPerson(Person("jack@company.com", "Jack", ("role", "boss"))),
                "recipients[1].role must be one of signer, approver, final_copy_reader (got \"boss\")."),
            (WithPerson(Person("jack@company.com", "Jack", ("login_required", 1))), "recipients[1].login_required must be true or false."),
            (WithPerson(Person("jack@company.com", "Jack", ("order", "first"))), "recipients[1].order must be an integer from 0 to 1000."),
            (WithPerson(Person("jack@company.com", "Jack", ("order", 1)), Person("ann@company.com", "Ann")),
                "recipients[2].order is missing: when one recipient has an order, every recipient needs one."),
            (WithPerson(Person("jack@company.com", "Jack", ("redirect_url", "mailto:jack@company.com"))),
                "jack@company.com: redirect_url must be an absolute http or https URL."),
            (WithPerson(Person("jack@company.com", "Jack"), Person("reader@company.com", "Rea", ("role", "final_copy_reader"), ("password", "Secret123"))),
                "reader@company.com: a final_copy_reader takes no part in signing and cannot have a password."),
            (WithPerson(Person("jack@company.com", "Jack", ("verification_phone_number", "call me"))), "jack@company.com: \"call me\" is not a phone number"),
            (WithPerson(Person("jack@company.com", "Jack", ("role", "final_copy_reader"))), "At least one person must sign or approve"),
        };
        foreach (var (body, message) in cases)
        {
            var e = await JsonAsync(await client.PostAsJsonAsync("/v1/files/pending/", body), HttpStatusCode.BadRequest);
            Assert.Equal("bad_request", e.GetProperty("error_code").GetString());
            Assert.True(e.GetProperty("message").GetString()!.StartsWith(message, StringComparison.Ordinal),
                $"expected \"{message}\", got \"{e.GetProperty("message").GetString()}\"");
        }
        Assert.Equal(before, await CountsAsync(owner));
    }

    [Fact]
    public async Task Preparation_needed_makes_an_unmailed_draft_with_an_absolute_prepare_url_that_the_prepare_page_sends()
    {
        var (owner, client, fileId) = await SenderAsync();
        var body = Body(fileId, [Person("jack@company.com", "Jack", ("password", "Secret123"))]);
        body["is_document_preparation_needed"] = true;
        body["days_valid"] = 5;
        body["email_subject"] = "Prepared";
        var created = await JsonAsync(await client.PostAsJsonAsync("/v1/files/pending/", body));
        var id = created.GetProperty("pending_file_id").GetInt32();
        var prepareUrl = created.GetProperty("prepare_url").GetString()!;
        Assert.True(Uri.TryCreate(prepareUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https", prepareUrl);
        Assert.Equal($"/requests/{id}/prepare", uri!.AbsolutePath);
        Assert.Equal(_app.Get<Hosting.PublicLinks>().Base, uri.GetLeftPart(UriPartial.Authority) + "/");

        // Not sent, not mailed: a draft (SignEasy) / created (Box), shown to its owner with the same prepare_url.
        var p = await JsonAsync(await client.GetAsync($"/v1/files/pending/{id}/"));
        Assert.Equal(("draft", "created", prepareUrl, true), (p.GetProperty("status").GetString(), p.GetProperty("box_status").GetString(),
            p.GetProperty("prepare_url").GetString(), p.GetProperty("is_document_preparation_needed").GetBoolean()));
        Assert.Equal(JsonValueKind.Null, p.GetProperty("auto_expire_at").ValueKind); // the clock starts at send
        var listed = await JsonAsync(await client.GetAsync("/v1/files/pending/"));
        Assert.Contains(listed.GetProperty("files").EnumerateArray(), f => f.GetProperty("id").GetInt32() == id);
        await using (var db = await Db.CreateDbContextAsync())
        {
            Assert.Equal(RequestStatus.Draft, (await db.Requests.SingleAsync(r => r.Id == id)).Status);
            Assert.Equal(0, await db.Outbox.CountAsync(m => m.OwnerId == owner && (m.Kind == OutboxKinds.SignerInvite || m.Kind == OutboxKinds.CcNotice)));
            Assert.DoesNotContain(AuditEventType.Sent, await db.AuditEvents.Where(e => e.RequestId == id).Select(e => e.Type).ToListAsync());
        }

        // The prepare page loads the draft with everything given and sends it (its service calls).
        var requests = _app.Get<RequestService>();
        var draft = await requests.LoadDraftAsync(owner, id);
        Assert.Equal(("Prepared", 5, true), (draft.Options.EmailSubject, draft.Options.DaysValid!.Value, draft.Signers.Single().Options.HasPassword));
        await requests.SaveDraftAsync(owner, draft);
        await requests.SendAsync(owner, id, new Actor("sender@example.com"));

        var sent = await JsonAsync(await client.GetAsync($"/v1/files/pending/{id}/"));
        Assert.Equal(("incomplete", "sent"), (sent.GetProperty("status").GetString(), sent.GetProperty("box_status").GetString()));
        Assert.Equal(JsonValueKind.Null, sent.GetProperty("prepare_url").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, sent.GetProperty("auto_expire_at").ValueKind);
        Assert.True(sent.GetProperty("recipients")[0].GetProperty("has_password").GetBoolean()); // the password survived the prepare page
        await using (var db = await Db.CreateDbContextAsync())
            Assert.Equal(1, await db.Outbox.CountAsync(m => m.OwnerId == owner && m.Kind == OutboxKinds.SignerInvite));
    }

    [Fact]
    public async Task A_template_use_takes_the_same_options_and_refuses_bad_ones_before_copying_the_document()
    {
        var owner = await _app.CreateUserAsync($"tpl-opts-{Guid.NewGuid():N}@example.com", "Tess", "Templates");
        var (client, _) = await _app.ApiClientAsync(owner);
        var templates = _app.Get<TemplateService>();
        var doc = await _app.Get<DocumentService>().ImportAsync(owner, "NDA.pdf", new MemoryStream(TestPdf.Pages(1)), false);
        var templateId = await templates.CreateFromDocumentAsync(owner, doc.Id);
        var d = await templates.LoadDraftAsync(owner, templateId);
        d.Name = "NDA Template";
        Assert.Null(TemplateEditor.AddRole(d, "reader"));
        DraftEditor.AddField(d.Layout, FieldType.Signature, d.Roles.First().Key, 1, new PdfRect(72, 500, 160, 48));
        await templates.SaveDraftAsync(owner, d);
        var folder = await FolderAsync(owner);

        Dictionary<string, object?> Use(params Dictionary<string, object?>[] people)
        {
            var b = new Dictionary<string, object?>
            {
                ["template_file_id"] = templateId, ["name"] = "NDA for ACME", ["email_message"] = "Box message", ["email_subject"] = "NDA",
                ["signature_color"] = "red", ["parent_folder"] = new { id = folder.ToString() },
                ["recipients"] = people.Length > 0 ? people.ToList() :
                [
                    Person("jack@company.com", "Jack", ("role_id", 1), ("password", "Secret123"), ("embed_url_external_user_id", "u-1")),
                    Person("reader@company.com", "Rea", ("role_id", 2), ("role", "final_copy_reader")),
                ],
            };
            return b;
        }

        var before = await CountsAsync(owner);
        var bad = Use(Person("jack@company.com", "Jack", ("role_id", 1)), Person("reader@company.com", "Rea", ("role_id", 2), ("role", "final_copy_reader"), ("password", "Secret123")));
        var e = await JsonAsync(await client.PostAsJsonAsync("/v1/files/pending/template/", bad), HttpStatusCode.BadRequest);
        Assert.StartsWith("reader@company.com: a final_copy_reader takes no part in signing and cannot have a password.", e.GetProperty("message").GetString());
        var badColor = Use();
        badColor["signature_color"] = "purple";
        e = await JsonAsync(await client.PostAsJsonAsync("/v1/files/pending/template/", badColor), HttpStatusCode.BadRequest);
        Assert.Equal("signature_color must be one of black, blue, red (got \"purple\").", e.GetProperty("message").GetString());
        Assert.Equal(before, await CountsAsync(owner)); // no request, no copy of the template's PDF

        var id = (await JsonAsync(await client.PostAsJsonAsync("/v1/files/pending/template/", Use()))).GetProperty("pending_file_id").GetInt32();
        var p = await JsonAsync(await client.GetAsync($"/v1/files/pending/{id}/"));
        Assert.Equal(("Box message", "NDA", "red", folder.ToString(), "sent"),
            (p.GetProperty("email_message").GetString(), p.GetProperty("email_subject").GetString(), p.GetProperty("signature_color").GetString(),
             p.GetProperty("parent_folder").GetProperty("id").GetString(), p.GetProperty("box_status").GetString()));
        var rs = p.GetProperty("recipients").EnumerateArray().ToDictionary(x => x.GetProperty("email").GetString()!);
        Assert.Equal(("signer", true, "u-1"), (rs["jack@company.com"].GetProperty("role").GetString(),
            rs["jack@company.com"].GetProperty("has_password").GetBoolean(), rs["jack@company.com"].GetProperty("embed_url_external_user_id").GetString()));
        Assert.Equal("final_copy_reader", rs["reader@company.com"].GetProperty("role").GetString());

        int Invites(AppDbContext db) => db.Outbox.Count(m => m.OwnerId == owner && m.Kind == OutboxKinds.SignerInvite);
        int invitesBefore;
        await using (var db = await Db.CreateDbContextAsync()) invitesBefore = Invites(db);
        var prepared = Use();
        prepared["is_document_preparation_needed"] = true;
        var created = await JsonAsync(await client.PostAsJsonAsync("/v1/files/pending/template/", prepared));
        var draftId = created.GetProperty("pending_file_id").GetInt32();
        Assert.Equal(_app.Get<Hosting.PublicLinks>().PreparePage(draftId), created.GetProperty("prepare_url").GetString());
        await using (var db = await Db.CreateDbContextAsync())
        {
            Assert.Equal(RequestStatus.Draft, (await db.Requests.SingleAsync(r => r.Id == draftId)).Status);
            Assert.Equal(invitesBefore, Invites(db)); // not mailed
        }
    }

    [Fact]
    public async Task Embedded_sending_carries_the_options_to_the_draft_its_page_makes_but_never_a_password()
    {
        var (owner, client, fileId) = await SenderAsync();
        var body = new Dictionary<string, object?>
        {
            ["file_id"] = fileId, ["type"] = "rs", ["redirect_url"] = "https://host.example.com/after", ["email_subject"] = "Embedded",
            ["days_valid"] = 7, ["declined_redirect_url"] = "https://host.example.com/declined",
            ["recipients"] = new[] { Person("jack@company.com", "Jack", ("role", "approver"), ("embed_url_external_user_id", "u-9")) },
        };
        var url = (await JsonAsync(await client.PostAsJsonAsync("/v2/signing/url/", body))).GetProperty("url").GetString()!;
        Assert.Contains("/embed/send/", url);

        await using (var db = await Db.CreateDbContextAsync())
        {
            var link = await db.EmbeddedLinks.Where(l => l.UserId == owner).OrderByDescending(l => l.Id).FirstAsync();
            var prefill = JsonSerializer.Deserialize<Embedding.EmbedPrefill>(link.Prefill!, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
            var draft = new RequestDraft();
            prefill.ApplyTo(draft); // what the embedded prepare page does with it on first opening
            Assert.Equal(("Embedded", 7, "https://host.example.com/declined", (string?)null),
                (draft.Options.EmailSubject, draft.Options.DaysValid!.Value, draft.Options.DeclinedRedirectUrl, draft.Options.RedirectUrl));
            Assert.Equal((RecipientRole.Approver, "u-9"), (draft.Signers.Single().Options.Role, draft.Signers.Single().Options.EmbedUrlExternalUserId));
        }

        var links = await CountLinksAsync(owner);
        body["recipients"] = new[] { Person("jack@company.com", "Jack", ("password", "Secret123")) };
        var e = await JsonAsync(await client.PostAsJsonAsync("/v2/signing/url/", body), HttpStatusCode.BadRequest);
        Assert.StartsWith("recipients[1].password cannot be given for embedded sending", e.GetProperty("message").GetString());
        body["recipients"] = new[] { Person("jack@company.com", "Jack") };
        body["days_valid"] = 731;
        e = await JsonAsync(await client.PostAsJsonAsync("/v2/signing/url/", body), HttpStatusCode.BadRequest);
        Assert.Equal("days_valid must be between 0 and 730 (it is 731).", e.GetProperty("message").GetString());
        Assert.Equal(links, await CountLinksAsync(owner));
    }

    private async Task<int> CountLinksAsync(string owner)
    {
        await using var db = await Db.CreateDbContextAsync();
        return await db.EmbeddedLinks.CountAsync(l => l.UserId == owner);
    }
}
