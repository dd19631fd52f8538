using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ESignWeb.Api;
using ESignWeb.Domain;
using ESignWeb.Tests.Fixtures;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Object-level authorisation: every API endpoint that takes an id (in the path or the body) is called with a second
/// user's credential over the first user's objects, and answers 401 unauthorized_resource (as for a missing id), leaking
/// nothing and changing nothing. One walk, run with each kind of credential the API accepts: an API key, and (issue 14)
/// an OAuth access token of an app the second user owns, with every API scope (client_credentials acts for the owner).
/// </summary>
public class ApiIdorWalkTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public ApiIdorWalkTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    public enum Credential { ApiKey, OAuthToken }

    private async Task<HttpClient> ClientForAsync(string owner) => (await _app.ApiClientAsync(owner, "walk")).Client;

    /// <summary>The attacker's API client and the <c>X-Client-ID</c> it sends (a token's must be its own app's).</summary>
    private async Task<(HttpClient Client, string ClientId)> AttackerAsync(Credential credential, string attackerId) => credential switch
    {
        Credential.ApiKey => (await ClientForAsync(attackerId), "shared-client"),
        Credential.OAuthToken => await TokenClientAsync(attackerId),
        _ => throw new ArgumentOutOfRangeException(nameof(credential)),
    };

    private async Task<(HttpClient Client, string ClientId)> TokenClientAsync(string attackerId)
    {
        var (client, app) = await _app.OAuthClientAsync(attackerId);
        return (client, app.ClientId);
    }

    [Theory]
    [InlineData(Credential.ApiKey)]
    [InlineData(Credential.OAuthToken)]
    public async Task A_second_users_credential_gets_unauthorized_resource_on_every_endpoint_and_changes_nothing(Credential credential)
    {
        // The victim: an original file, a request out for signature, a completed request with its signed file.
        var open = await new SigningScenario(_app).SendAsync(false, "w1@example.com");
        var done = await new SigningScenario(_app).SendAsync(false, "w2@example.com");
        await done.SignAsync("w2@example.com");
        var completed = await done.WaitForStatusAsync(RequestStatus.Complete);
        var victim = await ClientForAsync(open.Owner);
        var doneOwner = await ClientForAsync(done.Owner);
        var originalId = JsonDocument.Parse(await victim.GetStringAsync("/v1/files/original/")).RootElement.GetProperty("files")[0].GetProperty("id").GetInt32();
        var signedId = completed.SignedFileId!.Value;
        var templateId = await _app.Get<ESignWeb.Templates.TemplateService>().CreateFromDocumentAsync(open.Owner, originalId);

        // An embedded request of the victim's (so only ownership can refuse the attacker's signing-URL call).
        var embedded = await victim.PostAsJsonAsync("/v1/files/pending/", new
        {
            original_file_id = originalId, name = "Embedded", embedded_signing = true,
            recipients = new[] { new { email = "w3@example.com", first_name = "W", last_name = "Three" } },
        });
        var embeddedId = JsonDocument.Parse(await embedded.Content.ReadAsStringAsync()).RootElement.GetProperty("pending_file_id").GetInt32();
        var attackerId = await _app.CreateUserAsync($"attacker-{Guid.NewGuid():N}@example.com");
        var (attacker, clientId) = await AttackerAsync(credential, attackerId);
        var hook = "https://hooks.example.com/victim";
        var register = new HttpRequestMessage(HttpMethod.Post, "/v1/callback/urls/") { Content = new FormUrlEncodedContent([new("urls", hook)]) };
        register.Headers.Add("X-Client-ID", clientId); // the victim's URL under the very client id the attacker uses
        Assert.Equal(HttpStatusCode.OK, (await victim.SendAsync(register)).StatusCode);

        var calls = new (HttpMethod Method, string Path, HttpContent? Body)[]
        {
            (HttpMethod.Get, $"/v1/files/original/{originalId}/", null),
            (HttpMethod.Get, $"/v1/files/original/{originalId}/download/", null),
            (HttpMethod.Delete, $"/v1/files/original/{originalId}/", null),
            (HttpMethod.Get, $"/v1/files/signed/{signedId}/", null),
            (HttpMethod.Get, $"/v1/files/signed/{signedId}/download/", null),
            (HttpMethod.Put, $"/v1/files/signed/{signedId}/", new FormUrlEncodedContent([new("name", "stolen.pdf")])),
            (HttpMethod.Delete, $"/v1/files/signed/{signedId}/", null),
            (HttpMethod.Get, $"/v1/files/pending/{open.RequestId}/", null),
            (HttpMethod.Post, $"/v1/files/pending/{open.RequestId}/remind/", null),
            (HttpMethod.Post, $"/v1/files/pending/{open.RequestId}/cancel/", null),
            (HttpMethod.Get, $"/v1/files/pending/{done.RequestId}/", null),
            (HttpMethod.Post, $"/v1/files/pending/{embeddedId}/signing/url/", new FormUrlEncodedContent([new("recipient_email", "w3@example.com")])),
            (HttpMethod.Post, "/v2/signing/url/", new FormUrlEncodedContent([new("file_id", originalId.ToString()), new("type", "rs")])),
            (HttpMethod.Post, "/v2/signing/url/", new FormUrlEncodedContent([new("file_id", originalId.ToString()), new("type", "self_sign")])),
            // Ids in bodies: the victim's original file as the document of a new request.
            (HttpMethod.Post, "/v1/files/pending/", JsonContent.Create(new { original_file_id = originalId, name = "x", recipients = new[] { new { email = "a@example.com", first_name = "A", last_name = "B" } } })),
            (HttpMethod.Post, "/v1/files/pending/fields/", JsonContent.Create(new { original_file_id = originalId, name = "x", recipients = new[] { new { email = "a@example.com", first_name = "A", last_name = "B" } }, fields_payload = Array.Empty<object>() })),
            // Templates, and the victim's template as the template of a new request.
            (HttpMethod.Get, $"/v1/library/template/{templateId}/", null),
            (HttpMethod.Put, $"/v1/library/template/{templateId}/", new FormUrlEncodedContent([new("name", "stolen")])),
            (HttpMethod.Delete, $"/v1/library/template/{templateId}/", null),
            (HttpMethod.Post, "/v1/files/pending/template/", JsonContent.Create(new { template_file_id = templateId, name = "x", recipients = new[] { new { email = "a@example.com", first_name = "A", last_name = "B", role_id = 1 } } })),
        };
        foreach (var (method, path, body) in calls)
        {
            var r = await attacker.SendAsync(new HttpRequestMessage(method, path) { Content = body });
            Assert.True(r.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {(int)r.StatusCode}");
            var e = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("unauthorized_resource", e.GetProperty("error_code").GetString());
        }
        // The Box family: the victim's files of every kind and folder are Box's 404 not_found, as missing ones.
        var victimFolder = (await _app.Get<ESignWeb.Folders.FolderService>().CreateAsync(open.Owner, null, "Victim")).Id.ToString();
        var boxFiles = new[]
        {
            ESignWeb.Api.Box.BoxIds.File(ESignWeb.Api.Box.BoxFileKind.Document, originalId),
            ESignWeb.Api.Box.BoxIds.File(ESignWeb.Api.Box.BoxFileKind.SignedFile, signedId),
            ESignWeb.Api.Box.BoxIds.File(ESignWeb.Api.Box.BoxFileKind.AuditTrail, signedId),
            ESignWeb.Api.Box.BoxIds.File(ESignWeb.Api.Box.BoxFileKind.SignCopy, open.RequestId),
        };
        var boxCalls = boxFiles.SelectMany(id => new (HttpMethod, string, HttpContent?)[] { (HttpMethod.Get, $"/2.0/files/{id}", null), (HttpMethod.Get, $"/2.0/files/{id}/content", null) })
            .Concat([
                (HttpMethod.Get, $"/2.0/folders/{victimFolder}", null),
                (HttpMethod.Get, $"/2.0/folders/{victimFolder}/items", null),
                (HttpMethod.Post, "/2.0/folders", JsonContent.Create(new { name = "Planted", parent = new { id = victimFolder } })),
                (HttpMethod.Post, "/api/2.0/files/content", BoxFilesApiTests.BoxUpload(BoxFilesApiTests.Attributes("Planted.pdf", victimFolder), ESignWeb.Tests.Fixtures.TestPdf.Pages(1))),
            ]);
        foreach (var (method, path, body) in boxCalls)
            await BoxApiBaseTests.AssertBoxErrorAsync(await attacker.SendAsync(new HttpRequestMessage(method, path) { Content = body }), HttpStatusCode.NotFound, "not_found");
        var victimFolderNow = await _app.Get<ESignWeb.Folders.FolderService>().ListAsync(open.Owner, int.Parse(victimFolder));
        Assert.True(victimFolderNow.IsEmpty);
        // The Box family: the sign requests by their Box ids answer Box's 404 not_found.
        var boxSignCalls = new (HttpMethod Method, string Path)[]
        {
            (HttpMethod.Get, $"/2.0/sign_requests/{open.RequestId}"),
            (HttpMethod.Get, $"/2.0/sign_requests/{done.RequestId}"),
            (HttpMethod.Post, $"/2.0/sign_requests/{open.RequestId}/cancel"),
            (HttpMethod.Post, $"/2.0/sign_requests/{open.RequestId}/resend"),
        };
        foreach (var (method, path) in boxSignCalls)
            await BoxApiBaseTests.AssertBoxErrorAsync(await attacker.SendAsync(new HttpRequestMessage(method, path)), HttpStatusCode.NotFound, "not_found");
        // A Box create naming the victim's document answers as a missing document does (404 not_found); naming the
        // victim's folder as parent_folder answers as a missing folder does (Box's 400 for an invalid parent_folder).
        // (A second attacker, with a document and folder of their own, so the lists below stay the first one's empty ones.)
        var attackerOwner = await _app.CreateUserAsync($"attacker-{Guid.NewGuid():N}@example.com");
        var creator = await ClientForAsync(attackerOwner);
        var ownDoc = await _app.Get<ESignWeb.Documents.DocumentService>().ImportAsync(attackerOwner, "Own.pdf", new MemoryStream(ESignWeb.Tests.Fixtures.TestPdf.Pages(1)), false);
        var ownFileId = ESignWeb.Api.Box.BoxIds.File(ESignWeb.Api.Box.BoxFileKind.Document, ownDoc.Id);
        var ownFolder = (await _app.Get<ESignWeb.Folders.FolderService>().CreateAsync(attackerOwner, null, "Own")).Id.ToString();
        static JsonContent SignBody(string fileId, string folderId) => JsonContent.Create(new
        {
            source_files = new[] { new { type = "file", id = fileId } }, parent_folder = new { type = "folder", id = folderId },
            signers = new[] { new { email = "x@example.com", role = "signer" } },
        });
        foreach (var fileId in new[] { ESignWeb.Api.Box.BoxIds.File(ESignWeb.Api.Box.BoxFileKind.Document, originalId), ESignWeb.Api.Box.BoxIds.File(ESignWeb.Api.Box.BoxFileKind.Document, 999_999) })
            await BoxApiBaseTests.AssertBoxErrorAsync(await creator.PostAsync("/2.0/sign_requests", SignBody(fileId, ownFolder)), HttpStatusCode.NotFound, "not_found");
        var messages = new List<string>();
        foreach (var folderId in new[] { victimFolder, "999999" })
        {
            var r = await creator.PostAsync("/2.0/sign_requests", SignBody(ownFileId, folderId));
            await BoxApiBaseTests.AssertBoxErrorAsync(r, HttpStatusCode.BadRequest, "bad_request");
            messages.Add(JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString()!.Replace(folderId, "N"));
        }
        Assert.Equal(messages[1], messages[0]); // the victim's folder reads exactly as a missing one
        Assert.Equal(0, JsonDocument.Parse(await creator.GetStringAsync("/2.0/sign_requests")).RootElement.GetProperty("entries").GetArrayLength());
        Assert.Equal(0, JsonDocument.Parse(await attacker.GetStringAsync("/2.0/sign_requests")).RootElement.GetProperty("entries").GetArrayLength());

        // The audit trail endpoint answers in its own seed shape.
        var trail = await attacker.GetAsync($"/v1/audit-trail/{signedId}");
        Assert.Equal(HttpStatusCode.Unauthorized, trail.StatusCode);
        Assert.Equal("audit_trial_generation_failed", JsonDocument.Parse(await trail.Content.ReadAsStringAsync()).RootElement.GetProperty("error_code").GetString());

        // Callback URLs (no ids: scoped by the caller): the same client id shows and removes nothing of the victim's.
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Delete })
        {
            var m = new HttpRequestMessage(method, "/v1/callback/urls/");
            m.Headers.Add("X-Client-ID", clientId);
            if (method == HttpMethod.Delete) m.Content = new FormUrlEncodedContent([new("urls", hook)]);
            var r = await attacker.SendAsync(m);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal(0, JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("callback_urls").GetArrayLength());
        }
        var mine = new HttpRequestMessage(HttpMethod.Get, "/v1/callback/urls/");
        mine.Headers.Add("X-Client-ID", clientId);
        Assert.Equal(hook, JsonDocument.Parse(await (await victim.SendAsync(mine)).Content.ReadAsStringAsync()).RootElement.GetProperty("callback_urls")[0].GetString());

        // Lists show nothing of the victim's.
        Assert.Equal(0, JsonDocument.Parse(await attacker.GetStringAsync("/v1/library/template/")).RootElement.GetArrayLength());
        foreach (var list in new[] { "/v1/files/original/", "/v1/files/signed/", "/v1/files/pending/" })
            Assert.Equal(0, JsonDocument.Parse(await attacker.GetStringAsync(list)).RootElement.GetProperty("count").GetInt32());

        // jSign (a list, no ids): none of the victim's envelopes, while the victim sees theirs.
        static async Task<int> EnvelopesAsync(HttpClient c) => JsonDocument.Parse(await (await c.PostAsync("/v2.0/envelopes/list",
            new StringContent("{}", System.Text.Encoding.UTF8, "application/json"))).Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("envelopes").GetArrayLength();
        Assert.Equal(0, await EnvelopesAsync(attacker));
        Assert.True(await EnvelopesAsync(victim) > 0);

        // Nothing changed for the victims.
        Assert.Equal(HttpStatusCode.OK, (await victim.GetAsync($"/v1/files/original/{originalId}/")).StatusCode);
        Assert.Equal("incomplete", JsonDocument.Parse(await victim.GetStringAsync($"/v1/files/pending/{open.RequestId}/")).RootElement.GetProperty("status").GetString());
        var signed = JsonDocument.Parse(await doneOwner.GetStringAsync($"/v1/files/signed/{signedId}/")).RootElement;
        Assert.NotEqual("stolen.pdf", signed.GetProperty("name").GetString());
        Assert.Null((await open.LoadAsync()).LastRemindedAt);
        Assert.Equal(HttpStatusCode.OK, (await victim.PostAsync($"/v1/files/pending/{embeddedId}/signing/url/",
            new FormUrlEncodedContent([new("recipient_email", "w3@example.com")]))).StatusCode);
        var template = JsonDocument.Parse(await victim.GetStringAsync($"/v1/library/template/{templateId}/")).RootElement;
        Assert.NotEqual("stolen", template.GetProperty("name").GetString());
    }
}
