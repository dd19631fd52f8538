using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace ESignWeb.Localization;

/// <summary>
/// Standard .NET localisation for the signer's side: resource files + <c>IStringLocalizer&lt;T&gt;</c>, the request
/// culture from the culture cookie (a choice made on the signing page) or else the browser's <c>Accept-Language</c>.
/// Blazor Server circuits take the culture of the request that starts them, so a change reloads the page.
/// </summary>
public static class SignerLocalization
{
    public static IServiceCollection AddSignerLocalization(this IServiceCollection services)
    {
        services.AddLocalization();
        services.AddTransient<MudBlazor.MudLocalizer, SignerMudLocalizer>(); // MudBlazor's aria texts in de, fr, es
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, EmbeddedPageCultureCircuit>();
        services.Configure<RequestLocalizationOptions>(o =>
        {
            var cultures = SignerLanguages.Supported.Select(CultureInfo.GetCultureInfo).ToList();
            o.DefaultRequestCulture = new RequestCulture(SignerLanguages.Default);
            o.SupportedCultures = cultures;
            o.SupportedUICultures = cultures;
            o.FallBackToParentCultures = true;    // de-AT → de
            o.FallBackToParentUICultures = true;
            o.RequestCultureProviders = [new EmbeddedPageCulture(), new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
        return services;
    }

    /// <summary>
    /// <c>POST /sign/{token}/language</c> (form field <c>culture</c>, with the antiforgery token): the signing page's
    /// language menu. Sets the standard culture cookie, remembers the choice for the signer's later mails, and goes
    /// back to the signing page. A form endpoint, so ASP.NET Core's antiforgery middleware validates the token; there
    /// is no GET (a link or a prefetch must not change a signer's language).
    /// </summary>
    public static void MapSignerLanguageEndpoint(this IEndpointRouteBuilder app) =>
        app.MapPost("/sign/{token}/language", async (string token, [Microsoft.AspNetCore.Mvc.FromForm] string? culture, Signing.SigningService signing,
            TimeProvider clock, HttpContext http, CancellationToken ct) =>
        {
            if (!SignerLanguages.IsSupported(culture)) return Results.BadRequest();
            SetCookie(http, culture!, clock.GetUtcNow());
            await signing.SetLanguageAsync(token, culture!, ct);
            return Results.LocalRedirect($"{http.Request.PathBase}/sign/{Uri.EscapeDataString(token)}");
        });

    /// <summary>Where the language menu's forms post (base-relative).</summary>
    public static string SwitchPath(string token) => $"sign/{Uri.EscapeDataString(token)}/language";

    /// <summary>The embedded signing page in a language (base-relative): <c>embed/sign/{token}?culture=de</c>.</summary>
    public static string EmbeddedPath(string token, string language) =>
        $"embed/sign/{Uri.EscapeDataString(token)}?{EmbeddedPageCulture.Query}={Uri.EscapeDataString(SignerLanguages.OrDefault(language))}";

    /// <summary>
    /// The embedded signing page's language from its query (<c>/embed/sign/{token}?culture=de</c>): that page lives in
    /// another site's iframe, where the culture cookie is not kept, so its language menu reloads the frame with the
    /// choice in the URL. It only picks the language of the response; nothing is stored. Every other path: no result.
    /// </summary>
    public sealed class EmbeddedPageCulture : RequestCultureProvider
    {
        public const string Query = "culture";

        public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext http)
        {
            if (!http.Request.Path.StartsWithSegments("/embed/sign")) return NullProviderCultureResult;
            var code = http.Request.Query[Query].ToString().Trim().ToLowerInvariant();
            return SignerLanguages.IsSupported(code) ? Task.FromResult<ProviderCultureResult?>(new ProviderCultureResult(code)) : NullProviderCultureResult;
        }
    }

    /// <summary>
    /// The language chosen in the embedded signing page's URL (<c>?culture=de</c>) also for its circuit: a Blazor
    /// Server circuit takes its culture from its own connection request, which carries no page URL (and, in a
    /// cross-site iframe, no cookie), so each of the circuit's inbound activities (first render, events) runs in it.
    /// </summary>
    public sealed class EmbeddedPageCultureCircuit(Microsoft.AspNetCore.Components.NavigationManager nav)
        : Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler
    {
        public override Func<Microsoft.AspNetCore.Components.Server.Circuits.CircuitInboundActivityContext, Task> CreateInboundActivityHandler(
            Func<Microsoft.AspNetCore.Components.Server.Circuits.CircuitInboundActivityContext, Task> next) =>
            async context =>
            {
                if (EmbeddedLanguageOf(nav) is not { } code)
                {
                    await next(context);
                    return;
                }
                using (SignerLanguages.Use(code)) await next(context);
            };

        private static string? EmbeddedLanguageOf(Microsoft.AspNetCore.Components.NavigationManager nav)
        {
            string uri;
            try { uri = nav.Uri; }
            catch (InvalidOperationException) { return null; } // not initialised yet
            var path = nav.ToBaseRelativePath(uri);
            if (!path.StartsWith("embed/sign/", StringComparison.Ordinal)) return null;
            var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(uri).Query);
            var code = query.TryGetValue(EmbeddedPageCulture.Query, out var v) ? v.ToString().Trim().ToLowerInvariant() : null;
            return SignerLanguages.IsSupported(code) ? code : null;
        }
    }

    public static void SetCookie(HttpContext http, string code, DateTimeOffset now) =>
        http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(code)),
            new CookieOptions
            {
                Path = "/", Expires = now.AddYears(1), IsEssential = true, HttpOnly = true,
                SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps,
            });
}
