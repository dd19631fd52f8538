using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ESignWeb.Sealing;
using ESignWeb.Timestamping;

namespace ESignWeb.Tests.Unit;

/// <summary>The plain pieces of issue 16's timestamps: the /Contents hole, CRL addresses, the chain, the recorded outcome.</summary>
public class TimestampingPiecesTests
{
    [Fact]
    public void The_signature_hole_is_found_from_the_byte_range_and_a_cms_is_written_back_padded_or_refused_when_too_large()
    {
        var head = "%PDF-1.7\n<</ByteRange [0 64 82 10] /Contents ".PadRight(64);
        var pdf = System.Text.Encoding.ASCII.GetBytes(head + "<3003020105000000>" + "0123456789");
        Assert.Equal((64, 18), SignatureContents.Find(pdf));
        Assert.Equal(new byte[] { 0x30, 0x03, 0x02, 0x01, 0x05 }, SignatureContents.Read(pdf, (64, 18))); // the zeros left off

        Assert.True(SignatureContents.TryWrite(pdf, (64, 18), [0x30, 0x02, 0x05, 0x00], out var written));
        Assert.Equal("<3002050000000000>", System.Text.Encoding.ASCII.GetString(written, 64, 18));
        Assert.Equal(pdf[..64], written[..64]); // the signed bytes are untouched
        Assert.Equal(pdf[82..], written[82..]);
        Assert.False(SignatureContents.TryWrite(pdf, (64, 18), new byte[9], out var refused));
        Assert.Same(pdf, refused);
        Assert.Null(SignatureContents.Find("%PDF-1.7 no signature"u8.ToArray()));
    }

    [Fact]
    public void Crl_addresses_are_read_from_the_distribution_points_and_the_chain_follows_the_issuers()
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10));

        using var leafKey = RSA.Create(2048);
        var leafRequest = new CertificateRequest("CN=Seal", leafKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        leafRequest.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension(
            ["http://crl.example.com/ca.crl", "ldap://ldap.example.com/cn=ca", "https://crl2.example.com/ca.crl"]));
        using var leaf = leafRequest.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(5), new byte[] { 1, 2, 3 });

        Assert.Equal(new[] { "http://crl.example.com/ca.crl", "https://crl2.example.com/ca.crl" }, SealEvidence.CrlUrls(leaf)); // http(s) only
        Assert.Empty(SealEvidence.CrlUrls(ca));

        using var unrelated = new CertificateRequest("CN=Other", leafKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(5));
        var chain = SigningCertificate.ChainOf(leaf, [unrelated, ca, leaf]);
        Assert.Equal(new[] { leaf.Thumbprint, ca.Thumbprint }, chain.Select(c => c.Thumbprint));
        Assert.Equal(new[] { ca.Thumbprint }, SigningCertificate.ChainOf(ca, [ca]).Select(c => c.Thumbprint));
    }

    [Fact]
    public void The_completed_event_records_the_outcome_in_one_vocabulary()
    {
        Assert.Equal("rfc3161", TrustedTimestamp.Rfc3161.WireName());
        Assert.Equal("none", TrustedTimestamp.None.WireName());
        Assert.Equal(TrustedTimestamp.Rfc3161, TrustedTimestamps.OfCompletedData("""{"signed_file_id":1,"timestamp":"rfc3161"}"""));
        Assert.Equal(TrustedTimestamp.None, TrustedTimestamps.OfCompletedData("""{"timestamp":"none"}"""));
        Assert.Null(TrustedTimestamps.OfCompletedData("""{"signed_file_id":1}""")); // timestamping off: nothing recorded
        Assert.Null(TrustedTimestamps.OfCompletedData("not json"));
        Assert.Null(TrustedTimestamps.OfCompletedData(null));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("http://timestamp.digicert.com", true)]
    [InlineData("https://freetsa.org/tsr", true)]
    [InlineData("ftp://tsa.example.com", false)]
    [InlineData("/tsa", false)]
    public void The_authority_url_is_empty_or_absolute_http(string url, bool ok) =>
        Assert.Equal(ok, Timestamping.TimestampAuthority.UrlProblem(url) is null);
}
