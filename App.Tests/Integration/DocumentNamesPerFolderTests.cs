using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ESignWeb.Api;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Folders;
using ESignWeb.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using static ESignWeb.Tests.Integration.BoxFilesApiTests;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Document names are unique per folder (the root is a folder too), not per account, as in Box: the service, Box's
/// upload, SignEasy's flat upload (the root), moves, concurrent uploads, unfiling before account deletion, and the
/// <c>DocumentNamesPerFolder</c> migration's index.
/// </summary>
public class DocumentNamesPerFolderTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public DocumentNamesPerFolderTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    private FolderService Folders => _app.Get<FolderService>();
    private DocumentService Documents => _app.Get<DocumentService>();
    private Task<string> NewUserAsync() => _app.CreateUserAsync($"names-{Guid.NewGuid():N}@example.com");
    private static MemoryStream Pdf() => new(TestPdf.Pages(1));
    private static async Task<JsonElement> JsonAsync(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;

    private async Task<List<(int Id, string Name, int? FolderId)>> LiveAsync(string owner)
    {
        await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var rows = await db.Documents.AsNoTracking().Where(d => d.OwnerId == owner && d.DeletedAt == null).OrderBy(d => d.Id)
            .Select(d => new { d.Id, d.Name, d.FolderId }).ToListAsync();
        return rows.Select(r => (r.Id, r.Name, r.FolderId)).ToList();
    }

    [Fact]
    public async Task The_service_scopes_names_to_the_folder_on_import_rename_if_exists_and_rename()
    {
        var me = await NewUserAsync();
        var dealA = await Folders.CreateAsync(me, null, "Deal A");
        var dealB = await Folders.CreateAsync(me, null, "Deal B");

        var inA = await Documents.ImportAsync(me, "contract.pdf", Pdf(), false, dealA.Id);
        var inB = await Documents.ImportAsync(me, "contract.pdf", Pdf(), false, dealB.Id);
        var atRoot = await Documents.ImportAsync(me, "CONTRACT.pdf", Pdf(), false, null);
        Assert.Equal([("contract.pdf", dealA.Id), ("contract.pdf", dealB.Id), ("CONTRACT.pdf", null)],
            (await LiveAsync(me)).Select(d => (d.Name, d.FolderId)));

        // The same name (any case) in one folder is refused, with the folder in the message.
        var again = await Assert.ThrowsAsync<AppException>(() => Documents.ImportAsync(me, "Contract.PDF", Pdf(), false, dealA.Id));
        Assert.Equal(ApiErrorCode.FilenameExists, again.Code);
        Assert.Contains("already exists in this folder", again.Message);

        // rename_if_exists numbers within that folder: the root's "contract (1).pdf" does not count in Deal A.
        await Documents.ImportAsync(me, "contract (1).pdf", Pdf(), false, null);
        var numberedAtRoot = await Documents.ImportAsync(me, "contract.pdf", Pdf(), true, null);
        Assert.Equal("contract (2).pdf", numberedAtRoot.Name);
        var numberedInA = await Documents.ImportAsync(me, "contract.pdf", Pdf(), true, dealA.Id);
        Assert.Equal("contract (1).pdf", numberedInA.Name);
        Assert.Equal(dealA.Id, numberedInA.FolderId);

        // Rename: a name used in another folder is fine, one used in the document's own folder is refused.
        var renamed = await Documents.RenameAsync(me, inB.Id, "contract (1).pdf");
        Assert.Equal("contract (1).pdf", renamed.Name);
        var clash = await Assert.ThrowsAsync<AppException>(() => Documents.RenameAsync(me, inA.Id, "Contract (1).pdf"));
        Assert.Equal(ApiErrorCode.FilenameExists, clash.Code);
        Assert.Equal("contract.pdf", (await Documents.GetAsync(me, inA.Id)).Name);
        Assert.Equal("CONTRACT.pdf", (await Documents.GetAsync(me, atRoot.Id)).Name);
    }

    [Fact]
    public async Task Moving_a_document_where_its_name_is_taken_is_refused_precisely_and_changes_nothing()
    {
        var me = await NewUserAsync();
        var dealA = await Folders.CreateAsync(me, null, "Deal A");
        var dealB = await Folders.CreateAsync(me, null, "Deal B");
        var inA = await Documents.ImportAsync(me, "NDA.pdf", Pdf(), false, dealA.Id);
        var inB = await Documents.ImportAsync(me, "nda.pdf", Pdf(), false, dealB.Id);
        var atRoot = await Documents.ImportAsync(me, "NDA.pdf", Pdf(), false, null);
        var before = await LiveAsync(me);
        var modified = (await Documents.GetAsync(me, inA.Id)).ModifiedAt;

        var intoB = await Assert.ThrowsAsync<AppException>(() => Folders.MoveDocumentAsync(me, inA.Id, dealB.Id));
        Assert.Equal(ApiErrorCode.ItemNameInUse, intoB.Code);
        Assert.Equal("There is already a document named \"NDA.pdf\" in \"Deal B\". Rename one of them first, then move it.", intoB.Message);
        var toRoot = await Assert.ThrowsAsync<AppException>(() => Folders.MoveDocumentAsync(me, inB.Id, null));
        Assert.Equal(ApiErrorCode.ItemNameInUse, toRoot.Code);
        Assert.Equal("There is already a document named \"nda.pdf\" at the root. Rename one of them first, then move it.", toRoot.Message);
        Assert.Equal(before, await LiveAsync(me));
        Assert.Equal(modified, (await Documents.GetAsync(me, inA.Id)).ModifiedAt);

        // Once the name is free there, the move goes through.
        await Documents.RenameAsync(me, atRoot.Id, "NDA old.pdf");
        await Folders.MoveDocumentAsync(me, inB.Id, null);
        Assert.Null((await Documents.GetAsync(me, inB.Id)).FolderId);
    }

    [Fact]
    public async Task Concurrent_uploads_of_one_name_into_one_folder_or_the_root_let_exactly_one_win()
    {
        // The race is about the name, so the PDF check must not decide it: by default two workers run at once (one per
        // core here) and waiting for one counts against its 20 s limit, so on a loaded machine the third and fourth
        // upload were refused as busy (file_conversion_failure) before they ever reached the name — what made this
        // test fail now and then (on PostgreSQL: 1 ok, 1 filename_exists, 2 others). Four workers, a generous limit.
        await using var app = new ESignAppFactory
        {
            Settings = new() { ["ESign:PdfInspection:MaxConcurrent"] = "4", ["ESign:PdfInspection:TimeoutSeconds"] = "120" },
        };
        var me = await app.CreateUserAsync($"names-{Guid.NewGuid():N}@example.com");
        var deal = await app.Get<FolderService>().CreateAsync(me, null, "Deal");
        var documents = app.Get<DocumentService>();
        foreach (var folderId in new int?[] { deal.Id, null })
        {
            var bytes = TestPdf.Pages(1);
            var attempts = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                try { await documents.ImportAsync(me, "Race.pdf", new MemoryStream(bytes), false, folderId); return "ok"; }
                catch (AppException ex) { return ex.Code.WireCode(); }
            })).ToList();
            var outcomes = await Task.WhenAll(attempts);
            // Every outcome at once, so a failure says what the others were. The losers' unique-index violation
            // (UX_Documents_OwnerId_Folder_Name; PostgreSQL 23505, SQLite 19) is filename_exists on both providers.
            Assert.Equal(["filename_exists", "filename_exists", "filename_exists", "ok"], outcomes.Order(StringComparer.Ordinal).ToArray());
            await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            Assert.Equal(1, await db.Documents.CountAsync(d => d.OwnerId == me && d.DeletedAt == null && d.Name == "Race.pdf" && d.FolderId == folderId));
        }
    }

    [Fact]
    public async Task Box_upload_takes_one_name_in_two_folders_and_refuses_it_twice_in_one_with_that_folders_file()
    {
        var owner = await _app.CreateUserAsync($"names-box-{Guid.NewGuid():N}@example.com", "Na", "Mes");
        var client = (await _app.ApiClientAsync(owner)).Client;
        async Task<string> FolderAsync(string name) =>
            (await JsonAsync(await client.PostAsJsonAsync("/2.0/folders", new { name, parent = new { id = "0" } }))).GetProperty("id").GetString()!;
        var dealA = await FolderAsync("Deal A");
        var dealB = await FolderAsync("Deal B");

        var ids = new Dictionary<string, string>();
        foreach (var parent in new[] { dealA, dealB, "0" })
        {
            var r = await client.PostAsync("/api/2.0/files/content", BoxUpload(Attributes("contract.pdf", parent), TestPdf.Pages(1)));
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
            var entry = (await JsonAsync(r)).GetProperty("entries")[0];
            Assert.Equal(parent, entry.GetProperty("parent").GetProperty("id").GetString());
            ids[parent] = entry.GetProperty("id").GetString()!;
        }

        var again = await client.PostAsync("/api/2.0/files/content", BoxUpload(Attributes("Contract.pdf", dealB), TestPdf.Pages(1)));
        await BoxApiBaseTests.AssertBoxErrorAsync(again, HttpStatusCode.Conflict, "item_name_in_use");
        Assert.Equal(ids[dealB], (await JsonAsync(again)).GetProperty("context_info").GetProperty("conflicts").GetProperty("id").GetString());
        var atRoot = await client.PostAsync("/api/2.0/files/content", BoxUpload(Attributes("contract.pdf", "0"), TestPdf.Pages(1)));
        await BoxApiBaseTests.AssertBoxErrorAsync(atRoot, HttpStatusCode.Conflict, "item_name_in_use");
        Assert.Equal(ids["0"], (await JsonAsync(atRoot)).GetProperty("context_info").GetProperty("conflicts").GetProperty("id").GetString());
        Assert.Equal(3, (await LiveAsync(owner)).Count);
    }

    [Fact]
    public async Task SignEasy_uploads_go_to_the_root_where_filename_exists_and_rename_if_exists_hold_as_before()
    {
        var me = await NewUserAsync();
        var deal = await Folders.CreateAsync(me, null, "Deal");
        await Documents.ImportAsync(me, "Offer.pdf", Pdf(), false, deal.Id);
        var client = (await _app.ApiClientAsync(me)).Client;
        MultipartFormDataContent Upload(bool? rename)
        {
            var form = new MultipartFormDataContent { { new StringContent("Offer.pdf"), "name" }, { new ByteArrayContent(TestPdf.Pages(1)), "file", "Offer.pdf" } };
            if (rename is not null) form.Add(new StringContent(rename.Value ? "true" : "false"), "rename_if_exists");
            return form;
        }

        var first = await client.PostAsync("/v1/files/original/", Upload(null));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode); // the folder's Offer.pdf is not at the root
        Assert.Equal("Offer.pdf", (await JsonAsync(first)).GetProperty("name").GetString());
        var exists = await client.PostAsync("/v1/files/original/", Upload(false));
        Assert.Equal(HttpStatusCode.BadRequest, exists.StatusCode);
        Assert.Equal("filename_exists", (await JsonAsync(exists)).GetProperty("error_code").GetString());
        var renamed = await client.PostAsync("/v1/files/original/", Upload(true));
        Assert.Equal("Offer (1).pdf", (await JsonAsync(renamed)).GetProperty("name").GetString());
        Assert.Equal([("Offer.pdf", deal.Id), ("Offer.pdf", null), ("Offer (1).pdf", null)],
            (await LiveAsync(me)).Select(d => (d.Name, d.FolderId)));
    }

    [Fact]
    public async Task Unfiling_before_account_deletion_numbers_names_the_root_already_has()
    {
        var me = await NewUserAsync();
        var a = await Folders.CreateAsync(me, null, "A");
        var b = await Folders.CreateAsync(me, a.Id, "B");
        await Documents.ImportAsync(me, "Deal.pdf", Pdf(), false, null);
        await Documents.ImportAsync(me, "Deal.pdf", Pdf(), false, a.Id);
        await Documents.ImportAsync(me, "deal.pdf", Pdf(), false, b.Id);

        await Folders.UnfileAllAsync(me);

        Assert.Equal([("Deal.pdf", null), ("Deal (1).pdf", null), ("deal (2).pdf", null)],
            (await LiveAsync(me)).Select(d => (d.Name, d.FolderId)));
    }

    [Fact]
    public async Task Migration_DocumentNamesPerFolder_makes_names_unique_per_folder_and_at_the_root_case_insensitively()
    {
        var path = Path.Combine(Path.GetTempPath(), $"esign-migration-{Guid.NewGuid():N}.db");
        try
        {
            var options = MigrationDb.Options(path, _app.Services);
            await using (var db = new AppDbContext(options))
                await db.GetService<IMigrator>().MigrateAsync("20261127223000_TemplateRoleOrder");

            await using var c = new SqliteConnection($"Data Source={path};Pooling=False");
            await c.OpenAsync();
            await ExecAsync(c, "PRAGMA foreign_keys = OFF;");
            await ExecAsync(c, """INSERT INTO "Folders" ("Id", "OwnerId", "Name", "CreatedAt", "ModifiedAt") VALUES (1, 'u', 'A', 0, 0), (2, 'u', 'B', 0, 0);""");
            await InsertDocAsync(c, 1, "x.pdf", null);
            // Before: one name per account.
            var before = await Assert.ThrowsAsync<SqliteException>(() => InsertDocAsync(c, 2, "x.pdf", 1));
            Assert.Equal(19, before.SqliteErrorCode);

            await using (var db = new AppDbContext(options))
                await db.Database.MigrateAsync();

            await InsertDocAsync(c, 2, "x.pdf", 1);
            await InsertDocAsync(c, 3, "X.PDF", 2);
            await InsertDocAsync(c, 4, "x.pdf", null, deleted: true); // removed documents do not hold their name
            foreach (var (id, name, folder) in new (int, string, int?)[] { (5, "X.pdf", null), (6, "x.PDF", 1) })
                Assert.Equal(19, (await Assert.ThrowsAsync<SqliteException>(() => InsertDocAsync(c, id, name, folder))).SqliteErrorCode);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    private static async Task InsertDocAsync(SqliteConnection c, int id, string name, int? folderId, bool deleted = false)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = """
            INSERT INTO "Documents" ("Id", "OwnerId", "Name", "BlobKey", "Sha256", "SizeBytes", "PageCount", "Pages", "TextTags", "CreatedAt", "ModifiedAt", "FolderId", "DeletedAt")
            VALUES ($id, 'u', $name, 'k', 'k', 1, 1, '[]', '[]', 0, 0, $folder, $deleted);
            """;
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$name", name);
        cmd.Parameters.AddWithValue("$folder", (object?)folderId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$deleted", deleted ? 1L : DBNull.Value);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task ExecAsync(SqliteConnection c, string sql)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }
}
