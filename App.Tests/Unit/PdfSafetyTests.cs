using ESignWeb.Api;
using System.IO.Compression;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Tests.Fixtures;
using PdfSharp.Pdf;
using PdfSharp.Pdf.IO;

namespace ESignWeb.Tests.Unit;

/// <summary>The pieces of the inspection worker, in-process on benign files: LZW, stream budget, stripping, page tree.</summary>
public class PdfSafetyTests
{
    static PdfSafetyTests() => PdfSharp.PdfSharpLicense.SetAgplLicense();

    [Fact]
    public void Lzw_decodes_the_example_of_the_PDF_specification()
    {
        // ISO 32000-1, 7.4.4.2: "-----A---B" is the codes 256 45 258 258 65 259 66 257 = 80 0B 60 50 22 0C 0C 85 01.
        using var lzw = new LzwDecodeStream(new MemoryStream([0x80, 0x0B, 0x60, 0x50, 0x22, 0x0C, 0x0C, 0x85, 0x01]), 1);
        using var text = new StreamReader(lzw, System.Text.Encoding.ASCII);
        Assert.Equal("-----A---B", text.ReadToEnd());
    }

    [Fact]
    public void The_stream_budget_counts_what_a_flate_chain_expands_to_and_stops_past_each_limit()
    {
        using var doc = PdfReader.Open(new MemoryStream(TestPdf.Pages(1)), PdfDocumentOpenMode.Import);
        var once = Deflate(new byte[3 * 1024 * 1024]);
        var stream = Dict(doc, once, "/FlateDecode");
        var twice = Dict(doc, Deflate(once), "/FlateDecode", "/FlateDecode");

        var budget = new StreamBudget(4L * 1024 * 1024, 5L * 1024 * 1024);
        budget.Check(stream);
        Assert.Equal(3L * 1024 * 1024, budget.TotalDecoded);
        var total = Assert.Throws<AppException>(() => budget.Check(twice));
        Assert.Equal("This PDF could not be read safely: its compressed streams expand to more than 5 MB in total.", total.Message);

        var single = Assert.Throws<AppException>(() => new StreamBudget(2L * 1024 * 1024, 1L << 30).Check(twice));
        Assert.Equal("This PDF could not be read safely: a compressed stream in it expands to more than 2 MB.", single.Message);
        Assert.Equal(ApiErrorCode.FileConversionFailure, single.Code);
    }

    [Fact]
    public void Active_content_is_stripped_and_plain_web_links_stay()
    {
        using var doc = PdfReader.Open(new MemoryStream(RawPdf.WithActiveContent()), PdfDocumentOpenMode.Import);
        var removed = ActiveContent.Strip(doc);
        Assert.Equal(["AA", "EmbeddedFiles", "JS", "JavaScript", "Launch action", "OpenAction"], removed);
        var catalog = doc.Internals.Catalog;
        Assert.False(catalog.Elements.ContainsKey("/OpenAction"));
        Assert.False(catalog.Elements.GetDictionary("/Names")!.Elements.ContainsKey("/JavaScript"));
        var actions = doc.Pages[0].Elements.GetArray("/Annots")!.Elements
            .Select(a => (PdfStructure.Resolve(a) as PdfDictionary)!.Elements.GetDictionary("/A")).ToList();
        Assert.Null(actions[0]);
        Assert.Equal("https://example.com/", actions[1]!.Elements.GetString("/URI"));
        Assert.Empty(ActiveContent.Strip(doc)); // nothing left to remove
    }

    [Fact]
    public void A_javascript_uri_and_a_file_attachment_annotation_are_removed()
    {
        var pdf = RawPdf.Build(
            "<< /Type /Catalog /Pages 2 0 R >>", RawPdf.OnePageTree,
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Annots [<< /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (javascript:alert\\(1\\)) >> >> << /Subtype /FileAttachment /Rect [0 0 9 9] >>] >>");
        using var doc = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import);
        Assert.Equal(["FileAttachment annotation", "URI action (not http, https or mailto)"], ActiveContent.Strip(doc));
        Assert.Single(doc.Pages[0].Elements.GetArray("/Annots")!.Elements);
    }

    [Fact]
    public void Associated_files_and_embedded_file_streams_are_removed()
    {
        var pdf = RawPdf.Build(
            "<< /Type /Catalog /Pages 2 0 R /AF [4 0 R] >>", RawPdf.OnePageTree,
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /AF [<< /Type /Filespec /F (b.bin) /EF << /F 5 0 R >> >>] >>",
            "<< /Type /Filespec /F (a.bin) /EF << /F 5 0 R >> >>",
            "<< /Type /EmbeddedFile /Length 14 >>\nstream\nSECRET-PAYLOAD\nendstream");
        using var doc = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import);
        Assert.Equal(["AF", "EF"], ActiveContent.Strip(doc));
        Assert.False(doc.Internals.Catalog.Elements.ContainsKey("/AF"));
        Assert.False(doc.Pages[0].Elements.ContainsKey("/AF"));
        Assert.Empty(ActiveContent.Strip(doc));
    }

    [Fact]
    public void An_action_name_from_the_file_never_reaches_what_was_removed()
    {
        // A /S name with an escaped newline: "Evil\nINFO forged log line" must not be logged or returned as it is.
        var pdf = RawPdf.Build(
            "<< /Type /Catalog /Pages 2 0 R >>", RawPdf.OnePageTree,
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Annots [<< /Subtype /Link /Rect [0 0 9 9] /A << /S /Evil#0AINFO#20forged#20log#20line >> >> << /Subtype /Link /Rect [0 0 9 9] /A << /S /SubmitForm >> >>] >>");
        using var doc = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import);
        var removed = ActiveContent.Strip(doc);
        Assert.Equal(["SubmitForm action", "other action"], removed);
        Assert.All(doc.Pages[0].Elements.GetArray("/Annots")!.Elements,
            a => Assert.Null((PdfStructure.Resolve(a) as PdfDictionary)!.Elements.GetDictionary("/A")));

        // The parent does not trust the worker's words either: anything outside the fixed set is mapped.
        var verdict = new PdfVerdict(true, PageCount: 1, Pages: [new PdfVerdictPage(0, 0, 612, 792, 0)], Rewritten: true,
            Removed: ["JS", "Launch action", "Evil\nINFO forged", "owner-password encryption", "other action"]);
        Assert.Equal(["JS", "Launch action", "other active content", "owner-password encryption", "other action"],
            verdict.ToInspection()!.Removed);
    }

    [Fact]
    public void The_worker_environment_keeps_what_dotnet_needs_and_drops_everything_else()
    {
        var parent = new System.Collections.Hashtable
        {
            ["PATH"] = "/usr/bin:/bin", ["HOME"] = "/home/app", ["TMPDIR"] = "/var/tmp", ["LANG"] = "C.UTF-8",
            ["LC_ALL"] = "C.UTF-8", ["DOTNET_ROOT"] = "/usr/lib/dotnet",
            ["ESign__Signing__CertificatePassword"] = "cert-secret", ["Smtp__Password"] = "smtp-secret",
            ["ConnectionStrings__Default"] = "Data Source=x;Password=db-secret", ["AWS_SECRET_ACCESS_KEY"] = "aws-secret",
            ["DOTNET_STARTUP_HOOKS"] = "/tmp/hook.dll", ["DOTNET_GCHeapCount"] = "8", ["DOTNET_gcServer"] = "1",
            ["LD_PRELOAD"] = "/tmp/evil.so",
        };
        var env = PdfInspectionWorker.WorkerEnvironment(parent, 512);
        Assert.Equal("/usr/bin:/bin", env["PATH"]);
        Assert.Equal("/usr/lib/dotnet", env["DOTNET_ROOT"]);
        Assert.Equal("/home/app", env["HOME"]);
        Assert.Equal("/var/tmp", env["TMPDIR"]);
        Assert.Equal("C.UTF-8", env["LC_ALL"]);
        Assert.Equal("0x20000000", env["DOTNET_GCHeapHardLimit"]);
        Assert.Equal("0", env["DOTNET_gcServer"]);
        Assert.Equal("0", env["DOTNET_EnableDiagnostics"]);
        foreach (var gone in new[] { "ESign__Signing__CertificatePassword", "Smtp__Password", "ConnectionStrings__Default",
                     "AWS_SECRET_ACCESS_KEY", "DOTNET_STARTUP_HOOKS", "DOTNET_GCHeapCount", "LD_PRELOAD" })
            Assert.False(env.ContainsKey(gone), gone);
        Assert.DoesNotContain(env.Values, v => v.Contains("secret"));
    }

    [Fact]
    public async Task PdfStack_runs_at_most_its_limit_of_jobs_at_once_and_the_rest_wait()
    {
        Assert.Equal(Environment.ProcessorCount, PdfStack.MaxConcurrent);
        using var slots = new SemaphoreSlim(2);
        using var release = new SemaphoreSlim(0);
        int running = 0, peak = 0, started = 0;
        var jobs = Enumerable.Range(0, 6).Select(i => PdfStack.RunAsync(() =>
        {
            Interlocked.Increment(ref started);
            var now = Interlocked.Increment(ref running);
            lock (slots) peak = Math.Max(peak, now);
            release.Wait(TimeSpan.FromSeconds(30));
            Interlocked.Decrement(ref running);
            return i;
        }, 256 * 1024, slots)).ToList();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Volatile.Read(ref started) < 2 && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.Equal(2, Volatile.Read(ref started)); // two run, four wait for a slot (not for a thread)
        Assert.Equal(0, slots.CurrentCount);
        for (var done = 0; done < 6; done++)
        {
            release.Release();
            var before = done + 3;
            while (Volatile.Read(ref started) < Math.Min(before, 6) && DateTime.UtcNow < deadline) await Task.Delay(10);
        }
        Assert.Equal([0, 1, 2, 3, 4, 5], (await Task.WhenAll(jobs)).Order());
        Assert.Equal(2, peak);
        Assert.Equal(6, started);
    }

    [Fact]
    public void The_page_tree_walk_counts_pages_and_refuses_loops_without_recursing()
    {
        using (var doc = PdfReader.Open(new MemoryStream(TestPdf.Pages(5)), PdfDocumentOpenMode.Import))
        {
            Assert.Equal(5, PdfStructure.CheckPageTree(doc, 5));
            Assert.Contains("more than 4 pages", Assert.Throws<AppException>(() => PdfStructure.CheckPageTree(doc, 4)).Message);
        }
        var ancestorLoop = RawPdf.Build("<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>");
        using var looping = PdfReader.Open(new MemoryStream(ancestorLoop), PdfDocumentOpenMode.Import);
        Assert.Contains("too deeply nested or loops", Assert.Throws<AppException>(() => PdfStructure.CheckPageTree(looping, 2000)).Message);
    }

    private static byte[] Deflate(byte[] data)
    {
        var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true)) z.Write(data);
        return ms.ToArray();
    }

    private static PdfDictionary Dict(PdfDocument doc, byte[] raw, params string[] filters)
    {
        var d = new PdfDictionary(doc);
        d.CreateStream(raw);
        if (filters.Length == 1) d.Elements["/Filter"] = new PdfName(filters[0]);
        else
        {
            var a = new PdfArray(doc);
            foreach (var f in filters) a.Elements.Add(new PdfName(f));
            d.Elements["/Filter"] = a;
        }
        return d;
    }
}
