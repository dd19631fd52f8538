using PdfSharp.Pdf;

namespace ESignWeb.Sealing;

/// <summary>Which of our two evidence files a PDF is.</summary>
public enum EvidenceKind
{
    /// <summary>The sealed document (stamped values, certificate page, signed).</summary>
    Sealed,
    /// <summary>Its audit trail (events, hashes, the attached audit chain, signed).</summary>
    AuditTrail,
}

/// <summary>
/// The custom entries in the Info dictionary of every sealed PDF and audit trail we sign, so that a copy of one of our
/// files is recognised even after it was modified (the verify page reads them): <c>/ESignWebReference</c> = the signed
/// file's public identifier, <c>/ESignWebKind</c> = <c>sealed</c> or <c>audit-trail</c>, both text strings.
/// </summary>
public static class PdfEvidence
{
    public const string ReferenceKey = "/ESignWebReference";
    public const string KindKey = "/ESignWebKind";

    /// <summary>The wire name of a kind: <c>sealed</c>, <c>audit-trail</c>.</summary>
    public static string NameOf(EvidenceKind kind) => kind switch
    {
        EvidenceKind.Sealed => "sealed",
        EvidenceKind.AuditTrail => "audit-trail",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static EvidenceKind? Parse(string? name) => name switch
    {
        "sealed" => EvidenceKind.Sealed,
        "audit-trail" => EvidenceKind.AuditTrail,
        _ => null,
    };

    /// <summary>Writes both entries into <paramref name="doc"/>'s Info dictionary (before it is signed).</summary>
    public static void Mark(PdfDocument doc, string reference, EvidenceKind kind)
    {
        doc.Info.Elements.SetString(ReferenceKey, reference);
        doc.Info.Elements.SetString(KindKey, NameOf(kind));
    }

    /// <summary>What a PDF's Info dictionary says it is (null when it carries no reference).</summary>
    public static (string Reference, EvidenceKind? Kind)? Read(PdfDocument doc)
    {
        var reference = doc.Info.Elements.GetString(ReferenceKey);
        return string.IsNullOrEmpty(reference) ? null : (reference, Parse(doc.Info.Elements.GetString(KindKey)));
    }
}
