using ESignWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Outbox;

/// <summary>Wakes the processor right after a commit that enqueued work, instead of waiting for the next poll.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            try { _signal.Release(); } catch (SemaphoreFullException) { }
        }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}

/// <summary>
/// Runs committed outbox messages: claims due ones with a lease (so two processors never run the same message),
/// calls the handler for their kind, and on failure retries with exponential backoff (5 s doubling, at most 1 h)
/// until <see cref="MaxAttempts"/>, after which the message is marked failed and shown as such.
/// </summary>
public sealed class OutboxProcessor(
    IDbContextFactory<AppDbContext> dbFactory,
    IEnumerable<IOutboxHandler> handlers,
    OutboxSignal signal,
    TimeProvider clock,
    ILogger<OutboxProcessor> log) : BackgroundService
{
    public const int MaxAttempts = 25;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);
    private readonly Dictionary<string, IOutboxHandler> _handlers = handlers.ToDictionary(h => h.Kind);

    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(3600, 5 * Math.Pow(2, Math.Max(0, attempts - 1))));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await RunOnceAsync(stoppingToken) > 0) { }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception ex)
            {
                log.LogError(ex, "Outbox pass failed; will retry");
            }
            try { await signal.WaitAsync(PollInterval, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>Processes up to a batch of due messages; returns how many it took.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        List<long> claimed;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var due = await db.Outbox
                .Where(m => m.DoneAt == null && !m.Failed && m.NextAttemptAt <= now && (m.LockedUntil == null || m.LockedUntil < now))
                .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id).Select(m => m.Id).Take(20).ToListAsync(ct);
            claimed = [];
            foreach (var id in due)
            {
                // Conditional update: only one processor wins the lease.
                var won = await db.Outbox.Where(m => m.Id == id && m.DoneAt == null && (m.LockedUntil == null || m.LockedUntil < now))
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedUntil, now + Lease), ct);
                if (won == 1) claimed.Add(id);
            }
        }
        foreach (var id in claimed) await ProcessAsync(id, ct);
        return claimed.Count;
    }

    private async Task ProcessAsync(long id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var m = await db.Outbox.SingleAsync(x => x.Id == id, ct);
        m.Attempts++;
        try
        {
            if (!_handlers.TryGetValue(m.Kind, out var handler))
                throw new PermanentOutboxFailure($"No handler for outbox kind '{m.Kind}'.");
            m.DeliveredTo = await handler.HandleAsync(m, ct);
            m.DoneAt = clock.GetUtcNow();
            m.LastError = null;
            log.LogInformation("Outbox {Id} ({Kind}) done after {Attempts} attempt(s)", m.Id, m.Kind, m.Attempts);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            m.LastError = ex.Message.Length > 1000 ? ex.Message[..1000] : ex.Message;
            if (ex is PermanentOutboxFailure || m.Attempts >= MaxAttempts)
            {
                m.Failed = true;
                log.LogError("Outbox {Id} ({Kind}) failed for good: {Error}", m.Id, m.Kind, m.LastError);
            }
            else
            {
                m.NextAttemptAt = clock.GetUtcNow() + Backoff(m.Attempts);
                log.LogWarning("Outbox {Id} ({Kind}) attempt {Attempts} failed, retrying at {Next}: {Error}",
                    m.Id, m.Kind, m.Attempts, m.NextAttemptAt, m.LastError);
            }
        }
        m.LockedUntil = null;
        await db.SaveChangesAsync(CancellationToken.None);
    }
}
