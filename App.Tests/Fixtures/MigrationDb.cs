using ESignWeb.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ESignWeb.Tests.Fixtures;

/// <summary>
/// Options for a context on a scratch SQLite file, for tests that migrate it step by step (data migrations). The app's
/// services shape the model as in the app (Identity's options). EF's pending-model-changes guard is logged, not thrown:
/// these tests check what a migration does to rows; that the model and the migrations are in step is checked by every
/// app start (the app migrates with the guard on), and building this hand-made context among hundreds of others in one
/// test process once tripped the guard's "model changes each time it is built" without any change to the model.
/// </summary>
public static class MigrationDb
{
    public static DbContextOptions<AppDbContext> Options(string path, IServiceProvider appServices) =>
        new DbContextOptionsBuilder<AppDbContext>().UseSqlite($"Data Source={path};Pooling=False")
            .UseApplicationServiceProvider(appServices)
            .ConfigureWarnings(w => w.Log(RelationalEventId.PendingModelChangesWarning))
            .Options;

    /// <summary>Inserts a row with raw SQL into a database at an older migration (no EF model of that time exists): every other NOT NULL column without a default gets 0 or "" (by its type).</summary>
    public static async Task InsertAsync(SqliteConnection c, string table, Dictionary<string, object> values)
    {
        await using (var info = c.CreateCommand())
        {
            info.CommandText = $"PRAGMA table_info(\"{table}\")";
            await using var r = await info.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                var (name, type, notNull, hasDefault) = (r.GetString(1), r.GetString(2), r.GetInt32(3) == 1, !r.IsDBNull(4));
                if (notNull && !hasDefault && !values.ContainsKey(name)) values[name] = type == "INTEGER" || type == "REAL" ? 0 : "";
            }
        }
        await using var cmd = c.CreateCommand();
        var names = values.Keys.ToList();
        cmd.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", names.Select(n => $"\"{n}\""))}) VALUES ({string.Join(", ", names.Select((_, i) => $"$p{i}"))})";
        for (var i = 0; i < names.Count; i++) cmd.Parameters.AddWithValue($"$p{i}", values[names[i]]);
        await cmd.ExecuteNonQueryAsync();
    }
}
