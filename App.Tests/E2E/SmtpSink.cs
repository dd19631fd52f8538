using System.Diagnostics;
using MimeKit;
using ESignWeb.Tests.Fixtures;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// A real SMTP server on loopback: Debian's python3-aiosmtpd with its Mailbox handler, which stores every message it
/// receives in a Maildir. Tests read what really arrived over SMTP.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _maildir;

    private SmtpSink(Process process, string maildir, int port)
    {
        _process = process;
        _maildir = maildir;
        Port = port;
    }

    public int Port { get; }

    public static async Task<SmtpSink> StartAsync(int? port = null)
    {
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        // aiosmtpd's Mailbox makes the Maildir (cur/new/tmp) only when the folder does not exist yet.
        var maildir = Path.Combine(Directory.CreateTempSubdirectory("esign-smtp-").FullName, "maildir");
        var listenPort = port ?? FreePort.Next();
        var psi = new ProcessStartInfo(python)
        {
            ArgumentList = { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{listenPort}", "-c", "aiosmtpd.handlers.Mailbox", maildir },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start aiosmtpd.");
        var err = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (err) err.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        await FreePort.WaitUntilListeningAsync(listenPort, TimeSpan.FromSeconds(20),
            () => $"aiosmtpd (is python3-aiosmtpd installed?) said: {err}");
        return new SmtpSink(process, maildir, listenPort);
    }

    public List<MimeMessage> Messages()
    {
        var dir = Path.Combine(_maildir, "new");
        if (!Directory.Exists(dir)) return [];
        return Directory.GetFiles(dir).OrderBy(File.GetLastWriteTimeUtc).Select(f => MimeMessage.Load(f)).ToList();
    }

    public List<MimeMessage> MessagesTo(string address) =>
        Messages().Where(m => m.To.Mailboxes.Any(x => string.Equals(x.Address, address, StringComparison.OrdinalIgnoreCase))).ToList();

    public async Task<MimeMessage> WaitForMessageToAsync(string address, Func<MimeMessage, bool>? match = null, int timeoutSeconds = 30)
    {
        MimeMessage? m = null;
        await Poll.UntilTrueAsync(() => (m = MessagesTo(address).LastOrDefault(x => match?.Invoke(x) ?? true)) is not null, $"a mail to {address}", timeoutSeconds,
            () => Task.FromResult($"Got: {string.Join(", ", Messages().Select(x => x.To + ": " + x.Subject))}."));
        return m!;
    }

    public async ValueTask DisposeAsync()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        await _process.WaitForExitAsync();
        _process.Dispose();
        try { Directory.Delete(Path.GetDirectoryName(_maildir)!, true); } catch (IOException) { }
    }
}
