using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ESignWeb.Api;

/// <summary>
/// <c>Authorization: Bearer &lt;key&gt;</c>, or Basic with the key as user name and an empty password (as Dropbox Sign
/// accepts). Missing or bad credentials answer 401 in the API family's error shape.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyService keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string KeyIdClaim = "esign:api_key_id";
    /// <summary>The OAuth app's client id when the caller uses an access token (absent for API keys).</summary>
    public const string OAuthClientIdClaim = "esign:oauth_client_id";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrWhiteSpace(header)) return AuthenticateResult.NoResult();
        string? presented = null;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) presented = header[7..].Trim();
        else if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                presented = decoded.Split(':', 2)[0];
            }
            catch (FormatException)
            {
                return AuthenticateResult.Fail("Malformed Basic credentials.");
            }
        }
        if (string.IsNullOrEmpty(presented)) return AuthenticateResult.Fail("Unsupported authorization.");
        // A bearer that is not an API key is an OAuth access token (App/OAuth): OpenIddict validates it (a reference
        // token: looked up, so a revoked one fails at once) and it gets the same claims shape, with only its own scopes.
        if (!presented.StartsWith(ApiKeyService.KeyPrefix, StringComparison.Ordinal) && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return await OAuth.OAuthTokens.AuthenticateAsync(Context, SchemeName);
        var who = await keys.AuthenticateAsync(presented, Context.RequestAborted);
        if (who is null) return AuthenticateResult.Fail("Unknown or revoked API key.");
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, who.Value.OwnerId), new Claim(KeyIdClaim, who.Value.KeyId.ToString()),
            new Claim(ClaimTypes.Email, who.Value.Email ?? ""), .. OAuth.ApiScopes.Api.Select(scope => new Claim(OAuth.ApiScopes.ClaimType, scope))], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>Who is acting, for audit events: the key's user, from the request's address and user agent.</summary>
    public static Audit.Actor ActorOf(HttpContext http) => new(
        http.User.FindFirstValue(ClaimTypes.Email) is { Length: > 0 } e ? e : null,
        http.Connection.RemoteIpAddress?.ToString(),
        http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? (ua.Length > 512 ? ua[..512] : ua) : null,
        // An OAuth token names its app (X-Client-ID, when sent, was checked to be the same); a key names what the caller says.
        http.User.FindFirstValue(OAuthClientIdClaim) is { Length: > 0 } app ? app : ClientIdOf(http));

    /// <summary>The caller's <c>X-Client-ID</c> header (the seed's OAuth client id), trimmed; null when absent.</summary>
    public static string? ClientIdOf(HttpContext http) =>
        http.Request.Headers["X-Client-ID"].ToString().Trim() is { Length: > 0 } id ? (id.Length > 200 ? id[..200] : id) : null;

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        await FamilyOf(Context).WriteErrorAsync(Context, ApiErrorCode.InvalidToken, "");
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        await FamilyOf(Context).WriteErrorAsync(Context, ApiErrorCode.UnauthorizedResource, "");
    }

    private static ApiFamily FamilyOf(HttpContext http) => ApiFamilies.Of(http.Request.Path) ?? ApiFamilies.SignEasy;
}
