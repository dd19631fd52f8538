using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ESignWeb.Tests.E2E;
using ESignWeb.Tests.Fixtures;
using Microsoft.Playwright;

namespace ESignWeb.Bench;

/// <summary>
/// What one open signing page costs the server (bench/circuits/run.sh): the real app (a built ESignWeb.dll, Release)
/// on 127.0.0.1 with a fresh data directory; one request with N signers (unordered, a signature field each on a
/// small PDF) sent through the API; then each signer's link opened in its own Chromium context (one browser), consent
/// given on that page and the signing view waited for (the PDF loaded in the browser, so the circuit is live and has
/// rendered). At each step (0 and the given counts of open pages) the app runs a full compacting GC
/// (<c>POST /bench/gc</c>, mapped only with <c>ESign:Testing:BenchmarkEndpoint</c>) and reports its resident set and
/// managed heap; the least-squares slope over the steps is the cost of one circuit. Then every page is closed and the
/// retained (disconnected) circuits are counted. Prints lines run.sh turns into a section.
/// </summary>
public static partial class CircuitMemory
{
    public sealed record Sample(int Pages, int Circuits, int Connected, long RssBytes, long ManagedBytes, long CommittedBytes, int Threads);

    public static async Task<int> RunAsync(string[] args)
    {
        string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
        var appDll = Arg("--app-dll", RepoPaths.AppDll);
        var label = Arg("--label", "this build");
        var steps = Arg("--steps", "10,20,40").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var pdfPages = int.Parse(Arg("--pdf-pages", "3"), CultureInfo.InvariantCulture);
        // --warmup N: N pages opened and closed before the first step, so first-use JIT, tiering and caches are paid
        // before the slope is taken (their links are extra signers of the same request).
        var warmup = int.Parse(Arg("--warmup", "0"), CultureInfo.InvariantCulture);
        var signers = steps.Max() + warmup;
        // --shape: "typical" = one ordinary request per page (2 signers, 2–3 fields each; the first signer's page is
        // opened), what a signer usually sees; "40-signers" = one request whose N signers all open their page, so
        // every page draws every signer's box (the older rows of docs/benchmarks.md).
        var shape = Arg("--shape", "40-signers");
        if (shape is not ("typical" or "40-signers")) throw new ArgumentException($"--shape must be typical or 40-signers, not {shape}");
        // --gcdump DIR: a heap dump at every step (dotnet-gcdump on PATH or ESIGN_GCDUMP), for `dotnet-gcdump report`.
        var gcdumpDir = Arg("--gcdump", "") is { Length: > 0 } d ? Directory.CreateDirectory(d).FullName : null;
        var extra = args.SkipWhile(a => a != "--set").Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal))
            .Select(a => a.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

        var settings = new Dictionary<string, string>
        {
            ["ESign__RequireConfirmedAccount"] = "false",
            ["ESign__Testing__BenchmarkEndpoint"] = "true",
            ["ESign__RateLimits__TokenLookupsPerMinute"] = "0",
            ["Api__RateLimitPerMinute"] = "1000000",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (k, v) in extra) settings[k] = v;
        await using var app = await AppProcess.StartAsync(settings, appDll);
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl), Timeout = TimeSpan.FromMinutes(2) };
        var load0 = LoadAverage();
        var links = shape == "typical"
            ? await SendTypicalAsync(app, TestPdf.Pages(pdfPages), signers)
            : await SendAsync(app, http, TestPdf.Pages(pdfPages), signers);
        Console.Error.WriteLine($"[circuits] {label}: {links.Count} links, app pid {app.Pid}");

        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        if (warmup > 0)
        {
            var warm = new List<IBrowserContext>();
            for (var i = 0; i < warmup; i++)
            {
                warm.Add(await browser.NewContextAsync());
                await OpenAsync(await warm[^1].NewPageAsync(), links[steps.Max() + i]);
            }
            foreach (var c in warm) await c.CloseAsync();
            await Poll.UntilAsync(async () => (await MeasureAsync(http, 0)).Connected == 0 ? "down" : null, 60);
            Console.Error.WriteLine($"[circuits] {warmup} warm-up pages opened and closed");
        }
        var contexts = new List<IBrowserContext>();
        var samples = new List<Sample> { await MeasureAsync(http, 0) };
        Console.Error.WriteLine($"[circuits] {samples[^1]} {ProcStatus(app.Pid)}");
        if (gcdumpDir is not null) await GcDumpAsync(app.Pid, Path.Combine(gcdumpDir, $"{label.Replace(' ', '-')}-0.gcdump"));
        foreach (var step in steps)
        {
            while (contexts.Count < step)
            {
                var context = await browser.NewContextAsync();
                contexts.Add(context);
                await OpenAsync(await context.NewPageAsync(), links[contexts.Count - 1]);
            }
            samples.Add(await MeasureAsync(http, step));
            Console.Error.WriteLine($"[circuits] {samples[^1]} {ProcStatus(app.Pid)}");
            if (gcdumpDir is not null) await GcDumpAsync(app.Pid, Path.Combine(gcdumpDir, $"{label.Replace(' ', '-')}-{step}.gcdump"));
            // ESIGN_DUMP=path/to/dotnet-dump: a full heap dump at the last step too (string contents, roots).
            if (gcdumpDir is not null && step == steps[^1] && Environment.GetEnvironmentVariable("ESIGN_DUMP") is { } dumpTool)
                await System.Diagnostics.Process.Start(dumpTool, ["collect", "-p", app.Pid.ToString(CultureInfo.InvariantCulture), "--type", "Heap", "-o", Path.Combine(gcdumpDir, "last.dump")]).WaitForExitAsync();
            if (samples[^1].Circuits < step) throw new InvalidOperationException($"{step} pages open but {samples[^1].Circuits} circuits");
        }

        // Close every page: their circuits are disconnected and kept for DisconnectedCircuitRetentionPeriod (at most
        // DisconnectedCircuitMaxRetained of them), then disposed.
        foreach (var c in contexts) await c.CloseAsync();
        var afterClose = await Poll.UntilAsync(async () =>
        {
            var s = await MeasureAsync(http, 0);
            return s.Connected == 0 ? s : null; // every connection seen down
        }, 60);
        Console.Error.WriteLine($"[circuits] after closing every page: {afterClose}");

        var fit = samples.Where(s => s.Pages > 0).ToList();
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Format(inv, "ROW {0}|{1}", label, string.Join(';', samples.Select(s =>
            string.Format(inv, "{0}:{1:0.0}:{2:0.0}", s.Pages, s.RssBytes / 1048576.0, s.ManagedBytes / 1048576.0)))));
        Console.WriteLine(string.Format(inv, "SLOPE {0}|{1:0}|{2:0}|{3:0}", label,
            Slope(fit, s => s.RssBytes) / 1024, Slope(fit, s => s.ManagedBytes) / 1024, Slope(fit, s => s.CommittedBytes) / 1024));
        Console.WriteLine(string.Format(inv, "RETAINED {0}|{1}|{2:0.0}", label, afterClose.Circuits, afterClose.RssBytes / 1048576.0));
        Console.WriteLine(string.Format(inv, "META {0}|{1}|{2}|{3} → {4}", label, shape, warmup, load0, LoadAverage()));
        return 0;
    }

    /// <summary>The one-minute load average (/proc/loadavg), recorded with each row: on a shared machine it says how far to trust it.</summary>
    private static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "?"; }
    }

    /// <summary>The kernel's view of the app's memory: anonymous and file-backed resident pages.</summary>
    private static string ProcStatus(int pid)
    {
        try
        {
            return string.Join(' ', File.ReadAllLines($"/proc/{pid}/status")
                .Where(l => l.StartsWith("RssAnon", StringComparison.Ordinal) || l.StartsWith("RssFile", StringComparison.Ordinal) || l.StartsWith("RssShmem", StringComparison.Ordinal) || l.StartsWith("Threads", StringComparison.Ordinal))
                .Select(l => Regex.Replace(l, @"\s+", " ")));
        }
        catch (IOException) { return ""; }
    }

    private static async Task GcDumpAsync(int pid, string file)
    {
        var tool = Environment.GetEnvironmentVariable("ESIGN_GCDUMP") ?? "dotnet-gcdump";
        using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(tool, ["collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", file])
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
        await p.WaitForExitAsync();
        Console.Error.WriteLine($"[circuits] gcdump {file}: exit {p.ExitCode}");
    }

    /// <summary>Least-squares slope of <paramref name="y"/> over open pages, in bytes per page.</summary>
    public static double Slope(IReadOnlyList<Sample> samples, Func<Sample, long> y)
    {
        var mx = samples.Average(s => (double)s.Pages);
        var my = samples.Average(s => (double)y(s));
        var num = samples.Sum(s => (s.Pages - mx) * (y(s) - my));
        var den = samples.Sum(s => (s.Pages - mx) * (s.Pages - mx));
        return num / den;
    }

    /// <summary>Two full collections a moment apart (the second sees what the first's finalizers freed); the second's figures.</summary>
    private static async Task<Sample> MeasureAsync(HttpClient http, int pages)
    {
        JsonElement last = default;
        for (var i = 0; i < 2; i++)
        {
            var response = await http.PostAsync("/bench/gc", null);
            response.EnsureSuccessStatusCode();
            last = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        }
        return new Sample(pages, last.GetProperty("circuits").GetInt32(), last.GetProperty("connected").GetInt32(), last.GetProperty("rssBytes").GetInt64(),
            last.GetProperty("managedBytes").GetInt64(), last.GetProperty("committedBytes").GetInt64(), last.GetProperty("threads").GetInt32());
    }

    /// <summary>Opens a signer's link, gives consent on that page and waits for the signing view with its PDF loaded.</summary>
    private static async Task OpenAsync(IPage page, string link)
    {
        // Generous timeouts: on a machine shared with builds a page can take well over the default 20 s to go live.
        await page.GotoAsync(link, new() { Timeout = 120_000 });
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "I agree to use electronic records and signatures." }).CheckAsync(new() { Timeout = 120_000 });
        await page.Locator("#consent-continue").ClickAsync(new() { Timeout = 120_000 });
        await Assertions.Expect(page.Locator("#pdf-viewer[data-loaded='true']")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#sign-progress")).ToBeVisibleAsync(new() { Timeout = 60_000 });
    }

    /// <summary>One request, <paramref name="signers"/> unordered signers with a signature field each; their links (from the mail outbox).</summary>
    private static async Task<List<string>> SendAsync(AppProcess app, HttpClient http, byte[] pdf, int signers)
    {
        var output = await app.RunCommandAsync("apikey", "create", "--email", "owen.owner@example.com", "--name", "circuits");
        var key = output.Split('\n').Select(l => l.Trim()).Last(l => l.StartsWith("esk_", StringComparison.Ordinal));
        using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl), Timeout = TimeSpan.FromMinutes(2) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var upload = new MultipartFormDataContent
        {
            { new StringContent("Circuits.pdf"), "name" },
            { new ByteArrayContent(pdf) { Headers = { ContentType = new("application/pdf") } }, "file", "Circuits.pdf" },
        };
        var fileId = (await JsonOf(await api.PostAsync("/v1/files/original/", upload))).GetProperty("id").GetInt32();
        var emails = Enumerable.Range(1, signers).Select(i => $"signer{i:000}@example.com").ToList();
        await JsonOf(await api.PostAsJsonAsync("/v1/files/pending/fields/", new
        {
            original_file_id = fileId, name = "Circuits", is_ordered = false,
            recipients = emails.Select((e, i) => new { email = e, first_name = "Signer", last_name = (i + 1).ToString(CultureInfo.InvariantCulture) }).ToArray(),
            fields_payload = emails.Select((e, i) => new { email = e, type = "signature", required = true, page_number = 1, x = 72, y = 80 + (i % 10) * 60, width = 180, height = 48, additional_info = new { } }).ToArray(),
        }));
        var outbox = Path.Combine(app.DataDir, "outbox");
        return (await Poll.UntilAsync(() =>
        {
            if (!Directory.Exists(outbox)) return Task.FromResult<List<string>?>(null);
            var found = Directory.GetFiles(outbox, "*.eml").Select(BodyOf).Select(b => SignLink().Match(b)).Where(m => m.Success)
                .Select(m => m.Value).Distinct().ToList();
            return Task.FromResult(found.Count >= signers ? found : null);
        }, 120))!;
    }

    /// <summary>
    /// <paramref name="count"/> ordinary requests, each with 2 unordered signers on the 3-page PDF: the first signer has
    /// 3 fields (a signature and a date on page 1, initials on the last page), the second 2 (a signature on page 1,
    /// initials on the last page). Returns each request's first signer's link (from the mail outbox), in order.
    /// </summary>
    private static async Task<List<string>> SendTypicalAsync(AppProcess app, byte[] pdf, int count)
    {
        var output = await app.RunCommandAsync("apikey", "create", "--email", "owen.owner@example.com", "--name", "circuits");
        var key = output.Split('\n').Select(l => l.Trim()).Last(l => l.StartsWith("esk_", StringComparison.Ordinal));
        using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl), Timeout = TimeSpan.FromMinutes(2) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var firsts = new List<string>();
        for (var r = 1; r <= count; r++)
        {
            var upload = new MultipartFormDataContent
            {
                { new StringContent($"Contract {r}.pdf"), "name" },
                { new ByteArrayContent(pdf) { Headers = { ContentType = new("application/pdf") } }, "file", $"Contract{r}.pdf" },
            };
            var fileId = (await JsonOf(await api.PostAsync("/v1/files/original/", upload))).GetProperty("id").GetInt32();
            string first = $"r{r:000}-first@example.com", second = $"r{r:000}-second@example.com";
            firsts.Add(first);
            await JsonOf(await api.PostAsJsonAsync("/v1/files/pending/fields/", new
            {
                original_file_id = fileId, name = $"Contract {r}", is_ordered = false,
                recipients = new[]
                {
                    new { email = first, first_name = "First", last_name = r.ToString(CultureInfo.InvariantCulture) },
                    new { email = second, first_name = "Second", last_name = r.ToString(CultureInfo.InvariantCulture) },
                },
                fields_payload = new object[]
                {
                    new { email = first, type = "signature", required = true, page_number = 1, x = 72, y = 80, width = 180, height = 48, additional_info = new { } },
                    new { email = first, type = "date", required = true, page_number = 1, x = 280, y = 80, width = 120, height = 32, additional_info = new { } },
                    new { email = first, type = "initials", required = true, page_number = -1, x = 72, y = 80, width = 80, height = 40, additional_info = new { } },
                    new { email = second, type = "signature", required = true, page_number = 1, x = 72, y = 200, width = 180, height = 48, additional_info = new { } },
                    new { email = second, type = "initials", required = true, page_number = -1, x = 200, y = 80, width = 80, height = 40, additional_info = new { } },
                },
            }));
        }
        var outbox = Path.Combine(app.DataDir, "outbox");
        return (await Poll.UntilAsync(() =>
        {
            if (!Directory.Exists(outbox)) return Task.FromResult<List<string>?>(null);
            var byRecipient = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var eml in Directory.GetFiles(outbox, "*.eml"))
                if (LinkTo(eml) is var (to, link)) byRecipient[to] = link;
            return Task.FromResult(firsts.All(byRecipient.ContainsKey) ? firsts.Select(f => byRecipient[f]).ToList() : null);
        }, 180))!;
    }

    /// <summary>An invitation's recipient and signing link, or null (not an invitation, or not fully written yet).</summary>
    private static (string To, string Link)? LinkTo(string eml)
    {
        try
        {
            using var message = MimeKit.MimeMessage.Load(eml);
            var link = SignLink().Match(message.TextBody ?? message.HtmlBody ?? "");
            var to = message.To.Mailboxes.FirstOrDefault()?.Address;
            return link.Success && to is not null ? (to, link.Value) : null;
        }
        catch (IOException) { return null; }
        catch (FormatException) { return null; }
    }

    private static string BodyOf(string eml)
    {
        try
        {
            using var message = MimeKit.MimeMessage.Load(eml);
            return message.TextBody ?? message.HtmlBody ?? "";
        }
        catch (IOException) { return ""; }
        catch (FormatException) { return ""; }
    }

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [GeneratedRegex(@"/sign/[A-Za-z0-9_-]{20,}")]
    private static partial Regex SignLink();
}
