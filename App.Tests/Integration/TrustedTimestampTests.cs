using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using ESignWeb.Audit;
using ESignWeb.Domain;
using ESignWeb.Requests;
using ESignWeb.Storage;
using ESignWeb.Tests.E2E;
using ESignWeb.Tests.Fixtures;
using ESignWeb.Timestamping;
using Microsoft.EntityFrameworkCore;
using PdfSharp.Pdf;
using Xunit.Abstractions;
using Tsa = ESignWeb.Tests.Fixtures.TimestampAuthority;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Issue 16, trusted timestamps and long-term validation: with <c>ESign:Timestamping:Url</c> pointing at a real RFC 3161
/// authority on loopback (OpenSSL's <c>ts</c>), a completed request's sealed PDF and audit trail both carry a signature
/// timestamp (checked with pdfsig, <c>pdfsig -dump</c> + <c>openssl cms</c>, and <c>openssl ts -verify</c> against the
/// test CA) and a document security store with the signing certificate, and pdfsig still says "valid"; with the
/// authority down the seal still succeeds, without one, and says so; with no setting nothing changes.
/// </summary>
[Collection(E2ECollection.Name)]
public class TrustedTimestampTests(ITestOutputHelper output)
{
    private const string TimestampOid = "1.2.840.113549.1.9.16.2.14";

    [Fact]
    public async Task With_an_authority_the_sealed_pdf_and_its_audit_trail_carry_a_verifiable_timestamp_and_a_security_store()
    {
        await using var tsa = await Tsa.StartAsync();
        await using var app = new ESignAppFactory { Settings = { ["ESign:Timestamping:Url"] = tsa.Url } };
        var done = await CompleteAsync(app, "tina@example.com");

        Assert.Contains("\"timestamp\":\"rfc3161\"", done.Completed.Data);
        Assert.Equal(TrustedTimestamp.Rfc3161, done.Detail.Timestamp);
        Assert.Equal(2, tsa.Answered); // one token for each PDF
        var certificate = app.Get<Sealing.SigningCertificate>().Certificate;
        foreach (var (name, pdf) in new[] { ("sealed", done.Sealed), ("trail", done.Trail) })
        {
            var sig = await Poppler.PdfSigAsync(pdf);
            output.WriteLine($"pdfsig {name}:\n{sig}");
            Assert.Contains("Signature Validation: Signature is Valid.", sig);
            Assert.Contains("Total document signed", sig); // the security store is inside the signed bytes

            // pdfsig -dump writes the CMS it checked; openssl shows the timestamp token in its unsigned attributes.
            var cms = await DumpedSignatureAsync(pdf);
            var printed = await Tsa.OpenSslAsync(tsa.Directory, "cms", "-cmsout", "-print", "-inform", "DER", "-in", cms.Path);
            Assert.Contains("id-smime-aa-timeStampToken", printed);

            // The token is the authority's, over this signature's value: openssl ts -verify against the test CA.
            var signed = new SignedCms();
            signed.Decode(cms.Bytes);
            var signer = signed.SignerInfos[0];
            var attribute = Assert.Single(signer.UnsignedAttributes.Cast<CryptographicAttributeObject>(), a => a.Oid.Value == TimestampOid);
            Assert.True(Rfc3161TimestampToken.TryDecode(attribute.Values[0].RawData, out var token, out _));
            Assert.True(token!.VerifySignatureForSignerInfo(signer, out var tsaCertificate));
            Assert.Equal(X509CertificateLoader.LoadCertificateFromFile(tsa.TsaCertificatePath).Thumbprint, tsaCertificate!.Thumbprint);
            var tokenPath = Path.Combine(tsa.Directory, $"{name}.tst");
            await File.WriteAllBytesAsync(tokenPath, attribute.Values[0].RawData);
            var verified = await Tsa.OpenSslAsync(tsa.Directory, "ts", "-verify", "-token_in", "-in", tokenPath,
                "-digest", Convert.ToHexStringLower(SHA256.HashData(signer.GetSignature())), "-CAfile", tsa.CaCertificatePath, "-untrusted", tsa.TsaCertificatePath);
            Assert.Contains("Verification: OK", verified);
            Assert.InRange(token.TokenInfo.Timestamp, DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddMinutes(1));

            // Long-term validation: /DSS in the catalog with the signing certificate (self-signed: no CRLs).
            var certs = SecurityStoreCertificates(pdf);
            Assert.Equal(certificate.RawData, Assert.Single(certs));
        }
    }

    [Fact]
    public async Task With_the_authority_hanging_the_seal_succeeds_without_a_timestamp_within_its_timeout_and_says_so()
    {
        await using var tsa = await Tsa.StartAsync(Tsa.Behaviour.Hanging);
        await using var app = new ESignAppFactory
        {
            Settings = { ["ESign:Timestamping:Url"] = tsa.Url, ["ESign:Timestamping:TimeoutSeconds"] = "2" },
        };
        var done = await CompleteAsync(app, "hank@example.com");

        Assert.Contains("\"timestamp\":\"none\"", done.Completed.Data);
        Assert.Equal(TrustedTimestamp.None, done.Detail.Timestamp);
        Assert.Equal(1, tsa.Queries); // the trail does not wait for an authority that did not answer
        foreach (var pdf in new[] { done.Sealed, done.Trail })
        {
            Assert.Contains("Signature Validation: Signature is Valid.", await Poppler.PdfSigAsync(pdf));
            var signed = new SignedCms();
            signed.Decode((await DumpedSignatureAsync(pdf)).Bytes);
            Assert.DoesNotContain(signed.SignerInfos[0].UnsignedAttributes.Cast<CryptographicAttributeObject>(), a => a.Oid.Value == TimestampOid);
        }
    }

    [Fact]
    public async Task With_the_authority_refusing_the_seal_succeeds_without_a_timestamp()
    {
        await using var tsa = await Tsa.StartAsync(Tsa.Behaviour.Refusing);
        await using var app = new ESignAppFactory { Settings = { ["ESign:Timestamping:Url"] = tsa.Url } };
        var done = await CompleteAsync(app, "rita@example.com");
        Assert.Contains("\"timestamp\":\"none\"", done.Completed.Data);
        Assert.Equal(TrustedTimestamp.None, done.Detail.Timestamp);
        Assert.Contains("Signature Validation: Signature is Valid.", await Poppler.PdfSigAsync(done.Sealed));
    }

    [Fact]
    public async Task Without_the_setting_nothing_changes_no_timestamp_no_security_store_and_nothing_recorded()
    {
        await using var app = new ESignAppFactory();
        var done = await CompleteAsync(app, "olga@example.com");
        Assert.DoesNotContain("timestamp", done.Completed.Data);
        Assert.Null(done.Detail.Timestamp);
        Assert.Empty(SecurityStoreCertificates(done.Sealed));
        var signed = new SignedCms();
        signed.Decode((await DumpedSignatureAsync(done.Sealed)).Bytes);
        Assert.DoesNotContain(signed.SignerInfos[0].UnsignedAttributes.Cast<CryptographicAttributeObject>(), a => a.Oid.Value == TimestampOid);
    }

    private sealed record Done(byte[] Sealed, byte[] Trail, AuditEvent Completed, RequestDetail Detail);

    private static async Task<Done> CompleteAsync(ESignAppFactory app, string signer)
    {
        _ = app.Server;
        var s = await new SigningScenario(app).SendAsync(false, signer);
        await s.SignAsync(signer);
        await s.WaitForStatusAsync(RequestStatus.Complete, seconds: 120);
        await using var db = await s.Db.CreateDbContextAsync();
        var file = await db.SignedFiles.AsNoTracking().SingleAsync(f => f.RequestId == s.RequestId);
        var completed = await db.AuditEvents.AsNoTracking().SingleAsync(e => e.RequestId == s.RequestId && e.Type == AuditEventType.Completed);
        var blobs = app.Get<IBlobStore>();
        var detail = await app.Get<RequestService>().GetDetailAsync(s.Owner, s.RequestId);
        return new Done(await blobs.ReadAllBytesAsync(file.BlobKey), await blobs.ReadAllBytesAsync(file.AuditTrailBlobKey), completed, detail);
    }

    /// <summary>The signature's CMS as <c>pdfsig -dump</c> writes it (<c>&lt;file&gt;.sig0</c>).</summary>
    private static async Task<(string Path, byte[] Bytes)> DumpedSignatureAsync(byte[] pdf)
    {
        var dir = Directory.CreateTempSubdirectory("esign-pdfsig-").FullName;
        var path = Path.Combine(dir, "doc.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        var psi = new System.Diagnostics.ProcessStartInfo("pdfsig") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-dump");
        psi.ArgumentList.Add(path);
        using (var p = System.Diagnostics.Process.Start(psi)!)
        {
            var printed = p.StandardOutput.ReadToEndAsync();
            await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            if (Directory.GetFiles(dir, "*.sig0").Length == 0) throw new InvalidOperationException("pdfsig -dump wrote no signature: " + await printed);
        }
        // The dump is the whole /Contents: the DER CMS, then the zeros of the room left in it.
        var contents = await File.ReadAllBytesAsync(Directory.GetFiles(dir, "*.sig0").Single());
        System.Formats.Asn1.AsnDecoder.ReadEncodedValue(contents, System.Formats.Asn1.AsnEncodingRules.BER, out _, out _, out var length);
        Assert.All(contents[length..], b => Assert.Equal(0, b));
        var der = Path.Combine(dir, "signature.p7s");
        await File.WriteAllBytesAsync(der, contents[..length]);
        return (der, contents[..length]);
    }

    /// <summary>The DER certificates in the catalog's /DSS /Certs (none when there is no security store).</summary>
    private static List<byte[]> SecurityStoreCertificates(byte[] pdf)
    {
        using var doc = PdfSharp.Pdf.IO.PdfReader.Open(new MemoryStream(pdf), PdfSharp.Pdf.IO.PdfDocumentOpenMode.Import);
        if (doc.Internals.Catalog.Elements.GetDictionary("/DSS") is not { } dss) return [];
        var certs = dss.Elements.GetArray("/Certs") ?? throw new InvalidOperationException("/DSS without /Certs");
        return certs.Elements.Select(e => ((PdfDictionary)((PdfSharp.Pdf.Advanced.PdfReference)e).Value).Stream.UnfilteredValue).ToList();
    }
}
