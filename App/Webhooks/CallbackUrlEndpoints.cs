using ESignWeb.OAuth;
using System.Security.Claims;
using ESignWeb.Api;
using ESignWeb.Components.Shared;

namespace ESignWeb.Webhooks;

/// <summary>Seed: <c>GET|POST|DELETE /v1/callback/urls/</c> with <c>X-Client-ID</c>; <c>urls</c> comma-separated.</summary>
public static class CallbackUrlEndpoints
{
    public static void MapCallbackUrls(this RouteGroupBuilder v1)
    {
        var urls = v1.MapGroup("/callback/urls").WithTags("Callback URLs (webhooks)");
        urls.MapGet("", ListAsync).RequireScope(OAuth.ApiScopes.WebhooksRead).WithSummary("The callback URLs of the user and client (X-Client-ID).");
        urls.MapPost("", AddAsync).RequireScope(OAuth.ApiScopes.Webhooks).WithSummary("Add callback URLs (urls: comma-separated; form or query parameter).");
        urls.MapDelete("", RemoveAsync).RequireScope(OAuth.ApiScopes.Webhooks).WithSummary("Remove callback URLs (urls: comma-separated; form body or query parameter).");
    }

    private static async Task<IResult> ListAsync(HttpContext http, ClaimsPrincipal user, CallbackUrlService service, CancellationToken ct) =>
        ClientId(http) is { } clientId
            ? ApiJson.Ok(new { callback_urls = await service.ListAsync(user.UserId(), clientId, ct) })
            : MissingClientId();

    private static async Task<IResult> AddAsync(HttpContext http, ClaimsPrincipal user, CallbackUrlService service, CancellationToken ct)
    {
        if (ClientId(http) is not { } clientId) return MissingClientId();
        var urls = await UrlsAsync(http, ct);
        return ApiJson.Ok(new { callback_urls = await service.AddAsync(user.UserId(), clientId, urls, ct) });
    }

    private static async Task<IResult> RemoveAsync(HttpContext http, ClaimsPrincipal user, CallbackUrlService service, CancellationToken ct)
    {
        if (ClientId(http) is not { } clientId) return MissingClientId();
        var urls = await UrlsAsync(http, ct);
        return ApiJson.Ok(new { callback_urls = await service.RemoveAsync(user.UserId(), clientId, urls, ct) });
    }

    /// <summary>The seed calls it a query parameter used as a POST parameter: either is read (and a JSON string too).</summary>
    private static async Task<List<string>> UrlsAsync(HttpContext http, CancellationToken ct) =>
        CallbackUrlService.Split(await ApiInput.ReadFieldAsync(http.Request, "urls", ct) is { Length: > 0 } body ? body : http.Request.Query["urls"].ToString());

    private static string? ClientId(HttpContext http) => ApiKeyAuthenticationHandler.ClientIdOf(http);

    private static IResult MissingClientId() =>
        ApiJson.Error(ApiErrorCode.BadRequest, "The X-Client-ID header is required (any identifier of your integration).");
}
