using ESignWeb.OAuth;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using ESignWeb.Components.Shared;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Folders;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Api.Box;

/// <summary>
/// Box folders over <see cref="FolderService"/> (docs/api.md "Box 2.0"): a folder with its items (<c>"0"</c> the root,
/// Box's "All Files"), a page of its items, and creating one. A folder's items are its sub-folders, then its documents
/// and signed files, as mini objects.
/// </summary>
public static class BoxFolderEndpoints
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static void MapBoxFolders(this RouteGroupBuilder api)
    {
        api.MapGet("/folders/{id}", GetAsync).RequireScope(OAuth.ApiScopes.DocumentsRead).WithSummary("A folder (Box folder object) with the first page of its items; \"0\" is the root.");
        api.MapGet("/folders/{id}/items", ItemsAsync).RequireScope(OAuth.ApiScopes.DocumentsRead).WithSummary("A page of a folder's items (limit ≤ 1000, offset).");
        api.MapPost("/folders", CreateAsync).RequireScope(OAuth.ApiScopes.Documents).WithSummary("Create a folder (JSON: name, parent.id) → 201 folder.");
    }

    private static async Task<IResult> GetAsync(string id, HttpRequest request, ClaimsPrincipal user, FolderService folders, BoxFiles files,
        IDbContextFactory<AppDbContext> dbFactory, CancellationToken ct)
    {
        var (limit, offset) = Paging(request);
        return BoxJson.Ok(await FullAsync(user.UserId(), ParseId(id), limit, offset, folders, files, dbFactory, ct));
    }

    private static async Task<IResult> ItemsAsync(string id, HttpRequest request, ClaimsPrincipal user, FolderService folders, BoxFiles files,
        CancellationToken ct)
    {
        var (limit, offset) = Paging(request);
        var contents = await folders.ListAsync(user.UserId(), ParseId(id), ct);
        return BoxJson.Ok(await PageAsync(contents, limit, offset, files, ct));
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, ClaimsPrincipal user, FolderService folders, BoxFiles files,
        IDbContextFactory<AppDbContext> dbFactory, CancellationToken ct)
    {
        JsonObject body;
        try { body = await JsonNode.ParseAsync(request.Body, cancellationToken: ct) as JsonObject ?? throw new JsonException("Expected a JSON object."); }
        catch (JsonException ex) { throw AppException.BadRequest("The body is not valid JSON: " + ex.Message); }
        if (body["name"] is not JsonValue nameValue || nameValue.GetValueKind() != JsonValueKind.String)
            throw AppException.BadRequest("name is required (a string).");
        if ((body["parent"] as JsonObject)?["id"] is not JsonValue parentValue || parentValue.GetValueKind() != JsonValueKind.String)
            throw AppException.BadRequest("parent.id is required (a string; \"0\" for the root folder).");
        var parentId = ParseId(parentValue.GetValue<string>());
        var owner = user.UserId();
        Folder folder;
        try
        {
            folder = await folders.CreateAsync(owner, parentId, nameValue.GetValue<string>(), ct);
        }
        catch (AppException ex) when (ex.Code == ApiErrorCode.ItemNameInUse)
        {
            var clean = FolderRules.CleanName(nameValue.GetValue<string>());
            var siblings = (await folders.ListAsync(owner, parentId, ct)).Folders.Where(f => FolderRules.NameTaken([f.Name], clean));
            return BoxFileEndpoints.Conflict(request.HttpContext, ex, siblings.Select(f => BoxFileDto.FolderMini(f.Id, f.Name)).ToList());
        }
        return BoxJson.Ok(await FullAsync(owner, folder.Id, DefaultLimit, 0, folders, files, dbFactory, ct), StatusCodes.Status201Created);
    }

    /// <summary>A folder id of the caller's (not someone else's: those are <c>not_found</c> when looked up); null the root.</summary>
    private static int? ParseId(string id) => BoxIds.TryParseFolder(id, out var rowId) ? rowId : throw AppException.NotFound("The folder");

    /// <summary>Box's <c>limit</c> (1–1000, default 100) and <c>offset</c> (≥ 0); anything else is <c>bad_request</c>.</summary>
    internal static (int Limit, int Offset) Paging(HttpRequest request)
    {
        var limit = Number(request, "limit", DefaultLimit);
        var offset = Number(request, "offset", 0);
        if (limit < 1 || limit > MaxLimit) throw AppException.BadRequest($"limit must be between 1 and {MaxLimit}.");
        return (limit, offset);
    }

    private static int Number(HttpRequest request, string name, int fallback)
    {
        var raw = request.Query[name].ToString();
        if (raw.Length == 0) return fallback;
        return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n : throw AppException.BadRequest($"{name} must be a whole number ≥ 0.");
    }

    private static async Task<BoxFolderFull> FullAsync(string ownerId, int? folderId, int limit, int offset, FolderService folders, BoxFiles files,
        IDbContextFactory<AppDbContext> dbFactory, CancellationToken ct)
    {
        var contents = await folders.ListAsync(ownerId, folderId, ct);
        var items = await PageAsync(contents, limit, offset, files, ct);
        var owner = BoxFileDto.User(await BoxFileEndpoints.OwnerAsync(dbFactory, ownerId, ct));
        var size = contents.Documents.Sum(d => d.SizeBytes) + contents.SignedFiles.Sum(f => files.SizeOf(f.BlobKey));
        if (contents.Folder is not { } f)
            return new BoxFolderFull("folder", BoxIds.RootFolder, null, null, "All Files", null, null, "", size, new BoxPathCollection(0, []),
                owner, owner, null, null, null, null, owner, null, null, null, "active", items);
        var mini = BoxFileDto.FolderMini(f.Id, f.Name);
        var above = contents.Path.Take(contents.Path.Count - 1).ToList();
        var parent = above.Count == 0 ? BoxFileDto.FolderMini(null, "") : BoxFileDto.FolderMini(above[^1].Id, above[^1].Name);
        return new BoxFolderFull("folder", mini.Id, mini.Etag, mini.SequenceId, f.Name, BoxJson.Time(f.CreatedAt), BoxJson.Time(f.ModifiedAt), "",
            size, BoxFileDto.Path(above), owner, owner, null, null, BoxJson.Time(f.CreatedAt), BoxJson.Time(f.ModifiedAt), owner, null, null,
            parent, "active", items);
    }

    /// <summary>
    /// A page of a folder's items: its folders (by name), then its files — documents and signed files — by name; the
    /// files' SHA-1s are read for the page only.
    /// </summary>
    private static async Task<BoxItems> PageAsync(FolderContents contents, int limit, int offset, BoxFiles files, CancellationToken ct)
    {
        var fileRows = contents.Documents
            .Select(d => new BoxFileRow(BoxFileKind.Document, d.Id, d.Name, d.BlobKey, d.FolderId, d.CreatedAt, d.ModifiedAt))
            .Concat(contents.SignedFiles.Select(s => new BoxFileRow(BoxFileKind.SignedFile, s.Id, s.Name, s.BlobKey, s.FolderId, s.CreatedAt, s.ModifiedAt)))
            .OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.Kind).ThenBy(r => r.RowId);
        var all = contents.Folders.Select(f => (object)f).Concat(fileRows).ToList();
        var entries = new List<object>();
        foreach (var item in all.Skip(offset).Take(limit))
            entries.Add(item is Folder f ? BoxFileDto.FolderMini(f.Id, f.Name) : await files.MiniAsync((BoxFileRow)item, ct));
        return new BoxItems(all.Count, limit, offset, [new("type", "ASC"), new("name", "ASC")], entries);
    }
}
