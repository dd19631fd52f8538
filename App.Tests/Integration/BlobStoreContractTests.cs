using System.Security.Cryptography;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Storage;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// What every blob store promises (<see cref="IBlobStore"/>), run against each store: the file system, and the database
/// store on SQLite and on PostgreSQL (<c>ESign:Storage:Provider</c>). Each test gets the real app over a fresh data
/// folder (and database) with that store.
/// </summary>
public abstract class BlobStoreContractTests : IAsyncLifetime
{
    protected ESignAppFactory App { get; private set; } = null!;
    protected IBlobStore Blobs => App.Get<IBlobStore>();

    protected abstract ESignAppFactory CreateApp();

    public Task InitializeAsync()
    {
        App = CreateApp();
        _ = App.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    /// <summary>What a failed or lost write may have left besides visible blobs (database store: chunks no blob adopted).</summary>
    protected virtual Task AssertNoLeftoversAsync() => Task.CompletedTask;

    protected static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task Stores_content_under_its_SHA256_and_reads_it_back_whole_and_from_any_offset()
    {
        var content = RandomBytes(700_001, 1); // crosses chunk boundaries (256 KB) twice
        var key = await Blobs.PutAsync(new MemoryStream(content));

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), key);
        Assert.True(Blobs.Exists(key));
        Assert.Equal(content.Length, Blobs.Length(key));
        Assert.Contains(Blobs.List(), b => b.Key == key && b.Length == content.Length);
        Assert.Equal(content, await Blobs.ReadAllBytesAsync(key));

        await using var s = Blobs.OpenRead(key);
        Assert.True(s.CanSeek);
        Assert.Equal(content.Length, s.Length);
        Assert.Equal(key, Assert.IsAssignableFrom<IStoredBlobStream>(s).Key);
        foreach (var (offset, count) in new[] { (262_140, 10), (0, 5), (524_288, 4096), (content.Length - 7, 7), (300_000, 300_000) })
        {
            s.Seek(offset, SeekOrigin.Begin);
            var buffer = new byte[count];
            await s.ReadExactlyAsync(buffer);
            Assert.Equal(content.AsSpan(offset, count).ToArray(), buffer);
        }
        s.Seek(-3, SeekOrigin.End);
        var tail = new byte[10];
        Assert.Equal(3, s.Read(tail, 0, 10)); // the synchronous path too
        Assert.Equal(content[^3..], tail[..3]);
        Assert.Equal(0, s.Read(tail, 0, 10));
    }

    [Fact]
    public async Task Empty_and_small_content_round_trip()
    {
        foreach (var content in new[] { Array.Empty<byte>(), new byte[] { 1, 2, 3 } })
        {
            var key = await Blobs.PutAsync(new MemoryStream(content));
            Assert.Equal(content.Length, Blobs.Length(key));
            Assert.Equal(content, await Blobs.ReadAllBytesAsync(key));
        }
    }

    [Fact]
    public async Task Identical_content_is_stored_once_renewed_and_deleted_only_when_old_enough()
    {
        var content = RandomBytes(300_000, 2);
        var key = await Blobs.PutAsync(new MemoryStream(content));
        Assert.Equal(key, await Blobs.PutAsync(new MemoryStream(content)));
        Assert.Single(Blobs.List(), b => b.Key == key);

        var now = App.Get<TimeProvider>().GetUtcNow();
        Assert.False(Blobs.DeleteIfStoredBefore(key, now - TimeSpan.FromHours(1))); // young: kept
        Assert.True(Blobs.Exists(key));
        Assert.True(Blobs.Touch(key));
        Assert.False(Blobs.Touch(new string('0', 64)));

        Assert.True(Blobs.DeleteIfStoredBefore(key, DateTimeOffset.MaxValue));
        Assert.False(Blobs.Exists(key));
        Assert.DoesNotContain(Blobs.List(), b => b.Key == key);
        Assert.False(Blobs.DeleteIfStoredBefore(key, DateTimeOffset.MaxValue));
        Assert.ThrowsAny<IOException>(() => Blobs.OpenRead(key));
        await AssertNoLeftoversAsync();
    }

    [Fact]
    public async Task A_stored_temp_file_is_consumed()
    {
        var content = RandomBytes(400_000, 3);
        var temp = App.Get<DataPaths>().NewTempFile();
        await File.WriteAllBytesAsync(temp, content);
        var key = await Blobs.PutFileAsync(temp);
        Assert.False(File.Exists(temp));
        Assert.Equal(content, await Blobs.ReadAllBytesAsync(key));
    }

    [Fact]
    public async Task A_writer_that_throws_midway_leaves_nothing_visible()
    {
        var before = Blobs.List().Select(b => b.Key).ToHashSet();
        var content = RandomBytes(900_000, 4);
        var failing = new FailingStream(content, failAfter: 600_000);

        await Assert.ThrowsAsync<IOException>(() => Blobs.PutAsync(failing));

        Assert.True(failing.FailedAt >= 600_000); // it did get past two chunks
        Assert.Equal(before, Blobs.List().Select(b => b.Key).ToHashSet());
        Assert.False(Blobs.Exists(Convert.ToHexStringLower(SHA256.HashData(content.AsSpan(0, 600_000)))));
        await AssertNoLeftoversAsync();
    }

    [Fact]
    public async Task Concurrent_writes_of_the_same_content_all_get_its_key_and_it_is_stored_once()
    {
        var content = RandomBytes(600_000, 5);
        using var go = new ManualResetEventSlim();
        var writers = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            go.Wait();
            return await Blobs.PutAsync(new MemoryStream(content));
        })).ToList();
        go.Set();
        var keys = await Task.WhenAll(writers);

        var key = Assert.Single(keys.Distinct());
        Assert.Single(Blobs.List(), b => b.Key == key);
        Assert.Equal(content, await Blobs.ReadAllBytesAsync(key));
        await AssertNoLeftoversAsync();
    }

    [Fact]
    public async Task Deleting_an_unreferenced_blob_inside_a_write_transaction_works()
    {
        var key = await Blobs.PutAsync(new MemoryStream(RandomBytes(1000, 6)));
        var db = App.Get<IDbContextFactory<AppDbContext>>();
        Assert.True(await BlobReferences.DeleteIfUnreferencedAsync(db, Blobs, key));
        Assert.False(Blobs.Exists(key));

        // Storing through the transaction (a signer's fill re-stores its image so) commits with it.
        var again = await db.WriteAsync(async tx => await Blobs.Within(tx).PutAsync(new MemoryStream(RandomBytes(1000, 6))));
        Assert.Equal(key, again);
        Assert.True(Blobs.Exists(key));
    }

    /// <summary>Gives its content up to <c>failAfter</c> bytes, then fails as a broken upload does.</summary>
    private sealed class FailingStream(byte[] content, int failAfter) : Stream
    {
        private int _position;
        public long FailedAt { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => content.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position >= failAfter) { FailedAt = _position; throw new IOException("The client went away."); }
            var n = Math.Min(buffer.Length, failAfter - _position);
            content.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => new(Read(buffer.Span));
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => Task.FromResult(Read(buffer, offset, count));
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

public sealed class FileSystemBlobStoreTests : BlobStoreContractTests
{
    protected override ESignAppFactory CreateApp() => new() { Provider = DatabaseProviderKind.Sqlite };

    [Fact]
    public void The_default_store_is_the_file_system() => Assert.IsType<FileSystemBlobStore>(Blobs);
}

/// <summary>The database store's own promises on top of the contract: chunks, rollback with the transaction, the sweep of a dead writer's chunks.</summary>
public abstract class DatabaseBlobStoreTests : BlobStoreContractTests
{
    protected abstract DatabaseProviderKind Provider { get; }

    protected override ESignAppFactory CreateApp() => new()
    {
        Provider = Provider,
        Settings = { ["ESign:Storage:Provider"] = nameof(StorageProviderKind.Database) },
    };

    private IDbContextFactory<AppDbContext> Db => App.Get<IDbContextFactory<AppDbContext>>();

    protected override async Task AssertNoLeftoversAsync()
    {
        await using var db = await Db.CreateDbContextAsync();
        var adopted = await db.Set<StoredBlob>().Select(b => b.ContentId).ToListAsync();
        var chunked = await db.Set<BlobChunk>().Select(c => c.ContentId).Distinct().ToListAsync();
        Assert.Empty(chunked.Except(adopted));
    }

    [Fact]
    public async Task Blobs_live_in_the_database_in_256_KB_chunks_and_nothing_on_disk()
    {
        Assert.IsType<DatabaseBlobStore>(Blobs);
        var content = RandomBytes(3 * DatabaseBlobStore.ChunkBytes + 1, 7);
        var key = await Blobs.PutAsync(new MemoryStream(content));

        await using var db = await Db.CreateDbContextAsync();
        var blob = await db.Set<StoredBlob>().SingleAsync(b => b.Key == key);
        var sizes = await db.Set<BlobChunk>().Where(c => c.ContentId == blob.ContentId).OrderBy(c => c.Number)
            .Select(c => c.Bytes.Length).ToListAsync();
        Assert.Equal([DatabaseBlobStore.ChunkBytes, DatabaseBlobStore.ChunkBytes, DatabaseBlobStore.ChunkBytes, 1], sizes);
        Assert.Empty(Directory.EnumerateFiles(App.Get<DataPaths>().Blobs, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_delete_inside_a_transaction_that_rolls_back_keeps_the_blob()
    {
        var key = await Blobs.PutAsync(new MemoryStream(RandomBytes(500_000, 8)));
        await Assert.ThrowsAsync<AppException>(() => Db.WriteAsync(async db =>
        {
            Assert.True(Blobs.Within(db).DeleteIfStoredBefore(key, DateTimeOffset.MaxValue));
            await Task.CompletedTask;
            throw AppException.BadRequest("changed my mind");
        }));
        Assert.True(Blobs.Exists(key));
        Assert.Equal(500_000, (await Blobs.ReadAllBytesAsync(key)).Length);
    }

    [Fact]
    public async Task Chunks_of_a_writer_that_died_are_swept_after_the_grace_period_and_live_blobs_stay()
    {
        var content = RandomBytes(400_000, 9);
        var key = await Blobs.PutAsync(new MemoryStream(content));
        var clock = App.Get<TimeProvider>();
        var old = (clock.GetUtcNow() - TimeSpan.FromDays(3)).UtcTicks;
        var fresh = clock.GetUtcNow().UtcTicks;
        var dead = Guid.NewGuid().ToString("N");
        var writing = Guid.NewGuid().ToString("N");
        await using (var db = await Db.CreateDbContextAsync())
        {
            byte[] piece = [1, 2, 3];
            await db.Database.ExecuteSqlAsync($"""INSERT INTO "BlobChunks" ("ContentId", "Number", "Bytes", "WrittenAt") VALUES ({dead}, 0, {piece}, {old})""");
            await db.Database.ExecuteSqlAsync($"""INSERT INTO "BlobChunks" ("ContentId", "Number", "Bytes", "WrittenAt") VALUES ({dead}, 1, {piece}, {old})""");
            await db.Database.ExecuteSqlAsync($"""INSERT INTO "BlobChunks" ("ContentId", "Number", "Bytes", "WrittenAt") VALUES ({writing}, 0, {piece}, {old})""");
            await db.Database.ExecuteSqlAsync($"""INSERT INTO "BlobChunks" ("ContentId", "Number", "Bytes", "WrittenAt") VALUES ({writing}, 1, {piece}, {fresh})""");
        }

        var result = await App.Get<BlobSweeper>().SweepAsync();

        Assert.Equal(2, result.AbandonedDeleted); // the dead writer's two; a writer still writing keeps its chunks
        await using (var db = await Db.CreateDbContextAsync())
        {
            Assert.False(await db.Set<BlobChunk>().AnyAsync(c => c.ContentId == dead));
            Assert.Equal(2, await db.Set<BlobChunk>().CountAsync(c => c.ContentId == writing));
        }
        Assert.Equal(content, await Blobs.ReadAllBytesAsync(key));
    }
}

public sealed class DatabaseBlobStoreOnSqliteTests : DatabaseBlobStoreTests
{
    protected override DatabaseProviderKind Provider => DatabaseProviderKind.Sqlite;
}

public sealed class DatabaseBlobStoreOnPostgreSqlTests : DatabaseBlobStoreTests
{
    protected override DatabaseProviderKind Provider => DatabaseProviderKind.PostgreSql;
}
