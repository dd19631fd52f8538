using System.Diagnostics;
using System.Text;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// Debian's nginx (package <c>nginx</c>, installed by .ci/test) on 127.0.0.1 in front of app instances, with the
/// shipped <c>deploy/nginx.conf</c>: the same directives, only what is host-specific replaced — the upstream servers
/// (the instances' loopback ports instead of app1/app2), the listen address (a free port on 127.0.0.1), the pid, log
/// and temp paths (its own folder under /tmp, removed afterwards) — plus, for the test only, <c>proxy_bind</c>
/// (the instances see the proxy as <see cref="ProxyAddress"/>, so a client on 127.0.0.1 is NOT a listed proxy), an
/// access log line with the upstream each request went to, and an <c>X-Test-Upstream</c> response header.
/// </summary>
public sealed class NginxProxy : IAsyncDisposable
{
    /// <summary>The address nginx connects to the instances from (list it in ESign:ForwardedHeaders:KnownProxies).</summary>
    public const string ProxyAddress = "127.0.0.3";

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private NginxProxy(Process process, string dir, int port)
    {
        _process = process;
        Directory = dir;
        Port = port;
    }

    public string Directory { get; }
    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";
    public string ConfigPath => Path.Combine(Directory, "nginx.conf");

    /// <summary>The access log: one line per request, "<c>uri upstream status</c>".</summary>
    public string AccessLog => File.Exists(Path.Combine(Directory, "access.log")) ? File.ReadAllText(Path.Combine(Directory, "access.log")) : "";
    public string ErrorLog => File.Exists(Path.Combine(Directory, "error.log")) ? File.ReadAllText(Path.Combine(Directory, "error.log")) : "";

    public static string Executable =>
        File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx"
            : throw new InvalidOperationException("nginx not found at /usr/sbin/nginx (apt-get install nginx; .ci/test does).");

    /// <summary>The test configuration made from deploy/nginx.conf for <paramref name="upstreams"/> ("127.0.0.1:port").</summary>
    public static string ConfigFor(string dir, int port, IReadOnlyList<string> upstreams)
    {
        var conf = File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "nginx.conf"));
        string Replace(string text, string from, string to)
        {
            Assert.True(text.Contains(from), $"deploy/nginx.conf no longer contains \"{from}\" (update NginxProxy).");
            return text.Replace(from, to);
        }
        conf = Replace(conf, "worker_processes auto;", "worker_processes 1;");
        conf = Replace(conf, "pid /run/nginx.pid;", $"pid {dir}/nginx.pid;");
        conf = Replace(conf, "error_log /dev/stderr warn;", $"error_log {dir}/error.log warn;");
        conf = Replace(conf, "access_log /dev/stdout;",
            $"log_format upstream '$request_uri $upstream_addr $status';\n    access_log {dir}/access.log upstream;");
        foreach (var temp in new[] { "client-body", "proxy", "fastcgi", "uwsgi", "scgi" })
            conf = Replace(conf, $"/tmp/nginx-{temp};", $"{dir}/{temp};");
        var servers = string.Join("\n        ", upstreams.Select(u => $"server {u} max_fails=1 fail_timeout=10s;"));
        conf = Replace(conf, "server app1:8080 max_fails=1 fail_timeout=10s;\n        server app2:8080 max_fails=1 fail_timeout=10s;", servers);
        conf = Replace(conf, "listen 80;", $"listen 127.0.0.1:{port};");
        conf = Replace(conf, "proxy_http_version 1.1;",
            $"proxy_http_version 1.1;\n        proxy_bind {ProxyAddress};\n        add_header X-Test-Upstream $upstream_addr always;");
        return conf;
    }

    /// <param name="port">The port to listen on (127.0.0.1); default a free one.</param>
    public static async Task<NginxProxy> StartAsync(IReadOnlyList<string> upstreams, int? port = null)
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("esign-nginx-").FullName;
        // nginx's workers run as "nobody" when started as root: they must reach the folder and write its temp files.
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        foreach (var temp in new[] { "client-body", "proxy", "fastcgi", "uwsgi", "scgi" })
            File.SetUnixFileMode(System.IO.Directory.CreateDirectory(Path.Combine(dir, temp)).FullName, (UnixFileMode)0b111_111_111);
        var listen = port ?? FreePort.Next();
        await File.WriteAllTextAsync(Path.Combine(dir, "nginx.conf"), ConfigFor(dir, listen, upstreams));

        var test = await RunAsync("-t", "-p", dir, "-c", Path.Combine(dir, "nginx.conf"), "-e", Path.Combine(dir, "error.log"));
        Assert.True(test.ExitCode == 0, "nginx -t refused the configuration: " + test.Output);

        var psi = new ProcessStartInfo(Executable)
        {
            ArgumentList = { "-p", dir, "-c", Path.Combine(dir, "nginx.conf"), "-e", Path.Combine(dir, "error.log"), "-g", "daemon off;" },
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start nginx.");
        var nginx = new NginxProxy(process, dir, listen);
        process.OutputDataReceived += (_, e) => nginx.Append(e.Data);
        process.ErrorDataReceived += (_, e) => nginx.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await FreePort.WaitUntilListeningAsync(listen, TimeSpan.FromSeconds(20), () => "nginx: " + nginx.Output + nginx.ErrorLog);
        return nginx;
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout + await stderr);
    }

    public async ValueTask DisposeAsync()
    {
        // The master with "daemon off" is this process; killing its tree ends the workers too.
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        await _process.WaitForExitAsync();
        _process.Dispose();
        try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { }
    }
}
