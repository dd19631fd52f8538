using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Storage;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// The core journey with <c>ESign:Storage:Provider = Database</c> on both databases: upload, send, sign (a drawn
/// signature image), seal, then the signer's document answered with HTTP ranges (PDF.js) and the sealed copy
/// downloaded — every byte from the database, nothing under the data folder's blobs.
/// </summary>
public class DatabaseBlobJourneyTests
{
    [Theory]
    [InlineData(DatabaseProviderKind.Sqlite)]
    [InlineData(DatabaseProviderKind.PostgreSql)]
    public async Task Upload_send_sign_seal_and_download_with_blobs_in_the_database(DatabaseProviderKind provider)
    {
        await using var app = new ESignAppFactory
        {
            Provider = provider,
            Settings = { ["ESign:Storage:Provider"] = nameof(StorageProviderKind.Database) },
        };
        _ = app.Server;
        var pdf = TestPdf.Pages(2);
        var s = await new SigningScenario(app) { Pdf = pdf }.SendAsync(false, "dana@example.com");
        var token = await s.TokenOfAsync("dana@example.com");
        // What was stored (the upload, or its rewritten form after inspection).
        string documentKey;
        await using (var db0 = await s.Db.CreateDbContextAsync())
            documentKey = await db0.Requests.Where(r => r.Id == s.RequestId).Select(r => r.Document!.BlobKey).SingleAsync();
        var stored = await app.Get<IBlobStore>().ReadAllBytesAsync(documentKey);
        using var http = app.CreateClient();
        // PDF.js's range requests on the signer's page: 206 with just the bytes asked for, and the blob's key as a strong ETag.
        var range = new HttpRequestMessage(HttpMethod.Get, $"/sign/{token}/document");
        range.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(100, 199);
        using (var partial = await http.SendAsync(range))
        {
            Assert.True(partial.StatusCode == HttpStatusCode.PartialContent, $"Range request answered {(int)partial.StatusCode}.");
            Assert.Equal(stored[100..200], await partial.Content.ReadAsByteArrayAsync());
            Assert.Equal($"\"{Convert.ToHexStringLower(SHA256.HashData(stored))}\"", partial.Headers.ETag?.Tag);
        }
        await s.SignAsync("dana@example.com");
        await s.WaitForStatusAsync(RequestStatus.Complete, seconds: 60);

        var sealedPdf = await http.GetByteArrayAsync($"/sign/{token}/signed.pdf");
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(sealedPdf, 0, 4));

        await using var db = await s.Db.CreateDbContextAsync();
        var signed = await db.SignedFiles.SingleAsync(f => f.RequestId == s.RequestId);
        Assert.Equal(signed.Checksum, Convert.ToHexStringLower(SHA256.HashData(sealedPdf)));
        Assert.Empty(await app.Get<Verification>().VerifyRequestAsync(s.RequestId));
        var keys = await db.Set<StoredBlob>().Select(b => b.Key).ToListAsync();
        var image = await db.Fields.Where(f => f.Type == FieldType.Signature && f.Value != null).Select(f => f.Value!).SingleAsync();
        Assert.Subset(keys.ToHashSet(), new HashSet<string> { signed.BlobKey, signed.AuditTrailBlobKey, signed.OriginalChecksum!, image });
        Assert.Empty(Directory.EnumerateFiles(app.Get<DataPaths>().Blobs, "*", SearchOption.AllDirectories));
    }
}

/// <summary>
/// A 50 MB file through each store (upload, then download): the time and the peak growth of the managed heap, which
/// must stay far below the file's size (streamed, never whole in memory). The figures go to docs/benchmarks.md.
/// Runs alone (its heap figure would count other tests' allocations).
/// </summary>
[Collection(nameof(LargeBlobCollection))]
public class LargeBlobStreamingTests(ITestOutputHelper output)
{
    private const int Size = 50 * 1024 * 1024;

    [Theory]
    [InlineData(StorageProviderKind.FileSystem, DatabaseProviderKind.Sqlite)]
    [InlineData(StorageProviderKind.Database, DatabaseProviderKind.Sqlite)]
    [InlineData(StorageProviderKind.Database, DatabaseProviderKind.PostgreSql)]
    public async Task A_50_MB_file_is_streamed_in_and_out_without_holding_it_in_memory(StorageProviderKind storage, DatabaseProviderKind provider)
    {
        await using var app = new ESignAppFactory
        {
            Provider = provider,
            Settings = { ["ESign:Storage:Provider"] = storage.ToString() },
        };
        _ = app.Server;
        var blobs = app.Get<IBlobStore>();

        var (key, upload, uploadPeak) = await MeasureAsync(() => blobs.PutAsync(new GeneratedStream(Size, seed: 42)));
        var (downloadHash, download, downloadPeak) = await MeasureAsync(async () =>
        {
            await using var s = blobs.OpenRead(key);
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[81920];
            int n;
            while ((n = await s.ReadAsync(buffer)) > 0) sha.AppendData(buffer, 0, n);
            return Convert.ToHexStringLower(sha.GetHashAndReset());
        });

        using (var expected = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            var g = new GeneratedStream(Size, seed: 42);
            var buffer = new byte[81920];
            int n;
            while ((n = g.Read(buffer, 0, buffer.Length)) > 0) expected.AppendData(buffer, 0, n);
            Assert.Equal(Convert.ToHexStringLower(expected.GetHashAndReset()), key);
        }
        Assert.Equal(key, downloadHash);
        Assert.Equal(Size, blobs.Length(key));
        output.WriteLine($"{storage} on {provider}: upload {upload.TotalSeconds:0.00} s, peak managed heap +{uploadPeak / 1048576.0:0.0} MB; " +
                         $"download {download.TotalSeconds:0.00} s, peak +{downloadPeak / 1048576.0:0.0} MB");
        Assert.True(uploadPeak < Size / 2, $"Upload peak heap growth {uploadPeak} bytes: the file was held in memory.");
        Assert.True(downloadPeak < Size / 2, $"Download peak heap growth {downloadPeak} bytes: the file was held in memory.");
    }

    /// <summary>Runs <paramref name="work"/> while sampling the managed heap every 5 ms; returns its time and peak growth.</summary>
    private static async Task<(T Result, TimeSpan Time, long PeakGrowth)> MeasureAsync<T>(Func<Task<T>> work)
    {
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = baseline;
        using var sampler = new Timer(_ =>
        {
            var now = GC.GetTotalMemory(false);
            if (now > Interlocked.Read(ref peak)) Interlocked.Exchange(ref peak, now);
        }, null, 0, 5);
        var watch = Stopwatch.StartNew();
        var result = await work();
        watch.Stop();
        var end = GC.GetTotalMemory(false);
        if (end > peak) peak = end;
        return (result, watch.Elapsed, peak - baseline);
    }

    /// <summary>Pseudo-random bytes made as they are read: the source of an upload that is never in memory as a whole.</summary>
    private sealed class GeneratedStream(long length, int seed) : Stream
    {
        private readonly Random _random = new(seed);
        private long _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - _position);
            _random.NextBytes(buffer[..n]);
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

[CollectionDefinition(nameof(LargeBlobCollection), DisableParallelization = true)]
public sealed class LargeBlobCollection;
