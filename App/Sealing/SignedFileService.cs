using ESignWeb.Api;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Storage;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Sealing;

/// <summary>The signed files (from requests or self-signing) a user owns: list and open the sealed PDF or audit trail.</summary>
public sealed class SignedFileService(IDbContextFactory<AppDbContext> dbFactory, IBlobStore blobs)
{
    /// <summary>One page of the caller's signed files, newest first (the Signed files page): one COUNT and one page query.</summary>
    public async Task<ListPage<SignedFile>> ListAsync(string ownerId, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ListPages.ReadAsync(db.SignedFiles.AsNoTracking().Where(f => f.OwnerId == ownerId && f.DeletedAt == null),
            q => q.OrderByDescending(f => f.Id), page, ct);
    }

    /// <summary>A signed file the caller owns (also a deleted one when <paramref name="includeDeleted"/>), with its request.</summary>
    public async Task<(SignedFile File, SignatureRequest? Request)> GetAsync(string ownerId, int id, bool includeDeleted = false, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var f = await db.SignedFiles.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id && x.OwnerId == ownerId && (includeDeleted || x.DeletedAt == null), ct)
                ?? throw AppException.NotFound("The signed file");
        var r = f.RequestId is { } rid ? await db.Requests.AsNoTracking().Include(x => x.Recipients).Include(x => x.Fields).Include(x => x.Categories).SingleOrDefaultAsync(x => x.Id == rid, ct) : null;
        return (f, r);
    }

    /// <summary>All the caller's signed files, newest first, as a snapshot read in keyset batches (the API list; see <see cref="RequestsOfAsync"/>).</summary>
    public Task<ListSnapshot<SignedFile>> OpenListAsync(string ownerId, CancellationToken ct = default) =>
        ListSnapshot<SignedFile>.OpenAsync(dbFactory,
            (db, token) => db.SignedFiles.CountAsync(f => f.OwnerId == ownerId && f.DeletedAt == null, token),
            (db, after, take, token) =>
            {
                var before = after?.Id ?? int.MaxValue;
                return db.SignedFiles.AsNoTracking().Where(f => f.OwnerId == ownerId && f.DeletedAt == null && f.Id < before)
                    .OrderByDescending(f => f.Id).Take(take).ToListAsync(token);
            }, ct);

    /// <summary>The requests (with recipients and fields) a batch of signed files came from, by id.</summary>
    public static Task<Dictionary<int, SignatureRequest>> RequestsOfAsync(AppDbContext db, IReadOnlyList<SignedFile> files, CancellationToken ct)
    {
        var ids = files.Where(f => f.RequestId != null).Select(f => f.RequestId!.Value).ToList();
        return db.Requests.AsNoTracking().Include(x => x.Recipients).Include(x => x.Fields).Include(x => x.Categories).Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, ct);
    }

    /// <summary>Renames a signed file; a name another of the caller's signed files has is refused (filename_exists).</summary>
    public async Task<SignedFile> RenameAsync(string ownerId, int id, string newName, CancellationToken ct = default) =>
        await dbFactory.WriteAsync(async db =>
        {
            var name = ESignWeb.Documents.FileNames.Clean(newName);
            var f = await db.SignedFiles.SingleOrDefaultAsync(x => x.Id == id && x.OwnerId == ownerId && x.DeletedAt == null, ct)
                    ?? throw AppException.NotFound("The signed file");
            if (await db.SignedFiles.AnyAsync(x => x.OwnerId == ownerId && x.DeletedAt == null && x.Id != id && x.Name.ToLower() == name.ToLower(), ct))
                throw new AppException(ApiErrorCode.FilenameExists, "There is already a file with the same name. Please use a different name.");
            f.Name = name;
            f.ModifiedAt = DateTimeOffset.UtcNow;
            return f;
        }, ct);

    /// <summary>Removes a signed file from the caller's list. Its blobs stay: the audit trail remains available.</summary>
    public async Task DeleteAsync(string ownerId, int id, CancellationToken ct = default) =>
        await dbFactory.WriteAsync(async db =>
        {
            var f = await db.SignedFiles.SingleOrDefaultAsync(x => x.Id == id && x.OwnerId == ownerId && x.DeletedAt == null, ct)
                    ?? throw AppException.NotFound("The signed file");
            f.DeletedAt = DateTimeOffset.UtcNow;
        }, ct);

    /// <summary>The audit trail PDF of a signed file the caller owns, even after the file was deleted (seed).</summary>
    public async Task<(Stream Content, string Name)> OpenAuditTrailAsync(string ownerId, int id, CancellationToken ct = default)
    {
        var (f, _) = await GetAsync(ownerId, id, includeDeleted: true, ct);
        return (blobs.OpenRead(f.AuditTrailBlobKey), Path.GetFileNameWithoutExtension(f.Name) + " - audit trail.pdf");
    }

    public Task<(Stream Content, string Name)> OpenAsync(string ownerId, int signedFileId, bool auditTrail, CancellationToken ct = default) =>
        OpenWhereAsync(ownerId, f => f.Id == signedFileId, auditTrail, ct);

    /// <summary>The signed file of a completed request the caller owns.</summary>
    public Task<(Stream Content, string Name)> OpenForRequestAsync(string ownerId, int requestId, bool auditTrail, CancellationToken ct = default) =>
        OpenWhereAsync(ownerId, f => f.RequestId == requestId, auditTrail, ct);

    private async Task<(Stream Content, string Name)> OpenWhereAsync(string ownerId, System.Linq.Expressions.Expression<Func<SignedFile, bool>> which,
        bool auditTrail, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var f = await db.SignedFiles.AsNoTracking().Where(x => x.OwnerId == ownerId && (auditTrail || x.DeletedAt == null)).Where(which)
                    .SingleOrDefaultAsync(ct)
                ?? throw AppException.NotFound("The signed file");
        return auditTrail
            ? (blobs.OpenRead(f.AuditTrailBlobKey), Path.GetFileNameWithoutExtension(f.Name) + " - audit trail.pdf")
            : (blobs.OpenRead(f.BlobKey), f.Name);
    }
}
