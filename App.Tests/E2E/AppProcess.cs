using System.Diagnostics;
using System.Text;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// The real app, as built, in its own process on 127.0.0.1 with a fresh data directory: the same binary
/// `dotnet run` starts, configured only through environment variables (as an operator would).
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private AppProcess(Process process, string dataDir, int port)
    {
        _process = process;
        DataDir = dataDir;
        Port = port;
    }

    public string DataDir { get; }
    public int Port { get; }
    /// <summary>The app's process id (the web process itself: <c>dotnet ESignWeb.dll</c> runs the app in-process).</summary>
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public string BaseUrl => $"http://127.0.0.1:{Port}";
    public string DatabasePath => Path.Combine(DataDir, "esign.db");

    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <param name="settings">Environment variables for the app (e.g. <c>Smtp__Host</c>).</param>
    /// <param name="appDll">The app to run; default: the build output of App/.</param>
    /// <param name="dataDir">The data directory; default: a fresh temp folder passed as <c>ESign__DataPath</c>.
    /// When given, it is not passed (the app must find it through its own appsettings.json).</param>
    public static async Task<AppProcess> StartAsync(IDictionary<string, string>? settings = null, string? appDll = null,
        string? dataDir = null)
    {
        appDll ??= RepoPaths.AppDll;
        if (!File.Exists(appDll)) throw new FileNotFoundException("Build the app first.", appDll);
        var passDataDir = dataDir is null;
        dataDir ??= Directory.CreateTempSubdirectory("esign-e2e-").FullName;
        var port = FreePort.Next();
        var psi = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { appDll, "--urls", $"http://127.0.0.1:{port}" },
            WorkingDirectory = Directory.CreateTempSubdirectory("esign-cwd-").FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (passDataDir) psi.Environment["ESign__DataPath"] = dataDir;
        else psi.Environment.Remove("ESign__DataPath");
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment.Remove("ASPNETCORE_URLS");
        foreach (var (k, v) in settings ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start the app.");
        var app = new AppProcess(process, dataDir, port);
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(60), () => "App log:\n" + app.Log);
        using var http = new HttpClient();
        var health = await http.GetAsync(app.BaseUrl + "/healthz");
        if (!health.IsSuccessStatusCode) throw new InvalidOperationException($"/healthz answered {(int)health.StatusCode}. Log:\n{app.Log}");
        return app;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        await _process.WaitForExitAsync();
        _process.Dispose();
        try { Directory.Delete(DataDir, true); } catch (IOException) { }
    }
}
