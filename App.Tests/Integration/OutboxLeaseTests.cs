using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Hosting;
using ESignWeb.Outbox;
using ESignWeb.Tests.E2E;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Outbox leases on a fake clock: a running job's lease is renewed by the heartbeat, so another processor cannot take
/// it however long it runs; a job whose lease was taken over is cancelled, records nothing, and cannot commit.
/// The messages are due only on the fake clock (a year ahead), so the app's own processors never touch them.
/// </summary>
[Collection(E2ECollection.Name)]
public class OutboxLeaseTests
{
    private const string Kind = "test.lease";

    private sealed class BlockingHandler(string name) : IOutboxHandler
    {
        public readonly TaskCompletionSource<OutboxMessage> Started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource Release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Runs;
        public bool SawCancellation;
        public string Kind => OutboxLeaseTests.Kind;

        public async Task<string?> HandleAsync(OutboxMessage message, CancellationToken ct)
        {
            Interlocked.Increment(ref Runs);
            Started.TrySetResult(message);
            try { await Release.Task.WaitAsync(ct); }
            catch (OperationCanceledException) { SawCancellation = true; throw; }
            return name;
        }
    }

    private static (OutboxProcessor, FakeTimeProvider) Processor(ESignAppFactory app, IOutboxHandler handler, FakeTimeProvider? clock = null)
    {
        clock ??= new FakeTimeProvider(DateTimeOffset.UtcNow.AddYears(1));
        return (new OutboxProcessor(app.Get<IDbContextFactory<AppDbContext>>(), [handler], new OutboxSignal(), clock,
            Options.Create(new ESignOptions { Outbox = { LeaseSeconds = 15 } }), NullLogger<OutboxProcessor>.Instance, OutboxLane.Work), clock);
    }

    private static async Task<long> EnqueueAsync(ESignAppFactory app, DateTimeOffset due)
    {
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var m = OutboxWriter.Enqueue(db, Kind, new { }, "lease test", null, due);
        await db.SaveChangesAsync();
        return m.Id;
    }

    private static async Task<OutboxMessage> RowAsync(ESignAppFactory app, long id)
    {
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Outbox.AsNoTracking().SingleAsync(m => m.Id == id);
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, what);
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_running_jobs_lease_is_renewed_so_no_other_processor_takes_it_and_it_completes_once()
    {
        await using var app = new ESignAppFactory();
        _ = app.Server;
        var slow = new BlockingHandler("a");
        var other = new BlockingHandler("b");
        var (a, clock) = Processor(app, slow);
        var (b, _) = Processor(app, other, clock);
        var id = await EnqueueAsync(app, clock.GetUtcNow());

        var run = Task.Run(() => a.RunOnceAsync(CancellationToken.None));
        await slow.Started.Task.WaitAsync(TimeSpan.FromSeconds(15));
        for (var second = 1; second <= 45; second++) // three leases long
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await UntilAsync(async () => (await RowAsync(app, id)).LockedUntil > clock.GetUtcNow(), $"the lease ran out after {second} s");
            Assert.Equal(0, await b.RunOnceAsync(CancellationToken.None));
        }
        slow.Release.SetResult();
        Assert.Equal(1, await run);

        var row = await RowAsync(app, id);
        Assert.NotNull(row.DoneAt);
        Assert.Equal("a", row.DeliveredTo);
        Assert.Equal(1, row.Attempts);
        Assert.Null(row.LeaseToken);
        Assert.Null(row.LockedUntil);
        Assert.Equal(1, slow.Runs);
        Assert.Equal(0, other.Runs);
    }

    [Fact]
    public async Task A_job_whose_lease_was_taken_over_is_cancelled_and_cannot_commit_or_record_a_result()
    {
        await using var app = new ESignAppFactory();
        _ = app.Server;
        var stalled = new BlockingHandler("a");
        var successor = new BlockingHandler("b");
        successor.Release.SetResult();
        var (a, clock) = Processor(app, stalled);
        var (b, _) = Processor(app, successor, clock);
        var id = await EnqueueAsync(app, clock.GetUtcNow());

        var run = Task.Run(() => a.RunOnceAsync(CancellationToken.None));
        var held = await stalled.Started.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.NotNull(held.LeaseToken);

        // As if a's heartbeat had stalled past the lease: the lease runs out and b takes the job over and finishes it.
        await using (var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
            await db.Outbox.Where(m => m.Id == id).ExecuteUpdateAsync(u => u.SetProperty(m => m.LockedUntil, clock.GetUtcNow().AddSeconds(-1)));
        Assert.Equal(1, await b.RunOnceAsync(CancellationToken.None));

        // a's job cannot commit any more (the check a job makes inside its own transaction, e.g. the seal's).
        await using (var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
            await Assert.ThrowsAsync<OutboxLeaseLost>(() => OutboxLeases.EnsureHeldAsync(db, held, CancellationToken.None));

        // a's next heartbeat finds the lease gone and cancels the run; its result is not recorded.
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, await run.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.True(stalled.SawCancellation);
        var row = await RowAsync(app, id);
        Assert.Equal("b", row.DeliveredTo);
        Assert.Equal(1, row.Attempts);
        Assert.NotNull(row.DoneAt);
        Assert.False(row.Failed);
    }
}
