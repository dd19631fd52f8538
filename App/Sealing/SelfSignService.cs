using System.Security.Cryptography;
using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Hosting;
using ESignWeb.Requests;
using ESignWeb.Signing;
using ESignWeb.Storage;
using ESignWeb.Timestamping;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ESignWeb.Sealing;

/// <summary>A value the sender places and fills on their own document.</summary>
/// <param name="DateFormat">For a date: the browser's locale format (<see cref="DateFormats.ForLocale"/>), as the signer's page sends it.</param>
public sealed record SelfField(FieldType Type, int PageNumber, PdfRect Rect, string? Text = null, byte[]? Image = null, string? DateFormat = null);

/// <summary>
/// Self-signing: the sender signs a document alone and gets a sealed, digitally signed file with no request behind
/// it. Its audit trail (opened, consented, signed, completed — hash-chained like a request's) is built and printed at
/// sealing; the PDF is the durable record (no request rows exist to attach events to).
/// </summary>
public sealed class SelfSignService(
    IDbContextFactory<AppDbContext> dbFactory,
    IBlobStore blobs,
    SealingService sealing,
    Outbox.OutboxSignal outboxSignal,
    IOptions<ESignOptions> options,
    TimeProvider clock)
{
    public async Task<SignedFile> SignAsync(string ownerId, int documentId, IReadOnlyList<SelfField> fields, Actor actor,
        DateTimeOffset openedAt, CancellationToken ct = default)
    {
        Document doc;
        ApplicationUser owner;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            doc = await db.Documents.AsNoTracking().SingleOrDefaultAsync(d => d.Id == documentId && d.OwnerId == ownerId && d.DeletedAt == null, ct)
                  ?? throw AppException.NotFound("The document");
            owner = await db.Users.AsNoTracking().SingleAsync(u => u.Id == ownerId, ct);
        }
        var (items, dates) = Validate(doc, fields);
        SignatureImage.CheckTotal(items.Where(i => i.Image is not null).DistinctBy(i => SignatureImage.KeyOf(i.Image!)).Sum(i => (long)i.Image!.Length),
            options.Value.MaxSignatureBytesPerSigner);
        var now = clock.GetUtcNow();
        var publicId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var who = actor with { Email = owner.Email };
        // No request rows exist to hold them: the chain is built here, in the same form AuditLog stores.
        var events = new List<AuditEvent>();
        void Add(AuditEventType type, Actor by, DateTimeOffset at, object data) => events.Add(AuditLog.Next(events.LastOrDefault(), 0, type, by, at, data));
        Add(AuditEventType.Created, who, openedAt, new { document = doc.Name, document_sha256 = doc.Sha256, self_sign = true });
        Add(AuditEventType.Consented, who, openedAt, new { consent_version = Consent.Version, consent_text = Consent.Text });
        Add(AuditEventType.Signed, who, now, dates.Count == 0 ? new { fields = items.Count } : (object)new { fields = items.Count, dates });
        var signature = items.FirstOrDefault(i => i.Type == FieldType.Signature)?.Image;
        AuditTrailInfo Info(IReadOnlyList<AuditEvent> e, string? sealedSha) => new(doc.Name, 0, publicId, owner.DisplayName, owner.Email ?? "",
            doc.Sha256, sealedSha, [new AuditSigner(owner.DisplayName, owner.Email ?? "", "finalized", now, actor.Ip, actor.UserAgent, signature)],
            e, options.Value.ProductName);

        byte[] sealedPdf;
        TrustedTimestamp? timestamp;
        var covered = new List<TextTag>();
        await using (var original = blobs.OpenRead(doc.BlobKey))
            (sealedPdf, timestamp) = await sealing.SealPdfAsync(original, items, Info(events, null), Path.GetFileNameWithoutExtension(doc.Name), $"Signed by {owner.DisplayName}",
                doc.TextTags, covered, $"self-signed document {doc.Id}", ct); // the document's text tags are erased, as in a request's seal
        var sealedKey = await blobs.PutAsync(new MemoryStream(sealedPdf), ct);
        Add(AuditEventType.Completed, new Actor(null), now, covered.Count == 0
            ? new { original_sha256 = doc.Sha256, sealed_sha256 = sealedKey, public_identifier = publicId }
            : new { original_sha256 = doc.Sha256, sealed_sha256 = sealedKey, public_identifier = publicId,
                text_tags_covered = covered.Select(t => new { page = t.Page, tag = t.Text }).ToList() });
        var trailKey = await blobs.PutAsync(new MemoryStream(await sealing.RenderTrailAsync(Info(events, sealedKey), timestamp, $"the audit trail of self-signed document {doc.Id}", ct)), ct);

        var signed = await dbFactory.WriteAsync(async write =>
        {
            var signed = new SignedFile
            {
                OwnerId = ownerId, RequestId = null, DocumentId = doc.Id, Name = SealingService.SignedName(doc.Name), BlobKey = sealedKey,
                Checksum = sealedKey, OriginalChecksum = doc.Sha256, PublicIdentifier = publicId, AuditTrailBlobKey = trailKey,
                CreatedAt = now, ModifiedAt = now,
            };
            write.SignedFiles.Add(signed);
            await write.SaveChangesAsync(ct); // its id goes into the event
            await Webhooks.WebhookEvents.RaiseDocumentSignedAsync(write, signed, who, now, ct);
            return signed;
        }, ct);
        outboxSignal.Notify();
        return signed;
    }

    /// <summary>
    /// The fields the self-sign page starts with: one per text tag of signer 1 (the sender is the only signer, as in a
    /// request with one signer, <see cref="Requests.TextTags"/>), at the tag's box. Every tag's text is erased at seal.
    /// </summary>
    public static List<SelfField> TagFields(Document doc) =>
        doc.TextTags.Where(t => t.Signer == 1 && t.Page >= 1 && t.Page <= doc.Pages.Count)
            .Take(SigningService.MaxFreeFields)
            .Select(t => new SelfField(t.Type, t.Page, doc.Pages[t.Page - 1].Clamp(t.Field)))
            .ToList();

    /// <summary>
    /// Why a self-signed date cannot be sealed, or null: the same rule as a signer's date field that names no format
    /// (<see cref="SigningService.EffectiveDateFormat"/>: the browser's locale format when well formed, else the default).
    /// </summary>
    public static string? DateError(string? text, string? localeFormat)
    {
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value)) return null;
        var format = SigningService.EffectiveDateFormat(null, localeFormat);
        return DateFormats.TryParse(value, format, out _) ? null : $"Enter the date as {format}.";
    }

    private static (List<StampItem> Items, List<Dictionary<string, object?>> Dates) Validate(Document doc, IReadOnlyList<SelfField> fields)
    {
        var dates = new List<Dictionary<string, object?>>();
        if (fields.Count == 0 || !fields.Any(f => f.Type == FieldType.Signature && f.Image is { Length: > 0 }))
            throw AppException.BadRequest("Place and sign at least one signature.");
        if (fields.Count > SigningService.MaxFreeFields) throw AppException.BadRequest($"At most {SigningService.MaxFreeFields} fields.");
        var items = new List<StampItem>();
        foreach (var f in fields)
        {
            if (f.PageNumber < 1 || f.PageNumber > doc.PageCount) throw AppException.BadRequest($"Page {f.PageNumber} does not exist.");
            var rect = DraftEditor.Fit(doc.Pages[f.PageNumber - 1], f.Rect);
            if (f.Type is FieldType.Signature or FieldType.Initials)
            {
                if (f.Image is null) continue; // an empty signature box is left out
                SignatureImage.Validate(f.Image);
                items.Add(new StampItem(f.PageNumber, rect, f.Type, Image: f.Image));
            }
            else
            {
                var text = f.Text?.Trim();
                if (string.IsNullOrEmpty(text)) continue;
                if (text.Length > SigningService.MaxTextLength) throw AppException.BadRequest($"A text is too long (at most {SigningService.MaxTextLength} characters).");
                if (text.Any(char.IsControl)) throw AppException.BadRequest("A text may not contain control characters.");
                if (f.Type == FieldType.Date)
                {
                    if (DateError(text, f.DateFormat) is { } why) throw AppException.BadRequest(why);
                    dates.Add(SignedDates.Entry(f.PageNumber, text, SigningService.EffectiveDateFormat(null, f.DateFormat)));
                }
                items.Add(new StampItem(f.PageNumber, rect, f.Type, text));
            }
        }
        return (items, dates);
    }
}
