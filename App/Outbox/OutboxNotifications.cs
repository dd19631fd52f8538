using System.Runtime.CompilerServices;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ESignWeb.Outbox;

/// <summary>
/// PostgreSQL: a SaveChanges that adds outbox messages sends <c>NOTIFY esign_outbox</c> on the same connection after its
/// rows are written — inside the caller's transaction when there is one (<c>Transactions.WriteAsync</c>), so every
/// instance hears it when that transaction commits and never for one that rolls back; after the commit when
/// SaveChanges ran its own. SQLite: nothing (<see cref="DatabaseProvider.NotifyOutboxAsync"/> knows the provider).
/// </summary>
public sealed class OutboxNotifyInterceptor : ISaveChangesInterceptor
{
    // The options (and so this interceptor) are shared by all contexts: remember per context whether it enqueued.
    private static readonly ConditionalWeakTable<DbContext, object> Enqueuing = new();

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Remember(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Remember(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is AppDbContext db && Enqueuing.Remove(db)) DatabaseProvider.NotifyOutbox(db);
        return result;
    }

    public async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is AppDbContext db && Enqueuing.Remove(db)) await DatabaseProvider.NotifyOutboxAsync(db, cancellationToken);
        return result;
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (eventData.Context is { } db) Enqueuing.Remove(db);
    }

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveChangesFailed(eventData);
        return Task.CompletedTask;
    }

    private static void Remember(DbContext? db)
    {
        if (db is not AppDbContext app || !app.Database.IsPostgreSql()) return;
        if (app.ChangeTracker.Entries<OutboxMessage>().Any(e => e.State == EntityState.Added)) Enqueuing.AddOrUpdate(app, true);
    }
}

/// <summary>
/// PostgreSQL: keeps one connection that <c>LISTEN</c>s on the outbox channel and wakes this instance's processors
/// (<see cref="OutboxSignal"/>) whenever any instance commits new outbox work or gives leases back. When the
/// connection drops it reconnects (1 s, doubling to 30 s) and wakes the processors once, for whatever was enqueued
/// while nobody listened; the processors' slow poll (<c>ESign:Outbox:PollSeconds</c>) is the safety net beneath.
/// SQLite: does nothing (one process; the in-process signal is enough).
/// </summary>
public sealed class OutboxListener(
    IDbContextFactory<AppDbContext> dbFactory,
    OutboxSignal signal,
    IOptions<ESignOptions> options,
    ILogger<OutboxListener> log) : BackgroundService
{
    private long _connections;
    private long _notifications;

    /// <summary>How many times a listening connection was established (1 + the reconnects).</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>How many notifications arrived.</summary>
    public long Notifications => Interlocked.Read(ref _notifications);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Database.Provider != DatabaseProviderKind.PostgreSql) return;
        string connectionString;
        await using (var db = await dbFactory.CreateDbContextAsync(stoppingToken))
            connectionString = DatabaseProvider.ListenerConnectionString(db.Database.GetConnectionString()!);

        var backoff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, _) =>
                {
                    Interlocked.Increment(ref _notifications);
                    signal.Notify();
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {DatabaseProvider.OutboxChannel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                if (Interlocked.Increment(ref _connections) > 1)
                    log.LogInformation("Outbox listener reconnected");
                signal.Notify(); // what was enqueued while nobody listened
                backoff = TimeSpan.FromSeconds(1);
                while (true) await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception ex)
            {
                log.LogWarning(ex, "Outbox listener lost its connection; reconnecting in {Delay}", backoff);
                try { await Task.Delay(backoff, stoppingToken); }
                catch (OperationCanceledException) { break; }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }
}
