using PdfSharp.Pdf;
using PdfSharp.Pdf.Signatures;

namespace ESignWeb.Sealing;

/// <summary>
/// What a signature needs to be validated years later (PAdES B-LT), given to <see cref="PdfSealer.SaveSigned"/> while
/// timestamping is on: the signing certificate's chain and its revocation data go into a Document Security Store
/// (<c>/DSS</c> in the catalog, with <c>/Certs</c> and <c>/CRLs</c> streams) written BEFORE signing, so the signature
/// covers it; and <see cref="TimestampRoom"/> extra bytes are reserved in the signature's <c>/Contents</c> for the
/// RFC 3161 token added after signing (<see cref="Timestamping.SealEvidence"/>), which carries the authority's own
/// certificate.
/// </summary>
/// <param name="Certificates">DER certificates, the signing certificate first, then its issuers.</param>
/// <param name="Crls">DER certificate revocation lists the chain's certificates point at (none for a self-signed one).</param>
public sealed record LongTermValidation(IReadOnlyList<byte[]> Certificates, IReadOnlyList<byte[]> Crls)
{
    /// <summary>Room reserved in the signature for a timestamp token (its TSA certificate and chain included).</summary>
    public const int TimestampRoom = 16 * 1024;

    /// <summary>Adds (or replaces) the catalog's <c>/DSS</c>.</summary>
    public void AddSecurityStore(PdfDocument doc)
    {
        var dss = new PdfDictionary(doc);
        dss.Elements.SetName("/Type", "/DSS");
        dss.Elements["/Certs"] = Streams(doc, Certificates);
        if (Crls.Count > 0) dss.Elements["/CRLs"] = Streams(doc, Crls);
        doc.Internals.AddObject(dss);
        doc.Internals.Catalog.Elements["/DSS"] = dss.Reference;
    }

    private static PdfArray Streams(PdfDocument doc, IEnumerable<byte[]> items)
    {
        var array = new PdfArray(doc);
        foreach (var der in items)
        {
            var stream = new PdfDictionary(doc);
            stream.CreateStream(der);
            doc.Internals.AddObject(stream);
            array.Elements.Add(stream.Reference!);
        }
        return array;
    }

    /// <summary>Signs as <paramref name="inner"/> does, reserving <see cref="TimestampRoom"/> more bytes for the token.</summary>
    public sealed class RoomForTimestamp(IDigitalSigner inner) : IDigitalSigner
    {
        public string CertificateName => inner.CertificateName;

        public async Task<int> GetSignatureSizeAsync() => await inner.GetSignatureSizeAsync().ConfigureAwait(false) + TimestampRoom;

        public Task<byte[]> GetSignatureAsync(Stream stream) => inner.GetSignatureAsync(stream);
    }
}
