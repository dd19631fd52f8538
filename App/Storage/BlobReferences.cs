using ESignWeb.Data;
using ESignWeb.Domain;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Storage;

/// <summary>
/// The one definition of "a row points at this blob": documents, templates, signed files and their audit trails,
/// signature and initials images, report CSVs. The sweeper reads every key with it; a replaced signature image is deleted at once
/// when it answers "referenced nowhere".
/// </summary>
public static class BlobReferences
{
    /// <summary>Every referenced key (with repeats), as one query: one statement reads one snapshot.</summary>
    public static IQueryable<string> Keys(AppDbContext db) =>
        db.Documents.Select(d => d.BlobKey)
            .Concat(db.Templates.Select(t => t.BlobKey))
            .Concat(db.SignedFiles.Select(f => f.BlobKey))
            .Concat(db.SignedFiles.Select(f => f.AuditTrailBlobKey))
            .Concat(db.Fields.Where(f => (f.Type == FieldType.Signature || f.Type == FieldType.Initials) && f.Value != null)
                .Select(f => f.Value!))
            .Concat(db.Set<Reports.ReportFile>().Where(r => r.BlobKey != null).Select(r => r.BlobKey!));

    public static Task<bool> IsReferencedAsync(AppDbContext db, string key, CancellationToken ct = default) =>
        Keys(db).AnyAsync(k => k == key, ct);

    /// <summary>
    /// Deletes a blob no row references any more, at once (not after the sweeper's grace period). Safe because the
    /// check and the delete run inside a write transaction: no row adopting the key can commit in between, and the
    /// one writer that adopts stored-but-uncommitted content of this kind (a signer's fill) re-checks inside its own
    /// transaction that its blob still exists and stores it again if not. The delete itself runs under the store's
    /// lock (<see cref="IBlobStore.DeleteIfStoredBefore"/>), so it never interleaves with a rename into place; the database store deletes inside the same transaction
    /// (<see cref="IBlobStore.Within"/>).
    /// </summary>
    public static Task<bool> DeleteIfUnreferencedAsync(IDbContextFactory<AppDbContext> dbFactory, IBlobStore blobs, string key,
        CancellationToken ct = default) =>
        dbFactory.WriteAsync(async db =>
            !await IsReferencedAsync(db, key, ct) && blobs.Within(db).DeleteIfStoredBefore(key, DateTimeOffset.MaxValue), ct);
}
