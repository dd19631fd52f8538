using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Duende.IdentityModel;
using Duende.IdentityModel.Client;
using ESignWeb.OAuth;
using ESignWeb.Tests.Fixtures;
using static ESignWeb.Tests.Fixtures.OAuthBrowser;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Apps registered through Settings → Developer apps (<see cref="DeveloperApps"/>) against the real authorisation
/// server, with a real OAuth client library (Duende.IdentityModel): code + PKCE, the user's Authorised apps list and
/// its Revoke, client credentials across a secret rotation and a deletion, and the OAuth log of each step.
/// </summary>
public class DeveloperAppsFlowTests : IClassFixture<ESignAppFactory>
{
    private const string Password = "Passw0rd!long";
    private const string Redirect = "https://client.example.com/callback";
    private const string TokenEndpoint = "http://localhost/oauth/token";
    private readonly ESignAppFactory _app;

    public DeveloperAppsFlowTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    private DeveloperApps Apps => _app.Get<DeveloperApps>();
    private AuthorisedApps Authorised => _app.Get<AuthorisedApps>();

    [Fact]
    public async Task Code_with_PKCE_for_a_Settings_app_is_listed_in_Authorised_apps_and_Revoke_stops_its_access_and_refresh_tokens()
    {
        var owner = await _app.CreateUserAsync($"owner-{Guid.NewGuid():N}@example.com", "Dana", "Developer");
        var made = await Apps.RegisterAsync(owner, new DeveloperAppInput("Contract sync", Redirect));
        var (browser, userId, email) = await SignedInUserAsync();

        var (verifier, challenge) = Pkce();
        var back = await AuthorizeAsync(browser, AuthorizeUrl(made.App.ClientId, "documents.read reports offline_access", "st-1", challenge), "Contract sync");
        Assert.Equal("st-1", Query(back)["state"]);
        var first = await _app.CreateClient().RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = TokenEndpoint, ClientId = made.App.ClientId, ClientSecret = made.ClientSecret,
            Code = Query(back)["code"], RedirectUri = Redirect, CodeVerifier = verifier,
        });
        Assert.False(first.IsError, first.Error + " " + first.ErrorDescription);
        Assert.NotNull(first.RefreshToken);
        var me = JsonDocument.Parse(await Bearer(first.AccessToken!).GetStringAsync("/v1/user/")).RootElement;
        Assert.Equal(email, me.GetProperty("email").GetString());

        // The authorisation the server made (subject = the user's id, permanent, valid) is what Authorised apps lists.
        var row = Assert.Single(await Authorised.ListAsync(userId));
        Assert.Equal(made.App.Id, row.ApplicationId);
        Assert.Equal("Contract sync", row.Name);
        Assert.Equal(["documents.read", "offline_access", "reports"], row.Scopes);
        Assert.NotNull(row.AllowedAt);
        Assert.NotNull(row.LastUsedAt);
        Assert.True(row.LastUsedAt >= row.AllowedAt, $"last use {row.LastUsedAt:O} before allowed {row.AllowedAt:O}");
        Assert.Empty(await Authorised.ListAsync(owner)); // the owner allowed nothing

        // A refresh (rotated) is a later use.
        var second = await _app.CreateClient().RequestRefreshTokenAsync(new RefreshTokenRequest
            { Address = TokenEndpoint, ClientId = made.App.ClientId, ClientSecret = made.ClientSecret, RefreshToken = first.RefreshToken! });
        Assert.False(second.IsError, second.Error + " " + second.ErrorDescription);
        var afterRefresh = Assert.Single(await Authorised.ListAsync(userId));
        Assert.True(afterRefresh.LastUsedAt >= row.LastUsedAt, $"last use went back: {afterRefresh.LastUsedAt:O} < {row.LastUsedAt:O}");
        Assert.Equal(HttpStatusCode.OK, (await Bearer(second.AccessToken!).GetAsync("/v1/user/")).StatusCode);

        Assert.Equal(1, await Authorised.RevokeAsync(userId, made.App.Id));

        Assert.Empty(await Authorised.ListAsync(userId));
        await AssertRefusedOnTheApiAsync(second.AccessToken!);
        var refreshed = await _app.CreateClient().RequestRefreshTokenAsync(new RefreshTokenRequest
            { Address = TokenEndpoint, ClientId = made.App.ClientId, ClientSecret = made.ClientSecret, RefreshToken = second.RefreshToken! });
        Assert.True(refreshed.IsError);
        Assert.Equal(OidcConstants.TokenErrors.InvalidGrant, refreshed.Error);
        Assert.Single(await Apps.ListAsync(owner)); // the app itself stays

        var events = await EventsAsync(userId);
        Assert.Contains(events, e => e.Type == OAuthEventType.Authorized && e.ClientId == made.App.ClientId);
        Assert.Contains(events, e => e.Type == OAuthEventType.TokenIssued && e.Detail == "refresh_token");
        var revoked = Assert.Single(events, e => e.Type == OAuthEventType.AuthorizationRevoked);
        Assert.Equal(made.App.ClientId, revoked.ClientId);
        Assert.Equal("documents.read offline_access reports", revoked.Detail);
        Assert.Equal(OAuthEventType.AuthorizationRevoked, events[0].Type); // the newest event
    }

    [Fact]
    public async Task A_public_Settings_app_must_use_PKCE_and_needs_no_secret()
    {
        var owner = await _app.CreateUserAsync($"owner-{Guid.NewGuid():N}@example.com", "Dana", "Developer");
        var made = await Apps.RegisterAsync(owner, new DeveloperAppInput("Phone app", Redirect, DeveloperAppKind.Public));
        Assert.Null(made.ClientSecret);
        var (browser, _, _) = await SignedInUserAsync();

        var noPkce = await browser.GetAsync(AuthorizeUrl(made.App.ClientId, "documents.read", "p", challenge: null));
        Assert.Equal(HttpStatusCode.Redirect, noPkce.StatusCode);
        Assert.Equal("invalid_request", Query(noPkce.Headers.Location!)["error"]);
        Assert.Equal("p", Query(noPkce.Headers.Location!)["state"]);

        var (verifier, challenge) = Pkce();
        var back = await AuthorizeAsync(browser, AuthorizeUrl(made.App.ClientId, "documents.read", "q", challenge), "Phone app");
        var token = await _app.CreateClient().RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
            { Address = TokenEndpoint, ClientId = made.App.ClientId, Code = Query(back)["code"], RedirectUri = Redirect, CodeVerifier = verifier });
        Assert.False(token.IsError, token.Error + " " + token.ErrorDescription);
        Assert.Equal(HttpStatusCode.OK, (await Bearer(token.AccessToken!).GetAsync("/v1/user/")).StatusCode);
    }

    [Fact]
    public async Task Client_credentials_follow_RotateSecret_and_Delete_stops_the_apps_tokens_and_its_client_id_at_once()
    {
        var ownerEmail = $"owner-{Guid.NewGuid():N}@example.com";
        var owner = await _app.CreateUserAsync(ownerEmail, "Olga", "Owner");
        var made = await Apps.RegisterAsync(owner, new DeveloperAppInput("Nightly export", Redirect));

        var token = await ClientCredentialsAsync(made.App.ClientId, made.ClientSecret!);
        Assert.False(token.IsError, token.Error + " " + token.ErrorDescription);
        var api = Bearer(token.AccessToken!);
        Assert.Equal(ownerEmail, JsonDocument.Parse(await api.GetStringAsync("/v1/user/")).RootElement.GetProperty("email").GetString());

        var rotated = await Apps.RotateSecretAsync(owner, made.App.Id);
        var old = await ClientCredentialsAsync(made.App.ClientId, made.ClientSecret!);
        Assert.Equal(HttpStatusCode.Unauthorized, old.HttpStatusCode);
        Assert.Equal(OidcConstants.TokenErrors.InvalidClient, ErrorOf(old));
        var fresh = await ClientCredentialsAsync(made.App.ClientId, rotated.ClientSecret!);
        Assert.False(fresh.IsError, fresh.Error + " " + fresh.ErrorDescription);
        Assert.Equal(HttpStatusCode.OK, (await Bearer(fresh.AccessToken!).GetAsync("/v1/user/")).StatusCode);

        await Apps.DeleteAsync(owner, made.App.Id);

        await AssertRefusedOnTheApiAsync(fresh.AccessToken!);
        await AssertRefusedOnTheApiAsync(token.AccessToken!);
        var gone = await ClientCredentialsAsync(made.App.ClientId, rotated.ClientSecret!);
        Assert.Equal(HttpStatusCode.Unauthorized, gone.HttpStatusCode);
        Assert.Equal(OidcConstants.TokenErrors.InvalidClient, ErrorOf(gone));

        var events = await EventsAsync(owner);
        Assert.Equal([OAuthEventType.AppDeleted, OAuthEventType.TokenIssued, OAuthEventType.SecretRotated, OAuthEventType.TokenIssued, OAuthEventType.AppRegistered],
            events.Select(e => e.Type).ToArray());
        Assert.All(events, e => Assert.Equal(made.App.ClientId, e.ClientId));
        Assert.Equal("confidential: Nightly export", events[^1].Detail);
        Assert.Equal("Nightly export", events[0].Detail);
        Assert.All(events, e => Assert.DoesNotContain(rotated.ClientSecret!, e.Detail));
    }

    [Fact]
    public async Task A_refused_registration_records_nothing()
    {
        var owner = await _app.CreateUserAsync($"owner-{Guid.NewGuid():N}@example.com");
        await Assert.ThrowsAsync<Domain.AppException>(() => Apps.RegisterAsync(owner, new DeveloperAppInput("Bad", "http://example.com/cb")));
        Assert.Empty(await EventsAsync(owner));
    }

    /// <summary>401 in each family's own shape: SignEasy (<c>error_code</c>) and Box (<c>code</c>).</summary>
    private async Task AssertRefusedOnTheApiAsync(string accessToken)
    {
        var api = Bearer(accessToken);
        var signEasy = await api.GetAsync("/v1/user/");
        Assert.Equal(HttpStatusCode.Unauthorized, signEasy.StatusCode);
        Assert.Equal("invalid_token", JsonDocument.Parse(await signEasy.Content.ReadAsStringAsync()).RootElement.GetProperty("error_code").GetString());
        var box = await api.GetAsync("/2.0/users/me");
        Assert.Equal(HttpStatusCode.Unauthorized, box.StatusCode);
        Assert.Equal("unauthorized", JsonDocument.Parse(await box.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
    }

    /// <summary>The OAuth error of a token response (Duende reports a 401 as an HTTP error; the body says which).</summary>
    private static string? ErrorOf(TokenResponse response) =>
        JsonDocument.Parse(response.Raw!).RootElement.GetProperty("error").GetString();

    private Task<TokenResponse> ClientCredentialsAsync(string clientId, string secret) =>
        _app.CreateClient().RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
            { Address = TokenEndpoint, ClientId = clientId, ClientSecret = secret, Scope = "documents.read" });

    private async Task<List<OAuthEvent>> EventsAsync(string userId) =>
        [.. await _app.Get<OAuthAudit>().ForUserAsync(userId, 50, CancellationToken.None)];

    private HttpClient Bearer(string token)
    {
        var http = _app.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private Task<(HttpClient Browser, string UserId, string Email)> SignedInUserAsync() => _app.SignedInUserAsync(Password);

    private static string AuthorizeUrl(string clientId, string scope, string state, string? challenge) =>
        OAuthBrowser.AuthorizeUrl(clientId, scope, state, challenge, Redirect);

    /// <summary>GET authorize, then Allow on the consent page (which names the app); returns the redirect back to the app.</summary>
    private static async Task<Uri> AuthorizeAsync(HttpClient browser, string url, string appName)
    {
        var response = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var back = await OAuthBrowser.DecideAsync(browser, response.Headers.Location!.OriginalString, "allow", appName);
        Assert.StartsWith(Redirect + "?", back.OriginalString);
        return back;
    }
}
