using System.Diagnostics;

namespace ESignWeb.Tests.E2E;

/// <summary>Runs the built app once with arguments (a command such as <c>admin grant</c>, or a start meant to fail).</summary>
public static class AppCommand
{
    public sealed record Outcome(int ExitCode, string Output);

    /// <param name="environment">Environment variables; <c>ESign__DataPath</c> is the usual one.</param>
    public static async Task<Outcome> RunAsync(IDictionary<string, string> environment, TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Directory.CreateTempSubdirectory("esign-cwd-").FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add(RepoPaths.AppDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment.Remove("ASPNETCORE_URLS");
        psi.Environment.Remove("ESign__PublicBaseUrl");
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start the app.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The app did not exit within {timeout}: {string.Join(' ', args)}");
        }
        return new Outcome(process.ExitCode, await stdout + await stderr);
    }
}
