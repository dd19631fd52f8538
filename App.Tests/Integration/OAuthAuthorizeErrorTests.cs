using System.Net;
using Duende.IdentityModel;
using Duende.IdentityModel.Client;
using ESignWeb.OAuth;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Refused authorisation requests (RFC 6749 §4.1.2.1): when the client and its exact redirect URI are valid, the error
/// (<c>invalid_scope</c>, <c>unsupported_response_type</c>, ...) goes back to the redirect URI with <c>state</c> and no
/// code; only an unknown client or a redirect URI it did not register gets a page — the app's own (<c>/oauth/error</c>,
/// layout and plain words, 400), never OpenIddict's bare 400 and never a redirect to the unregistered address.
/// </summary>
public class OAuthAuthorizeErrorTests : IClassFixture<OAuthAuthorizeErrorTests.Server>
{
    public sealed class Server : IDisposable
    {
        public ESignAppFactory App { get; } = new();
        public string ClientId { get; } = "app-" + Guid.NewGuid().ToString("N");

        public Server()
        {
            var owner = App.CreateUserAsync($"dev-{Guid.NewGuid():N}@example.com", "Dana", "Developer").GetAwaiter().GetResult();
            using var scope = App.Services.CreateScope();
            scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>()
                .CreateAsync(OAuthApps.Describe(owner, "Acme Signer", [new Uri(Redirect)], confidential: false, ClientId, null))
                .AsTask().GetAwaiter().GetResult();
        }

        public void Dispose() => App.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private const string Redirect = "https://client.example.com/callback";
    private const string State = "st-8f2a";
    private const string Challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGmSfs7qPM"; // any S256 challenge (43 base64url chars)
    private readonly Server _server;

    public OAuthAuthorizeErrorTests(Server server) => _server = server;

    private HttpClient Browser() => _server.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private static string Url(string? clientId, string? responseType, string scope, string? redirect = Redirect)
    {
        var query = new Dictionary<string, string?>
        {
            ["client_id"] = clientId, ["response_type"] = responseType, ["scope"] = scope, ["redirect_uri"] = redirect,
            ["state"] = State, ["code_challenge"] = Challenge, ["code_challenge_method"] = "S256",
        };
        return QueryHelpers.AddQueryString("/oauth/authorize", query.Where(p => p.Value is not null));
    }

    private static Dictionary<string, string> Query(Uri uri) =>
        QueryHelpers.ParseQuery(uri.Query).ToDictionary(kv => kv.Key, kv => kv.Value.ToString());

    /// <summary>The answer went back to the app: its exact redirect URI, the error, our state, no code.</summary>
    private static void AssertBackToApp(HttpResponseMessage response, string error)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal(Redirect, location.GetLeftPart(UriPartial.Path));
        var q = Query(location);
        Assert.Equal(error, q["error"]);
        Assert.Equal(State, q["state"]);
        Assert.False(q.ContainsKey("code"));
        Assert.True(q.ContainsKey("iss"));
    }

    [Theory]
    [InlineData("documents nonsense")]      // one unknown scope among known ones
    [InlineData("admin")]                    // only an unknown scope
    [InlineData("documents.write")]          // a plausible but unknown variant
    [InlineData("\"documents\"")]            // malformed (quoted)
    public async Task An_unknown_or_malformed_scope_goes_back_to_the_app_as_invalid_scope_with_state(string scope)
    {
        using var browser = Browser();
        AssertBackToApp(await browser.GetAsync(Url(_server.ClientId, "code", scope)), OpenIddictConstants.Errors.InvalidScope);
    }

    [Theory]
    [InlineData("token")]        // implicit flow: not offered
    [InlineData("code token")]   // hybrid: not offered
    [InlineData("bogus")]
    public async Task An_unsupported_response_type_goes_back_to_the_app_as_unsupported_response_type_with_state(string responseType)
    {
        using var browser = Browser();
        AssertBackToApp(await browser.GetAsync(Url(_server.ClientId, responseType, "documents")), OpenIddictConstants.Errors.UnsupportedResponseType);
    }

    [Fact]
    public async Task A_missing_response_type_goes_back_to_the_app_as_invalid_request_with_state()
    {
        using var browser = Browser();
        AssertBackToApp(await browser.GetAsync(Url(_server.ClientId, null, "documents")), OpenIddictConstants.Errors.InvalidRequest);
    }

    [Fact]
    public async Task The_consent_form_posted_with_an_unknown_scope_also_goes_back_to_the_app()
    {
        using var browser = Browser();
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = _server.ClientId, ["response_type"] = "code", ["scope"] = "documents nonsense", ["redirect_uri"] = Redirect,
            ["state"] = State, ["code_challenge"] = Challenge, ["code_challenge_method"] = "S256", ["decision"] = "allow",
        });
        AssertBackToApp(await browser.PostAsync("/oauth/authorize", form), OpenIddictConstants.Errors.InvalidScope);
    }

    public static TheoryData<string, string> NoValidAppOrRedirect => new()
    {
        { Url("esa_nosuchapp", "code", "documents"), nameof(AuthorizeProblem.UnknownApp) },
        { Url("esa_nosuchapp", "bogus", "nonsense"), nameof(AuthorizeProblem.UnknownApp) },
        { Url(null, "code", "documents"), nameof(AuthorizeProblem.UnknownApp) },
        { "/oauth/authorize", nameof(AuthorizeProblem.UnknownApp) },
    };

    [Theory]
    [MemberData(nameof(NoValidAppOrRedirect))]
    public async Task An_unknown_client_gets_the_apps_own_error_page_and_nothing_goes_to_the_redirect_uri(string url, string problem) =>
        await AssertOwnPageAsync(url, problem, "This app is not known here");

    [Theory]
    [InlineData("https://evil.example.com/callback", "code", "documents")]
    [InlineData("https://client.example.com/callback/", "code", "documents")]   // not the exact registered URI
    [InlineData("https://client.example.com/callback", "code", "documents", true)] // the registered URI with a #fragment
    [InlineData("https://evil.example.com/callback", "bogus", "nonsense")]      // a bad request AND a bad redirect: the page
    [InlineData("not a uri", "code", "documents")]
    public async Task A_redirect_uri_the_app_did_not_register_gets_the_apps_own_error_page(string redirect, string responseType, string scope,
        bool withFragment = false)
    {
        var url = Url(_server.ClientId, responseType, scope, withFragment ? redirect + "#frag" : redirect);
        await AssertOwnPageAsync(url, nameof(AuthorizeProblem.RedirectUriNotRegistered), "link does not work");
    }

    private async Task AssertOwnPageAsync(string url, string problem, string title)
    {
        using var browser = Browser();
        var response = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.Equal("/oauth/error?problem=" + problem, location);

        var page = await browser.GetAsync(location);
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.StartsWith("text/html", page.Content.Headers.ContentType?.ToString());
        var html = await page.Content.ReadAsStringAsync();
        Assert.Matches($"<title>[^<]*{title}</title>", html);
        Assert.Contains("Nothing was shared with", html);
        Assert.Contains("<main", html);                       // the app's layout, not a bare status page
        Assert.DoesNotContain("OpenIddict", html);
        Assert.DoesNotContain("Exception", html);
        Assert.DoesNotContain("client.example.com", html);
        Assert.DoesNotContain("evil.example.com", html);
    }
}
