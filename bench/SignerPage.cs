using System.Globalization;
using System.Net;
using System.Text;
using ESignWeb.Tests.E2E;
using ESignWeb.Tests.Fixtures;
using Microsoft.Playwright;

namespace ESignWeb.Bench;

/// <summary>
/// The signer's page of a 300-page document in headless Chromium (bench/signer-page/run.sh): the real app (a built
/// ESignWeb.dll) with a fresh data directory, one request sent through the API, consent given once, then the link opened
/// RUNS times, each in a new browser context (nothing cached, as a signer opening the mail) and once more in the same
/// context (cached). Measured: time from navigation start to page 1's canvas painted (a script Chromium injects before
/// the page's own, watching for the canvas, then the next animation frame — the same for any build of the app), and the
/// bytes on the wire (bodies as sent, compressed or not, plus headers) of JavaScript and CSS and of the PDF. The bare
/// baseline is a static HTML page served from the same machine: its first contentful paint, in the same browser.
/// Prints a Markdown table row per build; run.sh assembles the section.
/// </summary>
public static class SignerPage
{
    private const string WatchFirstPage = """
        (() => {
          const seen = () => document.querySelector('.pdf-page[data-page="1"] canvas');
          const done = () => requestAnimationFrame(() => { window.__esignFirstPage = performance.now(); });
          const watch = () => {
            if (seen()) return done();
            const o = new MutationObserver(() => { if (seen()) { o.disconnect(); done(); } });
            o.observe(document.documentElement, { childList: true, subtree: true });
          };
          if (document.documentElement) watch(); else document.addEventListener('DOMContentLoaded', watch);
        })();
        """;

    public sealed record Load(double FirstPageMs, long ScriptStyleBytes, long PdfBytes, int PdfRequests, int PdfRanges, int Canvases);

    public static async Task<int> RunAsync(string[] args)
    {
        string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
        var appDll = Arg("--app-dll", RepoPaths.AppDll);
        var label = Arg("--label", "this build");
        var runs = int.Parse(Arg("--runs", "10"), CultureInfo.InvariantCulture);
        var pages = int.Parse(Arg("--pages", "300"), CultureInfo.InvariantCulture);

        var pdf = LargePdf.Create(pages);
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["ESign__RequireConfirmedAccount"] = "false",
            ["ESign__RateLimits__TokenLookupsPerMinute"] = "0", // RUNS page loads from one address
            ["Logging__LogLevel__Default"] = "Warning",
        }, appDll);
        var link = await SignerPageScenario.SendAsync(app, pdf);
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        await SignerPageScenario.ConsentAsync(browser, link);

        using var bare = BareServer.Start();
        var bareMs = new List<double>();
        var cold = new List<Load>();
        var warm = new List<Load>();
        for (var i = 0; i < runs + 1; i++) // the first run warms the app (JIT, caches) and is not counted
        {
            var context = await browser.NewContextAsync();
            await context.AddInitScriptAsync(WatchFirstPage); // before the page's own scripts, on every navigation
            try
            {
                var page = await context.NewPageAsync();
                await page.GotoAsync(bare.Url);
                var fcp = await page.WaitForFunctionAsync(
                    "() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime");
                if (i > 0) bareMs.Add((await fcp.JsonValueAsync<double>()));
                var first = await LoadAsync(page, link);
                var again = await LoadAsync(page, link);
                if (i > 0) { cold.Add(first); warm.Add(again); }
                Console.Error.WriteLine($"[signer-page] {label} run {i}: cold {first}, cached {again}");
            }
            finally { await context.CloseAsync(); }
        }

        var inv = CultureInfo.InvariantCulture;
        double Median(IEnumerable<double> xs) { var s = xs.OrderBy(x => x).ToArray(); return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2; }
        var bareMedian = Median(bareMs);
        string Row(string which, List<Load> loads)
        {
            var ms = Median(loads.Select(l => l.FirstPageMs));
            var p90 = loads.Select(l => l.FirstPageMs).OrderBy(x => x).ElementAt((int)Math.Ceiling(0.9 * loads.Count) - 1);
            return string.Format(inv, "| {0}, {1} | **{2:0} ms** (p90 {3:0}) | {4:0.0}× | {5:0} KB | {6:0} KB in {7} request(s), {8} of them ranges | {9} |",
                label, which, ms, p90, ms / bareMedian, Median(loads.Select(l => (double)l.ScriptStyleBytes)) / 1024,
                Median(loads.Select(l => (double)l.PdfBytes)) / 1024, loads[^1].PdfRequests, loads[^1].PdfRanges, loads[^1].Canvases);
        }
        Console.WriteLine(Row("new visitor", cold));
        Console.WriteLine(Row("cached", warm));
        Console.WriteLine(string.Format(inv, "BARE {0:0.0}", bareMedian));
        Console.WriteLine(string.Format(inv, "PDF {0:0.0}", pdf.Length / 1024.0 / 1024.0));
        return 0;
    }

    private static async Task<Load> LoadAsync(IPage page, string link)
    {
        long scriptStyle = 0, pdfBytes = 0;
        int pdfRequests = 0, pdfRanges = 0;
        var pending = new List<Task>();
        void OnFinished(object? _, IRequest request) => pending.Add(CountAsync(request));
        async Task CountAsync(IRequest request)
        {
            var response = await request.ResponseAsync();
            if (response is null) return;
            var sizes = await request.SizesAsync();
            var bytes = (long)sizes.ResponseBodySize + sizes.ResponseHeadersSize;
            var path = new Uri(request.Url).AbsolutePath;
            if (path.EndsWith("/document", StringComparison.Ordinal))
            {
                Interlocked.Add(ref pdfBytes, bytes);
                Interlocked.Increment(ref pdfRequests);
                if (response.Status == 206) Interlocked.Increment(ref pdfRanges);
            }
            else if (path.EndsWith(".js", StringComparison.Ordinal) || path.EndsWith(".mjs", StringComparison.Ordinal) || path.EndsWith(".css", StringComparison.Ordinal))
                Interlocked.Add(ref scriptStyle, bytes);
        }
        // A request cancelled after its headers (PDF.js stops the whole-file GET once it knows ranges work): counted,
        // with the bytes Chromium had received by then unknown (reported as none).
        void OnFailed(object? _, IRequest request)
        {
            if (new Uri(request.Url).AbsolutePath.EndsWith("/document", StringComparison.Ordinal)) Interlocked.Increment(ref pdfRequests);
        }
        page.RequestFinished += OnFinished;
        page.RequestFailed += OnFailed;
        try
        {
            await page.GotoAsync(link);
            var ms = await (await page.WaitForFunctionAsync("() => window.__esignFirstPage", null,
                new PageWaitForFunctionOptions { Timeout = 60_000 })).JsonValueAsync<double>();
            // Settle: whatever page 1 and the pages in the margin asked for.
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            // ESIGN_BENCH_TRACE=1: where the time went (resource timings and marks, ms from navigation start), on stderr.
            if (Environment.GetEnvironmentVariable("ESIGN_BENCH_TRACE") == "1")
                Console.Error.WriteLine(await page.EvaluateAsync<string>(
                    "() => performance.getEntries().filter(e => e.entryType !== 'navigation' || true).map(e => " +
                    "`${e.entryType.padEnd(10)} ${Math.round(e.startTime).toString().padStart(5)}-${Math.round(e.responseEnd ?? (e.startTime + e.duration)).toString().padStart(5)} ${e.name.replace(/^https?:\\/\\/[^/]+/, '').slice(0, 90)}`).join('\\n')"));
            await Task.WhenAll(pending.ToArray());
            var canvases = await page.Locator(".pdf-page canvas").CountAsync();
            return new Load(ms, scriptStyle, pdfBytes, pdfRequests, pdfRanges, canvases);
        }
        finally
        {
            page.RequestFinished -= OnFinished;
            page.RequestFailed -= OnFailed;
        }
    }

    /// <summary>A bare static HTML page (one heading and a paragraph) on a loopback port: the baseline.</summary>
    private sealed class BareServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        public string Url { get; }

        private BareServer(int port)
        {
            Url = $"http://127.0.0.1:{port}/bare.html";
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        }

        public static BareServer Start()
        {
            var server = new BareServer(FreePort.Next());
            server._listener.Start();
            var body = Encoding.UTF8.GetBytes("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Bare</title></head>" +
                                              "<body><h1>Page 1</h1><p>A bare static page.</p></body></html>");
            _ = Task.Run(async () =>
            {
                while (server._listener.IsListening)
                {
                    HttpListenerContext ctx;
                    try { ctx = await server._listener.GetContextAsync(); } catch { return; }
                    ctx.Response.ContentType = "text/html; charset=utf-8";
                    ctx.Response.Headers["Cache-Control"] = "no-store";
                    ctx.Response.ContentLength64 = body.Length;
                    await ctx.Response.OutputStream.WriteAsync(body);
                    ctx.Response.Close();
                }
            });
            return server;
        }

        public void Dispose() => _listener.Close();
    }
}
