using System.Collections.Immutable;
using System.Security.Claims;
using ESignWeb.Data;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ESignWeb.OAuth;

/// <summary>
/// The passthrough endpoints of the authorisation server. OpenIddict validates each request first (client, exact
/// redirect URI, scopes, PKCE verifier); these decide who the token is for.
/// <list type="bullet">
/// <item><c>GET /oauth/authorize</c>: sign in first (the login page returns here), then either the app already has
/// the user's permanent authorisation for these scopes (code at once) or the consent page (<c>/oauth/consent</c>).</item>
/// <item><c>POST /oauth/authorize</c>: the consent page's Allow / Deny (antiforgery checked).</item>
/// <item>A request OpenIddict refused (error passthrough): back to the app with the error and <c>state</c> when the client
/// and redirect URI are valid, else the app's own error page (<see cref="AuthorizeErrors"/>).</item>
/// <item><c>POST /oauth/token</c>: authorization_code, refresh_token (rotated) and client_credentials (the app's owner).</item>
/// </list>
/// </summary>
public static class OAuthEndpoints
{
    public const string Authorize = "oauth/authorize";
    public const string Consent = "oauth/consent";
    public const string Token = "oauth/token";
    public const string Revoke = "oauth/revoke";

    private const string Server = OpenIddictServerAspNetCoreDefaults.AuthenticationScheme;

    public static void MapOAuth(WebApplication app)
    {
        app.MapGet("/" + Authorize, AuthorizeAsync).ExcludeFromDescription();
        app.MapPost("/" + Authorize, DecideAsync).DisableAntiforgery().ExcludeFromDescription(); // validated in DecideAsync
        app.MapPost("/" + Token, TokenAsync).DisableAntiforgery().ExcludeFromDescription();
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext http, IOpenIddictApplicationManager apps,
        IOpenIddictAuthorizationManager authorizations, UserManager<ApplicationUser> users, CancellationToken ct)
    {
        if (http.GetOpenIddictServerResponse() is { Error.Length: > 0 } refused) return await AuthorizeErrors.AnswerAsync(http, refused, apps, ct);
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenIddict request.");
        if (await PkceProblemAsync(request, apps, ct) is { } pkce) return pkce;
        var user = await SignedInUserAsync(http, users);
        if (user is null) return Results.Challenge(new AuthenticationProperties { RedirectUri = http.Request.PathBase + http.Request.Path + http.Request.QueryString },
            [IdentityConstants.ApplicationScheme]);
        var app = await apps.FindByClientIdAsync(request.ClientId!, ct) ?? throw new InvalidOperationException("OpenIddict validated the client.");
        var scopes = request.GetScopes();
        await foreach (var existing in authorizations.FindAsync(user.Id, await apps.GetIdAsync(app, ct), Statuses.Valid, AuthorizationTypes.Permanent, scopes, ct))
            return Results.SignIn(await PrincipalAsync(user, users, scopes, await authorizations.GetIdAsync(existing, ct)), null, Server);
        if (request.HasPromptValue(PromptValues.None))
            return Refuse(Errors.ConsentRequired, "The user has not allowed this app yet.");
        return Results.Redirect(http.Request.PathBase + "/" + Consent + http.Request.QueryString);
    }

    private static async Task<IResult> DecideAsync(HttpContext http, IAntiforgery antiforgery, IOpenIddictApplicationManager apps,
        IOpenIddictAuthorizationManager authorizations, UserManager<ApplicationUser> users, OAuthAudit audit, CancellationToken ct)
    {
        if (http.GetOpenIddictServerResponse() is { Error.Length: > 0 } refused) return await AuthorizeErrors.AnswerAsync(http, refused, apps, ct);
        if (!await antiforgery.IsRequestValidAsync(http)) return Results.BadRequest();
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenIddict request.");
        if (await PkceProblemAsync(request, apps, ct) is { } pkce) return pkce;
        var user = await SignedInUserAsync(http, users);
        if (user is null) return Results.Challenge(new AuthenticationProperties { RedirectUri = http.Request.PathBase + "/" + Authorize +
            QueryString.Create(request.GetParameters().Select(p => new KeyValuePair<string, string?>(p.Key, (string?)p.Value))) }, [IdentityConstants.ApplicationScheme]);
        var form = await http.Request.ReadFormAsync(ct);
        var scopes = request.GetScopes();
        if (form["decision"] != "allow")
        {
            await audit.RecordAsync(OAuthEventType.Denied, user.Id, request.ClientId, string.Join(' ', scopes), http, ct);
            return Refuse(Errors.AccessDenied, "The user denied this app.");
        }
        var app = await apps.FindByClientIdAsync(request.ClientId!, ct) ?? throw new InvalidOperationException("OpenIddict validated the client.");
        var principal = await PrincipalAsync(user, users, scopes, null);
        // Permanent: the user is not asked again for the same scopes; Settings → Authorised apps revokes it.
        var authorization = await authorizations.CreateAsync(principal, user.Id, (await apps.GetIdAsync(app, ct))!, AuthorizationTypes.Permanent, scopes, ct);
        principal.SetAuthorizationId(await authorizations.GetIdAsync(authorization, ct));
        await audit.RecordAsync(OAuthEventType.Authorized, user.Id, request.ClientId, string.Join(' ', scopes), http, ct);
        return Results.SignIn(principal, null, Server);
    }

    private static async Task<IResult> TokenAsync(HttpContext http, IOpenIddictApplicationManager apps, UserManager<ApplicationUser> users,
        OAuthAudit audit, CancellationToken ct)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenIddict request.");
        ClaimsPrincipal principal;
        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            // The code's or refresh token's principal (OpenIddict checked it, the PKCE verifier and the client).
            var granted = (await http.AuthenticateAsync(Server)).Principal;
            var user = granted?.GetClaim(Claims.Subject) is { } id ? await users.FindByIdAsync(id) : null;
            if (granted is null || user is null) return Refuse(Errors.InvalidGrant, "The user of this grant no longer exists.");
            principal = await PrincipalAsync(user, users, granted.GetScopes(), granted.GetAuthorizationId());
        }
        else if (request.IsClientCredentialsGrantType())
        {
            // The app acts for the user who registered it (as Box's server-to-server apps do). No refresh token.
            var app = await apps.FindByClientIdAsync(request.ClientId!, ct);
            var owner = app is null ? null : await OAuthApps.OwnerOfAsync(apps, app, ct);
            var user = owner is null ? null : await users.FindByIdAsync(owner);
            if (user is null) return Refuse(Errors.InvalidClient, "This app has no owner who can be acted for.");
            principal = await PrincipalAsync(user, users, [.. request.GetScopes().Where(s => s != Scopes.OfflineAccess)], null);
        }
        else return Refuse(Errors.UnsupportedGrantType, "This grant type is not supported.");
        await audit.RecordAsync(OAuthEventType.TokenIssued, principal.GetClaim(Claims.Subject), request.ClientId, request.GrantType ?? "", http, ct);
        return Results.SignIn(principal, null, Server);
    }

    /// <summary>PKCE: S256 is required for public clients and, when a confidential client sends a challenge, the only method.</summary>
    private static async Task<IResult?> PkceProblemAsync(OpenIddictRequest request, IOpenIddictApplicationManager apps, CancellationToken ct)
    {
        var app = await apps.FindByClientIdAsync(request.ClientId!, ct);
        var isPublic = app is not null && await apps.HasClientTypeAsync(app, ClientTypes.Public, ct);
        if (string.IsNullOrEmpty(request.CodeChallenge))
            return isPublic ? Refuse(Errors.InvalidRequest, "Public clients must use PKCE (code_challenge with code_challenge_method=S256).") : null;
        return request.CodeChallengeMethod == CodeChallengeMethods.Sha256 ? null
            : Refuse(Errors.InvalidRequest, "code_challenge_method must be S256.");
    }

    private static async Task<ApplicationUser?> SignedInUserAsync(HttpContext http, UserManager<ApplicationUser> users)
    {
        var cookie = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        return cookie.Succeeded && cookie.Principal.FindFirstValue(ClaimTypes.NameIdentifier) is { } id ? await users.FindByIdAsync(id) : null;
    }

    /// <summary>Who the tokens are for: the user id (sub), e-mail and name, the scopes; every claim goes into the access token only.</summary>
    private static async Task<ClaimsPrincipal> PrincipalAsync(ApplicationUser user, UserManager<ApplicationUser> users, ImmutableArray<string> scopes, string? authorizationId)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id)
            .SetClaim(Claims.Email, await users.GetEmailAsync(user))
            .SetClaim(Claims.Name, await users.GetUserNameAsync(user));
        identity.SetScopes(scopes);
        if (authorizationId is not null) identity.SetAuthorizationId(authorizationId);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>An OAuth error: to the redirect URI (authorize; <c>state</c> kept) or as the token endpoint's JSON.</summary>
    private static IResult Refuse(string error, string description) => Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
    {
        [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
    }), [Server]);
}
