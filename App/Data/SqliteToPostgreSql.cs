using System.Data;
using System.Data.Common;
using System.Reflection;
using System.Security.Cryptography;
using ESignWeb.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace ESignWeb.Data;

/// <summary>
/// <c>ESignWeb migrate-data --to-postgres "&lt;connection string&gt;"</c> (docs/operations.md, "Moving from SQLite to
/// PostgreSQL"): copies an SQLite instance's rows and blobs into an empty PostgreSQL database and verifies them.
/// Generic over the EF model — every table of <see cref="AppDbContext"/>'s relational model (Identity, OpenIddict,
/// outbox, audit and whatever is added later), in foreign-key order, ids kept, each column converted through both
/// providers' type mappings; identity sequences are set past the highest id (or SQLite's AUTOINCREMENT high-water
/// mark) afterwards. The source is opened read-only and read in one snapshot; the target gets every row in one
/// transaction (a failed copy leaves it empty). Then every referenced blob is copied to the target store (when it is
/// another store) and its SHA-256 checked against its key; row counts are compared table by table.
/// </summary>
public sealed class SqliteToPostgreSql(TextWriter output)
{
    /// <summary>Exit codes: 0 everything copied and verified; 1 a mismatch or failure; 3 refused (target not empty, source not current).</summary>
    public const int Verified = 0, Failed = 1, Refused = 3;

    private const int MaxParametersPerStatement = 30_000;
    private const int MaxRowsPerStatement = 500;

    public sealed record TableCount(string Table, long Source, long Target)
    {
        public bool Matches => Source == Target;
    }

    /// <param name="sqliteFile">The instance's database file (opened read-only).</param>
    /// <param name="targetConnectionString">The PostgreSQL database; migrated to the current model, must hold no rows.</param>
    /// <param name="sourceBlobs">The instance's blob store.</param>
    /// <param name="targetBlobs">Where the PostgreSQL instance will read blobs; the same object when it keeps this data folder.</param>
    public async Task<int> RunAsync(string sqliteFile, string targetConnectionString, IBlobStore sourceBlobs, IBlobStore targetBlobs,
        CancellationToken ct = default)
    {
        if (!File.Exists(sqliteFile))
        {
            output.WriteLine($"No SQLite database at {sqliteFile} (ESign:DataPath points at the instance's data folder).");
            return Refused;
        }
        await using var source = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = sqliteFile, Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString());
        await source.OpenAsync(ct);
        // One snapshot for every read (WAL: no lock on writers; the instance should still be stopped, see the docs).
        await using var snapshot = source.BeginTransaction(deferred: true);
        await using var sourceDb = new AppDbContext(ContextOptions(o => o.UseSqlite(source)));
        await sourceDb.Database.UseTransactionAsync(snapshot, ct);
        var pending = (await sourceDb.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count > 0)
        {
            output.WriteLine($"The SQLite database is not at this version's model ({pending.Count} migration(s) pending, e.g. {pending[0]}): " +
                             "start the instance once with this version (it migrates at start-up), stop it, then migrate the data.");
            return Refused;
        }

        await using var targetDb = new AppDbContext(ContextOptions(o => o.UseESignDatabase(DatabaseProviderKind.PostgreSql, targetConnectionString)));
        output.WriteLine("Migrating the PostgreSQL database to the current model…");
        DatabaseProvider.Migrate(targetDb);

        var sourceModel = sourceDb.GetService<IDesignTimeModel>().Model.GetRelationalModel();
        var tables = InForeignKeyOrder(targetDb.GetService<IDesignTimeModel>().Model.GetRelationalModel().Tables.Where(t => !t.IsExcludedFromMigrations).ToList());

        await using var target = new NpgsqlConnection(targetConnectionString);
        await target.OpenAsync(ct);
        foreach (var table in tables)
        {
            if (await ScalarAsync<bool>(target, null, $"SELECT EXISTS (SELECT 1 FROM {Quote(table)})", ct))
            {
                output.WriteLine($"Refused: the PostgreSQL database is not empty (table {table.Name} has rows). " +
                                 "Migrate into a new, empty database.");
                return Refused;
            }
        }

        var sqliteSequences = await SqliteSequencesAsync(source, snapshot, ct);
        await using (var tx = await target.BeginTransactionAsync(ct))
        {
            foreach (var table in tables)
            {
                var sourceTable = sourceModel.Tables.FirstOrDefault(t => t.Name == table.Name)
                                  ?? throw new InvalidOperationException($"Table {table.Name} is not in the SQLite model.");
                var copied = await CopyTableAsync(source, snapshot, sourceTable, target, tx, table, ct);
                await FixSequencesAsync(target, tx, table, sqliteSequences.GetValueOrDefault(table.Name), ct);
                output.WriteLine($"  copied {table.Name}: {copied} row(s)");
            }
            await tx.CommitAsync(ct);
        }

        // Verify on fresh reads of both sides.
        var counts = new List<TableCount>();
        foreach (var table in tables)
            counts.Add(new TableCount(table.Name,
                await ScalarAsync<long>(source, snapshot, $"SELECT COUNT(*) FROM \"{table.Name}\"", ct),
                await ScalarAsync<long>(target, null, $"SELECT COUNT(*) FROM {Quote(table)}", ct)));

        var keys = await BlobReferences.Keys(sourceDb).Distinct().ToListAsync(ct);
        var blobProblems = new List<string>();
        long bytes = 0;
        var copiedBlobs = 0;
        foreach (var key in keys.Order(StringComparer.Ordinal))
        {
            if (!sourceBlobs.Exists(key))
            {
                blobProblems.Add($"{key}: referenced by a row but missing in the source store");
                continue;
            }
            if (!ReferenceEquals(sourceBlobs, targetBlobs) && !targetBlobs.Exists(key))
            {
                await using var content = sourceBlobs.OpenRead(key);
                var stored = await targetBlobs.PutAsync(content, ct);
                if (stored != key) blobProblems.Add($"{key}: stored in the target as {stored}");
                copiedBlobs++;
            }
            await using var copy = targetBlobs.OpenRead(key);
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[81920];
            int n;
            while ((n = await copy.ReadAsync(buffer, ct)) > 0)
            {
                sha.AppendData(buffer, 0, n);
                bytes += n;
            }
            var hash = Convert.ToHexStringLower(sha.GetHashAndReset());
            if (hash != key) blobProblems.Add($"{key}: the target's content hashes to {hash}");
        }

        output.WriteLine();
        output.WriteLine($"{"Table",-40} {"SQLite",10} {"PostgreSQL",10}");
        foreach (var c in counts)
            output.WriteLine($"{c.Table,-40} {c.Source,10} {c.Target,10}{(c.Matches ? "" : "  MISMATCH")}");
        output.WriteLine($"Blobs: {keys.Count} referenced, {copiedBlobs} copied to the target store ({TargetName(targetBlobs)}), " +
                         $"{keys.Count - blobProblems.Count} verified by SHA-256 there ({bytes:N0} bytes read).");
        foreach (var p in blobProblems) output.WriteLine($"  BLOB PROBLEM {p}");
        var ok = counts.All(c => c.Matches) && blobProblems.Count == 0;
        output.WriteLine(ok
            ? $"Verified: {counts.Count} tables, {counts.Sum(c => c.Target)} rows, {keys.Count} blobs. The SQLite database was not changed."
            : "NOT verified: see the mismatches above. The SQLite database was not changed; drop the PostgreSQL database and try again.");
        return ok ? Verified : Failed;
    }

    /// <summary>
    /// The blob store of a PostgreSQL instance with <c>ESign:Storage:Provider = Database</c> (its StoredBlobs and
    /// BlobChunks tables), as the target of <c>--blobs database</c>; written after the rows are committed.
    /// </summary>
    public static DatabaseBlobStore PostgreSqlBlobStore(string targetConnectionString) => new(
        new PooledDbContextFactory<AppDbContext>(ContextOptions(o => o.UseESignDatabase(DatabaseProviderKind.PostgreSql, targetConnectionString))),
        TimeProvider.System);

    /// <summary>The app's model (with Identity's store schema) on the given provider; no interceptors, no app services.</summary>
    private static DbContextOptions<AppDbContext> ContextOptions(Action<DbContextOptionsBuilder> provider)
    {
        var builder = new DbContextOptionsBuilder<AppDbContext>().UseApplicationServiceProvider(PostgreSqlDesignTimeFactory.ModelServices);
        provider(builder);
        return builder.Options;
    }

    /// <summary>Principal tables before their dependants (a table's references to itself are handled in <see cref="CopyTableAsync"/>).</summary>
    internal static List<ITable> InForeignKeyOrder(IReadOnlyList<ITable> tables)
    {
        var ordered = new List<ITable>();
        var state = new Dictionary<ITable, bool>(); // false: visiting, true: done
        void Visit(ITable t)
        {
            if (state.TryGetValue(t, out var done))
            {
                if (!done) throw new InvalidOperationException($"Foreign keys form a cycle through {t.Name}.");
                return;
            }
            state[t] = false;
            foreach (var fk in t.ForeignKeyConstraints.Where(fk => fk.PrincipalTable != t).OrderBy(fk => fk.PrincipalTable.Name, StringComparer.Ordinal))
                Visit(fk.PrincipalTable);
            state[t] = true;
            ordered.Add(t);
        }
        foreach (var t in tables.OrderBy(t => t.Name, StringComparer.Ordinal)) Visit(t);
        return ordered.Where(tables.Contains).ToList();
    }

    private sealed record Column(string Name, RelationalTypeMapping Source, RelationalTypeMapping Target, Func<DbDataReader, int, object> Read, bool Json,
        bool SelfReference, bool TimestampWithTimeZone);

    private static async Task<long> CopyTableAsync(SqliteConnection source, SqliteTransaction snapshot, ITable sourceTable,
        NpgsqlConnection target, NpgsqlTransaction tx, ITable table, CancellationToken ct)
    {
        var selfColumns = table.ForeignKeyConstraints.Where(fk => fk.PrincipalTable == table)
            .SelectMany(fk => fk.Columns).Where(c => c.IsNullable).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var columns = table.Columns.Where(c => c.ComputedColumnSql is null).Select(c =>
        {
            var sourceColumn = sourceTable.FindColumn(c.Name) ?? throw new InvalidOperationException($"Column {table.Name}.{c.Name} is not in the SQLite model.");
            // A JSON column (Identity's passkey data) maps to a complex type, not to one property: its store mapping.
            var sourceMapping = (RelationalTypeMapping)(sourceColumn.PropertyMappings.FirstOrDefault()?.TypeMapping ?? sourceColumn.StoreTypeMapping);
            var targetMapping = (RelationalTypeMapping)(c.PropertyMappings.FirstOrDefault()?.TypeMapping ?? c.StoreTypeMapping);
            var json = c.PropertyMappings.Count == 0;
            return new Column(c.Name, sourceMapping, targetMapping, json ? Reader(typeof(string)) : Reader(ProviderType(sourceMapping)), json,
                selfColumns.Contains(c.Name), c.StoreType.StartsWith("timestamp with time zone", StringComparison.Ordinal));
        }).ToList();
        var keyColumns = table.PrimaryKey?.Columns.Select(c => c.Name).ToList() ?? [];

        await using var select = source.CreateCommand();
        select.Transaction = snapshot;
        select.CommandText = $"SELECT {string.Join(", ", columns.Select(c => $"\"{c.Name}\""))} FROM \"{table.Name}\"" +
                             (keyColumns.Count > 0 ? $" ORDER BY {string.Join(", ", keyColumns.Select(k => $"\"{k}\""))}" : "");
        var rowsPerStatement = Math.Max(1, Math.Min(MaxRowsPerStatement, MaxParametersPerStatement / Math.Max(1, columns.Count)));
        var batch = new List<object[]>(rowsPerStatement);
        var deferred = new List<object[]>(); // (key…, self-reference…) of rows whose self-references are set afterwards
        long count = 0;
        await using (var reader = await select.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var row = new object[columns.Count];
                for (var i = 0; i < columns.Count; i++)
                    row[i] = reader.IsDBNull(i) ? DBNull.Value : ToTarget(columns[i], columns[i].Read(reader, i));
                if (selfColumns.Count > 0 && columns.Where((c, i) => c.SelfReference && row[i] is not DBNull).Any())
                {
                    deferred.Add(row.ToArray());
                    for (var i = 0; i < columns.Count; i++) if (columns[i].SelfReference) row[i] = DBNull.Value;
                }
                batch.Add(row);
                count++;
                if (batch.Count == rowsPerStatement)
                {
                    await InsertAsync(target, tx, table, columns, batch, ct);
                    batch.Clear();
                }
            }
        }
        if (batch.Count > 0) await InsertAsync(target, tx, table, columns, batch, ct);

        // Rows that point at rows of their own table (folders in folders): every row exists now, set the pointers.
        foreach (var row in deferred)
        {
            await using var update = target.CreateCommand();
            update.Transaction = tx;
            var sets = new List<string>();
            var wheres = new List<string>();
            for (var i = 0; i < columns.Count; i++)
            {
                var c = columns[i];
                if (!c.SelfReference && !keyColumns.Contains(c.Name)) continue;
                var p = Parameter(update, c, $"p{i}", row[i]);
                (c.SelfReference ? sets : wheres).Add($"\"{c.Name}\" = {p}");
            }
            update.CommandText = $"UPDATE {Quote(table)} SET {string.Join(", ", sets)} WHERE {string.Join(" AND ", wheres)}";
            await update.ExecuteNonQueryAsync(ct);
        }
        return count;
    }

    private static async Task InsertAsync(NpgsqlConnection target, NpgsqlTransaction tx, ITable table, List<Column> columns,
        List<object[]> rows, CancellationToken ct)
    {
        await using var insert = target.CreateCommand();
        insert.Transaction = tx;
        var values = new List<string>(rows.Count);
        for (var r = 0; r < rows.Count; r++)
        {
            var names = new string[columns.Count];
            for (var i = 0; i < columns.Count; i++) names[i] = Parameter(insert, columns[i], $"p{r}_{i}", rows[r][i]);
            values.Add($"({string.Join(", ", names)})");
        }
        insert.CommandText = $"INSERT INTO {Quote(table)} ({string.Join(", ", columns.Select(c => $"\"{c.Name}\""))}) " +
                             $"OVERRIDING SYSTEM VALUE VALUES {string.Join(", ", values)}";
        await insert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A parameter typed as EF types the column on PostgreSQL, carrying an already converted (provider) value.</summary>
    private static string Parameter(DbCommand command, Column column, string name, object value)
    {
        var p = column.Json
            ? new NpgsqlParameter("@" + name, column.Target.StoreType == "jsonb" ? NpgsqlTypes.NpgsqlDbType.Jsonb : NpgsqlTypes.NpgsqlDbType.Text)
            : column.Target.CreateParameter(command, "@" + name, null, nullable: true);
        p.Value = value;
        command.Parameters.Add(p);
        return "@" + name;
    }

    /// <summary>An SQLite provider value as PostgreSQL's provider value: through the model value when the two providers store it differently.</summary>
    private static object ToTarget(Column column, object value)
    {
        if (column.Json) return value;
        var sourceType = ProviderType(column.Source);
        var targetType = ProviderType(column.Target);
        if (sourceType != targetType)
        {
            var model = column.Source.Converter is { } from ? from.ConvertFromProvider(value) : value;
            value = column.Target.Converter is { } to ? to.ConvertToProvider(model)! : model!;
        }
        // SQLite keeps no kind; the app and OpenIddict write UTC, which timestamptz insists on.
        if (column.TimestampWithTimeZone && value is DateTime { Kind: DateTimeKind.Unspecified } dt) value = DateTime.SpecifyKind(dt, DateTimeKind.Utc);
        return value;
    }

    private static Type ProviderType(RelationalTypeMapping mapping)
    {
        var t = mapping.Converter?.ProviderClrType ?? mapping.ClrType;
        return Nullable.GetUnderlyingType(t) ?? t;
    }

    private static readonly MethodInfo GetFieldValue = typeof(DbDataReader).GetMethod(nameof(DbDataReader.GetFieldValue))!;

    private static Func<DbDataReader, int, object> Reader(Type type)
    {
        var method = GetFieldValue.MakeGenericMethod(type);
        return (reader, i) => method.Invoke(reader, [i])!;
    }

    /// <summary>After explicit ids: each identity sequence continues past the highest id, or past SQLite's AUTOINCREMENT mark if higher.</summary>
    private static async Task FixSequencesAsync(NpgsqlConnection target, NpgsqlTransaction tx, ITable table, long sqliteSequence, CancellationToken ct)
    {
        foreach (var column in table.Columns.Where(c => c.StoreType is "integer" or "bigint" or "smallint"))
        {
            var sequence = await ScalarAsync<string?>(target, tx,
                $"SELECT pg_get_serial_sequence('{Quote(table).Replace("'", "''")}', '{column.Name.Replace("'", "''")}')", ct);
            if (sequence is null) continue;
            var max = await ScalarAsync<long>(target, tx, $"SELECT COALESCE(MAX(\"{column.Name}\"), 0)::bigint FROM {Quote(table)}", ct);
            var next = Math.Max(max, sqliteSequence);
            if (next > 0) await ScalarAsync<long>(target, tx, $"SELECT setval('{sequence.Replace("'", "''")}', {next}, true)", ct);
        }
    }

    private static async Task<Dictionary<string, long>> SqliteSequencesAsync(SqliteConnection source, SqliteTransaction snapshot, CancellationToken ct)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        if (await ScalarAsync<long>(source, snapshot, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_sequence'", ct) == 0) return result;
        await using var cmd = source.CreateCommand();
        cmd.Transaction = snapshot;
        cmd.CommandText = "SELECT name, seq FROM sqlite_sequence";
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) result[reader.GetString(0)] = reader.GetInt64(1);
        return result;
    }

    private static async Task<T> ScalarAsync<T>(DbConnection connection, DbTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        var value = await cmd.ExecuteScalarAsync(ct);
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T));
    }

    private static string TargetName(IBlobStore store) => store switch
    {
        DatabaseBlobStore => "PostgreSQL's StoredBlobs/BlobChunks",
        FileSystemBlobStore => "the data folder's blobs/",
        _ => store.GetType().Name,
    };

    private static string Quote(ITable table) => table.Schema is null ? $"\"{table.Name}\"" : $"\"{table.Schema}\".\"{table.Name}\"";
}
