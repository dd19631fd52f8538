using System.Diagnostics;
using ESignWeb.Tests.E2E;
using Npgsql;

namespace ESignWeb.Tests.Fixtures;

/// <summary>
/// A throw-away PostgreSQL from Debian's packages (postgresql, installed by .ci/test), started once per test run and
/// only when a test asks for it: its own data directory under /tmp, its own free port on 127.0.0.1 (no Unix socket
/// outside that directory), trust authentication for the loopback superuser. Stopped and its directory removed when the
/// test process exits. Each app gets a database of its own (<see cref="CreateDatabase"/>), dropped after it.
/// </summary>
public static class PostgresServer
{
    private static readonly Lazy<Instance> Shared = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>How long the server took to start (initdb + pg_ctl start), for the report.</summary>
    public static TimeSpan StartUpTime => Shared.Value.StartUp;

    /// <summary>A new empty database; returns its connection string.</summary>
    public static string CreateDatabase(string prefix = "esign")
    {
        var server = Shared.Value;
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)].ToLowerInvariant();
        using (var c = new NpgsqlConnection(server.ConnectionString("postgres")))
        {
            c.Open();
            using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", c);
            cmd.ExecuteNonQuery();
        }
        return server.ConnectionString(name);
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
        var root = System.IO.Directory.CreateTempSubdirectory("esign-pg-").FullName;
        var data = Path.Combine(root, "data");
        var asRoot = Environment.UserName == "root";
        if (asRoot) Run("chown", "postgres:postgres", root); // initdb and the server refuse to run as root
        var port = FreePort.Next();
        RunPg(asRoot, Path.Combine(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
        var options = $"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={root} -c fsync=off " +
                      "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=64MB";
        RunPg(asRoot, Path.Combine(bin, "pg_ctl"), "-D", data, "-o", options, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60", "start");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { RunPg(asRoot, Path.Combine(bin, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"); } catch (Exception) { }
            try { System.IO.Directory.Delete(root, recursive: true); } catch (Exception) { }
        };
        return new Instance(root, port, bin, watch.Elapsed);
    }

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
