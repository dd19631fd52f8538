using System.Security.Cryptography;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace ESignWeb.Api.Box;

/// <summary>One of our files as Box sees it: what a Box file id names, read from its table with its owner.</summary>
/// <param name="FolderId">The folder it is in (null: the root).</param>
/// <param name="Version">1; 2 for a request's copy being signed once the seal replaced it with the sealed PDF.</param>
public sealed record BoxFileRow(BoxFileKind Kind, int RowId, string Name, string BlobKey, int? FolderId,
    DateTimeOffset CreatedAt, DateTimeOffset ModifiedAt, int Version = 1);

/// <summary>SHA-1 and size of a blob's bytes.</summary>
public readonly record struct BoxBlobFacts(string Sha1, long Size);

/// <summary>
/// Box files over ESignWeb's tables: a Box file id (<see cref="BoxIds"/>) resolved with its owner — someone else's
/// file and a missing one are alike <c>not_found</c> — its bytes, and Box's <c>sha1</c>.
/// <para>Row ids per kind: <see cref="BoxFileKind.Document"/> a document, <see cref="BoxFileKind.SignedFile"/> and
/// <see cref="BoxFileKind.AuditTrail"/> a signed file (its sealed PDF, its audit trail — the trail also after the signed
/// file was deleted, as <c>/v1/audit-trail</c>), <see cref="BoxFileKind.SignCopy"/> a request (the file being signed:
/// its document's bytes — values are stamped only by the seal — and, once sealed, the sealed PDF as version 2).</para>
/// <para>SHA-1 is computed on demand and cached in memory by blob key: blob keys are the SHA-256 of the bytes
/// (content-addressed), so a cached value can never go stale, and no column or migration is needed for documents,
/// sealed PDFs, audit trails and sign copies alike. The price is one read of a file's bytes per process lifetime.</para>
/// </summary>
public sealed class BoxFiles(IDbContextFactory<AppDbContext> dbFactory, IBlobStore blobs)
{
    /// <summary>Entries kept (about 200 bytes each).</summary>
    public const int CacheEntries = 100_000;

    private readonly MemoryCache _facts = new(new MemoryCacheOptions { SizeLimit = CacheEntries });

    /// <summary>The file a Box id names, if the owner has it; else <c>not_found</c>.</summary>
    public async Task<BoxFileRow> GetAsync(string ownerId, string? boxId, CancellationToken ct)
    {
        if (BoxIds.ParseFile(boxId) is not { } id) throw NotFound();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = id.Kind switch
        {
            BoxFileKind.Document => await db.Documents.AsNoTracking()
                .Where(d => d.Id == id.RowId && d.OwnerId == ownerId && d.DeletedAt == null)
                .Select(d => new BoxFileRow(BoxFileKind.Document, d.Id, d.Name, d.BlobKey, d.FolderId, d.CreatedAt, d.ModifiedAt))
                .SingleOrDefaultAsync(ct),
            BoxFileKind.SignedFile => await db.SignedFiles.AsNoTracking()
                .Where(f => f.Id == id.RowId && f.OwnerId == ownerId && f.DeletedAt == null)
                .Select(f => new BoxFileRow(BoxFileKind.SignedFile, f.Id, f.Name, f.BlobKey, f.FolderId, f.CreatedAt, f.ModifiedAt))
                .SingleOrDefaultAsync(ct),
            BoxFileKind.AuditTrail => await db.SignedFiles.AsNoTracking()
                .Where(f => f.Id == id.RowId && f.OwnerId == ownerId)
                .Select(f => new BoxFileRow(BoxFileKind.AuditTrail, f.Id, f.Name, f.AuditTrailBlobKey, f.DeletedAt == null ? f.FolderId : null,
                    f.CreatedAt, f.CreatedAt))
                .SingleOrDefaultAsync(ct),
            // Box replaces the file being signed with the signed one (a new version) when the request completes.
            BoxFileKind.SignCopy => await db.Requests.AsNoTracking()
                .Where(r => r.Id == id.RowId && r.OwnerId == ownerId)
                .Select(r => new BoxFileRow(BoxFileKind.SignCopy, r.Id, BoxSignRequestDto.NameOf(r.Name),
                    db.SignedFiles.Where(f => f.Id == r.SignedFileId).Select(f => f.BlobKey).FirstOrDefault() ?? r.Document.BlobKey,
                    r.FolderId, r.CreatedAt, r.CompletedAt ?? r.CreatedAt, r.SignedFileId == null ? 1 : 2))
                .SingleOrDefaultAsync(ct),
            _ => null,
        };
        if (row is null) throw NotFound();
        return row.Kind == BoxFileKind.AuditTrail ? row with { Name = AuditTrailName(row.Name) } : row;
    }

    /// <summary>The audit trail's file name for a signed file named <paramref name="signedFileName"/> (as /v1 names it).</summary>
    public static string AuditTrailName(string signedFileName) => Path.GetFileNameWithoutExtension(signedFileName) + " - audit trail.pdf";

    public Stream Open(BoxFileRow file) => blobs.OpenRead(file.BlobKey);

    /// <summary>SHA-1 (lowercase hex) and size of a blob's bytes, computed once per process (see the class).</summary>
    public async Task<BoxBlobFacts> FactsAsync(string blobKey, CancellationToken ct)
    {
        if (_facts.TryGetValue(blobKey, out BoxBlobFacts known)) return known;
        await using var s = blobs.OpenRead(blobKey);
        var sha1 = Convert.ToHexStringLower(await SHA1.HashDataAsync(s, ct));
        var facts = new BoxBlobFacts(sha1, s.Length);
        _facts.Set(blobKey, facts, new MemoryCacheEntryOptions { Size = 1 });
        return facts;
    }

    /// <summary>The size of a blob's bytes (no read: the stored file's length).</summary>
    public long SizeOf(string blobKey)
    {
        if (_facts.TryGetValue(blobKey, out BoxBlobFacts known)) return known.Size;
        using var s = blobs.OpenRead(blobKey);
        return s.Length;
    }

    /// <summary>The mini file object of a row (with its SHA-1).</summary>
    public async Task<BoxFileMini> MiniAsync(BoxFileRow file, CancellationToken ct) =>
        BoxFileDto.Mini(file.Kind, file.RowId, file.Name, (await FactsAsync(file.BlobKey, ct)).Sha1, file.Version);

    private static AppException NotFound() => AppException.NotFound("The file");
}
