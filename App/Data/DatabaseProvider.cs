using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace ESignWeb.Data;

/// <summary>The database underneath (<c>ESign:Database:Provider</c>).</summary>
public enum DatabaseProviderKind
{
    /// <summary>One file, <c>&lt;DataPath&gt;/esign.db</c>: the default, for one instance.</summary>
    Sqlite,

    /// <summary>PostgreSQL at <c>ConnectionStrings:ESign</c>: for several instances sharing one database.</summary>
    PostgreSql,
}

/// <summary>
/// THE place that knows which database is underneath: how the context is configured, how the model differs, how a
/// write transaction queues, how a read snapshot opens, which errors mean "a concurrent commit won", and the few
/// SQL texts that differ. Everything else is provider-neutral LINQ (docs/operations.md lists the seams).
/// </summary>
public static class DatabaseProvider
{
    /// <summary>The name under <c>ConnectionStrings</c> read for PostgreSQL.</summary>
    public const string ConnectionStringName = "ESign";

    private const string NpgsqlProviderName = "Npgsql.EntityFrameworkCore.PostgreSQL";

    /// <summary>The provider, its connection, command timeout and split queries (the same for both).</summary>
    public static DbContextOptionsBuilder UseESignDatabase(this DbContextOptionsBuilder o, DatabaseProviderKind kind, string connectionString) =>
        kind switch
        {
            DatabaseProviderKind.Sqlite => o.UseSqlite(connectionString,
                s => s.CommandTimeout(30).UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery)),
            DatabaseProviderKind.PostgreSql => o.UseNpgsql(connectionString,
                n => n.CommandTimeout(30).UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery)),
        };

    /// <summary>The connection string of the configured provider (SQLite: the file in the data folder).</summary>
    public static string ConnectionString(DatabaseProviderKind kind, string? configured, string sqliteFile) => kind switch
    {
        DatabaseProviderKind.Sqlite => $"Data Source={sqliteFile};Pooling=True",
        DatabaseProviderKind.PostgreSql => string.IsNullOrWhiteSpace(configured)
            ? throw new InvalidOperationException($"ESign:Database:Provider is PostgreSql but ConnectionStrings:{ConnectionStringName} is empty.")
            : configured,
    };

    public static bool IsPostgreSql(this DatabaseFacade database) => database.ProviderName == NpgsqlProviderName;

    /// <summary>
    /// The model as the provider needs it. SQLite compares names without regard to case with its NOCASE collation;
    /// PostgreSQL has no such collation, so those columns become <c>citext</c> (case-insensitive equality, IN,
    /// GROUP BY, LIKE and unique indexes, as NOCASE). Index filters name their columns quoted (PostgreSQL folds
    /// unquoted names to lower case; EF's columns are mixed case).
    /// </summary>
    internal static void AdaptModel(ModelBuilder builder, DatabaseFacade database)
    {
        if (!database.IsPostgreSql()) return;
        builder.HasPostgresExtension("citext");
        foreach (var entity in builder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetDeclaredProperties())
            {
                if (!string.Equals(property.GetCollation(), "NOCASE", StringComparison.Ordinal)) continue;
                property.SetCollation(null);
                property.SetColumnType("citext");
                property.SetMaxLength(null);
            }
            foreach (var index in entity.GetDeclaredIndexes())
            {
                if (index.GetFilter() is { } filter && index.Properties.Count == 1 && filter == $"{index.Properties[0].Name} IS NOT NULL")
                    index.SetFilter($"\"{index.Properties[0].GetColumnName()}\" IS NOT NULL");
            }
        }
    }

    /// <summary>
    /// Opens the transaction of one write (<see cref="Transactions.WriteAsync{T}"/>). SQLite: BEGIN IMMEDIATE, so
    /// writers queue on the database's write lock before they read anything. PostgreSQL: READ COMMITTED; writers
    /// that must see each other's work queue on the rows they lock (<see cref="LockRequestAsync"/>) and the rest
    /// is optimistic (row versions, unique audit sequence), retried by <see cref="IsConflict"/>.
    /// </summary>
    internal static Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction> BeginWriteAsync(AppDbContext db, CancellationToken ct) =>
        db.Database.IsPostgreSql()
            ? db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct)
            : db.Database.BeginTransactionAsync(ct); // Microsoft.Data.Sqlite: BEGIN IMMEDIATE unless asked for deferred

    /// <summary>
    /// Serialises writes to one request: PostgreSQL takes the request row's lock (<c>SELECT … FOR UPDATE</c>) until
    /// the transaction ends, so of the signers finishing at once exactly one sees "everyone has signed". SQLite's
    /// write transaction already holds the database's only write lock: nothing to do. Outside a transaction: nothing.
    /// </summary>
    public static async Task LockRequestAsync(this AppDbContext db, int requestId, CancellationToken ct)
    {
        if (!db.Database.IsPostgreSql() || db.Database.CurrentTransaction is null) return;
        await db.Database.SqlQuery<int>($"""SELECT "Id" AS "Value" FROM "Requests" WHERE "Id" = {requestId} FOR UPDATE""").ToListAsync(ct);
    }

    /// <summary>The transaction advisory lock the webhook lane's claims queue on (PostgreSQL; any constant unique to it).</summary>
    private const long PartitionedClaimLock = 0x4553_6967_6E57_4831; // "ESignWH1"

    /// <summary>The PostgreSQL channel on which a commit that enqueued outbox work wakes every instance's processors.</summary>
    public const string OutboxChannel = "esign_outbox";

    /// <summary>
    /// Claims up to <paramref name="take"/> due outbox messages of one lane for the lease <paramref name="token"/> until
    /// <paramref name="until"/>. PostgreSQL: one statement, <c>UPDATE … WHERE "Id" IN (SELECT … FOR UPDATE SKIP LOCKED)
    /// RETURNING</c>, so concurrent claims of several instances pass over each other's rows instead of waiting or
    /// taking them twice. SQLite (one instance, one writer): read the due ones, then a conditional update per row that
    /// only one claim can win.
    /// <para>
    /// Partitions (a webhook's callback URL): a message is not claimed while another message of its partition is leased
    /// by another claim, so one URL's deliveries go one at a time and in order across every processor and instance, as
    /// on one instance (docs/api.md, webhooks); a dead holder's lease runs out and frees the partition. On PostgreSQL the
    /// webhook lane's claims queue on a transaction advisory lock (a claim is one short statement), so a claim's
    /// snapshot sees every claim committed before it — SKIP LOCKED alone would let two instances each take one message
    /// of the same URL at the same moment. Each SQLite row update re-checks the partition in the same statement.
    /// </para>
    /// </summary>
    internal static async Task<List<ClaimedOutboxMessage>> ClaimOutboxAsync(AppDbContext db, bool webhooks, DateTimeOffset now,
        DateTimeOffset until, string token, int take, CancellationToken ct)
    {
        if (db.Database.IsPostgreSql())
        {
            // Times are UTC ticks (DateTimeOffsetTicksConverter) on both providers.
            long nowTicks = now.UtcTicks, untilTicks = until.UtcTicks;
            var webhookKind = Outbox.OutboxKinds.Webhook;
            await using var tx = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
            if (webhooks) await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({PartitionedClaimLock})", ct);
            var rows = await db.Database.SqlQuery<ClaimedOutboxMessage>($"""
                UPDATE "Outbox" SET "LockedUntil" = {untilTicks}, "LeaseToken" = {token}
                WHERE "Id" IN (
                    SELECT o."Id" FROM "Outbox" o
                    WHERE o."DoneAt" IS NULL AND NOT o."Failed" AND o."NextAttemptAt" <= {nowTicks}
                      AND (o."LockedUntil" IS NULL OR o."LockedUntil" < {nowTicks}) AND (o."Kind" = {webhookKind}) = {webhooks}
                      AND (o."Partition" IS NULL OR NOT EXISTS (
                          SELECT 1 FROM "Outbox" h
                          WHERE h."Partition" = o."Partition" AND h."DoneAt" IS NULL AND NOT h."Failed"
                            AND h."LockedUntil" >= {nowTicks} AND h."LeaseToken" <> {token}))
                    ORDER BY o."NextAttemptAt", o."Id" LIMIT {take}
                    FOR UPDATE SKIP LOCKED)
                RETURNING "Id", "Partition"
                """).ToListAsync(ct);
            await tx.CommitAsync(ct);
            return rows;
        }
        var due = await db.Outbox
            .Where(m => m.DoneAt == null && !m.Failed && m.NextAttemptAt <= now && (m.LockedUntil == null || m.LockedUntil < now))
            .Where(m => (m.Kind == Outbox.OutboxKinds.Webhook) == webhooks)
            .Where(m => m.Partition == null || !db.Outbox.Any(h => h.Partition == m.Partition && h.DoneAt == null && !h.Failed && h.LockedUntil >= now))
            .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id).Select(m => new { m.Id, m.Partition }).Take(take).ToListAsync(ct);
        var claimed = new List<ClaimedOutboxMessage>();
        foreach (var m in due)
        {
            // Conditional update: only one claim wins the lease (a free one, or one whose holder stopped renewing).
            var won = await db.Outbox.Where(x => x.Id == m.Id && x.DoneAt == null && (x.LockedUntil == null || x.LockedUntil < now))
                .Where(x => x.Partition == null || !db.Outbox.Any(h => h.Partition == x.Partition && h.DoneAt == null && !h.Failed &&
                                                                      h.LockedUntil >= now && h.LeaseToken != token))
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LockedUntil, until).SetProperty(x => x.LeaseToken, token), ct);
            if (won == 1) claimed.Add(new ClaimedOutboxMessage { Id = m.Id, Partition = m.Partition });
        }
        return claimed;
    }

    /// <summary>
    /// PostgreSQL: <c>NOTIFY</c> the outbox channel on this context's connection — inside its transaction when one is
    /// open, so the listeners hear it when (and only if) the transaction commits. SQLite (one process): nothing; the
    /// in-process <c>OutboxSignal</c> is all there is.
    /// </summary>
    internal static async Task NotifyOutboxAsync(AppDbContext db, CancellationToken ct)
    {
        if (!db.Database.IsPostgreSql()) return;
        await db.Database.ExecuteSqlRawAsync(NotifyOutboxSql, ct);
    }

    /// <inheritdoc cref="NotifyOutboxAsync"/>
    internal static void NotifyOutbox(AppDbContext db)
    {
        if (db.Database.IsPostgreSql()) db.Database.ExecuteSqlRaw(NotifyOutboxSql);
    }

    private const string NotifyOutboxSql = $"SELECT pg_notify('{OutboxChannel}', '')";

    /// <summary>
    /// A dedicated connection for <c>LISTEN</c> (not pooled: it keeps its LISTEN state for its whole life), named so
    /// that operators see it in <c>pg_stat_activity</c>, with a keepalive so a dead server is noticed while waiting.
    /// </summary>
    internal static string ListenerConnectionString(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString)
    {
        Pooling = false, ApplicationName = OutboxListenerName, KeepAlive = 15,
    }.ConnectionString;

    /// <summary>The <c>application_name</c> of the outbox's listening connections.</summary>
    public const string OutboxListenerName = "esign-outbox-listener";

    /// <summary>Whether a failed write lost to a concurrent commit (then it is run again from scratch).</summary>
    internal static bool IsConflict(Exception ex) => ex switch
    {
        DbUpdateConcurrencyException => true,
        DbUpdateException { InnerException: SqliteException { SqliteErrorCode: 19 } } => true, // UNIQUE (audit Seq)
        DbUpdateException { InnerException: SqliteException { SqliteErrorCode: 5 or 6 } } => true, // busy / table locked (shared cache)
        SqliteException { SqliteErrorCode: 5 or 6 } => true, // busy / locked
        DbUpdateException { InnerException: PostgresException pg } => IsPostgresConflict(pg),
        PostgresException pg => IsPostgresConflict(pg),
        InvalidOperationException { InnerException: PostgresException pg } => IsPostgresConflict(pg),
        _ => false,
    };

    private static bool IsPostgresConflict(PostgresException pg) => pg.SqlState is
        PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected;

    /// <summary>
    /// A read-only transaction over one consistent snapshot (<see cref="ListSnapshot{T}"/>). SQLite: deferred BEGIN
    /// (WAL: the snapshot of the first read, no write lock). PostgreSQL: REPEATABLE READ (the snapshot of the first
    /// statement). Only ever rolled back.
    /// </summary>
    internal static async Task<DbTransaction> BeginReadSnapshotAsync(AppDbContext db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        var tx = connection is SqliteConnection sqlite
            ? sqlite.BeginTransaction(deferred: true)
            : await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await db.Database.UseTransactionAsync(tx, ct);
        return tx;
    }

    /// <summary>
    /// The highest signed-file id ever handed out, committed or not (SQLite AUTOINCREMENT's sqlite_sequence;
    /// PostgreSQL's identity sequence — neither gives an id back on rollback). 0 when none was.
    /// </summary>
    internal static async Task<long> HighestSignedFileIdGivenAsync(AppDbContext db, CancellationToken ct)
    {
        var given = db.Database.IsPostgreSql()
            ? await db.Database.SqlQueryRaw<long>(
                """SELECT COALESCE(last_value, 0) AS "Value" FROM pg_sequences WHERE schemaname = current_schema() AND sequencename = 'SignedFiles_Id_seq'""").ToListAsync(ct)
            : await db.Database.SqlQueryRaw<long>("SELECT seq AS Value FROM sqlite_sequence WHERE name = 'SignedFiles'").ToListAsync(ct);
        return given.FirstOrDefault();
    }

    /// <summary>The id the next signed file gets unless another insert comes first (see <see cref="HighestSignedFileIdGivenAsync"/>).</summary>
    internal static async Task<int> NextSignedFileIdAsync(AppDbContext db, CancellationToken ct)
    {
        var given = await HighestSignedFileIdGivenAsync(db, ct);
        var highest = await db.SignedFiles.MaxAsync(f => (int?)f.Id, ct) ?? 0;
        return (int)Math.Max(given, highest) + 1;
    }

    /// <summary>The transaction advisory lock seals take before they check and take the next signed-file id (PostgreSQL).</summary>
    private const long SignedFileIdLock = 0x4553_6967_6E53_4631; // "ESignSF1"

    /// <summary>
    /// Makes the next signed-file id stable until this write transaction ends, among seals. PostgreSQL: a transaction
    /// advisory lock — an identity sequence hands an id out even to an insert that rolls back, so seals racing without
    /// it each burned an id per attempt and kept each other's guessed id (shown in the audit trail) stale until they
    /// gave up. SQLite: the write transaction holds the only write lock and a rolled-back insert gives its id back.
    /// </summary>
    internal static async Task LockSignedFileIdsAsync(this AppDbContext db, CancellationToken ct)
    {
        if (!db.Database.IsPostgreSql() || db.Database.CurrentTransaction is null) return;
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({SignedFileIdLock})", ct);
    }

    /// <summary>
    /// Applies the provider's migrations (SQLite: Data/Migrations, for <see cref="AppDbContext"/>; PostgreSQL:
    /// Data/PostgreSqlMigrations, for <see cref="PostgreSqlDbContext"/>, the same model) and prepares the database.
    /// </summary>
    internal static void Migrate(AppDbContext db)
    {
        if (db.Database.IsPostgreSql())
        {
            MigratePostgreSql(db.Database.GetConnectionString()!);
            return;
        }
        db.Database.Migrate();
        // WAL lets the outbox processor write while pages read.
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
    }

    /// <summary>
    /// Applies PostgreSQL's migrations set (Data/PostgreSqlMigrations, <see cref="PostgreSqlDbContext"/>) to the database
    /// of <paramref name="connectionString"/> (the app at start-up; the tests' template database once per run).
    /// </summary>
    internal static void MigratePostgreSql(string connectionString)
    {
        var options = new DbContextOptionsBuilder<PostgreSqlDbContext>()
            .UseESignDatabase(DatabaseProviderKind.PostgreSql, connectionString)
            .UseApplicationServiceProvider(PostgreSqlDesignTimeFactory.ModelServices).Options;
        using (var pg = new PostgreSqlDbContext((DbContextOptions<PostgreSqlDbContext>)options))
            pg.Database.Migrate();
        // A new extension's types (citext) are known to connections opened after it was created.
        NpgsqlConnection.ClearAllPools();
    }
}

/// <summary>A message one claim took (<see cref="DatabaseProvider.ClaimOutboxAsync"/>).</summary>
public sealed class ClaimedOutboxMessage
{
    public long Id { get; set; }
    public string? Partition { get; set; }
}
