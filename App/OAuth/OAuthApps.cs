using System.Text.Json;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ESignWeb.OAuth;

/// <summary>
/// How an ESignWeb OAuth app is described to OpenIddict: its owner (the user who registered it, for whom
/// client_credentials acts), the permissions every app gets, and exact redirect URIs. One place, used by the apps
/// UI (Settings → Developer apps) and the tests.
/// </summary>
public static class OAuthApps
{
    /// <summary>The application property that holds the owner's user id.</summary>
    public const string OwnerProperty = "esign_owner_id";

    /// <summary>
    /// A new app: confidential apps get a secret (OpenIddict stores it hashed) and may use client_credentials; public
    /// apps must use PKCE with S256 (enforced at <c>/oauth/authorize</c>).
    /// </summary>
    public static OpenIddictApplicationDescriptor Describe(string ownerId, string name, IEnumerable<Uri> redirectUris, bool confidential,
        string clientId, string? clientSecret)
    {
        var d = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = confidential ? clientSecret ?? throw new ArgumentNullException(nameof(clientSecret)) : null,
            ClientType = confidential ? ClientTypes.Confidential : ClientTypes.Public,
            ConsentType = ConsentTypes.Explicit,
            DisplayName = name,
        };
        foreach (var uri in redirectUris) d.RedirectUris.Add(uri);
        d.Permissions.UnionWith([
            Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.Revocation,
            Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
        ]);
        if (confidential) d.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
        foreach (var scope in ApiScopes.All) d.Permissions.Add(Permissions.Prefixes.Scope + scope);
        d.Properties[OwnerProperty] = JsonSerializer.SerializeToElement(ownerId);
        return d;
    }

    /// <summary>The user who registered the app; null when it has none (then it cannot act).</summary>
    public static async Task<string?> OwnerOfAsync(IOpenIddictApplicationManager apps, object app, CancellationToken ct)
    {
        var props = await apps.GetPropertiesAsync(app, ct);
        return props.TryGetValue(OwnerProperty, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }
}
