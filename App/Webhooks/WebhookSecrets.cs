using ESignWeb.Data;
using ESignWeb.Domain;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Webhooks;

/// <summary>
/// Each user's webhook signing secret (<c>whsec_</c> + 256 random bits). Stored encrypted with Data Protection (keys in
/// the data folder), so a copy of the database alone does not reveal it; shown to its owner in Settings; rotatable.
/// </summary>
public sealed class WebhookSecrets(IDbContextFactory<AppDbContext> dbFactory, IDataProtectionProvider protection)
{
    public const string Prefix = "whsec_";
    private readonly IDataProtector _protector = protection.CreateProtector("ESignWeb.Webhooks.Secret.v1");

    /// <summary>The user's secret, made on first use.</summary>
    public async Task<string> GetAsync(string userId, CancellationToken ct = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var stored = await db.Users.Where(u => u.Id == userId).Select(u => u.WebhookSecretProtected).SingleOrDefaultAsync(ct);
            if (stored is not null) return _protector.Unprotect(stored);
        }
        return await SetAsync(userId, onlyIfAbsent: true, ct);
    }

    /// <summary>Replaces the secret; deliveries from now on (retries included) are signed with the new one.</summary>
    public Task<string> RotateAsync(string userId, CancellationToken ct = default) => SetAsync(userId, onlyIfAbsent: false, ct);

    private async Task<string> SetAsync(string userId, bool onlyIfAbsent, CancellationToken ct) =>
        await dbFactory.WriteAsync(async db =>
        {
            var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, ct) ?? throw AppException.NotFound("The user");
            if (onlyIfAbsent && user.WebhookSecretProtected is not null) return _protector.Unprotect(user.WebhookSecretProtected);
            var secret = Requests.RecipientTokens.NewSecret(Prefix);
            user.WebhookSecretProtected = _protector.Protect(secret);
            return secret;
        }, ct);
}
