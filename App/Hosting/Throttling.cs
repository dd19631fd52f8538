using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ESignWeb.Hosting;

/// <summary>
/// Per-client-IP limits (ASP.NET Core's rate limiter, fixed one-minute windows) on what an attacker without an
/// account can repeat: sign-in posts, account forms that send mail or set a password, and every request addressed by a
/// token (<c>/sign/{token}…</c>, <c>/embed/…</c>, <c>/copy/…</c>, e-mail confirmation links). The client IP is the one
/// resolved by <see cref="ProxyHeaders"/>; IPv6 clients are counted per /64 (one subscriber's prefix). A signing
/// page's interactive actions travel over the Blazor circuit (<c>/_blazor</c>), which is not counted: only the page
/// load and its HTTP endpoints are. Refusals are 429 with Retry-After and a plain page.
/// </summary>
public static class Throttling
{
    public const string SignIn = "sign-in", Account = "account", TokenLookup = "token-lookup", DocumentRange = "document-range", Verify = "verify";

    /// <summary>
    /// A viewer reads a large PDF in 256 KiB ranges (a 50 MB file is 200 requests): range reads of a token's document
    /// count against their own budget, this many times the token look-ups' — the first, whole-file request of each
    /// opening still counts as a look-up, so guessing tokens gains nothing from ranges.
    /// </summary>
    public const int DocumentRangesPerLookup = 10;

    public static IServiceCollection AddESignThrottling(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<ESignOptions>>((o, esign) =>
        {
            var limits = esign.Value.RateLimits;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, (string Rule, string Client)>(http =>
            {
                var rule = RuleFor(http.Request);
                var permits = rule switch
                {
                    SignIn => limits.SignInPerMinute,
                    Account => limits.AccountPerMinute,
                    TokenLookup => limits.TokenLookupsPerMinute,
                    DocumentRange => limits.TokenLookupsPerMinute * DocumentRangesPerLookup,
                    Verify => limits.VerifyPerMinute,
                    _ => 0,
                };
                if (rule is null || permits <= 0) return RateLimitPartition.GetNoLimiter(("", ""));
                return RateLimitPartition.GetFixedWindowLimiter((rule, ClientKey(http.Connection.RemoteIpAddress)), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = permits,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after)
                    ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 60;
                // The token stays out of the log: only the rule and the client address.
                http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Throttling))
                    .LogWarning("Rate limit {Rule} reached by {Client}", RuleFor(http.Request), http.Connection.RemoteIpAddress);
                SecurityHeaders.Apply(http, [], esign.Value.PublicUrlIsHttps);
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                http.Response.Headers.CacheControl = "no-store";
                http.Response.ContentType = "text/html; charset=utf-8";
                await http.Response.WriteAsync(RuleFor(http.Request) == Verify ? VerifyPage(seconds) : Page(seconds), ct);
            };
        });
        return services;
    }

    /// <summary>After the forwarded-headers rule (the client's address is known), before anything that looks a token up.</summary>
    public static IApplicationBuilder UseESignThrottling(this IApplicationBuilder app) => app.UseRateLimiter();

    /// <summary>Which limit a request counts against, or null.</summary>
    public static string? RuleFor(HttpRequest request)
    {
        var path = request.Path;
        if (HttpMethods.IsPost(request.Method))
        {
            // Not /Account/PasskeyRequestOptions: the sign-in page asks for a passkey challenge on every load, which
            // proves nothing and would spend a person's sign-in attempts before they typed anything.
            if (Is(path, "/Account/Login") || Is(path, "/Account/LoginWith2fa") || Is(path, "/Account/LoginWithRecoveryCode"))
                return SignIn;
            if (Is(path, "/Account/Register") || Is(path, "/Account/ForgotPassword") || Is(path, "/Account/ResetPassword") ||
                Is(path, "/Account/ResendEmailConfirmation"))
                return Account;
            if (Is(path, "/verify")) return Verify; // each check hashes an upload: the page itself (GET) is free
        }
        if (HttpMethods.IsGet(request.Method) && request.Headers.Range.Count > 0 &&
            (path.StartsWithSegments("/sign") || path.StartsWithSegments("/embed")) &&
            path.Value!.EndsWith("/document", StringComparison.Ordinal))
            return DocumentRange;
        if (HttpMethods.IsGet(request.Method) && path.StartsWithSegments("/reports", out var reportRest) && reportRest.Value is { Length: > 1 })
            return TokenLookup; // a report's download link (Reports/ReportDownloads), not the Reports page itself
        if (path.StartsWithSegments("/sign") || path.StartsWithSegments("/embed") || path.StartsWithSegments("/copy") ||
            Is(path, "/Account/ConfirmEmail") || Is(path, "/Account/ConfirmEmailChange"))
            return TokenLookup;
        return null;
    }

    private static bool Is(PathString path, string page) =>
        path.StartsWithSegments(page, StringComparison.OrdinalIgnoreCase, out var rest) && (!rest.HasValue || rest.Value == "/");

    /// <summary>The partition of a client: its IPv4 address, or its IPv6 /64 prefix.</summary>
    public static string ClientKey(IPAddress? ip)
    {
        if (ip is null) return "unknown";
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return ip.ToString();
        var bytes = ip.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>The verify page's refusal: too many files checked from one network.</summary>
    private static string VerifyPage(int seconds) => Refusal("Too many checks",
        $"""
        <p>Too many checks, try again in {seconds} seconds. (Too many files were checked from your network in the last minute.)</p>
        <p><a href="/verify">Back to the verify page</a></p>
        """);

    private static string Page(int seconds) => Refusal("Too many attempts",
        $"<p>Too many requests came from your network in the last minute. Please wait {seconds} seconds, then try again.</p>");

    /// <summary>The one plain HTML page a throttled request gets: a title, a heading and the refusal's words.</summary>
    private static string Refusal(string title, string body) => $"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{title}</title></head>
        <body style="font-family:sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem">
        <h1>{title}</h1>
        {body}
        </body></html>
        """;
}
