using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ESignWeb.Tests.Fixtures;

/// <summary>
/// An integrator's web site on its own loopback origin (a real Kestrel): <c>/host?src=…</c> frames the given URL and
/// records every message it receives in <c>window.esignEvents</c>; <c>/done</c> is the page signers are redirected to.
/// </summary>
public sealed class EmbedHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmbedHost(WebApplication app) => _app = app;

    public string Origin { get; private set; } = "";

    public string HostPage(string src) => $"{Origin}/host?src={Uri.EscapeDataString(src)}";

    public static async Task<EmbedHost> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/host", () => Results.Content("""
            <!doctype html>
            <html><head><title>Integrator</title></head>
            <body>
              <h1>Our CRM</h1>
              <iframe id="signer" style="width:1000px;height:900px;border:1px solid #ccc"></iframe>
              <script>
                window.esignEvents = [];
                window.addEventListener('message', e => {
                  if (e.data && e.data.source === 'esignweb') window.esignEvents.push({ origin: e.origin, ...e.data });
                });
                document.getElementById('signer').src = new URLSearchParams(location.search).get('src');
              </script>
            </body></html>
            """, "text/html"));
        app.MapGet("/done", (HttpRequest r) => Results.Content(
            $"<!doctype html><html><body><p id=\"done\">Thanks! Request {System.Net.WebUtility.HtmlEncode(r.Query["pending_file_id"])}</p></body></html>", "text/html"));
        await app.StartAsync();
        return new EmbedHost(app) { Origin = app.Urls.First().TrimEnd('/') };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
