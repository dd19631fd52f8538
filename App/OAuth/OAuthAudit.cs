using ESignWeb.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.DependencyInjection;

namespace ESignWeb.OAuth;

/// <summary>What happened between a user and an OAuth app (the account-level log; the request audit trail is per request).</summary>
public enum OAuthEventType
{
    /// <summary>The user allowed the app the scopes named in the event (a permanent authorisation).</summary>
    Authorized,
    /// <summary>The user denied the app.</summary>
    Denied,
    /// <summary>The token endpoint issued tokens (grant type in the event).</summary>
    TokenIssued,
    /// <summary>A token was revoked at <c>/oauth/revoke</c>.</summary>
    TokenRevoked,
    /// <summary>The owner registered an app (Settings → Developer apps; its name and kind in the event).</summary>
    AppRegistered,
    /// <summary>The owner rotated an app's secret (the old one stopped).</summary>
    SecretRotated,
    /// <summary>The owner deleted an app (its authorisations and tokens were revoked with it).</summary>
    AppDeleted,
    /// <summary>The user revoked an app's authorisation (Settings → Authorised apps; the scopes it had in the event).</summary>
    AuthorizationRevoked,
}

/// <summary>One row of the account-level OAuth log (<c>OAuthEvents</c>): who, which app, what, when, from where.</summary>
public sealed class OAuthEvent
{
    public long Id { get; set; }
    /// <summary>The user the event is about (the app's owner for client_credentials); null when unknown (a revoked unknown token).</summary>
    public string? UserId { get; set; }
    public string ClientId { get; set; } = "";
    public OAuthEventType Type { get; set; }
    /// <summary>The scopes asked for or granted (space-separated), or the grant type.</summary>
    public string Detail { get; set; } = "";
    public DateTimeOffset At { get; set; }
    public string? Ip { get; set; }
}

public sealed class OAuthEventConfiguration : IEntityTypeConfiguration<OAuthEvent>
{
    public void Configure(EntityTypeBuilder<OAuthEvent> e)
    {
        e.ToTable("OAuthEvents");
        e.Property(x => x.Type).HasConversion<string>().HasMaxLength(32);
        e.Property(x => x.ClientId).HasMaxLength(200);
        e.Property(x => x.Detail).HasMaxLength(1000);
        e.Property(x => x.Ip).HasMaxLength(64);
        e.HasIndex(x => new { x.UserId, x.At });
    }
}

/// <summary>Writes the account-level OAuth log (one write idiom: <see cref="Transactions.WriteAsync"/>).</summary>
public sealed class OAuthAudit(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public Task RecordAsync(OAuthEventType type, string? userId, string? clientId, string detail, HttpContext? http, CancellationToken ct) =>
        dbFactory.WriteAsync(async db =>
        {
            db.Set<OAuthEvent>().Add(New(type, userId, clientId, detail, http));
            await db.SaveChangesAsync(ct);
        }, ct);

    /// <summary>What an <see cref="OAuthEvent"/> says, before it is stamped with the time.</summary>
    public sealed record Draft(OAuthEventType Type, string? UserId, string? ClientId, string Detail);

    /// <summary>
    /// A change made through OpenIddict's managers of <paramref name="scope"/> (a DI scope: their stores write through
    /// its <see cref="AppDbContext"/>) and the event that records it, in one transaction: both or neither.
    /// </summary>
    public async Task<T> ChangeAsync<T>(IServiceProvider scope, Func<Task<(T Result, Draft Event)>> change, CancellationToken ct)
    {
        var db = scope.GetRequiredService<AppDbContext>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var (result, e) = await change();
        db.Set<OAuthEvent>().Add(New(e.Type, e.UserId, e.ClientId, e.Detail, null));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return result;
    }

    private OAuthEvent New(OAuthEventType type, string? userId, string? clientId, string detail, HttpContext? http) => new()
    {
        Type = type, UserId = userId, ClientId = Cut(clientId ?? "", 200), Detail = Cut(detail, 1000), At = clock.GetUtcNow(),
        Ip = http?.Connection.RemoteIpAddress?.ToString(),
    };

    /// <summary>A user's events, newest first (for Settings → Authorised apps and tests).</summary>
    public async Task<IReadOnlyList<OAuthEvent>> ForUserAsync(string userId, int take, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<OAuthEvent>().AsNoTracking().Where(e => e.UserId == userId).OrderByDescending(e => e.Id).Take(take).ToListAsync(ct);
    }

    private static string Cut(string s, int max) => s.Length > max ? s[..max] : s;
}
