using System.Net;
using System.Text.RegularExpressions;

namespace ESignWeb.Tests.Fixtures;

/// <summary>
/// Submits the Identity pages' forms (static server rendering: antiforgery token and <c>_handler</c> from the page) the
/// way a browser does, optionally with a forged <c>Host</c> header on every request. Use a client with cookies and
/// without automatic redirects: redirects are followed here, each with the same Host header.
/// </summary>
public static class AccountForms
{
    public const string Password = "Correct-Horse-9";

    /// <summary>The final page (after redirects) as (path, HTML).</summary>
    public static async Task<(string Path, string Html)> SubmitAsync(HttpClient http, string path, IDictionary<string, string> fields, string? host = null)
    {
        var (_, page) = await GetAsync(http, path, host);
        var form = new Dictionary<string, string>(fields)
        {
            ["__RequestVerificationToken"] = Hidden(page, "__RequestVerificationToken"),
            ["_handler"] = Hidden(page, "_handler"),
        };
        using var post = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        if (host is not null) post.Headers.Host = host;
        using var response = await http.SendAsync(post);
        return response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther
            ? await GetAsync(http, response.Headers.Location!.IsAbsoluteUri ? response.Headers.Location.PathAndQuery : response.Headers.Location.OriginalString, host)
            : (path, await response.Content.ReadAsStringAsync());
    }

    public static Task<(string Path, string Html)> RegisterAsync(HttpClient http, string email, string first = "Ann", string? host = null,
        string password = Password) =>
        SubmitAsync(http, "/Account/Register", new Dictionary<string, string>
        {
            ["Input.FirstName"] = first, ["Input.LastName"] = "Tester", ["Input.Email"] = email,
            ["Input.Password"] = password, ["Input.ConfirmPassword"] = password,
        }, host);

    /// <summary>Signs in with a password; the final path is <c>/Account/Login</c> when it was refused.</summary>
    public static Task<(string Path, string Html)> LogInAsync(HttpClient http, string email, string password = Password) =>
        SubmitAsync(http, "/Account/Login", new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = password });

    public static Task<(string Path, string Html)> ResendConfirmationAsync(HttpClient http, string email) =>
        SubmitAsync(http, "/Account/ResendEmailConfirmation", new Dictionary<string, string> { ["Input.Email"] = email });

    /// <summary>Opens a mailed confirmation link and, when it asks for one, chooses <paramref name="password"/>.</summary>
    public static Task<(string Path, string Html)> ConfirmWithPasswordAsync(HttpClient http, string pathAndQuery, string password) =>
        SubmitAsync(http, pathAndQuery, new Dictionary<string, string> { ["Input.Password"] = password, ["Input.ConfirmPassword"] = password });

    public static Task<(string Path, string Html)> ForgotPasswordAsync(HttpClient http, string email, string? host = null) =>
        SubmitAsync(http, "/Account/ForgotPassword", new Dictionary<string, string> { ["Input.Email"] = email }, host);

    private static async Task<(string Path, string Html)> GetAsync(HttpClient http, string path, string? host)
    {
        for (var hops = 0; ; hops++)
        {
            using var get = new HttpRequestMessage(HttpMethod.Get, path);
            if (host is not null) get.Headers.Host = host;
            using var response = await http.SendAsync(get);
            if (response.Headers.Location is not { } next || hops == 5) return (path, await response.Content.ReadAsStringAsync());
            path = next.IsAbsoluteUri ? next.PathAndQuery : next.OriginalString;
        }
    }

    private static string Hidden(string html, string name)
    {
        var m = Regex.Match(html, $@"name=""{Regex.Escape(name)}""[^>]*value=""([^""]*)""");
        if (!m.Success) throw new InvalidOperationException($"No hidden field {name} in the page:\n{html[..Math.Min(html.Length, 3000)]}");
        return WebUtility.HtmlDecode(m.Groups[1].Value);
    }
}
