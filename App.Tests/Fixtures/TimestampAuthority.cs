using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ESignWeb.Tests.Fixtures;

/// <summary>
/// A real RFC 3161 time-stamp authority on 127.0.0.1 for tests: on start it makes a throw-away CA and a TSA
/// certificate (extendedKeyUsage critical timeStamping) with <c>openssl</c> in a temp dir, writes an <c>openssl ts</c>
/// configuration, and answers every <c>application/timestamp-query</c> POST by piping the body through
/// <c>openssl ts -reply</c>, as <c>application/timestamp-reply</c>. <see cref="Mode"/> makes it refuse (HTTP 503) or
/// hang (never answer until disposed) instead.
/// </summary>
public sealed class TimestampAuthority : IAsyncDisposable
{
    public enum Behaviour { Answering, Refusing, Hanging }

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private int _queries;
    private int _answered;

    private TimestampAuthority(WebApplication app, string dir)
    {
        _app = app;
        Directory = dir;
    }

    /// <summary>Where the certificates live: <c>ca.crt</c> (the root to verify tokens with), <c>tsa.crt</c>, <c>tsa.cnf</c>.</summary>
    public string Directory { get; }

    public string CaCertificatePath => Path.Combine(Directory, "ca.crt");
    public string TsaCertificatePath => Path.Combine(Directory, "tsa.crt");

    /// <summary>The address to put in <c>ESign:Timestamping:Url</c>.</summary>
    public string Url { get; private set; } = "";

    public Behaviour Mode { get; set; } = Behaviour.Answering;

    /// <summary>Queries received, and those answered with a token.</summary>
    public int Queries => Volatile.Read(ref _queries);
    public int Answered => Volatile.Read(ref _answered);

    public static async Task<TimestampAuthority> StartAsync(Behaviour mode = Behaviour.Answering)
    {
        var dir = Path.Combine(Path.GetTempPath(), "esign-tsa-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "tsa-ext.cnf"),
            "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=critical,timeStamping\n");
        await OpenSslAsync(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "3",
            "-subj", "/CN=ESignWeb test TSA root", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        await OpenSslAsync(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "tsa.key", "-out", "tsa.csr", "-subj", "/CN=ESignWeb test TSA");
        await OpenSslAsync(dir, "x509", "-req", "-in", "tsa.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-set_serial", "2", "-days", "3",
            "-sha256", "-extfile", "tsa-ext.cnf", "-out", "tsa.crt");
        await File.WriteAllTextAsync(Path.Combine(dir, "tsaserial"), "01\n");
        await File.WriteAllTextAsync(Path.Combine(dir, "tsa.cnf"), $"""
            [ tsa ]
            default_tsa = tsa_config
            [ tsa_config ]
            dir = {dir}
            serial = $dir/tsaserial
            crypto_device = builtin
            signer_cert = $dir/tsa.crt
            certs = $dir/ca.crt
            signer_key = $dir/tsa.key
            signer_digest = sha256
            default_policy = 1.3.6.1.4.1.99999.1
            digests = sha256, sha384, sha512
            accuracy = secs:1
            ordering = yes
            tsa_name = yes
            ess_cert_id_chain = no
            ess_cert_id_alg = sha256
            """);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var tsa = new TimestampAuthority(app, dir) { Mode = mode };
        var replies = new SemaphoreSlim(1, 1); // openssl ts increments one serial file
        app.MapPost("/tsa", async (HttpContext http) =>
        {
            Interlocked.Increment(ref tsa._queries);
            if (tsa.Mode == Behaviour.Refusing) return Results.StatusCode(503);
            if (tsa.Mode == Behaviour.Hanging)
            {
                using var both = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, tsa._stopping.Token);
                try { await new TaskCompletionSource().Task.WaitAsync(both.Token); } // never answers: the caller gives up, or the authority stops
                catch (OperationCanceledException) { }
                return Results.Empty;
            }
            if (http.Request.ContentType != "application/timestamp-query") return Results.StatusCode(415);
            var name = Guid.NewGuid().ToString("N");
            var query = Path.Combine(dir, name + ".tsq");
            var reply = Path.Combine(dir, name + ".tsr");
            await using (var file = File.Create(query)) await http.Request.Body.CopyToAsync(file);
            await replies.WaitAsync();
            try { await OpenSslAsync(dir, "ts", "-reply", "-queryfile", query, "-config", Path.Combine(dir, "tsa.cnf"), "-out", reply); }
            finally { replies.Release(); }
            Interlocked.Increment(ref tsa._answered);
            return Results.Bytes(await File.ReadAllBytesAsync(reply), "application/timestamp-reply");
        });
        await app.StartAsync();
        tsa.Url = app.Urls.First().TrimEnd('/') + "/tsa";
        return tsa;
    }

    /// <summary>Runs openssl in <paramref name="dir"/>; fails with what it printed when it fails.</summary>
    public static async Task<string> OpenSslAsync(string dir, params string[] args)
    {
        var psi = new ProcessStartInfo("openssl") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("openssl did not start");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        var output = await stdout + await stderr;
        if (p.ExitCode != 0) throw new InvalidOperationException($"openssl {string.Join(' ', args)} failed ({p.ExitCode}): {output}");
        return output;
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
