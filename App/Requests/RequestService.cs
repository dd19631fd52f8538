using ESignWeb.Api;
using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Outbox;
using ESignWeb.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Requests;

/// <summary>A request with what the dashboard shows of it.</summary>
public sealed record RequestSummary(
    int Id, string Name, RequestStatus Status, bool IsOrdered, DateTimeOffset CreatedAt, DateTimeOffset ModifiedAt,
    DateTimeOffset? SentAt, string DocumentName, IReadOnlyList<RecipientSummary> Recipients, int? NextRecipientId,
    IReadOnlyList<int>? CurrentGroupIds = null)
{
    /// <summary>The seal job of this request failed for good (the outbox gave up on it); set by <see cref="RequestService"/>.</summary>
    public bool SealGaveUp { get; init; }

    /// <summary>Its categories (the dashboard shows them as chips); set by <see cref="DashboardLists"/>.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Those who take part (signers and approvers; not final-copy readers).</summary>
    public IEnumerable<RecipientSummary> Actors => Recipients.Where(r => r.Role != RecipientRole.FinalCopyReader);

    /// <summary>
    /// Where the seal stands — the one rule, used by the dashboard, the request page and <see cref="StatusWords.Of(RequestStatus, SealPhase)"/>:
    /// everyone who takes part has finished and the request is still <c>incomplete</c> on the wire, and its seal job is running or gave up.
    /// </summary>
    public SealPhase Seal => Status != RequestStatus.Incomplete || !Actors.Any() || !Actors.All(r => r.Status == RecipientStatus.Finalized)
        ? SealPhase.None
        : SealGaveUp ? SealPhase.GaveUp : SealPhase.Sealing;

    /// <summary>Every signer has signed and the seal is still being made (it has not landed and has not given up).</summary>
    public bool IsSealing => Seal == SealPhase.Sealing;

    /// <summary>Whose turn it is (<see cref="RequestWorkflow.CurrentGroup"/>): everyone of the current group.</summary>
    public bool IsTheirTurn(int recipientId) => CurrentGroupIds?.Contains(recipientId) ?? NextRecipientId == recipientId;

    /// <summary>
    /// Whose turn it is while the request waits for others, in words: in an ordered request everyone of the current
    /// group (<see cref="StatusWords.Turn"/>), in a parallel one how many have not finished (<see cref="StatusWords.WaitingFor"/>).
    /// </summary>
    public string? WaitingFor => Status != RequestStatus.Incomplete || Seal != SealPhase.None ? null
        : IsOrdered && CurrentGroupIds is { Count: > 1 } ? StatusWords.Turn(Actors.Where(r => IsTheirTurn(r.Id)).Select(r => r.DisplayName).ToList())
        : StatusWords.WaitingFor(IsOrdered, Recipients.FirstOrDefault(r => r.Id == NextRecipientId)?.DisplayName,
            Actors.Count(r => r.Status is RecipientStatus.NotViewed or RecipientStatus.Viewed));

    /// <summary>
    /// The order groups in one line ("1 · Ann, Bob — 2 · Carl") when the request has any (an ordered request where
    /// two take part at the same step); null otherwise.
    /// </summary>
    public string? Groups => IsOrdered && Actors.GroupBy(r => r.OrderId).Any(g => g.Count() > 1)
        ? StatusWords.Groups(Actors.Select(r => (r.OrderId, r.DisplayName)))
        : null;
}

public sealed record RecipientSummary(int Id, string Email, string Name, int OrderId, RecipientStatus Status,
    RecipientRole Role = RecipientRole.Signer, bool IsInPerson = false)
{
    public string DisplayName => string.IsNullOrWhiteSpace(Name) ? Email : Name;
}

/// <summary>A seal that has not completed yet: how often it was tried and why it failed.</summary>
public sealed record SealState(int Attempts, string? LastError, DateTimeOffset NextAttemptAt, bool GaveUp);

public sealed record RequestDetail(
    RequestSummary Summary, string? Message, IReadOnlyList<string> Cc, string? VoidMessage, DateTimeOffset? LastRemindedAt,
    IReadOnlyList<Recipient> Recipients, IReadOnlyList<AuditEvent> Events, SignedFile? SignedFile, string? ChainProblem,
    SealState? PendingSeal, RequestTiming? Timing = null, string? ExternalId = null)
{
    /// <summary>The sender's labels (<see cref="Domain.Categories"/>), in their order.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];
    /// <summary>The request's options that are set, in words (<see cref="OptionWords.Describe(SignatureRequest)"/>).</summary>
    public IReadOnlyList<(string Label, string Text)> Options { get; init; } = [];
    /// <summary>The signers sign in groups (some share an order number).</summary>
    public bool InGroups { get; init; }
    /// <summary>Whether the sealed PDF carries a trusted timestamp, as its <c>completed</c> event records (null: not recorded, timestamping off).</summary>
    public Timestamping.TrustedTimestamp? Timestamp =>
        Timestamping.TrustedTimestamps.OfCompletedData(Events.LastOrDefault(e => e.Type == Audit.AuditEventType.Completed)?.Data);
}

/// <summary>When a request expires [auto_expire_at] and whether it reminds its signers by itself [are_reminders_enabled].</summary>
public sealed record RequestTiming(DateTimeOffset? AutoExpireAt, bool RemindersEnabled);

/// <summary>
/// The sender's side of a request: create a draft from a document, save the prepared draft, send it, list.
/// Every state change commits with its audit event and outbox messages in one transaction.
/// </summary>
public sealed class RequestService(
    IDbContextFactory<AppDbContext> dbFactory,
    RecipientTokens tokens,
    Verification verification,
    OutboxSignal outboxSignal,
    TimeProvider clock,
    ILogger<RequestService> log)
{
    /// <param name="hiddenDocument">Also accept a document that is not in the library (a template's copy made for this request).</param>
    /// <param name="createdDetails">More data for the "created" audit event (the template and merge values it was made with).</param>
    /// <param name="templateId">The template the request is made from (reports: "templates used"); null: from a document.</param>
    public async Task<int> CreateDraftAsync(string ownerId, int documentId, Actor actor, CancellationToken ct = default, bool hiddenDocument = false,
        IReadOnlyDictionary<string, object?>? createdDetails = null, int? templateId = null)
    {
        Document doc;
        await using (var read = await dbFactory.CreateDbContextAsync(ct))
            doc = await read.Documents.AsNoTracking()
                      .SingleOrDefaultAsync(d => d.Id == documentId && d.OwnerId == ownerId && (hiddenDocument || d.DeletedAt == null), ct)
                  ?? throw AppException.NotFound("The document");
        return await dbFactory.WriteAsync(async db =>
        {
            var now = clock.GetUtcNow();
            var request = new SignatureRequest
            {
                OwnerId = ownerId, DocumentId = doc.Id, Name = Path.GetFileNameWithoutExtension(doc.Name),
                IsOrdered = true, CreatedAt = now, ModifiedAt = now, TemplateId = templateId,
            };
            if (request.Name.Length > DraftEditor.MaxNameLength) request.Name = request.Name[..DraftEditor.MaxNameLength];
            db.Requests.Add(request);
            await db.SaveChangesAsync(ct);
            object data = new { document = doc.Name, document_sha256 = doc.Sha256 };
            if (createdDetails is not null)
            {
                var all = new Dictionary<string, object?> { ["document"] = doc.Name, ["document_sha256"] = doc.Sha256 };
                foreach (var (k, v) in createdDetails) all[k] = v;
                data = all;
            }
            await AuditLog.AppendAsync(db, request.Id, AuditEventType.Created, actor, now, data, ct);
            return request.Id;
        }, ct);
    }

    /// <summary>Loads a draft for the prepare page. Refuses requests that were already sent.</summary>
    public async Task<RequestDraft> LoadDraftAsync(string ownerId, int requestId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var r = await LoadOwnedAsync(db, ownerId, requestId, ct);
        if (!RequestWorkflow.IsEditable(r))
            throw new AppException(ApiErrorCode.BadRequest, $"This request was already sent (it is {WireNames.Of(r.Status)}) and can no longer be edited.");
        var keys = r.Recipients.ToDictionary(x => x.Id, _ => Guid.NewGuid());
        return new RequestDraft
        {
            RequestId = r.Id, DocumentId = r.DocumentId, DocumentName = r.Document!.Name, Pages = r.Document.Pages,
            Name = r.Name, IsOrdered = r.IsOrdered, EmbeddedSigning = r.EmbeddedSigning, Message = r.Message, Cc = [.. r.Cc],
            Signers = RequestWorkflow.InOrder(r).Select(x => new DraftSigner
            {
                Id = x.Id, Key = keys[x.Id], Email = x.Email, FirstName = x.FirstName, LastName = x.LastName, Language = x.Language,
                Options = RequestOptionMapping.Load(x),
            }).ToList(),
            Options = RequestOptionMapping.Load(r),
            Categories = CategoryRows.Of(r),
            Fields = r.Fields.OrderBy(f => f.Id).Select(f => new DraftField
            {
                Id = f.Id, SignerKey = keys[f.RecipientId], Type = f.Type, Required = f.Required, PageNumber = f.PageNumber,
                X = f.X, Y = f.Y, Width = f.Width, Height = f.Height, DateFormat = DateFormatOf(f), DocumentTagId = f.DocumentTagId,
                Value = f.Value,
            }).ToList(),
            TextTags = r.Document.TextTags,
        };
    }

    /// <summary>
    /// Saves the whole draft (signers in order, fields, settings). Validates first and changes nothing when any
    /// part is invalid. New signers and fields get their database ids written back into <paramref name="draft"/>.
    /// </summary>
    public async Task SaveDraftAsync(string ownerId, RequestDraft draft, CancellationToken ct = default)
    {
        // One transaction (BEGIN IMMEDIATE), retried when a concurrent reader holds a table lock of the shared cache.
        var (byKey, fieldEntities) = await dbFactory.WriteAsync(async db =>
        {
            var r = await LoadOwnedAsync(db, ownerId, draft.RequestId, ct);
            if (!RequestWorkflow.IsEditable(r))
                throw new AppException(ApiErrorCode.BadRequest, $"This request was already sent (it is {WireNames.Of(r.Status)}) and can no longer be edited.");
            draft.Pages = r.Document!.Pages; // never trust the page geometry the caller holds
            var problems = DraftEditor.ProblemsBeforeSend(draft, requireSigners: false);
            if (problems.Count > 0) throw AppException.BadRequest(problems[0]);

            var now = clock.GetUtcNow();
            r.Name = DisplayNames.Clean(draft.Name);
            r.IsOrdered = draft.IsOrdered || draft.Options.OrderGroups;
            r.EmbeddedSigning = draft.EmbeddedSigning;
            r.Message = SenderMessage.AsTyped(draft.Message); // as typed; cleaned where it is shown
            r.Cc = [.. draft.Cc];
            CategoryRows.Replace(db, r, draft.Categories); // checked by ProblemsBeforeSend above
            RequestOptionMapping.Store(draft.Options, r);
            await Folders.FolderService.EnsureOwnedAsync(db, ownerId, r.FolderId, ct); // a destination is one of the owner's folders
            r.ModifiedAt = now;

            // Signers: update by id, add new, remove missing (their fields go with them).
            var byKey = new Dictionary<Guid, Recipient>();
            var orders = RequestOptionRules.EffectiveOrders(draft);
            var index = 0;
            foreach (var s in draft.Signers)
            {
                var entity = s.Id != 0 ? r.Recipients.SingleOrDefault(x => x.Id == s.Id) : null;
                if (entity is null)
                {
                    entity = new Recipient { CreatedAt = now };
                    r.Recipients.Add(entity);
                }
                entity.Email = s.Email.Trim();
                entity.FirstName = DisplayNames.Clean(s.FirstName);
                entity.LastName = DisplayNames.Clean(s.LastName);
                entity.Language = s.Language;
                entity.OrderId = orders[index++];
                RequestOptionMapping.Store(s.Options, entity);
                entity.ModifiedAt = now;
                byKey[s.Key] = entity;
            }
            var keptRecipients = byKey.Values.ToHashSet();
            foreach (var gone in r.Recipients.Where(x => !keptRecipients.Contains(x)).ToList())
            {
                r.Recipients.Remove(gone);
                db.Recipients.Remove(gone);
            }

            var fieldEntities = new Dictionary<Guid, Field>();
            foreach (var f in draft.Fields)
            {
                var entity = f.Id != 0 ? r.Fields.SingleOrDefault(x => x.Id == f.Id) : null;
                if (entity is null)
                {
                    entity = new Field();
                    r.Fields.Add(entity);
                }
                entity.Recipient = byKey[f.SignerKey];
                entity.Type = f.Type;
                entity.Required = f.Required;
                entity.PageNumber = f.PageNumber;
                entity.DocumentTagId = f.DocumentTagId;
                entity.Value = f.Value; // a draft's only values are prefills (prefill_tags)
                (entity.X, entity.Y, entity.Width, entity.Height) = (f.X, f.Y, f.Width, f.Height);
                // A date field with no format takes the signer's locale on the signer's page.
                entity.AdditionalInfo = f.Type == FieldType.Date && f.DateFormat is { } format
                    ? System.Text.Json.JsonSerializer.Serialize(new { format })
                    : "{}";
                fieldEntities[f.Key] = entity;
            }
            var keptFields = fieldEntities.Values.ToHashSet();
            foreach (var gone in r.Fields.Where(x => !keptFields.Contains(x)).ToList())
            {
                r.Fields.Remove(gone);
                db.Fields.Remove(gone);
            }

            return (byKey, fieldEntities);
        }, ct);
        foreach (var s in draft.Signers)
        {
            s.Id = byKey[s.Key].Id;
            RequestOptionMapping.PasswordSaved(s.Options);
        }
        foreach (var f in draft.Fields) f.Id = fieldEntities[f.Key].Id;
    }

    /// <summary>
    /// Sends a draft: tokens for every signer, status incomplete, the audit event, and the invitation and CC mails
    /// in the outbox: all in one commit. Sequential: only the first signer is mailed; parallel: everyone.
    /// </summary>
    public async Task SendAsync(string ownerId, int requestId, Actor actor, CancellationToken ct = default)
    {
        var draft = await LoadDraftAsync(ownerId, requestId, ct);
        var problems = DraftEditor.ProblemsBeforeSend(draft);
        if (problems.Count > 0) throw AppException.BadRequest(problems[0]);

        var sent = await dbFactory.WriteAsync(async db =>
        {
            var r = await LoadOwnedAsync(db, ownerId, requestId, ct);
            var now = clock.GetUtcNow();
            var outcome = RequestWorkflow.Send(r, now); // refuses a request sent meanwhile (another tab)
            foreach (var recipient in r.Recipients.Where(RequestWorkflow.HasSigningLink)) tokens.Issue(recipient);
            await AuditLog.AppendAsync(db, r.Id, AuditEventType.Sent, actor, now, new
            {
                is_ordered = r.IsOrdered,
                recipients = RequestWorkflow.InOrder(r).Select(x => new { x.Email, name = x.FullName, order_id = x.OrderId, role = WireNames.Of(x.Role), in_person = x.IsInPerson }),
                cc = r.Cc,
                fields = r.Fields.Count,
            }, ct);
            await WebhookEvents.RaiseAsync(db, r, AuditEventType.Sent, actor, now, ct);
            foreach (var who in outcome.Notify.Where(x => RequestWorkflow.IsMailed(r, x)))
                OutboxWriter.Enqueue(db, OutboxKinds.SignerInvite, new SignerInvite(who.Id), $"Signing invitation → {who.Email}", ownerId, now);
            foreach (var cc in r.Cc)
                OutboxWriter.Enqueue(db, OutboxKinds.CcNotice, new CcNotice(r.Id, cc), $"CC notice → {cc}", ownerId, now);
            RequestScheduling.ScheduleReminders(db, r, outcome.Notify, now);
            RequestScheduling.ScheduleExpiry(db, r, now);
            return r;
        }, ct);
        log.LogInformation("Request {RequestId} sent to {Count} signer(s), ordered={Ordered}", sent.Id, sent.Recipients.Count, sent.IsOrdered);
        outboxSignal.Notify();
    }

    /// <summary>
    /// Creates and sends a request in one go (the API's path; only creates the draft when its options say preparation is
    /// needed): <paramref name="prepare"/> fills a draft built on the
    /// document and returns the first problem, if any. Nothing is created unless the whole request is valid; a failure
    /// after the draft was made removes it again.
    /// </summary>
    public async Task<int> CreateAndSendAsync(string ownerId, int documentId, Func<RequestDraft, string?> prepare,
        Actor actor, CancellationToken ct = default, bool hiddenDocument = false, IReadOnlyDictionary<string, object?>? createdDetails = null,
        int? templateId = null)
    {
        Document doc;
        await using (var read = await dbFactory.CreateDbContextAsync(ct))
            doc = await read.Documents.AsNoTracking().SingleOrDefaultAsync(d => d.Id == documentId && d.OwnerId == ownerId && (hiddenDocument || d.DeletedAt == null), ct)
                  ?? throw AppException.NotFound("The original file");
        var probe = new RequestDraft { DocumentId = doc.Id, DocumentName = doc.Name, Pages = doc.Pages, TextTags = doc.TextTags };
        var error = prepare(probe);
        if (error is not null) throw AppException.BadRequest(error);
        var problems = DraftEditor.ProblemsBeforeSend(probe);
        if (problems.Count > 0) throw AppException.BadRequest(problems[0]);

        var id = await CreateDraftAsync(ownerId, documentId, actor, ct, hiddenDocument, createdDetails, templateId);
        try
        {
            var draft = await LoadDraftAsync(ownerId, id, ct);
            prepare(draft);
            await SaveDraftAsync(ownerId, draft, ct);
            // Box is_document_preparation_needed: kept as a draft with everything given; the sender sends it from the prepare page.
            if (!draft.Options.PreparationNeeded) await SendAsync(ownerId, id, actor, ct);
            return id;
        }
        catch
        {
            try { await DeleteDraftAsync(ownerId, id, CancellationToken.None); } catch (AppException) { /* already sent: keep */ }
            throw;
        }
    }

    /// <summary>
    /// Requests the user owns or is a recipient of (any status but draft; the owner's drafts created over the API to be
    /// prepared [is_document_preparation_needed] included), for the API: ALL of them, newest first, as a
    /// <see cref="ListSnapshot{T}"/> (count, then keyset batches; never truncated). A recipient's requests are listed
    /// only once the account's address is confirmed: registering someone else's address shows nothing.
    /// Each batch is ONE query with a projection (<see cref="PendingListRow"/>): the request's columns the API shows, its
    /// recipients and categories, its owner's name and address, and whether it has fields the sender placed (an
    /// EXISTS, no field rows) — no entity graph, no tracking, no query per request or per owner (issue 15).
    /// </summary>
    public Task<ListSnapshot<PendingListRow>> OpenVisibleListAsync(string userId, CancellationToken ct = default)
    {
        string? email = null;
        return ListSnapshot<PendingListRow>.OpenAsync(dbFactory,
            async (db, token) =>
            {
                email = await ConfirmedEmailAsync(db, userId, token);
                return await Visible(db, userId, email).CountAsync(token);
            },
            (db, after, take, token) =>
            {
                var before = after?.Request.Id ?? int.MaxValue;
                return (from r in Visible(db, userId, email).Where(r => r.Id < before)
                        join u in db.Users on r.OwnerId equals u.Id
                        orderby r.Id descending
                        select new PendingListRow(
                            new SignatureRequest
                            {
                                Id = r.Id, OwnerId = r.OwnerId, Name = r.Name, IsOrdered = r.IsOrdered, Message = r.Message, Status = r.Status,
                                CreatedAt = r.CreatedAt, ModifiedAt = r.ModifiedAt, SentAt = r.SentAt, EmailSubject = r.EmailSubject,
                                RemindersEnabled = r.RemindersEnabled, TextSignaturesEnabled = r.TextSignaturesEnabled, SignatureColor = r.SignatureColor,
                                DaysValid = r.DaysValid, AutoExpireAt = r.AutoExpireAt, RedirectUrl = r.RedirectUrl, DeclinedRedirectUrl = r.DeclinedRedirectUrl,
                                ExternalId = r.ExternalId, PreparationNeeded = r.PreparationNeeded, PhoneVerificationRequired = r.PhoneVerificationRequired,
                                FolderId = r.FolderId, DownloadedAt = r.DownloadedAt,
                                Recipients = r.Recipients.Select(x => new Recipient
                                {
                                    Id = x.Id, RequestId = x.RequestId, Email = x.Email, FirstName = x.FirstName, LastName = x.LastName, OrderId = x.OrderId,
                                    Role = x.Role, Status = x.Status, CreatedAt = x.CreatedAt, ModifiedAt = x.ModifiedAt, ViewedAt = x.ViewedAt,
                                    RedirectUrl = x.RedirectUrl, DeclinedRedirectUrl = x.DeclinedRedirectUrl, PasswordHash = x.PasswordHash,
                                    VerificationPhone = x.VerificationPhone, LoginRequired = x.LoginRequired, IsInPerson = x.IsInPerson,
                                    EmbedUrlExternalUserId = x.EmbedUrlExternalUserId,
                                }).ToList(),
                                Categories = r.Categories.Select(c => new RequestCategory { Id = c.Id, RequestId = c.RequestId, Name = c.Name }).ToList(),
                            },
                            new Data.ApplicationUser { Id = u.Id, Email = u.Email, FirstName = u.FirstName, LastName = u.LastName },
                            r.Fields.Any(f => !f.AddedBySigner)))
                    .Take(take).AsSingleQuery().ToListAsync(token);
            }, ct);
    }

    /// <summary>The rule of <see cref="OpenVisibleListAsync"/> and <see cref="GetVisibleAsync"/>, as a query.</summary>
    private static IQueryable<SignatureRequest> Visible(AppDbContext db, string userId, string? email) =>
        db.Requests.AsNoTracking()
            .Where(r => (r.Status != RequestStatus.Draft || (r.OwnerId == userId && r.PreparationNeeded))
                        && (r.OwnerId == userId || (email != null && r.Recipients.Any(x => x.Email.ToUpper() == email))));

    /// <summary>One request the user owns or is a recipient of (not a draft unless the owner's to prepare; as a recipient, with a confirmed address).</summary>
    public async Task<(SignatureRequest Request, Data.ApplicationUser Owner)> GetVisibleAsync(string userId, int requestId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var email = await ConfirmedEmailAsync(db, userId, ct);
        var r = await db.Requests.AsNoTracking().Include(x => x.Recipients).Include(x => x.Fields).Include(x => x.Categories)
                    .SingleOrDefaultAsync(x => x.Id == requestId && (x.Status != RequestStatus.Draft || (x.OwnerId == userId && x.PreparationNeeded)) &&
                                               (x.OwnerId == userId || (email != null && x.Recipients.Any(y => y.Email.ToUpper() == email))), ct)
                ?? throw AppException.NotFound("The pending file");
        return (r, await db.Users.AsNoTracking().SingleAsync(u => u.Id == r.OwnerId, ct));
    }

    /// <summary>The account's normalized e-mail when it is confirmed; null otherwise (it then sees no request as a recipient).</summary>
    private static Task<string?> ConfirmedEmailAsync(AppDbContext db, string userId, CancellationToken ct) =>
        db.Users.Where(u => u.Id == userId).Select(u => u.EmailConfirmed ? u.NormalizedEmail : null).SingleAsync(ct);

    public static readonly TimeSpan ReminderInterval = TimeSpan.FromHours(1);

    /// <summary>Voids a request out for signature: every link stops working and the signers who were asked are told.</summary>
    public async Task VoidAsync(string ownerId, int requestId, string? message, Actor actor, CancellationToken ct = default)
    {
        if (message is { Length: > 2000 }) throw AppException.BadRequest("The message is too long (at most 2000 characters).");
        await dbFactory.WriteAsync(async db =>
        {
            var r = await LoadOwnedAsync(db, ownerId, requestId, ct);
            var now = clock.GetUtcNow();
            RequestWorkflow.Void(r, now);
            r.VoidMessage = string.IsNullOrWhiteSpace(message) ? null : message.Trim();
            await AuditLog.AppendAsync(db, r.Id, AuditEventType.Voided, actor, now, new { message = r.VoidMessage }, ct);
            await WebhookEvents.RaiseAsync(db, r, AuditEventType.Voided, actor, now, ct);
            foreach (var who in r.Recipients.Where(x => x.NotifiedAt is not null && x.Status is not RecipientStatus.Finalized && RequestWorkflow.IsMailed(r, x)))
                OutboxWriter.Enqueue(db, OutboxKinds.VoidNotice, new VoidNotice(who.Id), $"Voided notice → {who.Email}", ownerId, now);
        }, ct);
        outboxSignal.Notify();
    }

    /// <summary>
    /// Reminds the signer whose turn it is (sequential) or every signer who has not finished (parallel), at most
    /// once an hour per request. Returns who was reminded.
    /// </summary>
    public Task<IReadOnlyList<string>> RemindAsync(string ownerId, int requestId, Actor actor, CancellationToken ct = default) =>
        RemindAsync(ownerId, requestId, actor, resend: false, ct);

    /// <summary>Box's resend: at most this many reminder mails per request in <see cref="ResendWindow"/>.</summary>
    public const int ResendsPerWindow = 5;
    public static readonly TimeSpan ResendWindow = TimeSpan.FromHours(1);

    /// <summary>
    /// Box's <c>resend</c>: mails the invitation again to whoever is waiting, like <see cref="RemindAsync(string, int, Actor, CancellationToken)"/>,
    /// but usable right away and again: at most <see cref="ResendsPerWindow"/> reminders (of any origin) per request
    /// within <see cref="ResendWindow"/>, else <see cref="ApiErrorCode.ReminderTooSoon"/>.
    /// </summary>
    public Task<IReadOnlyList<string>> ResendAsync(string ownerId, int requestId, Actor actor, CancellationToken ct = default) =>
        RemindAsync(ownerId, requestId, actor, resend: true, ct);

    private async Task<IReadOnlyList<string>> RemindAsync(string ownerId, int requestId, Actor actor, bool resend, CancellationToken ct)
    {
        var reminded = await dbFactory.WriteAsync(async db =>
        {
            var r = await LoadOwnedAsync(db, ownerId, requestId, ct);
            if (r.Status != RequestStatus.Incomplete)
                throw AppException.BadRequest($"Only a request out for signature can be {(resend ? "resent" : "reminded")} (this one is {WireNames.Of(r.Status)}).");
            var now = clock.GetUtcNow();
            if (resend)
            {
                // Few rows per request; compared here (SQLite cannot order DateTimeOffset columns).
                var recent = (await db.AuditEvents.Where(e => e.RequestId == r.Id && e.Type == AuditEventType.Reminded).Select(e => e.At).ToListAsync(ct))
                    .Where(at => now - at < ResendWindow).Order().ToList();
                if (recent.Count >= ResendsPerWindow)
                {
                    var next = recent[^ResendsPerWindow] + ResendWindow;
                    throw new AppException(ApiErrorCode.ReminderTooSoon,
                        $"This request was resent {recent.Count} times in the last hour (at most {ResendsPerWindow}); the next resend can go at {next.UtcDateTime:HH:mm} UTC.")
                    { RetryAfter = next - now };
                }
            }
            else if (r.LastRemindedAt is { } last && now - last < ReminderInterval)
                throw new AppException(ApiErrorCode.ReminderTooSoon,
                    $"A reminder was sent at {last.UtcDateTime:HH:mm} UTC; the next one can go at {(last + ReminderInterval).UtcDateTime:HH:mm} UTC.")
                { RetryAfter = last + ReminderInterval - now };
            var targets = RequestWorkflow.RemindTargets(r);
            if (targets.Count == 0) throw AppException.BadRequest("Nobody is waiting to sign.");
            r.LastRemindedAt = now;
            r.ModifiedAt = now;
            await AuditLog.AppendAsync(db, r.Id, AuditEventType.Reminded, actor, now,
                resend ? new { to = string.Join(", ", targets.Select(x => x.Email)), via = "resend" } : (object)new { to = string.Join(", ", targets.Select(x => x.Email)) }, ct);
            await WebhookEvents.RaiseAsync(db, r, AuditEventType.Reminded, actor, now, ct);
            foreach (var who in targets.Where(x => RequestWorkflow.IsMailed(r, x)))
                OutboxWriter.Enqueue(db, OutboxKinds.SignerInvite, new SignerInvite(who.Id, Reminder: true), $"Reminder → {who.Email}", ownerId, now);
            // Who was mailed: an in-person signer (or an embedded request's) is reminded by nobody's mail.
            return targets.Where(x => RequestWorkflow.IsMailed(r, x)).Select(x => x.Email).ToList();
        }, ct);
        outboxSignal.Notify();
        return reminded;
    }

    /// <summary>Everything the request page shows: recipients, the audit timeline, the signed file, the seal's state.</summary>
    public async Task<RequestDetail> GetDetailAsync(string ownerId, int requestId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var r = await LoadOwnedAsync(db, ownerId, requestId, ct);
        var events = await db.AuditEvents.AsNoTracking().Where(e => e.RequestId == r.Id).OrderBy(e => e.Seq).ToListAsync(ct);
        var signed = await db.SignedFiles.AsNoTracking().SingleOrDefaultAsync(f => f.RequestId == r.Id, ct);
        var payload = System.Text.Json.JsonSerializer.Serialize(new SealRequest(r.Id), new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
        var seal = await db.Outbox.AsNoTracking().Where(m => m.Kind == OutboxKinds.Seal && m.Payload == payload)
            .OrderByDescending(m => m.Id).FirstOrDefaultAsync(ct);
        var problems = await verification.VerifyRequestAsync(r.Id, ct);
        return new RequestDetail(ToSummary(r) with { SealGaveUp = seal is { DoneAt: null, Failed: true } }, r.Message, [.. r.Cc], r.VoidMessage, r.LastRemindedAt,
            RequestWorkflow.InOrder(r).ToList(), events, signed, problems.Count == 0 ? null : string.Join(" ", problems),
            seal is null || seal.DoneAt is not null ? null : new SealState(seal.Attempts, seal.LastError, seal.NextAttemptAt, seal.Failed),
            new RequestTiming(r.AutoExpireAt, r.RemindersEnabled), r.ExternalId)
        {
            Options = OptionWords.Describe(r),
            InGroups = OptionWords.InGroupsOf(r),
            Categories = CategoryRows.Of(r),
        };
    }

    /// <summary>
    /// Sets the categories of one of the owner's requests, in any status (the page and every API use this; a draft's
    /// also change with its save). They are the sender's labels, not part of what is signed: no audit event, no status
    /// change, no webhook. Names go through <see cref="Categories.Normalize"/> (its refusals are <see cref="AppException"/>s).
    /// Returns the categories as stored.
    /// </summary>
    public async Task<IReadOnlyList<string>> SetCategoriesAsync(string ownerId, int requestId, IEnumerable<string?>? names, CancellationToken ct = default)
    {
        var normalized = Categories.Normalize(names);
        await dbFactory.WriteAsync(async db =>
        {
            var r = await db.Requests.Include(x => x.Categories).SingleOrDefaultAsync(x => x.Id == requestId && x.OwnerId == ownerId, ct)
                    ?? throw AppException.NotFound("The request");
            CategoryRows.Replace(db, r, normalized);
        }, ct);
        return normalized;
    }

    /// <summary>At most this many suggestions for the category box.</summary>
    public const int MaxCategorySuggestions = 50;

    /// <summary>The owner's existing category names, distinct without regard to case, most used first (one query).</summary>
    public async Task<IReadOnlyList<string>> CategorySuggestionsAsync(string ownerId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await CategoryRows.SuggestionsAsync(db, ownerId, MaxCategorySuggestions, ct);
    }

    public async Task<int> GetDocumentIdAsync(string ownerId, int requestId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Requests.Where(r => r.Id == requestId && r.OwnerId == ownerId).Select(r => (int?)r.DocumentId).SingleOrDefaultAsync(ct)
               ?? throw AppException.NotFound("The request");
    }

    public async Task<RequestSummary> GetSummaryAsync(string ownerId, int requestId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var r = await LoadOwnedAsync(db, ownerId, requestId, ct);
        return ToSummary(r) with { SealGaveUp = (await SealsGivenUpAsync(db, [r], ct)).Contains(r.Id) };
    }

    /// <summary>Which of these requests have a seal job that failed for good (<see cref="RequestFailures.SealsGivenUpAsync"/>).</summary>
    private static Task<HashSet<int>> SealsGivenUpAsync(AppDbContext db, IReadOnlyList<SignatureRequest> requests, CancellationToken ct) =>
        RequestFailures.SealsGivenUpAsync(db, requests, ct);

    /// <summary>What the outbox gave up on for these requests (the API's <c>box_status</c> error states).</summary>
    public async Task<Dictionary<int, RequestFailure>> FailuresAsync(IReadOnlyList<SignatureRequest> requests, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await RequestFailures.LoadAsync(db, requests, ct);
    }

    /// <summary>Deletes a draft (only drafts: a sent request is voided, not deleted).</summary>
    public async Task DeleteDraftAsync(string ownerId, int requestId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var r = await LoadOwnedAsync(db, ownerId, requestId, ct);
        if (!RequestWorkflow.IsEditable(r)) throw AppException.BadRequest("Only drafts can be deleted.");
        db.AuditEvents.RemoveRange(db.AuditEvents.Where(e => e.RequestId == r.Id));
        db.Requests.Remove(r);
        await db.SaveChangesAsync(ct);
    }

    internal static async Task<SignatureRequest> LoadOwnedAsync(AppDbContext db, string ownerId, int requestId, CancellationToken ct)
    {
        await db.LockRequestAsync(requestId, ct); // inside a write: the request's writers queue (PostgreSQL's row lock)
        return await db.Requests.Include(x => x.Recipients).Include(x => x.Fields).Include(x => x.Document).Include(x => x.Categories)
            .AsSplitQuery()
            .SingleOrDefaultAsync(x => x.Id == requestId && x.OwnerId == ownerId, ct)
            ?? throw AppException.NotFound("The request");
    }

    internal static RequestSummary ToSummary(SignatureRequest r) => new(
        r.Id, r.Name, r.Status, r.IsOrdered, r.CreatedAt, r.ModifiedAt, r.SentAt, r.Document?.Name ?? "",
        RequestWorkflow.InOrder(r).Select(x => new RecipientSummary(x.Id, x.Email, x.FullName, x.OrderId, x.Status, x.Role, x.IsInPerson)).ToList(),
        RequestWorkflow.Next(r)?.Id, RequestWorkflow.CurrentGroup(r).Select(x => x.Id).ToList());

    private static string? DateFormatOf(Field f) => f.Type == FieldType.Date ? FieldRules.ExplicitDateFormatOf(f.AdditionalInfo) : null;

}
