using System.Collections.Immutable;
using ESignWeb.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ESignWeb.OAuth;

/// <summary>Whether an app can keep a secret (a server) or not (a browser or phone app, which must use PKCE).</summary>
public enum DeveloperAppKind { Confidential, Public }

/// <summary>What the owner types when registering or editing an app.</summary>
/// <param name="RedirectUris">One URI a line (or separated by spaces or commas).</param>
public sealed record DeveloperAppInput(string Name, string RedirectUris, DeveloperAppKind Kind = DeveloperAppKind.Confidential);

/// <summary>An app as its owner sees it (never its secret: that is shown once, by <see cref="DeveloperApps"/>).</summary>
public sealed record DeveloperApp(string Id, string ClientId, string Name, DeveloperAppKind Kind, IReadOnlyList<string> RedirectUris, DateTimeOffset? CreatedAt);

/// <summary>A freshly made secret: the only time it is visible (OpenIddict keeps a hash of it).</summary>
public sealed record DeveloperAppSecret(DeveloperApp App, string? ClientSecret);

/// <summary>
/// The rules for an app's redirect URIs: absolute https URLs, or http only on a loopback host (127.0.0.1, [::1],
/// localhost: RFC 8252 §7.3), no fragment (RFC 6749 §3.1.2), no user info, at most <see cref="Max"/>. Compared
/// exactly by the authorisation server, so they are kept as typed (trimmed).
/// </summary>
public static class RedirectUriRules
{
    public const int Max = 10;
    public const int MaxLength = 2000;

    public static IReadOnlyList<string> Parse(string? text)
    {
        var uris = (text ?? "").Split(['\n', '\r', ' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal).ToList();
        if (uris.Count == 0) throw AppException.BadField("redirect_uris", "Give at least one redirect URI (where users come back after allowing the app).");
        if (uris.Count > Max) throw AppException.BadField("redirect_uris", $"At most {Max} redirect URIs.");
        foreach (var u in uris) Check(u);
        return uris;
    }

    private static void Check(string text)
    {
        string Bad(string why) => $"\"{Shown(text)}\" is not a usable redirect URI: {why}";
        if (text.Length > MaxLength) throw AppException.BadField("redirect_uris", Bad($"longer than {MaxLength} characters."));
        // RFC 3986: printable ASCII only (an international host is written in punycode, other text percent-encoded).
        if (text.Any(c => c is < '!' or > '~' or '\\' or '<' or '>' or '"' or '{' or '}' or '|' or '^' or '`'))
            throw AppException.BadField("redirect_uris", Bad("it holds characters a URL may not (write others percent-encoded)."));
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || !uri.IsWellFormedOriginalString())
            throw AppException.BadField("redirect_uris", Bad("it must be an absolute URL such as https://app.example.com/callback."));
        if (text.Contains('#')) throw AppException.BadField("redirect_uris", Bad("it may not have a fragment (#…)."));
        if (uri.UserInfo.Length > 0) throw AppException.BadField("redirect_uris", Bad("it may not carry a user name or password."));
        if (uri.Host.Length == 0) throw AppException.BadField("redirect_uris", Bad("it has no host."));
        if (uri.Scheme == Uri.UriSchemeHttps) return;
        if (uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri)) return;
        throw AppException.BadField("redirect_uris", Bad("it must use https (http only for 127.0.0.1 or localhost)."));
    }

    /// <summary>The URI as quoted back in a message: at most 80 characters, anything but printable ASCII as '?'.</summary>
    private static string Shown(string text) =>
        new((text.Length > 80 ? text[..80] : text).Select(c => c is < ' ' or > '~' ? '?' : c).ToArray());

    private static bool IsLoopback(Uri uri) =>
        uri.Host is "127.0.0.1" or "[::1]" || string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// A user's own OAuth apps (Settings → Developer apps), kept by OpenIddict's application manager: register, list,
/// rotate the secret, edit, delete. Descriptors are built by <see cref="OAuthApps"/> (the owner is its
/// <see cref="OAuthApps.OwnerProperty"/>, the scopes are <see cref="ApiScopes.All"/>); every method checks the owner,
/// so someone else's app id is "not found". Registering, rotating and deleting are recorded in the OAuth log
/// (<see cref="OAuthAudit"/>) in the same transaction. Each call has its own DI scope (OpenIddict's managers and
/// stores are scoped), so the service is a singleton that a Blazor circuit may hold.
/// </summary>
public sealed class DeveloperApps(IServiceScopeFactory scopes, TimeProvider clock, OAuthAudit audit)
{
    public const string ClientIdPrefix = "esa_";
    public const string SecretPrefix = "escs_";
    public const int MaxNameLength = 100;

    public async Task<DeveloperAppSecret> RegisterAsync(string ownerId, DeveloperAppInput input, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(ownerId)) throw AppException.NotFound("The account");
        var name = CheckName(input.Name);
        var redirects = RedirectUriRules.Parse(input.RedirectUris);
        var confidential = input.Kind == DeveloperAppKind.Confidential;
        var secret = confidential ? Requests.RecipientTokens.NewSecret(SecretPrefix) : null;
        var descriptor = OAuthApps.Describe(ownerId, name, redirects.Select(r => new Uri(r, UriKind.Absolute)), confidential,
            NewClientId(), secret, clock.GetUtcNow());

        await using var scope = scopes.CreateAsyncScope();
        var apps = Apps(scope);
        var app = await audit.ChangeAsync(scope.ServiceProvider, async () =>
        {
            var made = await apps.CreateAsync(descriptor, ct); // hashes the secret
            return (made, new OAuthAudit.Draft(OAuthEventType.AppRegistered, ownerId, descriptor.ClientId,
                $"{(confidential ? "confidential" : "public")}: {name}"));
        }, ct);
        return new DeveloperAppSecret(await ToAppAsync(apps, app, ct), secret);
    }

    /// <summary>The owner's apps, newest first.</summary>
    public async Task<List<DeveloperApp>> ListAsync(string ownerId, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var apps = Apps(scope);
        var list = new List<DeveloperApp>();
        if (string.IsNullOrEmpty(ownerId)) return list;
        // Properties are a JSON text column: narrow in SQL to the rows that mention the owner's id, then check the
        // property itself (a mention elsewhere, e.g. in a name, is not ownership).
        var db = scope.ServiceProvider.GetRequiredService<Data.AppDbContext>();
        var candidates = await db.Set<OpenIddictEntityFrameworkCoreApplication>().AsNoTracking()
            .Where(a => a.Properties != null && a.Properties.Contains(ownerId)).Select(a => a.Id).ToListAsync(ct);
        foreach (var id in candidates)
        {
            if (id is null || await apps.FindByIdAsync(id, ct) is not { } app) continue;
            if (await OAuthApps.OwnerOfAsync(apps, app, ct) == ownerId) list.Add(await ToAppAsync(apps, app, ct));
        }
        return list.OrderByDescending(a => a.CreatedAt).ThenBy(a => a.Name, StringComparer.CurrentCultureIgnoreCase).ToList();
    }

    public async Task<DeveloperApp> GetAsync(string ownerId, string appId, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var apps = Apps(scope);
        return await ToAppAsync(apps, await FindOwnedAsync(apps, ownerId, appId, ct), ct);
    }

    /// <summary>A new secret for a confidential app; the old one stops at once.</summary>
    public async Task<DeveloperAppSecret> RotateSecretAsync(string ownerId, string appId, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var apps = Apps(scope);
        var app = await FindOwnedAsync(apps, ownerId, appId, ct);
        if (!await apps.HasClientTypeAsync(app, ClientTypes.Confidential, ct))
            throw AppException.BadRequest("A public app has no secret (it proves itself with PKCE).");
        var secret = Requests.RecipientTokens.NewSecret(SecretPrefix);
        await audit.ChangeAsync(scope.ServiceProvider, async () =>
        {
            await apps.UpdateAsync(app, secret, ct); // hashes it, replacing the old hash
            return (true, new OAuthAudit.Draft(OAuthEventType.SecretRotated, ownerId, await apps.GetClientIdAsync(app, ct), ""));
        }, ct);
        return new DeveloperAppSecret(await ToAppAsync(apps, app, ct), secret);
    }

    /// <summary>Renames the app and replaces its redirect URIs (its kind and secret stay).</summary>
    public async Task<DeveloperApp> UpdateAsync(string ownerId, string appId, DeveloperAppInput input, CancellationToken ct = default)
    {
        var name = CheckName(input.Name);
        var redirects = RedirectUriRules.Parse(input.RedirectUris);
        await using var scope = scopes.CreateAsyncScope();
        var apps = Apps(scope);
        var app = await FindOwnedAsync(apps, ownerId, appId, ct);
        var descriptor = new OpenIddictApplicationDescriptor();
        await apps.PopulateAsync(descriptor, app, ct); // the stored (hashed) secret comes along unchanged
        OAuthApps.Change(descriptor, name, redirects.Select(r => new Uri(r, UriKind.Absolute)));
        await apps.UpdateAsync(app, descriptor, ct);
        return await ToAppAsync(apps, app, ct);
    }

    /// <summary>Deletes the app after revoking every authorisation and token it holds (they stop at once).</summary>
    public async Task DeleteAsync(string ownerId, string appId, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var apps = Apps(scope);
        var app = await FindOwnedAsync(apps, ownerId, appId, ct);
        var id = await apps.GetIdAsync(app, ct) ?? throw AppException.NotFound("The app");
        var clientId = await apps.GetClientIdAsync(app, ct);
        var name = await apps.GetDisplayNameAsync(app, ct) ?? "";
        await audit.ChangeAsync(scope.ServiceProvider, async () =>
        {
            await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().RevokeByApplicationIdAsync(id, ct);
            await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().RevokeByApplicationIdAsync(id, ct);
            await apps.DeleteAsync(app, ct);
            return (true, new OAuthAudit.Draft(OAuthEventType.AppDeleted, ownerId, clientId, name));
        }, ct);
    }

    private static IOpenIddictApplicationManager Apps(AsyncServiceScope scope) =>
        scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();

    private static string CheckName(string? name)
    {
        name = (name ?? "").Trim();
        if (name.Length == 0) throw AppException.BadField("name", "Give the app a name (users see it when they allow it).");
        if (name.Length > MaxNameLength) throw AppException.BadField("name", $"The name is too long (at most {MaxNameLength} characters).");
        if (name.Any(char.IsControl)) throw AppException.BadField("name", "The name may not hold control characters.");
        return name;
    }

    /// <summary>A client id: not a secret, but random so that it says nothing and cannot be guessed (128 bits).</summary>
    private static string NewClientId() =>
        ClientIdPrefix + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    /// <summary>The app with this id if <paramref name="ownerId"/> owns it; otherwise "not found" (never "forbidden").</summary>
    private static async Task<object> FindOwnedAsync(IOpenIddictApplicationManager apps, string ownerId, string appId, CancellationToken ct)
    {
        var app = string.IsNullOrEmpty(appId) || appId.Length > 100 ? null : await apps.FindByIdAsync(appId, ct);
        if (app is null || string.IsNullOrEmpty(ownerId) || await OAuthApps.OwnerOfAsync(apps, app, ct) != ownerId) throw AppException.NotFound("The app");
        return app;
    }

    private static async Task<DeveloperApp> ToAppAsync(IOpenIddictApplicationManager apps, object app, CancellationToken ct)
    {
        var kind = await apps.HasClientTypeAsync(app, ClientTypes.Public, ct) ? DeveloperAppKind.Public : DeveloperAppKind.Confidential;
        ImmutableArray<string> redirects = await apps.GetRedirectUrisAsync(app, ct);
        return new DeveloperApp(await apps.GetIdAsync(app, ct) ?? "", await apps.GetClientIdAsync(app, ct) ?? "",
            await apps.GetDisplayNameAsync(app, ct) ?? "", kind, redirects, await OAuthApps.CreatedAtAsync(apps, app, ct));
    }
}
