using System.Security.Claims;
using ESignWeb.Api;

namespace ESignWeb.OAuth;

/// <summary>
/// The one way an API endpoint asks for an OAuth scope: <c>.RequireScope(ApiScopes.DocumentsRead)</c> (or
/// <c>.RequireAnyScope()</c> for the few answers every app needs, such as who the user is). The check itself is one
/// filter on every family's route group (<see cref="EnforceScopes"/>, added by <c>MapApiGroup</c>), so it cannot be
/// forgotten: an API endpoint without scope metadata is refused to OAuth access tokens (deny by default). An API key
/// carries every scope; an OAuth access token only those the user allowed. Refused in the family's own 403 shape
/// (<see cref="ApiErrorCode.InsufficientScope"/>).
/// </summary>
public static class ScopeRequirement
{
    /// <summary>The endpoint (or every endpoint of a group) requires <paramref name="scope"/> (a write scope includes its <c>.read</c>).</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder endpoint, string scope) where TBuilder : IEndpointConventionBuilder
    {
        if (!ApiScopes.IsKnown(scope) || scope == ApiScopes.OfflineAccess) throw new ArgumentException($"Unknown API scope \"{scope}\".", nameof(scope));
        return endpoint.WithMetadata(new RequiredScope(scope));
    }

    /// <summary>Any API scope will do (the user object, a family's 404 for unknown paths): whoever the user let in may ask.</summary>
    public static TBuilder RequireAnyScope<TBuilder>(this TBuilder endpoint) where TBuilder : IEndpointConventionBuilder =>
        endpoint.WithMetadata(new RequiredScope(RequiredScope.AnyApiScope));

    /// <summary>The scope check of a family's route group: reads the endpoint's <see cref="RequiredScope"/> and refuses in the family's shape.</summary>
    public static RouteGroupBuilder EnforceScopes(this RouteGroupBuilder group, ApiFamily family) =>
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var required = http.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>();
            if (Allows(http.User, required)) return await next(context);
            http.Response.Headers.WWWAuthenticate = required is { IsAny: false }
                ? $"Bearer error=\"insufficient_scope\", scope=\"{required.Scope}\""
                : "Bearer error=\"insufficient_scope\"";
            return family.Error(http, ApiErrorCode.InsufficientScope, required switch
            {
                null => "This endpoint is not open to access tokens.",
                { IsAny: true } => "This access token allows no API scope.",
                _ => $"This access token does not allow \"{required.Scope}\" ({ApiScopes.Descriptions[required.Scope]}).",
            });
        });

    /// <summary>
    /// Whether the caller may use an endpoint that requires <paramref name="required"/>. No metadata: only an API key
    /// (which carries every scope) — an OAuth token is refused, so a new endpoint without a scope stays closed to apps.
    /// </summary>
    public static bool Allows(ClaimsPrincipal user, RequiredScope? required) => required switch
    {
        null => user.HasClaim(c => c.Type == ApiKeyAuthenticationHandler.KeyIdClaim),
        { IsAny: true } => user.HasClaim(c => c.Type == ApiScopes.ClaimType && c.Value != ApiScopes.OfflineAccess),
        _ => ApiScopes.Allows(user, required.Scope),
    };
}

/// <summary>Endpoint metadata: the scope an endpoint requires (for the check, docs/api.md and the OpenAPI document).</summary>
public sealed record RequiredScope(string Scope)
{
    /// <summary>Not a scope a client asks for: "any API scope the token has" (how docs/api.md writes it too).</summary>
    public const string AnyApiScope = "any";

    public bool IsAny => Scope == AnyApiScope;
}
