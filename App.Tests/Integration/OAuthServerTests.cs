using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Duende.IdentityModel;
using Duende.IdentityModel.Client;
using ESignWeb.Data;
using ESignWeb.OAuth;
using ESignWeb.Tests.Fixtures;
using static ESignWeb.Tests.Fixtures.OAuthBrowser;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Abstractions;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// The OAuth 2 authorisation server (issue 14) through a real OAuth client library (Duende.IdentityModel): code + PKCE,
/// refresh rotation, client credentials, revocation, refusals, consent Allow / Deny, and the API accepting the tokens
/// next to API keys. The browser part (sign-in cookie, consent form with its antiforgery token) is an HttpClient with cookies.
/// </summary>
public class OAuthServerTests : IClassFixture<OAuthServerTests.Clock>
{
    /// <summary>One app for the class, on a fake clock (codes expire when it is advanced).</summary>
    public sealed class Clock : IDisposable
    {
        public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);
        public ESignAppFactory App { get; }

        public Clock()
        {
            App = new ESignAppFactory { TestServices = s => s.AddSingleton<TimeProvider>(Time) };
            _ = App.Server;
        }

        public void Dispose() => App.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private const string Password = "Passw0rd!long";
    private const string Redirect = "https://client.example.com/callback";
    private readonly ESignAppFactory _app;
    private readonly FakeTimeProvider _time;

    public OAuthServerTests(Clock clock)
    {
        _app = clock.App;
        _time = clock.Time;
    }

    private sealed record Client(string Id, string? Secret, string OwnerId);

    private async Task<Client> RegisterAppAsync(bool confidential, string? ownerId = null)
    {
        ownerId ??= await _app.CreateUserAsync($"dev-{Guid.NewGuid():N}@example.com", "Dana", "Developer");
        var id = "app-" + Guid.NewGuid().ToString("N");
        var secret = confidential ? "secret-" + Guid.NewGuid().ToString("N") : null;
        using var scope = _app.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>()
            .CreateAsync(OAuthApps.Describe(ownerId, "Acme Signer", [new Uri(Redirect)], confidential, id, secret));
        return new Client(id, secret, ownerId);
    }

    private Task<(HttpClient Browser, string UserId, string Email)> SignedInUserAsync() => _app.SignedInUserAsync(Password);

    private static string AuthorizeUrl(string clientId, string scope, string state, string? challenge, string redirect = Redirect) =>
        OAuthBrowser.AuthorizeUrl(clientId, scope, state, challenge, redirect);

    /// <summary>GET authorize; if the consent page shows, submit its form with <paramref name="decision"/>. Returns the final redirect to the app.</summary>
    private static async Task<Uri> AuthorizeAsync(HttpClient browser, string url, string decision = "allow")
    {
        var response = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        if (location.OriginalString.StartsWith(Redirect, StringComparison.Ordinal)) return location;
        return await OAuthBrowser.DecideAsync(browser, location.OriginalString, decision, "Acme Signer", "Dana Developer");
    }

    private async Task<DiscoveryDocumentResponse> DiscoveryAsync()
    {
        var disco = await _app.CreateClient().GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
        {
            Address = "http://localhost/", Policy = { RequireHttps = false },
        });
        Assert.False(disco.IsError, disco.Error);
        return disco;
    }

    private async Task<TokenResponse> CodeTokenAsync(Client client, string code, string verifier, string redirect = Redirect) =>
        await _app.CreateClient().RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = (await DiscoveryAsync()).TokenEndpoint, ClientId = client.Id, ClientSecret = client.Secret,
            Code = code, RedirectUri = redirect, CodeVerifier = verifier,
        });

    private async Task<TokenResponse> AuthorizedTokensAsync(Client client, HttpClient browser, string scope)
    {
        var (verifier, challenge) = Pkce();
        var back = await AuthorizeAsync(browser, AuthorizeUrl(client.Id, scope, "s-1", challenge));
        var token = await CodeTokenAsync(client, Query(back)["code"], verifier);
        Assert.False(token.IsError, token.Error + " " + token.ErrorDescription);
        return token;
    }

    private HttpClient Bearer(string token)
    {
        var http = _app.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private async Task<List<OAuthEvent>> EventsAsync(string userId) =>
        [.. await _app.Get<OAuthAudit>().ForUserAsync(userId, 50, CancellationToken.None)];

    [Fact]
    public async Task Metadata_is_served_at_both_well_known_paths_with_the_configured_issuer()
    {
        var disco = await DiscoveryAsync();
        Assert.Equal("http://localhost/", disco.Issuer);
        Assert.Equal("http://localhost/oauth/token", disco.TokenEndpoint);
        Assert.Equal("http://localhost/oauth/authorize", disco.AuthorizeEndpoint);
        Assert.Equal("http://localhost/oauth/revoke", disco.RevocationEndpoint);
        Assert.Contains("S256", disco.CodeChallengeMethodsSupported);
        Assert.Contains(ApiScopes.DocumentsRead, disco.ScopesSupported);
        var rfc8414 = JsonDocument.Parse(await _app.CreateClient().GetStringAsync("/.well-known/oauth-authorization-server")).RootElement;
        Assert.Equal("http://localhost/", rfc8414.GetProperty("issuer").GetString());
        Assert.Equal(disco.TokenEndpoint, rfc8414.GetProperty("token_endpoint").GetString());

        // A forged Host header changes no address in the document.
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/.well-known/oauth-authorization-server");
        forged.Headers.Host = "evil.example.com";
        var text = await (await _app.CreateClient().SendAsync(forged)).Content.ReadAsStringAsync();
        Assert.Contains("\"token_endpoint\": \"http://localhost/oauth/token\"", text.Replace("\":\"", "\": \""));
        Assert.DoesNotContain("evil.example.com", text);
    }

    [Fact]
    public async Task Code_with_PKCE_gives_a_token_the_API_accepts_and_state_comes_back()
    {
        var client = await RegisterAppAsync(confidential: false);
        var (browser, userId, email) = await SignedInUserAsync();
        var (verifier, challenge) = Pkce();
        var back = await AuthorizeAsync(browser, AuthorizeUrl(client.Id, "documents.read offline_access", "xyz-state", challenge));
        Assert.StartsWith(Redirect + "?", back.OriginalString);
        Assert.Equal("xyz-state", Query(back)["state"]);

        var token = await CodeTokenAsync(client, Query(back)["code"], verifier);
        Assert.False(token.IsError, token.Error + " " + token.ErrorDescription);
        Assert.Equal("Bearer", token.TokenType);
        Assert.NotNull(token.RefreshToken);
        Assert.InRange(token.ExpiresIn, 3500, 3600); // ESign:OAuth:AccessTokenMinutes, default 60

        var api = Bearer(token.AccessToken!);
        var user = JsonDocument.Parse(await api.GetStringAsync("/v1/user/")).RootElement;
        Assert.Equal(email, user.GetProperty("email").GetString());
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/v1/files/original")).StatusCode);

        // Reference tokens: the client holds a random handle, the database stores only its hash.
        await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var stored = await db.Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreToken>().AsNoTracking().Where(t => t.Subject == userId).ToListAsync();
        Assert.Contains(stored, t => t.Type!.EndsWith("access_token") && t.ReferenceId is { Length: > 0 } && t.Payload is { Length: > 0 });
        Assert.Contains(stored, t => t.Type!.EndsWith("refresh_token"));
        Assert.DoesNotContain(stored, t => t.ReferenceId == token.AccessToken || t.ReferenceId == token.RefreshToken || t.Payload!.Contains(token.AccessToken!));

        var events = await EventsAsync(userId);
        Assert.Contains(events, e => e.Type == OAuthEventType.Authorized && e.ClientId == client.Id && e.Detail.Contains("documents.read"));
        Assert.Contains(events, e => e.Type == OAuthEventType.TokenIssued && e.Detail == "authorization_code");
    }

    [Fact]
    public async Task A_second_authorisation_for_the_same_scopes_skips_the_consent_page()
    {
        var client = await RegisterAppAsync(confidential: false);
        var (browser, _, _) = await SignedInUserAsync();
        await AuthorizedTokensAsync(client, browser, "documents.read");
        var (_, challenge) = Pkce();
        var again = await browser.GetAsync(AuthorizeUrl(client.Id, "documents.read", "again", challenge));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.StartsWith(Redirect + "?", again.Headers.Location!.OriginalString);
        Assert.True(Query(again.Headers.Location).ContainsKey("code"));
    }

    [Fact]
    public async Task A_signed_out_user_is_sent_to_the_login_page_that_returns_to_the_authorize_request()
    {
        var client = await RegisterAppAsync(confidential: false);
        var (_, challenge) = Pkce();
        var url = AuthorizeUrl(client.Id, "documents.read", "st", challenge);
        var anonymous = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var response = await anonymous.GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var login = response.Headers.Location!;
        Assert.Equal("/Account/Login", login.IsAbsoluteUri ? login.AbsolutePath : login.OriginalString.Split('?')[0]);
        Assert.Equal(url, Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(login.Query.Length > 0 ? login.Query : login.OriginalString[login.OriginalString.IndexOf('?')..])["ReturnUrl"].ToString());
    }

    [Fact]
    public async Task Deny_returns_access_denied_and_the_state_to_the_app()
    {
        var client = await RegisterAppAsync(confidential: false);
        var (browser, userId, _) = await SignedInUserAsync();
        var (_, challenge) = Pkce();
        var back = await AuthorizeAsync(browser, AuthorizeUrl(client.Id, "documents", "deny-state", challenge), decision: "deny");
        Assert.StartsWith(Redirect + "?", back.OriginalString);
        var q = Query(back);
        Assert.Equal("access_denied", q["error"]);
        Assert.Equal("deny-state", q["state"]);
        Assert.False(q.ContainsKey("code"));
        Assert.Contains(await EventsAsync(userId), e => e.Type == OAuthEventType.Denied && e.ClientId == client.Id);
    }

    [Fact]
    public async Task Refresh_tokens_rotate_and_a_used_one_is_refused()
    {
        var client = await RegisterAppAsync(confidential: true);
        var (browser, _, _) = await SignedInUserAsync();
        var first = await AuthorizedTokensAsync(client, browser, "documents.read offline_access");
        var disco = await DiscoveryAsync();
        var http = _app.CreateClient();
        var second = await http.RequestRefreshTokenAsync(new RefreshTokenRequest
            { Address = disco.TokenEndpoint, ClientId = client.Id, ClientSecret = client.Secret, RefreshToken = first.RefreshToken! });
        Assert.False(second.IsError, second.Error + " " + second.ErrorDescription);
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, (await Bearer(second.AccessToken!).GetAsync("/v1/user/")).StatusCode);

        var reused = await http.RequestRefreshTokenAsync(new RefreshTokenRequest
            { Address = disco.TokenEndpoint, ClientId = client.Id, ClientSecret = client.Secret, RefreshToken = first.RefreshToken! });
        Assert.True(reused.IsError);
        Assert.Equal(OidcConstants.TokenErrors.InvalidGrant, reused.Error);
    }

    [Fact]
    public async Task Client_credentials_act_for_the_apps_owner_and_public_apps_cannot_use_them()
    {
        var ownerEmail = $"owner-{Guid.NewGuid():N}@example.com";
        var owner = await _app.CreateUserAsync(ownerEmail, "Olga", "Owner");
        var client = await RegisterAppAsync(confidential: true, owner);
        var disco = await DiscoveryAsync();
        var token = await _app.CreateClient().RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
            { Address = disco.TokenEndpoint, ClientId = client.Id, ClientSecret = client.Secret, Scope = "documents.read" });
        Assert.False(token.IsError, token.Error + " " + token.ErrorDescription);
        Assert.Null(token.RefreshToken);
        var user = JsonDocument.Parse(await Bearer(token.AccessToken!).GetStringAsync("/v1/user/")).RootElement;
        Assert.Equal(ownerEmail, user.GetProperty("email").GetString());
        Assert.Contains(await EventsAsync(owner), e => e.Type == OAuthEventType.TokenIssued && e.Detail == "client_credentials");

        var wrongSecret = await _app.CreateClient().RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
            { Address = disco.TokenEndpoint, ClientId = client.Id, ClientSecret = "not-the-secret", Scope = "documents.read" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.HttpStatusCode);
        Assert.Contains("invalid_client", wrongSecret.Raw);

        var publicApp = await RegisterAppAsync(confidential: false);
        var refused = await _app.CreateClient().RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
            { Address = disco.TokenEndpoint, ClientId = publicApp.Id, Scope = "documents.read" });
        Assert.True(refused.IsError);
    }

    [Fact]
    public async Task A_revoked_access_token_stops_working_at_once()
    {
        var client = await RegisterAppAsync(confidential: true);
        var (browser, userId, _) = await SignedInUserAsync();
        var token = await AuthorizedTokensAsync(client, browser, "documents.read");
        var api = Bearer(token.AccessToken!);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/v1/user/")).StatusCode);

        var revoked = await _app.CreateClient().RevokeTokenAsync(new TokenRevocationRequest
        {
            Address = (await DiscoveryAsync()).RevocationEndpoint, ClientId = client.Id, ClientSecret = client.Secret,
            Token = token.AccessToken!, TokenTypeHint = "access_token",
        });
        Assert.False(revoked.IsError, revoked.Error);
        Assert.Contains(await EventsAsync(userId), e => e.Type == OAuthEventType.TokenRevoked && e.ClientId == client.Id);
        var after = await api.GetAsync("/v1/user/");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal("invalid_token", JsonDocument.Parse(await after.Content.ReadAsStringAsync()).RootElement.GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task A_wrong_redirect_uri_is_never_redirected_to()
    {
        var client = await RegisterAppAsync(confidential: false);
        var (browser, _, _) = await SignedInUserAsync();
        var (_, challenge) = Pkce();
        foreach (var wrong in new[] { "https://evil.example.com/callback", Redirect + "/x", Redirect + "?a=1", "https://client.example.com/Callback" })
        {
            var response = await browser.GetAsync(AuthorizeUrl(client.Id, "documents.read", "st", challenge, wrong));
            // The app's own error page (OAuth/AuthorizeErrors), never the unregistered address.
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/oauth/error?problem=RedirectUriNotRegistered", response.Headers.Location!.OriginalString);
        }
    }

    [Fact]
    public async Task A_code_is_refused_with_a_wrong_verifier_a_wrong_redirect_uri_or_after_it_expired()
    {
        var client = await RegisterAppAsync(confidential: false);
        var (browser, _, _) = await SignedInUserAsync();

        var (verifier, challenge) = Pkce();
        var code = Query(await AuthorizeAsync(browser, AuthorizeUrl(client.Id, "documents.read", "a", challenge)))["code"];
        var wrongVerifier = await CodeTokenAsync(client, code, Pkce().Verifier);
        Assert.Equal(OidcConstants.TokenErrors.InvalidGrant, wrongVerifier.Error);

        (verifier, challenge) = Pkce();
        code = Query(await AuthorizeAsync(browser, AuthorizeUrl(client.Id, "documents.read", "b", challenge)))["code"];
        Assert.Equal(OidcConstants.TokenErrors.InvalidGrant, (await CodeTokenAsync(client, code, verifier, "https://evil.example.com/callback")).Error);

        (verifier, challenge) = Pkce();
        code = Query(await AuthorizeAsync(browser, AuthorizeUrl(client.Id, "documents.read", "c", challenge)))["code"];
        _time.Advance(TimeSpan.FromMinutes(6)); // ESign:OAuth:CodeMinutes, default 5
        Assert.Equal(OidcConstants.TokenErrors.InvalidGrant, (await CodeTokenAsync(client, code, verifier)).Error);
    }

    [Fact]
    public async Task Public_apps_must_use_PKCE_with_S256_and_unknown_scopes_are_refused()
    {
        var client = await RegisterAppAsync(confidential: false);
        var (browser, _, _) = await SignedInUserAsync();
        var noPkce = await browser.GetAsync(AuthorizeUrl(client.Id, "documents.read", "p", challenge: null));
        Assert.Equal(HttpStatusCode.Redirect, noPkce.StatusCode);
        Assert.Equal("invalid_request", Query(noPkce.Headers.Location!)["error"]);
        Assert.Equal("p", Query(noPkce.Headers.Location!)["state"]);

        var plain = await browser.GetAsync(new RequestUrl("/oauth/authorize").CreateAuthorizeUrl(client.Id, "code", "documents.read", Redirect, "q",
            codeChallenge: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ", codeChallengeMethod: "plain"));
        Assert.Equal("invalid_request", Query(plain.Headers.Location!)["error"]);

        var (_, challenge) = Pkce();
        var unknown = await browser.GetAsync(AuthorizeUrl(client.Id, "documents.read everything", "u", challenge));
        // The client and redirect URI are valid: the error goes back to the app with its state (RFC 6749 §4.1.2.1).
        Assert.Equal(HttpStatusCode.Redirect, unknown.StatusCode);
        Assert.StartsWith(Redirect + "?", unknown.Headers.Location!.OriginalString);
        Assert.Equal("invalid_scope", Query(unknown.Headers.Location!)["error"]);
        Assert.Equal("u", Query(unknown.Headers.Location!)["state"]);
    }

    [Fact]
    public async Task A_token_gets_each_familys_403_shape_without_the_scope_and_an_API_key_has_every_scope()
    {
        var client = await RegisterAppAsync(confidential: true);
        var (browser, userId, _) = await SignedInUserAsync();
        var token = await AuthorizedTokensAsync(client, browser, "webhooks.read");
        var api = Bearer(token.AccessToken!);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/v1/user/")).StatusCode); // the user object: any API scope will do

        var signEasy = await api.GetAsync("/v1/files/original");
        Assert.Equal(HttpStatusCode.Forbidden, signEasy.StatusCode);
        Assert.Equal("insufficient_scope", JsonDocument.Parse(await signEasy.Content.ReadAsStringAsync()).RootElement.GetProperty("error_code").GetString());
        var box = await api.GetAsync("/2.0/sign_requests");
        Assert.Equal(HttpStatusCode.Forbidden, box.StatusCode);
        Assert.Equal("insufficient_scope", JsonDocument.Parse(await box.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        var dropbox = await api.PostAsync("/v3/report/create", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.Forbidden, dropbox.StatusCode);
        Assert.Equal("forbidden", JsonDocument.Parse(await dropbox.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("error_name").GetString());
        var jsign = await api.PostAsync("/v2.0/envelopes/list", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, jsign.StatusCode);
        Assert.Contains("FORBIDDEN", await jsign.Content.ReadAsStringAsync());

        // A write scope includes its read-only variant.
        var writer = await AuthorizedTokensAsync(await RegisterAppAsync(confidential: true), browser, "requests");
        Assert.Equal(HttpStatusCode.OK, (await Bearer(writer.AccessToken!).GetAsync("/2.0/sign_requests")).StatusCode);

        // The API-key path is unchanged: a key reaches every endpoint, an unknown bearer is the family's 401.
        var (keyed, _) = await _app.ApiClientAsync(userId);
        Assert.Equal(HttpStatusCode.OK, (await keyed.GetAsync("/v1/files/original")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await keyed.GetAsync("/2.0/sign_requests")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await keyed.PostAsync("/v2.0/envelopes/list", new StringContent("{}", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Bearer("not-a-token").GetAsync("/2.0/sign_requests")).StatusCode);
    }

    [Fact]
    public async Task Tokens_and_keys_survive_a_restart()
    {
        var dir = Directory.CreateTempSubdirectory("esign-oauth-").FullName;
        string accessToken;
        string? connection;
        await using (var first = new ESignAppFactory { DataDir = dir, KeepData = true })
        {
            var owner = await first.CreateUserAsync($"restart-{Guid.NewGuid():N}@example.com");
            using (var scope = first.Services.CreateScope())
                await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>()
                    .CreateAsync(OAuthApps.Describe(owner, "Restart app", [new Uri(Redirect)], confidential: true, "restart-app", "restart-secret"));
            var token = await first.CreateClient().RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
                { Address = "http://localhost/oauth/token", ClientId = "restart-app", ClientSecret = "restart-secret", Scope = "documents.read" });
            Assert.False(token.IsError, token.Error);
            accessToken = token.AccessToken!;
            connection = first.ConnectionString;
        }
        Assert.False(File.Exists(Path.Combine(dir, "keys", "oauth-keys.bin"))); // shared in the database since issue 15 (SharedKeysTests)
        await using var second = new ESignAppFactory { DataDir = dir, ConnectionString = connection };
        var api = second.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/v1/files/original")).StatusCode);
    }

    [Fact]
    public async Task With_a_token_X_Client_ID_must_be_the_tokens_app()
    {
        var client = await RegisterAppAsync(confidential: true);
        var token = await _app.CreateClient().RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
            { Address = "http://localhost/oauth/token", ClientId = client.Id, ClientSecret = client.Secret, Scope = "documents.read" });
        var api = Bearer(token.AccessToken!);
        api.DefaultRequestHeaders.Add("X-Client-ID", client.Id);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/v1/user/")).StatusCode);
        var other = Bearer(token.AccessToken!);
        other.DefaultRequestHeaders.Add("X-Client-ID", "someone-elses-app");
        var refused = await other.GetAsync("/v1/user/");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("invalid_token", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error_code").GetString());
    }
}
