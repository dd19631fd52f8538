using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ESignWeb.Api.Box;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Folders;
using ESignWeb.Outbox;
using ESignWeb.Requests;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ESignWeb.Tests.Integration;

/// <summary>The app on a fake clock (the resend limit is per hour).</summary>
public sealed class BoxSignApp : IAsyncDisposable
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
    public ESignAppFactory App { get; }

    public BoxSignApp()
    {
        var clock = Clock;
        App = new ESignAppFactory { TestServices = s => s.AddSingleton<TimeProvider>(clock) };
        _ = App.Server;
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}

/// <summary>Box's <c>/2.0/sign_requests</c> over HTTP: the seed's object, every option, errors, paging, cancel, resend, signing.</summary>
public class BoxSignRequestApiTests(BoxSignApp world) : IClassFixture<BoxSignApp>
{
    private ESignAppFactory App => world.App;

    /// <summary>The JSON example of ../shared/seeds/box-sign-request-object.txt, as the seed has it.</summary>
    private const string SeedExample = """
        {
        "id": 12345,
        "type": "sign-request",
        "are_reminders_enabled": true,
        "are_text_signatures_enabled": true,
        "auto_expire_at": "2021-04-26T08:12:13.982Z",
        "days_valid": 2,
        "declined_redirect_url": "https://declined-example.com",
        "email_message": "Hello! Please sign the document below",
        "email_subject": "Sign Request from Acme",
        "external_id": 123,
        "is_document_preparation_needed": true,
        "is_phone_verification_required_to_view": true,
        "name": "document sign request",
        "parent_folder": {
        "id": 12345,
        "type": "folder",
        "etag": 1,
        "name": "Contracts",
        "sequence_id": 3
        },
        "prefill_tags": [
        {
        "document_tag_id": 1234,
        "text_value": "text",
        "checkbox_value": true,
        "date_value": "2021-04-26T08:12:13.982Z"
        }
        ],
        "prepare_url": "https://prepareurl.com",
        "redirect_url": "https://example.com",
        "sign_files": {
        "files": [
        {
        "id": 12345,
        "etag": 1,
        "type": "file",
        "sequence_id": 3,
        "name": "Contract.pdf",
        "sha1": "85136C79CBF9FE36BB9D05D0639C70C265C18D37",
        "file_version": {
        "id": 12345,
        "type": "file_version",
        "sha1": "134b65991ed521fcfe4724b7d814ab8ded5185dc"
        }
        }
        ],
        "is_ready_for_download": true
        },
        "signature_color": "blue",
        "signers": [
        {
        "email": "example@gmail.com",
        "role": "signer",
        "is_in_person": true,
        "order": 2,
        "embed_url_external_user_id": 1234,
        "redirect_url": "https://example.com",
        "declined_redirect_url": "https://declined-example.com",
        "login_required": true,
        "verification_phone_number": 6314578901,
        "password": "SecretPassword123",
        "has_viewed_document": true,
        "signer_decision": {
        "type": "signed",
        "finalized_at": "2021-04-26T08:12:13.982Z"
        },
        "inputs": [
        {
        "document_tag_id": 1234,
        "text_value": "text",
        "checkbox_value": true,
        "date_value": "2021-04-26T08:12:13.982Z",
        "type": "text",
        "content_type": "signature",
        "page_index": 4
        }
        ],
        "embed_url": "https://example.com"
        }
        ],
        "signing_log": {
        "id": 12345,
        "type": "file",
        "etag": 1,
        "file_version": {
        "id": 12345,
        "type": "file_version",
        "sha1": "134b65991ed521fcfe4724b7d814ab8ded5185dc"
        },
        "name": "Contract.pdf",
        "sequence_id": 3,
        "sha1": "85136C79CBF9FE36BB9D05D0639C70C265C18D37"
        },
        "source_files": [
        {
        "id": 12345,
        "etag": 1,
        "type": "file"
        }
        ],
        "status": "converting"
        }
        """;

    private sealed record Sender(string Owner, string Email, HttpClient Client, string FileId, string FolderId);

    private async Task<Sender> SenderAsync(byte[]? pdf = null)
    {
        var email = $"box-sender-{Guid.NewGuid():N}@example.com";
        var owner = await App.CreateUserAsync(email, "Bea", "Sender");
        var (client, _) = await App.ApiClientAsync(owner);
        var doc = await App.Get<DocumentService>().ImportAsync(owner, "Contract.pdf", new MemoryStream(pdf ?? TaggedPdf.Create(TaggedPdf.Contract)), false);
        var folder = await App.Get<FolderService>().CreateAsync(owner, null, "Contracts");
        return new Sender(owner, email, client, BoxIds.File(BoxFileKind.Document, doc.Id), folder.Id.ToString());
    }

    private static JsonObject Body(Sender s, params string[] signers) => new()
    {
        ["source_files"] = new JsonArray(new JsonObject { ["type"] = "file", ["id"] = s.FileId }),
        ["parent_folder"] = new JsonObject { ["type"] = "folder", ["id"] = s.FolderId },
        ["signers"] = new JsonArray([.. signers.Select(e => (JsonNode)new JsonObject { ["email"] = e, ["role"] = "signer" })]),
    };

    /// <summary>Every option the seed's object has, with values other than the defaults.</summary>
    private static JsonObject FullBody(Sender s)
    {
        var b = Body(s);
        b["signers"] = new JsonArray(
            new JsonObject
            {
                ["email"] = "ann@company.com", ["role"] = "signer", ["order"] = 1, ["redirect_url"] = "https://ann.example.com/done",
                ["declined_redirect_url"] = "https://ann.example.com/no", ["login_required"] = false, ["password"] = "SecretPassword123",
                ["verification_phone_number"] = "+16314578901", ["is_in_person"] = false,
            },
            new JsonObject { ["email"] = "bob@company.com", ["role"] = "signer", ["order"] = 2 },
            new JsonObject { ["email"] = "carl@company.com", ["role"] = "signer", ["order"] = 3 }, // the PDF has tags for three signers
            new JsonObject { ["email"] = "dan@company.com", ["role"] = "approver", ["order"] = 4 },
            new JsonObject { ["email"] = "eve@company.com", ["role"] = "final_copy_reader", ["order"] = 5 });
        b["name"] = "Supply contract";
        b["days_valid"] = 30;
        b["are_reminders_enabled"] = true;
        b["are_text_signatures_enabled"] = false;
        b["email_subject"] = "Sign this, please";
        b["email_message"] = "Hello! Please sign the <b>document</b> below";
        b["external_id"] = "crm-123";
        b["is_document_preparation_needed"] = false;
        b["is_phone_verification_required_to_view"] = false;
        b["signature_color"] = "blue";
        b["redirect_url"] = "https://example.com/signed";
        b["declined_redirect_url"] = "https://example.com/declined";
        b["prefill_tags"] = new JsonArray(
            new JsonObject { ["document_tag_id"] = "company", ["text_value"] = "Acme Ltd" },
            new JsonObject { ["document_tag_id"] = "agree", ["checkbox_value"] = true });
        return b;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;

    private static async Task<JsonElement> CreateAsync(Sender s, JsonObject body)
    {
        var r = await s.Client.PostAsJsonAsync("/2.0/sign_requests", body);
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.Created, $"{(int)r.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private async Task<int> CountRequestsAsync(string owner)
    {
        await using var db = await App.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Requests.CountAsync(r => r.OwnerId == owner);
    }

    private async Task<int> InvitesToAsync(int requestId, string email, bool reminder)
    {
        await using var db = await App.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var recipient = await db.Recipients.SingleAsync(x => x.RequestId == requestId && x.Email == email);
        var payload = OutboxWriter.PayloadOf(new SignerInvite(recipient.Id, reminder));
        return await db.Outbox.CountAsync(m => m.Kind == OutboxKinds.SignerInvite && m.Payload == payload);
    }

    // ---- The seed's object ----

    /// <summary>Keys the seed shows as numbers that Box sends as strings (ids and identifiers; the seed's example is loose there).</summary>
    private static readonly HashSet<string> StringIds =
        ["id", "etag", "sequence_id", "external_id", "embed_url_external_user_id", "verification_phone_number", "document_tag_id"];

    /// <summary>
    /// Exactly the seed's keys at every level (no key missing, none added), each with the seed's JSON type or null;
    /// recursing into objects and comparing every array item with the seed's first.
    /// </summary>
    private static void CompareWithSeed(JsonElement seed, JsonElement actual, string path, List<string> problems)
    {
        var added = actual.EnumerateObject().Select(p => p.Name).Except(seed.EnumerateObject().Select(p => p.Name)).ToList();
        if (added.Count > 0) problems.Add($"{(path.Length == 0 ? "the object" : path)} has keys the seed does not: {string.Join(", ", added)}");
        foreach (var p in seed.EnumerateObject())
        {
            var at = path + "." + p.Name;
            if (!actual.TryGetProperty(p.Name, out var a)) { problems.Add($"{at} is missing"); continue; }
            if (a.ValueKind == JsonValueKind.Null) continue;
            var s = p.Value;
            switch (s.ValueKind)
            {
                case JsonValueKind.Object:
                    if (a.ValueKind != JsonValueKind.Object) problems.Add($"{at} is {a.ValueKind}, not an object");
                    else CompareWithSeed(s, a, at, problems);
                    break;
                case JsonValueKind.Array:
                    if (a.ValueKind != JsonValueKind.Array) problems.Add($"{at} is {a.ValueKind}, not an array");
                    else if (s.GetArrayLength() > 0 && a.GetArrayLength() > 0)
                        foreach (var item in a.EnumerateArray()) CompareWithSeed(s[0], item, at + "[]", problems);
                    break;
                case JsonValueKind.Number when StringIds.Contains(p.Name):
                    if (a.ValueKind != JsonValueKind.String) problems.Add($"{at} is {a.ValueKind}, not a string id");
                    break;
                case JsonValueKind.True or JsonValueKind.False:
                    if (a.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) problems.Add($"{at} is {a.ValueKind}, not a boolean");
                    break;
                default:
                    if (a.ValueKind != s.ValueKind) problems.Add($"{at} is {a.ValueKind}, not {s.ValueKind}");
                    break;
            }
        }
    }

    /// <summary>The answer <paramref name="o"/> (create, get, a list entry, cancel) compared with the seed's example object.</summary>
    private static void AssertLikeSeed(JsonElement o, string what)
    {
        using var seed = JsonDocument.Parse(SeedExample);
        var problems = new List<string>();
        CompareWithSeed(seed.RootElement, o, "", problems);
        Assert.True(problems.Count == 0, $"{what}:\n{string.Join("\n", problems)}\n{o.GetRawText()}");
        Assert.Contains(o.GetProperty("status").GetString(), BoxStatus.SignRequestStatuses);
    }

    [Fact]
    public async Task The_object_has_the_seeds_keys_and_JSON_types_with_the_sender_first()
    {
        var s = await SenderAsync();
        var body = FullBody(s);
        var annIn = body["signers"]![0]!.AsObject();
        annIn.Remove("password"); // no gates: the test signs as Ann
        annIn.Remove("verification_phone_number");
        var created = await CreateAsync(s, body);
        var id = int.Parse(created.GetProperty("id").GetString()!);
        await new SigningScenario(App) { Owner = s.Owner, RequestId = id }.SignAsync("ann@company.com"); // a decision and inputs to show

        var got = await JsonAsync(await s.Client.GetAsync($"/2.0/sign_requests/{id}"));
        using var seed = JsonDocument.Parse(SeedExample);
        Assert.Equal(seed.RootElement.EnumerateObject().Select(p => p.Name).Order(), got.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(seed.RootElement.GetProperty("signers")[0].EnumerateObject().Select(p => p.Name).Order(),
            got.GetProperty("signers")[1].EnumerateObject().Select(p => p.Name).Order());
        var problems = new List<string>();
        CompareWithSeed(seed.RootElement, got, "", problems);
        Assert.True(problems.Count == 0, string.Join("\n", problems) + "\n" + got.GetRawText());
        // The parts the comparison skips when null are filled here.
        foreach (var key in new[] { "parent_folder", "sign_files" }) Assert.Equal(JsonValueKind.Object, got.GetProperty(key).ValueKind);
        var ann = got.GetProperty("signers")[1];
        Assert.Equal("signed", ann.GetProperty("signer_decision").GetProperty("type").GetString());
        Assert.True(DateTimeOffset.TryParse(ann.GetProperty("signer_decision").GetProperty("finalized_at").GetString(), out _));
        Assert.True(ann.GetProperty("has_viewed_document").GetBoolean());
        Assert.Contains(ann.GetProperty("inputs").EnumerateArray(), i => i.GetProperty("document_tag_id").GetString() == "agree"
            && i.GetProperty("type").GetString() == "checkbox" && i.GetProperty("checkbox_value").GetBoolean() && i.GetProperty("page_index").GetInt32() == 0);
        Assert.Equal(JsonValueKind.Null, ann.GetProperty("password").ValueKind); // write-only
        // Box lists the sender first, as final_copy_reader.
        var sender = got.GetProperty("signers")[0];
        Assert.Equal((s.Email, "final_copy_reader", 0), (sender.GetProperty("email").GetString(), sender.GetProperty("role").GetString(), sender.GetProperty("order").GetInt32()));
        Assert.Equal("sign-request", got.GetProperty("type").GetString());
        Assert.Contains(got.GetProperty("status").GetString(), BoxStatus.SignRequestStatuses);
    }

    [Fact]
    public async Task Every_option_round_trips_in_the_create_answer_and_in_get()
    {
        var s = await SenderAsync();
        var created = await CreateAsync(s, FullBody(s));
        var id = created.GetProperty("id").GetString();
        foreach (var o in new[] { created, await JsonAsync(await s.Client.GetAsync($"/2.0/sign_requests/{id}")) })
        {
            AssertLikeSeed(o, "create answer / get");
            Assert.Equal(id, o.GetProperty("id").GetString());
            Assert.Equal("Supply contract.pdf", o.GetProperty("name").GetString());
            Assert.Equal("Supply contract.pdf", o.GetProperty("sign_files").GetProperty("files")[0].GetProperty("name").GetString());
            Assert.True(o.GetProperty("sign_files").GetProperty("is_ready_for_download").GetBoolean());
            Assert.Equal(30, o.GetProperty("days_valid").GetInt32());
            var expires = DateTimeOffset.Parse(o.GetProperty("auto_expire_at").GetString()!);
            Assert.InRange(expires - world.Clock.GetUtcNow(), TimeSpan.FromDays(30) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1));
            Assert.True(o.GetProperty("are_reminders_enabled").GetBoolean());
            Assert.False(o.GetProperty("are_text_signatures_enabled").GetBoolean());
            Assert.Equal("Sign this, please", o.GetProperty("email_subject").GetString());
            Assert.Equal("Hello! Please sign the <b>document</b> below", o.GetProperty("email_message").GetString());
            Assert.Equal("crm-123", o.GetProperty("external_id").GetString());
            Assert.False(o.GetProperty("is_document_preparation_needed").GetBoolean());
            Assert.Equal(JsonValueKind.Null, o.GetProperty("prepare_url").ValueKind);
            Assert.Equal("blue", o.GetProperty("signature_color").GetString());
            Assert.Equal("https://example.com/signed", o.GetProperty("redirect_url").GetString());
            Assert.Equal("https://example.com/declined", o.GetProperty("declined_redirect_url").GetString());
            Assert.Equal((s.FolderId, "folder", "Contracts"), (o.GetProperty("parent_folder").GetProperty("id").GetString(),
                o.GetProperty("parent_folder").GetProperty("type").GetString(), o.GetProperty("parent_folder").GetProperty("name").GetString()));
            Assert.Equal(s.FileId, o.GetProperty("source_files")[0].GetProperty("id").GetString());
            Assert.Equal("sent", o.GetProperty("status").GetString());
            var tags = o.GetProperty("prefill_tags").EnumerateArray().ToList();
            Assert.Equal(("company", "Acme Ltd"), (tags[0].GetProperty("document_tag_id").GetString(), tags[0].GetProperty("text_value").GetString()));
            Assert.True(tags[1].GetProperty("checkbox_value").GetBoolean());
            var signers = o.GetProperty("signers").EnumerateArray().ToList();
            Assert.Equal(["final_copy_reader", "signer", "signer", "signer", "approver", "final_copy_reader"], signers.Select(x => x.GetProperty("role").GetString()));
            Assert.Equal([0, 1, 2, 3, 4, 5], signers.Select(x => x.GetProperty("order").GetInt32()));
            var ann = signers[1];
            Assert.Equal("ann@company.com", ann.GetProperty("email").GetString());
            Assert.Equal("https://ann.example.com/done", ann.GetProperty("redirect_url").GetString());
            Assert.Equal("https://ann.example.com/no", ann.GetProperty("declined_redirect_url").GetString());
            Assert.Equal("+16314578901", ann.GetProperty("verification_phone_number").GetString());
            Assert.False(ann.GetProperty("login_required").GetBoolean());
            Assert.Equal(JsonValueKind.Null, ann.GetProperty("password").ValueKind);
            Assert.Equal(JsonValueKind.Null, ann.GetProperty("embed_url").ValueKind);
            Assert.Equal(JsonValueKind.Null, ann.GetProperty("signer_decision").ValueKind);
        }
        await using var db = await App.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var stored = await db.Recipients.SingleAsync(x => x.RequestId == int.Parse(id!) && x.Email == "ann@company.com");
        Assert.NotNull(stored.PasswordHash); // stored hashed, never answered
        Assert.Equal(1, await InvitesToAsync(int.Parse(id!), "ann@company.com", reminder: false)); // order 1 is mailed first
        Assert.Equal(0, await InvitesToAsync(int.Parse(id!), "bob@company.com", reminder: false));
    }

    [Fact]
    public async Task Embedded_signers_get_an_embed_url_and_no_mail()
    {
        var s = await SenderAsync();
        var body = Body(s, "ann@company.com", "bob@company.com");
        foreach (var signer in body["signers"]!.AsArray()) signer!["embed_url_external_user_id"] = "ext-" + signer["email"]!.GetValue<string>()[..3];
        var created = await CreateAsync(s, body);
        var id = int.Parse(created.GetProperty("id").GetString()!);
        AssertLikeSeed(created, "embedded create answer"); // embed_url filled: a string
        var ann = created.GetProperty("signers")[1];
        Assert.Equal("ext-ann", ann.GetProperty("embed_url_external_user_id").GetString());
        Assert.Contains("/embed/sign/emb_", ann.GetProperty("embed_url").GetString());
        Assert.Equal(0, await InvitesToAsync(id, "ann@company.com", reminder: false));
        var again = await JsonAsync(await s.Client.GetAsync($"/2.0/sign_requests/{id}"));
        Assert.StartsWith("http", again.GetProperty("signers")[2].GetProperty("embed_url").GetString());
    }

    [Fact]
    public async Task Preparation_needed_keeps_a_created_request_with_its_prepare_url_and_mails_nobody()
    {
        var s = await SenderAsync();
        var body = Body(s, "ann@company.com");
        body["is_document_preparation_needed"] = true;
        var created = await CreateAsync(s, body);
        var id = int.Parse(created.GetProperty("id").GetString()!);
        AssertLikeSeed(created, "create answer needing preparation"); // prepare_url filled: a string
        Assert.Equal("created", created.GetProperty("status").GetString());
        Assert.True(created.GetProperty("is_document_preparation_needed").GetBoolean());
        Assert.EndsWith($"/requests/{id}/prepare", created.GetProperty("prepare_url").GetString());
        Assert.Equal(0, await InvitesToAsync(id, "ann@company.com", reminder: false));
        var listed = await JsonAsync(await s.Client.GetAsync("/2.0/sign_requests"));
        Assert.Equal(created.GetProperty("id").GetString(), listed.GetProperty("entries")[0].GetProperty("id").GetString());
        // Not out for signature: nothing to resend or cancel yet.
        await BoxApiBaseTests.AssertBoxErrorAsync(await s.Client.PostAsync($"/2.0/sign_requests/{id}/resend", null), HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task Bad_values_are_Box_400s_with_precise_messages_and_create_nothing()
    {
        var s = await SenderAsync();
        var cases = new (Action<JsonObject> Spoil, string Message)[]
        {
            (b => b.Remove("source_files"), "source_files is required"),
            (b => b["source_files"]![0]!["id"] = BoxIds.File(BoxFileKind.SignedFile, 1), "not a document"),
            (b => b["source_files"]![0]!["id"] = "abc", "is not a file id"),
            (b => b.Remove("parent_folder"), "parent_folder is required"),
            (b => b["parent_folder"]!["id"] = "0", "root folder (0) cannot be named"),
            (b => b["parent_folder"]!["id"] = "999999", "there is no folder 999999 of yours"),
            (b => b.Remove("signers"), "signers is required"),
            (b => b["signers"]![0]!["email"] = "not-an-address", "not a valid e-mail address"),
            (b => b["signers"]![0]!["role"] = "boss", "signers[1].role must be one of"),
            (b => b["days_valid"] = 731, "days_valid"),
            (b => b["days_valid"] = "soon", "days_valid must be an integer"),
            (b => b["signature_color"] = "green", "signature_color must be one of"),
            (b => b["redirect_url"] = "ftp://x", "redirect_url"),
            (b => b["are_reminders_enabled"] = "often", "are_reminders_enabled must be true or false"),
            (b => b["prefill_tags"] = new JsonArray(new JsonObject { ["document_tag_id"] = "nope", ["text_value"] = "x" }), "no field has document_tag_id \"nope\""),
            (b => b["signers"]![0]!["password"] = "ab", "password"),
            (b => b["signers"]![0]!["verification_phone_number"] = "12", "phone"),
            (b => b["template_id"] = "1", "template_id is not supported"),
        };
        foreach (var (spoil, message) in cases)
        {
            var b = Body(s, "ann@company.com");
            spoil(b);
            var r = await s.Client.PostAsJsonAsync("/2.0/sign_requests", b);
            await BoxApiBaseTests.AssertBoxErrorAsync(r, HttpStatusCode.BadRequest, "bad_request");
            var text = (await JsonAsync(r)).GetProperty("message").GetString();
            Assert.True(text!.Contains(message, StringComparison.OrdinalIgnoreCase), $"{b.ToJsonString()} → \"{text}\", expected \"{message}\"");
        }
        var bad = await s.Client.PostAsync("/2.0/sign_requests", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        await BoxApiBaseTests.AssertBoxErrorAsync(bad, HttpStatusCode.BadRequest, "bad_request");
        Assert.Equal(0, await CountRequestsAsync(s.Owner));
    }

    [Fact]
    public async Task The_list_pages_newest_first_by_markers_without_duplicates_or_gaps()
    {
        var s = await SenderAsync();
        var ids = new List<string>();
        for (var i = 0; i < 7; i++) ids.Add((await CreateAsync(s, Body(s, $"p{i}@company.com"))).GetProperty("id").GetString()!);
        ids.Reverse(); // newest first

        var pages = new List<JsonElement>();
        string? marker = null;
        do
        {
            var page = await JsonAsync(await s.Client.GetAsync("/2.0/sign_requests?limit=3" + (marker is null ? "" : "&marker=" + Uri.EscapeDataString(marker))));
            Assert.Equal(3, page.GetProperty("limit").GetInt32());
            pages.Add(page);
            marker = page.GetProperty("next_marker").GetString();
        } while (marker is not null && pages.Count < 10);
        Assert.Equal(3, pages.Count);
        Assert.Equal(ids, pages.SelectMany(p => p.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("id").GetString())));
        Assert.All(pages.SelectMany(p => p.GetProperty("entries").EnumerateArray()), e => AssertLikeSeed(e, "list entry"));
        Assert.All(pages, p => Assert.Equal(["entries", "limit", "next_marker", "prev_marker"], p.EnumerateObject().Select(x => x.Name).Order()));
        Assert.Equal(JsonValueKind.Null, pages[0].GetProperty("prev_marker").ValueKind);

        // Back from the last page: the middle page again, then the first.
        var back = await JsonAsync(await s.Client.GetAsync("/2.0/sign_requests?limit=3&marker=" + Uri.EscapeDataString(pages[2].GetProperty("prev_marker").GetString()!)));
        Assert.Equal(ids[3..6], back.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        var first = await JsonAsync(await s.Client.GetAsync("/2.0/sign_requests?limit=3&marker=" + Uri.EscapeDataString(back.GetProperty("prev_marker").GetString()!)));
        Assert.Equal(ids[..3], first.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        Assert.Equal(JsonValueKind.Null, first.GetProperty("prev_marker").ValueKind);

        // Defaults and bounds; markers are opaque and cannot be forged.
        var all = await JsonAsync(await s.Client.GetAsync("/2.0/sign_requests"));
        Assert.Equal((BoxSignRequestEndpoints.DefaultLimit, 7), (all.GetProperty("limit").GetInt32(), all.GetProperty("entries").GetArrayLength()));
        Assert.Equal(BoxSignRequestEndpoints.MaxLimit, (await JsonAsync(await s.Client.GetAsync("/2.0/sign_requests?limit=5000"))).GetProperty("limit").GetInt32());
        // Opaque: not the plain "older than N" form. (A protected string is random text that may hold N's digits by
        // chance, so the check is on the whole form; a hand-made plain marker is refused below.)
        var opaque = pages[1].GetProperty("next_marker").GetString()!;
        Assert.DoesNotMatch(@"^[np]?\d+$", opaque);
        Assert.True(opaque.Length >= 40, opaque);
        await BoxApiBaseTests.AssertBoxErrorAsync(await s.Client.GetAsync("/2.0/sign_requests?marker=n" + ids[3]), HttpStatusCode.BadRequest, "bad_request");
        await BoxApiBaseTests.AssertBoxErrorAsync(await s.Client.GetAsync("/2.0/sign_requests?limit=0"), HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task Cancel_answers_the_cancelled_object_and_refuses_a_finished_request()
    {
        var s = await SenderAsync();
        var id = (await CreateAsync(s, Body(s, "ann@company.com"))).GetProperty("id").GetString();
        var r = await s.Client.PostAsync($"/2.0/sign_requests/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var o = await JsonAsync(r);
        AssertLikeSeed(o, "cancel answer");
        Assert.Equal((id, "cancelled"), (o.GetProperty("id").GetString(), o.GetProperty("status").GetString()));
        await using (var db = await App.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
            Assert.Equal(RequestStatus.Canceled, (await db.Requests.SingleAsync(x => x.Id == int.Parse(id!))).Status);
        await BoxApiBaseTests.AssertBoxErrorAsync(await s.Client.PostAsync($"/2.0/sign_requests/{id}/cancel", null), HttpStatusCode.BadRequest, "bad_request");
        await BoxApiBaseTests.AssertBoxErrorAsync(await s.Client.PostAsync($"/2.0/sign_requests/{id}/resend", null), HttpStatusCode.BadRequest, "bad_request");
        await BoxApiBaseTests.AssertBoxErrorAsync(await s.Client.PostAsync("/2.0/sign_requests/abc/cancel", null), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Resend_mails_the_outstanding_signers_at_once_at_most_five_times_an_hour()
    {
        var s = await SenderAsync();
        var id = int.Parse((await CreateAsync(s, Body(s, "ann@company.com", "bob@company.com"))).GetProperty("id").GetString()!);
        for (var i = 1; i <= RequestService.ResendsPerWindow; i++)
        {
            var r = await s.Client.PostAsync($"/2.0/sign_requests/{id}/resend", null);
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
            Assert.Equal((i, i), (await InvitesToAsync(id, "ann@company.com", reminder: true), await InvitesToAsync(id, "bob@company.com", reminder: true)));
            world.Clock.Advance(TimeSpan.FromMinutes(1));
        }
        var over = await s.Client.PostAsync($"/2.0/sign_requests/{id}/resend", null);
        await BoxApiBaseTests.AssertBoxErrorAsync(over, HttpStatusCode.TooManyRequests, "rate_limit_exceeded");
        Assert.Equal(TimeSpan.FromMinutes(55), over.Headers.RetryAfter?.Delta); // when the first resend leaves the hour (the SDK waits for it)
        Assert.Equal(5, await InvitesToAsync(id, "ann@company.com", reminder: true));
        world.Clock.Advance(TimeSpan.FromMinutes(56)); // the first resend is now an hour old
        Assert.Equal(HttpStatusCode.Accepted, (await s.Client.PostAsync($"/2.0/sign_requests/{id}/resend", null)).StatusCode);
        Assert.Equal(6, await InvitesToAsync(id, "ann@company.com", reminder: true));
    }

    [Fact]
    public async Task A_mailed_signer_signs_and_the_request_is_signed_with_the_sealed_pdf_and_its_log()
    {
        var s = await SenderAsync();
        var id = int.Parse((await CreateAsync(s, Body(s, "ann@company.com", "bob@company.com"))).GetProperty("id").GetString()!);
        Assert.Equal(1, await InvitesToAsync(id, "ann@company.com", reminder: false));
        Assert.Equal(1, await InvitesToAsync(id, "bob@company.com", reminder: false));
        var scenario = new SigningScenario(App) { Owner = s.Owner, RequestId = id };
        await scenario.SignAsync("ann@company.com");
        var middle = await JsonAsync(await s.Client.GetAsync($"/2.0/sign_requests/{id}"));
        Assert.Equal("viewed", middle.GetProperty("status").GetString());
        Assert.Equal(BoxIds.File(BoxFileKind.SignCopy, id), middle.GetProperty("sign_files").GetProperty("files")[0].GetProperty("id").GetString());
        await scenario.SignAsync("bob@company.com");
        var done = await scenario.WaitForStatusAsync(RequestStatus.Complete);

        var o = await JsonAsync(await s.Client.GetAsync($"/2.0/sign_requests/{id}"));
        Assert.Equal("signed", o.GetProperty("status").GetString());
        var files = o.GetProperty("sign_files");
        Assert.True(files.GetProperty("is_ready_for_download").GetBoolean());
        Assert.Equal(BoxIds.File(BoxFileKind.SignCopy, id), files.GetProperty("files")[0].GetProperty("id").GetString()); // the same file, version 2
        Assert.Equal(BoxIds.File(BoxFileKind.AuditTrail, done.SignedFileId!.Value), o.GetProperty("signing_log").GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, middle.GetProperty("signing_log").ValueKind); // no trail file before the seal
        using (var seed = JsonDocument.Parse(SeedExample))
        {
            var problems = new List<string>();
            CompareWithSeed(seed.RootElement, o, "", problems); // the complete object, signing_log included
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }
        // The ids resolve on the files endpoints: the sealed PDF and its audit trail download as PDFs.
        foreach (var file in new[] { files.GetProperty("files")[0], o.GetProperty("signing_log") })
        {
            var content = await s.Client.GetAsync($"/2.0/files/{file.GetProperty("id").GetString()}/content");
            Assert.Equal(HttpStatusCode.OK, content.StatusCode);
            var bytes = await content.Content.ReadAsByteArrayAsync();
            Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(bytes[..4]));
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(bytes)), file.GetProperty("sha1").GetString());
        }
        Assert.All(o.GetProperty("signers").EnumerateArray().Skip(1), x => Assert.Equal("signed", x.GetProperty("signer_decision").GetProperty("type").GetString()));
        var bobDate = o.GetProperty("signers")[2].GetProperty("inputs").EnumerateArray().Single(i => i.GetProperty("type").GetString() == "date");
        Assert.Equal(("start", "2026-11-22"), (bobDate.GetProperty("document_tag_id").GetString(), bobDate.GetProperty("date_value").GetString()));
        await BoxApiBaseTests.AssertBoxErrorAsync(await s.Client.PostAsync($"/2.0/sign_requests/{id}/cancel", null), HttpStatusCode.BadRequest, "bad_request");
    }

    [Fact]
    public async Task Another_users_requests_are_Box_404s_and_never_listed()
    {
        var s = await SenderAsync();
        var id = (await CreateAsync(s, Body(s, "ann@company.com"))).GetProperty("id").GetString();
        var other = await SenderAsync();
        foreach (var (method, path) in new[] { (HttpMethod.Get, $"/2.0/sign_requests/{id}"), (HttpMethod.Post, $"/2.0/sign_requests/{id}/cancel"),
                     (HttpMethod.Post, $"/2.0/sign_requests/{id}/resend") })
            await BoxApiBaseTests.AssertBoxErrorAsync(await other.Client.SendAsync(new HttpRequestMessage(method, path)), HttpStatusCode.NotFound, "not_found");
        // Someone else's document as the source file.
        var steal = Body(other, "x@company.com");
        steal["source_files"]![0]!["id"] = s.FileId;
        await BoxApiBaseTests.AssertBoxErrorAsync(await other.Client.PostAsJsonAsync("/2.0/sign_requests", steal), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0, (await JsonAsync(await other.Client.GetAsync("/2.0/sign_requests"))).GetProperty("entries").GetArrayLength());
        Assert.Equal("sent", (await JsonAsync(await s.Client.GetAsync($"/2.0/sign_requests/{id}"))).GetProperty("status").GetString());
        Assert.Equal(0, await CountRequestsAsync(other.Owner));
    }

    [Fact]
    public async Task A_downloaded_request_answers_a_status_Box_sdk_can_read_in_get_and_list()
    {
        // The seed's "downloaded" and "signed and downloaded" are not in box-node-sdk's closed enumeration (BoxStatus.OfSignRequest).
        var s = await SenderAsync();
        var id = int.Parse((await CreateAsync(s, Body(s, "ann@company.com"))).GetProperty("id").GetString()!);
        await using (var db = await App.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            var row = await db.Requests.SingleAsync(x => x.Id == id);
            row.DownloadedAt = world.Clock.GetUtcNow();
            await db.SaveChangesAsync();
        }
        var got = await JsonAsync(await s.Client.GetAsync($"/2.0/sign_requests/{id}"));
        Assert.Equal("sent", got.GetProperty("status").GetString());
        var listed = (await JsonAsync(await s.Client.GetAsync("/2.0/sign_requests"))).GetProperty("entries")[0];
        Assert.Equal((id.ToString(), "sent"), (listed.GetProperty("id").GetString(), listed.GetProperty("status").GetString()));
        // SignEasy's pending file keeps the seed's full word list in box_status.
        Assert.Equal("downloaded", BoxStatus.Of(new BoxStatusFacts(RequestStatus.Incomplete, false, true, false, false)));
    }
}
