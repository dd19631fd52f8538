using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ESignWeb.Data;

/// <summary>
/// Design time (dotnet ef) for SQLite's set: without it, <c>--context AppDbContext</c> is served by
/// <see cref="PostgreSqlDesignTimeFactory"/> (its context derives from AppDbContext) and the SQLite migration comes
/// out with PostgreSQL's column types. Nothing connects to add a migration.
/// </summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<AppDbContext>)new DbContextOptionsBuilder<AppDbContext>()
            .UseESignDatabase(DatabaseProviderKind.Sqlite, "Data Source=esign-design.db")
            .UseApplicationServiceProvider(PostgreSqlDesignTimeFactory.ModelServices).Options);
}
