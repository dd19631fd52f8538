using ESignWeb.OAuth;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using ESignWeb.Components.Shared;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Documents;
using ESignWeb.Folders;
using ESignWeb.Hosting;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Api.Box;

/// <summary>
/// Box files (docs/api.md "Box 2.0"): upload a PDF into a folder (<c>POST /api/2.0/files/content</c>, Box's upload
/// host path), a file's object and its bytes, for every kind of file a Box file id names (<see cref="BoxFiles"/>).
/// </summary>
public static class BoxFileEndpoints
{
    /// <summary>Maps the file endpoints on <paramref name="api"/> (<c>/2.0</c>) and <paramref name="upload"/> (<c>/api/2.0</c>), and the folders'.</summary>
    public static void MapBoxFiles(this RouteGroupBuilder api, RouteGroupBuilder upload)
    {
        upload.MapPost("/files/content", UploadAsync).AcceptsUpload().RequireScope(OAuth.ApiScopes.Documents)
            .WithSummary("Upload a PDF (multipart: attributes {name, parent:{id}} then file; gzip accepted) → 201 Files.");
        api.MapGet("/files/{id}", GetAsync).RequireScope(OAuth.ApiScopes.DocumentsRead).WithSummary("A file (Box file object): document, sealed PDF, audit trail or sign copy.");
        api.MapGet("/files/{id}/content", ContentAsync).RequireScope(OAuth.ApiScopes.DocumentsRead).WithSummary("A file's bytes (the PDF).");
        api.MapBoxFolders();
    }

    private static async Task<IResult> GetAsync(string id, ClaimsPrincipal user, BoxFiles files, FolderService folders,
        IDbContextFactory<AppDbContext> dbFactory, CancellationToken ct)
    {
        var file = await files.GetAsync(user.UserId(), id, ct);
        return BoxJson.Ok(await FullAsync(file, user.UserId(), files, folders, dbFactory, ct));
    }

    private static async Task<IResult> ContentAsync(string id, ClaimsPrincipal user, BoxFiles files, CancellationToken ct)
    {
        var file = await files.GetAsync(user.UserId(), id, ct);
        return Results.File(files.Open(file), "application/pdf", file.Name);
    }

    /// <summary>
    /// Box's upload: the <c>attributes</c> part (JSON: <c>name</c>, <c>parent.id</c>) and the <c>file</c> part, read by
    /// <see cref="UploadForm"/> (streamed, bounded) and imported by <see cref="DocumentService"/> (the same checks as
    /// SignEasy's import). Every refusal comes before anything is stored.
    /// </summary>
    private static async Task<IResult> UploadAsync(HttpRequest request, ClaimsPrincipal user, DocumentService documents, BoxFiles files,
        FolderService folders, IDbContextFactory<AppDbContext> dbFactory, Storage.DataPaths paths, CancellationToken ct)
    {
        var owner = user.UserId();
        await using var form = await UploadForm.ReadAsync(request, paths, "file", ct);
        var (name, folderId) = ParseAttributes(form);
        if (form.FilePath is null) throw AppException.BadRequest("The multipart part file is required.");
        Domain.Document doc;
        try
        {
            await using var raw = File.OpenRead(form.FilePath);
            await using var content = await ApiEndpoints.MaybeGunzipAsync(raw, ct);
            doc = await documents.ImportAsync(owner, name, content, renameIfExists: false, folderId, ct);
        }
        catch (InvalidDataException)
        {
            throw AppException.BadRequest("The file looks gzip-compressed but cannot be decompressed.");
        }
        catch (AppException ex) when (ex.Code == ApiErrorCode.FilenameExists)
        {
            return await ConflictAsync(request.HttpContext, ex, owner, folderId, FileNames.Clean(name), files, dbFactory, ct);
        }
        var file = await files.GetAsync(owner, BoxIds.File(BoxFileKind.Document, doc.Id), ct);
        var full = await FullAsync(file, owner, files, folders, dbFactory, ct);
        return BoxJson.Ok(new BoxFileList(1, [full]), StatusCodes.Status201Created);
    }

    /// <summary>The <c>attributes</c> part: a JSON object with a non-empty <c>name</c> and <c>parent.id</c> (a folder id, "0" the root).</summary>
    internal static (string Name, int? FolderId) ParseAttributes(UploadForm form)
    {
        if (!form.Fields.TryGetValue("attributes", out var text) || string.IsNullOrWhiteSpace(text))
            throw AppException.BadRequest("The multipart part attributes is required (JSON: name and parent.id), before the part file.");
        JsonObject? attributes;
        try { attributes = JsonNode.Parse(text) as JsonObject; }
        catch (JsonException ex) { throw AppException.BadRequest("attributes is not valid JSON: " + ex.Message); }
        if (attributes is null) throw AppException.BadRequest("attributes must be a JSON object.");
        var name = StringOf(attributes["name"]);
        if (string.IsNullOrWhiteSpace(name)) throw AppException.BadRequest("attributes.name is required.");
        var parentId = StringOf((attributes["parent"] as JsonObject)?["id"]);
        if (parentId is null) throw AppException.BadRequest("attributes.parent.id is required (\"0\" for the root folder).");
        if (!BoxIds.TryParseFolder(parentId, out var folderId)) throw AppException.NotFound("The folder");
        return (name, folderId);
    }

    private static string? StringOf(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>The file object with its folder path and owner.</summary>
    internal static async Task<BoxFileFull> FullAsync(BoxFileRow file, string ownerId, BoxFiles files, FolderService folders,
        IDbContextFactory<AppDbContext> dbFactory, CancellationToken ct)
    {
        var facts = await files.FactsAsync(file.BlobKey, ct);
        IReadOnlyList<FolderCrumb> path;
        try { path = await folders.PathAsync(ownerId, file.FolderId, ct); }
        catch (AppException) { path = []; } // its folder is gone (a request's destination deleted since): the root
        return BoxFileDto.Full(file, facts, path, await OwnerAsync(dbFactory, ownerId, ct));
    }

    internal static async Task<ApplicationUser> OwnerAsync(IDbContextFactory<AppDbContext> dbFactory, string id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Users.AsNoTracking().SingleAsync(u => u.Id == id, ct);
    }

    /// <summary>Box's 409 for a name in use, with <c>context_info.conflicts</c>: the file that has the name in that folder.</summary>
    private static async Task<IResult> ConflictAsync(HttpContext http, AppException ex, string ownerId, int? folderId, string name,
        BoxFiles files, IDbContextFactory<AppDbContext> dbFactory, CancellationToken ct)
    {
        int? existing;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            existing = await DocumentService.IdOfNameAsync(db, ownerId, folderId, name, ct);
        if (existing is null) return BoxJson.Error(http, ex.Code, ex.Message);
        var conflict = await files.MiniAsync(await files.GetAsync(ownerId, BoxIds.File(BoxFileKind.Document, existing.Value), ct), ct);
        return Conflict(http, ex, conflict);
    }

    /// <summary>Box's error object with <c>context_info.conflicts</c> (a 409 <c>item_name_in_use</c>).</summary>
    internal static IResult Conflict(HttpContext http, AppException ex, object conflicts)
    {
        var (status, code) = BoxErrors.Of(ex.Code);
        return Results.Json(new BoxConflictError("error", status, code, new BoxConflictInfo(conflicts), BoxErrors.Message(ex.Code, ex.Message),
            BoxJson.RequestId(http)), BoxJson.Options, statusCode: status);
    }
}

/// <summary>Box's error object with its <c>context_info</c>.</summary>
public sealed record BoxConflictError(string Type, int Status, string Code, BoxConflictInfo ContextInfo, string Message, string RequestId);

/// <summary><c>context_info</c> of a name conflict: the item(s) that have the name.</summary>
public sealed record BoxConflictInfo(object Conflicts);
