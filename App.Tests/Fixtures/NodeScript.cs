using System.Diagnostics;

namespace ESignWeb.Tests.Fixtures;

/// <summary>
/// Runs a vendor SDK's test script with Node (the real-SDK tests: <c>App.Tests/Sdk/box</c>, <c>App.Tests/Sdk/dropbox</c>)
/// and returns its exit code and output; a script that does not end within <paramref name="limit"/> is killed and the
/// test fails with what it printed.
/// </summary>
public static class NodeScript
{
    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string folder, string script,
        IReadOnlyDictionary<string, string> env, TimeSpan limit)
    {
        var psi = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("node did not start (apt-get install nodejs).");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(limit);
        try { await p.WaitForExitAsync(deadline.Token); }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not end in {limit.TotalMinutes:0} minutes.\nstdout: {await stdout}\nstderr: {await stderr}");
        }
        return (p.ExitCode, await stdout, await stderr);
    }

    /// <summary>The end of a long log (an app's output in a failure message).</summary>
    public static string Tail(string log) => log.Length > 6000 ? log[^6000..] : log;
}
