using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ESignWeb.Data;

/// <summary>
/// A number that grows after every write to the database made through <see cref="AppDbContext"/> in this process
/// (bumped by <see cref="DataVersionInterceptor"/> once the write is committed). Caches of data read from the database
/// remember the version they read at and are stale as soon as it changes: read <see cref="Current"/> before the first
/// query, and whatever is built from that query is valid while <see cref="Current"/> still equals it. Coarse on
/// purpose (any write invalidates everything) and exact within this process, the only one that writes a data folder
/// while the app runs (the <c>apikey create</c> command only adds keys and users, which nothing caches before first use).
/// </summary>
public sealed class DataVersion
{
    private long _current;

    public long Current => Interlocked.Read(ref _current);

    public void Bump() => Interlocked.Increment(ref _current);
}

/// <summary>
/// Bumps <see cref="DataVersion"/> after each write: SaveChanges (also when it runs inside a transaction, and again when
/// that transaction commits, so a reader never keeps what it read before the commit), commits, and statements that are
/// not queries (ExecuteUpdate, ExecuteDelete, raw SQL).
/// </summary>
public sealed class DataVersionInterceptor(DataVersion version) : ISaveChangesInterceptor, IDbTransactionInterceptor, IDbCommandInterceptor
{
    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        version.Bump();
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        version.Bump();
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => version.Bump();

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        version.Bump();
        return Task.CompletedTask;
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        version.Bump();
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        version.Bump();
        return ValueTask.FromResult(result);
    }
}
