using System.Collections.Concurrent;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Outbox;

/// <summary>Wakes the processors right after a commit that enqueued work, instead of waiting for the next poll.</summary>
public sealed class OutboxSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when <see cref="Notify"/> is next called. Take it before looking for work, so no wake-up is missed.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Notify() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}

/// <summary>
/// Which messages a processor runs. Mail and sealing run one at a time in the work lane; webhooks have their own lane,
/// so a slow receiver never holds up mail, and run in parallel across callback URLs but in order within one.
/// </summary>
public sealed record OutboxLane(string Name, bool Webhooks, int Parallelism)
{
    public static readonly OutboxLane Work = new("work", Webhooks: false, Parallelism: 1);
    public static readonly OutboxLane WebhookDeliveries = new("webhooks", Webhooks: true, Parallelism: 8);
}

/// <summary>
/// A claim's lease on outbox messages. Every claim gets a fresh random token; the lease is renewed, the job's own
/// commit is fenced and its result is recorded only while the row still carries that token, so a job whose lease
/// ran out and was claimed again (by this or another process on the same database) cannot commit a second time.
/// </summary>
public static class OutboxLeases
{
    public static string NewToken() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// Call inside the job's own write transaction, before it commits: throws <see cref="OutboxLeaseLost"/> when the
    /// claim that runs <paramref name="job"/> no longer holds it. A job run outside the processor (no token) passes.
    /// </summary>
    public static async Task EnsureHeldAsync(AppDbContext db, OutboxMessage? job, CancellationToken ct)
    {
        if (job?.LeaseToken is not { } token) return;
        if (!await db.Outbox.AnyAsync(x => x.Id == job.Id && x.LeaseToken == token && x.DoneAt == null, ct))
            throw new OutboxLeaseLost(job.Id);
    }
}

/// <summary>The lease of a running job was lost (it ran out and the job was claimed again): do not commit.</summary>
public sealed class OutboxLeaseLost(long id) : Exception($"Outbox message {id}: the lease was lost to another claim; nothing was committed.");

/// <summary>
/// Runs committed outbox messages of one lane: claims due ones with a short lease (so two processors never run the
/// same message), renews the lease with a heartbeat while the handler runs, calls the handler for their kind, and on
/// failure retries with the handler's backoff until its attempts run out, after which the message is marked failed
/// and shown as such. A process killed mid-job leaves a lease that runs out within <c>ESign:Outbox:LeaseSeconds</c>,
/// after which any processor takes the job over.
/// </summary>
public sealed class OutboxProcessor(
    IDbContextFactory<AppDbContext> dbFactory,
    IEnumerable<IOutboxHandler> handlers,
    OutboxSignal signal,
    TimeProvider clock,
    IOptions<ESignOptions> options,
    ILogger<OutboxProcessor> log,
    OutboxLane lane) : BackgroundService
{
    public const int MaxAttempts = 25;
    private const int BatchSize = 20;
    private readonly Dictionary<string, IOutboxHandler> _handlers = handlers.ToDictionary(h => h.Kind);

    private TimeSpan Lease => options.Value.Outbox.Lease;

    /// <summary>The safety-net poll: the longest a processor sleeps when nothing wakes it (<c>ESign:Outbox:PollSeconds</c>).</summary>
    private TimeSpan PollInterval => options.Value.Outbox.PollIntervalOn(options.Value.Database.Provider);

    /// <summary>The default retry delay: 5 s doubling, at most 1 h.</summary>
    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(3600, 5 * Math.Pow(2, Math.Max(0, attempts - 1))));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = signal.Next;
            try
            {
                while (!stoppingToken.IsCancellationRequested && await RunOnceAsync(stoppingToken) > 0) { }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception ex)
            {
                log.LogError(ex, "Outbox pass ({Lane}) failed; will retry", lane.Name);
            }
            if (stoppingToken.IsCancellationRequested) break;
            try { await wake.WaitAsync(await IdleWaitAsync(stoppingToken), stoppingToken); }
            catch (TimeoutException) { }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>
    /// How long to sleep when there is nothing to do: until the next scheduled message falls due or the next lease held
    /// by someone else runs out (a dead instance's job is taken over then), at most <see cref="PollInterval"/>.
    /// New work does not wait for this: its commit wakes the processors (<see cref="OutboxSignal"/>, and on PostgreSQL
    /// <c>NOTIFY</c> through <see cref="OutboxListener"/>).
    /// </summary>
    private async Task<TimeSpan> IdleWaitAsync(CancellationToken ct)
    {
        var poll = PollInterval;
        try
        {
            var now = clock.GetUtcNow();
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var pending = db.Outbox.Where(m => m.DoneAt == null && !m.Failed && (m.Kind == OutboxKinds.Webhook) == lane.Webhooks);
            var due = await pending.Where(m => m.NextAttemptAt > now).OrderBy(m => m.NextAttemptAt)
                .Select(m => (DateTimeOffset?)m.NextAttemptAt).FirstOrDefaultAsync(ct);
            var leaseEnd = await pending.Where(m => m.LockedUntil > now).OrderBy(m => m.LockedUntil)
                .Select(m => m.LockedUntil).FirstOrDefaultAsync(ct);
            foreach (var at in new[] { due, leaseEnd })
                if (at is { } t && t - now + TimeSpan.FromMilliseconds(50) < poll) poll = t - now + TimeSpan.FromMilliseconds(50);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogWarning(ex, "Outbox ({Lane}): could not look for the next due message; polling", lane.Name);
        }
        return poll;
    }

    /// <summary>Processes up to a batch of due messages; returns how many it took.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var token = OutboxLeases.NewToken();
        List<(long Id, string? Partition)> claimed;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            // PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: a conditional update per row (Data/DatabaseProvider).
            claimed = (await DatabaseProvider.ClaimOutboxAsync(db, lane.Webhooks, now, now + Lease, token, BatchSize, ct))
                .Select(m => (m.Id, m.Partition)).OrderBy(m => m.Id).ToList();
        }
        if (claimed.Count == 0) return 0;

        var jobs = new ConcurrentDictionary<long, CancellationTokenSource>(
            claimed.Select(m => KeyValuePair.Create(m.Id, CancellationTokenSource.CreateLinkedTokenSource(ct))));
        // The heartbeat ends with the host too: a stopping (or hung) instance stops renewing, so its leases run out and
        // another instance takes the jobs over; the lease fence keeps a late finish from recording a second result.
        using var stopHeartbeat = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var heartbeat = HeartbeatAsync(token, jobs, stopHeartbeat.Token);
        try
        {
            if (lane.Parallelism <= 1)
            {
                foreach (var (id, _) in claimed) await ProcessAsync(id, token, jobs[id].Token, ct);
            }
            else
            {
                // One partition's messages in order; different partitions side by side.
                var groups = claimed.GroupBy(m => m.Partition ?? $"#{m.Id}").Select(g => g.OrderBy(m => m.Id).Select(m => m.Id).ToList());
                await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = lane.Parallelism, CancellationToken = ct },
                    async (ids, _) => { foreach (var id in ids) await ProcessAsync(id, token, jobs[id].Token, ct); });
            }
        }
        finally
        {
            await stopHeartbeat.CancelAsync();
            await heartbeat;
            foreach (var cts in jobs.Values) cts.Dispose();
            await ReleaseAsync(token); // what this claim did not get to (shutdown, a failed pass) is free again at once
        }
        return claimed.Count;
    }

    /// <summary>Renews this claim's leases every third of the lease; cancels a job whose lease was lost.</summary>
    private async Task HeartbeatAsync(string token, ConcurrentDictionary<long, CancellationTokenSource> jobs, CancellationToken stop)
    {
        while (true)
        {
            try { await Task.Delay(Lease / 3, clock, stop); }
            catch (OperationCanceledException) { return; }
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(stop);
                var until = clock.GetUtcNow() + Lease;
                await db.Outbox.Where(x => x.LeaseToken == token && x.DoneAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.LockedUntil, until), stop);
                var held = (await db.Outbox.Where(x => x.LeaseToken == token && x.DoneAt == null).Select(x => x.Id).ToListAsync(stop)).ToHashSet();
                foreach (var (id, cts) in jobs)
                    if (!held.Contains(id) && !cts.IsCancellationRequested)
                    {
                        log.LogWarning("Outbox {Id}: lease lost; stopping its run", id);
                        await cts.CancelAsync();
                    }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                log.LogWarning(ex, "Outbox lease renewal ({Lane}) failed; will retry", lane.Name);
            }
        }
    }

    private async Task ReleaseAsync(string token)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            var released = await db.Outbox.Where(x => x.LeaseToken == token && x.DoneAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LockedUntil, (DateTimeOffset?)null).SetProperty(x => x.LeaseToken, (string?)null));
            if (released > 0) await DatabaseProvider.NotifyOutboxAsync(db, CancellationToken.None); // another instance takes them now
        }
        catch (Exception ex)
        {
            log.LogWarning(ex, "Outbox leases ({Lane}) could not be released; they run out by themselves", lane.Name);
        }
    }

    /// <param name="job">Cancelled when the lease is lost.</param>
    /// <param name="stopping">Cancelled when the host stops.</param>
    private async Task ProcessAsync(long id, string token, CancellationToken job, CancellationToken stopping)
    {
        await using var db = await dbFactory.CreateDbContextAsync(stopping);
        var m = await db.Outbox.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id && x.LeaseToken == token, stopping);
        if (m is null) return; // the lease was lost before the job started
        m.Attempts++;
        _handlers.TryGetValue(m.Kind, out var handler);
        try
        {
            if (handler is null) throw new PermanentOutboxFailure($"No handler for outbox kind '{m.Kind}'.");
            m.DeliveredTo = await handler.HandleAsync(m, job);
            m.DoneAt = clock.GetUtcNow();
            m.LastError = null;
            log.LogInformation("Outbox {Id} ({Kind}) done after {Attempts} attempt(s)", m.Id, m.Kind, m.Attempts);
        }
        catch (Exception ex) when (ex is OutboxLeaseLost || ex is OperationCanceledException && job.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            log.LogWarning("Outbox {Id} ({Kind}): lease lost while running; its result is left to the new holder", m.Id, m.Kind);
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            m.LastError = ex.Message.Length > 1000 ? ex.Message[..1000] : ex.Message;
            if (ex is PermanentOutboxFailure || handler is null || m.Attempts >= handler.MaxAttempts)
            {
                m.Failed = true;
                log.LogError("Outbox {Id} ({Kind}) failed for good: {Error}", m.Id, m.Kind, m.LastError);
            }
            else
            {
                m.NextAttemptAt = clock.GetUtcNow() + handler.RetryDelay(m.Attempts);
                log.LogWarning("Outbox {Id} ({Kind}) attempt {Attempts} failed, retrying at {Next}: {Error}",
                    m.Id, m.Kind, m.Attempts, m.NextAttemptAt, m.LastError);
            }
        }
        // Recorded only while this claim still holds the lease.
        var recorded = await db.Outbox.Where(x => x.Id == id && x.LeaseToken == token).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.Attempts, m.Attempts).SetProperty(x => x.DeliveredTo, m.DeliveredTo).SetProperty(x => x.DoneAt, m.DoneAt)
            .SetProperty(x => x.LastError, m.LastError).SetProperty(x => x.Failed, m.Failed).SetProperty(x => x.NextAttemptAt, m.NextAttemptAt)
            .SetProperty(x => x.LockedUntil, (DateTimeOffset?)null).SetProperty(x => x.LeaseToken, (string?)null), CancellationToken.None);
        if (recorded == 0)
            log.LogWarning("Outbox {Id} ({Kind}): lease lost while running; its result was not recorded", m.Id, m.Kind);
    }
}
