using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Duende.IdentityModel;
using Duende.IdentityModel.Client;
using ESignWeb.Tests.Integration;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;

namespace ESignWeb.Tests.Fixtures;

/// <summary>
/// The user's side of an authorisation-code flow in integration tests (OAuthServerTests, DeveloperAppsFlowTests): a
/// signed-in browser without automatic redirects, PKCE, the authorize URL (Duende.IdentityModel), the consent page's
/// form submitted with a decision, and the redirect's query.
/// </summary>
public static class OAuthBrowser
{
    /// <summary>A browser: a signed-in user's cookies, no automatic redirects.</summary>
    public static async Task<(HttpClient Browser, string UserId, string Email)> SignedInUserAsync(this ESignAppFactory app, string password)
    {
        var email = $"user-{Guid.NewGuid():N}@example.com";
        var userId = await app.CreateUserAsync(email, "Una", "User");
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var (path, _) = await AccountForms.LogInAsync(browser, email, password);
        Assert.NotEqual("/Account/Login", path);
        return (browser, userId, email);
    }

    public static (string Verifier, string Challenge) Pkce()
    {
        var verifier = CryptoRandom.CreateUniqueId(32);
        return (verifier, WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    public static string AuthorizeUrl(string clientId, string scope, string state, string? challenge, string redirect) =>
        new RequestUrl("/oauth/authorize").CreateAuthorizeUrl(clientId, OidcConstants.ResponseTypes.Code, scope, redirect, state,
            codeChallenge: challenge, codeChallengeMethod: challenge is null ? null : OidcConstants.CodeChallengeMethods.Sha256);

    /// <summary>
    /// Opens the consent page at <paramref name="consentPath"/>, checks it shows each of <paramref name="shown"/> and
    /// carries an antiforgery token, submits its form with <paramref name="decision"/> and returns the 302's target.
    /// </summary>
    public static async Task<Uri> DecideAsync(HttpClient browser, string consentPath, string decision, params string[] shown)
    {
        Assert.StartsWith("/oauth/consent?", consentPath);
        var page = await (await browser.GetAsync(consentPath)).Content.ReadAsStringAsync();
        foreach (var words in shown) Assert.Contains(words, page);
        var form = Regex.Match(page, "<form[^>]*id=\"oauth-consent\"[^>]*>(.*?)</form>", RegexOptions.Singleline).Groups[1].Value;
        var fields = Regex.Matches(form, "<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")
            .Select(m => new KeyValuePair<string, string>(m.Groups[1].Value, WebUtility.HtmlDecode(m.Groups[2].Value))).ToList();
        Assert.Contains(fields, f => f.Key == "__RequestVerificationToken");
        fields.Add(new("decision", decision));
        var posted = await browser.PostAsync("/oauth/authorize", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        return posted.Headers.Location!;
    }

    public static Dictionary<string, string> Query(Uri uri) =>
        QueryHelpers.ParseQuery(uri.Query).ToDictionary(kv => kv.Key, kv => kv.Value.ToString());
}
