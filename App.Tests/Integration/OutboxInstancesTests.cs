using System.Collections.Concurrent;
using System.Diagnostics;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Hosting;
using ESignWeb.Outbox;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// The outbox with several instances on one PostgreSQL database (two in-process apps, each with its own processors and
/// LISTEN connection): claims with FOR UPDATE SKIP LOCKED run every job exactly once; a commit on one instance wakes
/// the other through NOTIFY (the poll is made long so it cannot be the poll), also after the listening connection was
/// killed; and a dead instance's running job is taken over once its lease ran out, exactly once. The claim itself
/// (parallel processors over one batch) is checked on both providers.
/// </summary>
public class OutboxInstancesTests(ITestOutputHelper output)
{
    private const string Kind = "test.instances";

    /// <summary>
    /// Counts runs per message across instances — a run counts only when its claim still holds the lease at the end
    /// (<see cref="OutboxLeases.EnsureHeldAsync"/>, the check a real job makes inside its own commit). <see cref="Gate"/>
    /// may hold a run.
    /// </summary>
    private sealed class CountingHandler(string name, ConcurrentDictionary<long, int> runs) : IOutboxHandler
    {
        public string Kind => OutboxInstancesTests.Kind;
        public int Ran;
        public readonly TaskCompletionSource<long> FirstStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Func<OutboxMessage, Task>? Gate;
        public readonly ConcurrentQueue<(long Id, DateTime At)> Started = new();
        public int LeaseLost;

        /// <summary>The shared database (set once the first instance is up).</summary>
        public IDbContextFactory<AppDbContext>? Db;

        public async Task<string?> HandleAsync(OutboxMessage message, CancellationToken ct)
        {
            Started.Enqueue((message.Id, DateTime.UtcNow));
            FirstStarted.TrySetResult(message.Id);
            if (Gate is { } gate) await gate(message);
            if (Db is { } factory)
            {
                await using var db = await factory.CreateDbContextAsync(CancellationToken.None);
                try { await OutboxLeases.EnsureHeldAsync(db, message, CancellationToken.None); }
                catch (OutboxLeaseLost) { Interlocked.Increment(ref LeaseLost); throw; }
            }
            runs.AddOrUpdate(message.Id, 1, (_, n) => n + 1);
            Interlocked.Increment(ref Ran);
            return name;
        }
    }

    private static ESignAppFactory Instance(CountingHandler handler, string? connectionString = null, string? dataDir = null,
        int pollSeconds = 0, int leaseSeconds = 15) => new()
    {
        Provider = DatabaseProviderKind.PostgreSql,
        ConnectionString = connectionString,
        DataDir = dataDir ?? Directory.CreateTempSubdirectory("esign-it-").FullName,
        KeepData = connectionString is not null, // the first instance owns (and drops) the database and the shared data folder
        Settings = { ["ESign:Outbox:PollSeconds"] = pollSeconds.ToString(), ["ESign:Outbox:LeaseSeconds"] = leaseSeconds.ToString() },
        TestServices = s =>
        {
            s.AddSingleton<IOutboxHandler>(handler);
            s.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        },
    };

    private static Task<List<long>> EnqueueAsync(ESignAppFactory app, int count) =>
        app.Get<IDbContextFactory<AppDbContext>>().WriteAsync(async db =>
        {
            var now = app.Get<TimeProvider>().GetUtcNow();
            var added = Enumerable.Range(0, count).Select(i => OutboxWriter.Enqueue(db, Kind, new { i }, "instances test", null, now)).ToList();
            await db.SaveChangesAsync();
            return added.Select(m => m.Id).ToList();
        });

    private static async Task<List<OutboxMessage>> RowsAsync(ESignAppFactory app)
    {
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Outbox.AsNoTracking().Where(m => m.Kind == Kind).OrderBy(m => m.Id).ToListAsync();
    }

    private static OutboxProcessor WorkProcessor(ESignAppFactory app) =>
        app.Services.GetServices<IHostedService>().OfType<OutboxProcessor>().First();

    [Fact]
    public async Task Two_hundred_jobs_on_two_instances_each_run_exactly_once()
    {
        var runs = new ConcurrentDictionary<long, int>();
        var handlerA = new CountingHandler("a", runs);
        var handlerB = new CountingHandler("b", runs);
        // A holds its first job until B has run one: both instances claim from the same queue at the same time.
        handlerA.Gate = m => m.Id == handlerA.FirstStarted.Task.Result ? handlerB.FirstStarted.Task.WaitAsync(TimeSpan.FromSeconds(30)) : Task.CompletedTask;
        await using var a = Instance(handlerA);
        _ = a.Server;
        handlerA.Db = handlerB.Db = a.Get<IDbContextFactory<AppDbContext>>();
        await using var b = Instance(handlerB, a.ConnectionString, a.DataDir);
        _ = b.Server;

        var watch = Stopwatch.StartNew();
        var ids = new List<long>();
        for (var batch = 0; batch < 10; batch++) ids.AddRange(await EnqueueAsync(batch % 2 == 0 ? a : b, 20));
        await Poll.UntilTrueAsync(async () => (await RowsAsync(a)).All(m => m.DoneAt is not null), "all 200 jobs done", 60,
            async () => $"{(await RowsAsync(a)).Count(m => m.DoneAt is not null)} done, a ran {handlerA.Ran}, b ran {handlerB.Ran}");
        output.WriteLine($"200 jobs on two instances: {watch.ElapsedMilliseconds} ms; instance a ran {handlerA.Ran}, b ran {handlerB.Ran}.");

        Assert.Equal(200, ids.Distinct().Count());
        Assert.Equal(ids.Order(), runs.Keys.Order());
        Assert.All(runs, r => Assert.Equal(1, r.Value));
        Assert.Equal(200, handlerA.Ran + handlerB.Ran);
        Assert.True(handlerA.Ran > 0 && handlerB.Ran > 0, $"a ran {handlerA.Ran}, b ran {handlerB.Ran}");
        var rows = await RowsAsync(a);
        Assert.Equal(200, rows.Count);
        Assert.All(rows, m =>
        {
            Assert.Equal(1, m.Attempts);
            Assert.False(m.Failed);
            Assert.Null(m.LeaseToken);
            Assert.Contains(m.DeliveredTo, new[] { "a", "b" });
        });
        Assert.Equal(handlerA.Ran, rows.Count(m => m.DeliveredTo == "a"));
    }

    [Fact]
    public async Task A_job_enqueued_on_one_instance_wakes_the_other_through_NOTIFY_within_a_second_also_after_its_connection_was_killed()
    {
        var runs = new ConcurrentDictionary<long, int>();
        var handlerA = new CountingHandler("a", runs);
        var handlerB = new CountingHandler("b", runs);
        await using var a = Instance(handlerA, pollSeconds: 600);
        _ = a.Server;
        await using var b = Instance(handlerB, a.ConnectionString, a.DataDir, pollSeconds: 600);
        _ = b.Server;
        var listenerB = b.Get<OutboxListener>();
        await Poll.UntilTrueAsync(() => listenerB.Connections >= 1 && a.Get<OutboxListener>().Connections >= 1, "both instances listen");
        foreach (var processor in a.Services.GetServices<IHostedService>().OfType<OutboxProcessor>()) await processor.StopAsync(CancellationToken.None);

        async Task<TimeSpan> EnqueueOnAAndTimeBAsync(int expectedRuns)
        {
            var heard = listenerB.Notifications;
            var committed = DateTime.UtcNow;
            var id = (await EnqueueAsync(a, 1)).Single();
            await Poll.UntilTrueAsync(() => handlerB.Started.Any(s => s.Id == id), $"instance b ran job {id}", 10);
            Assert.True(listenerB.Notifications > heard, "b heard a NOTIFY");
            Assert.Equal(expectedRuns, handlerB.Ran);
            return handlerB.Started.Single(s => s.Id == id).At - committed;
        }

        // The first job on b compiles its queries (hundreds of ms on a busy machine): what is timed is the wake-up after.
        var warmUp = await EnqueueOnAAndTimeBAsync(1);
        output.WriteLine($"First job (b compiles its queries): {warmUp.TotalMilliseconds:0} ms.");
        var first = await EnqueueOnAAndTimeBAsync(2);
        output.WriteLine($"Enqueued on a (its processors stopped, polls 600 s) → started on b: {first.TotalMilliseconds:0} ms.");
        Assert.True(first < TimeSpan.FromSeconds(1), $"b started the job after {first.TotalMilliseconds:0} ms");

        // Kill the listening connections on the server: b reconnects (and catches up), then hears a again.
        await using (var admin = new NpgsqlConnection(a.ConnectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid))::int FROM pg_stat_activity " +
                $"WHERE application_name = '{DatabaseProvider.OutboxListenerName}' AND datname = current_database()", admin);
            Assert.Equal(2, (int)(await kill.ExecuteScalarAsync())!);
        }
        await Poll.UntilTrueAsync(() => listenerB.Connections >= 2, "b's listener reconnected", 15);
        var second = await EnqueueOnAAndTimeBAsync(3);
        output.WriteLine($"After the listening connection was killed and came back: {second.TotalMilliseconds:0} ms.");
        Assert.True(second < TimeSpan.FromSeconds(1), $"b started the job after {second.TotalMilliseconds:0} ms");
        Assert.Equal(0, handlerA.Ran);
        Assert.All(await RowsAsync(a), m => Assert.Equal("b", m.DeliveredTo));
    }

    [Fact]
    public async Task A_dead_instances_running_job_is_taken_over_after_its_lease_and_completes_exactly_once()
    {
        var runs = new ConcurrentDictionary<long, int>();
        var survivorHandler = new CountingHandler("survivor", runs);
        var deadHandler = new CountingHandler("dead", runs);
        var neverReturns = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        deadHandler.Gate = _ => neverReturns.Task; // blocks, and ignores cancellation, as a hung process would
        const int lease = 3;
        // The database's owner runs no processors: only the doomed instance is there to take the job.
        await using var owner = Instance(survivorHandler, pollSeconds: 600, leaseSeconds: lease);
        _ = owner.Server;
        foreach (var processor in owner.Services.GetServices<IHostedService>().OfType<OutboxProcessor>()) await processor.StopAsync(CancellationToken.None);
        survivorHandler.Db = deadHandler.Db = owner.Get<IDbContextFactory<AppDbContext>>();
        var dead = Instance(deadHandler, owner.ConnectionString, owner.DataDir, pollSeconds: 600, leaseSeconds: lease);
        _ = dead.Server;
        var deadProcessor = WorkProcessor(dead);
        var id = (await EnqueueAsync(owner, 1)).Single();
        Assert.Equal(id, await deadHandler.FirstStarted.Task.WaitAsync(TimeSpan.FromSeconds(10)));

        // A second instance comes up (it finds the job leased and leaves it); then the doomed one dies mid-job.
        await using var survivor = Instance(survivorHandler, owner.ConnectionString, owner.DataDir, pollSeconds: 600, leaseSeconds: lease);
        _ = survivor.Server;
        var died = Stopwatch.StartNew();
        await dead.DisposeAsync(); // stops renewing its lease; its handler never returns
        await Poll.UntilTrueAsync(() => survivorHandler.Ran == 1, "the survivor ran the dead instance's job", 30);
        var takenOver = died.Elapsed;
        output.WriteLine($"Dead instance's job taken over {takenOver.TotalSeconds:0.0} s after it died (lease {lease} s, polls 600 s).");
        Assert.True(takenOver < TimeSpan.FromSeconds(lease + 4), $"taken over after {takenOver.TotalSeconds:0.0} s");

        // The hung run finally returns: its result is fenced off by the lease token and not recorded.
        neverReturns.SetResult();
        await deadProcessor.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(15));
        var row = Assert.Single(await RowsAsync(survivor));
        Assert.Equal("survivor", row.DeliveredTo);
        Assert.Equal(1, row.Attempts);
        Assert.NotNull(row.DoneAt);
        Assert.Null(row.LeaseToken);
        Assert.Equal(1, runs[id]); // the hung run, when it returned, no longer held the lease: it did not count
        Assert.Equal(1, deadHandler.LeaseLost);
        Assert.Equal(0, deadHandler.Ran);
        Assert.Equal(1, deadHandler.Started.Count);
    }

    [Theory]
    [InlineData(DatabaseProviderKind.Sqlite)]
    [InlineData(DatabaseProviderKind.PostgreSql)]
    public async Task Processors_claiming_at_once_take_disjoint_jobs(DatabaseProviderKind provider)
    {
        await using var app = new ESignAppFactory { Provider = provider };
        _ = app.Server;
        // Due only on the processors' fake clock (a year ahead): the app's own processors never touch them.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddYears(1));
        var runs = new ConcurrentDictionary<long, int>();
        var processors = Enumerable.Range(0, 4).Select(i => new OutboxProcessor(app.Get<IDbContextFactory<AppDbContext>>(),
            [new CountingHandler($"p{i}", runs)], new OutboxSignal(), clock, Options.Create(new ESignOptions { Database = { Provider = provider } }),
            NullLogger<OutboxProcessor>.Instance, OutboxLane.Work)).ToList();
        await using (var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            for (var i = 0; i < 200; i++) OutboxWriter.Enqueue(db, Kind, new { i }, "claim test", null, clock.GetUtcNow());
            await db.SaveChangesAsync();
        }

        var taken = await Task.WhenAll(processors.Select(p => Task.Run(async () =>
        {
            var n = 0;
            while (await p.RunOnceAsync(CancellationToken.None) is > 0 and var k) n += k;
            return n;
        })));
        output.WriteLine($"{provider}: four processors took {string.Join(", ", taken)} of 200.");
        Assert.Equal(200, taken.Sum());
        Assert.Equal(200, runs.Count);
        Assert.All(runs, r => Assert.Equal(1, r.Value));
        await using (var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
            Assert.Equal(200, await db.Outbox.CountAsync(m => m.Kind == Kind && m.DoneAt != null && m.Attempts == 1 && m.LeaseToken == null));
    }
}
