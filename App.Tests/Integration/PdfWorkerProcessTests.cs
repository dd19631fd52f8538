using ESignWeb.Api;
using System.Diagnostics;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Hosting;
using ESignWeb.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// The inspection worker as a real child process, without the web app: it ends by itself at its own deadline and when
/// its parent dies, the parent removes its temp files, and a wait for a free worker beyond its own bound says "busy"
/// (the wait does not count against the check's time limit).
/// </summary>
public sealed class PdfWorkerProcessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("esign-worker-").FullName;
    private readonly List<int> _started = [];

    private static ProcessStartInfo Worker(string input, string output, double timeoutSeconds) =>
        PdfInspectionWorker.StartInfo(PdfInspectionWorker.FindDotnetHost(), typeof(PdfInspectionWorker).Assembly.Location,
            input, output, passwordOnStdin: true, maxPages: 10, new PdfInspectionOptions(), timeoutSeconds);

    private string Input(byte[] pdf)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(path, pdf);
        return path;
    }

    [Fact]
    public async Task The_worker_exits_by_itself_when_its_own_timeout_passes()
    {
        // The password never comes (stdin stays open): without its own deadline the worker would wait forever.
        var psi = Worker(Input(TestPdf.Pages(1)), Path.Combine(_dir, "out.pdf"), 0.5);
        using var worker = Process.Start(psi)!;
        _started.Add(worker.Id);
        var clock = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await worker.WaitForExitAsync(deadline.Token);
        Assert.Equal(InspectPdfCommand.TimeoutExit, worker.ExitCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.4), $"exited after {clock.Elapsed}");
        Assert.False(File.Exists(Path.Combine(_dir, "out.pdf")));
        worker.StandardInput.Close();
    }

    [Fact]
    public async Task The_worker_exits_when_the_process_that_started_it_dies()
    {
        // sh starts the worker in the background with sh's stdin (our pipe, kept open: the worker waits for a
        // password), prints its pid and exits: the worker is orphaned while its deadline is still a minute away.
        var inner = Worker(Input(TestPdf.Pages(1)), Path.Combine(_dir, "orphan.pdf"), 60);
        var psi = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true,
            WorkingDirectory = inner.WorkingDirectory,
        };
        // The worker's parent is sh, so sh's pid ($$) replaces ours as --parent-pid.
        foreach (var a in new[] { "-c", "exec 3<&0; \"$@\" --parent-pid $$ <&3 3<&- >/dev/null 2>&1 & echo $!", "sh", inner.FileName })
            psi.ArgumentList.Add(a);
        var args = inner.ArgumentList.ToList();
        var parentPid = args.IndexOf("--parent-pid");
        Assert.Equal(Environment.ProcessId.ToString(), args[parentPid + 1]); // what the web process passes
        args.RemoveRange(parentPid, 2);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Clear();
        foreach (var (k, v) in inner.Environment) psi.Environment[k] = v;

        using var shell = Process.Start(psi)!;
        var pid = int.Parse((await shell.StandardOutput.ReadLineAsync())!.Trim());
        _started.Add(pid);
        await shell.WaitForExitAsync();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        Assert.True(Alive(pid), "the worker should still be waiting for its password right after its parent exited");
        while (Alive(pid) && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.False(Alive(pid), "the orphaned worker is still running");
        shell.StandardInput.Close();
    }

    [Fact]
    public async Task The_parent_deletes_roundtrip_temp_files_after_a_refusal_and_after_an_acceptance()
    {
        var worker = new PdfInspectionWorker(Options.Create(new ESignOptions()), NullLogger<PdfInspectionWorker>.Instance);
        foreach (var (pdf, refused) in new[] { (RawPdf.KidsSelfLoop(), true), (RawPdf.WithActiveContent(), false) })
        {
            var input = Input(pdf);
            var output = Path.Combine(_dir, $"{Guid.NewGuid():N}.out");
            // What a worker killed in the middle of PdfInspector.RoundTrip leaves behind.
            File.WriteAllText(input + ".roundtrip", "partial");
            File.WriteAllText(output + ".roundtrip", "partial");
            if (refused) await Assert.ThrowsAsync<AppException>(() => worker.InspectAsync(input, output, null));
            else Assert.True((await worker.InspectAsync(input, output, null)).Rewritten);
            Assert.False(File.Exists(input + ".roundtrip"));
            Assert.False(File.Exists(output + ".roundtrip"));
            Assert.Equal(!refused, File.Exists(output));
        }
    }

    [Fact]
    public async Task A_wait_for_a_free_worker_beyond_QueueWaitSeconds_is_refused_as_busy()
    {
        var options = new ESignOptions { PdfInspection = new PdfInspectionOptions { MaxConcurrent = 1, TimeoutSeconds = 60, QueueWaitSeconds = 60 } };
        var worker = new PdfInspectionWorker(Options.Create(options), NullLogger<PdfInspectionWorker>.Instance);
        // The first inspection holds the only slot from the moment InspectAsync returns its task (a worker process
        // takes far longer than 50 ms to start, let alone finish).
        var first = worker.InspectAsync(Input(TestPdf.Pages(3)), Path.Combine(_dir, "first.out"), null);
        options.PdfInspection = new PdfInspectionOptions { MaxConcurrent = 1, TimeoutSeconds = 60, QueueWaitSeconds = 0.05 };
        var ex = await Assert.ThrowsAsync<AppException>(() =>
            worker.InspectAsync(Input(TestPdf.Pages(1)), Path.Combine(_dir, "second.out"), null));
        Assert.Equal(ApiErrorCode.FileConversionFailure, ex.Code);
        Assert.Equal("ESignWeb is busy checking other uploads; try again in a minute.", ex.Message);
        Assert.False(first.IsCompleted, "the first inspection should still hold the slot");
        Assert.Equal(3, (await first).Info.PageCount);
    }

    [Fact]
    public async Task Waiting_for_a_free_worker_does_not_count_against_the_checks_time_limit_only_against_its_own_bound()
    {
        // One worker; the app's clock is a fake one, so "150 s in the queue" is exact and costs no real time. (The worker
        // process keeps its own real-time deadline, --timeout-seconds: the limits are generous for a loaded machine.)
        var clock = new FakeTimeProvider();
        var options = new ESignOptions { PdfInspection = new PdfInspectionOptions { MaxConcurrent = 1, TimeoutSeconds = 600, QueueWaitSeconds = 300 } };
        var worker = new PdfInspectionWorker(Options.Create(options), NullLogger<PdfInspectionWorker>.Instance, clock);
        // A slow upload holds the slot (a 600 s limit of its own) ...
        var slow = worker.InspectAsync(Input(TestPdf.Pages(3)), Path.Combine(_dir, "slow.out"), null);
        // ... while the next one, whose check may take 100 s, waits behind it for 150 s: longer than its check's limit
        // (before, that wait counted against the 100 s and the upload was refused as busy), shorter than the queue's bound.
        options.PdfInspection = new PdfInspectionOptions { MaxConcurrent = 1, TimeoutSeconds = 100, QueueWaitSeconds = 300 };
        var queued = worker.InspectAsync(Input(TestPdf.Pages(2)), Path.Combine(_dir, "queued.out"), null);
        clock.Advance(TimeSpan.FromSeconds(150));
        Assert.False(slow.IsCompleted, "the slow inspection should still hold the slot");
        Assert.False(queued.IsCompleted, "the second upload should still be waiting for the slot");
        Assert.Equal(3, (await slow).Info.PageCount);
        Assert.Equal(2, (await queued).Info.PageCount); // its 100 s started when the worker started on it

        // A wait beyond the queue's bound is "busy", whatever the check's own limit.
        options.PdfInspection = new PdfInspectionOptions { MaxConcurrent = 1, TimeoutSeconds = 600, QueueWaitSeconds = 60 };
        var holder = worker.InspectAsync(Input(TestPdf.Pages(1)), Path.Combine(_dir, "holder.out"), null);
        var tooLong = worker.InspectAsync(Input(TestPdf.Pages(1)), Path.Combine(_dir, "too-long.out"), null);
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.False(tooLong.IsCompleted, "59 s is within the 60 s bound");
        clock.Advance(TimeSpan.FromSeconds(2));
        var ex = await Assert.ThrowsAsync<AppException>(() => tooLong);
        Assert.Equal(ApiErrorCode.FileConversionFailure, ex.Code);
        Assert.Equal("ESignWeb is busy checking other uploads; try again in a minute.", ex.Message);
        Assert.False(File.Exists(Path.Combine(_dir, "too-long.out")));
        Assert.Equal(1, (await holder).Info.PageCount); // the slot's holder was not disturbed
    }

    private static bool Alive(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1][0] is not ('Z' or 'X'); }
        catch (IOException) { return false; }
    }

    public void Dispose()
    {
        foreach (var pid in _started)
        {
            try { using var p = Process.GetProcessById(pid); p.Kill(); }
            catch (ArgumentException) { }
            catch (InvalidOperationException) { }
        }
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
