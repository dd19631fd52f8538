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
        services.Configure<RequestLocalizationOptions>(o =>
        {
            var cultures = SignerLanguages.Supported.Select(CultureInfo.GetCultureInfo).ToList();
            o.DefaultRequestCulture = new RequestCulture(SignerLanguages.Default);
            o.SupportedCultures = cultures;
            o.SupportedUICultures = cultures;
            o.FallBackToParentCultures = true;    // de-AT → de
            o.FallBackToParentUICultures = true;
            o.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
        return services;
    }

    /// <summary>
    /// <c>GET /sign/{token}/language?culture=de</c>: the signing page's language menu. Sets the standard culture cookie,
    /// remembers the choice for the signer's later mails, and goes back to the signing page.
    /// </summary>
    public static void MapSignerLanguageEndpoint(this IEndpointRouteBuilder app) =>
        app.MapGet("/sign/{token}/language", async (string token, string? culture, Signing.SigningService signing, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        {
            if (!SignerLanguages.IsSupported(culture)) return Results.BadRequest();
            SetCookie(http, culture!, clock.GetUtcNow());
            await signing.SetLanguageAsync(token, culture!, ct);
            return Results.LocalRedirect($"{http.Request.PathBase}/sign/{Uri.EscapeDataString(token)}");
        });

    public static void SetCookie(HttpContext http, string code, DateTimeOffset now) =>
        http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(code)),
            new CookieOptions
            {
                Path = "/", Expires = now.AddYears(1), IsEssential = true, HttpOnly = true,
                SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps,
            });
}
