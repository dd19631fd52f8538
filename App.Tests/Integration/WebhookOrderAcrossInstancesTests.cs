using System.Collections.Concurrent;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Hosting;
using ESignWeb.Outbox;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Webhook deliveries to one callback URL (the outbox partition) with several webhook-lane processors on one database —
/// as several instances claim on PostgreSQL with SKIP LOCKED: one URL's deliveries are attempted in the order they were
/// made and never two at once (the guarantee docs/api.md gives for one instance), different URLs side by side, and a
/// dead processor's lease on a URL is taken over once it runs out. The processors run on a fake clock a year ahead, so
/// the app's own processors never see these messages.
/// </summary>
public class WebhookOrderAcrossInstancesTests(ITestOutputHelper output)
{
    /// <summary>Records, per URL, the order of attempts and whether two ever overlapped; <see cref="Gate"/> may hold a run.</summary>
    private sealed class RecordingHandler(IDbContextFactory<AppDbContext> db) : IOutboxHandler
    {
        public string Kind => OutboxKinds.Webhook;
        public readonly ConcurrentDictionary<string, ConcurrentQueue<long>> Order = new();
        public readonly ConcurrentDictionary<string, int> InFlight = new();
        public int Overlaps;
        public int LeaseLost;
        public Func<OutboxMessage, Task>? Gate;
        public readonly ConcurrentDictionary<long, TaskCompletionSource> Started = new();

        public async Task<string?> HandleAsync(OutboxMessage message, CancellationToken ct)
        {
            var url = message.Partition!;
            Started.GetOrAdd(message.Id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            if (Gate is { } gate) await gate(message); // a hung run (a dead instance) is not counted as in flight
            if (InFlight.AddOrUpdate(url, 1, (_, n) => n + 1) > 1) Interlocked.Increment(ref Overlaps);
            try
            {
                // Real work in between (a round trip), as a POST would be: room for another processor to overlap.
                await using var ctx = await db.CreateDbContextAsync(CancellationToken.None);
                try { await OutboxLeases.EnsureHeldAsync(ctx, message, CancellationToken.None); }
                catch (OutboxLeaseLost) { Interlocked.Increment(ref LeaseLost); throw; }
                Order.GetOrAdd(url, _ => new ConcurrentQueue<long>()).Enqueue(message.Id);
                Interlocked.Increment(ref _delivered);
                return url;
            }
            finally
            {
                InFlight.AddOrUpdate(url, 0, (_, n) => n - 1);
                Interlocked.Exchange(ref _progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }
        }

        private int _delivered;
        public int Delivered => Volatile.Read(ref _delivered);
        private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
        /// <summary>Completes when the next run ends.</summary>
        public Task Progress => Volatile.Read(ref _progress).Task;

        public Task StartedAsync(long id) =>
            Started.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static OutboxProcessor Processor(ESignAppFactory app, RecordingHandler handler, TimeProvider clock, DatabaseProviderKind provider) =>
        new(app.Get<IDbContextFactory<AppDbContext>>(), [handler], new OutboxSignal(), clock,
            Options.Create(new ESignOptions { Database = { Provider = provider }, Outbox = { LeaseSeconds = 15 } }),
            NullLogger<OutboxProcessor>.Instance, OutboxLane.WebhookDeliveries);

    private static async Task<List<long>> EnqueueAsync(ESignAppFactory app, TimeProvider clock, params string[] urls)
    {
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var added = urls.Select(url =>
        {
            var m = OutboxWriter.Enqueue(db, OutboxKinds.Webhook, new { url }, $"order test → {url}", null, clock.GetUtcNow());
            m.Partition = url;
            return m;
        }).ToList();
        await db.SaveChangesAsync();
        return added.Select(m => m.Id).ToList();
    }

    private static async Task<int> DrainAsync(OutboxProcessor p)
    {
        var n = 0;
        while (await p.RunOnceAsync(CancellationToken.None) is > 0 and var k) n += k;
        return n;
    }

    /// <summary>
    /// One instance's processor: passes until every message is delivered. A pass that finds nothing (another processor
    /// holds every URL with work left) is not the end, as it would be for <see cref="DrainAsync"/>: the processor waits
    /// for the next delivery to finish (as a running instance is woken by the holder's release) and tries again, so the
    /// processors really take turns on each URL.
    /// </summary>
    private static async Task<int> RunUntilAllDeliveredAsync(OutboxProcessor p, RecordingHandler handler, int total)
    {
        var n = 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (handler.Delivered < total)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Not all {total} delivered in time: {handler.Delivered}.");
            var progress = handler.Progress; // taken before the pass, so no delivery in between is missed
            var k = await DrainAsync(p);
            n += k;
            if (k == 0 && handler.Delivered < total)
                try { await progress.WaitAsync(TimeSpan.FromSeconds(5)); } catch (TimeoutException) { } // a release without a delivery: look again
        }
        return n;
    }

    [Theory]
    [InlineData(DatabaseProviderKind.PostgreSql)]
    [InlineData(DatabaseProviderKind.Sqlite)]
    public async Task Four_processors_deliver_each_urls_events_in_order_and_one_at_a_time(DatabaseProviderKind provider)
    {
        await using var app = new ESignAppFactory { Provider = provider };
        _ = app.Server;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddYears(1));
        var handler = new RecordingHandler(app.Get<IDbContextFactory<AppDbContext>>());
        var processors = Enumerable.Range(0, 4).Select(_ => Processor(app, handler, clock, provider)).ToList();
        // 3 URLs, 30 events each, interleaved: every claim of 20 holds events of every URL.
        var urls = Enumerable.Range(0, 90).Select(i => $"https://receiver-{i % 3}.example/hook").ToArray();
        var ids = await EnqueueAsync(app, clock, urls);

        var taken = await Task.WhenAll(processors.Select(p => Task.Run(() => RunUntilAllDeliveredAsync(p, handler, 90))));
        output.WriteLine($"{provider}: four webhook processors took {string.Join(", ", taken)} of 90.");

        Assert.Equal(90, taken.Sum());
        Assert.True(taken.Count(n => n > 0) > 1, "more than one processor took part"); // or the test proves nothing
        Assert.Equal(0, handler.Overlaps);
        Assert.Equal(3, handler.Order.Count);
        for (var u = 0; u < 3; u++)
        {
            var expected = ids.Where((_, i) => i % 3 == u).ToList();
            Assert.Equal(expected, handler.Order[$"https://receiver-{u}.example/hook"].ToList());
        }
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.Equal(90, await db.Outbox.CountAsync(m => m.Kind == OutboxKinds.Webhook && m.DoneAt != null && m.Attempts == 1 && m.LeaseToken == null));
    }

    [Theory]
    [InlineData(DatabaseProviderKind.PostgreSql)]
    [InlineData(DatabaseProviderKind.Sqlite)]
    public async Task While_one_processor_holds_a_urls_delivery_another_takes_only_other_urls_then_takes_over_a_dead_holders_lease(
        DatabaseProviderKind provider)
    {
        await using var app = new ESignAppFactory { Provider = provider };
        _ = app.Server;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddYears(1));
        var handler = new RecordingHandler(app.Get<IDbContextFactory<AppDbContext>>());
        var hung = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const string x = "https://x.example/hook", y = "https://y.example/hook";
        var first = (await EnqueueAsync(app, clock, x)).Single();
        // A's run of x's first event blocks and ignores cancellation, as a hung process would. Only that run: the
        // takeover's run of the same event (B's, once A's lease ran out) goes through.
        var firstRuns = 0;
        handler.Gate = m => m.Id == first && Interlocked.Increment(ref firstRuns) == 1 ? hung.Task : Task.CompletedTask;
        var a = Processor(app, handler, clock, provider);
        var b = Processor(app, handler, clock, provider);

        using var killA = new CancellationTokenSource();
        var passA = Task.Run(() => a.RunOnceAsync(killA.Token));
        await handler.StartedAsync(first);
        output.WriteLine($"{provider}: A runs x's first event {first} and hangs in it.");
        // Instance B, while A holds x's first event: x's second waits; y's goes.
        var later = await EnqueueAsync(app, clock, x, y);
        Assert.Equal(1, await b.RunOnceAsync(CancellationToken.None));
        Assert.Equal([later[1]], handler.Order[y].ToList());
        Assert.False(handler.Order.ContainsKey(x));
        Assert.False(handler.Started.ContainsKey(later[0]));
        output.WriteLine($"{provider}: B took y's {later[1]} and left x's {later[0]} while A holds x.");

        // A dies mid-delivery: its heartbeat stops (its handler still never returns). Until the lease runs out, x stays A's.
        await killA.CancelAsync();
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0, await b.RunOnceAsync(CancellationToken.None));
        output.WriteLine($"{provider}: 10 s after A died, B still leaves x alone.");
        clock.Advance(TimeSpan.FromSeconds(6)); // past the 15 s lease
        Assert.Equal(2, await DrainAsync(b).WaitAsync(TimeSpan.FromSeconds(30)));
        output.WriteLine($"{provider}: past A's lease, B took x over.");
        Assert.Equal([first, later[0]], handler.Order[x].ToList());

        // The hung run returns at last: fenced off by its lost lease, nothing recorded twice.
        hung.SetResult();
        await passA.WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { });
        Assert.Equal(1, handler.LeaseLost);
        Assert.Equal([first, later[0]], handler.Order[x].ToList());
        Assert.Equal(0, handler.Overlaps);
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var rows = await db.Outbox.AsNoTracking().Where(m => m.Kind == OutboxKinds.Webhook).OrderBy(m => m.Id).ToListAsync();
        Assert.All(rows, m => Assert.NotNull(m.DoneAt));
        Assert.All(rows, m => Assert.Null(m.LeaseToken));
        output.WriteLine($"{provider}: x delivered {string.Join(", ", handler.Order[x])}; y {string.Join(", ", handler.Order[y])}.");
    }
}
