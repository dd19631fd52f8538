using ESignWeb.Api;

namespace ESignWeb.OAuth;

/// <summary>
/// The one way an API endpoint asks for an OAuth scope: <c>.RequireScope(ApiScopes.DocumentsRead)</c>. An API key
/// carries every scope; an OAuth access token only those the user allowed. Refused in the family's own 403 shape
/// (<see cref="ApiErrorCode.InsufficientScope"/>).
/// </summary>
public static class ScopeRequirement
{
    public static RouteHandlerBuilder RequireScope(this RouteHandlerBuilder endpoint, string scope)
    {
        if (!ApiScopes.IsKnown(scope) || scope == ApiScopes.OfflineAccess) throw new ArgumentException($"Unknown API scope \"{scope}\".", nameof(scope));
        return endpoint.WithMetadata(new RequiredScope(scope)).AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (ApiScopes.Allows(http.User, scope)) return await next(context);
            http.Response.Headers.WWWAuthenticate = $"Bearer error=\"insufficient_scope\", scope=\"{scope}\"";
            return (ApiFamilies.Of(http.Request.Path) ?? ApiFamilies.SignEasy)
                .Error(http, ApiErrorCode.InsufficientScope, $"This access token does not allow \"{scope}\" ({ApiScopes.Descriptions[scope]}).");
        });
    }
}

/// <summary>Endpoint metadata: the scope an endpoint requires (for docs and the OpenAPI document).</summary>
public sealed record RequiredScope(string Scope);
