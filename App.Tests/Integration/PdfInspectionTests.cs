using ESignWeb.Api;
using System.Diagnostics;
using System.Security.Cryptography;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Storage;
using ESignWeb.Templates;
using ESignWeb.Tests.Fixtures;
using PdfSharp.Pdf;
using PdfSharp.Pdf.IO;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Untrusted PDFs go through the isolated worker (<c>ESignWeb inspect-pdf</c>, a real child process) on every import
/// path: hostile files are refused with a specific reason and nothing kept, while this process goes on serving.
/// </summary>
public class PdfInspectionTests : IClassFixture<PdfInspectionTests.SmallLimitsApp>
{
    /// <summary>The app with a 3-page limit (a smaller ESign:MaxPages keeps the files tiny) and a 60 MB upload limit.</summary>
    public sealed class SmallLimitsApp : IAsyncLifetime
    {
        public ESignAppFactory App { get; } = new()
        {
            MaxUploadMegabytes = 60,
            Settings = new() { ["ESign:MaxPages"] = "3" },
        };

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync() => await App.DisposeAsync();
    }

    private readonly ESignAppFactory _app;
    private readonly DocumentService _documents;

    public PdfInspectionTests(SmallLimitsApp fixture)
    {
        _app = fixture.App;
        _ = _app.Server;
        _documents = _app.Get<DocumentService>();
    }

    private async Task<AppException> RefusedAsync(string owner, byte[] pdf)
    {
        var blobs = BlobCount();
        var ex = await Assert.ThrowsAsync<AppException>(() => _documents.ImportAsync(owner, "Hostile.pdf", new MemoryStream(pdf), true));
        Assert.Equal(ApiErrorCode.FileConversionFailure, ex.Code);
        Assert.Empty(await _documents.ListAsync(owner));
        Assert.Equal(blobs, BlobCount());
        Assert.Empty(Directory.GetFiles(Path.Combine(_app.DataDir, "tmp")));
        // This process is unharmed: the next upload is inspected and stored as usual.
        var good = await _documents.ImportAsync(owner, "After.pdf", new MemoryStream(TestPdf.Pages(1)), true);
        Assert.Equal(1, good.PageCount);
        await _documents.DeleteAsync(owner, good.Id);
        return ex;
    }

    private int BlobCount() => Directory.GetFiles(Path.Combine(_app.DataDir, "blobs"), "*", SearchOption.AllDirectories).Length;

    [Fact]
    public async Task A_page_tree_whose_kids_point_to_itself_is_refused_as_looping()
    {
        var owner = await _app.CreateUserAsync($"loop-{Guid.NewGuid():N}@example.com");
        var ex = await RefusedAsync(owner, RawPdf.KidsSelfLoop());
        Assert.Equal("This PDF could not be read safely: its structure is too deeply nested or loops.", ex.Message);
    }

    [Fact]
    public async Task An_array_nested_100000_deep_crashes_only_the_worker_and_is_refused()
    {
        var owner = await _app.CreateUserAsync($"deep-{Guid.NewGuid():N}@example.com");
        var ex = await RefusedAsync(owner, RawPdf.NestedArray(100_000));
        Assert.Equal("This PDF could not be read safely: its structure is too deeply nested or loops.", ex.Message);
    }

    [Fact]
    public async Task An_array_nested_past_the_depth_limit_is_refused_by_the_walk()
    {
        var owner = await _app.CreateUserAsync($"deep300-{Guid.NewGuid():N}@example.com");
        var ex = await RefusedAsync(owner, RawPdf.NestedArray(PdfStructure.MaxDepth + 50));
        Assert.Contains("too deeply nested or loops", ex.Message);
    }

    [Fact]
    public async Task More_pages_than_MaxPages_are_refused()
    {
        var owner = await _app.CreateUserAsync($"pages-{Guid.NewGuid():N}@example.com");
        var ex = await RefusedAsync(owner, TestPdf.Pages(4));
        Assert.Equal("This PDF could not be read safely: it has more than 3 pages (the most accepted).", ex.Message);
        Assert.Equal(3, (await _documents.ImportAsync(owner, "Three.pdf", new MemoryStream(TestPdf.Pages(3)), false)).PageCount);
    }

    [Fact]
    public async Task A_stream_that_expands_past_256_MB_is_refused()
    {
        var owner = await _app.CreateUserAsync($"bomb-{Guid.NewGuid():N}@example.com");
        var ex = await RefusedAsync(owner, RawPdf.FlateBomb(260));
        Assert.Equal("This PDF could not be read safely: a compressed stream in it expands to more than 256 MB.", ex.Message);
    }

    [Fact]
    public async Task JavaScript_OpenAction_Launch_and_embedded_files_are_stripped_and_the_clean_copy_is_stored()
    {
        var owner = await _app.CreateUserAsync($"js-{Guid.NewGuid():N}@example.com");
        var upload = RawPdf.WithActiveContent();
        var doc = await _documents.ImportAsync(owner, "Form.pdf", new MemoryStream(upload), false);

        Assert.Equal(1, doc.PageCount);
        Assert.NotEqual(Convert.ToHexStringLower(SHA256.HashData(upload)), doc.Sha256);
        var stored = await _app.Get<IBlobStore>().ReadAllBytesAsync(doc.BlobKey);
        Assert.Equal(doc.Sha256, Convert.ToHexStringLower(SHA256.HashData(stored))); // the document's hash is the copy's
        var text = System.Text.Encoding.Latin1.GetString(stored);
        foreach (var gone in new[] { "/JavaScript", "/OpenAction", "/JS", "/Launch", "/EmbeddedFiles", "/AA", "calc.exe" })
            Assert.DoesNotContain(gone, text);
        using var pdf = PdfReader.Open(new MemoryStream(stored), PdfDocumentOpenMode.Import);
        Assert.False(pdf.Internals.Catalog.Elements.ContainsKey("/OpenAction"));
        var annots = pdf.Pages[0].Elements.GetArray("/Annots")!;
        var links = annots.Elements.Select(a => ((PdfSharp.Pdf.Advanced.PdfReference)a).Value as PdfDictionary).ToList();
        Assert.Contains(links, l => l!.Elements.GetDictionary("/A")?.Elements.GetString("/URI") == "https://example.com/");
        Assert.DoesNotContain(links, l => l!.Elements.GetDictionary("/A") is { } a && a.Elements.GetName("/S") == "/Launch");
        Assert.Empty(Directory.GetFiles(Path.Combine(_app.DataDir, "tmp")));
    }

    [Fact]
    public async Task Associated_files_are_stripped_and_the_stored_copy_has_no_embedded_file()
    {
        var owner = await _app.CreateUserAsync($"af-{Guid.NewGuid():N}@example.com");
        var upload = RawPdf.Build(
            "<< /Type /Catalog /Pages 2 0 R /AF [<< /Type /Filespec /F (a.bin) /EF << /F 4 0 R >> >>] >>", RawPdf.OnePageTree,
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /AF [5 0 R] >>",
            "<< /Type /EmbeddedFile /Length 22 >>\nstream\nASSOCIATED-FILE-SECRET\nendstream",
            "<< /Type /Filespec /F (b.bin) /EF << /F 4 0 R >> >>");
        Assert.Contains("ASSOCIATED-FILE-SECRET", System.Text.Encoding.Latin1.GetString(upload));
        var doc = await _documents.ImportAsync(owner, "Associated.pdf", new MemoryStream(upload), false);

        Assert.NotEqual(Convert.ToHexStringLower(SHA256.HashData(upload)), doc.Sha256); // not accepted unchanged
        var text = System.Text.Encoding.Latin1.GetString(await _app.Get<IBlobStore>().ReadAllBytesAsync(doc.BlobKey));
        foreach (var gone in new[] { "/AF", "/EF", "/EmbeddedFile", "ASSOCIATED-FILE-SECRET" })
            Assert.DoesNotContain(gone, text);
        Assert.Empty(Directory.GetFiles(Path.Combine(_app.DataDir, "tmp")));
    }

    [Fact]
    public async Task A_pdf_encrypted_with_only_an_owner_password_is_stored_decrypted_and_seals()
    {
        var upload = RawPdf.OwnerPasswordOnly(2);
        PdfSharp.PdfSharpLicense.SetAgplLicense();
        var modify = Assert.Throws<PdfReaderException>(() => PdfReader.Open(new MemoryStream(upload), PdfDocumentOpenMode.Modify));
        Assert.Contains("owner password", modify.Message); // what made such requests unsealable

        var s = new SigningScenario(_app) { Pdf = upload };
        await s.SendAsync(false, "oona@example.com", "otto@example.com");
        await s.SignAsync("oona@example.com");
        await s.SignAsync("otto@example.com");
        var done = await s.WaitForStatusAsync(RequestStatus.Complete);

        var doc = await _documents.GetAsync(s.Owner, done.DocumentId);
        Assert.Equal(2, doc.PageCount);
        var stored = await _app.Get<IBlobStore>().ReadAllBytesAsync(doc.BlobKey);
        using (var reopened = PdfReader.Open(new MemoryStream(stored), PdfDocumentOpenMode.Modify))
            Assert.Equal(2, reopened.PageCount);
        Assert.NotNull(done.SignedFileId);
    }

    [Fact]
    public async Task A_template_upload_goes_through_the_worker_with_its_password_on_stdin()
    {
        var owner = await _app.CreateUserAsync($"tpl-{Guid.NewGuid():N}@example.com");
        var templates = _app.Get<TemplateService>();
        var paths = _app.Get<DataPaths>();
        var id = await templates.CreateFromUploadAsync(owner, "Locked.pdf", new MemoryStream(TestPdf.PasswordProtected("s3cret pass")),
            "s3cret pass", 10 * 1024 * 1024, paths);
        var t = await templates.GetAsync(owner, id);
        Assert.True(t.PasswordProtected);
        Assert.Equal(1, t.PageCount);

        var wrong = await Assert.ThrowsAsync<AppException>(() => templates.CreateFromUploadAsync(owner, "Locked.pdf",
            new MemoryStream(TestPdf.PasswordProtected("s3cret pass")), "nope", 10 * 1024 * 1024, paths));
        Assert.Equal(ApiErrorCode.FilePasswordProtected, wrong.Code);

        var loop = await Assert.ThrowsAsync<AppException>(() => templates.CreateFromUploadAsync(owner, "Loop.pdf",
            new MemoryStream(RawPdf.KidsSelfLoop()), null, 10 * 1024 * 1024, paths));
        Assert.Contains("too deeply nested or loops", loop.Message);

        var active = await templates.CreateFromUploadAsync(owner, "Form.pdf", new MemoryStream(RawPdf.WithActiveContent()), null,
            10 * 1024 * 1024, paths);
        var stored = await _app.Get<IBlobStore>().ReadAllBytesAsync((await templates.GetAsync(owner, active)).BlobKey);
        Assert.DoesNotContain("/JavaScript", System.Text.Encoding.Latin1.GetString(stored));
        Assert.Empty(Directory.GetFiles(Path.Combine(_app.DataDir, "tmp")));
    }
}

/// <summary>The worker's wall-clock and memory limits: an inspection past either is stopped and refused.</summary>
public class PdfInspectionLimitTests
{
    [Fact]
    public async Task An_inspection_needing_more_than_MemoryMegabytes_is_refused()
    {
        await using var app = new ESignAppFactory
        {
            MaxUploadMegabytes = 60,
            Settings = new() { ["ESign:PdfInspection:MemoryMegabytes"] = "128" },
        };
        _ = app.Server;
        var owner = await app.CreateUserAsync("hungry@example.com");
        var content = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("0 0 m 1 1 l S\n", 3_000_000))); // 42 MB
        var pdf = RawPdf.Build(
            System.Text.Encoding.Latin1.GetBytes("<< /Type /Catalog /Pages 2 0 R >>"), System.Text.Encoding.Latin1.GetBytes(RawPdf.OnePageTree),
            System.Text.Encoding.Latin1.GetBytes("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>"),
            [.. System.Text.Encoding.Latin1.GetBytes($"<< /Length {content.Length} >>\nstream\n"), .. content, .. "\nendstream"u8]);
        var ex = await Assert.ThrowsAsync<AppException>(() =>
            app.Get<DocumentService>().ImportAsync(owner, "Hungry.pdf", new MemoryStream(pdf), false));
        Assert.Equal(ApiErrorCode.FileConversionFailure, ex.Code);
        Assert.Equal("This PDF could not be read safely: it needed more than 128 MB of memory.", ex.Message);
        Assert.Empty(await app.Get<DocumentService>().ListAsync(owner));
        Assert.Empty(Directory.GetFiles(Path.Combine(app.DataDir, "tmp")));
        // A small PDF fits in the same 128 MB: the limit stopped the big one, not every upload.
        Assert.Equal(1, (await app.Get<DocumentService>().ImportAsync(owner, "Small.pdf", new MemoryStream(TestPdf.Pages(1)), false)).PageCount);
    }

    [Fact]
    public async Task An_inspection_longer_than_TimeoutSeconds_is_killed_and_refused()
    {
        await using var app = new ESignAppFactory { Settings = new() { ["ESign:PdfInspection:TimeoutSeconds"] = "0.05" } };
        _ = app.Server;
        var owner = await app.CreateUserAsync("slow@example.com");
        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<AppException>(() =>
            app.Get<DocumentService>().ImportAsync(owner, "Slow.pdf", new MemoryStream(TestPdf.Pages(1)), false));
        Assert.Equal(ApiErrorCode.FileConversionFailure, ex.Code);
        Assert.Equal("This PDF could not be read safely: reading it took longer than 0.05 s.", ex.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Empty(await app.Get<DocumentService>().ListAsync(owner));
        Assert.Empty(Directory.GetFiles(Path.Combine(app.DataDir, "tmp")));
        // No worker is left running.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (WorkerProcesses(app.DataDir).Count > 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Empty(WorkerProcesses(app.DataDir));
    }

    [Fact]
    public async Task At_most_MaxConcurrent_workers_run_at_once_and_the_others_wait_their_turn()
    {
        await using var app = new ESignAppFactory { Settings = new()
        {
            ["ESign:PdfInspection:MaxConcurrent"] = "1",
            // The four wait in one queue; on a loaded machine four worker starts can take longer than the defaults
            // (20 s a check, 60 s in the queue), and this test is about the limit, not the timeouts.
            ["ESign:PdfInspection:TimeoutSeconds"] = "120",
            ["ESign:PdfInspection:QueueWaitSeconds"] = "600",
        } };
        _ = app.Server;
        var owner = await app.CreateUserAsync("flood@example.com");
        var documents = app.Get<DocumentService>();
        var peak = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, WorkerProcesses(app.DataDir).Count);
                await Task.Delay(5);
            }
        });
        var uploads = Enumerable.Range(1, 4)
            .Select(i => documents.ImportAsync(owner, $"Flood {i}.pdf", new MemoryStream(TestPdf.Pages(i % 3 + 1)), false)).ToList();
        var docs = await Task.WhenAll(uploads);
        await stop.CancelAsync();
        await sampler;
        Assert.Equal(4, docs.Length);
        Assert.Equal(4, (await documents.ListAsync(owner)).Count);
        Assert.Equal(1, peak);
    }

    private static List<int> WorkerProcesses(string dataDir) =>
        Directory.GetDirectories("/proc").Select(Path.GetFileName).Where(n => int.TryParse(n, out _))
            .Where(pid =>
            {
                try { return File.ReadAllText($"/proc/{pid}/cmdline").Contains("inspect-pdf\0--input\0" + dataDir); }
                catch (IOException) { return false; }
                catch (UnauthorizedAccessException) { return false; }
            }).Select(int.Parse!).ToList();
}
