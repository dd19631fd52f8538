using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ESignWeb.Domain;
using ESignWeb.Folders;
using ESignWeb.Tests.Fixtures;
using static ESignWeb.Tests.Integration.BoxApiBaseTests;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Box files and folders over HTTP: upload (Box's multipart, 201 <c>Files</c>), the file object and its bytes for every
/// kind of file, folders with their items and paging, creating folders, and every refusal as Box's error object.
/// Keys and JSON types are checked against Box's reference for <c>FileFull</c>, <c>FolderFull</c> and the mini objects.
/// </summary>
public class BoxFilesApiTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public BoxFilesApiTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    private async Task<(string Owner, HttpClient Client)> ClientAsync()
    {
        var owner = await _app.CreateUserAsync($"boxfiles-{Guid.NewGuid():N}@example.com", "Fi", "Les");
        return (owner, (await _app.ApiClientAsync(owner)).Client);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;

    private static string Sha1(byte[] bytes) => Convert.ToHexStringLower(SHA1.HashData(bytes));

    /// <summary>Box's upload body as its SDK sends it: <c>attributes</c> (JSON) first, then <c>file</c>.</summary>
    internal static MultipartFormDataContent BoxUpload(string? attributes, byte[]? file, string fileName = "upload.pdf")
    {
        var form = new MultipartFormDataContent();
        if (attributes is not null) form.Add(new StringContent(attributes, Encoding.UTF8), "attributes");
        if (file is not null)
        {
            var part = new ByteArrayContent(file);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "file", fileName);
        }
        return form;
    }

    internal static string Attributes(string name, string parent) => JsonSerializer.Serialize(new { name, parent = new { id = parent } });

    private static async Task<JsonElement> CreateFolderAsync(HttpClient client, string name, string parent)
    {
        var r = await client.PostAsJsonAsync("/2.0/folders", new { name, parent = new { id = parent } });
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        return await JsonAsync(r);
    }

    private static void AssertKinds(JsonElement o, params (string Key, JsonValueKind Kind)[] expected)
    {
        foreach (var (key, kind) in expected)
        {
            Assert.True(o.TryGetProperty(key, out var v), $"missing {key}");
            Assert.True(v.ValueKind == kind, $"{key}: {v.ValueKind}, expected {kind}");
        }
    }

    private static void AssertFileMini(JsonElement f)
    {
        AssertKinds(f, ("type", JsonValueKind.String), ("id", JsonValueKind.String), ("etag", JsonValueKind.String),
            ("sequence_id", JsonValueKind.String), ("name", JsonValueKind.String), ("sha1", JsonValueKind.String), ("file_version", JsonValueKind.Object));
        Assert.Equal("file", f.GetProperty("type").GetString());
        Assert.Matches("^[0-9a-f]{40}$", f.GetProperty("sha1").GetString());
        var v = f.GetProperty("file_version");
        AssertKinds(v, ("type", JsonValueKind.String), ("id", JsonValueKind.String), ("sha1", JsonValueKind.String));
        Assert.Equal("file_version", v.GetProperty("type").GetString());
        Assert.Equal(f.GetProperty("sha1").GetString(), v.GetProperty("sha1").GetString());
    }

    /// <summary>FileFull's fields (Box reference): strings, numbers, objects and the nullable ones null.</summary>
    private static void AssertFileFull(JsonElement f)
    {
        AssertFileMini(f);
        AssertKinds(f, ("size", JsonValueKind.Number), ("description", JsonValueKind.String), ("path_collection", JsonValueKind.Object),
            ("created_at", JsonValueKind.String), ("modified_at", JsonValueKind.String), ("content_created_at", JsonValueKind.String),
            ("content_modified_at", JsonValueKind.String), ("trashed_at", JsonValueKind.Null), ("purged_at", JsonValueKind.Null),
            ("shared_link", JsonValueKind.Null), ("parent", JsonValueKind.Object), ("item_status", JsonValueKind.String),
            ("created_by", JsonValueKind.Object), ("modified_by", JsonValueKind.Object), ("owned_by", JsonValueKind.Object));
        Assert.Equal("active", f.GetProperty("item_status").GetString());
        Assert.True(DateTimeOffset.TryParse(f.GetProperty("created_at").GetString(), out _));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$", f.GetProperty("modified_at").GetString());
        var path = f.GetProperty("path_collection");
        Assert.Equal(path.GetProperty("entries").GetArrayLength(), path.GetProperty("total_count").GetInt32());
        Assert.Equal("0", path.GetProperty("entries")[0].GetProperty("id").GetString());
        Assert.Equal(f.GetProperty("parent").GetProperty("id").GetString(), path.GetProperty("entries")[path.GetProperty("entries").GetArrayLength() - 1].GetProperty("id").GetString());
        AssertKinds(f.GetProperty("owned_by"), ("type", JsonValueKind.String), ("id", JsonValueKind.String), ("login", JsonValueKind.String));
    }

    private static void AssertFolderFull(JsonElement f)
    {
        AssertKinds(f, ("type", JsonValueKind.String), ("id", JsonValueKind.String), ("name", JsonValueKind.String), ("size", JsonValueKind.Number),
            ("path_collection", JsonValueKind.Object), ("item_collection", JsonValueKind.Object), ("item_status", JsonValueKind.String),
            ("owned_by", JsonValueKind.Object), ("shared_link", JsonValueKind.Null), ("folder_upload_email", JsonValueKind.Null));
        Assert.Equal("folder", f.GetProperty("type").GetString());
        var items = f.GetProperty("item_collection");
        AssertKinds(items, ("total_count", JsonValueKind.Number), ("limit", JsonValueKind.Number), ("offset", JsonValueKind.Number),
            ("order", JsonValueKind.Array), ("entries", JsonValueKind.Array));
    }

    [Fact]
    public async Task An_upload_into_a_folder_answers_201_Files_and_the_file_reads_back_with_Box_sha1()
    {
        var (_, client) = await ClientAsync();
        var folder = await CreateFolderAsync(client, "Contracts", "0");
        AssertFolderFull(folder);
        var folderId = folder.GetProperty("id").GetString()!;
        Assert.Equal("0", folder.GetProperty("parent").GetProperty("id").GetString());

        var pdf = TestPdf.Pages(2);
        var r = await client.PostAsync("/api/2.0/files/content", BoxUpload(Attributes("Lease.pdf", folderId), pdf));
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var files = await JsonAsync(r);
        Assert.Equal(1, files.GetProperty("total_count").GetInt32());
        var file = files.GetProperty("entries")[0];
        AssertFileFull(file);
        Assert.Equal("Lease.pdf", file.GetProperty("name").GetString());
        Assert.Equal(folderId, file.GetProperty("parent").GetProperty("id").GetString());
        Assert.Equal(2, file.GetProperty("path_collection").GetProperty("total_count").GetInt32());
        Assert.Equal("pdf", file.GetProperty("extension").GetString());
        var id = file.GetProperty("id").GetString()!;

        var got = await JsonAsync(await client.GetAsync($"/2.0/files/{id}"));
        AssertFileFull(got);
        Assert.Equal(file.GetProperty("sha1").GetString(), got.GetProperty("sha1").GetString());

        var content = await client.GetAsync($"/2.0/files/{id}/content");
        Assert.Equal(HttpStatusCode.OK, content.StatusCode);
        Assert.Equal("application/pdf", content.Content.Headers.ContentType?.MediaType);
        var bytes = await content.Content.ReadAsByteArrayAsync();
        Assert.Equal(Sha1(bytes), got.GetProperty("sha1").GetString());
        Assert.Equal(bytes.Length, got.GetProperty("size").GetInt64());

        // The folder lists it; the root lists the folder.
        var inFolder = await JsonAsync(await client.GetAsync($"/2.0/folders/{folderId}"));
        AssertFolderFull(inFolder);
        Assert.Equal(bytes.Length, inFolder.GetProperty("size").GetInt64());
        var entry = inFolder.GetProperty("item_collection").GetProperty("entries")[0];
        AssertFileMini(entry);
        Assert.Equal(id, entry.GetProperty("id").GetString());
        var root = await JsonAsync(await client.GetAsync("/2.0/folders/0"));
        AssertFolderFull(root);
        Assert.Equal("All Files", root.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("parent").ValueKind);
        Assert.Equal(0, root.GetProperty("path_collection").GetProperty("total_count").GetInt32());
        var sub = root.GetProperty("item_collection").GetProperty("entries")[0];
        Assert.Equal("folder", sub.GetProperty("type").GetString());
        Assert.Equal(folderId, sub.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Bad_uploads_are_precise_Box_errors_and_create_nothing()
    {
        var (_, client) = await ClientAsync();
        var (_, otherClient) = await ClientAsync();
        var theirs = (await CreateFolderAsync(otherClient, "Theirs", "0")).GetProperty("id").GetString()!;
        var pdf = TestPdf.Pages(1);
        async Task Refused(HttpContent body, HttpStatusCode status, string code) =>
            await AssertBoxErrorAsync(await client.PostAsync("/api/2.0/files/content", body), status, code);

        await Refused(BoxUpload(null, pdf), HttpStatusCode.BadRequest, "bad_request");
        await Refused(BoxUpload("{not json", pdf), HttpStatusCode.BadRequest, "bad_request");
        await Refused(BoxUpload("""{"parent":{"id":"0"}}""", pdf), HttpStatusCode.BadRequest, "bad_request");
        await Refused(BoxUpload("""{"name":"x.pdf"}""", pdf), HttpStatusCode.BadRequest, "bad_request");
        await Refused(BoxUpload(Attributes("x.pdf", "0"), null), HttpStatusCode.BadRequest, "bad_request");
        await Refused(BoxUpload(Attributes("x.pdf", "0"), []), HttpStatusCode.BadRequest, "bad_request");
        await Refused(BoxUpload(Attributes("x.pdf", "0"), "hello, not a PDF"u8.ToArray()), HttpStatusCode.BadRequest, "bad_request");
        await Refused(BoxUpload(Attributes("x.pdf", theirs), pdf), HttpStatusCode.NotFound, "not_found");
        await Refused(BoxUpload(Attributes("x.pdf", "not-a-folder"), pdf), HttpStatusCode.NotFound, "not_found");
        await Refused(new StringContent("{}", Encoding.UTF8, "application/json"), HttpStatusCode.BadRequest, "bad_request");

        // The same name again: 409 with the file that has it.
        var first = await client.PostAsync("/api/2.0/files/content", BoxUpload(Attributes("Same.pdf", "0"), pdf));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var firstId = (await JsonAsync(first)).GetProperty("entries")[0].GetProperty("id").GetString();
        var again = await client.PostAsync("/api/2.0/files/content", BoxUpload(Attributes("Same.pdf", "0"), TestPdf.Pages(3)));
        await AssertBoxErrorAsync(again, HttpStatusCode.Conflict, "item_name_in_use");
        var conflict = (await JsonAsync(again)).GetProperty("context_info").GetProperty("conflicts");
        AssertFileMini(conflict);
        Assert.Equal(firstId, conflict.GetProperty("id").GetString());

        // Only the one good upload exists, for this user; nothing landed in the other user's folder.
        var root = await JsonAsync(await client.GetAsync("/2.0/folders/0"));
        Assert.Equal(1, root.GetProperty("item_collection").GetProperty("total_count").GetInt32());
        var theirsNow = await JsonAsync(await otherClient.GetAsync($"/2.0/folders/{theirs}"));
        Assert.Equal(0, theirsNow.GetProperty("item_collection").GetProperty("total_count").GetInt32());
    }

    [Fact]
    public async Task Every_kind_of_file_reads_as_a_Box_file_and_only_its_owner_sees_it()
    {
        var scenario = await new SigningScenario(_app).SendAsync(false, "boxkinds@example.com");
        // While out for signature the file being signed is the document's bytes, version 1.
        var open = await scenario.LoadAsync();
        var openOwner = (await _app.ApiClientAsync(scenario.Owner, "open")).Client;
        var openCopy = await JsonAsync(await openOwner.GetAsync($"/2.0/files/{ESignWeb.Api.Box.BoxIds.File(ESignWeb.Api.Box.BoxFileKind.SignCopy, open.Id)}"));
        var document = await JsonAsync(await openOwner.GetAsync($"/2.0/files/{ESignWeb.Api.Box.BoxIds.File(ESignWeb.Api.Box.BoxFileKind.Document, open.DocumentId)}"));
        Assert.Equal(document.GetProperty("sha1").GetString(), openCopy.GetProperty("sha1").GetString());
        Assert.Equal(("1", "0"), (openCopy.GetProperty("version_number").GetString(), openCopy.GetProperty("etag").GetString()));
        await scenario.SignAsync("boxkinds@example.com");
        var done = await scenario.WaitForStatusAsync(RequestStatus.Complete);
        var owner = (await _app.ApiClientAsync(scenario.Owner)).Client;
        var ids = new[]
        {
            ESignWeb.Api.Box.BoxIds.File(ESignWeb.Api.Box.BoxFileKind.Document, done.DocumentId),
            ESignWeb.Api.Box.BoxIds.File(ESignWeb.Api.Box.BoxFileKind.SignedFile, done.SignedFileId!.Value),
            ESignWeb.Api.Box.BoxIds.File(ESignWeb.Api.Box.BoxFileKind.AuditTrail, done.SignedFileId!.Value),
            ESignWeb.Api.Box.BoxIds.File(ESignWeb.Api.Box.BoxFileKind.SignCopy, done.Id),
        };
        var sha1s = new HashSet<string>();
        foreach (var id in ids)
        {
            var r = await owner.GetAsync($"/2.0/files/{id}");
            Assert.True(r.StatusCode == HttpStatusCode.OK, $"{id}: {(int)r.StatusCode}");
            var file = await JsonAsync(r);
            AssertFileFull(file);
            Assert.Equal(id, file.GetProperty("id").GetString());
            var bytes = await owner.GetByteArrayAsync($"/2.0/files/{id}/content");
            Assert.StartsWith("%PDF", Encoding.ASCII.GetString(bytes, 0, 4));
            Assert.Equal(Sha1(bytes), file.GetProperty("sha1").GetString());
            sha1s.Add(Sha1(bytes));
        }
        Assert.Equal(3, sha1s.Count); // document, sealed PDF (= the completed request's sign copy), audit trail
        var copy = await JsonAsync(await owner.GetAsync($"/2.0/files/{ids[3]}"));
        var sealedFile = await JsonAsync(await owner.GetAsync($"/2.0/files/{ids[1]}"));
        Assert.Equal(sealedFile.GetProperty("sha1").GetString(), copy.GetProperty("sha1").GetString());
        Assert.Equal("2", copy.GetProperty("version_number").GetString());
        Assert.Equal("1", copy.GetProperty("sequence_id").GetString());
        Assert.EndsWith("audit trail.pdf", (await JsonAsync(await owner.GetAsync($"/2.0/files/{ids[2]}"))).GetProperty("name").GetString());

        var (_, stranger) = await ClientAsync();
        foreach (var id in ids)
        {
            await AssertBoxErrorAsync(await stranger.GetAsync($"/2.0/files/{id}"), HttpStatusCode.NotFound, "not_found");
            await AssertBoxErrorAsync(await stranger.GetAsync($"/2.0/files/{id}/content"), HttpStatusCode.NotFound, "not_found");
        }
        foreach (var bad in new[] { "abc", "5", "19", "-11", "99999999999999999999" })
            await AssertBoxErrorAsync(await owner.GetAsync($"/2.0/files/{bad}"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Folders_are_created_with_Box_rules_and_page_their_items()
    {
        var (_, client) = await ClientAsync();
        var parent = await CreateFolderAsync(client, "Projects", "0");
        var parentId = parent.GetProperty("id").GetString()!;
        var child = await CreateFolderAsync(client, "Alpha", parentId);
        AssertFolderFull(child);
        Assert.Equal(parentId, child.GetProperty("parent").GetProperty("id").GetString());
        var path = child.GetProperty("path_collection");
        Assert.Equal(2, path.GetProperty("total_count").GetInt32());
        Assert.Equal(["0", parentId], path.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToArray());

        // Box's name rules and the 409 with the folder that has the name (names compare case-insensitively).
        var dup = await client.PostAsJsonAsync("/2.0/folders", new { name = "alpha", parent = new { id = parentId } });
        await AssertBoxErrorAsync(dup, HttpStatusCode.Conflict, "item_name_in_use");
        var conflicts = (await JsonAsync(dup)).GetProperty("context_info").GetProperty("conflicts");
        Assert.Equal(child.GetProperty("id").GetString(), conflicts[0].GetProperty("id").GetString());
        await AssertBoxErrorAsync(await client.PostAsJsonAsync("/2.0/folders", new { name = "a/b", parent = new { id = "0" } }),
            HttpStatusCode.BadRequest, "item_name_invalid");
        await AssertBoxErrorAsync(await client.PostAsJsonAsync("/2.0/folders", new { name = new string('x', 256), parent = new { id = "0" } }),
            HttpStatusCode.BadRequest, "item_name_too_long");
        await AssertBoxErrorAsync(await client.PostAsJsonAsync("/2.0/folders", new { name = "No parent" }), HttpStatusCode.BadRequest, "bad_request");
        await AssertBoxErrorAsync(await client.PostAsync("/2.0/folders", new StringContent("{nope", Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest, "bad_request");

        // Paging: Alpha, Beta, Gamma and a file.
        await CreateFolderAsync(client, "Gamma", parentId);
        await CreateFolderAsync(client, "Beta", parentId);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/2.0/files/content", BoxUpload(Attributes("Zed.pdf", parentId), TestPdf.Pages(1)))).StatusCode);
        var page1 = await JsonAsync(await client.GetAsync($"/2.0/folders/{parentId}/items?limit=2&offset=0"));
        Assert.Equal(4, page1.GetProperty("total_count").GetInt32());
        Assert.Equal(2, page1.GetProperty("limit").GetInt32());
        Assert.Equal(["Alpha", "Beta"], page1.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToArray());
        var page2 = await JsonAsync(await client.GetAsync($"/2.0/folders/{parentId}/items?limit=2&offset=2"));
        Assert.Equal(["folder", "file"], page2.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToArray());
        var full = await JsonAsync(await client.GetAsync($"/2.0/folders/{parentId}?limit=3&offset=1"));
        Assert.Equal(3, full.GetProperty("item_collection").GetProperty("entries").GetArrayLength());
        var past = await JsonAsync(await client.GetAsync($"/2.0/folders/{parentId}/items?offset=10"));
        Assert.Equal(0, past.GetProperty("entries").GetArrayLength());
        foreach (var q in new[] { "limit=0", "limit=1001", "limit=abc", "offset=-1" })
            await AssertBoxErrorAsync(await client.GetAsync($"/2.0/folders/{parentId}/items?{q}"), HttpStatusCode.BadRequest, "bad_request");

        // Someone else's folder is not found, to read or to create in.
        var (_, stranger) = await ClientAsync();
        await AssertBoxErrorAsync(await stranger.GetAsync($"/2.0/folders/{parentId}"), HttpStatusCode.NotFound, "not_found");
        await AssertBoxErrorAsync(await stranger.GetAsync($"/2.0/folders/{parentId}/items"), HttpStatusCode.NotFound, "not_found");
        await AssertBoxErrorAsync(await stranger.PostAsJsonAsync("/2.0/folders", new { name = "In", parent = new { id = parentId } }),
            HttpStatusCode.NotFound, "not_found");
        await AssertBoxErrorAsync(await client.GetAsync("/2.0/folders/abc"), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0, (await JsonAsync(await stranger.GetAsync("/2.0/folders/0"))).GetProperty("item_collection").GetProperty("total_count").GetInt32());
    }

    [Fact]
    public async Task A_gzip_compressed_file_part_is_imported_as_its_PDF_and_a_broken_gzip_is_refused()
    {
        var (_, client) = await ClientAsync();
        var pdf = TestPdf.Pages(1);
        using var packed = new MemoryStream();
        await using (var gz = new System.IO.Compression.GZipStream(packed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            await gz.WriteAsync(pdf);
        var r = await client.PostAsync("/api/2.0/files/content", BoxUpload(Attributes("Packed.pdf", "0"), packed.ToArray()));
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var file = (await JsonAsync(r)).GetProperty("entries")[0];
        var bytes = await client.GetByteArrayAsync($"/2.0/files/{file.GetProperty("id").GetString()}/content");
        Assert.StartsWith("%PDF", Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.Equal(Sha1(bytes), file.GetProperty("sha1").GetString());

        byte[] broken = [0x1F, 0x8B, 0x08, 0x00, 0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x01, 0x02];
        await AssertBoxErrorAsync(await client.PostAsync("/api/2.0/files/content", BoxUpload(Attributes("Broken.pdf", "0"), broken)),
            HttpStatusCode.BadRequest, "bad_request");
        Assert.Equal(1, (await JsonAsync(await client.GetAsync("/2.0/folders/0"))).GetProperty("item_collection").GetProperty("total_count").GetInt32());
    }

    [Fact]
    public void Mini_file_objects_carry_the_version_in_etag_sequence_and_version_id()
    {
        var one = ESignWeb.Api.Box.BoxFileDto.Mini(ESignWeb.Api.Box.BoxFileKind.SignCopy, 12, "a.pdf", "ab", 1);
        var two = ESignWeb.Api.Box.BoxFileDto.Mini(ESignWeb.Api.Box.BoxFileKind.SignCopy, 12, "a.pdf", "cd", 2);
        Assert.Equal(("124", "0", "0"), (one.Id, one.Etag, one.SequenceId));
        Assert.Equal(("124", "1", "1"), (two.Id, two.Etag, two.SequenceId));
        Assert.NotEqual(one.FileVersion!.Id, two.FileVersion!.Id);
        Assert.Equal("cd", two.FileVersion.Sha1);
    }
}
