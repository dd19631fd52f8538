using System.Text.RegularExpressions;
using ESignWeb.Tests.E2E;

namespace ESignWeb.Tests.Unit;

/// <summary>
/// House rule: no fixed sleeps in tests. A test that waits for something waits for the thing itself, with a deadline
/// (<c>Fixtures/Poll</c>); one that proves something did NOT happen drives the app's clock or outbox instead of
/// sleeping. This scans the test sources and fails when a sleep appears outside the allowed places below, each a
/// deadline poll or a sampler's pace, listed by file with how many calls it may hold and why.
/// </summary>
public class NoFixedSleepsTests
{
    private static readonly Regex Sleep = new(@"\b(Task\s*\.\s*Delay|Thread\s*\.\s*Sleep|WaitForTimeout\w*)\s*\(", RegexOptions.Compiled);

    private const string DeadlinePoll = "a poll loop inside a deadline helper (waits for the thing itself, fails at the deadline)";

    /// <summary>Path under App.Tests (with '/') → (calls allowed, why).</summary>
    public static readonly IReadOnlyDictionary<string, (int Calls, string Why)> Allowed = new Dictionary<string, (int, string)>
    {
        ["Fixtures/Poll.cs"] = (2, "THE poll helper: waits between probes until its deadline"),
        ["E2E/FreePort.cs"] = (1, DeadlinePoll + ": until something listens on the port"),
        ["E2E/HostileUploadTests.cs"] = (2, DeadlinePoll + ": until temp files are gone / the GC returned memory"),
        ["E2E/KillRecoveryTests.cs"] = (3, DeadlinePoll + ": until a seal is caught mid-way / all complete / the outbox drained"),
        ["E2E/HostileBodyTests.cs"] = (1, "the pace of a memory sampler running beside a request (it stops on a token), not a wait"),
        ["Integration/PdfInspectionTests.cs"] = (2, DeadlinePoll + " (workers gone), and the pace of a process-count sampler"),
        ["Integration/PdfWorkerProcessTests.cs"] = (1, DeadlinePoll + ": until the killed worker process is gone"),
        ["Integration/OutboxLeaseTests.cs"] = (1, DeadlinePoll + ": UntilAsync, a tight (20 ms) poll run 45 times while the fake clock steps"),
        ["Unit/PdfSafetyTests.cs"] = (2, DeadlinePoll + ": until n jobs have started"),
    };

    private const string SelfPath = "Unit/NoFixedSleepsTests.cs";

    /// <summary>Every call to a sleep in the test sources: (path under App.Tests, line number, line).</summary>
    public static List<(string File, int Line, string Text)> Sleeps()
    {
        var root = Path.Combine(RepoPaths.Root, "App.Tests");
        var found = new List<(string, int, string)>();
        foreach (var path in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(root, path).Replace('\\', '/');
            if (rel.StartsWith("bin/") || rel.StartsWith("obj/") || rel == SelfPath) continue; // this file: its examples
            var lines = File.ReadAllLines(path);
            for (var i = 0; i < lines.Length; i++)
            {
                var code = lines[i].TrimStart();
                if (code.StartsWith("//") || code.StartsWith('*')) continue;
                if (Sleep.IsMatch(code)) found.Add((rel, i + 1, code));
            }
        }
        return found;
    }

    [Fact]
    public void No_test_sleeps_outside_the_allowed_poll_helpers()
    {
        var sleeps = Sleeps();
        Assert.NotEmpty(sleeps); // the scan reads the sources (Poll itself waits between probes)
        var problems = sleeps.GroupBy(s => s.File)
            .Where(g => !Allowed.TryGetValue(g.Key, out var a) || g.Count() > a.Calls)
            .Select(g => $"{g.Key}: {g.Count()} sleep(s), allowed {(Allowed.TryGetValue(g.Key, out var a) ? a.Calls : 0)}:\n" +
                         string.Join("\n", g.Select(s => $"  line {s.Line}: {s.Text}")))
            .ToList();
        Assert.True(problems.Count == 0,
            "A fixed sleep in a test: wait for the thing itself with Fixtures/Poll (a deadline), or, to show that something " +
            "did not happen, drive the app's clock (FakeTimeProvider) or run its outbox by hand, then assert.\n" +
            string.Join("\n", problems));
    }

    [Fact]
    public void The_scan_catches_each_kind_of_sleep_and_not_comments()
    {
        Assert.Matches(Sleep, "await Task.Delay(3000);");
        Assert.Matches(Sleep, "Thread.Sleep(50);");
        Assert.Matches(Sleep, "await page.WaitForTimeoutAsync(500);");
        Assert.Matches(Sleep, "await Task.Delay (TimeSpan.FromSeconds(1), clock);");
        Assert.DoesNotMatch(Sleep, "await Poll.UntilTrueAsync(() => done, \"done\");");
        Assert.DoesNotMatch(Sleep, "var d = TaskDelayed(1);");
        Assert.All(Allowed, a => Assert.False(string.IsNullOrWhiteSpace(a.Value.Why)));
    }
}
