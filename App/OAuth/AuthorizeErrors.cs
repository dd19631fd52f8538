using Microsoft.AspNetCore;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ESignWeb.OAuth;

/// <summary>Why an authorisation request cannot go back to its app: the only cases the user sees our own page for.</summary>
public enum AuthorizeProblem
{
    /// <summary>No client_id, or no app has it (never registered, or deleted).</summary>
    UnknownApp,
    /// <summary>The app exists but redirect_uri is missing, malformed or not one it registered (exact match).</summary>
    RedirectUriNotRegistered,
}

/// <summary>
/// Errors at <c>/oauth/authorize</c> (RFC 6749 §4.1.2.1). OpenIddict rejects a malformed request (unknown scope, bad
/// response_type, ...) before it has checked the client and redirect URI, so it cannot send the error back itself; with
/// error passthrough (<see cref="OAuthServices"/>) the request reaches <see cref="OAuthEndpoints"/>, which asks this
/// class: when the client and its redirect URI are valid, the error goes back to the app with <c>state</c>; otherwise
/// (and only then) the user sees the app's own page, <c>/oauth/error</c> (<c>OAuthErrorPage</c>), never a bare 400.
/// </summary>
public static class AuthorizeErrors
{
    public const string Page = "oauth/error";

    /// <summary>The plain words the error page shows for each problem (title, explanation).</summary>
    public static (string Title, string Words) Describe(AuthorizeProblem problem) => problem switch
    {
        AuthorizeProblem.RedirectUriNotRegistered => ("This app's link does not work",
            "The app that sent you here asked ESignWeb to send you back to an address it has not registered, so ESignWeb " +
            "will not send you there. Nothing was shared with the app. Tell the app's makers, or go back to the app and try again."),
        _ => ("This app is not known here",
            "The link that brought you here names an app that is not registered with ESignWeb (or was deleted). Nothing " +
            "was shared with it. Go back to the app and try again, or tell its makers."),
    };

    /// <summary>The answer to an authorisation request OpenIddict (or a later step) refused with <paramref name="refused"/>.</summary>
    public static async Task<IResult> AnswerAsync(HttpContext http, OpenIddictResponse refused, IOpenIddictApplicationManager apps, CancellationToken ct)
    {
        var request = http.GetOpenIddictServerRequest();
        var app = request?.ClientId is { Length: > 0 } clientId ? await apps.FindByClientIdAsync(clientId, ct) : null;
        if (app is null) return ToPage(http, AuthorizeProblem.UnknownApp);
        var redirect = request!.RedirectUri;
        if (string.IsNullOrEmpty(redirect) || !Uri.TryCreate(redirect, UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.Fragment)
            || !await apps.ValidateRedirectUriAsync(app, redirect, ct))
            return ToPage(http, AuthorizeProblem.RedirectUriNotRegistered);

        // The client and its exact redirect URI are valid: the error goes back to the app (query; code flow only).
        var answer = new Dictionary<string, string?>
        {
            [Parameters.Error] = refused.Error,
            [Parameters.ErrorDescription] = refused.ErrorDescription,
            [Parameters.ErrorUri] = refused.ErrorUri,
            [Parameters.State] = request.State,
            // RFC 9207, as OpenIddict's own responses: which server answered.
            [Parameters.Iss] = http.RequestServices.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue.Issuer?.AbsoluteUri,
        };
        var location = QueryHelpers.AddQueryString(redirect, answer.Where(p => !string.IsNullOrEmpty(p.Value)));
        // After one of our own forms, a page that goes on (CSP form-action; see ReturnToApp), else a 302.
        if (http.Request.Headers["Sec-Fetch-Site"] == "same-origin")
        {
            await ReturnToApp.WriteAsync(http.Response, location);
            return Results.Empty;
        }
        return Results.Redirect(location);
    }

    private static IResult ToPage(HttpContext http, AuthorizeProblem problem) =>
        Results.Redirect(http.Request.PathBase + "/" + Page + "?problem=" + problem);
}
