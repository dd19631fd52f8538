using System.Text.Json;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ESignWeb.OAuth;

/// <summary>
/// How an ESignWeb OAuth app is described to OpenIddict: its owner (the user who registered it, for whom
/// client_credentials acts), the permissions every app gets (every scope of <see cref="ApiScopes"/>), and exact
/// redirect URIs. The one place that builds or changes an application descriptor: Settings → Developer apps
/// (<see cref="DeveloperApps"/>: register and edit) and the tests go through it.
/// </summary>
public static class OAuthApps
{
    /// <summary>The application property that holds the owner's user id.</summary>
    public const string OwnerProperty = "esign_owner_id";

    /// <summary>The application property that holds when the app was registered.</summary>
    public const string CreatedProperty = "esign_created";

    /// <summary>
    /// A new app: confidential apps get a secret (OpenIddict stores it hashed) and may use client_credentials; public
    /// apps must use PKCE with S256 (enforced at <c>/oauth/authorize</c>, which then answers the app with
    /// <c>invalid_request</c> and its <c>state</c>; OpenIddict's own PKCE requirement would answer a 400 page instead).
    /// </summary>
    public static OpenIddictApplicationDescriptor Describe(string ownerId, string name, IEnumerable<Uri> redirectUris, bool confidential,
        string clientId, string? clientSecret, DateTimeOffset? createdAt = null)
    {
        var d = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = confidential ? clientSecret ?? throw new ArgumentNullException(nameof(clientSecret)) : null,
            ClientType = confidential ? ClientTypes.Confidential : ClientTypes.Public,
            ConsentType = ConsentTypes.Explicit,
        };
        Change(d, name, redirectUris);
        d.Permissions.UnionWith([
            Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.Revocation,
            Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
        ]);
        if (confidential) d.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
        foreach (var scope in ApiScopes.All) d.Permissions.Add(Permissions.Prefixes.Scope + scope);
        d.Properties[OwnerProperty] = JsonSerializer.SerializeToElement(ownerId);
        if (createdAt is { } at) d.Properties[CreatedProperty] = JsonSerializer.SerializeToElement(at);
        return d;
    }

    /// <summary>What an owner may change after registering: the name and the redirect URIs (replaced whole).</summary>
    public static void Change(OpenIddictApplicationDescriptor d, string name, IEnumerable<Uri> redirectUris)
    {
        d.DisplayName = name;
        d.RedirectUris.Clear();
        foreach (var uri in redirectUris) d.RedirectUris.Add(uri);
    }

    /// <summary>The user who registered the app; null when it has none (then it cannot act).</summary>
    public static async Task<string?> OwnerOfAsync(IOpenIddictApplicationManager apps, object app, CancellationToken ct) =>
        await PropertyAsync(apps, app, OwnerProperty, ct) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    /// <summary>When the app was registered; null for an app made without it.</summary>
    public static async Task<DateTimeOffset?> CreatedAtAsync(IOpenIddictApplicationManager apps, object app, CancellationToken ct) =>
        await PropertyAsync(apps, app, CreatedProperty, ct) is { ValueKind: JsonValueKind.String } v && v.TryGetDateTimeOffset(out var at) ? at : null;

    private static async Task<JsonElement?> PropertyAsync(IOpenIddictApplicationManager apps, object app, string name, CancellationToken ct) =>
        (await apps.GetPropertiesAsync(app, ct)).TryGetValue(name, out var v) ? v : null;
}
