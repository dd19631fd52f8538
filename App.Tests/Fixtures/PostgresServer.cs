using System.Diagnostics;
using ESignWeb.Tests.E2E;
using Npgsql;

namespace ESignWeb.Tests.Fixtures;

/// <summary>
/// A throw-away PostgreSQL from Debian's packages (postgresql, installed by .ci/test), started once per test run and
/// only when a test asks for it: its own data directory under /tmp, its own free port on 127.0.0.1 (no Unix socket
/// outside that directory), trust authentication for the loopback superuser. Stopped and its directory removed when the
/// test process ends, however it ends: on a normal exit by the process itself, and in any case by a watchdog (a
/// detached shell that waits for the test process to be gone, <see cref="StartWatchdog"/>) — a killed run too. At
/// start, folders of earlier runs that are no longer running are removed (<see cref="RemoveStale"/>). Each app gets
/// a database of its own (<see cref="CreateDatabase"/>; the integration factory's a copy of the run's migrated
/// <see cref="TemplateDatabase"/>), dropped after it.
/// </summary>
public static class PostgresServer
{
    private static readonly Lazy<Instance> Shared = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>How long the server took to start (initdb + pg_ctl start), for the report.</summary>
    public static TimeSpan StartUpTime => Shared.Value.StartUp;

    /// <summary>
    /// A new database; returns its connection string. Empty by default (what an operator creates: the app's start-up
    /// migrates it); <paramref name="migrated"/>: a copy of the run's <see cref="TemplateDatabase"/>, already at the
    /// current migration (the app's start-up finds nothing to apply), which is what makes a factory per test cheap.
    /// </summary>
    public static string CreateDatabase(string prefix = "esign", bool migrated = false)
    {
        var server = Shared.Value;
        var template = migrated ? Template.Value : null;
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)].ToLowerInvariant();
        using (var c = new NpgsqlConnection(server.ConnectionString("postgres")))
        {
            c.Open();
            // FILE_COPY: the template's files copied as they are (a checkpoint, cheap with fsync off) — faster for a
            // small database than PostgreSQL 15's default WAL_LOG, which writes every block through the WAL.
            using var cmd = new NpgsqlCommand(template is null ? $"CREATE DATABASE \"{name}\""
                : $"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\" STRATEGY = FILE_COPY", c);
            cmd.ExecuteNonQuery();
        }
        return server.ConnectionString(name);
    }

    /// <summary>The name of the run's template database: migrated once, then only ever copied.</summary>
    public const string TemplateDatabase = "esign_template";

    private static readonly Lazy<string> Template = new(MigrateTemplate, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>How long the template took to create and migrate (once per run), for the report.</summary>
    public static TimeSpan TemplateTime { get; private set; }

    /// <summary>
    /// Creates <see cref="TemplateDatabase"/>, applies the app's PostgreSQL migrations to it (unpooled, so no connection
    /// stays behind: a database being copied must have none), then closes it to connections: a stray one would make
    /// every later copy fail with "source database is being accessed by other users".
    /// </summary>
    private static string MigrateTemplate()
    {
        var watch = Stopwatch.StartNew();
        var server = Shared.Value;
        using (var c = new NpgsqlConnection(server.ConnectionString("postgres")))
        {
            c.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE \"{TemplateDatabase}\"", c);
            create.ExecuteNonQuery();
        }
        ESignWeb.Data.DatabaseProvider.MigratePostgreSql(new NpgsqlConnectionStringBuilder(server.ConnectionString(TemplateDatabase)) { Pooling = false }.ConnectionString);
        using (var c = new NpgsqlConnection(server.ConnectionString("postgres")))
        {
            c.Open();
            using var close = new NpgsqlCommand($"ALTER DATABASE \"{TemplateDatabase}\" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false", c);
            close.ExecuteNonQuery();
        }
        TemplateTime = watch.Elapsed;
        return TemplateDatabase;
    }

    /// <summary>Drops the database of <paramref name="connectionString"/> (its open connections too).</summary>
    public static void DropDatabase(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        NpgsqlConnection.ClearAllPools();
        using var c = new NpgsqlConnection(Shared.Value.ConnectionString("postgres"));
        c.Open();
        using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", c);
        cmd.ExecuteNonQuery();
    }

    private sealed record Instance(string Directory, int Port, string BinDir, TimeSpan StartUp)
    {
        public string ConnectionString(string database) =>
            $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=40;Timeout=30";
    }

    private static Instance Start()
    {
        var watch = Stopwatch.StartNew();
        var bin = FindBinDir();
        var asRoot = Environment.UserName == "root";
        RemoveStale(Path.GetTempPath(), DateTimeOffset.UtcNow, dir => StopServer(asRoot, bin, Path.Combine(dir, "data")));
        var root = System.IO.Directory.CreateTempSubdirectory(FolderPrefix).FullName;
        File.WriteAllText(Path.Combine(root, OwnerFile), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var data = Path.Combine(root, "data");
        StartWatchdog(Environment.ProcessId, root, StopCommand(asRoot, bin, data));
        if (asRoot) Run("chown", "postgres:postgres", root); // initdb and the server refuse to run as root
        var port = FreePort.Next();
        RunPg(asRoot, Path.Combine(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
        var options = $"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={root} -c fsync=off " +
                      "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=64MB";
        RunPg(asRoot, Path.Combine(bin, "pg_ctl"), "-D", data, "-o", options, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60", "start");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            StopServer(asRoot, bin, data);
            try { System.IO.Directory.Delete(root, recursive: true); } catch (Exception) { } // the watchdog removes it then
        };
        return new Instance(root, port, bin, watch.Elapsed);
    }

    /// <summary>The prefix of a run's folder under the temporary directory.</summary>
    internal const string FolderPrefix = "esign-pg-";

    /// <summary>The file in a run's folder that holds the id of the test process that owns it.</summary>
    internal const string OwnerFile = "owner.pid";

    /// <summary>A folder without an owner file (made by an older fixture) is left alone this long: it may be starting.</summary>
    internal static readonly TimeSpan UnownedGrace = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Removes the folders (<see cref="FolderPrefix"/>) under <paramref name="tempDir"/> of runs that ended without
    /// removing theirs: its owner process is gone (the server, if still up, is stopped first by <paramref name="stop"/>),
    /// or, with no owner file, neither is its server running (<c>data/postmaster.pid</c>) nor was it touched within
    /// <see cref="UnownedGrace"/>. Folders of runs still going (other worktrees' too) are kept. Returns what it removed.
    /// </summary>
    internal static List<string> RemoveStale(string tempDir, DateTimeOffset now, Action<string>? stop = null)
    {
        var removed = new List<string>();
        foreach (var dir in System.IO.Directory.EnumerateDirectories(tempDir, FolderPrefix + "*"))
        {
            try
            {
                var owner = ReadPid(Path.Combine(dir, OwnerFile));
                var server = ReadPid(Path.Combine(dir, "data", "postmaster.pid"));
                if (owner is { } o)
                {
                    if (IsRunning(o)) continue;
                    if (server is { } s && IsRunning(s)) stop?.Invoke(dir);
                }
                else if (server is { } s && IsRunning(s)) continue;
                else if (now - new DateTimeOffset(System.IO.Directory.GetLastWriteTimeUtc(dir), TimeSpan.Zero) < UnownedGrace) continue;
                System.IO.Directory.Delete(dir, recursive: true);
                removed.Add(dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // another run removes it at the same time
        }
        return removed;
    }

    /// <summary>
    /// A detached shell (own session, no inherited output, so it outlives a killed test process and holds no pipe of
    /// dotnet test) that waits until process <paramref name="ownerPid"/> is gone, then runs <paramref name="stop"/> and
    /// removes <paramref name="root"/>.
    /// </summary>
    internal static void StartWatchdog(int ownerPid, string root, string stop)
    {
        var script = $"tail --pid={ownerPid} -f /dev/null; {stop} >/dev/null 2>&1; rm -rf '{root}'";
        Run("sh", "-c", "setsid sh -c \"$1\" </dev/null >/dev/null 2>&1 &", "sh", script);
    }

    private static string StopCommand(bool asRoot, string bin, string data) =>
        (asRoot ? "runuser -u postgres -- " : "") + $"'{Path.Combine(bin, "pg_ctl")}' -D '{data}' -m immediate -w stop";

    private static void StopServer(bool asRoot, string bin, string data)
    {
        try { RunPg(asRoot, Path.Combine(bin, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"); } catch (Exception) { }
    }

    private static int? ReadPid(string file)
    {
        try { return int.TryParse(File.ReadLines(file).FirstOrDefault()?.Trim(), out var pid) && pid > 0 ? pid : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    private static bool IsRunning(int pid) => System.IO.Directory.Exists($"/proc/{pid}");

    private static string FindBinDir()
    {
        var versions = new DirectoryInfo("/usr/lib/postgresql");
        var dir = versions.Exists
            ? versions.GetDirectories().Select(d => Path.Combine(d.FullName, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
            : null;
        return dir ?? throw new InvalidOperationException(
            "PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql; .ci/test does).");
    }

    private static void RunPg(bool asRoot, string exe, params string[] args)
    {
        if (asRoot) Run("runuser", ["-u", "postgres", "--", exe, .. args]);
        else Run(exe, args);
    }

    private static void Run(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{exe} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr} {stdout.Result}");
    }
}
