using ESignWeb.Domain;
using ESignWeb.Hosting;
using ESignWeb.Sealing;
using ESignWeb.Storage;
using ESignWeb.Tests.Fixtures;
using Microsoft.Extensions.Options;
using PdfSharp.Pdf.IO;

namespace ESignWeb.Tests.Unit;

/// <summary>The sealed PDF's digital signature, checked with poppler's pdfsig.</summary>
public class PdfSealerTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("esign-seal-");
    private readonly SigningCertificate _certificate;

    public PdfSealerTests()
    {
        Fonts.Install();
        _certificate = new SigningCertificate(SigningCertificate.LoadPfx(SigningCertificate.NewSelfSignedPfx("ESignWeb", TimeProvider.System)));
    }

    private byte[] Seal(byte[] pdf)
    {
        using var doc = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Modify);
        PdfStamper.Stamp(doc, [new StampItem(1, new PdfRect(72, 72, 200, 32), FieldType.Text, "Signed by Łukasz")]);
        PdfSealer.Flatten(doc);
        var ms = new MemoryStream();
        PdfSealer.SaveSigned(doc, ms, _certificate.Certificate, "Signed with ESignWeb", "test");
        return ms.ToArray();
    }

    [Fact]
    public async Task Pdfsig_reports_the_seal_valid_with_sha256()
    {
        var output = await Poppler.PdfSigAsync(Seal(TestPdf.Pages(2)));
        Assert.Contains("Signature is Valid", output);
        Assert.Contains("SHA-256", output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("ESignWeb", output);
    }

    [Fact]
    public async Task A_document_stored_with_owner_password_encryption_by_an_older_version_still_seals()
    {
        var stored = RawPdf.OwnerPasswordOnly(2);
        Assert.Throws<PdfReaderException>(() => PdfReader.Open(new MemoryStream(stored), PdfDocumentOpenMode.Modify));
        using var doc = PdfSealer.OpenForSealing(new MemoryStream(stored));
        Assert.Equal(2, doc.PageCount);
        PdfStamper.Stamp(doc, [new StampItem(2, new PdfRect(72, 72, 200, 32), FieldType.Text, "Signed at last")]);
        var ms = new MemoryStream();
        PdfSealer.SaveSigned(doc, ms, _certificate.Certificate, "Signed with ESignWeb", "test");
        Assert.Contains("Signature is Valid", await Poppler.PdfSigAsync(ms.ToArray()));
    }

    [Fact]
    public async Task A_page_whose_annots_is_not_an_array_and_a_damaged_signature_image_still_seal()
    {
        // An accepted upload may carry "/Annots 7"; an image stored before images were checked may not decode.
        var pdf = RawPdf.Build("<< /Type /Catalog /Pages 2 0 R >>", RawPdf.OnePageTree,
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Annots 7 >>");
        using var doc = PdfSealer.OpenForSealing(new MemoryStream(pdf));
        PdfStamper.Stamp(doc, [new StampItem(1, new PdfRect(72, 72, 200, 40), FieldType.Signature, Image: Png.WithBrokenData(100, 100))]);
        PdfSealer.Flatten(doc);
        var ms = new MemoryStream();
        PdfSealer.SaveSigned(doc, ms, _certificate.Certificate, "Signed with ESignWeb", "test");
        Assert.Contains("Signature is Valid", await Poppler.PdfSigAsync(ms.ToArray()));
        Assert.Contains("signature image unreadable", await Poppler.PdfToTextAsync(ms.ToArray()));
    }

    [Fact]
    public void A_damaged_signature_image_is_refused_when_it_is_stored()
    {
        var e = Assert.Throws<AppException>(() => ESignWeb.Signing.SignatureImage.Validate(Png.WithBrokenData(100, 100)));
        Assert.Contains("damaged", e.Message);
        Assert.Equal((2, 2), ESignWeb.Signing.SignatureImage.Validate(Png.Encode(2, 2, new byte[2 * (1 + 2 * 4)])));
        // Pixels, not bytes, are what stamping costs: 3000 × 2000 is refused whatever its file size.
        Assert.Contains("megapixels", Assert.Throws<AppException>(() => ESignWeb.Signing.SignatureImage.Validate(Png.WithBrokenData(3000, 2000))).Message);
    }

    [Fact]
    public async Task A_changed_byte_after_sealing_is_detected()
    {
        var sealedPdf = Seal(TestPdf.Pages(1));
        var text = System.Text.Encoding.Latin1.GetString(sealedPdf);
        var m = System.Text.RegularExpressions.Regex.Match(text, @"/MediaBox\s*\[\s*0\s+0\s+(\d)");
        Assert.True(m.Success);
        var at = m.Groups[1].Index;
        sealedPdf[at] = (byte)(sealedPdf[at] == (byte)'5' ? '4' : '5'); // a page size digit, inside the signed range
        var output = await Poppler.PdfSigAsync(sealedPdf);
        Assert.DoesNotContain("Signature is Valid", output);
    }

    public void Dispose() => _dir.Delete(true);
}
