using System.Diagnostics;
using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Folders;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Xunit.Abstractions;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// ESign:Database:Provider: both migration sets describe today's model (no server needed), and the app on the test
/// run's throw-away PostgreSQL migrates, compares names without regard to case as SQLite's NOCASE does, and serialises
/// the finishes of one request on its row. The rest of the integration suite runs on PostgreSQL with
/// ESIGN_TEST_DATABASE=PostgreSql (.ci/test runs a slice of it so).
/// </summary>
public class PostgreSqlProviderTests(ITestOutputHelper output)
{
    [Fact]
    public void Both_migration_sets_capture_the_model_so_a_model_change_needs_a_migration_for_each_provider()
    {
        using var sqlite = new AppDbContext((DbContextOptions<AppDbContext>)new DbContextOptionsBuilder<AppDbContext>()
            .UseESignDatabase(DatabaseProviderKind.Sqlite, "Data Source=:memory:")
            .UseApplicationServiceProvider(PostgreSqlDesignTimeFactory.ModelServices)
            // Its own model, not one cached by an earlier AppDbContext of this test process built without Identity's
            // store options (plain UseSqlite in unit tests: no passkeys table), which made this check depend on test order.
            .EnableServiceProviderCaching(false).Options);
        using var pg = new PostgreSqlDesignTimeFactory().CreateDbContext([]);

        Assert.False(sqlite.Database.HasPendingModelChanges(),
            "The model changed without a SQLite migration: dotnet ef migrations add <Name> --project App --context AppDbContext. " + Differences(sqlite));
        Assert.False(pg.Database.HasPendingModelChanges(),
            "The model changed without a PostgreSQL migration: dotnet ef migrations add <Name> --project App --context PostgreSqlDbContext --output-dir Data/PostgreSqlMigrations. " + Differences(pg));

        // Each set is its own: no migration is shared, and each provider's set is the one its context finds.
        var sqliteSet = sqlite.Database.GetMigrations().ToList();
        var pgSet = pg.Database.GetMigrations().ToList();
        Assert.NotEmpty(sqliteSet);
        Assert.NotEmpty(pgSet);
        Assert.Empty(sqliteSet.Intersect(pgSet));
        Assert.True(pg.Database.IsPostgreSql());
        Assert.False(sqlite.Database.IsPostgreSql());
        // PostgreSQL has no NOCASE collation: those columns are citext there, and SQLite keeps NOCASE.
        Assert.Equal("citext", pg.GetService<IDesignTimeModel>().Model.FindEntityType(typeof(Folder))!.FindProperty(nameof(Folder.Name))!.GetColumnType());
        // Identity's passkeys table is in both (the store schema comes from the app's services).
        Assert.NotNull(pg.GetService<IDesignTimeModel>().Model.FindEntityType(typeof(Microsoft.AspNetCore.Identity.IdentityUserPasskey<string>)));
        Assert.Equal("NOCASE", sqlite.GetService<IDesignTimeModel>().Model.FindEntityType(typeof(Folder))!.FindProperty(nameof(Folder.Name))!.GetCollation());
    }

    /// <summary>What a missing migration would do (the operations EF would put in it), for the failure message.</summary>
    private static string Differences(AppDbContext db)
    {
        var snapshot = db.GetService<IMigrationsAssembly>().ModelSnapshot?.Model;
        if (snapshot is null) return "No model snapshot.";
        try { if (snapshot is IMutableModel mutable) snapshot = mutable.FinalizeModel(); }
        catch (InvalidOperationException) { } // finalized already (by HasPendingModelChanges)
        var finalized = db.GetService<IModelRuntimeInitializer>().Initialize(snapshot);
        var ops = db.GetService<IMigrationsModelDiffer>().GetDifferences(finalized.GetRelationalModel(),
            db.GetService<IDesignTimeModel>().Model.GetRelationalModel());
        return "Differences: " + string.Join("; ", ops.Select(o => o.GetType().Name + " " +
            string.Join(",", o.GetAnnotations().Select(a => a.Name)) + (o is Microsoft.EntityFrameworkCore.Migrations.Operations.AlterColumnOperation c ? $" {c.Table}.{c.Name}" : o.ToString())));
    }

    [Fact]
    public async Task The_app_starts_on_PostgreSql_applies_its_migrations_and_compares_names_without_regard_to_case()
    {
        var watch = Stopwatch.StartNew();
        _ = PostgresServer.StartUpTime; // the server, once per test run
        output.WriteLine($"PostgreSQL ready after {watch.Elapsed.TotalSeconds:0.00} s (its own start-up: {PostgresServer.StartUpTime.TotalSeconds:0.00} s).");
        watch.Restart();
        // An empty database, as an operator creates it (not the tests' migrated template): start-up migrates it.
        await using var app = new ESignAppFactory { Provider = DatabaseProviderKind.PostgreSql, ConnectionString = PostgresServer.CreateDatabase() };
        _ = app.Server;
        output.WriteLine($"App on a new PostgreSQL database (create + migrate + start): {watch.Elapsed.TotalSeconds:0.00} s.");

        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.True(db.Database.IsPostgreSql());
        await using (var pg = new PostgreSqlDbContext((DbContextOptions<PostgreSqlDbContext>)new DbContextOptionsBuilder<PostgreSqlDbContext>()
                         .UseESignDatabase(DatabaseProviderKind.PostgreSql, app.ConnectionString!)
                         .UseApplicationServiceProvider(PostgreSqlDesignTimeFactory.ModelServices).Options))
        {
            Assert.Empty(await pg.Database.GetPendingMigrationsAsync());
            Assert.Equal(pg.Database.GetMigrations(), await pg.Database.GetAppliedMigrationsAsync());
        }

        var owner = await app.CreateUserAsync("pg-owner@example.com");
        var folders = app.Get<FolderService>();
        await folders.CreateAsync(owner, null, "Contracts");
        // As on SQLite (NOCASE): the same name in another case is the same name.
        await Assert.ThrowsAnyAsync<AppException>(() => folders.CreateAsync(owner, null, "CONTRACTS"));
        Assert.Equal(1, await db.Folders.CountAsync(f => f.OwnerId == owner && f.Name == "contracts"));
    }

    [Fact]
    public async Task Twenty_signers_finishing_at_once_on_PostgreSql_give_one_seal_with_all_twenty()
    {
        await using var app = new ESignAppFactory { Provider = DatabaseProviderKind.PostgreSql };
        _ = app.Server;
        var signers = Enumerable.Range(1, 20).Select(i => $"pg-signer{i:00}@example.com").ToArray();
        var s = await new SigningScenario(app).SendAsync(false, signers);
        var tokens = new List<string>();
        foreach (var email in signers) tokens.Add(await s.PrepareAsync(email));

        using var go = new ManualResetEventSlim();
        var finishing = tokens.Select(t => Task.Run(async () => { go.Wait(); await s.FinishAsync(t); })).ToList();
        go.Set();
        await Task.WhenAll(finishing);
        await s.WaitForStatusAsync(RequestStatus.Complete, seconds: 120);

        await using var db = await s.Db.CreateDbContextAsync();
        Assert.Equal(1, await db.Outbox.CountAsync(m => m.Kind == Outbox.OutboxKinds.Seal));
        Assert.Single(await db.SignedFiles.Where(f => f.RequestId == s.RequestId).ToListAsync());
        var events = await db.AuditEvents.Where(e => e.RequestId == s.RequestId).ToListAsync();
        Assert.Equal(20, events.Count(e => e.Type == AuditEventType.Signed));
        Assert.Single(events, e => e.Type == AuditEventType.Completed);
        Assert.Null(AuditLog.Verify(events));
    }
}
