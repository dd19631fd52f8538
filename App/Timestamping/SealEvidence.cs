using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using ESignWeb.Hosting;
using ESignWeb.Sealing;
using Microsoft.Extensions.Options;

namespace ESignWeb.Timestamping;

/// <summary>
/// Evidence added to a signed PDF while <c>ESign:Timestamping:Url</c> is set (off: nothing, today's output):
/// <list type="bullet">
/// <item>before signing, the <see cref="LongTermValidation"/> material — the signing certificate's chain and the CRLs
/// its certificates name (fetched here, asynchronously, kept an hour);</item>
/// <item>after signing, an RFC 3161 signature timestamp: the CMS is read from the PDF's <c>/Contents</c> hole, the
/// authority's token over its signature value is added as the unsigned attribute id-aa-signatureTimeStampToken, and the
/// CMS is written back in place (the signed bytes do not change). The network call runs on no PDFsharp thread.</item>
/// </list>
/// </summary>
public sealed class SealEvidence(TimestampAuthority authority, SigningCertificate certificate, IHttpClientFactory http,
    IOptions<ESignOptions> options, TimeProvider clock, ILogger<SealEvidence> log)
{
    private static readonly Oid SignatureTimeStampToken = new("1.2.840.113549.1.9.16.2.14");
    private const string CrlDistributionPoints = "2.5.29.31";
    private readonly SemaphoreSlim _crlLock = new(1, 1);
    private (DateTimeOffset At, IReadOnlyList<byte[]> Crls)? _crls;

    public bool Enabled => authority.Enabled;

    /// <summary>What to embed in the document security store, or null when timestamping is off.</summary>
    public async Task<LongTermValidation?> LongTermValidationAsync(CancellationToken ct)
    {
        if (!Enabled) return null;
        var chain = certificate.Chain;
        return new LongTermValidation(chain.Select(c => c.RawData).ToList(), await CrlsAsync(chain, ct));
    }

    /// <summary>
    /// <paramref name="signedPdf"/> with an RFC 3161 timestamp on its (last) signature, or unchanged with
    /// <see cref="TrustedTimestamp.None"/> and why, when the authority did not answer well in time.
    /// </summary>
    public async Task<(byte[] Pdf, TrustedTimestamp Timestamp, string? Problem)> TimestampAsync(byte[] signedPdf, CancellationToken ct)
    {
        if (SignatureContents.Find(signedPdf) is not { } hole) return (signedPdf, TrustedTimestamp.None, "no signature in the PDF");
        var cms = new SignedCms();
        cms.Decode(SignatureContents.Read(signedPdf, hole));
        var (token, problem) = await authority.TimestampAsync(cms.SignerInfos[0], ct);
        if (token is null) return (signedPdf, TrustedTimestamp.None, problem);
        cms.SignerInfos[0].AddUnsignedAttribute(new AsnEncodedData(SignatureTimeStampToken, token.AsSignedCms().Encode()));
        return SignatureContents.TryWrite(signedPdf, hole, cms.Encode(), out var stamped)
            ? (stamped, TrustedTimestamp.Rfc3161, null)
            : (signedPdf, TrustedTimestamp.None, $"the token does not fit the {LongTermValidation.TimestampRoom} bytes reserved");
    }

    /// <summary>The CRLs the chain's certificates name (http only), fetched at most once an hour; what fails is left out.</summary>
    private async Task<IReadOnlyList<byte[]>> CrlsAsync(IReadOnlyList<X509Certificate2> chain, CancellationToken ct)
    {
        var urls = chain.SelectMany(CrlUrls).Distinct().ToList();
        if (urls.Count == 0) return [];
        await _crlLock.WaitAsync(ct);
        try
        {
            if (_crls is { } cached && clock.GetUtcNow() - cached.At < TimeSpan.FromHours(1)) return cached.Crls;
            var crls = new List<byte[]>();
            var client = http.CreateClient(TimestampAuthority.HttpClientName);
            client.Timeout = Timeout.InfiniteTimeSpan;
            foreach (var url in urls)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(options.Value.Timestamping.TimeoutSeconds), clock);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
                try
                {
                    crls.Add(await client.GetByteArrayAsync(url, linked.Token));
                }
                catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
                {
                    log.LogWarning("The CRL at {Host} could not be fetched for long-term validation ({Error}); sealed PDFs go without it",
                        new Uri(url).Host, ex.GetType().Name);
                }
            }
            _crls = (clock.GetUtcNow(), crls);
            return crls;
        }
        finally
        {
            _crlLock.Release();
        }
    }

    /// <summary>The http(s) URIs in a certificate's CRL distribution points (fullName, uniformResourceIdentifier).</summary>
    internal static IEnumerable<string> CrlUrls(X509Certificate2 cert)
    {
        var ext = cert.Extensions[CrlDistributionPoints];
        if (ext is null) return [];
        var urls = new List<string>();
        try
        {
            var points = new AsnReader(ext.RawData, AsnEncodingRules.DER).ReadSequence();
            while (points.HasData)
            {
                var point = points.ReadSequence();
                if (!point.HasData || point.PeekTag() != new Asn1Tag(TagClass.ContextSpecific, 0, true)) continue;
                var name = point.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true));
                if (!name.HasData || name.PeekTag() != new Asn1Tag(TagClass.ContextSpecific, 0, true)) continue;
                var fullName = name.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true));
                while (fullName.HasData)
                {
                    var tag = fullName.PeekTag();
                    if (tag.HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 6)))
                    {
                        var uri = fullName.ReadCharacterString(UniversalTagNumber.IA5String, new Asn1Tag(TagClass.ContextSpecific, 6));
                        if (uri.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || uri.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                            urls.Add(uri);
                    }
                    else fullName.ReadEncodedValue();
                }
            }
        }
        catch (AsnContentException) { }
        return urls;
    }
}
