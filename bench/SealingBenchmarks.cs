using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using ESignWeb.Audit;
using ESignWeb.Domain;
using ESignWeb.Sealing;
using ESignWeb.Tests.Fixtures;
using ESignWeb.Tests.Unit;
using PdfSharp.Drawing;
using PdfSharp.Pdf.IO;
using PdfSharp.Pdf.Signatures;

namespace ESignWeb.Bench;

/// <summary>
/// Sealing a 10-page document with 5 signers × 3 fields — stamping, flattening, the certificate page, the PKCS#7
/// SHA-256 signature and the audit trail PDF — against bare PDFsharp doing the same drawing work in the same run
/// (open, draw the same 15 items, add one page, sign, save).
/// </summary>
[MemoryDiagnoser]
public class SealingBenchmarks
{
    private byte[] _pdf = [];
    private List<StampItem> _items = [];
    private AuditTrailInfo _info = null!;
    private X509Certificate2 _certificate = null!;

    [GlobalSetup]
    public void Setup()
    {
        Fonts.Install();
        _pdf = TestPdf.Pages(10);
        var png = TestImages.SignaturePng();
        for (var s = 0; s < 5; s++)
        {
            var page = s * 2 + 1;
            _items.Add(new StampItem(page, new PdfRect(72, 600, 160, 48), FieldType.Signature, Image: png));
            _items.Add(new StampItem(page, new PdfRect(260, 600, 150, 32), FieldType.Name, $"Signer Number{s} Łukasz"));
            _items.Add(new StampItem(page, new PdfRect(430, 600, 110, 32), FieldType.Date, "22/11/2026"));
        }
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest("CN=Bench", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        _certificate = X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null, X509KeyStorageFlags.Exportable);

        var events = new List<AuditEvent>();
        var prev = AuditLog.Genesis;
        var types = new[] { AuditEventType.Created, AuditEventType.Sent }.Concat(Enumerable.Range(0, 5).SelectMany(_ => new[] { AuditEventType.MailDelivered, AuditEventType.Viewed, AuditEventType.Consented, AuditEventType.Signed })).Append(AuditEventType.Completed);
        var seq = 1;
        foreach (var t in types)
        {
            var e = new AuditEvent { RequestId = 1, Seq = seq++, Type = t, ActorEmail = "signer@example.com", Ip = "203.0.113.7",
                UserAgent = "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0", At = DateTimeOffset.UtcNow, PrevHash = prev };
            e.Hash = AuditLog.ComputeHash(e);
            prev = e.Hash;
            events.Add(e);
        }
        _info = new AuditTrailInfo("Contract.pdf", 1, "0123456789abcdef01234567", "Sara Sender", "sara@example.com",
            new string('a', 64), new string('b', 64),
            Enumerable.Range(0, 5).Select(i => new AuditSigner($"Signer {i}", $"s{i}@example.com", "finalized", DateTimeOffset.UtcNow,
                "203.0.113.7", "Mozilla/5.0 Chrome/156.0", png)).ToList(), events, "ESignWeb");
    }

    [Benchmark(Baseline = true, Description = "bare PDFsharp: open, draw 15 items, add a page, sign, save")]
    public int BarePdfSharp()
    {
        using var doc = PdfReader.Open(new MemoryStream(_pdf), PdfDocumentOpenMode.Modify);
        var font = new XFont(SealingFonts.Sans, 10);
        foreach (var group in _items.GroupBy(i => i.PageNumber))
        {
            using var g = XGraphics.FromPdfPage(doc.Pages[group.Key - 1], XGraphicsPdfPageOptions.Append);
            foreach (var i in group)
            {
                var r = new XRect(i.Rect.X, 792 - i.Rect.Y - i.Rect.Height, i.Rect.Width, i.Rect.Height);
                if (i.Image is not null)
                {
                    using var img = XImage.FromStream(new MemoryStream(i.Image));
                    g.DrawImage(img, r);
                }
                else g.DrawString(i.Text!, font, XBrushes.Black, r, XStringFormats.CenterLeft);
            }
        }
        var page = doc.AddPage();
        using (var g = XGraphics.FromPdfPage(page)) g.DrawString("Signature certificate", font, XBrushes.Black, 50, 50);
        DigitalSignatureHandler.ForDocument(doc, new PdfSharpDefaultSigner(_certificate, PdfMessageDigestType.SHA256),
            new DigitalSignatureOptions { Rectangle = new XRect(0, 0, 0, 0), PageIndex = 0 });
        using var ms = new MemoryStream();
        doc.Save(ms, closeStream: false);
        return (int)ms.Length;
    }

    [Benchmark(Description = "ESignWeb seal: stamp, flatten, certificate page, sign + audit trail PDF")]
    public int ESignWebSeal()
    {
        var sealedPdf = PdfSealer.Seal(new MemoryStream(_pdf), _items, _info, "Contract", "Signed", _certificate, "ESignWeb");
        var trail = AuditTrailPdf.Render(_info, _certificate);
        return sealedPdf.Length + trail.Length;
    }

    public int SealOnly() => PdfSealer.Seal(new MemoryStream(_pdf), _items, _info, "Contract", "Signed", _certificate, "ESignWeb").Length;

    public int TrailOnly() => AuditTrailPdf.Render(_info, _certificate).Length;
}
