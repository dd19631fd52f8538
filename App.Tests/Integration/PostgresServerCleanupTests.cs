using System.Diagnostics;
using ESignWeb.Tests.Fixtures;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// The throw-away PostgreSQL's folder (<see cref="PostgresServer"/>) does not outlive its test run: a watchdog removes
/// it once the owning process is gone — killed too — and a run's start removes what older runs left, but never the
/// folder of a run still going. No server is needed: the folders here are stand-ins in a directory of this test's own.
/// </summary>
public class PostgresServerCleanupTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("esign-pgclean-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_temp, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task The_watchdog_removes_the_folder_once_its_owner_is_killed()
    {
        var root = Folder("esign-pg-watched", owner: null, server: null);
        File.WriteAllText(Path.Combine(root, "data", "PG_VERSION"), "15");
        using var owner = Process.Start(new ProcessStartInfo("sleep", "600") { RedirectStandardOutput = true })!;
        var stopped = Path.Combine(_temp, "stopped");

        PostgresServer.StartWatchdog(owner.Id, root, $"touch '{stopped}'");
        Assert.True(Directory.Exists(root));
        Assert.False(File.Exists(stopped)); // waits while the owner lives

        owner.Kill(); // as a killed test run: no ProcessExit handler runs
        await owner.WaitForExitAsync();
        await Poll.UntilTrueAsync(() => !Directory.Exists(root), "the watchdog removed the folder", seconds: 30);
        Assert.True(File.Exists(stopped), "the server was stopped before its folder went");
    }

    [Fact]
    public void Start_up_removes_folders_of_ended_runs_and_keeps_those_of_runs_still_going()
    {
        var now = DateTimeOffset.UtcNow;
        var dead = DeadPid();
        var killedRun = Folder("esign-pg-killed", owner: dead, server: dead);
        var killedRunServerUp = Folder("esign-pg-killedup", owner: dead, server: Environment.ProcessId);
        var ourRun = Folder("esign-pg-ours", owner: Environment.ProcessId, server: Environment.ProcessId);
        var olderFixtureStale = Folder("esign-pg-oldstale", owner: null, server: null);
        Directory.SetLastWriteTimeUtc(olderFixtureStale, now.UtcDateTime - PostgresServer.UnownedGrace - TimeSpan.FromMinutes(1));
        var olderFixtureStarting = Folder("esign-pg-oldstarting", owner: null, server: null);
        var olderFixtureRunning = Folder("esign-pg-oldrunning", owner: null, server: Environment.ProcessId);
        Directory.SetLastWriteTimeUtc(olderFixtureRunning, now.UtcDateTime - TimeSpan.FromHours(2));
        var unrelated = Directory.CreateDirectory(Path.Combine(_temp, "esign-it-other")).FullName;
        var stopped = new List<string>();

        var removed = PostgresServer.RemoveStale(_temp, now, stopped.Add);

        Assert.Equal(new[] { killedRun, killedRunServerUp, olderFixtureStale }.Order(), removed.Order());
        Assert.Equal([killedRunServerUp], stopped); // a server left running by a killed run is stopped before its folder goes
        foreach (var gone in removed) Assert.False(Directory.Exists(gone), gone);
        foreach (var kept in new[] { ourRun, olderFixtureStarting, olderFixtureRunning, unrelated }) Assert.True(Directory.Exists(kept), kept);
    }

    private string Folder(string name, int? owner, int? server)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_temp, name)).FullName;
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        if (owner is { } o) File.WriteAllText(Path.Combine(dir, PostgresServer.OwnerFile), o.ToString());
        if (server is { } s) File.WriteAllText(Path.Combine(dir, "data", "postmaster.pid"), $"{s}\n/tmp/data\n");
        return dir;
    }

    /// <summary>The id of a process that has ended (and been reaped).</summary>
    private static int DeadPid()
    {
        using var p = Process.Start(new ProcessStartInfo("true") { RedirectStandardOutput = true })!;
        p.WaitForExit();
        var id = p.Id;
        Assert.False(Directory.Exists($"/proc/{id}"));
        return id;
    }
}
