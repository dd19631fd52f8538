using ESignWeb.Tests.Fixtures;
using ESignWeb.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Migration <c>TemplateRoleOrder</c> on a database made before it: roles of a one-after-another template get their
/// id as order group, roles of an all-at-once template all get 1 (equal groups act at once).
/// </summary>
public class TemplateRoleOrderMigrationTests(ESignAppFactory app) : IClassFixture<ESignAppFactory>
{
    [Fact]
    public async Task Existing_roles_get_their_id_when_the_template_is_ordered_and_1_when_it_is_all_at_once()
    {
        var path = Path.Combine(Path.GetTempPath(), $"esign-migration-{Guid.NewGuid():N}.db");
        try
        {
            // The app's services: Identity's options shape the model (its schema version), as in the app.
            var options = MigrationDb.Options(path, app.Services);
            await using (var db = new AppDbContext(options))
                await db.GetService<IMigrator>().MigrateAsync("20261127194950_TextTags");

            await using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                await c.OpenAsync();
                await ExecAsync(c, "PRAGMA foreign_keys = OFF;");
                await MigrationDb.InsertAsync(c, "Templates", new() { ["Id"] = 1, ["IsOrdered"] = 1 });
                await MigrationDb.InsertAsync(c, "Templates", new() { ["Id"] = 2, ["IsOrdered"] = 0 });
                var id = 1;
                foreach (var (template, number) in new[] { (1, 1), (1, 2), (1, 3), (2, 1), (2, 2) })
                    await MigrationDb.InsertAsync(c, "TemplateRoles", new() { ["Id"] = id++, ["TemplateId"] = template, ["Number"] = number, ["Name"] = $"R{number}" });
            }

            await using (var db = new AppDbContext(options))
            {
                await db.Database.MigrateAsync();
                var orders = await db.Set<ESignWeb.Templates.TemplateRole>().AsNoTracking().OrderBy(r => r.TemplateId).ThenBy(r => r.Number)
                    .Select(r => new { r.TemplateId, r.Order }).ToListAsync();
                Assert.Equal([1, 2, 3], orders.Where(r => r.TemplateId == 1).Select(r => r.Order));
                Assert.Equal([1, 1], orders.Where(r => r.TemplateId == 2).Select(r => r.Order));
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    private static async Task ExecAsync(SqliteConnection c, string sql)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }
}
