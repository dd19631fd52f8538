using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ESignWeb.Data;

/// <summary>
/// <see cref="AppDbContext"/>'s model on PostgreSQL, for migrations only: its own migrations set (Data/PostgreSqlMigrations,
/// EF Core's "multiple providers, one context type each" shape) next to SQLite's (Data/Migrations). The app itself
/// always works through <see cref="AppDbContext"/>; <see cref="DatabaseProvider.Migrate"/> uses this one to migrate.
/// New migration: <c>dotnet ef migrations add Name --project App --context PostgreSqlDbContext --output-dir Data/PostgreSqlMigrations</c>
/// (and the SQLite one with <c>--context ESignWeb.Data.AppDbContext --output-dir Data/Migrations</c>: the full name, since "AppDbContext" alone matches both contexts; run <c>dotnet tool restore</c> first); App.Tests' ModelMigrationTests fail while either is missing.
/// </summary>
public sealed class PostgreSqlDbContext(DbContextOptions<PostgreSqlDbContext> options) : AppDbContext(options);

/// <summary>Design time (dotnet ef): the PostgreSQL model without a server (nothing connects to add a migration).</summary>
public sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlDbContext>
{
    /// <summary>
    /// What the model reads from the app's services outside the app: Identity's store schema (passkeys, Version 3),
    /// as <c>AddIdentityCore</c> sets it (<see cref="AppDbContext.IdentitySchemaVersion"/>).
    /// </summary>
    public static IServiceProvider ModelServices { get; } = new ServiceCollection()
        .Configure<IdentityOptions>(o => o.Stores.SchemaVersion = AppDbContext.IdentitySchemaVersion).BuildServiceProvider();

    public PostgreSqlDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<PostgreSqlDbContext>)new DbContextOptionsBuilder<PostgreSqlDbContext>()
            .UseESignDatabase(DatabaseProviderKind.PostgreSql, "Host=localhost;Database=esign_design")
            .UseApplicationServiceProvider(ModelServices).EnableServiceProviderCaching(false).Options); // its own model, never one cached without ModelServices
}

/// <summary>
/// Design time (dotnet ef) for SQLite's set: without it the tools build <see cref="AppDbContext"/> through
/// <see cref="PostgreSqlDesignTimeFactory"/> (its context derives from AppDbContext) and write a PostgreSQL migration
/// into Data/Migrations.
/// </summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<AppDbContext>)new DbContextOptionsBuilder<AppDbContext>()
            .UseESignDatabase(DatabaseProviderKind.Sqlite, "Data Source=esign-design.db")
            .UseApplicationServiceProvider(PostgreSqlDesignTimeFactory.ModelServices).Options);
}
