using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Tests.Fixtures;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// <c>POST /v2.0/envelopes/list</c> (and <c>/api/v2.0/…</c>) against the seed <c>jsign-envelopes-list.txt</c>: the
/// shape, every error code, paging boundaries, filters, caller-relative statuses and object-level authorisation.
/// </summary>
public class JSignEnvelopeListTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;
    private static readonly DateTimeOffset Base = new(2021, 12, 1, 10, 30, 35, 933, TimeSpan.Zero);

    public JSignEnvelopeListTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    private IDbContextFactory<AppDbContext> Db => _app.Get<IDbContextFactory<AppDbContext>>();

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;

    private static Task<HttpResponseMessage> ListAsync(HttpClient client, string? body, string path = "/v2.0/envelopes/list") =>
        client.PostAsync(path, body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"));

    private static async Task<JsonElement> DataAsync(HttpClient client, string? body, string path = "/v2.0/envelopes/list")
    {
        var r = await ListAsync(client, body, path);
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.OK, $"{(int)r.StatusCode}: {text}");
        var root = JsonDocument.Parse(text).RootElement;
        Assert.Equal("", root.GetProperty("message").GetString());
        return root.GetProperty("data");
    }

    private static List<string> Names(JsonElement data) =>
        data.GetProperty("envelopes").EnumerateArray().Select(e => e.GetProperty("name").GetString()!).ToList();

    /// <summary>jSign's error shape: <c>{"errors": [{error_code, developer_message}]}</c> and nothing else.</summary>
    private static async Task<List<string>> AssertErrorsAsync(HttpResponseMessage r, HttpStatusCode status)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(status == r.StatusCode, $"{(int)r.StatusCode}: {text}");
        Assert.StartsWith("application/json", r.Content.Headers.ContentType?.ToString());
        var root = JsonDocument.Parse(text).RootElement;
        Assert.Equal(["errors"], root.EnumerateObject().Select(p => p.Name));
        var codes = new List<string>();
        foreach (var e in root.GetProperty("errors").EnumerateArray())
        {
            Assert.Equal(["error_code", "developer_message"], e.EnumerateObject().Select(p => p.Name));
            Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("developer_message").GetString()));
            codes.Add(e.GetProperty("error_code").GetString()!);
        }
        Assert.NotEmpty(codes);
        return codes;
    }

    private async Task<(string Id, HttpClient Client)> UserAsync(string first = "Olga", string last = "Owner", string? email = null)
    {
        var id = await _app.CreateUserAsync(email ?? $"js-{Guid.NewGuid():N}@example.com", first, last);
        var (client, _) = await _app.ApiClientAsync(id);
        client.DefaultRequestHeaders.Add("app_auth_type", "jsign-oauth2");
        return (id, client);
    }

    /// <summary>Requests written straight to the database (many, with exact times and categories; no PDF work).</summary>
    private async Task<List<SignatureRequest>> SeedAsync(string ownerId, int count, Action<SignatureRequest, int>? configure = null)
    {
        await using var db = await Db.CreateDbContextAsync();
        var doc = new Document { OwnerId = ownerId, Name = $"doc-{Guid.NewGuid():N}.pdf", BlobKey = "k", Sha256 = "s", CreatedAt = Base, ModifiedAt = Base };
        db.Documents.Add(doc);
        await db.SaveChangesAsync();
        var list = new List<SignatureRequest>();
        for (var i = 0; i < count; i++)
        {
            var r = new SignatureRequest
            {
                OwnerId = ownerId, DocumentId = doc.Id, Name = $"Envelope {i:000}", Status = RequestStatus.Incomplete,
                CreatedAt = Base.AddMinutes(i), ModifiedAt = Base.AddMinutes(i),
            };
            configure?.Invoke(r, i);
            list.Add(r);
        }
        db.Requests.AddRange(list);
        await db.SaveChangesAsync();
        return list;
    }

    [Fact]
    public async Task The_answer_has_the_seeds_shape_with_both_spellings_on_both_prefixes()
    {
        var (owner, client) = await UserAsync("UjjLimit", "Test");
        var made = (await SeedAsync(owner, 1, (r, _) =>
        {
            r.Name = "Sample Envelope";
            r.Categories = [new RequestCategory { Name = "NDA" }, new RequestCategory { Name = "New Document" }];
        }))[0];
        var seedBody = """{"status": ["AwaitingOthers"], "categories": ["nda"], "start_date": "12/01/2021", "end_date": "12/01/2021", "page": 1, "page_size": 10}""";
        foreach (var path in new[] { "/v2.0/envelopes/list", "/api/v2.0/envelopes/list" })
        {
            var r = await ListAsync(client, seedBody, path);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.True(r.Headers.Contains("X-RateLimit-Limit"));
            var root = await JsonAsync(r);
            Assert.Equal(["message", "data"], root.EnumerateObject().Select(p => p.Name));
            var data = root.GetProperty("data");
            var info = data.GetProperty("list_info");
            Assert.Equal(1, info.GetProperty("page").GetInt32());
            Assert.Equal(1, info.GetProperty("num_pages").GetInt32());
            Assert.Equal(1, info.GetProperty("num_page").GetInt32());
            Assert.Equal(1, info.GetProperty("num_results").GetInt32());
            Assert.Equal(10, info.GetProperty("page_size").GetInt32());
            var e = Assert.Single(data.GetProperty("envelopes").EnumerateArray());
            Assert.Equal(["envelope_id", "name", "status", "created_by", "creation_time_utc", "creations_time_utc", "categories"],
                e.EnumerateObject().Select(p => p.Name));
            Assert.Equal(made.PublicId.ToString("D"), e.GetProperty("envelope_id").GetString());
            Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", e.GetProperty("envelope_id").GetString());
            Assert.Equal("Sample Envelope", e.GetProperty("name").GetString());
            Assert.Equal("AwaitingOthers", e.GetProperty("status").GetString());
            Assert.Equal("UjjLimit Test", e.GetProperty("created_by").GetString());
            Assert.Equal("2021-12-01T10:30:35.933", e.GetProperty("creation_time_utc").GetString());
            Assert.Equal("2021-12-01T10:30:35.933", e.GetProperty("creations_time_utc").GetString());
            Assert.Equal("NDA, New Document", e.GetProperty("categories").GetString());
        }
    }

    [Fact]
    public async Task An_empty_body_or_empty_object_lists_everything_page_1_with_the_default_page_size()
    {
        var (owner, client) = await UserAsync();
        await SeedAsync(owner, 12);
        foreach (var body in new[] { null, "", "  ", "{}", """{"status": null, "categories": [], "start_date": "", "page": null}""" })
        {
            var data = await DataAsync(client, body);
            Assert.Equal(12, data.GetProperty("list_info").GetProperty("num_results").GetInt32());
            Assert.Equal(10, data.GetProperty("list_info").GetProperty("page_size").GetInt32());
            Assert.Equal(2, data.GetProperty("list_info").GetProperty("num_pages").GetInt32());
            // Newest first.
            Assert.Equal(Enumerable.Range(2, 10).Reverse().Select(i => $"Envelope {i:000}"), Names(data));
        }
    }

    [Fact]
    public async Task Every_error_code_in_the_seeds_shape_and_never_a_500()
    {
        var (_, client) = await UserAsync();
        var cases = new (string Body, string Code)[]
        {
            ("""{"status": ["Nonsense"]}""", "INVALID_STATUS"),
            ("""{"status": "AwaitingEverybody"}""", "INVALID_STATUS"),
            ("""{"status": 3}""", "INVALID_STATUS"),
            ("""{"status": [3]}""", "INVALID_STATUS"),
            ($$"""{"status": [{{string.Join(",", Enumerable.Repeat("\"Draft\"", 101))}}]}""", "INVALID_STATUS"),
            ("""{"categories": "NDA, x", "status": {}}""", "INVALID_STATUS"),
            ("""{"categories": 7}""", "INVALID_CATEGORIES"),
            ("""{"categories": [null]}""", "INVALID_CATEGORIES"),
            ($$"""{"categories": ["{{new string('c', 51)}}"]}""", "INVALID_CATEGORIES"),
            ($$"""{"categories": [{{string.Join(",", Enumerable.Repeat("\"x\"", 5000))}}]}""", "INVALID_CATEGORIES"),
            ("""{"start_date": "2021-12-01"}""", "INVALID_DATE_FORMAT"),
            ("""{"end_date": "13/01/2021"}""", "INVALID_DATE_FORMAT"),
            ("""{"end_date": "02/30/2021"}""", "INVALID_DATE_FORMAT"),
            ("""{"start_date": 12012021}""", "INVALID_DATE_FORMAT"),
            ("""{"start_date": "12/01/2022", "end_date": "12/01/2021"}""", "INVALID_START_DATE"),
            ("""{"page": 0}""", "INVALID_PAGE"),
            ("""{"page": -1}""", "INVALID_PAGE"),
            ("""{"page": 1.5}""", "INVALID_PAGE"),
            ("""{"page": "one"}""", "INVALID_PAGE"),
            ("""{"page": 1e30}""", "INVALID_PAGE"),
            ("""{"page": true}""", "INVALID_PAGE"),
            ("""{"page_size": 0}""", "INVALID_PAGE_SIZE"),
            ("""{"page_size": 101}""", "INVALID_PAGE_SIZE"),
            ("""{"page_size": [10]}""", "INVALID_PAGE_SIZE"),
            ("not json", "INVALID_REQUEST"),
            ("{\"page\": 1", "INVALID_REQUEST"),
            ("[1, 2]", "INVALID_REQUEST"),
            ("\"a string\"", "INVALID_REQUEST"),
            ("42", "INVALID_REQUEST"),
            (new string('[', 100) + new string(']', 100), "INVALID_REQUEST"),
        };
        foreach (var (body, code) in cases)
        {
            var codes = await AssertErrorsAsync(await ListAsync(client, body), HttpStatusCode.BadRequest);
            Assert.True(codes.Contains(code), $"{body[..Math.Min(60, body.Length)]} → {string.Join(", ", codes)} (expected {code})");
        }

        // The seed's own error example, word for word; several bad fields are reported together.
        var seed = await ListAsync(client, """{"status": ["AwaitingMySignature"], "categories": ["Agreement"], "start_date": "12/01/2022", "end_date": "12/01/2021", "page": 1, "page_size": 10}""");
        Assert.Equal(["INVALID_START_DATE"], await AssertErrorsAsync(seed, HttpStatusCode.BadRequest));
        var message = (await JsonAsync(await ListAsync(client, """{"start_date": "12/01/2022", "end_date": "12/01/2021"}""")))
            .GetProperty("errors")[0].GetProperty("developer_message").GetString();
        Assert.Equal("Start date should not be greater than End date.", message);
        var several = await AssertErrorsAsync(await ListAsync(client, """{"status": ["x"], "page": 0, "page_size": 1000, "start_date": "x"}"""), HttpStatusCode.BadRequest);
        Assert.Equal(["INVALID_STATUS", "INVALID_DATE_FORMAT", "INVALID_PAGE", "INVALID_PAGE_SIZE"], several);

        // app_auth_type: left out or jsign-oauth2; anything else is refused.
        var other = new HttpRequestMessage(HttpMethod.Post, "/v2.0/envelopes/list") { Content = new StringContent("{}") };
        other.Headers.Authorization = client.DefaultRequestHeaders.Authorization;
        other.Headers.Add("app_auth_type", "basic");
        Assert.Equal(["INVALID_AUTH_TYPE"], await AssertErrorsAsync(await _app.CreateClient().SendAsync(other), HttpStatusCode.BadRequest));
        var without = _app.CreateClient();
        without.DefaultRequestHeaders.Authorization = client.DefaultRequestHeaders.Authorization;
        await DataAsync(without, "{}");
    }

    [Fact]
    public async Task Paging_boundaries()
    {
        var (_, empty) = await UserAsync();
        var none = await DataAsync(empty, """{"page": 1}""");
        Assert.Equal((0, 0), (none.GetProperty("list_info").GetProperty("num_results").GetInt32(), none.GetProperty("list_info").GetProperty("num_pages").GetInt32()));
        Assert.Empty(Names(none));

        var (owner, client) = await UserAsync();
        await SeedAsync(owner, 25);
        async Task<(int Pages, int Results, int Size, List<string> Names)> PageAsync(int page, int size)
        {
            var d = await DataAsync(client, $$"""{"page": {{page}}, "page_size": {{size}}}""");
            var info = d.GetProperty("list_info");
            Assert.Equal(page, info.GetProperty("page").GetInt32());
            Assert.Equal(info.GetProperty("num_pages").GetInt32(), info.GetProperty("num_page").GetInt32());
            return (info.GetProperty("num_pages").GetInt32(), info.GetProperty("num_results").GetInt32(), info.GetProperty("page_size").GetInt32(), Names(d));
        }
        var all = new List<string>();
        for (var p = 1; p <= 3; p++)
        {
            var (pages, results, size, names) = await PageAsync(p, 10);
            Assert.Equal((3, 25, 10), (pages, results, size));
            Assert.Equal(p < 3 ? 10 : 5, names.Count); // the last page is partial
            all.AddRange(names);
        }
        Assert.Equal(Enumerable.Range(0, 25).Reverse().Select(i => $"Envelope {i:000}"), all); // no overlap, no gap
        var past = await PageAsync(4, 10);
        Assert.Equal((3, 25, 0), (past.Pages, past.Results, past.Names.Count)); // past the end: empty, totals right
        var far = await PageAsync(int.MaxValue, 100);
        Assert.Equal((1, 25, 0), (far.Pages, far.Results, far.Names.Count));
        var exact = await PageAsync(5, 5); // an exact multiple: 5 full pages
        Assert.Equal((5, 5), (exact.Pages, exact.Names.Count));
        Assert.Empty((await PageAsync(6, 5)).Names);
        var one = await PageAsync(25, 1);
        Assert.Equal((25, "Envelope 000"), (one.Pages, Assert.Single(one.Names)));
        var max = await PageAsync(1, 100);
        Assert.Equal((1, 25), (max.Pages, max.Names.Count));
        // Numbers sent as strings are read too (liberal input).
        Assert.Equal(5, Names(await DataAsync(client, """{"page": "3", "page_size": "10"}""")).Count);
    }

    [Fact]
    public async Task Categories_filter_any_of_without_regard_to_case()
    {
        var (owner, client) = await UserAsync();
        await SeedAsync(owner, 6, (r, i) =>
        {
            if (i % 2 == 0) r.Categories.Add(new RequestCategory { Name = "NDA" });
            if (i % 3 == 0) r.Categories.Add(new RequestCategory { Name = "Agreement" });
        });
        // 0: NDA+Agreement, 2: NDA, 3: Agreement, 4: NDA; 1 and 5: none.
        Assert.Equal(["Envelope 004", "Envelope 002", "Envelope 000"], Names(await DataAsync(client, """{"categories": ["nda"]}""")));
        Assert.Equal(["Envelope 004", "Envelope 003", "Envelope 002", "Envelope 000"], Names(await DataAsync(client, """{"categories": ["AGREEMENT", " nDa "]}""")));
        Assert.Empty(Names(await DataAsync(client, """{"categories": ["Sales"]}""")));
        var first = (await DataAsync(client, """{"categories": ["agreement"], "page_size": 1, "page": 2}""")).GetProperty("envelopes")[0];
        Assert.Equal("NDA, Agreement", first.GetProperty("categories").GetString());
        Assert.Equal("", (await DataAsync(client, "{}")).GetProperty("envelopes")[0].GetProperty("categories").GetString()); // 5: none
    }

    [Fact]
    public async Task The_date_filter_is_inclusive_at_both_ends_in_UTC()
    {
        var (owner, client) = await UserAsync();
        var times = new[]
        {
            new DateTimeOffset(2021, 11, 30, 23, 59, 59, 999, TimeSpan.Zero),
            new DateTimeOffset(2021, 12, 1, 0, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2021, 12, 1, 20, 0, 0, TimeSpan.FromHours(-5)), // 12/02 01:00 UTC
            new DateTimeOffset(2021, 12, 2, 23, 59, 59, 999, TimeSpan.Zero),
            new DateTimeOffset(2021, 12, 3, 0, 0, 0, TimeSpan.Zero),
        };
        await SeedAsync(owner, times.Length, (r, i) => r.CreatedAt = times[i]);
        Assert.Equal(["Envelope 003", "Envelope 002", "Envelope 001"], Names(await DataAsync(client, """{"start_date": "12/01/2021", "end_date": "12/02/2021"}""")));
        Assert.Equal(["Envelope 001"], Names(await DataAsync(client, """{"start_date": "12/01/2021", "end_date": "12/1/2021"}""")));
        Assert.Equal(["Envelope 004", "Envelope 003", "Envelope 002"], Names(await DataAsync(client, """{"start_date": "12/02/2021"}""")));
        Assert.Equal(["Envelope 000"], Names(await DataAsync(client, """{"end_date": "11/30/2021"}""")));
        var e = (await DataAsync(client, """{"start_date": "12/02/2021", "end_date": "12/02/2021"}""")).GetProperty("envelopes");
        Assert.Equal("2021-12-02T01:00:00.000", e[1].GetProperty("creation_time_utc").GetString()); // shown in UTC
    }

    [Fact]
    public async Task Statuses_are_relative_to_the_caller_in_a_sequential_request()
    {
        var firstEmail = $"first-{Guid.NewGuid():N}@example.com";
        var secondEmail = $"second-{Guid.NewGuid():N}@example.com";
        var (ownerId, owner) = await UserAsync("Olga", "Owner");
        var (_, first) = await UserAsync("Fi", "Rst", firstEmail);
        var (_, second) = await UserAsync("Se", "Cond", secondEmail);
        var scenario = new SigningScenario(_app) { Owner = ownerId };
        await scenario.SendAsync(ordered: true, firstEmail, secondEmail);

        async Task<string> StatusAsync(HttpClient c)
        {
            var e = Assert.Single((await DataAsync(c, "{}")).GetProperty("envelopes").EnumerateArray());
            Assert.Equal("Olga Owner", e.GetProperty("created_by").GetString());
            return e.GetProperty("status").GetString()!;
        }
        async Task<int> CountAsync(HttpClient c, string status) =>
            (await DataAsync(c, $$"""{"status": ["{{status}}"]}""")).GetProperty("list_info").GetProperty("num_results").GetInt32();

        Assert.Equal("AwaitingMySignature", await StatusAsync(first));
        Assert.Equal("AwaitingOthers", await StatusAsync(second));
        Assert.Equal("AwaitingOthers", await StatusAsync(owner));
        Assert.Equal((0, 1), (await CountAsync(second, "AwaitingMySignature"), await CountAsync(second, "AwaitingOthers")));
        Assert.Equal((1, 0), (await CountAsync(first, "AwaitingMySignature"), await CountAsync(first, "awaitingothers")));

        await scenario.SignAsync(firstEmail);
        Assert.Equal("AwaitingOthers", await StatusAsync(first));
        Assert.Equal("AwaitingMySignature", await StatusAsync(second));
        Assert.Equal("AwaitingOthers", await StatusAsync(owner));
        Assert.Equal((1, 0), (await CountAsync(second, "AwaitingMySignature"), await CountAsync(second, "AwaitingOthers")));
        Assert.Equal(1, await CountAsync(second, "AwaitingMySignature\", \"Completed"));

        await scenario.Requests.VoidAsync(ownerId, scenario.RequestId, null, new ESignWeb.Audit.Actor("owner@example.com"));
        Assert.Equal("Voided", await StatusAsync(second));
        Assert.Equal("Voided", await StatusAsync(owner));
        Assert.Equal(0, await CountAsync(second, "AwaitingMySignature"));
    }

    [Fact]
    public async Task Each_domain_status_has_its_jSign_name_and_filter()
    {
        var (owner, client) = await UserAsync();
        RequestStatus[] statuses = [RequestStatus.Draft, RequestStatus.Incomplete, RequestStatus.Complete, RequestStatus.RecipientDeclined, RequestStatus.Canceled, RequestStatus.Expired];
        string[] wire = ["Draft", "AwaitingOthers", "Completed", "Declined", "Voided", "Expired"];
        await SeedAsync(owner, statuses.Length, (r, i) => { r.Status = statuses[i]; r.Name = wire[i]; });
        var all = (await DataAsync(client, "{}")).GetProperty("envelopes").EnumerateArray()
            .ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("status").GetString()!);
        Assert.Equal(wire.Order(), all.Keys.Order());
        Assert.All(all, p => Assert.Equal(p.Key, p.Value));
        foreach (var w in wire)
            Assert.Equal([w], Names(await DataAsync(client, $$"""{"status": ["{{w}}"]}""")));
        Assert.Equal(["Declined", "Draft"], Names(await DataAsync(client, """{"status": ["Draft", "Declined"]}""")));
        Assert.Empty(Names(await DataAsync(client, """{"status": ["AwaitingMySignature"]}""")));
    }

    [Fact]
    public async Task Another_users_envelopes_never_appear_and_an_unconfirmed_address_sees_none_as_a_recipient()
    {
        var (aliceId, alice) = await UserAsync("Alice", "A");
        var (malloryId, mallory) = await UserAsync("Mallory", "M");
        await SeedAsync(malloryId, 3);
        Assert.Equal(0, (await DataAsync(alice, "{}")).GetProperty("list_info").GetProperty("num_results").GetInt32());

        // An account whose address is not confirmed is nobody's recipient; once confirmed it sees what is addressed to it.
        var email = $"unconfirmed-{Guid.NewGuid():N}@example.com";
        string unconfirmedId;
        using (var scope = _app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var u = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = false, FirstName = "Un", LastName = "Confirmed" };
            Assert.True((await users.CreateAsync(u, "Passw0rd!long")).Succeeded);
            unconfirmedId = u.Id;
        }
        var (unconfirmed, _) = await _app.ApiClientAsync(unconfirmedId);
        await SeedAsync(aliceId, 2, (r, i) =>
        {
            r.Status = i == 0 ? RequestStatus.Draft : RequestStatus.Incomplete; // someone else's draft: never
            r.Recipients.Add(new Recipient { Email = email.ToUpperInvariant(), FirstName = "Un", OrderId = 1, CreatedAt = Base, ModifiedAt = Base });
        });
        Assert.Equal(0, (await DataAsync(unconfirmed, "{}")).GetProperty("list_info").GetProperty("num_results").GetInt32());
        using (var scope = _app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var u = await users.FindByIdAsync(unconfirmedId);
            u!.EmailConfirmed = true;
            await users.UpdateAsync(u);
        }
        var seen = await DataAsync(unconfirmed, "{}");
        Assert.Equal(["Envelope 001"], Names(seen));
        Assert.Equal("AwaitingMySignature", seen.GetProperty("envelopes")[0].GetProperty("status").GetString());
        Assert.Equal("Alice A", seen.GetProperty("envelopes")[0].GetProperty("created_by").GetString());
        // The owner sees both, the draft included; Mallory still sees only her own.
        Assert.Equal(2, (await DataAsync(alice, "{}")).GetProperty("list_info").GetProperty("num_results").GetInt32());
        Assert.Equal(3, (await DataAsync(mallory, "{}")).GetProperty("list_info").GetProperty("num_results").GetInt32());
    }

    [Fact]
    public async Task Without_a_valid_token_401_and_unknown_paths_404_in_jSigns_shape()
    {
        var anonymous = _app.CreateClient();
        foreach (var path in new[] { "/v2.0/envelopes/list", "/api/v2.0/envelopes/list" })
            Assert.Equal(["UNAUTHORIZED"], await AssertErrorsAsync(await ListAsync(anonymous, "{}", path), HttpStatusCode.Unauthorized));
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "esk_not-a-real-key");
        Assert.Equal(["UNAUTHORIZED"], await AssertErrorsAsync(await ListAsync(anonymous, "{}"), HttpStatusCode.Unauthorized));

        var (_, client) = await UserAsync();
        Assert.Equal(["NOT_FOUND"], await AssertErrorsAsync(await client.GetAsync("/v2.0/no/such/thing"), HttpStatusCode.NotFound));
        Assert.Equal(["NOT_FOUND"], await AssertErrorsAsync(await client.PostAsync("/api/v2.0/envelopes/lists", null), HttpStatusCode.NotFound));
        Assert.Equal(["NOT_FOUND"], await AssertErrorsAsync(await client.GetAsync("/api/v2.0/nothing"), HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task The_migration_gives_each_existing_request_its_own_envelope_id()
    {
        var path = Path.Combine(Path.GetTempPath(), $"esign-migration-{Guid.NewGuid():N}.db");
        try
        {
            var options = MigrationDb.Options(path, _app.Services);
            await using (var db = new AppDbContext(options))
                await db.GetService<IMigrator>().MigrateAsync("20261128001003_DocumentNamesPerFolder");
            await using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                await c.OpenAsync();
                await MigrationDb.InsertAsync(c, "AspNetUsers", new() { ["Id"] = "u1", ["Email"] = "old@example.com" });
                await MigrationDb.InsertAsync(c, "Documents", new() { ["Id"] = 1, ["OwnerId"] = "u1", ["Name"] = "old.pdf" });
                for (var i = 1; i <= 50; i++)
                    await MigrationDb.InsertAsync(c, "Requests", new() { ["Id"] = i, ["OwnerId"] = "u1", ["DocumentId"] = 1, ["Name"] = $"Old {i}" });
            }
            await using (var db = new AppDbContext(options))
            {
                await db.Database.MigrateAsync();
                var ids = await db.Requests.AsNoTracking().Select(r => r.PublicId).ToListAsync();
                Assert.Equal(50, ids.Count);
                Assert.Equal(50, ids.Distinct().Count());
                Assert.DoesNotContain(Guid.Empty, ids);
                Assert.All(ids, g => Assert.Equal('4', g.ToString("D")[14])); // version 4
                // A new row gets one too, and the list finds rows by it.
                db.Requests.Add(new SignatureRequest { OwnerId = "u1", DocumentId = 1, Name = "New" });
                await db.SaveChangesAsync();
                Assert.Equal(51, await db.Requests.Select(r => r.PublicId).Distinct().CountAsync());
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }
}
