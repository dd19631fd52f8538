using System.Globalization;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Requests;

namespace ESignWeb.Api.Box;

/// <summary>
/// Box's sign request object (seed <c>box-sign-request-object.txt</c>), made from the domain in one place:
/// <see cref="BoxSignRequestDto.Of"/>. Ids are strings, times ISO 8601 (<see cref="BoxJson.Time(DateTimeOffset)"/>),
/// nulls written.
/// </summary>
public sealed record BoxSignRequest(
    string Type, string Id, bool AreRemindersEnabled, bool AreTextSignaturesEnabled, string? AutoExpireAt, int? DaysValid,
    string? DeclinedRedirectUrl, string? EmailMessage, string? EmailSubject, string? ExternalId, bool IsDocumentPreparationNeeded,
    bool IsPhoneVerificationRequiredToView, string Name, BoxFolderMini ParentFolder, IReadOnlyList<BoxPrefillTag> PrefillTags,
    string? PrepareUrl, string? RedirectUrl, BoxSignFiles SignFiles, string SignatureColor, IReadOnlyList<BoxSigner> Signers,
    BoxFileMini? SigningLog, IReadOnlyList<BoxFileBase> SourceFiles, string Status);

/// <summary>Box's signer object; <c>password</c> is write-only (always null here).</summary>
public sealed record BoxSigner(
    string Email, string Role, bool IsInPerson, int Order, string? EmbedUrlExternalUserId, string? RedirectUrl, string? DeclinedRedirectUrl,
    bool LoginRequired, string? VerificationPhoneNumber, string? Password, bool HasViewedDocument, BoxSignerDecision? SignerDecision,
    IReadOnlyList<BoxSignerInputValue> Inputs, string? EmbedUrl);

/// <summary>What a signer decided: <c>signed</c> (an approver's approval too) or <c>declined</c>, and when.</summary>
public sealed record BoxSignerDecision(string Type, string FinalizedAt);

/// <summary>One field a signer filled (Box signer <c>inputs</c>).</summary>
public sealed record BoxSignerInputValue(string? DocumentTagId, string? TextValue, bool? CheckboxValue, string? DateValue, string Type,
    string ContentType, int PageIndex);

/// <summary>A <c>prefill_tags</c> entry as the create gave it.</summary>
public sealed record BoxPrefillTag(string? DocumentTagId, string? TextValue, bool? CheckboxValue, string? DateValue);

/// <summary>The copy being signed (while open) or the sealed PDF (once complete).</summary>
public sealed record BoxSignFiles(IReadOnlyList<BoxFileMini> Files, bool IsReadyForDownload);

/// <summary>Everything besides the request row that the object shows, loaded by the caller (one query per kind for a page).</summary>
/// <param name="OwnerEmail">The sender (Box lists them first, as <c>final_copy_reader</c>).</param>
/// <param name="Document">The source document; null or deleted: <c>source_files</c> is empty.</param>
/// <param name="Signed">The sealed PDF once the request is complete (also the row of its audit trail, <c>signing_log</c>).</param>
/// <param name="FolderName">The name of the request's folder (null: the root).</param>
/// <param name="Prefills">The create's <c>prefill_tags</c> (recorded in its "created" audit event).</param>
/// <param name="EmbedUrls">Per recipient id, a fresh embedded signing URL (only the single-object answers make them).</param>
/// <param name="Sha1s">Box's <c>sha1</c> of the files by blob key (<see cref="BoxFiles.FactsAsync"/>); a missing one is null.</param>
public sealed record BoxSignRequestFacts(
    string OwnerEmail, Document? Document, SignedFile? Signed, string? FolderName, IReadOnlyList<BoxPrefillTag> Prefills,
    RequestFailure Failure, string? PrepareUrl, IReadOnlyDictionary<int, string>? EmbedUrls = null,
    IReadOnlyDictionary<string, string>? Sha1s = null)
{
    public string? Sha1(string? blobKey) => blobKey is not null && Sha1s is not null && Sha1s.TryGetValue(blobKey, out var h) ? h : null;
}

public static class BoxSignRequestDto
{
    public const string Type = "sign-request";

    /// <summary>Box answers the request's name with the document's extension (a PDF here).</summary>
    public static string NameOf(SignatureRequest r) => NameOf(r.Name);

    /// <summary>The name of a request's file being signed (sign_files, and <c>GET /2.0/files/{id}</c> of it).</summary>
    public static string NameOf(string requestName) => requestName + ".pdf";

    public static BoxSignRequest Of(SignatureRequest r, BoxSignRequestFacts f)
    {
        var status = BoxStatus.OfSignRequest(new BoxStatusFacts(r.Status, r.Recipients.Any(x => x.ViewedAt is not null), r.DownloadedAt is not null,
            SealFailed: f.Failure.SealGaveUp, SendFailed: f.Failure.InviteDead));
        var sender = new BoxSigner(f.OwnerEmail, WireNames.Of(RecipientRole.FinalCopyReader), false, 0, null, null, null, false, null, null,
            false, null, [], null);
        var signers = new List<BoxSigner> { sender };
        signers.AddRange(RequestWorkflow.InOrder(r).Select(x => Signer(r, x, f.EmbedUrls)));
        return new BoxSignRequest(
            Type, BoxIds.SignRequest(r.Id), r.RemindersEnabled, r.TextSignaturesEnabled, BoxJson.Time(r.AutoExpireAt), r.DaysValid,
            r.DeclinedRedirectUrl, SenderMessage.Clean(r.Message), r.EmailSubject, r.ExternalId, r.PreparationNeeded,
            r.PhoneVerificationRequired, NameOf(r), BoxFileDto.FolderMini(r.FolderId, f.FolderName ?? ""), f.Prefills, f.PrepareUrl, r.RedirectUrl,
            SignFiles(r, f), WireNames.Of(r.SignatureColor ?? SignatureColor.Black), signers,
            f.Signed is { } log ? BoxFileDto.Mini(BoxFileKind.AuditTrail, log.Id, BoxFiles.AuditTrailName(log.Name), f.Sha1(log.AuditTrailBlobKey)) : null,
            f.Document is { DeletedAt: null } doc ? [BoxFileDto.Base(BoxFileKind.Document, doc.Id)] : [],
            status);
    }

    /// <summary>
    /// One file, the same id throughout (as Box): while the request is open, the copy being signed (version 1, the
    /// document's bytes: values are stamped only by the seal), ready unless everyone has finished and the seal is still
    /// to come; once complete, version 2 of that file is the sealed PDF (<see cref="BoxFiles"/> serves it so).
    /// </summary>
    private static BoxSignFiles SignFiles(SignatureRequest r, BoxSignRequestFacts f)
    {
        if (r.Status == RequestStatus.Complete && f.Signed is { } signed)
            return new BoxSignFiles([BoxFileDto.Mini(BoxFileKind.SignCopy, r.Id, NameOf(r), f.Sha1(signed.BlobKey), version: 2)], true);
        var sealing = r.Status == RequestStatus.Incomplete && r.Recipients.Where(x => x.Acts).All(x => x.Status == RecipientStatus.Finalized);
        return new BoxSignFiles([BoxFileDto.Mini(BoxFileKind.SignCopy, r.Id, NameOf(r), f.Sha1(f.Document?.BlobKey))], !sealing);
    }

    private static BoxSigner Signer(SignatureRequest r, Recipient x, IReadOnlyDictionary<int, string>? embedUrls)
    {
        var decision = x.Status switch
        {
            RecipientStatus.Finalized => new BoxSignerDecision("signed", BoxJson.Time(x.FinalizedAt ?? x.ModifiedAt)),
            RecipientStatus.Declined => new BoxSignerDecision("declined", BoxJson.Time(x.FinalizedAt ?? x.ModifiedAt)),
            _ => null,
        };
        var inputs = r.Fields.Where(f => f.RecipientId == x.Id && f.Value is not null)
            .OrderBy(f => f.PageNumber).ThenBy(f => f.Id).Select(Input).ToList();
        return new BoxSigner(x.Email, WireNames.Of(x.Role), x.IsInPerson, r.IsOrdered ? x.OrderId : 1, x.EmbedUrlExternalUserId, x.RedirectUrl,
            x.DeclinedRedirectUrl, x.LoginRequired, x.VerificationPhone, null, x.ViewedAt is not null, decision, inputs,
            embedUrls is not null && embedUrls.TryGetValue(x.Id, out var url) ? url : null);
    }

    /// <summary>A filled field as Box's input: <c>type</c> signature/date/text/checkbox and the finer <c>content_type</c>.</summary>
    private static BoxSignerInputValue Input(Field f)
    {
        var (type, content) = f.Type switch
        {
            FieldType.Signature => ("signature", "signature"),
            FieldType.Initials => ("signature", "initial"),
            FieldType.Date => ("date", "date"),
            FieldType.Checkbox => ("checkbox", "checkbox"),
            FieldType.Name => ("text", "full_name"),
            FieldType.Email => ("text", "email"),
            FieldType.Text => ("text", "text"),
            _ => throw new ArgumentOutOfRangeException(nameof(f)),
        };
        string? text = null, date = null;
        bool? check = null;
        switch (f.Type)
        {
            case FieldType.Checkbox:
                check = f.Value == "true";
                break;
            case FieldType.Date when DateFormats.TryParse(f.Value!, FieldRules.DateFormatOf(f.AdditionalInfo), out var d):
                date = d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                break;
            case FieldType.Signature or FieldType.Initials:
                break; // an image: its value is the signer's own, not text
            default:
                text = f.Value;
                break;
        }
        return new BoxSignerInputValue(f.DocumentTagId, text, check, date, type, content, f.PageNumber - 1);
    }
}
