using System.Security.Cryptography;
using System.Text;
using ESignWeb.Evidence;
using ESignWeb.Sealing;
using ESignWeb.Tests.Fixtures;

namespace ESignWeb.Tests.Unit;

/// <summary>The verify domain's plain pieces: e-mail masking, the verify link, and the embedded-signature check on good and hostile bytes.</summary>
public class EvidenceTests
{
    private static readonly Lazy<SigningCertificate> Instance = new(() =>
        new SigningCertificate(SigningCertificate.LoadPfx(SigningCertificate.NewSelfSignedPfx("ESignWeb", TimeProvider.System))));

    private static readonly Lazy<byte[]> SealedPdf = new(() => Seal("https://sign.example.test/"));

    private static byte[] Seal(string? publicBase)
    {
        Fonts.Install();
        var info = new AuditTrailInfo("Contract.pdf", 7, "0123456789abcdef01234567", "Sam Sender", "sam@example.com", new string('0', 64), null,
            [new AuditSigner("Ann Signer", "ann@example.com", "finalized", DateTimeOffset.UnixEpoch, null, null, null)], [], "ESignWeb")
        {
            VerifyUrl = VerifyLink.For(publicBase, "0123456789abcdef01234567"),
        };
        return PdfSealer.Seal(new MemoryStream(TestPdf.Pages(1)), [], info, "Contract", "Signed by Ann Signer", Instance.Value.Certificate, "ESignWeb");
    }

    private static SignatureCheck Check(byte[] bytes, SigningCertificate? cert = null) =>
        EmbeddedSignature.Check(new MemoryStream(bytes), (cert ?? Instance.Value).Certificate);

    [Theory]
    [InlineData("ann@example.com", "a***@e***.com")]
    [InlineData("Bob.Smith@Mail.Example.CO.UK", "b***@m***.uk")]
    [InlineData("x@localhost", "x***@l***")]
    [InlineData("", "***")]
    [InlineData("no-at-sign", "***")]
    [InlineData("@example.com", "***")]
    [InlineData("ann@", "***")]
    [InlineData(null, "***")]
    public void Email_addresses_are_masked_to_their_first_letters_and_top_level_domain(string? email, string masked) =>
        Assert.Equal(masked, EmailMask.Mask(email));

    [Fact]
    public void The_verify_link_comes_only_from_the_configured_public_base()
    {
        Assert.Equal("https://sign.example.com/verify?ref=abc123", VerifyLink.For("https://sign.example.com", "abc123"));
        Assert.Equal("https://example.com/esign/verify?ref=abc123", VerifyLink.For("https://example.com/esign/", "abc123"));
        Assert.Null(VerifyLink.For("", "abc123"));
        Assert.Null(VerifyLink.For("not a url", "abc123"));
        Assert.True(VerifyLink.IsReference("0123456789abcdef01234567"));
        Assert.False(VerifyLink.IsReference("<script>"));
        Assert.False(VerifyLink.IsReference(new string('a', 65)));
    }

    [Fact]
    public void A_sealed_pdf_checks_as_intact_and_by_the_instance()
    {
        var check = Check(SealedPdf.Value);
        Assert.True(check.Found);
        Assert.True(check.SignatureValid);
        Assert.True(check.DigestMatches);
        Assert.True(check.CoversWholeFile);
        Assert.True(check.SignerIsInstance);
        Assert.True(check.Intact);
        Assert.Null(check.TimestampedAt);
        Assert.Contains("ESignWeb", check.SignerSubject);
    }

    [Fact]
    public void Another_certificate_is_not_the_instance()
    {
        var other = new SigningCertificate(SigningCertificate.LoadPfx(SigningCertificate.NewSelfSignedPfx("Other", TimeProvider.System)));
        var check = Check(SealedPdf.Value, other);
        Assert.True(check.SignatureValid);
        Assert.True(check.DigestMatches);
        Assert.False(check.SignerIsInstance);
        Assert.False(check.Intact);
    }

    [Fact]
    public void One_byte_changed_inside_the_signed_range_breaks_the_digest()
    {
        var bytes = (byte[])SealedPdf.Value.Clone();
        var at = Encoding.Latin1.GetString(bytes).IndexOf("/MediaBox", StringComparison.Ordinal);
        Assert.True(at > 0);
        bytes[at + 1] ^= 0x20; // /MediaBox → /mediaBox
        var check = Check(bytes);
        Assert.True(check.Found);
        Assert.True(check.SignerIsInstance);
        Assert.False(check.DigestMatches); // the signature no longer describes these bytes
        Assert.False(check.Intact);
    }

    [Fact]
    public void Bytes_appended_after_signing_are_not_covered()
    {
        byte[] bytes = [.. SealedPdf.Value, .. "\n% appended\n"u8];
        var check = Check(bytes);
        Assert.True(check.DigestMatches);
        Assert.False(check.CoversWholeFile);
        Assert.False(check.Intact);
    }

    public static TheoryData<string, byte[]> Hostile() => new()
    {
        { "empty", [] },
        { "one byte", [0x25] },
        { "no ByteRange", TestPdf.Pages(1) },
        { "ByteRange at the very end", [.. TestPdf.Pages(1), .. "/ByteRange"u8] },
        { "huge numbers", Pdfish("/ByteRange [0 99999999999999999999 99999999999999999999 9]") },
        { "13-digit numbers", Pdfish("/ByteRange [0 1000000000000 1000000000001 0]") },
        { "ranges past EOF", Pdfish("/ByteRange [0 10 20 900000]") },
        { "negative-looking", Pdfish("/ByteRange [0 -10 20 30]") },
        { "first range not at 0", Pdfish("/ByteRange [5 10 20 30]") },
        { "unterminated array", Pdfish("/ByteRange [0 10 20 30") },
        { "gap not hex", WithContents("<zz11>") },
        { "gap without brackets", WithContents("(abcd)") },
        { "random CMS", WithContents("<" + Convert.ToHexString(RandomNumberGenerator.GetBytes(300)) + ">") },
        { "truncated CMS", WithContents("<3082ffff0609>") },
        { "zeros", WithContents("<" + new string('0', 200) + ">") },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Hostile_bytes_answer_not_found_without_throwing(string name, byte[] bytes)
    {
        var check = Check(bytes);
        Assert.False(check.Intact, name);
        Assert.False(check.SignatureValid, name);
        Assert.False(check.SignerIsInstance, name);
    }

    [Fact]
    public void Random_bytes_around_a_plausible_ByteRange_never_throw()
    {
        var rng = new Random(16);
        for (var i = 0; i < 300; i++)
        {
            var noise = new byte[rng.Next(0, 4000)];
            rng.NextBytes(noise);
            var b = rng.Next(1, Math.Max(2, noise.Length));
            var c = b + rng.Next(0, 3000);
            byte[] bytes = [.. noise, .. Encoding.ASCII.GetBytes($"/ByteRange [0 {b} {c} {rng.Next(0, 5000)}]"), .. noise];
            Assert.False(Check(bytes).Intact);
        }
    }

    [Fact]
    public void The_signed_range_taken_is_the_last_one()
    {
        // An incremental update with a second signature dictionary whose range is garbage: the last one is checked.
        byte[] bytes = [.. SealedPdf.Value, .. "\n/ByteRange [0 1 2 3]\n"u8];
        Assert.False(Check(bytes).Found);
    }

    [Fact]
    public void A_literal_is_read_defensively()
    {
        Assert.Equal("abc123", EmbeddedSignature.LastLiteral(new MemoryStream("<< /ESignWebReference (abc123) >>"u8.ToArray()), "/ESignWebReference"));
        Assert.Null(EmbeddedSignature.LastLiteral(new MemoryStream("<< /ESignWebReference (a)b) >>"u8.ToArray()[..22]), "/ESignWebReference"));
        Assert.Null(EmbeddedSignature.LastLiteral(new MemoryStream("<< /ESignWebReference <616263> >>"u8.ToArray()), "/ESignWebReference"));
        Assert.Null(EmbeddedSignature.LastLiteral(new MemoryStream(Encoding.ASCII.GetBytes("/ESignWebReference (" + new string('a', 200) + ")")), "/ESignWebReference"));
        Assert.Null(EmbeddedSignature.LastLiteral(new MemoryStream(TestPdf.Pages(1)), "/ESignWebReference"));
    }

    [Fact]
    public async Task The_certificate_page_prints_the_verify_link_and_its_qr_code()
    {
        var pdf = SealedPdf.Value;
        var text = await Poppler.PdfToTextAsync(pdf);
        Assert.Contains("https://sign.example.test/verify?ref=0123456789abcdef01234567", text.Replace("\n", ""));
        Assert.Contains("Scan to verify", text);
        Assert.DoesNotContain("image unreadable", text);
        // The QR is an image on the certificate page (page 2), its size that of the link's QR code (4 px a module).
        var path = Path.Combine(Path.GetTempPath(), $"esign-qr-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        try
        {
            var (exit, list) = await Poppler.RunAsync("pdfimages", "-list", "-f", "2", "-l", "2", path);
            Assert.Equal(0, exit);
            using var generator = new QRCoder.QRCodeGenerator();
            using var qr = generator.CreateQrCode("https://sign.example.test/verify?ref=0123456789abcdef01234567", QRCoder.QRCodeGenerator.ECCLevel.M);
            var pixels = qr.ModuleMatrix.Count * VerifyLink.PixelsPerModule;
            Assert.Matches($@"\n\s*2\s+\d+\s+image\s+{pixels}\s+{pixels}\s", list);
        }
        finally { File.Delete(path); }
        Assert.True(Check(pdf).Intact);
    }

    [Fact]
    public async Task Without_a_public_base_url_no_link_is_printed()
    {
        var text = await Poppler.PdfToTextAsync(Seal(null));
        Assert.DoesNotContain("verify?ref=", text);
        Assert.Contains("/verify page", text);
    }

    /// <summary>Bytes that look like a PDF with <paramref name="dictionary"/> in the middle.</summary>
    private static byte[] Pdfish(string dictionary) => Encoding.ASCII.GetBytes($"%PDF-1.7\n1 0 obj << {dictionary} >> endobj\n" + new string(' ', 200) + "%%EOF\n");

    /// <summary>A ByteRange whose gap is exactly <paramref name="contents"/>.</summary>
    private static byte[] WithContents(string contents)
    {
        var head = "%PDF-1.7\n1 0 obj << /Type /Sig /Contents ";
        var b = Encoding.ASCII.GetByteCount(head);
        var c = b + contents.Length;
        // Fixed-width numbers, so the tail's length is known before it is written.
        string Tail(int d) => $" /ByteRange [0 {b:D10} {c:D10} {d:D10}] >> endobj\n%%EOF\n";
        var d = Tail(0).Length;
        return Encoding.ASCII.GetBytes(head + contents + Tail(d));
    }
}
