using ESignWeb.Data;
using ESignWeb.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ESignWeb.Storage;

/// <param name="Deleted">Blobs deleted.</param>
/// <param name="DeletedBytes">Their total size.</param>
/// <param name="Kept">Unreferenced blobs kept because they are younger than the grace period.</param>
/// <param name="TempFilesDeleted">Abandoned files in <c>tmp/</c> (older than the grace period) deleted.</param>
/// <param name="AbandonedDeleted">Pieces of writes that never completed (the database store's orphaned chunks) deleted.</param>
public sealed record BlobSweepResult(int Deleted, long DeletedBytes, int Kept, int TempFilesDeleted, int AbandonedDeleted = 0);

/// <summary>
/// Deletes blobs that no row references and that were stored longer ago than <c>ESign:BlobSweep:GraceHours</c>:
/// sealed PDFs and audit trails of a seal that lost its lease or its race, uploads refused after they were stored,
/// signature images whose immediate delete (<see cref="BlobReferences.DeleteIfUnreferencedAsync"/>) failed. The
/// grace period keeps what is being stored right now (a blob is written before the row that references it commits).
/// Runs every <c>ESign:BlobSweep:IntervalMinutes</c>; the clock is the app's <see cref="TimeProvider"/>.
/// </summary>
public sealed class BlobSweeper(
    IDbContextFactory<AppDbContext> dbFactory,
    IBlobStore blobs,
    DataPaths paths,
    IOptions<ESignOptions> options,
    TimeProvider clock,
    ILogger<BlobSweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wait = TimeSpan.FromMinutes(1); // not during start-up
        while (true)
        {
            try { await Task.Delay(wait, clock, stoppingToken); }
            catch (OperationCanceledException) { return; }
            wait = TimeSpan.FromMinutes(options.Value.BlobSweep.IntervalMinutes);
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                log.LogError(ex, "Blob sweep failed; will try again in {Minutes} min", options.Value.BlobSweep.IntervalMinutes);
            }
        }
    }

    /// <summary>One sweep. Lists old blobs first and reads the references after, so a row committed meanwhile is seen.</summary>
    public async Task<BlobSweepResult> SweepAsync(CancellationToken ct = default)
    {
        var cutoff = clock.GetUtcNow() - TimeSpan.FromHours(options.Value.BlobSweep.GraceHours);
        var all = blobs.List().ToList();
        var referenced = await ReferencedKeysAsync(ct);
        int deleted = 0, kept = 0;
        long bytes = 0;
        foreach (var (key, storedAt, length) in all)
        {
            ct.ThrowIfCancellationRequested();
            if (referenced.Contains(key)) continue;
            // Re-checked under the store's lock: content stored again since the listing is young again.
            if (storedAt < cutoff && blobs.DeleteIfStoredBefore(key, cutoff)) { deleted++; bytes += length; }
            else kept++;
        }
        var temp = SweepTemp(cutoff);
        var abandoned = blobs.DeleteAbandoned(cutoff);
        if (deleted > 0 || temp > 0 || abandoned > 0)
            log.LogInformation("Blob sweep: deleted {Deleted} unreferenced blob(s) ({Bytes} bytes), {Temp} abandoned temp file(s) and {Abandoned} abandoned chunk(s)",
                deleted, bytes, temp, abandoned);
        return new BlobSweepResult(deleted, bytes, kept, temp, abandoned);
    }

    /// <summary>
    /// Every blob key a row points at (<see cref="BlobReferences.Keys"/>), read as ONE statement, i.e. one SQLite read
    /// transaction: a single snapshot, so a row moving a key from one table to another cannot be missed in between.
    /// </summary>
    public async Task<HashSet<string>> ReferencedKeysAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return new HashSet<string>(await BlobReferences.Keys(db).ToListAsync(ct), StringComparer.Ordinal);
    }

    private int SweepTemp(DateTimeOffset cutoff)
    {
        var count = 0;
        if (!Directory.Exists(paths.Temp)) return 0;
        foreach (var file in new DirectoryInfo(paths.Temp).EnumerateFiles())
        {
            if (new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero) >= cutoff) continue;
            try { file.Delete(); count++; }
            catch (IOException) { } // in use: next time
        }
        return count;
    }
}
