using ESignWeb.Data;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;

namespace ESignWeb.OAuth;

/// <summary>One scope on the consent page: its name and what it lets the app do.</summary>
public sealed record ConsentScope(string Name, string Words);

/// <summary>What the consent page shows, and the authorisation request's parameters it posts back with Allow / Deny.</summary>
public sealed record ConsentModel(string AppName, string RegisteredBy, IReadOnlyList<ConsentScope> Scopes,
    IReadOnlyList<KeyValuePair<string, string>> Parameters);

/// <summary>The consent page's view model (<c>Components/Account/Pages/OAuthConsentPage</c>).</summary>
public sealed class OAuthConsent(IOpenIddictApplicationManager apps, UserManager<ApplicationUser> users)
{
    /// <summary>The page for an authorisation request OpenIddict has validated; null when the app is gone.</summary>
    public async Task<ConsentModel?> DescribeAsync(OpenIddictRequest request, CancellationToken ct)
    {
        var app = request.ClientId is { } clientId ? await apps.FindByClientIdAsync(clientId, ct) : null;
        if (app is null) return null;
        var owner = await OAuthApps.OwnerOfAsync(apps, app, ct) is { } ownerId ? await users.FindByIdAsync(ownerId) : null;
        var scopes = request.GetScopes().Where(ApiScopes.IsKnown).Select(s => new ConsentScope(s, ApiScopes.Descriptions[s])).ToList();
        var parameters = request.GetParameters()
            .Select(p => new KeyValuePair<string, string>(p.Key, (string?)p.Value ?? ""))
            .ToList();
        return new ConsentModel(await apps.GetDisplayNameAsync(app, ct) ?? request.ClientId!,
            owner is null ? "an unknown account" : $"{owner.DisplayName} ({owner.Email})", scopes, parameters);
    }
}
