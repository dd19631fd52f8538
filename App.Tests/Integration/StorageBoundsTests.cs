using ESignWeb.Api;
using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Hosting;
using ESignWeb.Requests;
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
        Assert.Equal(ApiErrorCode.BadRequest, refused.Code);
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
        Assert.DoesNotContain(replaced, store.List().Select(b => b.Key)); // deleted when it was replaced
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
        Assert.True(store.Exists(youngOrphan));
        Assert.True(store.Exists(restored));
        Assert.All(referenced, k => Assert.True(store.Exists(k), $"referenced blob {k} was swept"));
        Assert.False(File.Exists(staleTemp));
        Assert.Equal(1, result.Deleted);
        Assert.Equal(2, result.Kept);
        Assert.Equal(1, result.TempFilesDeleted);

        // The app still serves what it references.
        var signedId = (await s.LoadAsync()).SignedFileId!.Value;
        var (trail, _) = await app.Get<ESignWeb.Sealing.SignedFileService>().OpenAuditTrailAsync(s.Owner, signedId);
        await trail.DisposeAsync();
    }

    [Fact]
    public async Task Redrawing_a_signature_twenty_times_leaves_only_the_current_image_on_disk()
    {
        await using var app = new ESignAppFactory();
        _ = app.Server;
        var s = new SigningScenario(app) { SignatureFieldsPerSigner = 2 };
        await s.SendAsync(true, "rex@example.com");
        var token = await s.TokenOfAsync("rex@example.com");
        var actor = new Actor(null, "127.0.0.1", "test");
        var session = await s.Signing.OpenAsync(token, actor);
        await s.Signing.ConsentAsync(token, actor);
        var fields = session.MyFields.Where(f => f.Type == FieldType.Signature).Select(f => f.Id).ToList();
        var blobs = app.Get<IBlobStore>();
        var sweeper = new BlobSweeper(app.Get<IDbContextFactory<AppDbContext>>(), blobs, app.Get<DataPaths>(),
            Options.Create(new ESignOptions()), TimeProvider.System, NullLogger<BlobSweeper>.Instance);
        var shared = BigPng(50_000, 21);
        await s.Signing.FillAsync(token, fields[1], new FieldInput(Image: shared, Source: "draw")); // the other field's image

        byte[] last = [];
        for (var i = 0; i < 20; i++)
        {
            last = BigPng(200_000, (byte)(i + 1));
            await s.Signing.FillAsync(token, fields[0], new FieldInput(Image: last, Source: "draw"));
        }
        var onDisk = blobs.List().Select(b => b.Key).ToHashSet();
        var referenced = await sweeper.ReferencedKeysAsync();
        Assert.Equal(referenced.OrderBy(k => k), onDisk.OrderBy(k => k)); // nothing unreferenced is left behind
        Assert.Equal(3, onDisk.Count); // the document, the shared image, the current drawing
        Assert.Contains(SignatureImage.KeyOf(last), onDisk);
        Assert.Contains(SignatureImage.KeyOf(shared), onDisk);

        // An image still used by another field stays; clearing a field deletes an image nobody uses any more.
        await s.Signing.FillAsync(token, fields[0], new FieldInput(Image: shared, Source: "draw"));
        Assert.False(blobs.Exists(SignatureImage.KeyOf(last)));
        await s.Signing.FillAsync(token, fields[0], new FieldInput());
        Assert.True(blobs.Exists(SignatureImage.KeyOf(shared))); // fields[1] still holds it
        await s.Signing.FillAsync(token, fields[1], new FieldInput());
        Assert.False(blobs.Exists(SignatureImage.KeyOf(shared)));
        Assert.All((await s.LoadAsync()).Fields.Where(f => f.Type == FieldType.Signature), f => Assert.Null(f.Value));
    }

    [Fact]
    public async Task An_image_refused_inside_the_transaction_is_not_left_on_disk()
    {
        // Two images each under the budget but not together, filled into two fields at once: both pass the check before
        // storing, and the transaction that comes second refuses its image, which must not stay behind.
        await using var app = new ESignAppFactory { Settings = new() { ["ESign:MaxSignatureBytesPerSigner"] = "3000000" } };
        _ = app.Server;
        var s = new SigningScenario(app) { SignatureFieldsPerSigner = 2 };
        await s.SendAsync(true, "una@example.com");
        var token = await s.TokenOfAsync("una@example.com");
        var actor = new Actor(null, "127.0.0.1", "test");
        var session = await s.Signing.OpenAsync(token, actor);
        await s.Signing.ConsentAsync(token, actor);
        var fields = session.MyFields.Where(f => f.Type == FieldType.Signature).Select(f => f.Id).ToList();
        var blobs = app.Get<IBlobStore>();
        for (var round = 0; round < 5; round++)
        {
            byte[] a = BigPng(1_600_000, (byte)(2 * round + 1)), b = BigPng(1_600_000, (byte)(2 * round + 2));
            using var go = new ManualResetEventSlim();
            var fills = new[] { (fields[0], a), (fields[1], b) }.Select(x => Task.Run(async () =>
            {
                go.Wait();
                try { await s.Signing.FillAsync(token, x.Item1, new FieldInput(Image: x.Item2, Source: "upload")); return true; }
                catch (AppException e) when (e.Message.Contains("per signer")) { return false; }
            })).ToList();
            go.Set();
            var ok = await Task.WhenAll(fills);
            Assert.Equal(1, ok.Count(x => x)); // exactly one fits
            var held = (await s.LoadAsync()).Fields.Where(f => f.Type == FieldType.Signature && f.Value != null).Select(f => f.Value!).ToList();
            Assert.Single(held);
            var refusedKey = SignatureImage.KeyOf(ok[0] ? b : a);
            Assert.False(blobs.Exists(refusedKey), $"round {round}: the refused image was left on disk");
            // Clear for the next round (this deletes the image that was kept).
            await s.Signing.FillAsync(token, ok[0] ? fields[0] : fields[1], new FieldInput());
            Assert.DoesNotContain(blobs.List(), x => x.Length > 1_000_000);
        }
    }

    [Fact]
    public async Task A_template_pdf_older_than_the_grace_period_is_renewed_when_a_request_adopts_it()
    {
        await using var app = new ESignAppFactory();
        _ = app.Server;
        var owner = await app.CreateUserAsync($"tpl-{Guid.NewGuid():N}@example.com", "Tess", "Templates");
        var doc = await app.Get<ESignWeb.Documents.DocumentService>().ImportAsync(owner, "Plain.pdf", new MemoryStream(TestPdf.Pages(1)), false);
        var templates = app.Get<ESignWeb.Templates.TemplateService>();
        var id = await templates.CreateFromDocumentAsync(owner, doc.Id);
        var d = await templates.LoadDraftAsync(owner, id);
        DraftEditor.AddField(d.Layout, FieldType.Signature, d.Roles.Single().Key, 1, new PdfRect(72, 500, 160, 48));
        await templates.SaveDraftAsync(owner, d);
        var key = (await templates.GetAsync(owner, id)).BlobKey;

        // The template's PDF was stored three days ago, well beyond the 24 h grace period.
        var paths = app.Get<DataPaths>();
        var file = Path.Combine(paths.Blobs, key[..2], key);
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddDays(-3));
        var cutoff = DateTimeOffset.UtcNow - TimeSpan.FromHours(24);

        var requestId = await templates.UseAsync(owner, new ESignWeb.Templates.TemplateUse
        {
            TemplateId = id, Name = "From the template", People = [new(1, "tina@example.com", "Tina", "Signer")],
        }, new Actor(null));
        await using (var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            var r = await db.Requests.AsNoTracking().Include(x => x.Document).SingleAsync(x => x.Id == requestId);
            Assert.Equal(key, r.Document!.BlobKey); // adopted as it is, no copy
        }

        // Renewed before the adopting row was written: a sweeper that had read the references before that row (and
        // after the template was deleted) and now deletes what it thinks is an old orphan finds it young again.
        var store = app.Get<IBlobStore>();
        Assert.True(store.List().Single(b => b.Key == key).StoredAt > cutoff);
        Assert.False(store.DeleteIfStoredBefore(key, cutoff));
        await templates.DeleteAsync(owner, id);
        var sweeper = new BlobSweeper(app.Get<IDbContextFactory<AppDbContext>>(), store, paths,
            Options.Create(new ESignOptions { BlobSweep = { GraceHours = 24 } }), TimeProvider.System, NullLogger<BlobSweeper>.Instance);
        await sweeper.SweepAsync();
        Assert.True(store.Exists(key));
    }
}
