using ESignWeb.Audit;
using ESignWeb.Domain;
using System.Security.Cryptography.X509Certificates;
using PdfSharp.Pdf;

namespace ESignWeb.Sealing;

/// <summary>One signer as the audit trail shows them.</summary>
/// <param name="Role">An approver's line says "Approved by …".</param>
/// <param name="InPersonHost">The sender's e-mail when the signer signed in person on the sender's device.</param>
public sealed record AuditSigner(string Name, string Email, string Status, DateTimeOffset? SignedAt, string? Ip, string? UserAgent,
    byte[]? SignatureImage, RecipientRole Role = RecipientRole.Signer, string? InPersonHost = null)
{
    /// <summary>What the certificate and the audit trail say of an approver who approved: "Approved by Ann A. at … UTC".</summary>
    public string? Approval => Role == RecipientRole.Approver && SignedAt is { } at
        ? $"Approved by {Name} at {at.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC"
        : null;

    /// <summary>"Signed in person, hosted by sender@example.com".</summary>
    public string? InPerson => InPersonHost is null ? null : $"Signed in person, hosted by {InPersonHost}";
}

/// <summary>What the audit trail and the sealed file's certificate page print.</summary>
public sealed record AuditTrailInfo(
    string DocumentName, int RequestId, string PublicIdentifier, string SenderName, string SenderEmail,
    string OriginalSha256, string? SealedSha256, IReadOnlyList<AuditSigner> Signers, IReadOnlyList<AuditEvent> Events,
    string ProductName)
{
    /// <summary>The request's options (the trail's "Request options" block); null: none shown (a self-signed document).</summary>
    public AuditTrailOptions? Options { get; init; }

    /// <summary>The public verify page's link for this reference (<see cref="Evidence.VerifyLink"/>); null: none configured.</summary>
    public string? VerifyUrl { get; init; }
}

/// <summary>What the audit trail says of a request's options, in words (<see cref="OptionWords.ForAuditTrail(SignatureRequest, IReadOnlyList{string})"/>).</summary>
/// <param name="Request">Every request option (label, text), set or not.</param>
/// <param name="People">Every recipient, final-copy readers too (who, their options in one line).</param>
public sealed record AuditTrailOptions(IReadOnlyList<(string Label, string Text)> Request, IReadOnlyList<(string Who, string Options)> People)
{
    public static AuditTrailOptions Of(SignatureRequest r, IReadOnlyList<string> folderPath) => new(
        OptionWords.ForAuditTrail(r, folderPath),
        RequestWorkflow.InOrder(r).Select(x => ($"{x.FullName} <{x.Email}>", OptionWords.ForAuditTrail(r, x))).ToList());
}

/// <summary>
/// The audit trail: a separate PDF per signed file with the document, both SHA-256 values, each signer (name, e-mail,
/// IP, user agent, signature image) and every event in UTC, with the result of verifying the hash chain.
/// Also the short certificate page appended to the sealed document itself (which cannot print its own hash).
/// </summary>
public static class AuditTrailPdf
{
    /// <summary>
    /// The audit trail PDF, with the audit chain attached as <see cref="AuditChainFile.FileName"/>, signed by
    /// <paramref name="certificate"/> exactly as the sealed PDF is (<see cref="PdfSealer.SaveSigned"/>; with
    /// <paramref name="ltv"/>: a security store and room for a timestamp).
    /// </summary>
    public static byte[] Render(AuditTrailInfo info, X509Certificate2 certificate, LongTermValidation? ltv = null)
    {
        using var doc = new PdfDocument();
        doc.Info.Title = $"Audit trail — {info.DocumentName}";
        doc.Info.Creator = info.ProductName;
        PdfEvidence.Mark(doc, info.PublicIdentifier, EvidenceKind.AuditTrail);
        using (var l = new PdfLayout(doc, $"{info.ProductName} audit trail · {info.PublicIdentifier}"))
        {
            Header(l, "Audit trail", info);
            l.Field("Sealed SHA-256", info.SealedSha256 ?? "(not sealed)", HashLabelWidth);
            var chain = AuditLog.Verify(info.Events);
            l.Field("Event chain", chain is null ? $"intact ({info.Events.Count} events, SHA-256 chained)" : "BROKEN: " + chain);
            l.Field("Times", "UTC (ISO 8601)");

            if (info.Options is { } options)
            {
                l.Heading("Request options");
                foreach (var (label, text) in options.Request) l.Field(label, text);
                foreach (var (who, words) in options.People)
                {
                    l.Field("Recipient", who);
                    l.Field("", words);
                }
                l.Rule();
            }

            l.Heading("Signers");
            foreach (var s in info.Signers) Signer(l, s);

            l.Heading("Timeline");
            foreach (var e in info.Events.OrderBy(e => e.Seq))
            {
                var where = string.Join(" · ", new[] { e.ActorEmail, e.Ip }.Where(x => !string.IsNullOrEmpty(x)));
                l.Field(e.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'"), $"{Describe(e)}{(where.Length > 0 ? " — " + where : "")}", 145);
                if (!string.IsNullOrEmpty(e.UserAgent)) l.Field("", e.UserAgent, 145);
                l.Field("", $"event {e.Seq} · hash {e.Hash}", 145);
            }
        }
        doc.AddEmbeddedFile(AuditChainFile.FileName, new MemoryStream(AuditChainFile.Json(info.Events, info.PublicIdentifier)));
        using var ms = new MemoryStream();
        PdfSealer.SaveSigned(doc, ms, certificate, $"Audit trail of {info.DocumentName}", info.ProductName, ltv);
        return ms.ToArray();
    }

    /// <summary>Adds the certificate page to the document being sealed.</summary>
    public static void AppendCertificatePage(PdfDocument doc, AuditTrailInfo info)
    {
        using var l = new PdfLayout(doc, $"{info.ProductName} signature certificate · {info.PublicIdentifier}");
        Header(l, "Signature certificate", info);
        l.Text("This document is sealed with a digital signature; any change after sealing invalidates it. " +
               "The audit trail delivered with it records every event and the SHA-256 of this sealed file.", PdfLayout.Font(8));
        if (info.Events.OrderBy(e => e.Seq).LastOrDefault() is { } head)
        {
            // The anchor: the audit trail's chain must contain this hash, and the trail prints this file's SHA-256.
            l.Field(ChainHeadLabel, head.Hash, HashLabelWidth);
            l.Field(ChainHeadEventLabel, $"event {head.Seq} ({head.Type.StoredName()}) of the audit trail's chain");
        }
        l.Heading("Signed by");
        foreach (var s in info.Signers) Signer(l, s);
        l.Heading("Verify");
        if (info.VerifyUrl is { } url)
        {
            l.Field("Verify at", url);
            l.Image(Evidence.VerifyLink.QrPng(url), 90, 90, "Scan to verify");
            l.Text("Open the link (or scan the code) and choose this file: the page says whether it is unchanged since sealing.", PdfLayout.Font(8));
        }
        else
        {
            l.Text($"Check this file on the /verify page of the {info.ProductName} instance that sealed it (reference {info.PublicIdentifier}).", PdfLayout.Font(8));
        }
    }

    /// <summary>A narrower label column for a SHA-256 line, so that its 64 characters stay on one line (pdftotext, the
    /// offline check script).</summary>
    private const double HashLabelWidth = 110;

    /// <summary>The certificate page's label of the audit chain's head hash when sealed.</summary>
    public const string ChainHeadLabel = "Audit chain head";
    public const string ChainHeadEventLabel = "Audit chain head event";

    private static void Header(PdfLayout l, string title, AuditTrailInfo info)
    {
        l.Title(title);
        l.Field("Document", info.DocumentName);
        l.Field("Request id", info.RequestId == 0 ? "(self-signed)" : info.RequestId.ToString());
        l.Field("Reference", info.PublicIdentifier);
        l.Field(info.RequestId == 0 ? "Signed by" : "Sent by", $"{info.SenderName} <{info.SenderEmail}>");
        l.Field("Original SHA-256", info.OriginalSha256, HashLabelWidth);
    }

    private static void Signer(PdfLayout l, AuditSigner s)
    {
        l.Field("Name", s.Name);
        l.Field("E-mail", s.Email);
        if (s.Approval is { } approval) l.Field("Status", approval);
        else l.Field("Status", s.Status + (s.SignedAt is { } at ? $" at {at.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC" : ""));
        if (s.InPerson is { } inPerson) l.Field("In person", inPerson);
        if (!string.IsNullOrEmpty(s.Ip)) l.Field("IP address", s.Ip);
        if (!string.IsNullOrEmpty(s.UserAgent)) l.Field("User agent", s.UserAgent);
        if (s.SignatureImage is { Length: > 0 }) l.Image(s.SignatureImage, 180, 50, "Signature");
        l.Rule();
    }

    private static string Describe(AuditEvent e) => e.Type.Describe() + Detail(e) + Dates(e);

    /// <summary>The dates a signer wrote, each with the format it was written in: " (date: 12/03/2026 (MM/DD/YYYY))".</summary>
    private static string Dates(AuditEvent e) => SignedDates.In(e.Data) is { Count: > 0 } dates
        ? $" ({(dates.Count == 1 ? "date" : "dates")}: {string.Join(", ", dates)})"
        : "";

    private static string Detail(AuditEvent e)
    {
        try
        {
            using var d = System.Text.Json.JsonDocument.Parse(e.Data);
            foreach (var key in new[] { "to", "reason", "message", "template", "sealed_sha256", "host" })
                if (d.RootElement.TryGetProperty(key, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String)
                    return $" ({key.Replace('_', ' ')}: {v.GetString()})";
        }
        catch (System.Text.Json.JsonException) { }
        return "";
    }
}
