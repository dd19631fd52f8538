using System.Security.Cryptography;
using System.Text.Json;
using ESignWeb.Data;
using ESignWeb.Storage;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Audit;

/// <summary>
/// Verifies a request's evidence: recomputes the audit chain, and the SHA-256 of the original and of the sealed file
/// against what the rows and the <c>completed</c> event recorded. Returns the problems found (none: intact).
/// </summary>
public sealed class Verification(IDbContextFactory<AppDbContext> dbFactory, IBlobStore blobs)
{
    public async Task<IReadOnlyList<string>> VerifyRequestAsync(int requestId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var problems = new List<string>();
        var events = await db.AuditEvents.AsNoTracking().Where(e => e.RequestId == requestId).OrderBy(e => e.Seq).ToListAsync(ct);
        if (AuditLog.Verify(events) is { } chain) problems.Add("Audit chain: " + chain);

        var request = await db.Requests.AsNoTracking().Include(r => r.Document).SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request?.Document is { } doc && await HashOfAsync(doc.BlobKey, ct) is var original && original != doc.Sha256)
            problems.Add($"The original file's SHA-256 is {original ?? "missing"}, not the recorded {doc.Sha256}.");

        var signed = await db.SignedFiles.AsNoTracking().SingleOrDefaultAsync(f => f.RequestId == requestId, ct);
        if (signed is not null)
        {
            var actual = await HashOfAsync(signed.BlobKey, ct);
            if (actual != signed.Checksum) problems.Add($"The sealed file's SHA-256 is {actual ?? "missing"}, not the recorded {signed.Checksum}.");
            var completed = events.LastOrDefault(e => e.Type == AuditEventType.Completed);
            var recorded = completed is null ? null : JsonDocument.Parse(completed.Data).RootElement.TryGetProperty("sealed_sha256", out var v) ? v.GetString() : null;
            if (recorded != signed.Checksum) problems.Add("The completed event does not record the sealed file's SHA-256.");
            if (signed.OriginalChecksum != request?.Document?.Sha256) problems.Add("The signed file does not name the original it was made from.");
        }
        return problems;
    }

    private async Task<string?> HashOfAsync(string key, CancellationToken ct)
    {
        if (!blobs.Exists(key)) return null;
        await using var s = blobs.OpenRead(key);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(s, ct));
    }
}
