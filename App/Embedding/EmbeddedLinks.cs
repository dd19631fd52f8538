using System.Text.Json;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Requests;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Embedding;

/// <summary>What an embedded page needs to know about its link.</summary>
/// <param name="Valid">False for a link that exists but has expired (its page says so and tells the host page).</param>
/// <param name="Used">Its purpose was fulfilled (the request sent, the document signed).</param>
public sealed record EmbedContext(bool Valid, EmbeddedLinkPurpose Purpose, string UserId, int? RequestId, int? DocumentId,
    string? RedirectUrl, IReadOnlyList<string> Origins, bool Used, EmbedPrefill? Prefill, string OwnerEmail, string OwnerName);

/// <summary>What embedded sending fills in on the prepare page (seed: message, recipients, cc; Box request options).</summary>
public sealed record EmbedPrefill(string? Message, IReadOnlyList<PrefillRecipient> Recipients, IReadOnlyList<string> Cc,
    RequestOptions? Options = null)
{
    /// <summary>Fills a new draft with the prefill (what the page would refuse is left out, as if never typed).</summary>
    public void ApplyTo(RequestDraft draft)
    {
        DraftEditor.SetMessage(draft, Message);
        if (Options is not null) draft.Options = Options.Copy();
        foreach (var r in Recipients)
            if (DraftEditor.AddSigner(draft, r.Email, r.FirstName, r.LastName, r.Language) is null && r.Options is not null)
                draft.Signers[^1].Options = r.Options.Copy();
        DraftEditor.SetCc(draft, Cc);
    }
}

/// <param name="Language">The signer's language (en, de, fr, es) when the API call gave one; null: the page's default.</param>
/// <param name="Options">Box signer options; never a password (a prefill is stored as it is).</param>
public sealed record PrefillRecipient(string Email, string FirstName, string LastName, string? Language = null, SignerOptions? Options = null);

/// <summary>
/// Short-lived, single-purpose URLs for iframes. A link is <c>emb_</c> + 256 random bits (only its SHA-256 is stored),
/// must be opened within <see cref="Lifetime"/> of being issued, and then works for <see cref="SessionWindow"/> from
/// that first opening (long enough to read and sign). It opens one thing only: one signer's part of one request.
/// </summary>
public sealed class EmbeddedLinks(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public const string Prefix = "emb_";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(60);
    public static readonly TimeSpan SessionWindow = TimeSpan.FromHours(4);

    public static bool LooksValid(string? token) =>
        token is not null && token.StartsWith(Prefix, StringComparison.Ordinal) && RecipientTokens.LooksValid(token[Prefix.Length..]);

    /// <summary>
    /// Seed: <c>POST /v1/files/pending/{id}/signing/url/</c>. Only for a request of the owner's that is out for signature
    /// and was created with <c>embedded_signing</c> (else <c>unauthorized_resource</c>), and only for one of its signers
    /// (else <c>bad_request</c>). Returns the path to open (relative to the app's base address).
    /// </summary>
    public async Task<string> CreateSigningLinkAsync(string ownerId, int requestId, string? recipientEmail, string? redirectUrl,
        CancellationToken ct = default)
    {
        var redirect = CheckRedirect(redirectUrl);
        var token = RecipientTokens.NewSecret(Prefix);
        await dbFactory.WriteAsync(async db =>
        {
            var r = await db.Requests.Include(x => x.Recipients).AsNoTracking()
                        .SingleOrDefaultAsync(x => x.Id == requestId && x.OwnerId == ownerId, ct);
            if (r is null || !r.EmbeddedSigning || r.Status != RequestStatus.Incomplete) throw AppException.NotFound("The pending file");
            if (string.IsNullOrWhiteSpace(recipientEmail)) throw AppException.BadRequest("recipient_email is required.");
            var who = r.Recipients.SingleOrDefault(x => string.Equals(x.Email, recipientEmail.Trim(), StringComparison.OrdinalIgnoreCase))
                      ?? throw AppException.BadRequest($"{recipientEmail.Trim()} is not a signer of this request.");
            if (!RequestWorkflow.HasSigningLink(who))
                throw AppException.BadRequest(who.IsInPerson
                    ? $"{who.Email} signs in person: the sender opens their page from the request page (Sign in person)."
                    : $"{who.Email} is a final_copy_reader: there is nothing for them to sign.");
            var now = clock.GetUtcNow();
            db.EmbeddedLinks.Add(new EmbeddedLink
            {
                TokenHash = RecipientTokens.Hash(token), Purpose = EmbeddedLinkPurpose.Sign, UserId = ownerId, RequestId = r.Id,
                RecipientId = who.Id, RedirectUrl = redirect, CreatedAt = now, ExpiresAt = now + Lifetime,
            });
        }, ct);
        return "embed/sign/" + token;
    }

    /// <summary>
    /// "Sign in person": a link that opens an in-person signer's page (<c>is_in_person</c>) on the sender's device, made
    /// only for the request's owner while it is that signer's turn. The signing page opens it only for the owner's
    /// session (<c>SigningService.OpenAsync</c>). Audited as <c>in_person</c> with the sender (the host), IP and agent, in
    /// the same transaction. Returns the path to open.
    /// </summary>
    public async Task<string> CreateInPersonLinkAsync(string ownerId, int requestId, int recipientId, Audit.Actor sender,
        CancellationToken ct = default)
    {
        var token = RecipientTokens.NewSecret(Prefix);
        await dbFactory.WriteAsync(async db =>
        {
            var r = await db.Requests.Include(x => x.Recipients).SingleOrDefaultAsync(x => x.Id == requestId && x.OwnerId == ownerId, ct)
                    ?? throw AppException.NotFound("The request");
            var who = r.Recipients.SingleOrDefault(x => x.Id == recipientId && x.IsInPerson) ?? throw AppException.NotFound("The in-person signer");
            if (!RequestWorkflow.MaySign(r, who))
                throw AppException.BadRequest($"It is not {who.FullName}'s turn to sign (the request is {StatusWords.Of(r.Status).ToLowerInvariant()}).");
            var now = clock.GetUtcNow();
            db.EmbeddedLinks.Add(new EmbeddedLink
            {
                TokenHash = RecipientTokens.Hash(token), Purpose = EmbeddedLinkPurpose.InPerson, UserId = ownerId, RequestId = r.Id,
                RecipientId = who.Id, CreatedAt = now, ExpiresAt = now + Lifetime,
            });
            await Audit.AuditLog.AppendAsync(db, r.Id, Audit.AuditEventType.InPerson, sender, now,
                new { recipient_id = who.Id, name = who.FullName, email = who.Email, host = sender.Email }, ct);
        }, ct);
        return "sign/" + token;
    }

    /// <summary>
    /// The link's context (null for an unknown token; <see cref="EmbedContext.Valid"/> false once expired). The first
    /// opening starts its session window. The origins are the owner's allow-list (who may frame it and hear from it).
    /// </summary>
    public async Task<EmbedContext?> OpenAsync(string? token, CancellationToken ct = default)
    {
        if (!LooksValid(token)) return null;
        var hash = RecipientTokens.Hash(token!);
        var now = clock.GetUtcNow();
        return await dbFactory.WriteAsync(async db =>
        {
            var link = await db.EmbeddedLinks.SingleOrDefaultAsync(l => l.TokenHash == hash, ct);
            if (link is null) return null;
            var valid = link.ExpiresAt > now;
            if (valid && link.OpenedAt is null)
            {
                link.OpenedAt = now;
                link.ExpiresAt = now + SessionWindow;
            }
            var owner = await db.Users.AsNoTracking().SingleAsync(u => u.Id == link.UserId, ct);
            return new EmbedContext(valid, link.Purpose, link.UserId, link.RequestId, link.DocumentId, link.RedirectUrl,
                FramingPolicy.Parse(owner.EmbedOrigins), link.UsedAt is not null,
                link.Prefill is null ? null : JsonSerializer.Deserialize<EmbedPrefill>(link.Prefill, Json), owner.Email ?? "", owner.DisplayName);
        }, ct);
    }

    /// <summary>The owner's allowed origins for a known link, expired or not (for the Content-Security-Policy of its page, so
    /// an expired link can still say so inside the frame); empty for an unknown token.</summary>
    public async Task<IReadOnlyList<string>> OriginsForAsync(string? token, CancellationToken ct = default)
    {
        if (!LooksValid(token)) return [];
        var hash = RecipientTokens.Hash(token!);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var origins = await db.EmbeddedLinks.Where(l => l.TokenHash == hash)
            .Join(db.Users, l => l.UserId, u => u.Id, (l, u) => u.EmbedOrigins).SingleOrDefaultAsync(ct);
        return FramingPolicy.Parse(origins);
    }

    /// <summary>
    /// Seed: <c>POST /v2/signing/url/</c>. A link that opens the prepare page (<c>rs</c>, with the recipients, cc and
    /// message filled in) or the self-signing page (<c>self_sign</c>) for one of the owner's original files, as the owner,
    /// for that alone. Returns the path to open.
    /// </summary>
    public async Task<string> CreateSendingLinkAsync(string ownerId, int documentId, string? type, EmbedPrefill prefill, string? redirectUrl,
        CancellationToken ct = default)
    {
        var purpose = (type ?? "rs").Trim().ToLowerInvariant() switch
        {
            "" or "rs" => EmbeddedLinkPurpose.Send,
            "self_sign" => EmbeddedLinkPurpose.SelfSign,
            _ => throw AppException.BadRequest($"type must be \"rs\" or \"self_sign\" (not \"{type}\")."),
        };
        var redirect = CheckRedirect(redirectUrl);
        foreach (var (r, i) in prefill.Recipients.Select((r, i) => (r, i)))
            if (!EmailAddress.IsValid(r.Email)) throw AppException.BadRequest($"recipients[{i}]: \"{r.Email}\" is not a valid e-mail address.");
        foreach (var (c, i) in prefill.Cc.Select((c, i) => (c, i)))
            if (!EmailAddress.IsValid(c)) throw AppException.BadRequest($"cc[{i}]: \"{c}\" is not a valid e-mail address.");
        // The prepare page's own limits (DraftEditor), so a prefill never holds what the page would refuse.
        if (prefill.Recipients.Count > DraftEditor.MaxSigners) throw AppException.BadRequest($"At most {DraftEditor.MaxSigners} recipients.");
        if (prefill.Cc.Count > DraftEditor.MaxCc) throw AppException.BadRequest($"cc: at most {DraftEditor.MaxCc} CC addresses.");
        if (prefill.Message is { Length: > DraftEditor.MaxMessageLength })
            throw AppException.BadRequest($"message: the message is too long (at most {DraftEditor.MaxMessageLength} characters).");
        foreach (var (r, i) in prefill.Recipients.Select((r, i) => (r, i)))
            if (r.FirstName.Length > DraftEditor.MaxPersonNameLength || r.LastName.Length > DraftEditor.MaxPersonNameLength)
                throw AppException.BadRequest($"recipients[{i}]: names can be at most {DraftEditor.MaxPersonNameLength} characters.");
        var token = RecipientTokens.NewSecret(Prefix);
        await dbFactory.WriteAsync(async db =>
        {
            if (!await db.Documents.AnyAsync(d => d.Id == documentId && d.OwnerId == ownerId && d.DeletedAt == null, ct))
                throw AppException.NotFound("The original file");
            var now = clock.GetUtcNow();
            db.EmbeddedLinks.Add(new EmbeddedLink
            {
                TokenHash = RecipientTokens.Hash(token), Purpose = purpose, UserId = ownerId, DocumentId = documentId,
                RedirectUrl = redirect, Prefill = purpose == EmbeddedLinkPurpose.Send ? JsonSerializer.Serialize(prefill, Json) : null,
                CreatedAt = now, ExpiresAt = now + Lifetime,
            });
        }, ct);
        return "embed/send/" + token;
    }

    /// <summary>Remembers the draft an embedded-sending link works on (the first one wins if two tabs raced); returns it.</summary>
    public async Task<int> AttachDraftAsync(string token, int requestId, CancellationToken ct = default)
    {
        var hash = RecipientTokens.Hash(token);
        return await dbFactory.WriteAsync(async db =>
        {
            var link = await db.EmbeddedLinks.SingleAsync(l => l.TokenHash == hash, ct);
            link.RequestId ??= requestId;
            return link.RequestId.Value;
        }, ct);
    }

    /// <summary>
    /// Takes a live, unused link for its one send or sign, atomically (two tabs, two clicks: one wins). Called just
    /// before the work; <see cref="ReleaseAsync"/> gives it back if the work is refused. Once taken, the link opens
    /// nothing more to change (its page says it is done).
    /// </summary>
    public async Task<bool> ClaimAsync(string token, CancellationToken ct = default)
    {
        var hash = RecipientTokens.Hash(token);
        var now = clock.GetUtcNow();
        return await dbFactory.WriteAsync(async db =>
            await db.EmbeddedLinks.Where(l => l.TokenHash == hash && l.UsedAt == null && l.ExpiresAt > now && l.Purpose != EmbeddedLinkPurpose.Sign)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.UsedAt, now), ct) == 1, ct);
    }

    public async Task ReleaseAsync(string token, CancellationToken ct = default)
    {
        var hash = RecipientTokens.Hash(token);
        await dbFactory.WriteAsync(async db =>
            await db.EmbeddedLinks.Where(l => l.TokenHash == hash).ExecuteUpdateAsync(s => s.SetProperty(l => l.UsedAt, (DateTimeOffset?)null), ct), ct);
    }

    /// <summary>The owner of a live, unused embedded-sending link (its page may show the owner's templates).</summary>
    public async Task<string?> SendingOwnerAsync(string? token, CancellationToken ct = default) =>
        await DocumentOfAsync(token, ct, EmbeddedLinkPurpose.Send) is { } d ? d.OwnerId : null;

    /// <summary>The original file of a live, unused embedded-sending link (for its page's PDF viewer).</summary>
    public async Task<(int DocumentId, string OwnerId)?> DocumentOfAsync(string? token, CancellationToken ct = default,
        EmbeddedLinkPurpose? purpose = null)
    {
        if (!LooksValid(token)) return null;
        var hash = RecipientTokens.Hash(token!);
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var link = await db.EmbeddedLinks.AsNoTracking()
            .SingleOrDefaultAsync(l => l.TokenHash == hash && l.ExpiresAt > now && l.UsedAt == null && l.DocumentId != null
                                       && (purpose == null || l.Purpose == purpose), ct);
        return link is null ? null : (link.DocumentId!.Value, link.UserId);
    }

    /// <summary>The redirect after signing: the caller's URL with <c>pending_file_id</c> added.</summary>
    public static string RedirectWith(string url, int requestId) => RedirectWith(url, "pending_file_id", requestId);

    public static string RedirectWith(string url, string name, int id) =>
        QueryHelpers.AddQueryString(url, name, id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);


    private static string? CheckRedirect(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) return null;
        url = url.Trim();
        if (url.Length > 2048 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw AppException.BadRequest("redirect_url must be an absolute http or https URL.");
        return url;
    }
}

/// <summary>A page acting for an embedded link's owner (no sign-in cookie inside an iframe): who, and where its PDF is.</summary>
/// <param name="ClaimAsync">Takes the link for the one send/sign it allows, just before doing it (false: used or expired).</param>
/// <param name="ReleaseAsync">Gives the link back when that send/sign was refused.</param>
public sealed record EmbeddedAs(string OwnerId, string OwnerEmail, string OwnerName, string DocumentSource,
    Func<Task<bool>> ClaimAsync, Func<Task> ReleaseAsync);
