using System.Security.Cryptography;

namespace ESignWeb.Storage;

/// <summary>Immutable, content-addressed file storage. A key is the SHA-256 (hex) of the content.</summary>
public interface IBlobStore
{
    /// <summary>Moves a finished temporary file into the store; returns its key. The temp file is consumed.</summary>
    Task<string> PutFileAsync(string tempPath, CancellationToken ct = default);

    Task<string> PutAsync(Stream content, CancellationToken ct = default);

    Stream OpenRead(string key);

    bool Exists(string key);

    long Length(string key);

    /// <summary>Every stored blob with the time it was last written or stored again (identical content re-stored counts).</summary>
    IEnumerable<(string Key, DateTimeOffset StoredAt, long Length)> List();

    /// <summary>
    /// Deletes a blob unless it was stored (or stored again) at or after <paramref name="cutoff"/>; atomic with
    /// respect to <see cref="PutFileAsync"/> in this process, so content being stored right now is never lost.
    /// </summary>
    bool DeleteIfStoredBefore(string key, DateTimeOffset cutoff);

    /// <summary>
    /// Renews a stored blob as if its content were stored again now (the sweeper's grace period restarts); false when
    /// there is no such blob. Call it before writing a row that adopts an existing key.
    /// </summary>
    bool Touch(string key);

    /// <summary>
    /// Deletes what writers that died left behind (the database store's chunks no blob adopted, last written before
    /// <paramref name="cutoff"/>); returns how many pieces went. The file store's leftovers are temp files (the sweeper's).
    /// </summary>
    int DeleteAbandoned(DateTimeOffset cutoff);

    /// <summary>
    /// The store as seen from inside the write transaction of <paramref name="db"/> (<see cref="Data.Transactions"/>):
    /// the database store reads and writes through that transaction (so SQLite's one write lock is not waited for twice
    /// and a delete commits or rolls back with the rows); the file store is the same store.
    /// </summary>
    IBlobStore Within(Data.AppDbContext db);
}

/// <summary>A stored blob opened for reading, carrying its key (the SHA-256 of the content): a strong entity tag.</summary>
public interface IStoredBlobStream
{
    string Key { get; }
}

public static class BlobStoreExtensions
{
    /// <summary>A whole blob in memory (for small ones: signature images, PDFs to attach).</summary>
    public static async Task<byte[]> ReadAllBytesAsync(this IBlobStore blobs, string key, CancellationToken ct = default)
    {
        await using var s = blobs.OpenRead(key);
        using var ms = new MemoryStream();
        await s.CopyToAsync(ms, ct);
        return ms.ToArray();
    }
}

/// <summary>
/// A stored blob opened for reading: seekable (HTTP Range answers read only the bytes asked for) and carrying its key,
/// the SHA-256 of the content — a strong entity tag for free (<see cref="Hosting.PdfResponses"/>).
/// </summary>
public sealed class BlobReadStream(string path, string key)
    : FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true), IStoredBlobStream
{
    public string Key { get; } = key;
}

/// <summary>
/// Blobs under <c>&lt;DataPath&gt;/blobs/ab/abcdef…</c>. Content is written to a temp file first and renamed into
/// place, so a database row never points at a half-written file; identical content is stored once. A blob's file
/// time is when it was last stored (set from the <see cref="TimeProvider"/>), which is what the sweeper's grace
/// period counts from: storing content that already exists renews it.
/// </summary>
public sealed class FileSystemBlobStore(DataPaths paths, TimeProvider clock) : IBlobStore
{
    private readonly Lock _placing = new(); // a rename or renewal and a sweeper's delete never interleave

    public async Task<string> PutFileAsync(string tempPath, CancellationToken ct = default)
    {
        string key;
        await using (var fs = File.OpenRead(tempPath))
            key = Convert.ToHexStringLower(await SHA256.HashDataAsync(fs, ct));
        var target = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        lock (_placing)
        {
            if (File.Exists(target))
                File.Delete(tempPath); // identical content is stored once
            else
                File.Move(tempPath, target, overwrite: false);
            File.SetLastWriteTimeUtc(target, clock.GetUtcNow().UtcDateTime);
        }
        return key;
    }

    public IEnumerable<(string Key, DateTimeOffset StoredAt, long Length)> List()
    {
        if (!Directory.Exists(paths.Blobs)) yield break;
        foreach (var file in new DirectoryInfo(paths.Blobs).EnumerateFiles("*", SearchOption.AllDirectories))
            if (file.Name.Length == 64 && file.Name.All(Uri.IsHexDigit))
                yield return (file.Name, new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero), file.Length);
    }

    public bool DeleteIfStoredBefore(string key, DateTimeOffset cutoff)
    {
        var path = PathOf(key);
        lock (_placing)
        {
            var info = new FileInfo(path);
            if (!info.Exists || new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero) >= cutoff) return false;
            info.Delete();
            return true;
        }
    }

    public bool Touch(string key)
    {
        var path = PathOf(key);
        lock (_placing)
        {
            if (!File.Exists(path)) return false;
            File.SetLastWriteTimeUtc(path, clock.GetUtcNow().UtcDateTime);
            return true;
        }
    }

    public async Task<string> PutAsync(Stream content, CancellationToken ct = default)
    {
        var temp = paths.NewTempFile();
        await using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            await content.CopyToAsync(fs, ct);
        return await PutFileAsync(temp, ct);
    }

    public Stream OpenRead(string key) => new BlobReadStream(PathOf(key), key);

    public int DeleteAbandoned(DateTimeOffset cutoff) => 0; // abandoned temp files: BlobSweeper

    public IBlobStore Within(Data.AppDbContext db) => this;

    public bool Exists(string key) => File.Exists(PathOf(key));

    public long Length(string key) => new FileInfo(PathOf(key)).Length;

    private string PathOf(string key)
    {
        if (key.Length != 64 || !key.All(Uri.IsHexDigit))
            throw new ArgumentException("Not a blob key.", nameof(key));
        return Path.Combine(paths.Blobs, key[..2], key);
    }
}
