using ESignWeb.Api;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Hosting;
using ESignWeb.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ESignWeb.Documents;

/// <summary>A sender's library of uploaded PDFs: import (validated), list, rename, delete, download.</summary>
public sealed class DocumentService(
    IDbContextFactory<AppDbContext> dbFactory,
    IBlobStore blobs,
    IPdfInspection inspection,
    DataPaths paths,
    IOptions<ESignOptions> options,
    TimeProvider clock,
    ILogger<DocumentService> log)
{
    /// <summary>
    /// Streams <paramref name="content"/> to a temp file (never whole into memory), has the isolated worker inspect it
    /// (<see cref="IPdfInspection"/>), stores what the worker accepted (the upload, or its cleaned copy) and records
    /// it. Nothing is recorded or kept unless every check passes.
    /// </summary>
    public Task<Document> ImportAsync(string ownerId, string fileName, Stream content, bool renameIfExists,
        CancellationToken ct = default) => ImportAsync(ownerId, fileName, content, renameIfExists, null, ct);

    /// <summary>The same, filed in <paramref name="folderId"/> (one of the owner's folders; null: the root).</summary>
    public async Task<Document> ImportAsync(string ownerId, string fileName, Stream content, bool renameIfExists,
        int? folderId, CancellationToken ct = default)
    {
        var name = FileNames.Clean(fileName);
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (!renameIfExists && await NameTakenAsync(db, ownerId, folderId, name, null, ct))
                throw FileNameExists(name, folderId);
            await Folders.FolderService.EnsureOwnedAsync(db, ownerId, folderId, ct);
        }

        var temp = paths.NewTempFile();
        var clean = temp + ".clean";
        try
        {
            await CopyWithLimitAsync(content, temp, options.Value.MaxUploadBytes, ct);
            var inspected = await inspection.InspectAsync(temp, clean, null, ct);
            var info = inspected.Info;
            if (info.TextTagsPartial)
                log.LogWarning("Upload of {Pages} pages: text tags were looked for only on the first pages (time limit)", info.PageCount);
            var stored = inspected.Rewritten ? clean : temp;
            var size = new FileInfo(stored).Length;
            var key = await blobs.PutFileAsync(stored, ct);

            for (var attempt = 0; ; attempt++)
            {
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                await Folders.FolderService.EnsureOwnedAsync(db, ownerId, folderId, ct); // deleted during the upload: refused
                var finalName = name;
                if (renameIfExists)
                {
                    finalName = FileNames.NextAvailable(name, await NamesInAsync(db, ownerId, folderId, ct));
                }
                var now = clock.GetUtcNow();
                var doc = new Document
                {
                    OwnerId = ownerId, Name = finalName, BlobKey = key, Sha256 = key, SizeBytes = size,
                    PageCount = info.PageCount, Pages = info.Pages.ToList(), TextTags = [.. info.TextTags ?? []], CreatedAt = now, ModifiedAt = now,
                    FolderId = folderId,
                };
                db.Documents.Add(doc);
                try
                {
                    await db.SaveChangesAsync(ct);
                    log.LogInformation("Document {DocumentId} imported ({Pages} pages, {Bytes} bytes)", doc.Id, doc.PageCount, size);
                    return doc;
                }
                catch (DbUpdateException) when (attempt < 3)
                {
                    // Another upload took the name in this folder between our check and insert (unique index).
                    if (!renameIfExists) throw FileNameExists(name, folderId);
                }
            }
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
            if (File.Exists(clean)) File.Delete(clean);
        }
    }

    /// <summary>All the owner's documents in the library, newest first, as a snapshot read in keyset batches (the API list).</summary>
    public Task<ListSnapshot<Document>> OpenListAsync(string ownerId, CancellationToken ct = default) =>
        ListSnapshot<Document>.OpenAsync(dbFactory,
            (db, token) => db.Documents.CountAsync(d => d.OwnerId == ownerId && d.DeletedAt == null, token),
            (db, after, take, token) =>
            {
                var q = db.Documents.AsNoTracking().Where(d => d.OwnerId == ownerId && d.DeletedAt == null);
                if (after is not null)
                {
                    var (at, id) = (after.CreatedAt, after.Id);
                    q = q.Where(d => d.CreatedAt < at || (d.CreatedAt == at && d.Id < id));
                }
                return q.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Take(take).ToListAsync(token);
            }, ct);

    public async Task<List<Document>> ListAsync(string ownerId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Documents.AsNoTracking().Where(d => d.OwnerId == ownerId && d.DeletedAt == null)
            .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).ToListAsync(ct);
    }

    public async Task<Document> GetAsync(string ownerId, int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Documents.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id && d.OwnerId == ownerId && d.DeletedAt == null, ct)
               ?? throw AppException.NotFound("The document");
    }

    public async Task<Document> RenameAsync(string ownerId, int id, string newName, CancellationToken ct = default)
    {
        var name = FileNames.Clean(newName);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var doc = await db.Documents.SingleOrDefaultAsync(d => d.Id == id && d.OwnerId == ownerId && d.DeletedAt == null, ct)
                  ?? throw AppException.NotFound("The document");
        if (string.Equals(doc.Name, name, StringComparison.Ordinal)) return doc;
        if (await NameTakenAsync(db, ownerId, doc.FolderId, name, id, ct)) throw FileNameExists(name, doc.FolderId);
        doc.Name = name;
        doc.ModifiedAt = clock.GetUtcNow();
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw FileNameExists(name, doc.FolderId);
        }
        return doc;
    }

    /// <summary>
    /// Removes a document from the library. Drafts prepared on it are deleted with it; requests already sent keep
    /// their copy (the row is only marked deleted, the file stays) so nothing out for signature breaks.
    /// </summary>
    public async Task<DeleteResult> DeleteAsync(string ownerId, int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var doc = await db.Documents.SingleOrDefaultAsync(d => d.Id == id && d.OwnerId == ownerId && d.DeletedAt == null, ct)
                  ?? throw AppException.NotFound("The document");
        var drafts = await db.Requests.Where(r => r.DocumentId == id && r.Status == RequestStatus.Draft).ToListAsync(ct);
        var sent = await db.Requests.CountAsync(r => r.DocumentId == id && r.Status != RequestStatus.Draft, ct);
        var draftIds = drafts.Select(r => r.Id).ToList();
        db.AuditEvents.RemoveRange(db.AuditEvents.Where(e => draftIds.Contains(e.RequestId)));
        db.Requests.RemoveRange(drafts);
        if (sent == 0 && drafts.Count == 0) db.Documents.Remove(doc);
        else doc.DeletedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return new DeleteResult(drafts.Count, sent);
    }

    /// <summary>Opens the original PDF of a document the caller owns (also after it was removed from the library).</summary>
    public async Task<(Stream Content, string Name)> OpenOriginalAsync(string ownerId, int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var doc = await db.Documents.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id && d.OwnerId == ownerId, ct)
                  ?? throw AppException.NotFound("The document");
        return (blobs.OpenRead(doc.BlobKey), doc.Name);
    }

    /// <summary>The name is taken in the folder (<paramref name="folderId"/>; null: the root, all SignEasy knows).</summary>
    public static AppException FileNameExists(string name, int? folderId = null) =>
        new(ApiErrorCode.FilenameExists, $"A document named \"{name}\" already exists{(folderId is null ? "" : " in this folder")}. Rename it, or let ESignWeb pick a new name such as \"{FileNames.NextAvailable(name, [name])}\".");

    /// <summary>
    /// Names are unique per folder among an owner's live documents (the root, <paramref name="folderId"/> null, is a
    /// folder too; the index <c>UX_Documents_OwnerId_Folder_Name</c> holds the rule). The Name column compares
    /// case-insensitively (NOCASE).
    /// </summary>
    public static Task<bool> NameTakenAsync(AppDbContext db, string ownerId, int? folderId, string name, int? exceptId, CancellationToken ct) =>
        InFolder(db, ownerId, folderId).AnyAsync(d => d.Name == name && (exceptId == null || d.Id != exceptId), ct);

    /// <summary>The names of the owner's live documents in <paramref name="folderId"/> (null: the root).</summary>
    public static Task<List<string>> NamesInAsync(AppDbContext db, string ownerId, int? folderId, CancellationToken ct) =>
        InFolder(db, ownerId, folderId).Select(d => d.Name).ToListAsync(ct);

    /// <summary>The id of the owner's live document named <paramref name="name"/> in <paramref name="folderId"/>, if any.</summary>
    public static Task<int?> IdOfNameAsync(AppDbContext db, string ownerId, int? folderId, string name, CancellationToken ct) =>
        InFolder(db, ownerId, folderId).Where(d => d.Name == name).Select(d => (int?)d.Id).FirstOrDefaultAsync(ct);

    private static IQueryable<Document> InFolder(AppDbContext db, string ownerId, int? folderId) =>
        folderId is { } f
            ? db.Documents.Where(d => d.OwnerId == ownerId && d.DeletedAt == null && d.FolderId == f)
            : db.Documents.Where(d => d.OwnerId == ownerId && d.DeletedAt == null && d.FolderId == null);

    private static async Task CopyWithLimitAsync(Stream source, string target, long limit, CancellationToken ct)
    {
        var buffer = new byte[81920];
        long total = 0;
        await using var fs = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        int n;
        try
        {
            while ((n = await source.ReadAsync(buffer, ct)) > 0)
            {
                total += n;
                if (total > limit) throw TooLarge(limit);
                await fs.WriteAsync(buffer.AsMemory(0, n), ct);
            }
        }
        catch (IOException ex) when (ex.Message.Contains("exceeds the maximum", StringComparison.OrdinalIgnoreCase))
        {
            // IBrowserFile.OpenReadStream(maxAllowedSize) reports an oversize file this way.
            throw TooLarge(limit);
        }
    }

    private static AppException TooLarge(long limit) =>
        new(ApiErrorCode.FileTooLarge, $"The file is larger than the {limit / (1024 * 1024)} MB limit.");
}

public sealed record DeleteResult(int DraftsDeleted, int SentRequestsKept);
