using System.Text.Json;
using ESignWeb.Api;
using ESignWeb.Api.Box;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Templates;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// "Lists that never lie" (issue 13): with more rows than any former cap (1,000 pending files, 1,000 templates, 500
/// signed files) and more than Box's largest page, every list endpoint of every family returns every row exactly
/// once — the SignEasy lists whole (streamed), Box's by paging until the end — over the app's HTTP API. The rows are
/// inserted directly, in one transaction, sharing one real PDF blob.
/// </summary>
public class ListCompletenessTests(ListCompletenessTests.Seeded seeded) : IClassFixture<ListCompletenessTests.Seeded>
{
    public const int N = 1205;

    /// <summary>An app with one owner holding <see cref="N"/> of everything, and a confirmed recipient of all the requests.</summary>
    public sealed class Seeded : IAsyncLifetime
    {
        public ESignAppFactory App { get; } = new();
        public string Owner { get; private set; } = "";
        public string Recipient { get; private set; } = "";
        /// <summary>The owner's requests (the Box test adds the one it inserts while paging).</summary>
        public List<int> Requests { get; } = [];
        /// <summary>The seeded requests, each with <see cref="Recipient"/> as its signer.</summary>
        public List<int> ToRecipient { get; } = [];
        public List<int> Documents { get; } = [];
        public List<int> SignedFiles { get; } = [];
        public List<int> Templates { get; } = [];

        public async Task InitializeAsync()
        {
            _ = App.Server;
            Owner = await App.CreateUserAsync("lists-owner@example.com", "Lia", "Lister");
            Recipient = await App.CreateUserAsync("lists-signer@example.com", "Rex", "Reader");
            var real = await App.Get<DocumentService>().ImportAsync(Owner, "Real.pdf", new MemoryStream(TestPdf.Pages(1)), false);
            await using var db = await App.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            await using var tx = await db.Database.BeginTransactionAsync();
            var t0 = DateTimeOffset.UtcNow.AddDays(-30);
            var docs = new List<Document>();
            var requests = new List<SignatureRequest>();
            var signed = new List<SignedFile>();
            var templates = new List<Template>();
            for (var i = 0; i < N; i++)
            {
                var at = t0.AddSeconds(i / 3); // shared timestamps: the keysets must break ties by id
                var doc = new Document
                {
                    OwnerId = Owner, Name = $"Doc {i:D4}.pdf", BlobKey = real.BlobKey, Sha256 = real.Sha256, SizeBytes = real.SizeBytes,
                    PageCount = real.PageCount, Pages = real.Pages, CreatedAt = at, ModifiedAt = at,
                };
                docs.Add(doc);
                var r = new SignatureRequest
                {
                    OwnerId = Owner, Document = doc, Name = $"Request {i:D4}", Status = RequestStatus.Incomplete, CreatedAt = at, ModifiedAt = at, SentAt = at,
                    Recipients = [new Recipient { Email = "lists-signer@example.com", FirstName = "Rex", LastName = "Reader", OrderId = 1, CreatedAt = at, ModifiedAt = at }],
                };
                requests.Add(r);
                signed.Add(new SignedFile
                {
                    OwnerId = Owner, Name = $"Signed {i:D4}.pdf", BlobKey = real.BlobKey, Checksum = real.Sha256, OriginalChecksum = real.Sha256,
                    PublicIdentifier = $"LIST-{i:D6}", AuditTrailBlobKey = real.BlobKey, CreatedAt = at, ModifiedAt = at,
                });
                templates.Add(new Template
                {
                    OwnerId = Owner, Name = $"Template {i:D4}", DocumentName = "Real.pdf", BlobKey = real.BlobKey, Sha256 = real.Sha256,
                    PageCount = real.PageCount, Pages = real.Pages, CreatedAt = at, ModifiedAt = at,
                });
            }
            db.Documents.AddRange(docs);
            db.Requests.AddRange(requests);
            db.SignedFiles.AddRange(signed);
            db.Templates.AddRange(templates);
            await db.SaveChangesAsync();
            await tx.CommitAsync();
            Requests.AddRange(requests.Select(r => r.Id));
            ToRecipient.AddRange(Requests);
            Documents.AddRange(docs.Select(d => d.Id).Append(real.Id));
            SignedFiles.AddRange(signed.Select(f => f.Id));
            Templates.AddRange(templates.Select(t => t.Id));
        }

        public async Task DisposeAsync() => await App.DisposeAsync();
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Every id once, and exactly the expected ones.</summary>
    private static void AssertExactlyOnce(IEnumerable<int> expected, IReadOnlyList<int> listed)
    {
        Assert.Equal(listed.Count, listed.Distinct().Count());
        Assert.Equal(expected.Order(), listed.Order());
    }

    private static List<int> Ids(JsonElement array) => array.EnumerateArray().Select(e => e.GetProperty("id").GetInt32()).ToList();

    [Fact]
    public async Task Pending_files_lists_every_request_for_the_owner_and_for_a_recipient_newest_first()
    {
        var (client, _) = await seeded.App.ApiClientAsync(seeded.Owner);
        var list = await GetJsonAsync(client, "/v1/files/pending/");
        var ids = Ids(list.GetProperty("files"));
        Assert.Equal(seeded.Requests.Count, list.GetProperty("count").GetInt32());
        AssertExactlyOnce(seeded.Requests, ids);
        Assert.Equal(ids.OrderDescending(), ids); // newest first, across batch boundaries
        var one = list.GetProperty("files")[0];
        Assert.Equal("lists-owner@example.com", one.GetProperty("owner_email").GetString());
        Assert.Equal("lists-signer@example.com", one.GetProperty("recipients")[0].GetProperty("email").GetString());

        // The whole list is streamed again (nothing is kept), and it is the same.
        Assert.Equal(list.GetRawText(), (await GetJsonAsync(client, "/v1/files/pending")).GetRawText());

        var (asRecipient, _) = await seeded.App.ApiClientAsync(seeded.Recipient);
        var theirs = await GetJsonAsync(asRecipient, "/v1/files/pending");
        Assert.Equal(N, theirs.GetProperty("count").GetInt32());
        AssertExactlyOnce(seeded.ToRecipient, Ids(theirs.GetProperty("files")));
    }

    [Fact]
    public async Task A_streamed_list_is_one_snapshot_its_count_agrees_with_its_items_while_requests_are_created()
    {
        var (client, _) = await seeded.App.ApiClientAsync(seeded.Owner);
        using var stop = new CancellationTokenSource();
        var added = new List<int>();
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && added.Count < 50) added.Add(await InsertRequestAsync());
        });
        var lists = new List<JsonElement>();
        for (var i = 0; i < 3; i++) lists.Add(await GetJsonAsync(client, "/v1/files/pending/"));
        await stop.CancelAsync();
        await writer;
        seeded.Requests.AddRange(added);
        Assert.NotEmpty(added);
        foreach (var list in lists)
        {
            var ids = Ids(list.GetProperty("files"));
            Assert.Equal(list.GetProperty("count").GetInt32(), ids.Count);
            Assert.Equal(ids.Count, ids.Distinct().Count());
            Assert.Subset(seeded.Requests.ToHashSet(), ids.ToHashSet());
            Assert.Superset(seeded.ToRecipient.ToHashSet(), ids.ToHashSet()); // every seeded request, whatever was added meanwhile
        }
    }

    [Fact]
    public async Task Signed_files_originals_and_templates_list_every_row()
    {
        var (client, _) = await seeded.App.ApiClientAsync(seeded.Owner);

        var signed = await GetJsonAsync(client, "/v1/files/signed/");
        Assert.Equal(N, signed.GetProperty("count").GetInt32());
        AssertExactlyOnce(seeded.SignedFiles, Ids(signed.GetProperty("files")));
        Assert.Equal(JsonValueKind.Null, signed.GetProperty("files")[0].GetProperty("pending_file").ValueKind);

        var originals = await GetJsonAsync(client, "/v1/files/original");
        Assert.Equal(N + 1, originals.GetProperty("count").GetInt32());
        AssertExactlyOnce(seeded.Documents, Ids(originals.GetProperty("files")));

        var templates = await GetJsonAsync(client, "/v1/library/template/");
        Assert.Equal(JsonValueKind.Array, templates.ValueKind); // the seed's bare array
        var templateIds = Ids(templates);
        AssertExactlyOnce(seeded.Templates, templateIds);
        Assert.Equal(templateIds.OrderDescending(), templateIds); // newest change first; equal times by id
    }

    [Fact]
    public async Task Box_folder_items_page_through_more_than_the_largest_page()
    {
        var (client, _) = await seeded.App.ApiClientAsync(seeded.Owner);
        var seen = new List<string>();
        var total = -1;
        for (var offset = 0; ; offset += BoxFolderEndpoints.MaxLimit)
        {
            var page = await GetJsonAsync(client, $"/2.0/folders/0/items?limit={BoxFolderEndpoints.MaxLimit}&offset={offset}");
            total = page.GetProperty("total_count").GetInt32();
            var entries = page.GetProperty("entries").EnumerateArray().ToList();
            if (entries.Count == 0) break;
            Assert.True(entries.Count <= BoxFolderEndpoints.MaxLimit);
            seen.AddRange(entries.Select(e => e.GetProperty("type").GetString() + ":" + e.GetProperty("id").GetString()));
        }
        var expected = seeded.Documents.Select(id => "file:" + BoxIds.File(BoxFileKind.Document, id))
            .Concat(seeded.SignedFiles.Select(id => "file:" + BoxIds.File(BoxFileKind.SignedFile, id))).ToList();
        Assert.Equal(expected.Count, total); // total_count is true: no cap hides signed files
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(expected.Order(), seen.Order());

        // Over the cap is refused, not quietly lowered: the caller learns the limit.
        using var tooMany = await client.GetAsync($"/2.0/folders/0/items?limit={BoxFolderEndpoints.MaxLimit + 1}");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, tooMany.StatusCode);
    }

    [Fact]
    public async Task Box_sign_request_markers_reach_every_request_once_even_with_inserts_while_paging()
    {
        var (client, _) = await seeded.App.ApiClientAsync(seeded.Owner);
        var expected = seeded.Requests.ToList();
        var seen = new List<int>();
        string? marker = null;
        var pages = 0;
        do
        {
            var page = await GetJsonAsync(client, "/2.0/sign_requests?limit=500" + (marker is null ? "" : "&marker=" + Uri.EscapeDataString(marker)));
            seen.AddRange(page.GetProperty("entries").EnumerateArray().Select(e => int.Parse(e.GetProperty("id").GetString()!)));
            marker = page.GetProperty("next_marker").GetString();
            if (++pages == 1) seeded.Requests.Add(await InsertRequestAsync()); // a newer request: never shifts the older pages
        } while (marker is not null && pages < 10);
        Assert.Equal(3, pages);
        AssertExactlyOnce(expected, seen);

        // The largest page Box allows is what a larger limit gets (and the answer says so).
        var capped = await GetJsonAsync(client, "/2.0/sign_requests?limit=5000");
        Assert.Equal(BoxSignRequestEndpoints.MaxLimit, capped.GetProperty("limit").GetInt32());
        Assert.Equal(BoxSignRequestEndpoints.MaxLimit, capped.GetProperty("entries").GetArrayLength());
    }

    /// <summary>One more sent request of the owner (not in <see cref="Seeded.Requests"/>), newer than all of them.</summary>
    private async Task<int> InsertRequestAsync()
    {
        await using var db = await seeded.App.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var doc = await db.Documents.FirstAsync(d => d.OwnerId == seeded.Owner);
        var now = DateTimeOffset.UtcNow;
        var r = new SignatureRequest
        {
            OwnerId = seeded.Owner, DocumentId = doc.Id, Name = "Late arrival", Status = RequestStatus.Incomplete, CreatedAt = now, ModifiedAt = now, SentAt = now,
            Recipients = [new Recipient { Email = "late@example.com", FirstName = "Late", LastName = "Comer", OrderId = 1, CreatedAt = now, ModifiedAt = now }],
        };
        db.Requests.Add(r);
        await db.SaveChangesAsync();
        return r.Id;
    }
}
