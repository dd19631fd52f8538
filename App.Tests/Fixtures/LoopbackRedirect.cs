using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ESignWeb.Tests.Fixtures;

/// <summary>
/// A third-party app's redirect URI on the test machine (RFC 8252 loopback): a real HTTP server (Kestrel) on 127.0.0.1
/// with a free port that records the query of every <c>GET /callback</c> and answers with a small page.
/// </summary>
public sealed class LoopbackRedirect : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<IReadOnlyDictionary<string, string>> _received = new();

    private LoopbackRedirect(WebApplication app) => _app = app;

    /// <summary>The redirect URI to register, e.g. <c>http://127.0.0.1:41234/callback</c>.</summary>
    public string RedirectUri { get; private set; } = "";

    /// <summary>The query parameters of each callback so far, in order.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Received => _received.ToList();

    public static async Task<LoopbackRedirect> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var redirect = new LoopbackRedirect(app);
        app.MapGet("/callback", (HttpContext http) =>
        {
            redirect._received.Enqueue(http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()));
            return Results.Content("<!doctype html><html lang=\"en\"><title>Back in the app</title><h1>Back in the app</h1></html>", "text/html");
        });
        await app.StartAsync();
        redirect.RedirectUri = app.Urls.First().TrimEnd('/') + "/callback";
        return redirect;
    }

    /// <summary>The first callback (waits for it with a deadline).</summary>
    public Task<IReadOnlyDictionary<string, string>> FirstAsync() =>
        Poll.UntilAsync(() => Task.FromResult(Received.FirstOrDefault()));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
