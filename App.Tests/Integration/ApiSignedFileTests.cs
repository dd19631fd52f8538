using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ESignWeb.Api;
using ESignWeb.Audit;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Sealing;
using ESignWeb.Tests.Fixtures;

namespace ESignWeb.Tests.Integration;

/// <summary>Signed files and audit trails over the API, in the seed's shapes.</summary>
public class ApiSignedFileTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public ApiSignedFileTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    private async Task<HttpClient> ClientForAsync(string owner) => (await _app.ApiClientAsync(owner)).Client;

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task Signed_files_list_get_rename_download_delete_and_audit_trail_follow_the_seed()
    {
        var s = await new SigningScenario(_app).SendAsync(true, "sig1@example.com", "sig2@example.com");
        await s.SignAsync("sig1@example.com");
        await s.SignAsync("sig2@example.com");
        await s.WaitForStatusAsync(RequestStatus.Complete);
        var client = await ClientForAsync(s.Owner);

        var list = await JsonAsync(await client.GetAsync("/v1/files/signed/"));
        Assert.Equal(1, list.GetProperty("count").GetInt32());
        var file = list.GetProperty("files")[0];
        Assert.Equal(["checksum", "created_time", "id", "last_modified_time", "name", "pending_file", "public_identifier"],
            file.EnumerateObject().Select(p => p.Name).Order());
        var pending = file.GetProperty("pending_file");
        // The seed's keys, then the Box Sign options (docs/api.md, "Request options (Box Sign names)").
        Assert.Equal(["are_reminders_enabled", "are_text_signatures_enabled", "auto_expire_at", "box_status", "categories", "created_time", "days_valid",
            "declined_redirect_url", "email_message", "email_subject", "external_id", "has_markers", "id", "is_document_preparation_needed",
            "is_ordered", "is_phone_verification_required_to_view", "last_modified_time", "logo", "name", "next", "owner_company",
            "owner_email", "owner_first_name", "owner_last_name", "parent_folder", "prepare_url", "recipients", "redirect_url",
            "signature_color", "status"], pending.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("complete", pending.GetProperty("status").GetString());
        Assert.Equal(1, pending.GetProperty("is_ordered").GetInt32());
        Assert.Equal(1, pending.GetProperty("has_markers").GetInt32());
        Assert.Equal(JsonValueKind.Null, pending.GetProperty("next").ValueKind);
        var recipient = pending.GetProperty("recipients")[0];
        Assert.Equal(["created_time", "declined_redirect_url", "email", "embed_url_external_user_id", "first_name", "has_password", "is_in_person",
            "last_modified_time", "last_name", "login_required", "order", "order_id", "recipient_id", "redirect_url", "role", "status",
            "verification_phone_number"],
            recipient.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("finalized", recipient.GetProperty("status").GetString());
        var id = file.GetProperty("id").GetInt32();
        var checksum = file.GetProperty("checksum").GetString()!;

        var pdf = await client.GetByteArrayAsync($"/v1/files/signed/{id}/download/");
        Assert.Equal(checksum, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(pdf)));

        var renamed = await client.PutAsync($"/v1/files/signed/{id}/", new FormUrlEncodedContent([new("name", "Final NDA.pdf")]));
        Assert.Equal("Final NDA.pdf", (await JsonAsync(renamed)).GetProperty("name").GetString());
        // A self-signed file has pending_file null; renaming onto its name is refused.
        var doc = await _app.Get<DocumentService>().ImportAsync(s.Owner, "Solo.pdf", new MemoryStream(TestPdf.Pages(1)), false);
        var solo = await _app.Get<SelfSignService>().SignAsync(s.Owner, doc.Id,
            [new SelfField(FieldType.Signature, 1, new PdfRect(72, 72, 160, 48), Image: TestImages.SignaturePng())], new Actor("o@example.com"), DateTimeOffset.UtcNow);
        Assert.Equal(JsonValueKind.Null, (await JsonAsync(await client.GetAsync($"/v1/files/signed/{solo.Id}"))).GetProperty("pending_file").ValueKind);
        var clash = await client.PutAsJsonAsync($"/v1/files/signed/{id}", new { name = solo.Name });
        Assert.Equal(HttpStatusCode.BadRequest, clash.StatusCode);
        Assert.Equal("filename_exists", (await JsonAsync(clash)).GetProperty("error_code").GetString());

        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"/v1/files/signed/{id}/")).StatusCode);
        Assert.Equal("unauthorized_resource", (await JsonAsync(await client.GetAsync($"/v1/files/signed/{id}/"))).GetProperty("error_code").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/v1/files/signed/{id}/download/")).StatusCode);
        // The audit trail still answers after the signed file was deleted.
        var trail = await client.GetAsync($"/v1/audit-trail/{id}");
        Assert.Equal(HttpStatusCode.OK, trail.StatusCode);
        Assert.Equal("application/pdf", trail.Content.Headers.ContentType!.MediaType);

        // Someone else: the seed's audit-trail error shape.
        var stranger = await ClientForAsync(await _app.CreateUserAsync($"stranger-{Guid.NewGuid():N}@example.com"));
        var denied = await stranger.GetAsync($"/v1/audit-trail/{id}");
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        var e = await JsonAsync(denied);
        Assert.Equal("audit_trial_generation_failed", e.GetProperty("error_code").GetString());
        Assert.Equal("Failed to generate audit trail.", e.GetProperty("msg").GetString());
        Assert.False(string.IsNullOrEmpty(e.GetProperty("error_details").GetString()));
        Assert.Equal("unauthorized_resource", (await JsonAsync(await stranger.GetAsync($"/v1/files/signed/{solo.Id}"))).GetProperty("error_code").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.DeleteAsync($"/v1/files/signed/{solo.Id}")).StatusCode);
    }
}
