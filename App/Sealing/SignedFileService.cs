using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Storage;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Sealing;

/// <summary>The signed files (from requests or self-signing) a user owns: list and open the sealed PDF or audit trail.</summary>
public sealed class SignedFileService(IDbContextFactory<AppDbContext> dbFactory, IBlobStore blobs)
{
    public async Task<List<SignedFile>> ListAsync(string ownerId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.SignedFiles.AsNoTracking().Where(f => f.OwnerId == ownerId && f.DeletedAt == null)
            .OrderByDescending(f => f.Id).Take(500).ToListAsync(ct);
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
        var f = await db.SignedFiles.AsNoTracking().Where(x => x.OwnerId == ownerId).Where(which).SingleOrDefaultAsync(ct)
                ?? throw AppException.NotFound("The signed file");
        return auditTrail
            ? (blobs.OpenRead(f.AuditTrailBlobKey), Path.GetFileNameWithoutExtension(f.Name) + " - audit trail.pdf")
            : (blobs.OpenRead(f.BlobKey), f.Name);
    }
}
