using ESignWeb.Audit;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ESignWeb.Api;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Outbox;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Tests.Integration;

/// <summary>Signature requests over the API (pending files), in the seed's shapes and with its error codes.</summary>
public class ApiPendingFileTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public ApiPendingFileTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    private async Task<(string Owner, HttpClient Client, int DocumentId)> SenderAsync(string? email = null)
    {
        var owner = await _app.CreateUserAsync(email ?? $"sender-{Guid.NewGuid():N}@example.com", "Shannon", "Adams");
        var (client, _) = await _app.ApiClientAsync(owner);
        var doc = await _app.Get<DocumentService>().ImportAsync(owner, "NDA.pdf", new MemoryStream(TestPdf.Pages(3)), false);
        return (owner, client, doc.Id);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;

    private static object Body(int fileId, object[] fields, bool embedded = false, bool ordered = true) => new
    {
        original_file_id = fileId, name = "NDA", is_ordered = ordered, message = "Please sign", embedded_signing = embedded,
        recipients = new[] { new { email = "jack@company.com", first_name = "Jack", last_name = "Wilshere" }, new { email = "arsene@company.com", first_name = "Arsene", last_name = "Weng" } },
        cc = new[] { new { email = "boss@company.com" } },
        fields_payload = fields,
    };

    private static object Field(string email, string type, int page, double x, double y, double w = 100, double h = 40, object? info = null) =>
        new { email, type, required = true, page_number = page, x, y, width = w, height = h, additional_info = info ?? new { } };

    private async Task<int> CountRequestsAsync(string owner)
    {
        await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Requests.CountAsync(r => r.OwnerId == owner);
    }

    [Fact]
    public async Task A_request_with_fields_is_created_sent_and_returned_in_the_seed_shape()
    {
        var (owner, client, fileId) = await SenderAsync();
        var created = await client.PostAsJsonAsync("/v1/files/pending/fields/", Body(fileId,
        [
            Field("jack@company.com", "signature", -1, 72.5, 100.25, 160, 48),
            Field("jack@company.com", "date", 1, 300, 100, 110, 32, new { format = "MM/DD/YYYY" }),
            Field("ARSENE@company.com", "initials", 2, 72, 200, 64, 40),
        ]));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var id = (await JsonAsync(created)).GetProperty("pending_file_id").GetInt32();

        var p = await JsonAsync(await client.GetAsync($"/v1/files/pending/{id}/"));
        // The seed's keys, then the Box Sign options (docs/api.md, "Request options (Box Sign names)").
        Assert.Equal(["are_reminders_enabled", "are_text_signatures_enabled", "auto_expire_at", "box_status", "categories", "created_time", "days_valid",
            "declined_redirect_url", "email_message", "email_subject", "external_id", "has_markers", "id", "is_document_preparation_needed",
            "is_ordered", "is_phone_verification_required_to_view", "last_modified_time", "logo", "name", "next", "owner_company",
            "owner_email", "owner_first_name", "owner_last_name", "parent_folder", "prepare_url", "recipients", "redirect_url",
            "signature_color", "status"], p.EnumerateObject().Select(x => x.Name).Order());
        Assert.Equal("incomplete", p.GetProperty("status").GetString());
        Assert.Equal(1, p.GetProperty("is_ordered").GetInt32());
        Assert.Equal(1, p.GetProperty("has_markers").GetInt32());
        Assert.Equal("Shannon", p.GetProperty("owner_first_name").GetString());
        var recipients = p.GetProperty("recipients").EnumerateArray().ToList();
        Assert.Equal(["jack@company.com", "arsene@company.com"], recipients.Select(r => r.GetProperty("email").GetString()));
        Assert.Equal([1, 2], recipients.Select(r => r.GetProperty("order_id").GetInt32()));
        Assert.All(recipients, r => Assert.Equal("not_viewed", r.GetProperty("status").GetString()));
        Assert.Equal(recipients[0].GetProperty("recipient_id").GetInt32(), p.GetProperty("next").GetInt32());

        await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var fields = await db.Fields.Where(f => f.RequestId == id).OrderBy(f => f.Id).ToListAsync();
        Assert.Equal((3, 72.5, 100.25, 160.0, 48.0), (fields[0].PageNumber, fields[0].X, fields[0].Y, fields[0].Width, fields[0].Height));
        Assert.Contains("MM/DD/YYYY", fields[1].AdditionalInfo);
        Assert.Contains(await db.Outbox.Where(m => m.OwnerId == owner).Select(m => m.Kind).ToListAsync(), k => k == OutboxKinds.SignerInvite);
        var events = await db.AuditEvents.Where(e => e.RequestId == id).OrderBy(e => e.Seq).ToListAsync();
        Assert.Equal([AuditEventType.Created, AuditEventType.Sent], events.Take(2).Select(e => e.Type));
        Assert.NotNull(events[0].ActorEmail);
    }

    [Fact]
    public async Task Form_bodies_with_json_arrays_create_free_fill_requests_and_embedded_signing_mails_nobody()
    {
        var (owner, client, fileId) = await SenderAsync();
        var form = new FormUrlEncodedContent(
        [
            new("original_file_id", fileId.ToString()), new("name", "Free"), new("is_ordered", "false"), new("embedded_signing", "true"),
            new("recipients", """[{"email":"pia@example.com","first_name":"Pia","last_name":"Park"}]"""),
        ]);
        var created = await client.PostAsync("/v1/files/pending/", form);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var id = (await JsonAsync(created)).GetProperty("pending_file_id").GetInt32();
        var p = await JsonAsync(await client.GetAsync($"/v1/files/pending/{id}"));
        Assert.Equal(0, p.GetProperty("has_markers").GetInt32());
        Assert.Equal(0, p.GetProperty("is_ordered").GetInt32());
        Assert.Equal(JsonValueKind.Null, p.GetProperty("next").ValueKind);
        // The invitations would be written in the same transaction as the request: nothing to wait for.
        await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.DoesNotContain(await db.Outbox.Where(m => m.OwnerId == owner).Select(m => m.Kind).ToListAsync(), k => k == OutboxKinds.SignerInvite);
        Assert.True((await db.Requests.SingleAsync(r => r.Id == id)).EmbeddedSigning);
    }

    [Fact]
    public async Task Embedded_signing_never_mails_signers_even_when_the_next_one_is_due()
    {
        var (owner, client, fileId) = await SenderAsync();
        var id = (await JsonAsync(await client.PostAsJsonAsync("/v1/files/pending/fields/", Body(fileId,
            [Field("jack@company.com", "signature", 1, 72, 72, 160, 48), Field("arsene@company.com", "signature", 1, 72, 200, 160, 48)],
            embedded: true, ordered: true)))).GetProperty("pending_file_id").GetInt32();
        var scenario = new SigningScenario(_app) { Owner = owner, RequestId = id };
        await scenario.SignAsync("jack@company.com"); // the second signer is now due (an invitation would be written with the finish)
        await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.DoesNotContain(await db.Outbox.Where(m => m.OwnerId == owner).Select(m => m.Kind).ToListAsync(), k => k == OutboxKinds.SignerInvite);
        var events = await db.AuditEvents.Where(e => e.RequestId == id).Select(e => e.Type).ToListAsync();
        Assert.DoesNotContain(AuditEventType.MailDelivered, events);
    }

    [Fact]
    public async Task Invalid_requests_get_specific_errors_and_create_nothing()
    {
        var (owner, client, fileId) = await SenderAsync();
        var (_, _, foreignFile) = await SenderAsync();
        var before = await CountRequestsAsync(owner);
        var cases = new (object Body, string Code, string Message)[]
        {
            (Body(fileId, [Field("jack@company.com", "signature", 1, 72, 72, 44, 40)]), "bad_request", "at least 45"),
            (Body(fileId, [Field("jack@company.com", "signature", 1, 72, 72, 60, 31)]), "bad_request", "at least 45 × 32"),
            (Body(fileId, [Field("nobody@company.com", "text", 1, 72, 72)]), "bad_request", "not one of the recipients"),
            (Body(fileId, [Field("jack@company.com", "text", 4, 72, 72)]), "bad_request", "does not exist"),
            (Body(fileId, [Field("jack@company.com", "text", 1, 600, 72)]), "bad_request", "outside page 1"),
            (Body(fileId, [Field("jack@company.com", "stamp", 1, 72, 72)]), "bad_request", "type must be one of"),
            (Body(fileId, [Field("jack@company.com", "date", 1, 72, 72, 100, 32, new { format = "YY" })]), "bad_request", "not supported"),
            (Body(foreignFile, [Field("jack@company.com", "text", 1, 72, 72)]), "unauthorized_resource", "Unauthorized"),
            (new { original_file_id = fileId, name = "x" }, "bad_request", "recipients is required"),
            (Body(fileId, [Field("jack@company.com", "date", 1, 72, 72, 100, 32, "{not json")]), "bad_request", "additional_info is not valid JSON"),
            (Body(fileId, [Field("jack@company.com", "date", 1, 72, 72, 100, 32, new { format = 5 })]), "bad_request", "format must be a string"),
            (new { name = "x", recipients = Array.Empty<object>() }, "bad_request", "original_file_id is required"),
        };
        foreach (var (body, code, message) in cases)
        {
            var r = await client.PostAsJsonAsync("/v1/files/pending/fields/", body);
            var e = await JsonAsync(r);
            Assert.Equal(code, e.GetProperty("error_code").GetString());
            Assert.Contains(message, e.GetProperty("message").GetString());
        }
        var noRecipients = await client.PostAsJsonAsync("/v1/files/pending/", new { original_file_id = fileId, name = "x", recipients = Array.Empty<object>() });
        Assert.Contains("signer", (await JsonAsync(noRecipients)).GetProperty("message").GetString());
        Assert.Equal(before, await CountRequestsAsync(owner));
    }

    [Fact]
    public async Task Recipients_see_requests_sent_to_them_and_strangers_see_nothing()
    {
        var (_, sender, fileId) = await SenderAsync();
        var (_, recipient, _) = await SenderAsync($"jack-{Guid.NewGuid():N}@company.com");
        var recipientEmail = (await JsonAsync(await recipient.GetAsync("/v1/user/"))).GetProperty("email").GetString()!;
        var (_, stranger, _) = await SenderAsync();
        var created = await sender.PostAsJsonAsync("/v1/files/pending/", new
        {
            original_file_id = fileId, name = "To a user", is_ordered = true,
            recipients = new[] { new { email = recipientEmail, first_name = "Jack", last_name = "W" } },
        });
        var id = (await JsonAsync(created)).GetProperty("pending_file_id").GetInt32();

        var list = await JsonAsync(await recipient.GetAsync("/v1/files/pending/"));
        Assert.Contains(list.GetProperty("files").EnumerateArray(), f => f.GetProperty("id").GetInt32() == id);
        Assert.Equal(HttpStatusCode.OK, (await recipient.GetAsync($"/v1/files/pending/{id}/")).StatusCode);
        Assert.Equal(0, (await JsonAsync(await stranger.GetAsync("/v1/files/pending/"))).GetProperty("count").GetInt32());
        Assert.Equal("unauthorized_resource", (await JsonAsync(await stranger.GetAsync($"/v1/files/pending/{id}/"))).GetProperty("error_code").GetString());
        // Only the owner may remind or cancel.
        Assert.Equal("unauthorized_resource", (await JsonAsync(await recipient.PostAsync($"/v1/files/pending/{id}/remind/", null))).GetProperty("error_code").GetString());
        Assert.Equal("unauthorized_resource", (await JsonAsync(await stranger.PostAsync($"/v1/files/pending/{id}/cancel/", null))).GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task The_list_is_never_stale_after_a_change_even_one_made_with_another_users_key()
    {
        // Nothing is cached (issue 15: several instances may share the database): every write must be seen at once.
        var (_, sender, fileId) = await SenderAsync();
        var (_, recipient, _) = await SenderAsync($"jack-{Guid.NewGuid():N}@company.com");
        var recipientEmail = (await JsonAsync(await recipient.GetAsync("/v1/user/"))).GetProperty("email").GetString()!;
        async Task<JsonElement> ListAsync(HttpClient c) => await JsonAsync(await c.GetAsync("/v1/files/pending/"));
        Assert.Equal(0, (await ListAsync(sender)).GetProperty("count").GetInt32());
        Assert.Equal(0, (await ListAsync(recipient)).GetProperty("count").GetInt32());

        var created = await sender.PostAsJsonAsync("/v1/files/pending/", new
        {
            original_file_id = fileId, name = "Kept and rebuilt", is_ordered = true,
            recipients = new[] { new { email = recipientEmail, first_name = "Jack", last_name = "W" } },
        });
        var id = (await JsonAsync(created)).GetProperty("pending_file_id").GetInt32();
        foreach (var c in new[] { sender, recipient })
        {
            var file = Assert.Single((await ListAsync(c)).GetProperty("files").EnumerateArray());
            Assert.Equal(id, file.GetProperty("id").GetInt32());
            Assert.Equal("incomplete", file.GetProperty("status").GetString());
        }

        Assert.Equal(HttpStatusCode.OK, (await sender.PostAsync($"/v1/files/pending/{id}/cancel/", null)).StatusCode);
        foreach (var c in new[] { sender, recipient })
            Assert.Equal("canceled", Assert.Single((await ListAsync(c)).GetProperty("files").EnumerateArray()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Remind_and_cancel_answer_with_no_body_and_refuse_when_they_no_longer_apply()
    {
        var (_, client, fileId) = await SenderAsync();
        var id = (await JsonAsync(await client.PostAsJsonAsync("/v1/files/pending/fields/",
            Body(fileId, [Field("jack@company.com", "signature", 1, 72, 72, 160, 48)])))).GetProperty("pending_file_id").GetInt32();

        var remind = await client.PostAsync($"/v1/files/pending/{id}/remind/", null);
        Assert.Equal(HttpStatusCode.OK, remind.StatusCode);
        Assert.Equal("", await remind.Content.ReadAsStringAsync());
        Assert.Equal("reminder_too_soon", (await JsonAsync(await client.PostAsync($"/v1/files/pending/{id}/remind/", null))).GetProperty("error_code").GetString());

        var cancel = await client.PostAsync($"/v1/files/pending/{id}/cancel/", new FormUrlEncodedContent([new("message", "Wrong version")]));
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("canceled", (await JsonAsync(await client.GetAsync($"/v1/files/pending/{id}/"))).GetProperty("status").GetString());
        Assert.Equal("bad_request", (await JsonAsync(await client.PostAsync($"/v1/files/pending/{id}/cancel/", null))).GetProperty("error_code").GetString());
    }
}
