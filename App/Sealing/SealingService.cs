using System.Security.Cryptography;
using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Hosting;
using ESignWeb.Outbox;
using ESignWeb.Signing;
using ESignWeb.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PdfSharp.Pdf.IO;

namespace ESignWeb.Sealing;

/// <summary>
/// Test hook: makes the next N seals fail just before their commit (<c>ESign:Testing:FailSealsBeforeCommit</c>), to
/// prove that a seal interrupted at its worst moment is completed exactly once after a restart.
/// </summary>
public sealed class SealingFaults(IOptions<ESignOptions> options)
{
    private int _remaining = options.Value.Testing.FailSealsBeforeCommit;

    public void MaybeFail()
    {
        if (Interlocked.Decrement(ref _remaining) >= 0)
            throw new InvalidOperationException("Injected sealing failure (ESign:Testing:FailSealsBeforeCommit).");
    }
}

/// <summary>
/// The seal job (outbox kind <c>seal.request</c>): stamps every value, appends the certificate page, signs the PDF,
/// stores it and its audit trail, and completes the request, with the completion mails, in one commit. Idempotent:
/// a request already complete is left alone, and a unique index allows one signed file per request.
/// </summary>
public sealed class SealingService(
    IDbContextFactory<AppDbContext> dbFactory,
    IBlobStore blobs,
    SigningCertificate certificate,
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
        var id = await SealAsync(p.RequestId, ct);
        return id is null ? "already sealed" : $"signed file {id}";
    }

    /// <summary>Seals a request; returns the new signed file's id, or null when it was already sealed.</summary>
    public async Task<int?> SealAsync(int requestId, CancellationToken ct = default)
    {
        SignatureRequest r;
        Data.ApplicationUser owner;
        List<AuditEvent> events;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            r = await db.Requests.AsNoTracking().Include(x => x.Recipients).Include(x => x.Fields).Include(x => x.Document)
                    .AsSplitQuery().SingleOrDefaultAsync(x => x.Id == requestId, ct)
                ?? throw new PermanentOutboxFailure($"Request {requestId} no longer exists.");
            if (r.Status == RequestStatus.Complete) return null;
            if (r.Status != RequestStatus.Incomplete || r.Recipients.Any(x => x.Status != RecipientStatus.Finalized))
                throw new PermanentOutboxFailure($"Request {requestId} is {WireNames.Of(r.Status)}, not ready to seal.");
            owner = await db.Users.AsNoTracking().SingleAsync(u => u.Id == r.OwnerId, ct);
            events = await db.AuditEvents.AsNoTracking().Where(e => e.RequestId == requestId).OrderBy(e => e.Seq).ToListAsync(ct);
        }

        var product = options.Value.ProductName;
        var publicId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var images = new Dictionary<string, byte[]>();
        foreach (var key in r.Fields.Where(f => f.Type is FieldType.Signature or FieldType.Initials && f.Value is { Length: 64 }).Select(f => f.Value!).Distinct())
            images[key] = await blobs.ReadAllBytesAsync(key, ct);
        var info = Info(r, owner, events, images, publicId, sealedSha: null, product);

        byte[] sealedPdf;
        await using (var original = blobs.OpenRead(r.Document!.BlobKey))
            sealedPdf = await SealPdfAsync(original, r.Fields.Where(f => f.Value is not null).Select(f => ToStamp(f, images)), info, r.Name,
                $"Signed by {string.Join(", ", r.Recipients.Select(x => x.FullName))}");
        var sealedKey = await blobs.PutAsync(new MemoryStream(sealedPdf), ct); // content-addressed: the key is its SHA-256
        faults.MaybeFail();

        var signedFileId = await dbFactory.WriteAsync(async db =>
        {
            var request = await db.Requests.Include(x => x.Recipients).SingleAsync(x => x.Id == requestId, ct);
            if (request.Status == RequestStatus.Complete) return (int?)null; // sealed meanwhile
            var now = clock.GetUtcNow();
            var signed = new SignedFile
            {
                OwnerId = request.OwnerId, RequestId = request.Id, DocumentId = request.DocumentId,
                Name = SignedName(r.Document.Name), BlobKey = sealedKey, Checksum = sealedKey,
                OriginalChecksum = r.Document.Sha256, PublicIdentifier = publicId, AuditTrailBlobKey = "",
                CreatedAt = now, ModifiedAt = now,
            };
            db.SignedFiles.Add(signed);
            await db.SaveChangesAsync(ct);
            RequestWorkflow.Complete(request, signed.Id, now);
            var completed = await AuditLog.AppendAsync(db, request.Id, "completed", new Actor(null), now,
                new { signed_file_id = signed.Id, public_identifier = publicId, original_sha256 = r.Document.Sha256, sealed_sha256 = sealedKey }, ct);
            var trail = AuditTrailPdf.Render(Info(r, owner, [.. await db.AuditEvents.AsNoTracking().Where(e => e.RequestId == requestId).OrderBy(e => e.Seq).ToListAsync(ct), completed],
                images, publicId, sealedKey, product));
            signed.AuditTrailBlobKey = await blobs.PutAsync(new MemoryStream(trail), ct);
            await Webhooks.WebhookEvents.RaiseCompletedAsync(db, request, signed.Id, now, ct);

            OutboxWriter.Enqueue(db, OutboxKinds.CompletedNotice, new CompletedNotice(request.Id, owner.Email ?? "", null), $"Signed copy → {owner.Email}", request.OwnerId, now);
            if (!request.EmbeddedSigning)
                foreach (var who in request.Recipients)
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

    /// <summary>
    /// Stamps the values, flattens, appends the certificate page and signs: the sealed PDF's bytes. PDFsharp runs on a
    /// thread with a large stack (<see cref="Documents.PdfStack"/>).
    /// </summary>
    internal Task<byte[]> SealPdfAsync(Stream original, IEnumerable<StampItem> items, AuditTrailInfo info, string title, string reason) =>
        Documents.PdfStack.RunAsync(() => PdfSealer.Seal(original, items, info, title, reason, certificate.Certificate, options.Value.ProductName));

    private static AuditTrailInfo Info(SignatureRequest r, Data.ApplicationUser owner, IReadOnlyList<AuditEvent> events,
        IReadOnlyDictionary<string, byte[]> images, string publicId, string? sealedSha, string product) =>
        new(r.Document!.Name, r.Id, publicId, owner.DisplayName, owner.Email ?? "", r.Document.Sha256, sealedSha,
            RequestWorkflow.InOrder(r).Select(x =>
            {
                var signedEvent = events.LastOrDefault(e => e.Type == "signed" && e.ActorEmail == x.Email);
                var sig = r.Fields.FirstOrDefault(f => f.RecipientId == x.Id && f.Type == FieldType.Signature && f.Value is { Length: 64 });
                return new AuditSigner(x.FullName, x.Email, WireNames.Of(x.Status), x.FinalizedAt, signedEvent?.Ip, signedEvent?.UserAgent,
                    sig is null ? null : images.GetValueOrDefault(sig.Value!));
            }).ToList(),
            events, product);

    private static StampItem ToStamp(Field f, IReadOnlyDictionary<string, byte[]> images) => f.Type switch
    {
        FieldType.Signature or FieldType.Initials => new StampItem(f.PageNumber, f.Rect, f.Type, Image: images.GetValueOrDefault(f.Value!)),
        _ => new StampItem(f.PageNumber, f.Rect, f.Type, f.Value),
    };

    internal static string SignedName(string name) =>
        Path.GetFileNameWithoutExtension(name) + " (signed).pdf";
}
