using System.Collections.Immutable;
using System.Net;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.WebUtilities;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ESignWeb.OAuth;

/// <summary>
/// The way back to the app after one of our own forms. Chromium checks the CSP <c>form-action 'self'</c> on every
/// redirect that follows a form submission, so the consent page's Allow / Deny (and the sign-in form, when a returning
/// user's authorisation answers at once) could not end in a 302 to the app's redirect URI. When the authorisation
/// response is reached from our own origin (<c>Sec-Fetch-Site: same-origin</c>), it is a small page that goes on to
/// the app by a meta refresh (and a link), which CSP does not restrict; the CSP itself stays as strict as it is. A
/// request arriving from the app (cross-site) or from a non-browser client gets OpenIddict's usual 302.
/// </summary>
public sealed class ReturnToApp : IOpenIddictServerHandler<ApplyAuthorizationResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyAuthorizationResponseContext>()
            .UseSingletonHandler<ReturnToApp>()
            .SetOrder(OpenIddictServerAspNetCoreHandlers.Authentication.ProcessQueryResponse.Descriptor.Order - 1) // just before the 302
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ApplyAuthorizationResponseContext context)
    {
        var http = context.Transaction.GetHttpRequest()?.HttpContext;
        if (http is null || string.IsNullOrEmpty(context.RedirectUri) || context.ResponseMode != ResponseModes.Query
            || http.Request.Headers["Sec-Fetch-Site"] != "same-origin")
            return;
        var location = QueryHelpers.AddQueryString(context.RedirectUri,
            from parameter in context.Response.GetParameters()
            let values = (ImmutableArray<string?>?)parameter.Value
            where values is not null
            from value in values.GetValueOrDefault()
            where !string.IsNullOrEmpty(value)
            select KeyValuePair.Create(parameter.Key, value));
        await WriteAsync(http.Response, location);
        context.HandleRequest();
    }

    /// <summary>The page: no script (the CSP allows none inline), a refresh at once, and a link for browsers that do not refresh.</summary>
    public static async Task WriteAsync(HttpResponse response, string location)
    {
        var href = WebUtility.HtmlEncode(location);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        await response.WriteAsync($"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={href}">
            <title>Returning to the app</title></head>
            <body><main><h1>Returning to the app…</h1><p><a href="{href}" id="oauth-return">Continue</a></p></main></body></html>
            """);
    }
}
