using ESignWeb.Domain;
using ESignWeb.OAuth;

namespace ESignWeb.Api;

/// <summary>
/// One API family ESignWeb speaks (SignEasy, Box, …): the paths it owns and the shape its refusals take. Everything that
/// answers an API client outside an endpoint — authentication, rate limits, body limits, trailing slashes, the OpenAPI
/// document — asks <see cref="ApiFamilies.Of(PathString)"/> which family a path belongs to, so a new family is one class
/// and one line in <see cref="ApiFamilies.All"/>, not another <c>StartsWith</c> in each of those places.
/// </summary>
public abstract class ApiFamily
{
    /// <summary>Short name (OpenAPI tags, logs).</summary>
    public abstract string Name { get; }

    /// <summary>The path prefixes the family owns (segment-wise, e.g. <c>/v1</c>).</summary>
    public abstract IReadOnlyList<PathString> Prefixes { get; }

    /// <summary>Whether <c>/x/</c> is answered as <c>/x</c> (SignEasy clients send both).</summary>
    public virtual bool TrailingSlashOptional => false;

    /// <summary>The family's error body and status for a refusal with its specific reason (and the input it is about, when the family's shape names one).</summary>
    public abstract IResult Error(HttpContext http, ApiErrorCode code, string reason, string? field = null);

    public IResult From(HttpContext http, AppException ex)
    {
        if (ex.RetryAfter is { } after)
            http.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(after.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Error(http, ex.Code, ex.Message, ex.Field);
    }

    /// <summary>Writes a refusal outside an endpoint (authentication, body limits).</summary>
    public Task WriteErrorAsync(HttpContext http, ApiErrorCode code, string reason) => Error(http, code, reason).ExecuteAsync(http);

    public bool Owns(PathString path) => Prefixes.Any(p => path.StartsWithSegments(p, StringComparison.Ordinal));
}

/// <summary>The families, in one place.</summary>
public static class ApiFamilies
{
    public static readonly ApiFamily SignEasy = new SignEasyFamily();
    public static readonly ApiFamily Box = new Box.BoxFamily();
    public static readonly ApiFamily DropboxSign = new DropboxSign.DropboxSignFamily();
    public static readonly ApiFamily JSign = new JSign.JSignFamily();

    public static IReadOnlyList<ApiFamily> All { get; } = [SignEasy, Box, DropboxSign, JSign];

    /// <summary>The family that owns the path; null for the app's own pages and endpoints.</summary>
    public static ApiFamily? Of(PathString path) => All.FirstOrDefault(f => f.Owns(path));

    /// <summary>A family's route group: API-key and OAuth auth, per-key rate limits, OAuth scopes, service refusals in the family's error shape.</summary>
    public static RouteGroupBuilder MapApiGroup(this WebApplication app, string prefix, ApiFamily family, string tag) =>
        app.MapGroup(prefix)
            .RequireAuthorization(ApiEndpoints.Policy)
            .AddEndpointFilter((context, next) => context.HttpContext.RequestServices.GetRequiredService<ApiRateLimits>().FilterAsync(context, next))
            .EnforceScopes(family) // each endpoint's OAuth scope (OAuth/ScopeRequirement); none: closed to access tokens
            .AddEndpointFilter(async (context, next) =>
            {
                try { return await next(context); }
                catch (AppException ex) { return family.From(context.HttpContext, ex); }
            })
            .DisableAntiforgery()
            .WithTags(tag);

    private sealed class SignEasyFamily : ApiFamily
    {
        public override string Name => "SignEasy";
        public override IReadOnlyList<PathString> Prefixes { get; } = [new("/v1"), new("/v2")];
        public override bool TrailingSlashOptional => true;
        public override IResult Error(HttpContext http, ApiErrorCode code, string reason, string? field = null) => ApiJson.Error(code, reason);
    }
}
