using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ESignWeb.Tests.Fixtures;

/// <summary>One request a receiver got.</summary>
public sealed record ReceivedWebhook(DateTimeOffset At, IReadOnlyDictionary<string, string> Headers, string Body, int AnsweredWith)
{
    public string Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var v) ? v : "";
}

/// <summary>
/// A real HTTP server (Kestrel) on 127.0.0.1 that records every POST and answers with the next status of its script
/// (then 200).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _script;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();

    private WebhookReceiver(WebApplication app, IEnumerable<int> script)
    {
        _app = app;
        _script = new ConcurrentQueue<int>(script);
    }

    public string Url { get; private set; } = "";
    public IReadOnlyList<ReceivedWebhook> Received => _received.ToList();

    public static async Task<WebhookReceiver> StartAsync(params int[] script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, script);
        app.MapPost("/hook", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            var status = receiver._script.TryDequeue(out var s) ? s : 200;
            receiver._received.Enqueue(new ReceivedWebhook(DateTimeOffset.UtcNow,
                http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), body, status));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        var address = app.Urls.First();
        receiver.Url = address.TrimEnd('/') + "/hook";
        return receiver;
    }

    /// <summary>Waits until at least <paramref name="count"/> requests arrived (or fails after the timeout).</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(int count, int seconds = 60, Func<ReceivedWebhook, bool>? where = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var got = Received.Where(where ?? (_ => true)).ToList();
            if (got.Count >= count) return got;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Got {got.Count} of {count} webhook(s): {string.Join(", ", got.Select(g => g.Header("X-ESign-Event-Type")))}");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
