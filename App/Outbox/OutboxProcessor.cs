using ESignWeb.Data;
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
/// Runs committed outbox messages of one lane: claims due ones with a lease (so two processors never run the same
/// message), calls the handler for their kind, and on failure retries with the handler's backoff until its attempts
/// run out, after which the message is marked failed and shown as such.
/// </summary>
public sealed class OutboxProcessor(
    IDbContextFactory<AppDbContext> dbFactory,
    IEnumerable<IOutboxHandler> handlers,
    OutboxSignal signal,
    TimeProvider clock,
    ILogger<OutboxProcessor> log,
    OutboxLane lane) : BackgroundService
{
    public const int MaxAttempts = 25;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);
    private readonly Dictionary<string, IOutboxHandler> _handlers = handlers.ToDictionary(h => h.Kind);

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
                while (await RunOnceAsync(stoppingToken) > 0) { }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception ex)
            {
                log.LogError(ex, "Outbox pass ({Lane}) failed; will retry", lane.Name);
            }
            try { await wake.WaitAsync(PollInterval, stoppingToken); }
            catch (TimeoutException) { }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>Processes up to a batch of due messages; returns how many it took.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        List<(long Id, string? Partition)> claimed;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var due = await db.Outbox
                .Where(m => m.DoneAt == null && !m.Failed && m.NextAttemptAt <= now && (m.LockedUntil == null || m.LockedUntil < now))
                .Where(m => (m.Kind == OutboxKinds.Webhook) == lane.Webhooks)
                .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id).Select(m => new { m.Id, m.Partition }).Take(20).ToListAsync(ct);
            claimed = [];
            foreach (var m in due)
            {
                // Conditional update: only one processor wins the lease.
                var won = await db.Outbox.Where(x => x.Id == m.Id && x.DoneAt == null && (x.LockedUntil == null || x.LockedUntil < now))
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.LockedUntil, now + Lease), ct);
                if (won == 1) claimed.Add((m.Id, m.Partition));
            }
        }
        if (lane.Parallelism <= 1)
        {
            foreach (var (id, _) in claimed) await ProcessAsync(id, ct);
        }
        else
        {
            // One partition's messages in order; different partitions side by side.
            var groups = claimed.GroupBy(m => m.Partition ?? $"#{m.Id}").Select(g => g.OrderBy(m => m.Id).Select(m => m.Id).ToList());
            await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = lane.Parallelism, CancellationToken = ct },
                async (ids, token) => { foreach (var id in ids) await ProcessAsync(id, token); });
        }
        return claimed.Count;
    }

    private async Task ProcessAsync(long id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var m = await db.Outbox.SingleAsync(x => x.Id == id, ct);
        m.Attempts++;
        _handlers.TryGetValue(m.Kind, out var handler);
        try
        {
            if (handler is null) throw new PermanentOutboxFailure($"No handler for outbox kind '{m.Kind}'.");
            m.DeliveredTo = await handler.HandleAsync(m, ct);
            m.DoneAt = clock.GetUtcNow();
            m.LastError = null;
            log.LogInformation("Outbox {Id} ({Kind}) done after {Attempts} attempt(s)", m.Id, m.Kind, m.Attempts);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
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
        m.LockedUntil = null;
        await db.SaveChangesAsync(CancellationToken.None);
    }
}
