using System.Security.Cryptography;
using ESignWeb.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ESignWeb.Storage;

/// <summary>
/// Blobs in the database (<c>ESign:Storage:Provider = Database</c>), so every instance sees every blob without a shared
/// volume. Content is streamed in <see cref="ChunkBytes"/> chunks (one buffer in memory, never the whole file): each
/// chunk is inserted under a fresh content id as it is read, and only when the last is written does the
/// <see cref="StoredBlob"/> row that names the key appear (insert-if-absent), so a half-written blob is never visible.
/// A writer that throws deletes its chunks; one that dies leaves chunks no blob adopts, which
/// <see cref="DeleteAbandoned"/> (the sweeper) removes after the grace period. Identical content is stored once: of two
/// writers of the same key the second renews the first's row and drops its own chunks. Reads fetch one chunk at a time
/// (<see cref="DatabaseBlobReadStream"/>, seekable, so HTTP range requests fetch only the chunks they cover).
/// </summary>
public sealed class DatabaseBlobStore : IBlobStore
{
    /// <summary>256 KB: small enough to hold one per request, big enough that a 50 MB file is 200 rows.</summary>
    public const int ChunkBytes = 256 * 1024;

    private readonly IDbContextFactory<AppDbContext> _dbFactory;
    private readonly TimeProvider _clock;
    private readonly AppDbContext? _db; // set: inside that context's write transaction (Within)

    public DatabaseBlobStore(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock) : this(dbFactory, clock, null) { }

    private DatabaseBlobStore(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, AppDbContext? db)
    {
        _dbFactory = dbFactory;
        _clock = clock;
        _db = db;
    }

    public IBlobStore Within(AppDbContext db) => new DatabaseBlobStore(_dbFactory, _clock, db);

    public async Task<string> PutFileAsync(string tempPath, CancellationToken ct = default)
    {
        string key;
        await using (var fs = new FileStream(tempPath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true))
            key = await PutAsync(fs, ct);
        File.Delete(tempPath);
        return key;
    }

    public async Task<string> PutAsync(Stream content, CancellationToken ct = default)
    {
        var contentId = Guid.NewGuid().ToString("N");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[ChunkBytes];
        long length = 0;
        try
        {
            for (var number = 0; ; number++)
            {
                var n = await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
                if (n == 0 && number > 0) break;
                hash.AppendData(buffer, 0, n);
                await WriteChunkAsync(contentId, number, n == buffer.Length ? buffer : buffer[..n], ct);
                length += n;
                if (n < buffer.Length) break;
            }
            var key = Convert.ToHexStringLower(hash.GetHashAndReset());
            await WriteAsync(db => CompleteAsync(db, key, contentId, length, ct), ct);
            return key;
        }
        catch when (_db is null)
        {
            // Nothing of this write is visible (no StoredBlob row names it); its chunks go now, not after the grace period.
            try { await WriteAsync(db => DeleteChunksAsync(db, contentId, CancellationToken.None), CancellationToken.None); }
            catch (Exception) { } // the sweeper's DeleteAbandoned gets them
            throw;
        }
    }

    private Task WriteChunkAsync(string contentId, int number, byte[] bytes, CancellationToken ct)
    {
        var at = _clock.GetUtcNow().UtcTicks;
        return WriteAsync(async db =>
        {
            await db.Database.ExecuteSqlAsync(
                $"""INSERT INTO "BlobChunks" ("ContentId", "Number", "Bytes", "WrittenAt") VALUES ({contentId}, {number}, {bytes}, {at})""", ct);
            return 0;
        }, ct);
    }

    /// <summary>Names the chunks as the blob <paramref name="key"/>; when it exists already, renews it and drops them.</summary>
    private async Task<int> CompleteAsync(AppDbContext db, string key, string contentId, long length, CancellationToken ct)
    {
        var now = _clock.GetUtcNow().UtcTicks;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var inserted = await db.Database.ExecuteSqlAsync(
                $"""INSERT INTO "StoredBlobs" ("Key", "ContentId", "Length", "ChunkBytes", "StoredAt") VALUES ({key}, {contentId}, {length}, {ChunkBytes}, {now}) ON CONFLICT ("Key") DO NOTHING""", ct);
            if (inserted == 1) return 1;
            // Stored already (identical content): renew it, as storing it again does on the file system.
            if (await db.Database.ExecuteSqlAsync($"""UPDATE "StoredBlobs" SET "StoredAt" = {now} WHERE "Key" = {key}""", ct) == 1)
            {
                await DeleteChunksAsync(db, contentId, ct);
                return 0;
            }
            // Deleted between the two statements (PostgreSQL, READ COMMITTED): insert again.
        }
        throw new InvalidOperationException($"Blob {key} could not be stored.");
    }

    private static async Task<int> DeleteChunksAsync(AppDbContext db, string contentId, CancellationToken ct) =>
        await db.Database.ExecuteSqlAsync($"""DELETE FROM "BlobChunks" WHERE "ContentId" = {contentId}""", ct);

    public Stream OpenRead(string key)
    {
        var blob = Read(db => db.Set<StoredBlob>().AsNoTracking().SingleOrDefault(b => b.Key == CheckKey(key)))
                   ?? throw new FileNotFoundException($"No blob {key}.");
        return new DatabaseBlobReadStream(_dbFactory, _db, blob);
    }

    public bool Exists(string key) => Read(db => db.Set<StoredBlob>().Any(b => b.Key == CheckKey(key)));

    public long Length(string key) =>
        Read(db => db.Set<StoredBlob>().Where(b => b.Key == CheckKey(key)).Select(b => (long?)b.Length).SingleOrDefault())
        ?? throw new FileNotFoundException($"No blob {key}.");

    public IEnumerable<(string Key, DateTimeOffset StoredAt, long Length)> List() =>
        Read(db => db.Set<StoredBlob>().AsNoTracking().Select(b => new { b.Key, b.StoredAt, b.Length }).ToList())
            .Select(b => (b.Key, b.StoredAt, b.Length));

    public bool DeleteIfStoredBefore(string key, DateTimeOffset cutoff)
    {
        CheckKey(key);
        return Write(db =>
        {
            if (db.Set<StoredBlob>().AsNoTracking().SingleOrDefault(b => b.Key == key) is not { } blob) return false;
            var ticks = cutoff.UtcTicks;
            // One statement decides (a renewal in between makes it young again and it stays).
            if (db.Database.ExecuteSql($"""DELETE FROM "StoredBlobs" WHERE "Key" = {key} AND "ContentId" = {blob.ContentId} AND "StoredAt" < {ticks}""") != 1)
                return false;
            db.Database.ExecuteSql($"""DELETE FROM "BlobChunks" WHERE "ContentId" = {blob.ContentId}""");
            return true;
        });
    }

    public bool Touch(string key)
    {
        CheckKey(key);
        var now = _clock.GetUtcNow().UtcTicks;
        return Write(db => db.Database.ExecuteSql($"""UPDATE "StoredBlobs" SET "StoredAt" = {now} WHERE "Key" = {key}""") == 1);
    }

    public int DeleteAbandoned(DateTimeOffset cutoff)
    {
        var ticks = cutoff.UtcTicks;
        return Write(db => db.Database.ExecuteSql($"""
            DELETE FROM "BlobChunks"
            WHERE "ContentId" NOT IN (SELECT "ContentId" FROM "StoredBlobs")
              AND "ContentId" NOT IN (SELECT "ContentId" FROM "BlobChunks" WHERE "WrittenAt" >= {ticks})
            """));
    }

    private static string CheckKey(string key) =>
        key.Length == 64 && key.All(Uri.IsHexDigit) ? key : throw new ArgumentException("Not a blob key.", nameof(key));

    private T Read<T>(Func<AppDbContext, T> query)
    {
        if (_db is not null) return query(_db);
        using var db = _dbFactory.CreateDbContext();
        return query(db);
    }

    /// <summary>A write of a few statements, each deciding alone (no transaction needed): its own context, or the caller's.</summary>
    private T Write<T>(Func<AppDbContext, T> work)
    {
        if (_db is not null) return work(_db);
        using var db = _dbFactory.CreateDbContext();
        return work(db);
    }

    private Task<T> WriteAsync<T>(Func<AppDbContext, Task<T>> work, CancellationToken ct) =>
        _db is not null ? work(_db) : _dbFactory.WriteAsync(work, ct);
}

/// <summary>
/// A database blob read chunk by chunk: one chunk in memory at a time, fetched when a read reaches it; seeking moves to
/// any chunk (HTTP range requests fetch only what they cover). Each fetch is its own short query, so an open download
/// holds no connection between reads.
/// </summary>
public sealed class DatabaseBlobReadStream : Stream, IStoredBlobStream
{
    private readonly IDbContextFactory<AppDbContext> _dbFactory;
    private readonly AppDbContext? _db;
    private readonly StoredBlob _blob;
    private byte[]? _chunk;
    private int _chunkLength;
    private int _chunkNumber = -1;
    private long _position;

    internal DatabaseBlobReadStream(IDbContextFactory<AppDbContext> dbFactory, AppDbContext? db, StoredBlob blob)
    {
        _dbFactory = dbFactory;
        _db = db;
        _blob = blob;
    }

    public string Key => _blob.Key;
    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => _blob.Length;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        SeekOrigin.End => _blob.Length + offset,
        _ => throw new ArgumentOutOfRangeException(nameof(origin)),
    };

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position >= _blob.Length || buffer.Length == 0) return 0;
        var number = (int)(_position / _blob.ChunkBytes);
        if (number != _chunkNumber)
        {
            if (_db is not null) Load(_db, number);
            else
            {
                using var db = _dbFactory.CreateDbContext();
                Load(db, number);
            }
        }
        return CopyOut(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (_position >= _blob.Length || buffer.Length == 0) return 0;
        var number = (int)(_position / _blob.ChunkBytes);
        if (number != _chunkNumber)
        {
            if (_db is not null) await LoadAsync(_db, number, ct);
            else
            {
                await using var db = await _dbFactory.CreateDbContextAsync(ct);
                await LoadAsync(db, number, ct);
            }
        }
        return CopyOut(buffer.Span);
    }

    // Read straight into one buffer kept for the stream's life (no new 256 KB array per chunk for the GC to collect).
    private System.Data.Common.DbCommand Command(AppDbContext db, int number)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = """SELECT "Bytes" FROM "BlobChunks" WHERE "ContentId" = @id AND "Number" = @number""";
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        var id = command.CreateParameter();
        id.ParameterName = "id";
        id.Value = _blob.ContentId;
        command.Parameters.Add(id);
        var n = command.CreateParameter();
        n.ParameterName = "number";
        n.Value = number;
        command.Parameters.Add(n);
        return command;
    }

    private void Load(AppDbContext db, int number)
    {
        db.Database.OpenConnection();
        try
        {
            if (db.Database.GetDbConnection() is SqliteConnection sqlite)
            {
                using var locate = SqliteLocate(sqlite, db, number);
                using var row = locate.ExecuteReader();
                Use(number, row.Read() ? FillFromSqlite(sqlite, row.GetInt64(0), row.GetInt32(1)) : -1);
                return;
            }
            using var command = Command(db, number);
            using var reader = command.ExecuteReader(System.Data.CommandBehavior.SequentialAccess);
            Use(number, reader.Read() ? Fill(reader) : -1);
        }
        finally { db.Database.CloseConnection(); }
    }

    private async Task LoadAsync(AppDbContext db, int number, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            if (db.Database.GetDbConnection() is SqliteConnection sqlite)
            {
                await using var locate = SqliteLocate(sqlite, db, number);
                await using var row = await locate.ExecuteReaderAsync(ct);
                Use(number, await row.ReadAsync(ct) ? FillFromSqlite(sqlite, row.GetInt64(0), row.GetInt32(1)) : -1);
                return;
            }
            await using var command = Command(db, number);
            await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
            Use(number, await reader.ReadAsync(ct) ? Fill(reader) : -1);
        }
        finally { await db.Database.CloseConnectionAsync(); }
    }

    /// <summary>
    /// SQLite: the chunk's rowid and length, not its bytes (Microsoft.Data.Sqlite's <c>GetBytes</c> copies the whole
    /// value into a new array at every call: 256 KB of large-object-heap garbage per chunk, +61 MB over a 50 MB download).
    /// </summary>
    private SqliteCommand SqliteLocate(SqliteConnection sqlite, AppDbContext db, int number)
    {
        var command = sqlite.CreateCommand();
        command.CommandText = """SELECT rowid, length("Bytes") FROM "BlobChunks" WHERE "ContentId" = $id AND "Number" = $number""";
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction() as SqliteTransaction;
        command.Parameters.AddWithValue("$id", _blob.ContentId);
        command.Parameters.AddWithValue("$number", number);
        return command;
    }

    /// <summary>SQLite: the chunk read with incremental blob I/O (<see cref="SqliteBlob"/>) straight into the stream's one buffer.</summary>
    private int FillFromSqlite(SqliteConnection sqlite, long rowid, int length)
    {
        _chunk ??= new byte[_blob.ChunkBytes];
        if (length > _chunk.Length) throw new IOException($"Blob {_blob.Key}: chunk larger than {_chunk.Length} bytes.");
        using var blob = new SqliteBlob(sqlite, "BlobChunks", "Bytes", rowid, readOnly: true);
        int total = 0, n;
        while (total < length && (n = blob.Read(_chunk, total, length - total)) > 0) total += n;
        return total;
    }

    private int Fill(System.Data.Common.DbDataReader reader)
    {
        _chunk ??= new byte[_blob.ChunkBytes];
        int total = 0, n;
        while (total < _chunk.Length && (n = (int)reader.GetBytes(0, total, _chunk, total, _chunk.Length - total)) > 0) total += n;
        return total;
    }

    private void Use(int number, int length)
    {
        if (length < 0) throw new IOException($"Blob {_blob.Key} was deleted while it was being read (chunk {number} is gone).");
        _chunkLength = length;
        _chunkNumber = number;
    }

    private int CopyOut(Span<byte> buffer)
    {
        var inChunk = (int)(_position - (long)_chunkNumber * _blob.ChunkBytes);
        var n = (int)Math.Min(Math.Min(buffer.Length, _chunkLength - inChunk), _blob.Length - _position);
        if (n <= 0) throw new IOException($"Blob {_blob.Key} is shorter than its recorded length.");
        _chunk!.AsSpan(inChunk, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
