using System.Security.Cryptography;
using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ESignWeb.Hosting;

/// <summary>
/// The response headers every answer carries — one Content-Security-Policy built in one place
/// (<see cref="ContentSecurityPolicy"/>), framing rules, nosniff, no referrer — and, when <c>ESign:PublicBaseUrl</c> is
/// https, HSTS and <c>Secure</c> cookies.
/// </summary>
public static class SecurityHeaders
{
    public const string HstsValue = "max-age=31536000";

    public static IApplicationBuilder UseESignSecurityHeaders(this IApplicationBuilder app)
    {
        var https = app.ApplicationServices.GetRequiredService<IOptions<ESignOptions>>().Value.PublicUrlIsHttps;
        if (https)
        {
            // Identity's and antiforgery's cookies: Secure even when TLS ends at a proxy; never looser than Lax.
            app.UseCookiePolicy(new CookiePolicyOptions
            {
                Secure = CookieSecurePolicy.Always,
                MinimumSameSitePolicy = Microsoft.AspNetCore.Http.SameSiteMode.Lax,
                HttpOnly = HttpOnlyPolicy.Always,
            });
        }
        return app.Use(async (ctx, next) =>
        {
            // Framing: embedded pages only by their owner's allowed origins; everything else never (clickjacking).
            IReadOnlyList<string> ancestors = [];
            if ((ctx.Request.Path.StartsWithSegments("/embed/sign", out var rest) || ctx.Request.Path.StartsWithSegments("/embed/send", out rest))
                && HttpMethods.IsGet(ctx.Request.Method))
            {
                ancestors = await ctx.RequestServices.GetRequiredService<Embedding.EmbeddedLinks>()
                    .OriginsForAsync(rest.Value?.Trim('/').Split('/')[0], ctx.RequestAborted);
            }
            Apply(ctx, ancestors, https);
            await next();
        });
    }

    /// <summary>Sets the headers (also used for answers written before the pipeline's end, e.g. 429).</summary>
    public static void Apply(HttpContext ctx, IReadOnlyList<string> frameAncestors, bool https)
    {
        var h = ctx.Response.Headers;
        h[HeaderNames.XContentTypeOptions] = "nosniff";
        h["Referrer-Policy"] = "no-referrer"; // signing links carry their token in the path
        h[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy.For(ctx, frameAncestors);
        if (frameAncestors.Count == 0) h[HeaderNames.XFrameOptions] = "DENY";
        else h.Remove(HeaderNames.XFrameOptions);
        if (https) h[HeaderNames.StrictTransportSecurity] = HstsValue;
    }
}

/// <summary>
/// The one Content-Security-Policy. Scripts only from this origin, plus the inline import map Blazor writes, which
/// carries a per-request nonce (App.razor); no 'unsafe-inline' or 'unsafe-eval' for scripts. 'wasm-unsafe-eval'
/// lets PDF.js compile its WebAssembly image decoders (it does not allow JavaScript eval). MudBlazor and PDF.js set
/// inline styles, so styles allow 'unsafe-inline'. The Blazor circuit's WebSocket is same-origin ('self' covers ws/wss).
/// The API reference at /scalar (no user data) bootstraps with an inline module script and gets 'unsafe-inline'
/// for scripts there only.
/// </summary>
public static class ContentSecurityPolicy
{
    private const string NonceKey = "esign.csp-nonce";

    /// <summary>This request's nonce for inline scripts the app writes itself (random, 128 bits).</summary>
    public static string NonceOf(HttpContext ctx)
    {
        if (ctx.Items[NonceKey] is string n) return n;
        n = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        ctx.Items[NonceKey] = n;
        return n;
    }

    public static string For(HttpContext ctx, IReadOnlyList<string> frameAncestors)
    {
        var scripts = ctx.Request.Path.StartsWithSegments("/scalar")
            ? "'self' 'unsafe-inline'"
            : $"'self' 'nonce-{NonceOf(ctx)}' 'wasm-unsafe-eval'";
        return string.Join("; ",
            "default-src 'self'",
            "script-src " + scripts,
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            Embedding.FramingPolicy.FrameAncestors(frameAncestors));
    }
}
