using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Duende.IdentityModel;
using Duende.IdentityModel.Client;
using ESignWeb.Tests.Fixtures;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// OAuth 2 end to end (issue 14) in the real app process and Debian's Chromium: a user registers an app in Settings →
/// Developer apps with a loopback redirect URI (<see cref="LoopbackRedirect"/>, the "third-party app", which uses
/// Duende.IdentityModel for PKCE and the token call); the app sends a signed-out browser to <c>/oauth/authorize</c>; the
/// user signs in, reads the consent page (app name, scopes in plain words; axe-checked) and allows — the app gets a code
/// with its <c>state</c>, exchanges it and lists the user's documents over SignEasy and Box — or denies, and the app gets
/// <c>access_denied</c> and no code. A link naming an unknown app shows the app's own error page.
/// </summary>
[Collection(E2ECollection.Name)]
public class OAuthJourneyTests(ITestOutputHelper output)
{
    private const string Email = "olive@example.com";
    private const string AppName = "Ledger Sync";
    private const string Scope = "documents.read offline_access";

    [Fact]
    public async Task A_signed_out_user_allows_an_app_registered_in_Settings_and_the_app_lists_their_documents_with_the_token()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["ESign__RequireConfirmedAccount"] = "false" });
        await using var thirdParty = await LoopbackRedirect.StartAsync();
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        try
        {
            // The user uploads a document and registers the app (confidential: a client secret, shown once).
            var page = browser.Page;
            await Steps.RegisterAsync(page, Email, "Olive", "Owner");
            await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();
            await page.GotoAsync("/documents");
            await Steps.WaitInteractiveAsync(page);
            await Steps.UploadAsync(page, await WritePdfAsync(app, "Lease 2026.pdf"));
            await Assertions.Expect(page.Locator("#documents-table tr", new() { HasText = "Lease 2026" })).ToBeVisibleAsync();
            var (clientId, secret) = await RegisterAppAsync(page, thirdParty.RedirectUri);
            await browser.Shots.TakeAsync("i14-developer-apps");
            Assert.NotNull(secret);

            // The third-party app sends a browser that is not signed in to authorise.
            var (verifier, challenge) = Pkce();
            var state = CryptoRandom.CreateUniqueId(16);
            var user = await (await browser.NewContextAsync()).NewPageAsync();
            await user.GotoAsync(AuthorizeUrl(app, clientId, thirdParty.RedirectUri, state, challenge));
            await SignInAsync(user);

            // The consent page: the app, who registered it, the scopes in plain words (not their names); no serious axe issue.
            await Assertions.Expect(user).ToHaveURLAsync(new Regex("/oauth/consent\\?"));
            await Assertions.Expect(user.Locator("h1")).ToHaveTextAsync($"Allow {AppName} to use your account?");
            await Assertions.Expect(user.GetByText("Registered by Olive Owner (olive@example.com).")).ToBeVisibleAsync();
            await Assertions.Expect(user.Locator("#oauth-scopes li")).ToHaveTextAsync([
                "Read your documents and signed files", "Keep this access when you are not using it (until you revoke it)"]);
            Assert.DoesNotContain("documents.read", await user.Locator("#oauth-scopes").InnerTextAsync());
            await AssertAccessibleAsync(user, "OAuth consent");
            await browser.Shots.TakeAsync("i14-consent", user);

            // Allow: the browser lands on the app's redirect URI with a code and the same state.
            await user.ClickAsync("#oauth-allow");
            var callback = await thirdParty.FirstAsync();
            await Assertions.Expect(user.Locator("h1")).ToHaveTextAsync("Back in the app");
            Assert.StartsWith(thirdParty.RedirectUri + "?", user.Url);
            Assert.Equal(state, callback["state"]);
            Assert.False(callback.ContainsKey("error"), callback.GetValueOrDefault("error"));
            var code = callback["code"];

            // The app exchanges the code (client secret + PKCE verifier) and lists the user's documents with the token.
            using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
            var disco = await http.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest { Address = app.BaseUrl, Policy = { RequireHttps = false } });
            Assert.False(disco.IsError, disco.Error);
            var token = await http.RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
            {
                Address = disco.TokenEndpoint, ClientId = clientId, ClientSecret = secret,
                Code = code, RedirectUri = thirdParty.RedirectUri, CodeVerifier = verifier,
            });
            Assert.False(token.IsError, token.Error + " " + token.ErrorDescription);
            Assert.Equal(Scope.Split(' ').Order(), token.Scope!.Split(' ').Order());
            Assert.False(string.IsNullOrEmpty(token.RefreshToken));
            http.SetBearerToken(token.AccessToken!);

            var signEasy = await http.GetFromJsonAsync<JsonElement>("/v1/files/original/");
            Assert.Equal(1, signEasy.GetProperty("count").GetInt32());
            Assert.Contains("Lease 2026", signEasy.GetProperty("files")[0].GetProperty("name").GetString());
            var box = await http.GetFromJsonAsync<JsonElement>("/2.0/folders/0/items");
            Assert.Contains(box.GetProperty("entries").EnumerateArray(), e => e.GetProperty("name").GetString()!.Contains("Lease 2026"));

            // The same request without the token is refused: the list came through the token, not by chance.
            using var anonymous = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1/files/original/")).StatusCode);

            // A returning user (signed out again) is not asked again: signing in goes straight back to the app with a code.
            var again = CryptoRandom.CreateUniqueId(16);
            var returning = await (await browser.NewContextAsync()).NewPageAsync();
            await returning.GotoAsync(AuthorizeUrl(app, clientId, thirdParty.RedirectUri, again, Pkce().Challenge));
            await SignInAsync(returning);
            await Assertions.Expect(returning.Locator("h1")).ToHaveTextAsync("Back in the app");
            var second = await Poll.UntilAsync(() => Task.FromResult(thirdParty.Received.Skip(1).FirstOrDefault()));
            Assert.Equal(again, second["state"]);
            Assert.NotEqual(code, second["code"]);

            // Settings → Authorised apps names the app the user allowed.
            await page.GotoAsync("/settings");
            await Steps.WaitInteractiveAsync(page);
            await Assertions.Expect(page.Locator("#authapp-table")).ToContainTextAsync(AppName);
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            throw;
        }
    }

    [Fact]
    public async Task Deny_sends_access_denied_and_the_state_back_to_the_app_with_no_code_and_an_unknown_app_gets_the_apps_own_error_page()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["ESign__RequireConfirmedAccount"] = "false" });
        await using var thirdParty = await LoopbackRedirect.StartAsync();
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        try
        {
            var page = browser.Page;
            await Steps.RegisterAsync(page, Email, "Olive", "Owner");
            await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();
            var (clientId, _) = await RegisterAppAsync(page, thirdParty.RedirectUri, publicApp: true);

            var (_, challenge) = Pkce();
            var state = CryptoRandom.CreateUniqueId(16);
            var user = await (await browser.NewContextAsync()).NewPageAsync();
            await user.GotoAsync(AuthorizeUrl(app, clientId, thirdParty.RedirectUri, state, challenge));
            await SignInAsync(user);
            await Assertions.Expect(user.Locator("h1")).ToHaveTextAsync($"Allow {AppName} to use your account?");
            await user.ClickAsync("#oauth-deny");

            var callback = await thirdParty.FirstAsync();
            await Assertions.Expect(user.Locator("h1")).ToHaveTextAsync("Back in the app");
            Assert.Equal("access_denied", callback["error"]);
            Assert.Equal(state, callback["state"]);
            Assert.False(callback.ContainsKey("code"));
            Assert.Single(thirdParty.Received);

            // Nothing was authorised: Settings → Authorised apps is empty.
            await user.GotoAsync("/settings");
            await Steps.WaitInteractiveAsync(user);
            await Assertions.Expect(user.Locator("#authapp-table")).ToContainTextAsync("No apps can act for you");

            // A link naming an app that does not exist: the app's own page (layout, plain words), not a bare 400, and
            // nothing goes to the redirect URI it names.
            var response = await user.GotoAsync(AuthorizeUrl(app, "esa_nosuchapp", thirdParty.RedirectUri, state, challenge));
            Assert.Equal(400, response!.Status);
            await Assertions.Expect(user.Locator("h1")).ToHaveTextAsync("This app is not known here");
            await Assertions.Expect(user.Locator("#oauth-error")).ToContainTextAsync("not registered with ESignWeb");
            await Assertions.Expect(user.Locator("main")).ToHaveCountAsync(1);
            Assert.Single(thirdParty.Received);
            await AssertAccessibleAsync(user, "OAuth error page");
            await browser.Shots.TakeAsync("i14-unknown-app", user);
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            throw;
        }
    }

    /// <summary>Settings → Developer apps → Register an app; returns the client id and (confidential apps) the secret shown once.</summary>
    private static async Task<(string ClientId, string? Secret)> RegisterAppAsync(IPage page, string redirectUri, bool publicApp = false)
    {
        await page.GotoAsync("/settings");
        await Steps.WaitInteractiveAsync(page);
        await page.ClickAsync("#devapp-register");
        await page.FillAsync("#devapp-name", AppName);
        await page.FillAsync("#devapp-redirects", redirectUri);
        if (publicApp) await page.ClickAsync("#devapp-kind-public");
        await page.ClickAsync("#devapp-save");
        await Assertions.Expect(page.Locator("#devapp-table")).ToContainTextAsync(redirectUri);
        string? secret = null;
        if (!publicApp)
        {
            await Assertions.Expect(page.Locator("#devapp-secret-value")).ToContainTextAsync("escs_");
            secret = (await page.Locator("#devapp-secret-value").InnerTextAsync()).Trim();
        }
        var clientId = (await page.Locator("[data-testid=devapp-client-id]").InnerTextAsync()).Trim();
        Assert.StartsWith("esa_", clientId);
        return (clientId, secret);
    }

    /// <summary>The authorisation request lands on the sign-in page (the user is signed out); sign in.</summary>
    private static async Task SignInAsync(IPage user)
    {
        await Assertions.Expect(user).ToHaveURLAsync(new Regex("/Account/Login"));
        await user.FillAsync("#Input\\.Email", Email);
        await user.FillAsync("#Input\\.Password", Steps.Password);
        await user.ClickAsync("button[type=submit]");
    }

    private async Task AssertAccessibleAsync(IPage page, string screen)
    {
        var violations = await Axe.RunAsync(page, screen);
        foreach (var v in violations) output.WriteLine(v.ToString());
        Assert.Empty(violations.Where(v => v.IsSeriousOrCritical));
        await Assertions.Expect(page.Locator("h1")).ToHaveCountAsync(1);
    }

    private static (string Verifier, string Challenge) Pkce()
    {
        var verifier = CryptoRandom.CreateUniqueId(32);
        return (verifier, Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    private static string AuthorizeUrl(AppProcess app, string clientId, string redirectUri, string state, string challenge) =>
        new RequestUrl(app.BaseUrl + "/oauth/authorize").CreateAuthorizeUrl(clientId, OidcConstants.ResponseTypes.Code, Scope, redirectUri, state,
            codeChallenge: challenge, codeChallengeMethod: OidcConstants.CodeChallengeMethods.Sha256);

    private static async Task<string> WritePdfAsync(AppProcess app, string name)
    {
        var dir = Path.Combine(app.DataDir, "uploads-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        await File.WriteAllBytesAsync(path, TestPdf.Pages(1));
        return path;
    }
}
