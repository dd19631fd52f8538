using System.Runtime.CompilerServices;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Data;

/// <summary>
/// A whole list read as one consistent snapshot, without holding it in memory: its <see cref="Count"/> first, then its
/// rows in keyset batches of <see cref="BatchSize"/> (each batch asks for the rows after the previous batch's last
/// row, never <c>Skip</c>). Everything is read in one deferred SQLite read transaction (WAL: a reader sees the
/// database as of its first read and never blocks a writer; PostgreSQL: REPEATABLE READ), so the count and the rows agree even while requests
/// are created or change status. The transaction is only ever rolled back (nothing is written). Dispose it when the
/// list has been written.
/// </summary>
public sealed class ListSnapshot<T> : IAsyncDisposable where T : class
{
    public const int BatchSize = 500;

    private readonly AppDbContext _db;
    private readonly DbTransaction _tx;
    private readonly Func<AppDbContext, T?, int, CancellationToken, Task<List<T>>> _batch;

    private ListSnapshot(AppDbContext db, DbTransaction tx, int count, Func<AppDbContext, T?, int, CancellationToken, Task<List<T>>> batch) =>
        (_db, _tx, Count, _batch) = (db, tx, count, batch);

    /// <summary>How many rows <see cref="BatchesAsync"/> yields.</summary>
    public int Count { get; }

    /// <summary>The snapshot's context, for reading rows that belong with a batch (owners, outbox failures) as of the same moment.</summary>
    public AppDbContext Db => _db;

    /// <param name="count">The number of rows of the list.</param>
    /// <param name="batch">
    /// Up to <c>take</c> rows in the list's order that come after <c>after</c> (null: from the start). The order must be
    /// total (end with the id) and the filter a keyset one (<c>Id &lt; after.Id</c>), so no row is skipped or repeated.
    /// </param>
    public static async Task<ListSnapshot<T>> OpenAsync(IDbContextFactory<AppDbContext> factory,
        Func<AppDbContext, CancellationToken, Task<int>> count,
        Func<AppDbContext, T?, int, CancellationToken, Task<List<T>>> batch, CancellationToken ct)
    {
        var db = await factory.CreateDbContextAsync(ct);
        try
        {
            // Deferred on SQLite (BEGIN, not BEGIN IMMEDIATE as Transactions.WriteAsync), REPEATABLE READ on PostgreSQL:
            // a read transaction over one snapshot that takes no write lock.
            var tx = await DatabaseProvider.BeginReadSnapshotAsync(db, ct);
            return new ListSnapshot<T>(db, tx, await count(db, ct), batch);
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    /// <summary>The rows, a batch at a time; a batch is not kept once the next is asked for.</summary>
    public async IAsyncEnumerable<List<T>> BatchesAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        T? last = null;
        while (true)
        {
            var rows = await _batch(_db, last, BatchSize, ct);
            if (rows.Count == 0) yield break;
            yield return rows;
            if (rows.Count < BatchSize) yield break;
            last = rows[^1];
            _db.ChangeTracker.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _tx.DisposeAsync(); // rolls back: nothing was written
        await _db.DisposeAsync();
    }
}
