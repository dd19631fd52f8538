using ESignWeb.Api;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Domain;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Folders;

/// <summary>
/// An owner's folders of documents and signed files: list a folder, create, rename, move (a folder, a document or a
/// signed file), delete an empty folder, the path to a folder, and checking a request's destination folder. Every
/// object is looked up with its owner: someone else's folder is "not found", never a hint that it exists. Rules that
/// need the whole tree (cycles, depth) run over the owner's folders in memory inside the write transaction
/// (<see cref="FolderRules"/>). Folder actions change no request, so they write no audit event.
/// </summary>
public sealed class FolderService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>The sub-folders, documents and signed files directly in <paramref name="folderId"/> (null: the root).</summary>
    public async Task<FolderContents> ListAsync(string ownerId, int? folderId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var folder = folderId is { } id ? await FindAsync(db, ownerId, id, ct) : null;
        var path = await PathAsync(db, ownerId, folderId, ct);
        var folders = await db.Folders.AsNoTracking().Where(f => f.OwnerId == ownerId && f.ParentId == folderId).ToListAsync(ct);
        var documents = await db.Documents.AsNoTracking()
            .Where(d => d.OwnerId == ownerId && d.DeletedAt == null && d.FolderId == folderId)
            .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).ToListAsync(ct);
        var signed = await db.SignedFiles.AsNoTracking()
            .Where(f => f.OwnerId == ownerId && f.DeletedAt == null && f.FolderId == folderId)
            .OrderByDescending(f => f.Id).ToListAsync(ct); // all of them: Box's total_count and paging count on it
        return new FolderContents(folder, path,
            folders.OrderBy(f => f.Name, StringComparer.CurrentCultureIgnoreCase).ThenBy(f => f.Id).ToList(), documents, signed);
    }

    /// <summary>Every folder of the owner, depth first, with its depth (for a folder picker).</summary>
    public async Task<List<FolderNode>> TreeAsync(string ownerId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return FolderRules.Tree(await db.Folders.AsNoTracking().Where(f => f.OwnerId == ownerId).ToListAsync(ct));
    }

    /// <summary>One of the owner's folders.</summary>
    public async Task<Folder> GetAsync(string ownerId, int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await FindAsync(db, ownerId, id, ct, tracking: false);
    }

    /// <summary>The folders from the root down to <paramref name="folderId"/> (included); empty for the root.</summary>
    public async Task<IReadOnlyList<FolderCrumb>> PathAsync(string ownerId, int? folderId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await PathAsync(db, ownerId, folderId, ct);
    }

    /// <summary>A new folder in <paramref name="parentId"/> (null: the root).</summary>
    public Task<Folder> CreateAsync(string ownerId, int? parentId, string name, CancellationToken ct = default)
    {
        var clean = FolderRules.CleanName(name);
        return dbFactory.WriteAsync(async db =>
        {
            var parents = await ParentsAsync(db, ownerId, ct);
            if (parentId is { } p && !parents.ContainsKey(p)) throw NotFound();
            if (parents.Count >= FolderRules.MaxFoldersPerOwner)
                throw AppException.BadRequest($"You have {FolderRules.MaxFoldersPerOwner} folders, the most an account can have. Delete some first.");
            if (FolderRules.Depth(parents, parentId) + 1 > FolderRules.MaxDepth)
                throw AppException.BadRequest($"Folders can be nested at most {FolderRules.MaxDepth} deep.");
            await EnsureNameFreeAsync(db, ownerId, parentId, clean, null, ct);
            var now = clock.GetUtcNow();
            var folder = new Folder { OwnerId = ownerId, ParentId = parentId, Name = clean, CreatedAt = now, ModifiedAt = now };
            db.Folders.Add(folder);
            return folder;
        }, ct);
    }

    public Task<Folder> RenameAsync(string ownerId, int id, string name, CancellationToken ct = default)
    {
        var clean = FolderRules.CleanName(name);
        return dbFactory.WriteAsync(async db =>
        {
            var folder = await FindAsync(db, ownerId, id, ct);
            if (folder.Name == clean) return folder;
            await EnsureNameFreeAsync(db, ownerId, folder.ParentId, clean, folder.Id, ct);
            folder.Name = clean;
            folder.ModifiedAt = clock.GetUtcNow();
            return folder;
        }, ct);
    }

    /// <summary>Moves a folder (with everything in it) into <paramref name="targetId"/> (null: the root).</summary>
    public Task<Folder> MoveFolderAsync(string ownerId, int id, int? targetId, CancellationToken ct = default) =>
        dbFactory.WriteAsync(async db =>
        {
            var folder = await FindAsync(db, ownerId, id, ct);
            var parents = await ParentsAsync(db, ownerId, ct);
            if (targetId is { } t && !parents.ContainsKey(t)) throw NotFound();
            if (folder.ParentId == targetId) return folder;
            if (FolderRules.MoveProblem(parents, folder.Id, targetId) is { } problem) throw AppException.BadRequest(problem);
            await EnsureNameFreeAsync(db, ownerId, targetId, folder.Name, folder.Id, ct);
            folder.ParentId = targetId;
            folder.ModifiedAt = clock.GetUtcNow();
            return folder;
        }, ct);

    /// <summary>Files a document in <paramref name="targetId"/> (null: the root).</summary>
    public Task MoveDocumentAsync(string ownerId, int documentId, int? targetId, CancellationToken ct = default) =>
        dbFactory.WriteAsync(async db =>
        {
            var doc = await db.Documents.SingleOrDefaultAsync(d => d.Id == documentId && d.OwnerId == ownerId && d.DeletedAt == null, ct)
                      ?? throw AppException.NotFound("The document");
            await EnsureOwnedAsync(db, ownerId, targetId, ct);
            if (doc.FolderId == targetId) return;
            await EnsureDocumentNameFreeAsync(db, ownerId, targetId, doc.Name, ct);
            doc.FolderId = targetId;
            doc.ModifiedAt = clock.GetUtcNow();
        }, ct);

    /// <summary>Files a signed file (the sealed PDF with its audit trail) in <paramref name="targetId"/> (null: the root).</summary>
    public Task MoveSignedFileAsync(string ownerId, int signedFileId, int? targetId, CancellationToken ct = default) =>
        dbFactory.WriteAsync(async db =>
        {
            var file = await db.SignedFiles.SingleOrDefaultAsync(f => f.Id == signedFileId && f.OwnerId == ownerId && f.DeletedAt == null, ct)
                       ?? throw AppException.NotFound("The signed file");
            await EnsureOwnedAsync(db, ownerId, targetId, ct);
            if (file.FolderId == targetId) return;
            file.FolderId = targetId;
            file.ModifiedAt = clock.GetUtcNow();
        }, ct);

    /// <summary>
    /// Deletes an empty folder. Deleted documents and signed files still filed in it do not count (they leave it for
    /// the root); requests that were to file their results in it file them in the root (foreign key: set null).
    /// </summary>
    public Task DeleteAsync(string ownerId, int id, CancellationToken ct = default) =>
        dbFactory.WriteAsync(async db =>
        {
            var folder = await FindAsync(db, ownerId, id, ct);
            var folders = await db.Folders.CountAsync(f => f.ParentId == id, ct);
            var documents = await db.Documents.CountAsync(d => d.FolderId == id && d.DeletedAt == null, ct);
            var signed = await db.SignedFiles.CountAsync(f => f.FolderId == id && f.DeletedAt == null, ct);
            if (folders + documents + signed > 0)
            {
                var parts = new List<string>();
                if (folders > 0) parts.Add(Plural.Count(folders, "folder"));
                if (documents > 0) parts.Add(Plural.Count(documents, "document"));
                if (signed > 0) parts.Add(Plural.Count(signed, "signed file"));
                var holds = parts.Count == 1 ? parts[0] : string.Join(", ", parts[..^1]) + " and " + parts[^1];
                throw new AppException(ApiErrorCode.FolderNotEmpty,
                    $"\"{folder.Name}\" is not empty: it holds {holds}. Move or delete them first, then delete the folder.");
            }
            await db.Documents.Where(d => d.FolderId == id).ExecuteUpdateAsync(s => s.SetProperty(d => d.FolderId, (int?)null), ct);
            await db.SignedFiles.Where(f => f.FolderId == id).ExecuteUpdateAsync(s => s.SetProperty(f => f.FolderId, (int?)null), ct);
            db.Folders.Remove(folder);
        }, ct);

    /// <summary>
    /// Removes all of the owner's folders, leaving everything filed in them at the root — before the account itself is
    /// deleted: the folder foreign keys are <c>Restrict</c> (a folder's parent, a document's or signed file's folder),
    /// and SQLite checks those row by row while the account's cascade deletes, so an account with nested or non-empty
    /// folders could not be deleted otherwise.
    /// </summary>
    public Task UnfileAllAsync(string ownerId, CancellationToken ct = default) =>
        dbFactory.WriteAsync(async db =>
        {
            // Names are unique per folder: a filed document whose name the root already has gets the next free one.
            var rootNames = await DocumentService.NamesInAsync(db, ownerId, null, ct);
            var filed = await db.Documents.Where(d => d.OwnerId == ownerId && d.DeletedAt == null && d.FolderId != null)
                .OrderBy(d => d.Id).ToListAsync(ct);
            foreach (var doc in filed)
            {
                doc.Name = FileNames.NextAvailable(doc.Name, rootNames);
                rootNames.Add(doc.Name);
                doc.FolderId = null;
            }
            await db.SaveChangesAsync(ct);
            await db.Documents.Where(d => d.OwnerId == ownerId && d.FolderId != null).ExecuteUpdateAsync(s => s.SetProperty(d => d.FolderId, (int?)null), ct);
            await db.SignedFiles.Where(f => f.OwnerId == ownerId && f.FolderId != null).ExecuteUpdateAsync(s => s.SetProperty(f => f.FolderId, (int?)null), ct);
            await db.Requests.Where(r => r.OwnerId == ownerId && r.FolderId != null).ExecuteUpdateAsync(s => s.SetProperty(r => r.FolderId, (int?)null), ct);
            await db.Folders.Where(f => f.OwnerId == ownerId && f.ParentId != null).ExecuteUpdateAsync(s => s.SetProperty(f => f.ParentId, (int?)null), ct);
            await db.Folders.Where(f => f.OwnerId == ownerId).ExecuteDeleteAsync(ct);
        }, ct);

    /// <summary>
    /// The request destination folder given over an API as <c>parent_folder.id</c>: null or empty → null (the root,
    /// by default); "0" (the root, named explicitly) is refused as Box refuses it; any other id must be one of the
    /// owner's folders (else "not found"). Returns the folder id to store in <c>RequestOptions.FolderId</c>.
    /// </summary>
    public async Task<int?> ResolveDestinationAsync(string ownerId, string? id, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(id)) return null;
        if (id.Trim() == FolderRules.RootId)
            throw AppException.BadRequest("The root folder, folder ID 0, cannot be used as the destination folder (parent_folder).");
        if (!int.TryParse(id.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var folderId))
            throw NotFound();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await EnsureOwnedAsync(db, ownerId, folderId, ct);
        return folderId;
    }

    /// <summary>Refuses (not found) a folder id that is not one of the owner's folders; null (the root) passes.
    /// For writers in other services (upload into a folder, a draft's destination) inside their own transaction.</summary>
    public static async Task EnsureOwnedAsync(AppDbContext db, string ownerId, int? folderId, CancellationToken ct)
    {
        if (folderId is { } id && !await db.Folders.AnyAsync(f => f.Id == id && f.OwnerId == ownerId, ct)) throw NotFound();
    }

    private static AppException NotFound() => AppException.NotFound("The folder");

    private static async Task<Folder> FindAsync(AppDbContext db, string ownerId, int id, CancellationToken ct, bool tracking = true)
    {
        var q = tracking ? db.Folders : db.Folders.AsNoTracking();
        return await q.SingleOrDefaultAsync(f => f.Id == id && f.OwnerId == ownerId, ct) ?? throw NotFound();
    }

    private static async Task<Dictionary<int, int?>> ParentsAsync(AppDbContext db, string ownerId, CancellationToken ct) =>
        await db.Folders.AsNoTracking().Where(f => f.OwnerId == ownerId).ToDictionaryAsync(f => f.Id, f => f.ParentId, ct);

    /// <summary>
    /// Sibling names are compared here, in the write transaction, case-insensitively (also beyond ASCII): the unique
    /// index cannot do it at the root, where ParentId is NULL and SQLite treats NULLs as distinct.
    /// </summary>
    /// <summary>Refuses (<see cref="ApiErrorCode.ItemNameInUse"/>) filing a document in a folder that already has a
    /// live document of that name (names are unique per folder, <see cref="DocumentService.NameTakenAsync"/>).</summary>
    private static async Task EnsureDocumentNameFreeAsync(AppDbContext db, string ownerId, int? folderId, string name, CancellationToken ct)
    {
        if (!await DocumentService.NameTakenAsync(db, ownerId, folderId, name, null, ct)) return;
        var where = folderId is { } id ? (await FindAsync(db, ownerId, id, ct, tracking: false)).Name : null;
        throw FolderRules.DocumentNameInUse(name, where);
    }

    private static async Task EnsureNameFreeAsync(AppDbContext db, string ownerId, int? parentId, string name, int? exceptId, CancellationToken ct)
    {
        var siblings = await db.Folders.AsNoTracking()
            .Where(f => f.OwnerId == ownerId && f.ParentId == parentId && (exceptId == null || f.Id != exceptId))
            .Select(f => f.Name).ToListAsync(ct);
        if (FolderRules.NameTaken(siblings, name)) throw FolderRules.NameInUse(name);
    }

    private static async Task<IReadOnlyList<FolderCrumb>> PathAsync(AppDbContext db, string ownerId, int? folderId, CancellationToken ct)
    {
        if (folderId is null) return [];
        var path = await PathOrEmptyAsync(db, ownerId, folderId, ct);
        if (path.Count == 0) throw NotFound();
        return path;
    }

    /// <summary>The way from the root to a folder; empty for the root or a folder that no longer exists (the seal's trail).</summary>
    internal static async Task<IReadOnlyList<FolderCrumb>> PathOrEmptyAsync(AppDbContext db, string ownerId, int? folderId, CancellationToken ct)
    {
        if (folderId is null) return [];
        var all = await db.Folders.AsNoTracking().Where(f => f.OwnerId == ownerId)
            .Select(f => new { f.Id, f.Name, f.ParentId }).ToDictionaryAsync(f => f.Id, ct);
        var path = new List<FolderCrumb>();
        for (var id = folderId; id is { } x && all.TryGetValue(x, out var f); id = f.ParentId)
        {
            path.Add(new FolderCrumb(f.Id, f.Name));
            if (path.Count > FolderRules.MaxFoldersPerOwner) break;
        }
        path.Reverse();
        return path;
    }
}
