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
/// (then <see cref="Otherwise"/>, 200 unless told). <see cref="Hold"/> makes it keep requests unanswered until
/// <see cref="Release"/>, so a test can prove the app does not wait for a receiver without timing anything.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _script;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private TaskCompletionSource? _gate;
    private int _answered;

    private WebhookReceiver(WebApplication app, IEnumerable<int> script)
    {
        _app = app;
        _script = new ConcurrentQueue<int>(script);
    }

    public string Url { get; private set; } = "";
    public IReadOnlyList<ReceivedWebhook> Received => _received.ToList();

    /// <summary>The status once the script is used up (500 for a receiver that is down for good).</summary>
    public int Otherwise { get; init; } = 200;

    /// <summary>Requests answered so far (a held request is not, nor one the app gave up on while it was held).</summary>
    public int Answered => Volatile.Read(ref _answered);

    /// <summary>From now on, requests are recorded on arrival but not answered until <see cref="Release"/>.</summary>
    public void Hold() => Interlocked.CompareExchange(ref _gate, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null);

    /// <summary>Answers the held requests and stops holding.</summary>
    public void Release() => Interlocked.Exchange(ref _gate, null)?.TrySetResult();

    public static Task<WebhookReceiver> StartAsync(params int[] script) => StartAsync(script, otherwise: 200);

    /// <summary>A receiver that answers <paramref name="otherwise"/> once its script is used up.</summary>
    public static async Task<WebhookReceiver> StartAsync(int[] script, int otherwise)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, script) { Otherwise = otherwise };
        app.MapPost("/hook", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            var status = receiver._script.TryDequeue(out var s) ? s : receiver.Otherwise;
            receiver._received.Enqueue(new ReceivedWebhook(DateTimeOffset.UtcNow,
                http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), body, status));
            try
            {
                if (Volatile.Read(ref receiver._gate) is { } gate) await gate.Task.WaitAsync(http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return Results.Empty; // the app gave up waiting (its own timeout): nobody hears this answer
            }
            Interlocked.Increment(ref receiver._answered);
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
        List<ReceivedWebhook> got = [];
        await Poll.UntilTrueAsync(() => (got = Received.Where(where ?? (_ => true)).ToList()).Count >= count, $"{count} webhook(s)", seconds,
            () => Task.FromResult($"Got {got.Count} of {count} webhook(s): {string.Join(", ", got.Select(g => g.Header("X-ESign-Event-Type")))}"));
        return got;
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
