namespace ESignWeb.Domain;

/// <summary>An uploaded PDF (SignEasy "original file"). Immutable content, addressed by its SHA-256 blob key.</summary>
public class Document
{
    public int Id { get; set; }
    public string OwnerId { get; set; } = "";
    /// <summary>File name with extension, unique per owner among documents that are not deleted.</summary>
    public string Name { get; set; } = "";
    public string BlobKey { get; set; } = "";
    public string Sha256 { get; set; } = "";
    public long SizeBytes { get; set; }
    public int PageCount { get; set; }
    /// <summary>Page boxes and rotations, as read by <c>PdfInspector</c>; what the coordinate conversion needs.</summary>
    public List<PageGeometry> Pages { get; set; } = [];
    /// <summary>Box Sign text tags found in its text at upload (<c>Documents/TextTagDetector</c>); fields are made from them.</summary>
    public List<TextTag> TextTags { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ModifiedAt { get; set; }
    /// <summary>Soft delete: a document already sent for signature stays readable by its requests.</summary>
    public DateTimeOffset? DeletedAt { get; set; }
    /// <summary>The folder it is filed in; null: the root (Box folder <c>0</c>).</summary>
    public int? FolderId { get; set; }
}

/// <summary>
/// A folder of the owner's documents and signed files (Box <c>folder</c>). The root is not a row: items with no
/// folder are in it. Names are unique among a folder's sub-folders; only an empty folder can be deleted.
/// </summary>
public class Folder
{
    public int Id { get; set; }
    public string OwnerId { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>The folder it is in; null: the root.</summary>
    public int? ParentId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ModifiedAt { get; set; }
}

/// <summary>A signature request (SignEasy "pending file").</summary>
public class SignatureRequest
{
    public int Id { get; set; }
    public string OwnerId { get; set; } = "";
    public int DocumentId { get; set; }
    public Document? Document { get; set; }
    public string Name { get; set; } = "";
    public bool IsOrdered { get; set; } = true;
    public string? Message { get; set; }
    /// <summary>Comma-free list of CC addresses, stored as JSON.</summary>
    public List<string> Cc { get; set; } = [];
    public RequestStatus Status { get; set; } = RequestStatus.Draft;
    public bool EmbeddedSigning { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ModifiedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public int? SignedFileId { get; set; }
    public DateTimeOffset? LastRemindedAt { get; set; }
    /// <summary>
    /// Unused since links come from <c>Hosting.PublicLinks</c> at send time (a stored base could have come from a Host
    /// header). Neither written nor read; kept only to spare a migration — drop it with the next one.
    /// </summary>
    public string? LinkBaseUrl { get; set; }
    /// <summary>The sender's message when voiding (seed: cancel message).</summary>
    public string? VoidMessage { get; set; }

    // ---- Request options (Box Sign request object; the seed's names in brackets) ----

    /// <summary>Subject of the invitation mails [email_subject]; null: the default subject.</summary>
    public string? EmailSubject { get; set; }
    /// <summary>Outstanding signers are reminded on day 3, 8, 13 and 18 after their invitation [are_reminders_enabled].</summary>
    public bool RemindersEnabled { get; set; }
    /// <summary>Signers may type their signature [are_text_signatures_enabled]; false: draw or upload only.</summary>
    public bool TextSignaturesEnabled { get; set; } = true;
    /// <summary>Ink of drawn and typed signatures [signature_color]; null: the default (black).</summary>
    public SignatureColor? SignatureColor { get; set; }
    /// <summary>Days the request stays open once sent [days_valid, 0–730]; null: no expiry.</summary>
    public int? DaysValid { get; set; }
    /// <summary>When an unfinished request expires [auto_expire_at]: set at send from <see cref="DaysValid"/>.</summary>
    public DateTimeOffset? AutoExpireAt { get; set; }
    /// <summary>Where a signer's page goes after finishing [redirect_url]; a signer's own URL wins.</summary>
    public string? RedirectUrl { get; set; }
    /// <summary>Where a signer's page goes after declining [declined_redirect_url]; falls back to the redirect URL.</summary>
    public string? DeclinedRedirectUrl { get; set; }
    /// <summary>A reference in the sender's own system [external_id]; searchable.</summary>
    public string? ExternalId { get; set; }
    /// <summary>Created over the API but not sent until the sender finishes it on the prepare page [is_document_preparation_needed].</summary>
    public bool PreparationNeeded { get; set; }
    /// <summary>Signers with a phone number must enter a code sent by SMS before they see the document [is_phone_verification_required_to_view].</summary>
    public bool PhoneVerificationRequired { get; set; }
    /// <summary>Where the sealed PDF and the audit trail are filed [parent_folder]; null: the root.</summary>
    public int? FolderId { get; set; }
    /// <summary>When the sender first downloaded the sealed PDF (Box status <c>downloaded</c> / <c>signed and downloaded</c>).</summary>
    public DateTimeOffset? DownloadedAt { get; set; }
    /// <summary>Optimistic concurrency token: bumped on every state change.</summary>
    public int Version { get; set; }
    /// <summary>
    /// The request's public GUID (jSign <c>envelope_id</c>): random, assigned when the row is made; rows older than the
    /// column got one in migration <c>ReportsAndCategories</c>.
    /// </summary>
    public Guid PublicId { get; set; } = Guid.NewGuid();
    /// <summary>The template it was made from (reports: "templates used"); null for a request made from a document. Not
    /// a foreign key: deleting the template keeps the record of its use.</summary>
    public int? TemplateId { get; set; }
    public List<Recipient> Recipients { get; set; } = [];
    public List<Field> Fields { get; set; } = [];
    /// <summary>Labels such as "NDA" or "Agreement" (jSign <c>categories</c>), normalised by <see cref="Categories"/>.</summary>
    public List<RequestCategory> Categories { get; set; } = [];
}

/// <summary>One category of a request (a row each, so lists filter by category with an index, one query per page).</summary>
public class RequestCategory
{
    public int Id { get; set; }
    public int RequestId { get; set; }
    /// <summary>As the sender wrote it (trimmed); compared without regard to case.</summary>
    public string Name { get; set; } = "";
}

public class Recipient
{
    public int Id { get; set; }
    public int RequestId { get; set; }
    public SignatureRequest? Request { get; set; }
    public string Email { get; set; } = "";
    public string FirstName { get; set; } = "";
    public string LastName { get; set; } = "";
    /// <summary>
    /// Signing order group [order]: recipients with the same value act in parallel, groups run in ascending order
    /// (<c>RequestWorkflow</c>). A sequential request numbers its signers 1..n, a parallel one gives them all one value.
    /// </summary>
    public int OrderId { get; set; }
    /// <summary>What this recipient does [role]: sign, approve, or only receive the final copy.</summary>
    public RecipientRole Role { get; set; } = RecipientRole.Signer;
    public RecipientStatus Status { get; set; } = RecipientStatus.NotViewed;
    /// <summary>SHA-256 of the signing token (hex). The token itself is never stored.</summary>
    public string? TokenHash { get; set; }
    /// <summary>Random per-recipient nonce the token is derived from (see <c>RecipientTokens</c>).</summary>
    public string? TokenNonce { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ModifiedAt { get; set; }
    public DateTimeOffset? NotifiedAt { get; set; }
    public DateTimeOffset? ViewedAt { get; set; }
    /// <summary>When the signer agreed to do business electronically (required before filling any field).</summary>
    public DateTimeOffset? ConsentedAt { get; set; }
    public DateTimeOffset? FinalizedAt { get; set; }
    public string? DeclineReason { get; set; }
    /// <summary>
    /// The language of this signer's mails (<c>Localization.SignerLanguages</c>): chosen by the sender, then the one
    /// the signer last picked on the signing page.
    /// </summary>
    public string Language { get; set; } = Localization.SignerLanguages.Default;

    // ---- Per-signer options (Box Sign signer object; the seed's names in brackets) ----

    /// <summary>Overrides the request's redirect after finishing [redirect_url].</summary>
    public string? RedirectUrl { get; set; }
    /// <summary>Overrides the request's redirect after declining [declined_redirect_url].</summary>
    public string? DeclinedRedirectUrl { get; set; }
    /// <summary>Hash of the password the signer must give before seeing the document [password, write-only]; null: none.</summary>
    public string? PasswordHash { get; set; }
    /// <summary>Wrong passwords given so far (limited; each is audited).</summary>
    public int PasswordFailures { get; set; }
    /// <summary>Phone number (E.164) for the SMS code [verification_phone_number].</summary>
    public string? VerificationPhone { get; set; }
    /// <summary>Hash of the current SMS code; null when none is outstanding.</summary>
    public string? PhoneCodeHash { get; set; }
    public DateTimeOffset? PhoneCodeExpiresAt { get; set; }
    /// <summary>Wrong codes given for the current code (limited; each is audited).</summary>
    public int PhoneCodeFailures { get; set; }
    /// <summary>The signer must be signed in to an ESignWeb account with this (confirmed) e-mail [login_required].</summary>
    public bool LoginRequired { get; set; }
    /// <summary>Signs on the sender's device, opened from the sender's session, no mail [is_in_person].</summary>
    public bool IsInPerson { get; set; }
    /// <summary>The signer's id in the sender's own system, for embedded signing [embed_url_external_user_id].</summary>
    public string? EmbedUrlExternalUserId { get; set; }

    /// <summary>Takes part in signing (signer or approver); a final-copy reader only receives the result.</summary>
    public bool Acts => Role != RecipientRole.FinalCopyReader;

    public string FullName => $"{FirstName} {LastName}".Trim();
}

/// <summary>A field to fill, in PDF user space: points, origin at the page's bottom-left (seed fields_payload).</summary>
public class Field
{
    public int Id { get; set; }
    public int RequestId { get; set; }
    public int RecipientId { get; set; }
    public Recipient? Recipient { get; set; }
    public FieldType Type { get; set; }
    public bool Required { get; set; } = true;
    /// <summary>1-based page number.</summary>
    public int PageNumber { get; set; }
    public double X { get; set; }
    public double Y { get; set; }
    public double Width { get; set; }
    public double Height { get; set; }
    /// <summary>Seed additional_info, e.g. <c>{"format":"DD/MM/YYYY"}</c> for dates; <c>{}</c> otherwise.</summary>
    public string AdditionalInfo { get; set; } = "{}";
    /// <summary>
    /// The signer's value: text for text, name, email and date fields; "true"/"false" for checkboxes; the blob key
    /// of the PNG image for signature and initials.
    /// </summary>
    public string? Value { get; set; }
    /// <summary>
    /// For signature/initials: how the image was made (draw, type, upload); typed text is kept here. For a date: the
    /// format its value was written in (e.g. <c>MM/DD/YYYY</c>), recorded in the <c>signed</c> audit event.
    /// </summary>
    public string? ValueSource { get; set; }
    public DateTimeOffset? FilledAt { get; set; }
    /// <summary>True for a field a free-fill signer placed themselves.</summary>
    public bool AddedBySigner { get; set; }
    /// <summary>The id of the text tag the field came from (<c>[[t|1|id:company]]</c>) [document_tag_id]; prefill refers to it.</summary>
    public string? DocumentTagId { get; set; }

    public PdfRect Rect => new(X, Y, Width, Height);
}

/// <summary>An API key: shown once when created, stored only as its SHA-256.</summary>
public class ApiKey
{
    public int Id { get; set; }
    public string OwnerId { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>The first characters of the key, to recognise it in a list (not enough to use it).</summary>
    public string Prefix { get; set; } = "";
    public string KeyHash { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>A sealed, digitally signed PDF (SignEasy "signed file").</summary>
public class SignedFile
{
    public int Id { get; set; }
    public string OwnerId { get; set; } = "";
    /// <summary>The request it completes; null for a self-signed document.</summary>
    public int? RequestId { get; set; }
    public int? DocumentId { get; set; }
    public string Name { get; set; } = "";
    public string BlobKey { get; set; } = "";
    /// <summary>SHA-256 (hex) of the sealed PDF.</summary>
    public string Checksum { get; set; } = "";
    /// <summary>SHA-256 (hex) of the original PDF it was made from.</summary>
    public string OriginalChecksum { get; set; } = "";
    /// <summary>Random public reference printed on the audit trail.</summary>
    public string PublicIdentifier { get; set; } = "";
    public string AuditTrailBlobKey { get; set; } = "";
    /// <summary>The folder it is filed in (the request's destination folder); null: the root.</summary>
    public int? FolderId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ModifiedAt { get; set; }
    public DateTimeOffset? DeletedAt { get; set; }
}

/// <summary>Append-only, hash-chained record of what happened to a request.</summary>
public class AuditEvent
{
    public long Id { get; set; }
    public int RequestId { get; set; }
    public int Seq { get; set; }
    /// <summary>Stored as its <see cref="Audit.AuditEventTypes.StoredName"/>.</summary>
    public Audit.AuditEventType Type { get; set; }
    public string? ActorEmail { get; set; }
    public string? Ip { get; set; }
    public string? UserAgent { get; set; }
    public DateTimeOffset At { get; set; }
    public string Data { get; set; } = "{}";
    public string PrevHash { get; set; } = "";
    public string Hash { get; set; } = "";
}

/// <summary>Work to do after a commit (mail now; webhooks and sealing later), committed with the state change.</summary>
public class OutboxMessage
{
    public long Id { get; set; }
    /// <summary>The user whose action produced the message; the Outbox page shows a user only their own.</summary>
    public string? OwnerId { get; set; }
    public string Kind { get; set; } = "";
    public string Payload { get; set; } = "{}";
    /// <summary>Human summary for the Outbox page (e.g. "Invite to jane@example.com").</summary>
    public string Summary { get; set; } = "";
    public int Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    /// <summary>End of the current lease (renewed by the running processor's heartbeat); null when nobody holds it.</summary>
    public DateTimeOffset? LockedUntil { get; set; }
    /// <summary>
    /// Random token of the claim that holds the lease. Renewal, the job's own commit (sealing) and recording the result
    /// all require it, so a claim whose lease ran out and was taken over can never record a second result.
    /// </summary>
    public string? LeaseToken { get; set; }
    public DateTimeOffset? DoneAt { get; set; }
    public bool Failed { get; set; }
    public string? LastError { get; set; }
    /// <summary>Where the result went: an .eml path in the outbox folder, or "smtp".</summary>
    public string? DeliveredTo { get; set; }
    /// <summary>Messages with the same partition run one after another in id order (webhooks: per callback URL).</summary>
    public string? Partition { get; set; }
}

/// <summary>A SignEasy callback URL: where a user's events are POSTed. Registered per user and API client id.</summary>
public class WebhookEndpoint
{
    public int Id { get; set; }
    public string UserId { get; set; } = "";
    /// <summary>The <c>X-Client-ID</c> it was registered under ("" from the web app).</summary>
    public string ClientId { get; set; } = "";
    public string Url { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

public enum WebhookDeliveryStatus { Pending, Delivered, Failed }

/// <summary>What an embedded link opens; <c>InPerson</c>: an in-person signer's page, for the request's sender only.</summary>
public enum EmbeddedLinkPurpose { Sign, Send, SelfSign, InPerson }

/// <summary>
/// A short-lived, single-purpose URL for use in an iframe: embedded signing of one signer's part of one request, or
/// embedded sending / self-signing of one original file. Only a hash of its token is stored.
/// </summary>
public class EmbeddedLink
{
    public long Id { get; set; }
    public string TokenHash { get; set; } = "";
    public EmbeddedLinkPurpose Purpose { get; set; }
    /// <summary>The account the link acts for (the request's owner; the API key's user).</summary>
    public string UserId { get; set; } = "";
    public int? RequestId { get; set; }
    public int? RecipientId { get; set; }
    public int? DocumentId { get; set; }
    /// <summary>Where the frame goes when the purpose is fulfilled, with <c>pending_file_id</c> added.</summary>
    public string? RedirectUrl { get; set; }
    /// <summary>Embedded sending: what to fill in (JSON of <c>EmbedPrefill</c>: message, recipients, cc).</summary>
    public string? Prefill { get; set; }
    /// <summary>When the purpose was fulfilled (a request sent, a document signed): the link cannot do it again.</summary>
    public DateTimeOffset? UsedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? OpenedAt { get; set; }
}

/// <summary>One event sent to one callback URL: the body is fixed when the event happens, attempts are counted here.</summary>
public class WebhookDelivery
{
    public long Id { get; set; }
    /// <summary>Stable across retries and redeliveries (<c>X-ESign-Event-Id</c>); shared by every URL the event went to.</summary>
    public string EventId { get; set; } = "";
    public string UserId { get; set; } = "";
    public int? EndpointId { get; set; }
    public string Url { get; set; } = "";
    public string EventType { get; set; } = "";
    public string Body { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>When the current run of attempts began (creation, or the last manual redelivery): retries stop 3 days later.</summary>
    public DateTimeOffset RetryWindowStart { get; set; }
    public WebhookDeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? LastAttemptAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    /// <summary>The outbox message that runs the current attempts.</summary>
    public long? OutboxMessageId { get; set; }
    public OutboxMessage? Outbox { get; set; }
}
