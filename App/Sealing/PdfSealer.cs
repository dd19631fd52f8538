using System.Security.Cryptography.X509Certificates;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Advanced;
using PdfSharp.Pdf.Signatures;

namespace ESignWeb.Sealing;

/// <summary>
/// Makes a stamped document final: removes interactive form fields (their values are already drawn as page content)
/// and saves it with a PKCS#7 detached SHA-256 signature by the instance certificate, so any change afterwards is
/// detectable (`pdfsig`, Acrobat).
/// </summary>
public static class PdfSealer
{
    /// <summary>
    /// The whole seal of one document: stamp every value, flatten, append the certificate page, sign with SHA-256.
    /// </summary>
    public static byte[] Seal(Stream original, IEnumerable<StampItem> items, AuditTrailInfo info, string title, string reason,
        X509Certificate2 certificate, string productName, IReadOnlyList<Domain.TextTag>? textTags = null, List<Domain.TextTag>? covered = null,
        LongTermValidation? ltv = null)
    {
        using var doc = OpenForSealing(original);
        if (textTags is { Count: > 0 })
        {
            var notRemoved = TextTagEraser.Erase(doc, textTags); // before anything is drawn on the pages
            covered?.AddRange(notRemoved);
        }
        PdfStamper.Stamp(doc, items);
        Flatten(doc);
        AuditTrailPdf.AppendCertificatePage(doc, info);
        doc.Info.Title = title;
        doc.Info.Creator = productName;
        PdfEvidence.Mark(doc, info.PublicIdentifier, EvidenceKind.Sealed);
        using var ms = new MemoryStream();
        SaveSigned(doc, ms, certificate, reason, productName, ltv);
        return ms.ToArray();
    }

    /// <summary>
    /// Opens a stored document to seal it. Uploads lose owner-password encryption at inspection, before they are stored;
    /// a document stored by an older version may still have it, refuses to be modified, and would leave a fully signed
    /// request unsealed for ever — so its pages are copied into an unencrypted document instead.
    /// </summary>
    public static PdfDocument OpenForSealing(Stream original)
    {
        var start = original.CanSeek ? original.Position : 0;
        try
        {
            return PdfSharp.Pdf.IO.PdfReader.Open(original, PdfSharp.Pdf.IO.PdfDocumentOpenMode.Modify);
        }
        catch (PdfSharp.Pdf.IO.PdfReaderException ex) when (original.CanSeek && ex.Message.Contains("owner password", StringComparison.OrdinalIgnoreCase))
        {
            original.Position = start;
            using var source = PdfSharp.Pdf.IO.PdfReader.Open(original, PdfSharp.Pdf.IO.PdfDocumentOpenMode.Import);
            var copy = new PdfDocument();
            foreach (var page in source.Pages) copy.AddPage(page);
            return copy;
        }
    }

    public static void Flatten(PdfDocument doc)
    {
        doc.Internals.Catalog.Elements.Remove("/AcroForm");
        foreach (var page in doc.Pages)
        {
            if (page.Elements.GetArray("/Annots") is not { } annots)
            {
                // A /Annots that is not an array (a number, a dictionary) is meaningless, and the signature handler
                // would fail on it for ever ("same key has already been added"): drop it.
                if (page.Elements.ContainsKey("/Annots")) page.Elements.Remove("/Annots");
                continue;
            }
            for (var i = annots.Elements.Count - 1; i >= 0; i--)
            {
                var annot = annots.Elements[i] is PdfReference r ? r.Value as PdfDictionary : annots.Elements[i] as PdfDictionary;
                if (annot?.Elements.GetName("/Subtype") == "/Widget") annots.Elements.RemoveAt(i);
            }
            if (annots.Elements.Count == 0) page.Elements.Remove("/Annots");
        }
    }

    /// <summary>
    /// Saves <paramref name="doc"/> to <paramref name="output"/>, digitally signed. With <paramref name="ltv"/> (timestamping
    /// on), the document also gets a security store with the certificate chain and revocation data, and its signature
    /// room for an RFC 3161 token (added afterwards, asynchronously: <see cref="Timestamping.SealEvidence.TimestampAsync"/>).
    /// </summary>
    public static void SaveSigned(PdfDocument doc, Stream output, X509Certificate2 certificate, string reason, string location,
        LongTermValidation? ltv = null)
    {
        IDigitalSigner signer = new PdfSharpDefaultSigner(certificate, PdfMessageDigestType.SHA256);
        if (ltv is not null)
        {
            ltv.AddSecurityStore(doc);
            signer = new LongTermValidation.RoomForTimestamp(signer);
        }
        DigitalSignatureHandler.ForDocument(doc, signer, new DigitalSignatureOptions
        {
            Reason = reason,
            Location = location,
            AppName = "ESignWeb",
            PageIndex = 0,
            Rectangle = new PdfSharp.Drawing.XRect(0, 0, 0, 0), // invisible: the stamped page content is the visible record
        });
        doc.Save(output, closeStream: false);
    }
}
