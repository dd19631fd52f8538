using ESignWeb.Api;
using System.Text.Json;
using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Outbox;
using ESignWeb.Webhooks;
using ESignWeb.Requests;
using ESignWeb.Storage;
using ESignWeb.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using ESignWeb.Localization;

namespace ESignWeb.Signing;

/// <summary>
/// The signer's side of a request, addressed only by the token of their link: open (→ viewed), consent, fill their own
/// fields, finish (→ finalized; the next signer is mailed or the request is sealed), decline. Every write checks that
/// the field belongs to the token's recipient and that it is this recipient's turn.
/// </summary>
public sealed class SigningService(
    IDbContextFactory<AppDbContext> dbFactory,
    IBlobStore blobs,
    OutboxSignal outboxSignal,
    IOptions<ESignOptions> options,
    TimeProvider clock,
    IStringLocalizer<SignerText> L,
    ILogger<SigningService> log)
{
    public const int MaxTextLength = 500;
    public const int MaxFreeFields = 50;

    /// <summary>Opens a link. The first visit of a signer whose turn it is marks them viewed (audited).</summary>
    /// <param name="viewerUserId">The signed-in user of the page, if any: an in-person signer's page opens only for the request's owner.</param>
    public async Task<SigningSession> OpenAsync(string? token, Actor actor, CancellationToken ct = default, string? viewerUserId = null)
    {
        if (!LooksLikeToken(token)) return Unknown();
        await using var read = await dbFactory.CreateDbContextAsync(ct);
        var (request, recipient) = await LoadAsync(read, token, ct);
        if (request is not null && recipient is { IsInPerson: true } && viewerUserId != request.OwnerId)
            return new SigningSession(SigningState.InPersonOnly, L["StatusInPersonOnly"], request.Id, recipient.Id, request.Name);
        if (request is not null && recipient is not null && recipient.Status == RecipientStatus.NotViewed && RequestWorkflow.MaySign(request, recipient)
            && !RequestWorkflow.IsDueToExpire(request, clock.GetUtcNow()))
        {
            // First visit: record it (write lock only now; re-checked inside the transaction).
            await dbFactory.WriteAsync(async db =>
            {
                var (r, who) = await LoadAsync(db, token, ct);
                var now = clock.GetUtcNow();
                if (r is null || who is null || !RequestWorkflow.MaySign(r, who) || who.Status != RecipientStatus.NotViewed
                    || RequestWorkflow.IsDueToExpire(r, now)) return;
                RequestWorkflow.View(r, who, now);
                await AuditLog.AppendAsync(db, r.Id, AuditEventType.Viewed, actor with { Email = who.Email }, now, null, ct);
                await WebhookEvents.RaiseAsync(db, r, AuditEventType.Viewed, actor with { Email = who.Email }, now, ct);
            }, ct);
            outboxSignal.Notify();
            read.ChangeTracker.Clear();
            (request, recipient) = await LoadAsync(read, token, ct);
        }

        if (request is null || recipient is null) return Unknown();
        var owner = await read.Users.AsNoTracking().SingleAsync(u => u.Id == request.OwnerId, ct);
        var state = StateOf(request, recipient, out var message);
        if (state is SigningState.Voided or SigningState.Declined or SigningState.Expired)
            return new SigningSession(state, message, request.Id, recipient.Id, request.Name, SenderName: owner.DisplayName, SenderEmail: owner.Email ?? "",
                Redirects: RedirectTargets.For(request, recipient));
        var mine = request.Fields.Where(f => f.RecipientId == recipient.Id).ToList();
        return new SigningSession(state, message, request.Id, recipient.Id, request.Name, request.DocumentId,
            owner.DisplayName, owner.Email ?? "", request.Message, recipient.FullName, recipient.Email,
            recipient.ConsentedAt is not null, request.Document!.Pages,
            request.Fields.OrderBy(f => f.PageNumber).ThenByDescending(f => f.Y).ThenBy(f => f.X)
                .Select(f => ToView(f, recipient.Id)).ToList(),
            FreeFill: mine.All(f => f.AddedBySigner), SignedFileId: request.SignedFileId,
            IsApprover: recipient.Role == RecipientRole.Approver, Role: recipient.Role,
            Ink: request.SignatureColor, TextSignatures: request.TextSignaturesEnabled, Redirects: RedirectTargets.For(request, recipient));
    }

    public async Task ConsentAsync(string token, Actor actor, CancellationToken ct = default) =>
        await dbFactory.WriteAsync(async db =>
        {
            var (r, who) = await LoadReadyAsync(db, token, ct);
            if (who.ConsentedAt is not null) return;
            var now = clock.GetUtcNow();
            who.ConsentedAt = now;
            who.ModifiedAt = now;
            // Name and e-mail fields are pre-filled from the recipient (the signer can still change them).
            foreach (var f in r.Fields.Where(f => f.RecipientId == who.Id && f.Value is null))
            {
                f.Value = f.Type switch { FieldType.Name => who.FullName, FieldType.Email => who.Email, _ => null };
                if (f.Value is not null) f.FilledAt = now;
            }
            await AuditLog.AppendAsync(db, r.Id, AuditEventType.Consented, actor with { Email = who.Email }, now,
                new { consent_version = Consent.Version, consent_text = L[RoleWords.For(who.Role).ConsentText].Value, consent_language = CurrentLanguage }, ct);
        }, ct);

    /// <summary>The language the signer picked on the signing page: their later mails use it. An unknown link changes nothing.</summary>
    public async Task SetLanguageAsync(string token, string language, CancellationToken ct = default)
    {
        if (!SignerLanguages.IsSupported(language) || !LooksLikeToken(token)) return;
        await dbFactory.WriteAsync(async db =>
        {
            var (_, who) = await LoadAsync(db, token, ct);
            if (who is null || who.Language == language) return;
            who.Language = language;
            who.ModifiedAt = clock.GetUtcNow();
        }, ct);
    }

    /// <summary>The language this page request or circuit runs in (one of ours).</summary>
    private static string CurrentLanguage => SignerLanguages.Of(System.Globalization.CultureInfo.CurrentUICulture) ?? SignerLanguages.Default;

    /// <summary>Stores one value; refuses fields of other signers, wrong kinds of value, over-long text, bad images.</summary>
    public async Task FillAsync(string token, int fieldId, FieldInput input, CancellationToken ct = default)
    {
        string? imageKey = null;
        if (input.Image is { } image)
        {
            SignatureImage.Validate(image);
            // Check ownership and the signer's image budget before keeping anything: a refused write leaves no blob behind.
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                var (r, who) = await LoadReadyAsync(db, token, ct);
                _ = await db.Fields.SingleOrDefaultAsync(f => f.Id == fieldId && f.RecipientId == who.Id, ct)
                    ?? throw AppException.NotFound("That field");
                CheckImageBudget(r, who, fieldId, SignatureImage.KeyOf(image), image.Length);
            }
            imageKey = await blobs.PutAsync(new MemoryStream(image), ct);
        }
        string? previous;
        try
        {
            previous = await dbFactory.WriteAsync(async db =>
            {
                var (r, who) = await LoadReadyAsync(db, token, ct);
                if (who.ConsentedAt is null) throw AppException.BadRequest(L["ErrorConsentFirst"]);
                var field = await db.Fields.SingleOrDefaultAsync(f => f.Id == fieldId && f.RecipientId == who.Id, ct)
                            ?? throw AppException.NotFound("That field");
                // are_text_signatures_enabled: false — the dialog hides its Type tab, and the server refuses a typed one anyway.
                if (!r.TextSignaturesEnabled && field.Type is FieldType.Signature or FieldType.Initials && IsTyped(input.Source))
                    throw AppException.BadRequest(L["ErrorTypedSignatureOff"]);
                // Again inside the transaction (writes are serialised), so two fills at once cannot both squeeze in.
                if (imageKey is not null)
                {
                    CheckImageBudget(r, who, fieldId, imageKey, input.Image!.Length);
                    // A replaced image is deleted at once (BlobReferences.DeleteIfUnreferencedAsync): identical content
                    // stored by this fill may have gone meanwhile, so store it again (the key is the same).
                    // (Through this transaction: the database store must not wait for SQLite's write lock held here.)
                    var inTransaction = blobs.Within(db);
                    if (!inTransaction.Exists(imageKey)) await inTransaction.PutAsync(new MemoryStream(input.Image), ct);
                }
                var old = field.Type is FieldType.Signature or FieldType.Initials ? field.Value : null;
                field.Value = ValueFor(field, input, imageKey);
                field.ValueSource = field.Type switch
                {
                    FieldType.Signature or FieldType.Initials => Truncate(input.Source, 200),
                    // The format the date was written in (the field's own, else the signer's locale's): recorded with it.
                    FieldType.Date when field.Value is not null => EffectiveDateFormat(DateFormat(field), input.DateFormat),
                    _ => null,
                };
                field.FilledAt = field.Value is null ? null : clock.GetUtcNow();
                who.ModifiedAt = clock.GetUtcNow();
                return old is { Length: 64 } && old != field.Value ? old : null;
            }, ct);
        }
        catch (AppException) when (imageKey is not null)
        {
            // Refused inside the transaction (budget raced, or the link stopped being usable): the image just stored
            // is nobody's; delete it now rather than after the sweeper's grace period.
            await DeleteIfUnreferencedAsync(imageKey);
            throw;
        }
        // The replaced (or cleared) image: deleted at once when no row references it any more, so re-drawing in a
        // loop leaves one image on disk, not one per drawing.
        if (previous is not null) await DeleteIfUnreferencedAsync(previous);
    }

    /// <summary>Whether a signature's source says it was typed (the dialog's "type:Name").</summary>
    public static bool IsTyped(string? source) => source is not null && (source == "type" || source.StartsWith("type:", StringComparison.Ordinal));

    /// <summary>Best effort: a failure here leaves the blob to the sweeper.</summary>
    private async Task DeleteIfUnreferencedAsync(string key)
    {
        try
        {
            if (await BlobReferences.DeleteIfUnreferencedAsync(dbFactory, blobs, key, CancellationToken.None))
                log.LogDebug("Deleted the signature image {Key}: no longer referenced", key);
        }
        catch (Exception ex)
        {
            log.LogWarning(ex, "Could not delete the unreferenced signature image {Key}; the blob sweeper will", key);
        }
    }

    /// <summary>
    /// Refuses an image that would take this signer's distinct signature images over
    /// <c>ESign:MaxSignatureBytesPerSigner</c>. The image the field holds now is replaced, so it no longer counts.
    /// </summary>
    private void CheckImageBudget(SignatureRequest r, Recipient who, int fieldId, string newKey, long newBytes)
    {
        var others = r.Fields.Where(f => f.RecipientId == who.Id && f.Id != fieldId && f.Type is FieldType.Signature or FieldType.Initials &&
                                         f.Value is { Length: 64 } && f.Value != newKey)
            .Select(f => f.Value!).Distinct().Where(blobs.Exists).Sum(blobs.Length);
        SignatureImage.CheckTotal(others + newBytes, options.Value.MaxSignatureBytesPerSigner);
    }

    /// <summary>Free-fill: a signer with no placed fields adds one where they choose.</summary>
    public async Task<int> AddFreeFieldAsync(string token, FieldType type, int page, PdfRect rect, CancellationToken ct = default) =>
        await dbFactory.WriteAsync(async db =>
        {
            var (r, who) = await LoadReadyAsync(db, token, ct);
            if (who.ConsentedAt is null) throw AppException.BadRequest(L["ErrorConsentFirst"]);
            var mine = r.Fields.Where(f => f.RecipientId == who.Id).ToList();
            if (mine.Any(f => !f.AddedBySigner)) throw AppException.BadRequest(L["ErrorSenderPlacedFields"]);
            if (mine.Count >= MaxFreeFields) throw AppException.BadRequest(L["ErrorTooManyFreeFields", MaxFreeFields]);
            if (page < 1 || page > r.Document!.PageCount) throw AppException.BadRequest(L["ErrorNoSuchPage", page]);
            var fitted = DraftEditor.Fit(r.Document.Pages[page - 1], rect);
            var field = new Field
            {
                RequestId = r.Id, RecipientId = who.Id, Type = type, Required = type == FieldType.Signature, PageNumber = page,
                X = fitted.X, Y = fitted.Y, Width = fitted.Width, Height = fitted.Height, AddedBySigner = true,
                AdditionalInfo = "{}", // a date takes the signer's locale
            };
            db.Fields.Add(field);
            await db.SaveChangesAsync(ct);
            return field.Id;
        }, ct);

    public async Task RemoveFreeFieldAsync(string token, int fieldId, CancellationToken ct = default) =>
        await dbFactory.WriteAsync(async db =>
        {
            var (_, who) = await LoadReadyAsync(db, token, ct);
            var field = await db.Fields.SingleOrDefaultAsync(f => f.Id == fieldId && f.RecipientId == who.Id && f.AddedBySigner, ct)
                        ?? throw AppException.NotFound("That field");
            db.Fields.Remove(field);
        }, ct);

    /// <summary>
    /// Finishes signing. Exactly one of several signers finishing at the same moment sees "everyone has signed" and
    /// enqueues the seal (transactions are serialised; a lost race is retried against the new state).
    /// </summary>
    public async Task FinishAsync(string token, Actor actor, CancellationToken ct = default)
    {
        await dbFactory.WriteAsync(async db =>
        {
            var (r, who) = await LoadReadyAsync(db, token, ct);
            if (who.Role == RecipientRole.Approver) throw AppException.BadRequest(L["ErrorApproverApproves"]);
            if (who.ConsentedAt is null) throw AppException.BadRequest(L["ErrorConsentFirst"]);
            var mine = r.Fields.Where(f => f.RecipientId == who.Id).ToList();
            var missing = mine.Where(f => f.Required && f.Value is null).ToList();
            if (missing.Count > 0)
                throw AppException.BadRequest(L["ErrorRequiredMissing", missing.Count, missing.Min(f => f.PageNumber)]);
            if (mine.Count == 0 || mine.All(f => f.AddedBySigner) && !mine.Any(f => f.Type == FieldType.Signature && f.Value is not null))
                throw AppException.BadRequest(L["ErrorNeedSignature"]);
            var now = clock.GetUtcNow();
            var outcome = RequestWorkflow.Finalize(r, who, now);
            var fields = mine.Select(SignedEntry).ToList();
            // A login-required signer passed SignerVerification's login gate: the event says they were signed in.
            object signed = who.LoginRequired
                ? new { recipient_id = who.Id, name = who.FullName, fields, account = true }
                : new { recipient_id = who.Id, name = who.FullName, fields };
            await AuditLog.AppendAsync(db, r.Id, AuditEventType.Signed, actor with { Email = who.Email }, now, signed, ct);
            await WebhookEvents.RaiseAsync(db, r, AuditEventType.Signed, actor with { Email = who.Email }, now, ct);
            EnqueueAfterFinish(db, r, who, outcome, now);
        }, ct);
        outboxSignal.Notify();
    }

    /// <summary>
    /// An approver approves (role <c>approver</c>): they have read the whole document and agreed to it. The same
    /// transition as a signer finishing (<see cref="RequestWorkflow.Finalize"/>), audited as <c>approved</c>.
    /// </summary>
    public async Task ApproveAsync(string token, Actor actor, CancellationToken ct = default)
    {
        await dbFactory.WriteAsync(async db =>
        {
            var (r, who) = await LoadReadyAsync(db, token, ct);
            if (who.Role != RecipientRole.Approver) throw AppException.BadRequest(L["ErrorNotApprover"]);
            if (who.ConsentedAt is null) throw AppException.BadRequest(L["ErrorConsentFirst"]);
            var now = clock.GetUtcNow();
            var outcome = RequestWorkflow.Finalize(r, who, now);
            await AuditLog.AppendAsync(db, r.Id, AuditEventType.Approved, actor with { Email = who.Email }, now,
                new { recipient_id = who.Id, name = who.FullName }, ct);
            await WebhookEvents.RaiseAsync(db, r, AuditEventType.Approved, actor with { Email = who.Email }, now, ct);
            EnqueueAfterFinish(db, r, who, outcome, now);
        }, ct);
        outboxSignal.Notify();
    }

    /// <summary>After a finish or an approval: the next group's invitations (those who are mailed), or the seal.</summary>
    private void EnqueueAfterFinish(AppDbContext db, SignatureRequest r, Recipient who, WorkflowOutcome outcome, DateTimeOffset now)
    {
        foreach (var next in outcome.Notify.Where(x => RequestWorkflow.IsMailed(r, x)))
            OutboxWriter.Enqueue(db, OutboxKinds.SignerInvite, new SignerInvite(next.Id), $"Signing invitation → {next.Email}", r.OwnerId, now);
        Requests.RequestScheduling.ScheduleReminders(db, r, outcome.Notify, now);
        if (outcome.SealNow)
            OutboxWriter.Enqueue(db, OutboxKinds.Seal, new SealRequest(r.Id), $"Seal \"{r.Name}\"", r.OwnerId, now);
        log.LogInformation("Recipient {RecipientId} finished request {RequestId}; seal={Seal}", who.Id, r.Id, outcome.SealNow);
    }

    public async Task DeclineAsync(string token, string reason, Actor actor, CancellationToken ct = default)
    {
        if (reason is { Length: > 2000 }) throw AppException.BadRequest(L["ErrorReasonTooLong", 2000]);
        await dbFactory.WriteAsync(async db =>
        {
            var (r, who) = await LoadReadyAsync(db, token, ct);
            var now = clock.GetUtcNow();
            RequestWorkflow.Decline(r, who, reason, now);
            await AuditLog.AppendAsync(db, r.Id, AuditEventType.Declined, actor with { Email = who.Email }, now, new { recipient_id = who.Id, reason = who.DeclineReason }, ct);
            await WebhookEvents.RaiseAsync(db, r, AuditEventType.Declined, actor with { Email = who.Email }, now, ct, who.DeclineReason);
            OutboxWriter.Enqueue(db, OutboxKinds.DeclinedNotice, new DeclinedNotice(r.Id, who.Id), $"Declined by {who.Email} → sender", r.OwnerId, now);
        }, ct);
        outboxSignal.Notify();
    }

    /// <summary>The original PDF for the signer's page, while the link is usable (ready or waiting for others).</summary>
    public async Task<Stream?> OpenDocumentAsync(string token, CancellationToken ct = default) =>
        await DocumentKeyAsync(token, ct) is { } key ? blobs.OpenRead(key) : null;

    /// <summary>Whether this link may read its document now (a page may start fetching it early). Reads only.</summary>
    public async Task<bool> DocumentAvailableAsync(string token, CancellationToken ct = default) =>
        await DocumentKeyAsync(token, ct) is not null;

    private async Task<string?> DocumentKeyAsync(string token, CancellationToken ct)
    {
        if (!LooksLikeToken(token)) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (r, who) = await LoadAsync(db, token, ct);
        if (r is null || who is null || StateOf(r, who, out _) is not (SigningState.Ready or SigningState.AlreadySigned)) return null;
        return r.Document!.BlobKey;
    }

    /// <summary>The sealed PDF, for a signer of a completed request.</summary>
    public async Task<(Stream Content, string Name)?> OpenSignedAsync(string token, CancellationToken ct = default)
    {
        if (!LooksLikeToken(token)) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (r, who) = await LoadAsync(db, token, ct);
        if (r is not { Status: RequestStatus.Complete, SignedFileId: { } id } || who is null) return null;
        var signed = await db.SignedFiles.AsNoTracking().SingleAsync(f => f.Id == id, ct);
        return (blobs.OpenRead(signed.BlobKey), signed.Name);
    }

    /// <summary>The stored image of one of this signer's own signature fields (for showing it back on their page).</summary>
    public async Task<byte[]?> MyImageAsync(string token, int fieldId, CancellationToken ct = default)
    {
        if (!LooksLikeToken(token)) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (_, who) = await LoadAsync(db, token, ct);
        if (who is null) return null;
        var field = await db.Fields.AsNoTracking().SingleOrDefaultAsync(f => f.Id == fieldId && f.RecipientId == who.Id, ct);
        if (field is not { Type: FieldType.Signature or FieldType.Initials, Value: { Length: 64 } key }) return null;
        return await blobs.ReadAllBytesAsync(key, ct);
    }

    /// <summary>
    /// One field in the <c>signed</c> event: its kind, page, how a signature was made and the value's SHA-256; a date
    /// also with its text and the format it was written in (<see cref="SignedDates"/>), for the audit trail.
    /// </summary>
    private static Dictionary<string, object?> SignedEntry(Field f)
    {
        var entry = new Dictionary<string, object?>
        {
            ["id"] = f.Id, ["type"] = WireNames.Of(f.Type), ["page_number"] = f.PageNumber,
            ["source"] = f.Type is FieldType.Signature or FieldType.Initials ? f.ValueSource : null, ["value_sha256"] = Sha(f.Value),
        };
        if (WrittenDateFormat(f) is { } format)
        {
            entry[SignedDates.ValueKey] = f.Value;
            entry[SignedDates.FormatKey] = format;
        }
        return entry;
    }

    /// <summary>The format a filled date field's value was written in (kept in <see cref="Field.ValueSource"/>); null otherwise.</summary>
    public static string? WrittenDateFormat(Field f) => f is { Type: FieldType.Date, Value: not null, ValueSource: { Length: > 0 } format } ? format : null;

    private static SignerField ToView(Field f, int recipientId)
    {
        var mine = f.RecipientId == recipientId;
        return new SignerField(f.Id, f.Type, f.Required, f.PageNumber, f.Rect, DateFormat(f), mine, f.Value is not null,
            mine && f.Type is not (FieldType.Signature or FieldType.Initials) ? f.Value : null, f.AddedBySigner);
    }

    private string? ValueFor(Field field, FieldInput input, string? imageKey)
    {
        switch (field.Type)
        {
            case FieldType.Signature or FieldType.Initials:
                if (imageKey is null && input.Text is null && input.Image is null) return null; // cleared
                return imageKey ?? throw AppException.BadRequest(L["ErrorSignatureNeedsImage"]);
            case FieldType.Checkbox:
                return input.Checked switch { true => "true", false => "false", null => throw AppException.BadRequest(L["ErrorCheckboxValue"]) };
            default:
                if (input.Image is not null) throw AppException.BadRequest(L["ErrorTextNotImage"]);
                var text = input.Text?.Trim();
                if (string.IsNullOrEmpty(text)) return null;
                if (text.Length > MaxTextLength) throw AppException.BadRequest(L["ErrorTextTooLong", text.Length, MaxTextLength]);
                if (text.Any(char.IsControl)) throw AppException.BadRequest(L["ErrorTextControlCharacters"]);
                if (field.Type == FieldType.Email && !EmailAddress.IsValid(text)) throw AppException.BadRequest(L["ErrorInvalidEmail", text]);
                if (field.Type == FieldType.Date && EffectiveDateFormat(DateFormat(field), input.DateFormat) is var format &&
                    !DateFormats.TryParse(text, format, out _))
                    throw AppException.BadRequest(L["ErrorDateFormat", format]);
                return text;
        }
    }

    /// <summary>The format a date field names, or null: then the signer's locale decides (<see cref="EffectiveDateFormat"/>).</summary>
    internal static string? DateFormat(Field f) => f.Type == FieldType.Date ? FieldRules.ExplicitDateFormatOf(f.AdditionalInfo) : null;

    /// <summary>
    /// The format a date is entered, shown and sealed in: the field's own; else the signer's locale format the page
    /// sent (<see cref="DateFormats.ForLocale"/>; only day, month, year and separators are accepted); else the default.
    /// </summary>
    public static string EffectiveDateFormat(string? fieldFormat, string? localeFormat) =>
        fieldFormat ?? (DateFormats.IsWellFormed(localeFormat) ? localeFormat! : FieldRules.DefaultDateFormat);

    private SigningState StateOf(SignatureRequest r, Recipient who, out string message)
    {
        if (!who.Acts)
        {
            message = L["StatusNotASigner"];
            return SigningState.NotASigner;
        }
        // Signers who are not mailed (embedded, in person) are offered the signed copy on the page instead.
        var mailed = RequestWorkflow.IsMailed(r, who);
        var words = RoleWords.For(who.Role);
        // Past its expiry time the page already says expired, though the expiry job may not have run yet.
        switch (RequestWorkflow.IsDueToExpire(r, clock.GetUtcNow()) ? RequestStatus.Expired : r.Status)
        {
            case RequestStatus.Canceled:
                message = L["StatusVoided"] +
                          (string.IsNullOrWhiteSpace(r.VoidMessage) ? "" : " " + L["StatusVoidedMessage", r.VoidMessage]);
                return SigningState.Voided;
            case RequestStatus.RecipientDeclined:
                var decliner = r.Recipients.FirstOrDefault(x => x.Status == RecipientStatus.Declined);
                message = decliner?.Id == who.Id
                    ? L[words.DeclinedByYou]
                    : L["StatusDeclinedByOther", decliner?.FullName ?? ""];
                return SigningState.Declined;
            case RequestStatus.Complete:
                // Embedded requests mail their signers nothing: the signed copy is offered on the page instead.
                message = !mailed
                    ? L["StatusCompleteEmbedded"]
                    : L["StatusCompleteMailed"];
                return SigningState.Complete;
            case RequestStatus.Expired:
                // The day in the signer's language (UTC: the day the request's time ran out, as the sender set it).
                message = r.AutoExpireAt is { } expiredAt
                    ? L["StatusExpiredOn", expiredAt.UtcDateTime.ToString("D", System.Globalization.CultureInfo.CurrentUICulture)]
                    : L["StatusExpired"];
                return SigningState.Expired;
            case RequestStatus.Draft:
                message = L["StatusLinkNotValid"];
                return SigningState.UnknownLink;
        }
        if (who.Status == RecipientStatus.Finalized)
        {
            var everyone = RequestWorkflow.Actors(r).All(x => x.Status == RecipientStatus.Finalized);
            message = (everyone, !mailed) switch
            {
                (true, false) => L[words.DoneAllMailed],
                (true, true) => L[words.DoneAllEmbedded],
                (false, false) => L[words.DoneWaitingMailed],
                (false, true) => L[words.DoneWaitingEmbedded],
            };
            return SigningState.AlreadySigned;
        }
        if (!RequestWorkflow.MaySign(r, who))
        {
            var next = RequestWorkflow.Next(r);
            message = L["StatusNotYourTurn", next?.FullName ?? "", next?.Email ?? ""] + " " +
                      (!mailed ? L["StatusNotYourTurnEmbedded"] : L["StatusNotYourTurnMailed"]);
            return SigningState.NotYourTurn;
        }
        message = "";
        return SigningState.Ready;
    }

    /// <summary>A signing link's token (mailed) or an embedded signing URL's token (short-lived, for an iframe).</summary>
    private static bool LooksLikeToken(string? token) => RecipientTokens.LooksValid(token) || Embedding.EmbeddedLinks.LooksValid(token);

    /// <summary>The request and recipient a token stands for; an embedded link only while it has not expired.</summary>
    internal async Task<(SignatureRequest? Request, Recipient? Recipient)> LoadAsync(AppDbContext db, string? token, CancellationToken ct)
    {
        if (!LooksLikeToken(token)) return (null, null);
        var hash = RecipientTokens.Hash(token!);
        var now = clock.GetUtcNow();
        // An in-person signer is reached only through an in-person link (made for the sender), never a mailed or embedded one.
        var recipients = RecipientTokens.LooksValid(token)
            ? db.Recipients.Where(x => x.TokenHash == hash && !x.IsInPerson)
            : db.Recipients.Where(x => db.EmbeddedLinks.Any(l => l.TokenHash == hash && l.RecipientId == x.Id &&
                                                                 (x.IsInPerson ? l.Purpose == EmbeddedLinkPurpose.InPerson : l.Purpose == EmbeddedLinkPurpose.Sign) &&
                                                                 l.ExpiresAt > now));
        var who = await recipients.Select(x => new { x.Id, x.RequestId }).SingleOrDefaultAsync(ct);
        if (who is null) return (null, null);
        // Inside a write: the request's writers queue here (PostgreSQL's row lock), so what is loaded next is current.
        await db.LockRequestAsync(who.RequestId, ct);
        var r = await db.Requests.Include(x => x.Recipients).Include(x => x.Fields).Include(x => x.Document)
            .AsSplitQuery().SingleAsync(x => x.Id == who.RequestId, ct);
        return (r, r.Recipients.Single(x => x.Id == who.Id));
    }

    private async Task<(SignatureRequest Request, Recipient Recipient)> LoadReadyAsync(AppDbContext db, string token, CancellationToken ct)
    {
        if (!LooksLikeToken(token)) throw UnknownLinkError();
        var (r, who) = await LoadAsync(db, token, ct);
        if (r is null || who is null) throw UnknownLinkError();
        var state = StateOf(r, who, out var message);
        if (state != SigningState.Ready) throw new AppException(ApiErrorCode.BadRequest, message);
        return (r, who);
    }

    private AppException UnknownLinkError() => new(ApiErrorCode.UnauthorizedResource, L["ErrorLinkNotValid"]);

    private SigningSession Unknown() => new(SigningState.UnknownLink, L["StatusUnknownLink"]);

    private static string? Sha(string? value) => value is null ? null
        : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)));

    private static string? Truncate(string? s, int max) => s is null || s.Length <= max ? s : s[..max];
}
