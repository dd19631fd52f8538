using System.Security.Cryptography;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Requests;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Embedding;

/// <summary>What an embedded page needs to know about its link.</summary>
/// <param name="Valid">False for a link that exists but has expired (its page says so and tells the host page).</param>
public sealed record EmbedContext(bool Valid, EmbeddedLinkPurpose Purpose, string UserId, int? RequestId, string? RedirectUrl, IReadOnlyList<string> Origins);

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
        token is { Length: 47 } && token.StartsWith(Prefix, StringComparison.Ordinal) &&
        token.AsSpan(Prefix.Length).ToArray().All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>
    /// Seed: <c>POST /v1/files/pending/{id}/signing/url/</c>. Only for a request of the owner's that is out for signature
    /// and was created with <c>embedded_signing</c> (else <c>unauthorized_resource</c>), and only for one of its signers
    /// (else <c>bad_request</c>). Returns the path to open (relative to the app's base address).
    /// </summary>
    public async Task<string> CreateSigningLinkAsync(string ownerId, int requestId, string? recipientEmail, string? redirectUrl,
        CancellationToken ct = default)
    {
        var redirect = CheckRedirect(redirectUrl);
        var token = Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await dbFactory.WriteAsync(async db =>
        {
            var r = await db.Requests.Include(x => x.Recipients).AsNoTracking()
                        .SingleOrDefaultAsync(x => x.Id == requestId && x.OwnerId == ownerId, ct);
            if (r is null || !r.EmbeddedSigning || r.Status != RequestStatus.Incomplete) throw AppException.NotFound("The pending file");
            if (string.IsNullOrWhiteSpace(recipientEmail)) throw AppException.BadRequest("recipient_email is required.");
            var who = r.Recipients.SingleOrDefault(x => string.Equals(x.Email, recipientEmail.Trim(), StringComparison.OrdinalIgnoreCase))
                      ?? throw AppException.BadRequest($"{recipientEmail.Trim()} is not a signer of this request.");
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
            var origins = await db.Users.Where(u => u.Id == link.UserId).Select(u => u.EmbedOrigins).SingleAsync(ct);
            return new EmbedContext(valid, link.Purpose, link.UserId, link.RequestId, link.RedirectUrl, FramingPolicy.Parse(origins));
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

    /// <summary>The redirect after signing: the caller's URL with <c>pending_file_id</c> added.</summary>
    public static string RedirectWith(string url, int requestId) =>
        QueryHelpers.AddQueryString(url, "pending_file_id", requestId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static string? CheckRedirect(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) return null;
        url = url.Trim();
        if (url.Length > 2048 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw AppException.BadRequest("redirect_url must be an absolute http or https URL.");
        return url;
    }
}
