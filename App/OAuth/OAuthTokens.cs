using System.Security.Claims;
using ESignWeb.Api;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ESignWeb.OAuth;

/// <summary>API authentication with an OAuth access token: the same claims shape as an API key (NameIdentifier = user id, e-mail), plus the client id and the token's scopes.</summary>
public static class OAuthTokens
{
    public static async Task<AuthenticateResult> AuthenticateAsync(HttpContext http, string scheme)
    {
        var result = await http.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        if (!result.Succeeded || result.Principal.GetClaim(Claims.Subject) is not { Length: > 0 } userId)
            return AuthenticateResult.Fail("Unknown, expired or revoked access token.");
        var token = result.Principal;
        var clientId = token.GetClaim(Claims.ClientId) ?? token.GetPresenters().FirstOrDefault() ?? "";
        // SignEasy names the app in X-Client-ID: with a token it must be the token's own app (callback URLs belong to
        // the user and the app).
        if (ApiKeyAuthenticationHandler.ClientIdOf(http) is { } named && named != clientId)
            return AuthenticateResult.Fail("X-Client-ID is not the access token's client.");
        var identity = new ClaimsIdentity([
            new Claim(ClaimTypes.NameIdentifier, userId),
            new Claim(ClaimTypes.Email, token.GetClaim(Claims.Email) ?? ""),
            new Claim(ApiKeyAuthenticationHandler.OAuthClientIdClaim, clientId),
            .. token.GetScopes().Where(s => ApiScopes.IsKnown(s) && s != ApiScopes.OfflineAccess).Select(s => new Claim(ApiScopes.ClaimType, s)),
        ], scheme);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), scheme));
    }
}
