using System.Security.Cryptography;
using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Hosting;
using ESignWeb.Outbox;
using ESignWeb.Signing;
using ESignWeb.Storage;
using ESignWeb.Timestamping;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PdfSharp.Pdf.IO;

namespace ESignWeb.Sealing;

/// <summary>
/// Test hooks at a seal's worst moment (sealed PDF stored, nothing committed): the next N seals fail there
/// (<c>ESign:Testing:FailSealsBeforeCommit</c>), and every seal may be held there for a while
/// (<c>ESign:Testing:SealDelayMilliseconds</c>), so that a test can kill the process mid-seal. Both prove that an
/// interrupted seal is completed exactly once after a restart.
/// </summary>
public sealed class SealingFaults(IOptions<ESignOptions> options, TimeProvider clock, ILogger<SealingFaults> log)
{
    private int _remaining = options.Value.Testing.FailSealsBeforeCommit;

    public async Task BeforeCommitAsync(int requestId, CancellationToken ct)
    {
        if (Interlocked.Decrement(ref _remaining) >= 0)
            throw new InvalidOperationException("Injected sealing failure (ESign:Testing:FailSealsBeforeCommit).");
        if (options.Value.Testing.SealDelayMilliseconds is > 0 and var ms)
        {
            log.LogWarning("Testing: holding the seal of request {RequestId} for {Milliseconds} ms before its commit", requestId, ms);
            await Task.Delay(TimeSpan.FromMilliseconds(ms), clock, ct);
        }
    }
}

/// <summary>
/// The seal job (outbox kind <c>seal.request</c>): stamps every value, appends the certificate page, signs the PDF,
/// stores it and its audit trail (both before the transaction, outside SQLite's write lock), and completes the
/// request, with the completion mails, in one commit that only inserts rows. Idempotent: a request already complete is
/// left alone, and a unique index allows one signed file per request.
/// </summary>
public sealed class SealingService(
    IDbContextFactory<AppDbContext> dbFactory,
    IBlobStore blobs,
    SigningCertificate certificate,
    Timestamping.SealEvidence evidence,
    Timestamping.TimestampAuthority timestampAuthority,
    SealingFaults faults,
    IOptions<ESignOptions> options,
    OutboxSignal outboxSignal,
    TimeProvider clock,
    ILogger<SealingService> log) : IOutboxHandler
{
    public string Kind => OutboxKinds.Seal;

    public async Task<string?> HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var p = OutboxWriter.Read<SealRequest>(message);
        var id = await SealAsync(p.RequestId, ct, message);
        return id is null ? "already sealed" : $"signed file {id}";
    }

    /// <summary>Seals a request; returns the new signed file's id, or null when it was already sealed.</summary>
    /// <param name="job">The outbox job running this seal: its commit happens only while that job's lease is held.</param>
    public async Task<int?> SealAsync(int requestId, CancellationToken ct = default, OutboxMessage? job = null)
    {
        SignatureRequest r;
        Data.ApplicationUser owner;
        List<AuditEvent> events;
        List<string> folderPath;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            r = await db.Requests.AsNoTracking().Include(x => x.Recipients).Include(x => x.Fields).Include(x => x.Document)
                    .AsSplitQuery().SingleOrDefaultAsync(x => x.Id == requestId, ct)
                ?? throw new PermanentOutboxFailure($"Request {requestId} no longer exists.");
            if (r.Status == RequestStatus.Complete) return null;
            if (r.Status != RequestStatus.Incomplete || r.Recipients.Any(x => x.Acts && x.Status != RecipientStatus.Finalized))
                throw new PermanentOutboxFailure($"Request {requestId} is {WireNames.Of(r.Status)}, not ready to seal.");
            owner = await db.Users.AsNoTracking().SingleAsync(u => u.Id == r.OwnerId, ct);
            events = await db.AuditEvents.AsNoTracking().Where(e => e.RequestId == requestId).OrderBy(e => e.Seq).ToListAsync(ct);
            folderPath = (await Folders.FolderService.PathOrEmptyAsync(db, r.OwnerId, r.FolderId, ct)).Select(f => f.Name).ToList();
        }
        var trailOptions = AuditTrailOptions.Of(r, folderPath);

        var product = options.Value.ProductName;
        var publicId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var images = new Dictionary<string, byte[]>();
        foreach (var key in r.Fields.Where(f => f.Type is FieldType.Signature or FieldType.Initials && f.Value is { Length: 64 }).Select(f => f.Value!).Distinct())
            images[key] = await blobs.ReadAllBytesAsync(key, ct);
        var info = Info(r, owner, events, images, publicId, sealedSha: null, product) with { Options = trailOptions };

        byte[] sealedPdf;
        TrustedTimestamp? timestamp;
        var covered = new List<TextTag>();
        await using (var original = blobs.OpenRead(r.Document!.BlobKey))
            (sealedPdf, timestamp) = await SealPdfAsync(original, r.Fields.Where(f => f.Value is not null).Select(f => ToStamp(f, images)), info, r.Name,
                $"Signed by {string.Join(", ", RequestWorkflow.Actors(r).Select(x => x.FullName))}", r.Document.TextTags, covered, $"request {requestId}", ct);
        var coveredTags = covered.Select(t => new { page = t.Page, tag = t.Text }).ToList(); // tags painted over, not removed
        var sealedKey = await blobs.PutAsync(new MemoryStream(sealedPdf), ct); // content-addressed: the key is its SHA-256
        await faults.BeforeCommitAsync(requestId, ct);

        // The audit trail (every signer's image) is rendered and stored BEFORE the transaction, so the write lock is held
        // only for inserting rows. It shows the "completed" event, which is chained to the last event and names the
        // signed file's id, so that event is worked out in advance (completion time, next id) and the transaction
        // commits only if it appends exactly that event; otherwise (an event or another signed file came in between)
        // it rolls back and the trail is rendered again. A trail stored for nothing is left to the blob sweeper.
        var basis = await TrailBasisAsync(requestId, ct);
        for (var attempt = 1; ; attempt++)
        {
            if (basis is null) return null; // sealed meanwhile
            var now = clock.GetUtcNow();
            var expected = AuditLog.Next(basis.Value.Events.LastOrDefault(), requestId, AuditEventType.Completed, new Actor(null), now,
                CompletedData(basis.Value.NextSignedFileId, publicId, r.Document.Sha256, sealedKey, coveredTags, timestamp));
            var trail = await RenderTrailAsync(Info(r, owner, [.. basis.Value.Events, expected], images, publicId, sealedKey, product) with { Options = trailOptions },
                timestamp, $"the audit trail of request {requestId}", ct);
            var trailKey = await blobs.PutAsync(new MemoryStream(trail), ct);
            var guessedId = basis.Value.NextSignedFileId;
            try
            {
                var signedFileId = await dbFactory.WriteAsync(async db =>
                {
                    await OutboxLeases.EnsureHeldAsync(db, job, ct); // a run whose lease was taken over never commits
                    await db.LockRequestAsync(requestId, ct);
                    var request = await db.Requests.Include(x => x.Recipients).SingleAsync(x => x.Id == requestId, ct);
                    if (request.Status == RequestStatus.Complete) return (int?)null; // sealed meanwhile
                    // A stale id guess fails before the insert takes an id (PostgreSQL's sequence never gives one back).
                    await db.LockSignedFileIdsAsync(ct);
                    if (await DatabaseProvider.NextSignedFileIdAsync(db, ct) != guessedId) throw new StaleAuditTrail();
                    var signed = new SignedFile
                    {
                        OwnerId = request.OwnerId, RequestId = request.Id, DocumentId = request.DocumentId,
                        Name = SignedName(r.Document.Name), BlobKey = sealedKey, Checksum = sealedKey,
                        OriginalChecksum = r.Document.Sha256, PublicIdentifier = publicId, AuditTrailBlobKey = trailKey,
                        CreatedAt = now, ModifiedAt = now,
                        FolderId = request.FolderId, // filed in the destination folder (deleted meanwhile: null, the root)
                    };
                    db.SignedFiles.Add(signed);
                    await db.SaveChangesAsync(ct);
                    RequestWorkflow.Complete(request, signed.Id, now);
                    var completed = await AuditLog.AppendAsync(db, request.Id, AuditEventType.Completed, new Actor(null), now,
                        CompletedData(signed.Id, publicId, r.Document.Sha256, sealedKey, coveredTags, timestamp), ct);
                    if (completed.Hash != expected.Hash) throw new StaleAuditTrail(); // rolls back
                    await Webhooks.WebhookEvents.RaiseCompletedAsync(db, request, signed.Id, now, ct);

                    OutboxWriter.Enqueue(db, OutboxKinds.CompletedNotice, new CompletedNotice(request.Id, owner.Email ?? "", null), $"Signed copy → {owner.Email}", request.OwnerId, now);
                    // Final-copy readers too: the sealed PDF and the audit trail are what they are there for.
                    foreach (var who in request.Recipients.Where(x => RequestWorkflow.IsMailed(request, x)))
                        OutboxWriter.Enqueue(db, OutboxKinds.CompletedNotice, new CompletedNotice(request.Id, who.Email, who.Id), $"Signed copy → {who.Email}", request.OwnerId, now);
                    foreach (var cc in request.Cc)
                        OutboxWriter.Enqueue(db, OutboxKinds.CompletedNotice, new CompletedNotice(request.Id, cc, null), $"Signed copy → {cc} (CC)", request.OwnerId, now);
                    return signed.Id;
                }, ct);
                if (signedFileId is not null)
                {
                    log.LogInformation("Request {RequestId} sealed as signed file {SignedFileId}", requestId, signedFileId);
                    outboxSignal.Notify();
                }
                return signedFileId;
            }
            catch (StaleAuditTrail) when (attempt < MaxTrailAttempts)
            {
                log.LogInformation("Request {RequestId}: its audit trail changed while sealing; rendering it again", requestId);
                basis = await TrailBasisAsync(requestId, ct);
            }
        }
    }

    private const int MaxTrailAttempts = 10;

    /// <summary>The trail rendered in advance no longer matches what the transaction would append.</summary>
    private sealed class StaleAuditTrail() : Exception("The audit trail changed while it was being rendered.");

    /// <param name="coveredTags">Text tags whose glyphs could not be removed and were covered with white instead.</param>
    /// <param name="timestamp">Whether the sealed PDF's signature carries a trusted timestamp; null (not recorded) while timestamping is off.</param>
    private static Dictionary<string, object> CompletedData(int signedFileId, string publicId, string originalSha, string sealedSha,
        IReadOnlyList<object> coveredTags, TrustedTimestamp? timestamp)
    {
        var data = new Dictionary<string, object>
        {
            ["signed_file_id"] = signedFileId, ["public_identifier"] = publicId, ["original_sha256"] = originalSha, ["sealed_sha256"] = sealedSha,
        };
        if (coveredTags.Count > 0) data["text_tags_covered"] = coveredTags;
        if (timestamp is { } t) data[TrustedTimestamps.DataKey] = t.WireName();
        return data;
    }

    /// <summary>
    /// What the audit trail is rendered from, read without the write lock: the request's events and the id its signed
    /// file will get unless another seal commits first (SQLite AUTOINCREMENT: one past the highest id ever given);
    /// null when the request is already complete. The transaction checks both, so a stale guess costs a re-render.
    /// </summary>
    private async Task<(List<AuditEvent> Events, int NextSignedFileId)?> TrailBasisAsync(int requestId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Requests.AsNoTracking().AnyAsync(x => x.Id == requestId && x.Status == RequestStatus.Complete, ct)) return null;
        var events = await db.AuditEvents.AsNoTracking().Where(e => e.RequestId == requestId).OrderBy(e => e.Seq).ToListAsync(ct);
        return (events, await DatabaseProvider.NextSignedFileIdAsync(db, ct));
    }

    /// <summary>
    /// Stamps the values, flattens, appends the certificate page and signs: the sealed PDF's bytes. PDFsharp runs on a
    /// thread with a large stack (<see cref="Documents.PdfStack"/>). While <c>ESign:Timestamping:Url</c> is set, the PDF
    /// also gets a document security store and, afterwards (on no PDFsharp thread), a trusted timestamp: the second
    /// value says whether it did (null: timestamping off).
    /// </summary>
    internal async Task<(byte[] Pdf, TrustedTimestamp? Timestamp)> SealPdfAsync(Stream original, IEnumerable<StampItem> items, AuditTrailInfo info,
        string title, string reason, IReadOnlyList<TextTag>? textTags, List<TextTag>? covered, string what, CancellationToken ct)
    {
        var ltv = await evidence.LongTermValidationAsync(ct);
        var pdf = await Documents.PdfStack.RunAsync(() =>
            PdfSealer.Seal(original, items,
                info with { VerifyUrl = Evidence.VerifyLink.For(options.Value.PublicBaseUrl, info.PublicIdentifier) }, title, reason, certificate.Certificate, options.Value.ProductName, textTags, covered, ltv));
        return ltv is null ? (pdf, null) : await TimestampAsync(pdf, what, ct);
    }

    /// <summary>A signed PDF with a trusted timestamp when the authority answers; else unchanged, said once in the log.</summary>
    private async Task<(byte[] Pdf, TrustedTimestamp? Timestamp)> TimestampAsync(byte[] pdf, string what, CancellationToken ct)
    {
        var (stamped, timestamp, problem) = await evidence.TimestampAsync(pdf, ct);
        if (timestamp != TrustedTimestamp.Rfc3161)
            log.LogWarning("Sealed {What} without a trusted timestamp: the time-stamp authority at {Authority} did not answer ({Problem})",
                what, timestampAuthority.Where, problem);
        return (stamped, timestamp);
    }

    /// <summary>
    /// Renders and signs the audit trail PDF, on a <see cref="Documents.PdfStack"/> thread like the seal. While
    /// timestamping is on it gets a security store, and a trusted timestamp when the sealed PDF got one
    /// (<paramref name="sealedTimestamp"/>): an authority that did not answer is not waited for twice.
    /// </summary>
    internal async Task<byte[]> RenderTrailAsync(AuditTrailInfo info, TrustedTimestamp? sealedTimestamp, string what, CancellationToken ct)
    {
        var ltv = await evidence.LongTermValidationAsync(ct); // null while timestamping is off
        var trail = await Documents.PdfStack.RunAsync(() => AuditTrailPdf.Render(info, certificate.Certificate, ltv));
        return ltv is not null && sealedTimestamp == TrustedTimestamp.Rfc3161 ? (await TimestampAsync(trail, what, ct)).Pdf : trail;
    }

    private static AuditTrailInfo Info(SignatureRequest r, Data.ApplicationUser owner, IReadOnlyList<AuditEvent> events,
        IReadOnlyDictionary<string, byte[]> images, string publicId, string? sealedSha, string product) =>
        new(r.Document!.Name, r.Id, publicId, owner.DisplayName, owner.Email ?? "", r.Document.Sha256, sealedSha,
            RequestWorkflow.Actors(r).Select(x =>
            {
                var signedEvent = events.LastOrDefault(e => e.Type is AuditEventType.Signed or AuditEventType.Approved && e.ActorEmail == x.Email);
                var sig = r.Fields.FirstOrDefault(f => f.RecipientId == x.Id && f.Type == FieldType.Signature && f.Value is { Length: 64 });
                // In person: the sender who opened the signer's page on their device (the in_person event's actor).
                var host = x.IsInPerson ? events.LastOrDefault(e => e.Type == AuditEventType.InPerson && InPersonRecipient(e) == x.Id)?.ActorEmail : null;
                return new AuditSigner(x.FullName, x.Email, WireNames.Of(x.Status), x.FinalizedAt, signedEvent?.Ip, signedEvent?.UserAgent,
                    sig is null ? null : images.GetValueOrDefault(sig.Value!), x.Role, host);
            }).ToList(),
            events, product);

    /// <summary>The <c>recipient_id</c> an <c>in_person</c> event names.</summary>
    private static int? InPersonRecipient(AuditEvent e)
    {
        try
        {
            using var d = System.Text.Json.JsonDocument.Parse(e.Data);
            return d.RootElement.TryGetProperty("recipient_id", out var v) && v.TryGetInt32(out var id) ? id : null;
        }
        catch (System.Text.Json.JsonException) { return null; }
    }

    private static StampItem ToStamp(Field f, IReadOnlyDictionary<string, byte[]> images) => f.Type switch
    {
        FieldType.Signature or FieldType.Initials => new StampItem(f.PageNumber, f.Rect, f.Type, Image: images.GetValueOrDefault(f.Value!)),
        _ => new StampItem(f.PageNumber, f.Rect, f.Type, f.Value),
    };

    internal static string SignedName(string name) =>
        Path.GetFileNameWithoutExtension(name) + " (signed).pdf";
}
