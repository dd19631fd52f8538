using System.Text;
using ESignWeb.Data;
using ESignWeb.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Api;

/// <summary>A key as listed (never the key itself).</summary>
public sealed record ApiKeyInfo(int Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

/// <summary>
/// Creates, lists, revokes and checks API keys. A key is 256 random bits, shown once, stored as SHA-256. Every
/// request's key is checked against the database (one query for the key and its owner's address; nothing remembered
/// in the process), so a revoked key or a changed e-mail address takes effect at once on every instance (issue 15).
/// </summary>
public sealed class ApiKeyService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public const string KeyPrefix = "esk_";
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>Makes a key for the user and returns it (the only time it is ever visible).</summary>
    public async Task<(string Key, ApiKeyInfo Info)> CreateAsync(string ownerId, string name, CancellationToken ct = default)
    {
        name = (name ?? "").Trim();
        if (name.Length == 0) throw AppException.BadRequest("Give the key a name (what will use it?).");
        if (name.Length > 100) throw AppException.BadRequest("The name is too long (at most 100 characters).");
        var key = Requests.RecipientTokens.NewSecret(KeyPrefix);
        return await dbFactory.WriteAsync(async db =>
        {
            var user = await db.Users.SingleOrDefaultAsync(u => u.Id == ownerId, ct) ?? throw AppException.NotFound("The user");
            // The seed's user id is an integer: give the user one the first time they use the API.
            user.ApiNumber ??= (await db.Users.MaxAsync(u => u.ApiNumber, ct) ?? 0) + 1;
            var entity = new ApiKey { OwnerId = ownerId, Name = name, Prefix = key[..12], KeyHash = Hash(key), CreatedAt = clock.GetUtcNow() };
            db.ApiKeys.Add(entity);
            await db.SaveChangesAsync(ct);
            return (key, Info(entity));
        }, ct);
    }

    public async Task<List<ApiKeyInfo>> ListAsync(string ownerId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await db.ApiKeys.AsNoTracking().Where(k => k.OwnerId == ownerId).OrderByDescending(k => k.Id).ToListAsync(ct)).Select(Info).ToList();
    }

    public async Task RevokeAsync(string ownerId, int keyId, CancellationToken ct = default) =>
        await dbFactory.WriteAsync(async db =>
        {
            var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == keyId && k.OwnerId == ownerId, ct) ?? throw AppException.NotFound("The key");
            key.RevokedAt ??= clock.GetUtcNow();
        }, ct);

    /// <summary>Revokes every live key of the user (after a password reset: they may belong to whoever knew the old one).</summary>
    /// <returns>How many keys were revoked.</returns>
    public Task<int> RevokeAllAsync(string ownerId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        return dbFactory.WriteAsync(db => db.ApiKeys.Where(k => k.OwnerId == ownerId && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), ct), ct);
    }

    /// <summary>The owner and key id of a presented key, or null when it is unknown or revoked.</summary>
    public async Task<(string OwnerId, int KeyId, string? Email)?> AuthenticateAsync(string presented, CancellationToken ct = default)
    {
        if (!presented.StartsWith(KeyPrefix, StringComparison.Ordinal) || presented.Length > 100) return null;
        var hash = Hash(presented);
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.AsNoTracking().Where(k => k.KeyHash == hash && k.RevokedAt == null)
            .Select(k => new { k.Id, k.OwnerId, k.LastUsedAt, Email = db.Users.Where(u => u.Id == k.OwnerId).Select(u => u.Email).FirstOrDefault() })
            .SingleOrDefaultAsync(ct);
        if (key is null) return null;
        if (IsLastUseDue(key.LastUsedAt, now)) // at most one write a minute per key
            await db.ApiKeys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), ct);
        return (key.OwnerId, key.Id, key.Email);
    }

    private static bool IsLastUseDue(DateTimeOffset? lastUsed, DateTimeOffset now) => lastUsed is null || now - lastUsed > LastUsedResolution;

    /// <summary>For automation: <c>ESignWeb apikey create --email user@example.com [--name …]</c>, creating the user if absent.</summary>
    public async Task<string> CreateForEmailAsync(UserManager<ApplicationUser> users, string email, string name, CancellationToken ct = default)
    {
        if (!EmailAddress.IsValid(email)) throw AppException.BadRequest($"\"{email}\" is not a valid e-mail address.");
        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, FirstName = email.Split('@')[0] };
            var created = await users.CreateAsync(user);
            if (!created.Succeeded) throw AppException.BadRequest(string.Join(" ", created.Errors.Select(e => e.Description)));
        }
        return (await CreateAsync(user.Id, name, ct)).Key;
    }

    public static string Hash(string key) => Requests.RecipientTokens.Hash(key);

    private static ApiKeyInfo Info(ApiKey k) => new(k.Id, k.Name, k.Prefix, k.CreatedAt, k.LastUsedAt, k.RevokedAt);
}
