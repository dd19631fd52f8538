using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Data;

/// <summary>
/// Runs one state change as one transaction, opened before anything is read (SQLite: BEGIN IMMEDIATE, so writers
/// queue instead of racing; PostgreSQL: READ COMMITTED, writers of one request queue on its row,
/// <see cref="DatabaseProvider.LockRequestAsync"/>), and retries it from scratch when a concurrent commit won (row version or audit
/// sequence clash). Refusals (<see cref="Domain.AppException"/>) are not retried.
/// </summary>
public static class Transactions
{
    public static async Task<T> WriteAsync<T>(this IDbContextFactory<AppDbContext> factory,
        Func<AppDbContext, Task<T>> work, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            await using var tx = await DatabaseProvider.BeginWriteAsync(db, ct);
            try
            {
                var result = await work(db);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                return result;
            }
            catch (Exception ex) when (attempt < 8 && IsConflict(ex))
            {
                await tx.RollbackAsync(CancellationToken.None);
                await Task.Delay(Random.Shared.Next(5, 40) * attempt, ct);
            }
        }
    }

    public static Task WriteAsync(this IDbContextFactory<AppDbContext> factory, Func<AppDbContext, Task> work,
        CancellationToken ct = default) =>
        factory.WriteAsync(async db => { await work(db); return true; }, ct);

    private static bool IsConflict(Exception ex) => DatabaseProvider.IsConflict(ex);
}
