using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Hosting;
using ESignWeb.Signing;
using ESignWeb.Storage;
using ESignWeb.Tests.E2E;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Storage does not grow without bound: a signer's signature images are capped in total (a replaced image stops
/// counting), and the sweeper deletes blobs no row references once they are older than the grace period.
/// </summary>
[Collection(E2ECollection.Name)]
public class StorageBoundsTests
{
    /// <summary>A PNG (valid header) padded to <paramref name="bytes"/>; <paramref name="seed"/> makes the content distinct.</summary>
    private static byte[] BigPng(int bytes, byte seed)
    {
        var png = TestImages.SignaturePng();
        var big = new byte[bytes];
        png.CopyTo(big, 0);
        big.AsSpan(png.Length).Fill(seed);
        return big;
    }

    [Fact]
    public async Task A_signers_images_are_capped_in_total_and_a_replaced_image_no_longer_counts()
    {
        await using var app = new ESignAppFactory { Settings = new() { ["ESign:MaxSignatureBytesPerSigner"] = "3000000" } };
        _ = app.Server;
        var s = new SigningScenario(app) { SignatureFieldsPerSigner = 3 };
        await s.SendAsync(true, "ida@example.com");
        var token = await s.TokenOfAsync("ida@example.com");
        var actor = new Actor(null, "127.0.0.1", "test");
        var session = await s.Signing.OpenAsync(token, actor);
        await s.Signing.ConsentAsync(token, actor);
        var fields = session.MyFields.Where(f => f.Type == FieldType.Signature).Select(f => f.Id).ToList();
        Assert.Equal(3, fields.Count);
        var blobs = app.Get<IBlobStore>();
        byte[] x = BigPng(1_400_000, 1), y = BigPng(1_400_000, 2), z = BigPng(1_400_000, 3);

        await s.Signing.FillAsync(token, fields[0], new FieldInput(Image: x, Source: "upload"));
        await s.Signing.FillAsync(token, fields[1], new FieldInput(Image: y, Source: "upload"));
        var refused = await Assert.ThrowsAsync<AppException>(() => s.Signing.FillAsync(token, fields[2], new FieldInput(Image: z, Source: "upload")));
        Assert.Equal("bad_request", refused.Code);
        Assert.Contains("at most 2.9 MB per signer", refused.Message);
        Assert.False(blobs.Exists(SignatureImage.KeyOf(z))); // refused before anything was stored

        // The same image again costs nothing; replacing x by z frees x's share.
        await s.Signing.FillAsync(token, fields[2], new FieldInput(Image: y, Source: "upload"));
        await s.Signing.FillAsync(token, fields[0], new FieldInput(Image: z, Source: "upload"));
        var stored = (await s.LoadAsync()).Fields.Where(f => f.Type == FieldType.Signature).Select(f => f.Value).ToList();
        Assert.Equal([SignatureImage.KeyOf(z), SignatureImage.KeyOf(y), SignatureImage.KeyOf(y)], stored);
    }

    [Fact]
    public async Task The_sweeper_keeps_referenced_and_young_blobs_and_deletes_old_orphans()
    {
        await using var app = new ESignAppFactory();
        _ = app.Server;
        // A complete request (document, signature images, sealed PDF, audit trail), one image replaced before finishing.
        var s = await new SigningScenario(app).SendAsync(true, "ann@example.com");
        var token = await s.PrepareAsync("ann@example.com");
        var field = (await s.LoadAsync()).Fields.Single(f => f.Type == FieldType.Signature);
        var replaced = field.Value!;
        await s.Signing.FillAsync(token, field.Id, new FieldInput(Image: BigPng(5000, 7), Source: "upload"));
        await s.FinishAsync(token);
        await s.WaitForStatusAsync(RequestStatus.Complete, seconds: 60);

        var paths = app.Get<DataPaths>();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new FileSystemBlobStore(paths, clock);
        var options = Options.Create(new ESignOptions { BlobSweep = { GraceHours = 24 } });
        var sweeper = new BlobSweeper(app.Get<IDbContextFactory<AppDbContext>>(), store, paths, options, clock, NullLogger<BlobSweeper>.Instance);
        var referenced = await sweeper.ReferencedKeysAsync();
        Assert.Contains(replaced, store.List().Select(b => b.Key));
        Assert.DoesNotContain(replaced, referenced);
        Assert.Equal(4, referenced.Count); // document, the new image, sealed PDF, audit trail
        var oldOrphan = await store.PutAsync(new MemoryStream("old orphan"u8.ToArray()));
        var restored = await store.PutAsync(new MemoryStream("stored again later"u8.ToArray()));
        var staleTemp = paths.NewTempFile();
        await File.WriteAllTextAsync(staleTemp, "an upload abandoned long ago");
        File.SetLastWriteTimeUtc(staleTemp, DateTime.UtcNow.AddDays(-2));

        clock.Advance(TimeSpan.FromHours(25));
        var youngOrphan = await store.PutAsync(new MemoryStream("young orphan"u8.ToArray()));
        Assert.Equal(restored, await store.PutAsync(new MemoryStream("stored again later"u8.ToArray()))); // renewed
        var result = await sweeper.SweepAsync();

        Assert.False(store.Exists(oldOrphan));
        Assert.False(store.Exists(replaced));
        Assert.True(store.Exists(youngOrphan));
        Assert.True(store.Exists(restored));
        Assert.All(referenced, k => Assert.True(store.Exists(k), $"referenced blob {k} was swept"));
        Assert.False(File.Exists(staleTemp));
        Assert.Equal(2, result.Deleted);
        Assert.Equal(2, result.Kept);
        Assert.Equal(1, result.TempFilesDeleted);

        // The app still serves what it references.
        var signedId = (await s.LoadAsync()).SignedFileId!.Value;
        var (trail, _) = await app.Get<ESignWeb.Sealing.SignedFileService>().OpenAuditTrailAsync(s.Owner, signedId);
        await trail.DisposeAsync();
    }
}
