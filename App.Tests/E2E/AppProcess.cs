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
    private readonly Dictionary<string, string> _settings;
    private readonly string _appDll;
    private readonly bool _passDataDir;
    private bool _ownsDataDir = true;

    private AppProcess(Process process, string dataDir, int port, Dictionary<string, string> settings, string appDll, bool passDataDir)
    {
        _process = process;
        DataDir = dataDir;
        Port = port;
        _settings = settings;
        _appDll = appDll;
        _passDataDir = passDataDir;
    }

    public string DataDir { get; }
    public int Port { get; }
    /// <summary>The app's process id (the web process itself: <c>dotnet ESignWeb.dll</c> runs the app in-process).</summary>
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public string BaseUrl => $"http://127.0.0.1:{Port}";
    public string DatabasePath => Path.Combine(DataDir, "esign.db");

    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <param name="settings">Environment variables for the app (e.g. <c>Smtp__Host</c>); <c>{port}</c> in a value becomes
    /// the port the app listens on (e.g. <c>ESign__PublicBaseUrl=http://127.0.0.1:{port}</c>).</param>
    /// <param name="appDll">The app to run; default: the build output of App/.</param>
    /// <param name="dataDir">The data directory; default: a fresh temp folder passed as <c>ESign__DataPath</c>.
    /// When given, it is not passed (the app must find it through its own appsettings.json).</param>
    /// <param name="sharedDataDir">A data directory several instances share (passed as <c>ESign__DataPath</c>; keys and
    /// blobs on disk, as on a shared volume): the caller creates it and removes it, not the instance.</param>
    public static async Task<AppProcess> StartAsync(IDictionary<string, string>? settings = null, string? appDll = null,
        string? dataDir = null, string? sharedDataDir = null)
    {
        appDll ??= RepoPaths.AppDll;
        if (!File.Exists(appDll)) throw new FileNotFoundException("Build the app first.", appDll);
        if (dataDir is not null && sharedDataDir is not null) throw new ArgumentException("Either dataDir or sharedDataDir.");
        var passDataDir = dataDir is null;
        dataDir ??= sharedDataDir ?? Directory.CreateTempSubdirectory("esign-e2e-").FullName;
        var launch = new Dictionary<string, string>(settings ?? new Dictionary<string, string>());
        // The journeys upload PDFs but are not about the inspection's time limit (PdfInspectionLimitTests are): under a
        // load average of 60 on 2 cores the worker for a one-page PDF (a .NET process start) took longer than the 20 s
        // default and SignerGateJourneyTests' upload was refused ("took longer than 20 s"). A test may set its own.
        launch.TryAdd("ESign__PdfInspection__TimeoutSeconds", "120");
        var app = await LaunchAsync(launch, appDll, dataDir, passDataDir, FreePort.Next());
        if (sharedDataDir is not null) app._ownsDataDir = false;
        return app;
    }

    /// <summary>The settings that put an instance on PostgreSQL (<c>ESign:Database:Provider</c>, <c>ConnectionStrings:ESign</c>).</summary>
    public static Dictionary<string, string> PostgreSqlSettings(string connectionString) => new()
    {
        ["ESign__Database__Provider"] = "PostgreSql",
        ["ConnectionStrings__ESign"] = connectionString,
    };

    /// <summary>
    /// Ends the process at once with SIGKILL (as <c>kill -9</c>: no shutdown, no flushing, leases left as they were)
    /// and waits until it is gone. The data directory stays for <see cref="StartAgainAsync"/>.
    /// </summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true); // SIGKILL on Linux
        await _process.WaitForExitAsync();
    }

    /// <summary>
    /// Starts the app again after <see cref="KillAsync"/> on the same data directory and port, with the same settings
    /// except <paramref name="changes"/>. The new process owns the data directory from now on.
    /// </summary>
    public async Task<AppProcess> StartAgainAsync(IDictionary<string, string>? changes = null)
    {
        if (!_process.HasExited) throw new InvalidOperationException("The app is still running.");
        var settings = new Dictionary<string, string>(_settings);
        foreach (var (k, v) in changes ?? new Dictionary<string, string>()) settings[k] = v;
        var again = await LaunchAsync(settings, _appDll, DataDir, _passDataDir, Port);
        _ownsDataDir = false;
        return again;
    }

    /// <summary>Runs a command of the app's command line (e.g. <c>apikey create --email …</c>) on this data directory; returns its output.</summary>
    public async Task<string> RunCommandAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(_appDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        Configure(psi, _settings, DataDir, _passDataDir, Port);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("Could not start the app's command.");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{string.Join(' ', args)} exited with {p.ExitCode}: {await stderr}");
        return await stdout;
    }

    private static void Configure(ProcessStartInfo psi, Dictionary<string, string> settings, string dataDir, bool passDataDir, int port)
    {
        psi.WorkingDirectory = Directory.CreateTempSubdirectory("esign-cwd-").FullName;
        if (passDataDir) psi.Environment["ESign__DataPath"] = dataDir;
        else psi.Environment.Remove("ESign__DataPath");
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment.Remove("ASPNETCORE_URLS");
        foreach (var (k, v) in settings) psi.Environment[k] = v.Replace("{port}", port.ToString());
    }

    private static async Task<AppProcess> LaunchAsync(Dictionary<string, string> settings, string appDll, string dataDir, bool passDataDir, int port)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { appDll, "--urls", $"http://127.0.0.1:{port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Configure(psi, settings, dataDir, passDataDir, port);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start the app.");
        var app = new AppProcess(process, dataDir, port, settings, appDll, passDataDir);
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // 120 s: at a load average of 69 on 2 cores (three builds and two `yes`) an app printed nothing in 60 s.
        try
        {
            await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(120), () => "App log:\n" + app.Log);
            using var http = new HttpClient();
            var health = await http.GetAsync(app.BaseUrl + "/healthz");
            if (!health.IsSuccessStatusCode) throw new InvalidOperationException($"/healthz answered {(int)health.StatusCode}. Log:\n{app.Log}");
        }
        catch
        {
            // A start that failed left the process running (and loading the machine) after the test: end it.
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw;
        }
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
        if (!_ownsDataDir) return;
        try { Directory.Delete(DataDir, true); } catch (IOException) { }
    }
}
