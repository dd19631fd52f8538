using ESignWeb.Api;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ESignWeb.Domain;
using ESignWeb.Hosting;
using Microsoft.Extensions.Options;

namespace ESignWeb.Documents;

/// <summary>Inspects an untrusted PDF outside the web process; every import path asks this before storing a file.</summary>
public interface IPdfInspection
{
    /// <summary>
    /// Inspects <paramref name="input"/>. Accepted: the verdict; when <see cref="PdfInspection.Rewritten"/>, the file
    /// to store is <paramref name="output"/> (a cleaned copy), else <paramref name="input"/>. Refused: an
    /// <see cref="AppException"/> with the specific reason, and <paramref name="output"/> does not exist. The caller
    /// deletes both files when done.
    /// </summary>
    Task<PdfInspection> InspectAsync(string input, string output, string? password, CancellationToken ct = default);
}

/// <summary>
/// Runs <c>ESignWeb inspect-pdf</c> (<see cref="InspectPdfCommand"/>) in a child process: <c>dotnet exec</c> of this
/// very ESignWeb.dll, so nothing extra has to be installed. The child gets a GC heap limit, no crash dumps, no
/// diagnostics, only an allow-list of this process's environment (<see cref="WorkerEnvironment"/>: no secrets) and its
/// own deadline (it exits by itself when that passes or when this process dies); the parent enforces a wall-clock deadline
/// that starts when the worker starts on the PDF (waiting for a free worker has its own bound,
/// <see cref="PdfInspectionOptions.QueueWaitSeconds"/>, past which the upload is refused as "busy"), samples the child's
/// resident memory and kills it past the limit, bounds how many run at once, keeps at most a little of its stderr,
/// and turns every way it can fail (crash, stack overflow, timeout, memory, garbage output) into a refusal of that
/// one upload. After every inspection it deletes the worker's temp files (a killed worker cannot). Both deadlines run on the app's <see cref="TimeProvider"/> (the system clock outside tests).
/// </summary>
public sealed class PdfInspectionWorker : IPdfInspection
{
    private const int MaxStdoutBytes = 4 * 1024 * 1024;
    private const int MaxStderrBytes = 8 * 1024;

    private readonly IOptions<ESignOptions> _options;
    private readonly ILogger<PdfInspectionWorker> _log;
    private readonly SemaphoreSlim _slots;
    private readonly TimeProvider _time;
    private readonly string _dll;
    private readonly Lazy<string> _host = new(FindDotnetHost);

    public PdfInspectionWorker(IOptions<ESignOptions> options, ILogger<PdfInspectionWorker> log, TimeProvider? time = null)
    {
        _options = options;
        _log = log;
        _time = time ?? TimeProvider.System;
        _slots = new SemaphoreSlim(options.Value.PdfInspection.EffectiveMaxConcurrent);
        _dll = typeof(PdfInspectionWorker).Assembly.Location;
    }

    public async Task<PdfInspection> InspectAsync(string input, string output, string? password, CancellationToken ct = default)
    {
        var limits = _options.Value.PdfInspection;
        var queued = _time.GetTimestamp();
        try
        {
            await EnterAsync(limits, ct);
            try
            {
                // The check's own limit starts now, when a worker starts on this PDF: the wait for a slot has its own bound.
                var started = _time.GetTimestamp();
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(limits.TimeoutSeconds), _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
                var result = await RunAsync(input, output, password, limits, limits.TimeoutSeconds, linked.Token, ct);
                _log.LogDebug("PDF inspection accepted the file in {Ms} ms after {WaitMs} ms in the queue ({Pages} pages, rewritten: {Rewritten})",
                    (long)_time.GetElapsedTime(started).TotalMilliseconds, (long)(_time.GetElapsedTime(queued) - _time.GetElapsedTime(started)).TotalMilliseconds,
                    result.Info.PageCount, result.Rewritten);
                TryDelete(PdfInspector.TempFiles(input, output)[1..]);
                if (result.Removed.Count > 0)
                    _log.LogInformation("PDF inspection removed from an upload: {Removed}", string.Join(", ", result.Removed));
                return result;
            }
            finally
            {
                _slots.Release();
            }
        }
        catch (AppException ex)
        {
            TryDelete(PdfInspector.TempFiles(input, output));
            _log.LogInformation("PDF inspection refused an upload after {Ms} ms ({Code}): {Reason}",
                (long)_time.GetElapsedTime(queued).TotalMilliseconds, ex.Code.WireCode(), ex.Message);
            throw;
        }
        catch
        {
            TryDelete(PdfInspector.TempFiles(input, output));
            throw;
        }
    }

    /// <summary>
    /// Takes a worker slot, waiting at most <see cref="PdfInspectionOptions.QueueWaitSeconds"/> (on <see cref="TimeProvider"/>)
    /// for one to come free; a wait that runs out is "busy". The caller releases the slot.
    /// </summary>
    private async Task EnterAsync(PdfInspectionOptions limits, CancellationToken ct)
    {
        if (_slots.Wait(0, CancellationToken.None)) return;
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(limits.QueueWaitSeconds), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, wait.Token);
        try
        {
            await _slots.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw PdfRefusal.Busy();
        }
    }

    private async Task<PdfInspection> RunAsync(string input, string output, string? password, PdfInspectionOptions limits,
        double secondsLeft, CancellationToken deadline, CancellationToken caller)
    {
        using var process = new Process
        {
            StartInfo = StartInfo(_host.Value, _dll, input, output, password is not null, _options.Value.MaxPages, limits, secondsLeft),
        };
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            _log.LogError(ex, "The PDF inspection worker could not be started ({Host})", _host.Value);
            throw PdfRefusal.Unsafe("the PDF reader could not be started. Try again later.");
        }
        var stdout = ReadCappedAsync(process.StandardOutput.BaseStream, MaxStdoutBytes);
        var stderr = ReadCappedAsync(process.StandardError.BaseStream, MaxStderrBytes);
        try
        {
            if (password is not null) await process.StandardInput.WriteAsync(password);
            process.StandardInput.Close();
        }
        catch (IOException) { } // the child already ended; its exit status says why

        var memoryLimit = (long)limits.MemoryMegabytes * 1024 * 1024;
        var overMemory = false;
        var exited = process.WaitForExitAsync(deadline);
        try
        {
            while (!exited.IsCompleted)
            {
                if (ResidentBytes(process.Id) > memoryLimit)
                {
                    overMemory = true;
                    Kill(process);
                    break;
                }
                await Task.WhenAny(exited, Task.Delay(20, CancellationToken.None));
            }
            await exited;
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            await process.WaitForExitAsync(CancellationToken.None);
            caller.ThrowIfCancellationRequested();
            throw PdfRefusal.TooSlow(limits.TimeoutSeconds);
        }
        if (overMemory)
        {
            await process.WaitForExitAsync(CancellationToken.None);
            throw PdfRefusal.TooBig(limits.MemoryMegabytes);
        }

        byte[] outBytes, errBytes;
        bool outComplete;
        try
        {
            // The pipes close when the child has exited; a few seconds of grace, never an endless wait.
            (outBytes, outComplete) = await stdout.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
            (errBytes, _) = await stderr.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        }
        catch (Exception ex) when (ex is TimeoutException or IOException)
        {
            _log.LogInformation("The PDF inspection worker's output could not be read: {Error}", ex.Message);
            throw PdfRefusal.Crashed();
        }
        var errText = Encoding.UTF8.GetString(errBytes);
        if (process.ExitCode == InspectPdfCommand.TimeoutExit)
            throw PdfRefusal.TooSlow(limits.TimeoutSeconds);
        if (process.ExitCode == InspectPdfCommand.OutOfMemoryExit || errText.Contains("OutOfMemory", StringComparison.Ordinal))
            throw PdfRefusal.TooBig(limits.MemoryMegabytes);
        if (errText.Contains("Stack overflow", StringComparison.OrdinalIgnoreCase))
            throw PdfRefusal.TooDeep();
        if (process.ExitCode != 0)
        {
            _log.LogInformation("The PDF inspection worker ended with exit code {ExitCode}: {Stderr}", process.ExitCode,
                FirstLine(errText));
            throw PdfRefusal.Crashed();
        }

        PdfVerdict? verdict = null;
        if (outComplete)
        {
            try { verdict = JsonSerializer.Deserialize(outBytes, PdfVerdictJson.Default.PdfVerdict); }
            catch (JsonException) { }
        }
        if (verdict is { Accepted: false })
        {
            var code = ApiErrorCodes.FromWireCode(verdict.Code) is { } c && c is ApiErrorCode.EmptyFile or ApiErrorCode.FilePasswordProtected
                ? c : ApiErrorCode.FileConversionFailure;
            var message = string.IsNullOrWhiteSpace(verdict.Message) ? PdfRefusal.Prefix + "it was refused." : verdict.Message;
            throw new AppException(code, message.Length > 600 ? message[..600] + "…" : message);
        }
        var inspection = verdict?.ToInspection();
        if (inspection is null || (inspection.Rewritten && !File.Exists(output)))
        {
            _log.LogInformation("The PDF inspection worker answered something that is not a verdict ({Bytes} bytes)", outBytes.Length);
            throw PdfRefusal.Crashed();
        }
        return inspection;
    }

    /// <summary>How the worker is started: <c>dotnet exec</c> of <paramref name="dll"/>, with <see cref="WorkerEnvironment"/>.</summary>
    internal static ProcessStartInfo StartInfo(string host, string dll, string input, string output, bool passwordOnStdin,
        int maxPages, PdfInspectionOptions limits, double timeoutSeconds)
    {
        var psi = new ProcessStartInfo(host)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(input))!,
        };
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        foreach (var a in new[]
                 {
                     "exec", "--runtimeconfig", Path.ChangeExtension(dll, ".runtimeconfig.json"),
                     "--depsfile", Path.ChangeExtension(dll, ".deps.json"), dll,
                     InspectPdfCommand.Name, "--input", input, "--output", output,
                     "--max-pages", maxPages.ToString(invariant),
                     "--timeout-seconds", timeoutSeconds.ToString("0.###", invariant),
                     "--parent-pid", Environment.ProcessId.ToString(invariant),
                 })
            psi.ArgumentList.Add(a);
        if (passwordOnStdin) psi.ArgumentList.Add("--password-stdin");
        psi.Environment.Clear();
        foreach (var (key, value) in WorkerEnvironment(Environment.GetEnvironmentVariables(), limits.MemoryMegabytes))
            psi.Environment[key] = value;
        return psi;
    }

    /// <summary>Variables of this process the worker gets (exact names; <c>LC_*</c> by prefix). Nothing else is passed on:
    /// this process's environment holds secrets (ESign__*, Smtp__*, connection strings) the worker never needs.</summary>
    internal static readonly string[] InheritedVariables =
    [
        "PATH", "HOME", "TMPDIR", "TMP", "TEMP", "LANG", "LANGUAGE", "TZ",
        "DOTNET_ROOT", "DOTNET_ROOT_X64", "DOTNET_ROOT_ARM64", "DOTNET_ROOT(x86)", "DOTNET_HOST_PATH",
        "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "DOTNET_SYSTEM_GLOBALIZATION_PREDEFINED_CULTURES_ONLY",
        "DOTNET_ROLL_FORWARD", "DOTNET_BUNDLE_EXTRACT_BASE_DIR",
        "SYSTEMROOT", "WINDIR", // Windows needs these to start any process
    ];

    /// <summary>The worker's whole environment: <see cref="InheritedVariables"/> and <c>LC_*</c> from
    /// <paramref name="parent"/>, then the worker's own settings (GC heap limit, no server GC, dumps or diagnostics).</summary>
    internal static SortedDictionary<string, string> WorkerEnvironment(System.Collections.IDictionary parent, int memoryMegabytes)
    {
        var comparer = OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        var env = new SortedDictionary<string, string>(comparer);
        foreach (System.Collections.DictionaryEntry e in parent)
        {
            if (e.Key is not string key || e.Value is not string value) continue;
            if (InheritedVariables.Contains(key, comparer) || key.StartsWith("LC_", StringComparison.Ordinal)) env[key] = value;
        }
        env["DOTNET_GCHeapHardLimit"] = "0x" + ((long)memoryMegabytes * 1024 * 1024).ToString("X");
        env["DOTNET_gcServer"] = "0";
        env["DOTNET_DbgEnableMiniDump"] = "0";
        env["DOTNET_EnableDiagnostics"] = "0";
        env["DOTNET_EnableCrashReport"] = "0";
        return env;
    }

    /// <summary>The <c>dotnet</c> host: DOTNET_HOST_PATH, else this process when it is dotnet, else DOTNET_ROOT, else PATH.</summary>
    internal static string FindDotnetHost()
    {
        var exe = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath)) return hostPath;
        if (Environment.ProcessPath is { } self && Path.GetFileName(self).Equals(exe, StringComparison.OrdinalIgnoreCase)) return self;
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root && File.Exists(Path.Combine(root, exe)))
            return Path.Combine(root, exe);
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(dir, exe))) return Path.Combine(dir, exe);
        return exe;
    }

    /// <summary>VmRSS of a process from /proc (0 where there is no /proc or the process is gone).</summary>
    internal static long ResidentBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var digits = new string(line.AsSpan(6).ToArray().Where(char.IsAsciiDigit).ToArray());
                    return long.TryParse(digits, out var kb) ? kb * 1024 : 0;
                }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 0;
    }

    private static async Task<(byte[] Bytes, bool Complete)> ReadCappedAsync(Stream stream, int cap)
    {
        var kept = new MemoryStream();
        var buffer = new byte[16 * 1024];
        var complete = true;
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            var room = cap - (int)kept.Length;
            if (room > 0) kept.Write(buffer, 0, Math.Min(room, n));
            if (n > room) complete = false; // keep draining so the child never blocks on a full pipe
        }
        return (kept.ToArray(), complete);
    }

    private static void Kill(Process process)
    {
        try { process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { } // already gone
        catch (System.ComponentModel.Win32Exception) { }
    }

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', 2)[0].Trim();
        return line.Length > 200 ? line[..200] + "…" : line;
    }

    private static void TryDelete(params string[] paths)
    {
        foreach (var path in paths)
        {
            try { if (File.Exists(path)) File.Delete(path); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        }
    }
}
