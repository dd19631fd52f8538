using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace ESignWeb.Components.Layout;

/// <summary>
/// The app's MudBlazor theme (<see cref="ESignTheme"/>) as one static stylesheet, built once per process and served at
/// <c>/theme.css?v={hash}</c> with a year's caching. <see cref="MudThemeProvider"/> builds the same CSS (≈12 K characters)
/// into a <c>&lt;style&gt;</c> in every circuit's render tree and watches the system's dark mode over JS interop for
/// each circuit; the app has one light theme, so the page links this stylesheet instead (App.razor) and no layout
/// renders a theme provider (issue 15: what a signing circuit costs, docs/benchmarks.md "Signing circuits").
/// The CSS is MudBlazor's own output: the provider is rendered once with Blazor's <see cref="HtmlRenderer"/> and
/// its <c>&lt;style&gt;</c> blocks are taken as they are, so a MudBlazor update changes the stylesheet with it.
/// </summary>
public sealed partial class ThemeStylesheet
{
    /// <summary>Where the stylesheet is served.</summary>
    public const string Path = "/theme.css";

    /// <summary>The stylesheet's text (MudBlazor's theme variables, scrollbar and chart rules).</summary>
    public string Css { get; }

    /// <summary>The first 16 hex digits of the CSS's SHA-256: the cache key in <see cref="Href"/>.</summary>
    public string Version { get; }

    /// <summary>The link the page uses (relative to the base href, versioned so browsers may cache it for a year).</summary>
    public string Href => $"{Path.TrimStart('/')}?v={Version}";

    public ThemeStylesheet(IServiceProvider services)
    {
        Css = RenderAsync(services, ESignTheme.Theme).GetAwaiter().GetResult();
        Version = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Css)))[..16];
    }

    /// <summary>Renders <see cref="MudThemeProvider"/> once, outside any circuit, and returns the CSS of its style blocks.</summary>
    public static async Task<string> RenderAsync(IServiceProvider services, MudTheme theme)
    {
        await using var scope = services.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(scope.ServiceProvider, scope.ServiceProvider.GetRequiredService<ILoggerFactory>());
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<MudThemeProvider>(ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(MudThemeProvider.Theme)] = theme,
                [nameof(MudThemeProvider.ObserveSystemDarkModeChange)] = false,
            }));
            return output.ToHtmlString();
        });
        var css = new StringBuilder();
        foreach (Match m in StyleBlock().Matches(html)) css.AppendLine(m.Groups[1].Value.Trim());
        if (css.Length == 0) throw new InvalidOperationException("MudThemeProvider rendered no <style>: the theme stylesheet would be empty.");
        return css.ToString();
    }

    /// <summary>Maps <c>GET /theme.css</c>: cached for a year when asked for by the current version, else not at all.</summary>
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet(Path, (string? v, ThemeStylesheet theme, HttpContext http) =>
        {
            var etag = $"\"{theme.Version}\"";
            http.Response.Headers.ETag = etag;
            http.Response.Headers.CacheControl = v == theme.Version ? "public, max-age=31536000, immutable" : "no-cache";
            if (http.Request.Headers.IfNoneMatch.ToString() == etag) return Results.StatusCode(StatusCodes.Status304NotModified);
            return Results.Text(theme.Css, "text/css; charset=utf-8");
        }).ExcludeFromDescription();

    [GeneratedRegex(@"<style[^>]*>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleBlock();
}
