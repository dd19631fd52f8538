using System.Net;
using System.Text.RegularExpressions;
using ESignWeb.Components.Layout;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// MudBlazor's theme is one static stylesheet (/theme.css), not a &lt;style&gt; that MudThemeProvider builds in every
/// circuit (issue 15: what a signing circuit costs).
/// </summary>
public class ThemeStylesheetTests
{
    [Fact]
    public async Task Theme_css_carries_the_apps_palette_and_is_cached_for_a_year_by_its_version()
    {
        using var app = new ESignAppFactory();
        var theme = app.Get<ThemeStylesheet>();
        var response = await app.CreateClient().GetAsync(theme.Href);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("immutable", response.Headers.CacheControl?.ToString());
        var css = await response.Content.ReadAsStringAsync();
        // ESignTheme's primary (#3949ab) and typography, as MudBlazor writes them.
        Assert.Contains("--mud-palette-primary: rgba(57,73,171,1);", css);
        Assert.Contains("system-ui", css);
        Assert.DoesNotContain("<style", css);
        Assert.Matches("^[0-9a-f]{16}$", theme.Version);
    }

    [Fact]
    public async Task An_unversioned_or_stale_request_is_not_cached_and_a_matching_etag_gets_304()
    {
        using var app = new ESignAppFactory();
        var client = app.CreateClient();
        var stale = await client.GetAsync("theme.css?v=0000000000000000");
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal("no-cache", stale.Headers.CacheControl?.ToString());

        using var again = new HttpRequestMessage(HttpMethod.Get, app.Get<ThemeStylesheet>().Href);
        again.Headers.IfNoneMatch.Add(stale.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);
    }

    [Fact]
    public async Task Pages_link_the_stylesheet_and_render_no_theme_style_of_their_own()
    {
        using var app = new ESignAppFactory();
        var href = app.Get<ThemeStylesheet>().Href;
        // A signing page (its layout is a circuit's) and a static account page.
        foreach (var path in new[] { "sign/no-such-token", "Account/Login" })
        {
            var html = await app.CreateClient().GetStringAsync(path);
            Assert.Contains($"<link rel=\"stylesheet\" href=\"{href}\"", html);
            Assert.DoesNotContain("mud-theme-provider", html);
            Assert.DoesNotMatch(new Regex("--mud-palette-primary:"), html);
        }
    }
}
