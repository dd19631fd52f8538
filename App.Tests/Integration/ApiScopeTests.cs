using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ESignWeb.Api;
using ESignWeb.OAuth;
using ESignWeb.Tests.E2E;
using ESignWeb.Tests.Fixtures;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Issue 14, "each endpoint requires one [scope]": every endpoint of every API family names its scope (read from the
/// app's own <see cref="EndpointDataSource"/>, so a new endpoint without one fails here by route), docs/api.md's
/// "Scopes per endpoint" table is that metadata, and over every endpoint a client_credentials token without the scope
/// gets the family's own 403 (<c>insufficient_scope</c>) while one with it gets past the scope check.
/// </summary>
public partial class ApiScopeTests : IClassFixture<ApiScopeTests.App>
{
    /// <summary>The app with a rate limit that ~100 calls of one token set never reach.</summary>
    public sealed class App : IDisposable
    {
        public ESignAppFactory Factory { get; } = new() { Settings = { ["Api:RateLimitPerMinute"] = "100000" } };
        public App() => _ = Factory.Server;
        public void Dispose() => Factory.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private readonly ESignAppFactory _app;
    public ApiScopeTests(App app) => _app = app.Factory;

    /// <summary>One API endpoint: its family, method (null for a family's fallback), route as docs/api.md writes it, and scope metadata.</summary>
    public sealed record ApiRoute(ApiFamily Family, string? Method, string Route, RequiredScope? Scope, bool HasApiPolicy)
    {
        public bool IsFallback => Method is null;
        public override string ToString() => $"{Method ?? "*"} {Route}";
    }

    [GeneratedRegex(@"\{(\*?\w+)(:[^}]*)?\}")]
    private static partial Regex Parameter();

    public static IReadOnlyList<ApiRoute> Routes(IServiceProvider services) =>
        [.. services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Endpoint: e, Path: "/" + Parameter().Replace(e.RoutePattern.RawText ?? "", "{$1}").Trim('/')))
            .Select(x => (x.Endpoint, x.Path, Family: ApiFamilies.Of(new PathString(x.Path))))
            .Where(x => x.Family is not null)
            .SelectMany(x => (x.Endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [null!]).Select(method => new ApiRoute(
                x.Family!, method, x.Path, x.Endpoint.Metadata.GetMetadata<RequiredScope>(),
                x.Endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == ApiEndpoints.Policy))))];

    [Fact]
    public void Every_endpoint_of_every_API_family_requires_a_scope_behind_the_API_policy()
    {
        var routes = Routes(_app.Services);
        Assert.True(routes.Count > 40, $"only {routes.Count} API endpoints found");
        foreach (var family in ApiFamilies.All) Assert.Contains(routes, r => r.Family == family && !r.IsFallback);
        var unscoped = routes.Where(r => r.Scope is null).Select(r => r.ToString()).ToList();
        Assert.True(unscoped.Count == 0, "API endpoints without a scope (add .RequireScope(ApiScopes.…)): " + string.Join(", ", unscoped));
        var open = routes.Where(r => !r.HasApiPolicy).Select(r => r.ToString()).ToList();
        Assert.True(open.Count == 0, "API endpoints outside MapApiGroup (no API policy, no scope check): " + string.Join(", ", open));
    }

    [GeneratedRegex(@"^\| (?<family>[^|]+?) \| `(?<method>[A-Z]+) (?<route>[^`]+)` \| `?(?<scope>[a-z.]+)`? \|$", RegexOptions.Multiline)]
    private static partial Regex DocRow();

    [Fact]
    public async Task Docs_api_md_lists_every_endpoints_scope_as_the_endpoints_declare_it()
    {
        var docs = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "docs", "api.md"));
        var section = docs[docs.IndexOf("### Scopes per endpoint", StringComparison.Ordinal)..];
        section = section[..(section.IndexOf("\n#", 1, StringComparison.Ordinal) is > 0 and var end ? end : section.Length)];
        var documented = DocRow().Matches(section).Select(m => $"{m.Groups["method"].Value} {m.Groups["route"].Value} → {m.Groups["scope"].Value}").ToHashSet();
        var declared = Routes(_app.Services).Where(r => !r.IsFallback).Select(r => $"{r.Method} {r.Route} → {r.Scope?.Scope ?? "(none)"}").ToHashSet();
        var missing = declared.Except(documented).Order().ToList();
        var stale = documented.Except(declared).Order().ToList();
        Assert.True(missing.Count == 0 && stale.Count == 0,
            $"docs/api.md \"Scopes per endpoint\" differs from the endpoints. Not in the docs: [{string.Join("; ", missing)}]. In the docs only: [{string.Join("; ", stale)}].");
        // The table names the family too.
        foreach (Match m in DocRow().Matches(section))
            Assert.StartsWith(ApiFamilies.Of(new PathString(m.Groups["route"].Value))!.Name, m.Groups["family"].Value);
    }

    /// <summary>A concrete request for a route: ids filled in, writes with an empty JSON body (a 400 at worst, past the scope check).</summary>
    private static HttpRequestMessage RequestFor(ApiRoute route, string? method = null)
    {
        var path = Parameter().Replace(route.Route, m => m.Groups[1].Value.StartsWith('*') ? "no-such-path" : "1");
        var request = new HttpRequestMessage(new HttpMethod(method ?? route.Method!), path);
        if (request.Method != HttpMethod.Get && request.Method != HttpMethod.Delete) request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        return request;
    }

    /// <summary>The family's own 403 for a missing scope (docs/api.md "Scopes").</summary>
    public static async Task AssertInsufficientScopeAsync(ApiFamily family, HttpResponseMessage r, string what)
    {
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.Forbidden, $"{what} answered {(int)r.StatusCode}: {body}");
        Assert.Contains("insufficient_scope", r.Headers.WwwAuthenticate.ToString());
        var e = JsonDocument.Parse(body).RootElement;
        if (family == ApiFamilies.SignEasy) Assert.Equal("insufficient_scope", e.GetProperty("error_code").GetString());
        else if (family == ApiFamilies.Box) await BoxApiBaseTests.AssertBoxErrorAsync(new HttpResponseMessage(r.StatusCode) { Content = new StringContent(body, Encoding.UTF8, "application/json") }, HttpStatusCode.Forbidden, "insufficient_scope");
        else if (family == ApiFamilies.DropboxSign) Assert.Equal("forbidden", e.GetProperty("error").GetProperty("error_name").GetString());
        else if (family == ApiFamilies.JSign) Assert.Equal("FORBIDDEN", e.GetProperty("errors")[0].GetProperty("error_code").GetString());
        else Assert.Fail($"no 403 shape known for {family.Name}");
    }

    [Fact]
    public async Task Every_endpoint_refuses_a_token_without_its_scope_in_its_familys_shape_and_passes_one_with_it()
    {
        var owner = await _app.CreateUserAsync($"scopes-{Guid.NewGuid():N}@example.com");
        var oauthApp = await _app.RegisterAppAsync(owner, "Scope walker");
        var tokens = new Dictionary<string, HttpClient>();
        async Task<HttpClient> ClientWith(params string[] scopes)
        {
            var key = string.Join(' ', scopes.Order());
            if (!tokens.TryGetValue(key, out var client)) tokens[key] = client = _app.BearerClient(await _app.TokenAsync(oauthApp, scopes));
            return client;
        }

        var routes = Routes(_app.Services);
        var checkedRoutes = 0;
        foreach (var route in routes)
        {
            if (route.Scope is null)
            {
                // Deny by default (the test above names the route as a failure): even a token with every scope is refused.
                var all = await (await ClientWith([.. ApiScopes.Api])).SendAsync(RequestFor(route, route.Method ?? "GET"));
                await AssertInsufficientScopeAsync(route.Family, all, $"{route} (no scope) with an every-scope token");
                checkedRoutes++;
                continue;
            }
            var scope = route.Scope.Scope;
            if (route.Scope.IsAny)
            {
                // Any API scope will do; a token with none (only offline_access is not an API scope) is refused.
                var with = await (await ClientWith(ApiScopes.Reports)).SendAsync(RequestFor(route, route.Method ?? "GET"));
                Assert.True(with.StatusCode != HttpStatusCode.Forbidden, $"{route} with a reports token answered 403");
                var none = await (await ClientWith()).SendAsync(RequestFor(route, route.Method ?? "GET"));
                await AssertInsufficientScopeAsync(route.Family, none, $"{route} with a token of no API scope");
            }
            else
            {
                // Every other scope (so neither this one nor the write scope that includes it): refused.
                var parent = scope.EndsWith(".read", StringComparison.Ordinal) ? scope[..^5] : scope;
                var lacking = await (await ClientWith([.. ApiScopes.Api.Where(s => s != scope && s != parent)])).SendAsync(RequestFor(route));
                await AssertInsufficientScopeAsync(route.Family, lacking, $"{route} without {scope}");
                var with = await (await ClientWith(scope)).SendAsync(RequestFor(route));
                Assert.True(with.StatusCode != HttpStatusCode.Forbidden, $"{route} with {scope} answered 403: {await with.Content.ReadAsStringAsync()}");
                if (parent != scope)
                {
                    var writer = await (await ClientWith(parent)).SendAsync(RequestFor(route));
                    Assert.True(writer.StatusCode != HttpStatusCode.Forbidden, $"{route} with {parent} (includes {scope}) answered 403");
                }
            }
            checkedRoutes++;
        }
        Assert.Equal(routes.Count, checkedRoutes);
    }

    [Fact]
    public void Without_scope_metadata_only_an_API_key_gets_through()
    {
        Claim[] everyScope = [.. ApiScopes.Api.Select(s => new Claim(ApiScopes.ClaimType, s))];
        var key = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "u"), new Claim(ApiKeyAuthenticationHandler.KeyIdClaim, "1"), .. everyScope], "ApiKey"));
        var token = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "u"), new Claim(ApiKeyAuthenticationHandler.OAuthClientIdClaim, "app"), .. everyScope], "ApiKey"));
        var bare = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "u"), new Claim(ApiKeyAuthenticationHandler.OAuthClientIdClaim, "app")], "ApiKey"));

        Assert.True(ScopeRequirement.Allows(key, null));
        Assert.False(ScopeRequirement.Allows(token, null)); // deny by default, even with every scope
        Assert.True(ScopeRequirement.Allows(token, new RequiredScope(ApiScopes.DocumentsRead)));
        Assert.True(ScopeRequirement.Allows(token, new RequiredScope(RequiredScope.AnyApiScope)));
        Assert.False(ScopeRequirement.Allows(bare, new RequiredScope(RequiredScope.AnyApiScope)));
        Assert.False(ScopeRequirement.Allows(bare, new RequiredScope(ApiScopes.DocumentsRead)));
    }
}
