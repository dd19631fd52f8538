using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ESignWeb.Audit;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Sealing;
using ESignWeb.Storage;
using ESignWeb.Tests.E2E;
using ESignWeb.Tests.Fixtures;
using ESignWeb.Tests.Unit;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;
using PdfSharp.Pdf;
using PdfSharp.Pdf.IO;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Issue 16, the evidence a third party can check: a completed request's sealed PDF and audit trail are both signed by
/// the instance certificate (pdfsig: valid, whole document), anchored to each other (the certificate page prints the
/// audit chain's head, the trail the sealed file's SHA-256), the trail carries audit-chain.json (pdfdetach), which
/// recomputes, and tools/verify-evidence.sh says "unchanged" on the pair and "modified", naming the check, after one
/// byte changed in either file, one byte appended, or one event of the attached chain changed.
/// </summary>
[Collection(E2ECollection.Name)]
public class EvidenceTests(ITestOutputHelper output)
{
    private static readonly string Script = Path.Combine(RepoPaths.Root, "tools", "verify-evidence.sh");

    [Fact]
    public async Task A_completed_request_s_pdfs_are_signed_anchored_carry_the_chain_and_check_out_offline()
    {
        await using var app = new ESignAppFactory();
        _ = app.Server;
        var s = await new SigningScenario(app).SendAsync(true, "ev1@example.com", "ev2@example.com");
        await s.SignAsync("ev1@example.com");
        await s.SignAsync("ev2@example.com");
        await s.WaitForStatusAsync(RequestStatus.Complete, seconds: 120);

        await using var db = await s.Db.CreateDbContextAsync();
        var signed = await db.SignedFiles.AsNoTracking().SingleAsync(f => f.RequestId == s.RequestId);
        var events = await db.AuditEvents.AsNoTracking().Where(e => e.RequestId == s.RequestId).OrderBy(e => e.Seq).ToListAsync();
        var blobs = app.Get<IBlobStore>();
        var sealedPdf = await blobs.ReadAllBytesAsync(signed.BlobKey);
        var trail = await blobs.ReadAllBytesAsync(signed.AuditTrailBlobKey);

        // Both signed, the whole file, by the instance certificate.
        foreach (var pdf in new[] { sealedPdf, trail }) AssertWholeFileSigned(await Poppler.PdfSigAsync(pdf));
        AssertMarked(sealedPdf, signed.PublicIdentifier, EvidenceKind.Sealed);
        AssertMarked(trail, signed.PublicIdentifier, EvidenceKind.AuditTrail);

        // Anchors: the certificate page's chain head is a stored event (at or after the last signature, before
        // completion); the trail's sealed SHA-256 is that of the exact stored bytes.
        var dir = Directory.CreateTempSubdirectory("esign-evidence-");
        var sealedText = (await Poppler.RunAsync("pdftotext", "-layout", await TempFileAsync(dir, sealedPdf), "-")).Output;
        var head = Regex.Match(sealedText, $@"{AuditTrailPdf.ChainHeadLabel}\s+([0-9a-f]{{64}})").Groups[1].Value;
        var headSeq = int.Parse(Regex.Match(sealedText, $@"{AuditTrailPdf.ChainHeadEventLabel}\s+event (\d+)").Groups[1].Value);
        var headEvent = Assert.Single(events, e => e.Hash == head);
        Assert.Equal(headSeq, headEvent.Seq);
        Assert.True(headEvent.Seq >= events.Last(e => e.Type == AuditEventType.Signed).Seq, "the head includes the last signature");
        Assert.True(headEvent.Seq < events.Single(e => e.Type == AuditEventType.Completed).Seq, "the head was taken when sealing");
        var sealedSha = Convert.ToHexStringLower(SHA256.HashData(sealedPdf));
        Assert.Equal(signed.Checksum, sealedSha);
        var trailText = (await Poppler.RunAsync("pdftotext", "-layout", await TempFileAsync(dir, trail), "-")).Output;
        Assert.Equal(sealedSha, Regex.Match(trailText, @"Sealed SHA-256\s+([0-9a-f]{64})").Groups[1].Value);

        // The attached chain: pdfdetach lists and extracts it, and it recomputes to the stored hashes.
        var trailPath = await TempFileAsync(dir, trail);
        Assert.Contains(AuditChainFile.FileName, (await Poppler.RunAsync("pdfdetach", "-list", trailPath)).Output);
        var chainPath = trailPath + ".json";
        Assert.Equal(0, (await Poppler.RunAsync("pdfdetach", "-savefile", AuditChainFile.FileName, "-o", chainPath, trailPath)).ExitCode);
        using (var chain = JsonDocument.Parse(await File.ReadAllBytesAsync(chainPath)))
        {
            var prev = chain.RootElement.GetProperty("genesis").GetString()!;
            Assert.Equal(AuditLog.Genesis, prev);
            var listed = chain.RootElement.GetProperty("events").EnumerateArray().ToList();
            Assert.Equal(events.Select(e => e.Hash), listed.Select(e => e.GetProperty("hash").GetString()));
            foreach (var e in listed)
            {
                Assert.Equal(prev, e.GetProperty("prev_hash").GetString());
                var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(prev + e.GetProperty("canonical").GetString())));
                Assert.Equal(hash, e.GetProperty("hash").GetString());
                prev = hash;
            }
            Assert.Equal(prev, chain.RootElement.GetProperty("head").GetString());
            Assert.Contains(head, listed.Select(e => e.GetProperty("hash").GetString()));
        }

        // The offline script: unchanged on the pair as stored.
        var ok = await RunScriptAsync(dir, sealedPdf, trail);
        Assert.True(ok.ExitCode == 0, ok.Output);
        Assert.Contains("RESULT: unchanged", ok.Output);
        Assert.DoesNotContain("FAIL", ok.Output);
        Assert.Equal(8, ok.Output.Split('\n').Count(l => l.StartsWith("OK ", StringComparison.Ordinal)));

        // One byte of text changed in the sealed PDF (its reference in the Info dictionary): its signature breaks.
        await AssertModifiedAsync(dir, EditText(sealedPdf, signed.PublicIdentifier), trail, "FAIL sealed signature");
        // One byte changed inside a page content stream of either file.
        await AssertModifiedAsync(dir, EditFirstStream(sealedPdf), trail, "FAIL sealed signature");
        await AssertModifiedAsync(dir, sealedPdf, EditFirstStream(trail), "FAIL trail signature");
        // One byte appended to either: the signature no longer covers the whole file, and the trail's SHA-256 differs.
        var appended = await AssertModifiedAsync(dir, [.. sealedPdf, (byte)'\n'], trail, "FAIL sealed signature");
        Assert.Contains("FAIL sealed SHA-256", appended);
        await AssertModifiedAsync(dir, sealedPdf, [.. trail, (byte)' '], "FAIL trail signature");

        // One event of the attached chain changed and re-embedded in an incremental update, without re-signing: the
        // trail's signature no longer covers the file, and the chain no longer recomputes.
        var original = await File.ReadAllTextAsync(chainPath);
        var altered = original.Replace("test-agent/1.0", "test-agent/2.0");
        Assert.NotEqual(original, altered);
        var reEmbedded = ReplaceEmbeddedFile(trail, Encoding.UTF8.GetBytes(altered));
        Assert.Contains("test-agent/2.0", await DetachedChainAsync(dir, reEmbedded)); // the new chain is what pdfdetach reads
        var edited = await AssertModifiedAsync(dir, sealedPdf, reEmbedded, "FAIL trail signature");
        Assert.Contains("FAIL audit chain", edited);
        // ... and with every hash after it recomputed, the chain holds but no longer contains the sealed PDF's head.
        var recomputed = ReplaceEmbeddedFile(trail, Encoding.UTF8.GetBytes(Rechain(altered)));
        var forged = await AssertModifiedAsync(dir, sealedPdf, recomputed, "FAIL trail signature");
        Assert.Contains("OK audit chain", forged);
        Assert.Contains("FAIL chain head", forged);

        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task A_self_signed_document_s_pdfs_are_signed_anchored_and_check_out_offline()
    {
        await using var app = new ESignAppFactory();
        _ = app.Server;
        var owner = await app.CreateUserAsync("evself@example.com", "Eve", "Self");
        var doc = await app.Get<DocumentService>().ImportAsync(owner, "Mine.pdf", new MemoryStream(TestPdf.Pages(1)), false);
        var signed = await app.Get<SelfSignService>().SignAsync(owner, doc.Id,
            [new SelfField(FieldType.Signature, 1, new PdfRect(72, 100, 160, 48), Image: TestImages.SignaturePng())],
            new Actor("evself@example.com", "127.0.0.1", "agent"), DateTimeOffset.UtcNow);
        var blobs = app.Get<IBlobStore>();
        var sealedPdf = await blobs.ReadAllBytesAsync(signed.BlobKey);
        var trail = await blobs.ReadAllBytesAsync(signed.AuditTrailBlobKey);

        foreach (var pdf in new[] { sealedPdf, trail }) AssertWholeFileSigned(await Poppler.PdfSigAsync(pdf));
        AssertMarked(sealedPdf, signed.PublicIdentifier, EvidenceKind.Sealed);
        AssertMarked(trail, signed.PublicIdentifier, EvidenceKind.AuditTrail);

        var dir = Directory.CreateTempSubdirectory("esign-evidence-");
        var ok = await RunScriptAsync(dir, sealedPdf, trail);
        Assert.True(ok.ExitCode == 0, ok.Output);
        Assert.Contains("OK chain head (the sealed PDF's head is event 3 of the chain", ok.Output); // created, consented, signed
        Assert.Contains("RESULT: unchanged", ok.Output);
        await AssertModifiedAsync(dir, sealedPdf, EditText(trail, signed.PublicIdentifier), "FAIL trail signature");
        dir.Delete(recursive: true);
    }

    private static void AssertWholeFileSigned(string pdfsig)
    {
        Assert.True(pdfsig.Contains("Signature is Valid"), pdfsig);
        Assert.True(pdfsig.Contains("Total document signed") && !pdfsig.Contains("Not total document signed"), pdfsig);
    }

    private static void AssertMarked(byte[] pdf, string reference, EvidenceKind kind)
    {
        using var doc = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import);
        Assert.Equal((reference, (EvidenceKind?)kind), PdfEvidence.Read(doc));
    }

    private async Task<(int ExitCode, string Output)> RunScriptAsync(DirectoryInfo dir, byte[] sealedPdf, byte[] trail)
    {
        var s = Path.Combine(dir.FullName, "sealed.pdf");
        var t = Path.Combine(dir.FullName, "trail.pdf");
        await File.WriteAllBytesAsync(s, sealedPdf);
        await File.WriteAllBytesAsync(t, trail);
        var result = await Poppler.RunAsync("bash", Script, s, t);
        output.WriteLine(result.Output);
        return result;
    }

    private async Task<string> AssertModifiedAsync(DirectoryInfo dir, byte[] sealedPdf, byte[] trail, string failure)
    {
        var (code, text) = await RunScriptAsync(dir, sealedPdf, trail);
        Assert.True(code == 1, text);
        Assert.Contains("RESULT: modified", text);
        Assert.True(text.Contains(failure), $"expected \"{failure}\" in:\n{text}");
        return text;
    }

    /// <summary>One character of <paramref name="text"/> (where it first occurs in the file's bytes) changed.</summary>
    private static byte[] EditText(byte[] pdf, string text)
    {
        var at = Latin1(pdf).IndexOf(text, StringComparison.Ordinal);
        Assert.True(at > 0, $"{text} is not in the file as plain text");
        var copy = pdf.ToArray();
        copy[at] = (byte)(copy[at] == (byte)'a' ? 'b' : 'a');
        return copy;
    }

    /// <summary>One byte changed in the middle of the first page's content stream.</summary>
    private static byte[] EditFirstStream(byte[] pdf)
    {
        using var doc = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import);
        var contents = doc.Pages[0].Elements["/Contents"];
        var first = contents is PdfArray a ? a.Elements[0] : contents;
        var number = ((PdfSharp.Pdf.Advanced.PdfReference)first!).ObjectNumber;
        var raw = Latin1(pdf);
        var obj = Regex.Match(raw, $@"(?<![0-9]){number} 0 obj").Index;
        var data = raw.IndexOf("stream", obj, StringComparison.Ordinal) + "stream\n".Length + 1;
        var end = raw.IndexOf("endstream", data, StringComparison.Ordinal);
        var copy = pdf.ToArray();
        copy[(data + end) / 2] ^= 0x01;
        return copy;
    }

    /// <summary>
    /// The trail with audit-chain.json replaced by <paramref name="json"/> in an incremental update (the way a PDF
    /// editor saves a change): the signed bytes stay as they were, a new version of the embedded file follows them.
    /// </summary>
    private static byte[] ReplaceEmbeddedFile(byte[] pdf, byte[] json)
    {
        int number;
        using (var doc = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import))
        {
            var names = doc.Internals.Catalog.Elements.GetDictionary("/Names")!.Elements.GetDictionary("/EmbeddedFiles")!;
            var array = names.Elements.GetArray("/Names") ?? names.Elements.GetArray("/Kids")!.Elements.GetDictionary(0)!.Elements.GetArray("/Names")!;
            var spec = array.Elements.GetDictionary(1)!;
            var file = spec.Elements.GetDictionary("/EF")!.Elements["/F"];
            number = ((PdfSharp.Pdf.Advanced.PdfReference)file!).ObjectNumber;
        }
        var raw = Latin1(pdf);
        var prev = Regex.Matches(raw, @"startxref\s+(\d+)").Last().Groups[1].Value;
        var trailer = Regex.Matches(raw, @"trailer\s*<<(.*?)>>", RegexOptions.Singleline).Last().Groups[1].Value;
        var size = Regex.Match(trailer, @"/Size\s+(\d+)").Groups[1].Value;
        var root = Regex.Match(trailer, @"/Root\s+(\d+ \d+ R)").Groups[1].Value;
        var info = Regex.Match(trailer, @"/Info\s+(\d+ \d+ R)").Groups[1].Value;
        var update = new MemoryStream();
        update.Write(pdf);
        void Write(string s) => update.Write(Encoding.Latin1.GetBytes(s));
        Write("\n");
        var offset = update.Length;
        Write($"{number} 0 obj\n<< /Type /EmbeddedFile /Length {json.Length} >>\nstream\n");
        update.Write(json);
        Write("\nendstream\nendobj\n");
        var xref = update.Length;
        Write($"xref\n0 1\n0000000000 65535 f \n{number} 1\n{offset:D10} 00000 n \n");
        Write($"trailer\n<< /Size {size} /Root {root}{(info.Length > 0 ? " /Info " + info : "")} /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n");
        return update.ToArray();
    }

    /// <summary>audit-chain.json with every hash recomputed from its canonical strings (what a forger would do).</summary>
    private static string Rechain(string json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        var prev = node["genesis"]!.GetValue<string>();
        foreach (var e in node["events"]!.AsArray())
        {
            e!["prev_hash"] = prev;
            prev = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(prev + e["canonical"]!.GetValue<string>())));
            e["hash"] = prev;
        }
        node["head"] = prev;
        return node.ToJsonString();
    }

    private static async Task<string> DetachedChainAsync(DirectoryInfo dir, byte[] trail)
    {
        var path = await TempFileAsync(dir, trail);
        await Poppler.RunAsync("pdfdetach", "-savefile", AuditChainFile.FileName, "-o", path + ".json", path);
        return await File.ReadAllTextAsync(path + ".json");
    }

    private static async Task<string> TempFileAsync(DirectoryInfo dir, byte[] bytes)
    {
        var path = Path.Combine(dir.FullName, $"{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, bytes);
        return path;
    }

    private static string Latin1(byte[] bytes) => Encoding.Latin1.GetString(bytes);
}
