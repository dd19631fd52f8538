using ESignWeb.Domain;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ESignWeb.OAuth;

/// <summary>An app the user allowed: one row per app, whatever number of consents it took.</summary>
/// <param name="ApplicationId">What <see cref="AuthorisedApps.RevokeAsync"/> takes.</param>
/// <param name="LastUsedAt">When the app last got a token for the user (the newest token's creation date).</param>
public sealed record AuthorisedApp(string ApplicationId, string Name, IReadOnlyList<string> Scopes, DateTimeOffset? AllowedAt, DateTimeOffset? LastUsedAt);

/// <summary>
/// Settings → Authorised apps: every app that holds a valid OpenIddict authorisation of the user (the subject is the
/// user's id, as <c>/oauth/authorize</c> sets it; consent makes one permanent authorisation), and Revoke, which revokes
/// the user's authorisations of that app and every token issued under them, recorded in the OAuth log
/// (<see cref="OAuthEventType.AuthorizationRevoked"/>) in the same transaction.
/// </summary>
public sealed class AuthorisedApps(IServiceScopeFactory scopes, OAuthAudit audit)
{
    public async Task<List<AuthorisedApp>> ListAsync(string userId, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(userId)) return [];
        await using var scope = scopes.CreateAsyncScope();
        var (apps, authorizations, tokens) = Managers(scope);
        var byApp = new Dictionary<string, (List<string> Scopes, DateTimeOffset? Allowed, DateTimeOffset? LastUsed)>(StringComparer.Ordinal);
        await foreach (var auth in authorizations.FindBySubjectAsync(userId, ct))
        {
            if (!await authorizations.HasStatusAsync(auth, Statuses.Valid, ct)) continue;
            var appId = await authorizations.GetApplicationIdAsync(auth, ct);
            if (appId is null) continue;
            var row = byApp.TryGetValue(appId, out var r) ? r : ([], null, null);
            row.Scopes.AddRange(await authorizations.GetScopesAsync(auth, ct));
            var created = await authorizations.GetCreationDateAsync(auth, ct);
            if (created is not null && (row.Allowed is null || created < row.Allowed)) row.Allowed = created;
            var authId = await authorizations.GetIdAsync(auth, ct);
            if (authId is not null)
            {
                await foreach (var token in tokens.FindByAuthorizationIdAsync(authId, ct))
                {
                    var at = await tokens.GetCreationDateAsync(token, ct);
                    if (at is not null && (row.LastUsed is null || at > row.LastUsed)) row.LastUsed = at;
                }
            }
            byApp[appId] = row;
        }

        var list = new List<AuthorisedApp>();
        foreach (var (appId, row) in byApp)
        {
            var app = await apps.FindByIdAsync(appId, ct);
            if (app is null) continue; // deleted meanwhile: its authorisations are revoked with it
            // OpenIddict dates a token to the whole second (its principal's issue time) but an authorisation to the
            // tick: a token issued in the same second as the consent would seem older than it. None is.
            var lastUsed = row.LastUsed is { } used && row.Allowed is { } allowed && used < allowed ? allowed : row.LastUsed;
            list.Add(new AuthorisedApp(appId, await apps.GetDisplayNameAsync(app, ct) ?? "(unnamed app)",
                row.Scopes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(), row.Allowed, lastUsed));
        }
        return list.OrderByDescending(a => a.LastUsedAt ?? a.AllowedAt).ToList();
    }

    /// <summary>Revokes every authorisation the user gave the app and every token issued under them.</summary>
    /// <returns>How many authorisations were revoked; none means the user never allowed the app ("not found").</returns>
    public async Task<int> RevokeAsync(string userId, string applicationId, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(userId) || string.IsNullOrEmpty(applicationId)) throw AppException.NotFound("The authorised app");
        await using var scope = scopes.CreateAsyncScope();
        var (apps, authorizations, tokens) = Managers(scope);
        var mine = new List<object>();
        var scopesHeld = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var auth in authorizations.FindBySubjectAsync(userId, ct))
        {
            if (await authorizations.GetApplicationIdAsync(auth, ct) == applicationId && await authorizations.HasStatusAsync(auth, Statuses.Valid, ct))
            {
                mine.Add(auth);
                scopesHeld.UnionWith(await authorizations.GetScopesAsync(auth, ct));
            }
        }
        if (mine.Count == 0) throw AppException.NotFound("The authorised app");
        var clientId = await apps.FindByIdAsync(applicationId, ct) is { } app ? await apps.GetClientIdAsync(app, ct) : null;
        return await audit.ChangeAsync(scope.ServiceProvider, async () =>
        {
            var revoked = 0;
            foreach (var auth in mine)
            {
                if (await authorizations.GetIdAsync(auth, ct) is { } id) await tokens.RevokeByAuthorizationIdAsync(id, ct);
                if (await authorizations.TryRevokeAsync(auth, ct)) revoked++;
            }
            return (revoked, new OAuthAudit.Draft(OAuthEventType.AuthorizationRevoked, userId, clientId, string.Join(' ', scopesHeld)));
        }, ct);
    }

    private static (IOpenIddictApplicationManager, IOpenIddictAuthorizationManager, IOpenIddictTokenManager) Managers(AsyncServiceScope scope) =>
        (scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>(),
         scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>(),
         scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>());
}
