using ESignWeb.Data;
using ESignWeb.Domain;

namespace ESignWeb.Api;

/// <summary>
/// Seed: the pending file object (a signature request). <c>logo</c> is null (no white labelling, as in the seed's list
/// example). After the seed's keys come the Box Sign request options under the Box seed's names (docs/api.md, "Request
/// options (Box Sign names)"), plus <c>auto_expire_at</c>, <c>box_status</c> and <c>prepare_url</c>; SignEasy's own
/// <c>status</c> is unchanged.
/// </summary>
public sealed record PendingFileDto(
    long CreatedTime, int Id, int IsOrdered, long LastModifiedTime, string? Logo, string Name, int? Next,
    string OwnerEmail, string OwnerFirstName, string OwnerLastName, string OwnerCompany, int HasMarkers,
    IReadOnlyList<RecipientDto> Recipients, string Status)
{
    public string? EmailSubject { get; init; }
    public string? EmailMessage { get; init; }
    public bool AreRemindersEnabled { get; init; }
    public bool AreTextSignaturesEnabled { get; init; }
    public string SignatureColor { get; init; } = "black";
    public int? DaysValid { get; init; }
    public string? RedirectUrl { get; init; }
    public string? DeclinedRedirectUrl { get; init; }
    public string? ExternalId { get; init; }
    public bool IsDocumentPreparationNeeded { get; init; }
    public bool IsPhoneVerificationRequiredToView { get; init; }
    /// <summary>Box folder reference <c>{"id": "12", "type": "folder"}</c>; null: the root.</summary>
    public FolderRefDto? ParentFolder { get; init; }
    /// <summary>When an unsigned request expires, ISO 8601 UTC (Box); null: never, or not sent yet.</summary>
    public string? AutoExpireAt { get; init; }
    /// <summary>Box's status word (<see cref="Box.BoxStatus"/>).</summary>
    public string BoxStatus { get; init; } = "";
    /// <summary>The prepare page of a draft created with <c>is_document_preparation_needed</c>; null otherwise.</summary>
    public string? PrepareUrl { get; init; }
    /// <summary>The sender's labels (jSign <c>categories</c>), in their order; [] when none.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <param name="viewerId">Who asks: the owner sees every option; a recipient sees others' phone numbers masked.</param>
    /// <param name="links">Makes <c>prepare_url</c>; null: none is made.</param>
    /// <param name="failure">What the outbox gave up on (<see cref="Requests.RequestFailures"/>): <c>box_status</c>'s error states; null: nothing.</param>
    /// <param name="hasMarkers">Whether the sender placed fields, when known without them (the list's projection); null: from <c>r.Fields</c>.</param>
    public static PendingFileDto Of(SignatureRequest r, ApplicationUser owner, string? viewerId = null, Hosting.PublicLinks? links = null,
        Requests.RequestFailure? failure = null, bool? hasMarkers = null)
    {
        var failed = failure ?? default;
        var full = viewerId is null || viewerId == r.OwnerId;
        return new(
            ApiJson.Epoch(r.SentAt ?? r.CreatedAt), r.Id, r.IsOrdered ? 1 : 0, ApiJson.Epoch(r.ModifiedAt), null, r.Name,
            RequestWorkflow.Next(r)?.Id, owner.Email ?? "", owner.FirstName, owner.LastName, "", // owner_company: a string in the seed; we keep none
            (hasMarkers ?? r.Fields.Any(f => !f.AddedBySigner)) ? 1 : 0,
            RequestWorkflow.InOrder(r).Select(x => RecipientDto.Of(x, full)).ToList(),
            WireNames.Of(r.Status))
        {
            // email_message: stored as typed, echoed cleaned (Box: "the field is cleaned through sanitization").
            EmailSubject = r.EmailSubject, EmailMessage = Requests.SenderMessage.Clean(r.Message), AreRemindersEnabled = r.RemindersEnabled,
            AreTextSignaturesEnabled = r.TextSignaturesEnabled, SignatureColor = WireNames.Of(r.SignatureColor ?? Domain.SignatureColor.Black),
            DaysValid = r.DaysValid, RedirectUrl = r.RedirectUrl, DeclinedRedirectUrl = r.DeclinedRedirectUrl, ExternalId = r.ExternalId,
            IsDocumentPreparationNeeded = r.PreparationNeeded, IsPhoneVerificationRequiredToView = r.PhoneVerificationRequired,
            ParentFolder = r.FolderId is { } folder ? new FolderRefDto(folder.ToString(System.Globalization.CultureInfo.InvariantCulture), "folder") : null,
            AutoExpireAt = r.AutoExpireAt?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            BoxStatus = Box.BoxStatus.Of(new Box.BoxStatusFacts(r.Status, r.Recipients.Any(x => x.ViewedAt is not null),
                r.DownloadedAt is not null, SealFailed: failed.SealGaveUp, SendFailed: failed.InviteDead)),
            PrepareUrl = links is not null && r.Status == RequestStatus.Draft && r.PreparationNeeded ? links.PreparePage(r.Id) : null,
            Categories = Requests.CategoryRows.Of(r),
        };
    }
}

/// <summary>Box's reference to a folder.</summary>
public sealed record FolderRefDto(string Id, string Type);

/// <summary>Seed: a recipient of a pending file; then the Box signer options (the password is write-only: <c>has_password</c>).</summary>
public sealed record RecipientDto(long CreatedTime, string Email, string FirstName, string LastName, long LastModifiedTime,
    int OrderId, int RecipientId, string Status)
{
    public string Role { get; init; } = "signer";
    public int Order { get; init; }
    public string? RedirectUrl { get; init; }
    public string? DeclinedRedirectUrl { get; init; }
    public bool HasPassword { get; init; }
    public string? VerificationPhoneNumber { get; init; }
    public bool LoginRequired { get; init; }
    public bool IsInPerson { get; init; }
    public string? EmbedUrlExternalUserId { get; init; }

    /// <param name="full">False for a viewer who is not the owner: the phone number is masked.</param>
    public static RecipientDto Of(Recipient x, bool full) =>
        new(ApiJson.Epoch(x.CreatedAt), x.Email, x.FirstName, x.LastName, ApiJson.Epoch(x.ModifiedAt), x.OrderId, x.Id, WireNames.Of(x.Status))
        {
            Role = WireNames.Of(x.Role), Order = x.OrderId, RedirectUrl = x.RedirectUrl, DeclinedRedirectUrl = x.DeclinedRedirectUrl,
            HasPassword = x.PasswordHash is not null,
            VerificationPhoneNumber = x.VerificationPhone is { } phone ? (full ? phone : Requests.PhoneNumber.Masked(phone)) : null,
            LoginRequired = x.LoginRequired, IsInPerson = x.IsInPerson, EmbedUrlExternalUserId = x.EmbedUrlExternalUserId,
        };
}

/// <summary>Seed: the signed file object (<c>pending_file</c> is null for a self-signed document).</summary>
public sealed record SignedFileDto(long CreatedTime, string Checksum, int Id, long LastModifiedTime, string Name,
    PendingFileDto? PendingFile, string PublicIdentifier)
{
    public static SignedFileDto Of(SignedFile f, SignatureRequest? r, ApplicationUser owner) => new(
        ApiJson.Epoch(f.CreatedAt), f.Checksum, f.Id, ApiJson.Epoch(f.ModifiedAt), f.Name,
        r is null ? null : PendingFileDto.Of(r, owner), f.PublicIdentifier);
}
