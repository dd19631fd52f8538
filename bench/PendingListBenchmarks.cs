using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using ESignWeb.Data;
using ESignWeb.Hosting;
using ESignWeb.Tests.Fixtures;
using ESignWeb.Tests.Integration;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Bench;

/// <summary>
/// Issue 15: <c>GET /v1/files/pending/</c> of 200 requests with no cache (every call reads the database: one projected
/// query) while a writer changes the same requests 200 times a second, on SQLite and on PostgreSQL, against the bare
/// baseline <c>GET /bench/fixed-json</c> of the same number of bytes. The app runs in process (the integration tests'
/// <see cref="ESignAppFactory"/>, TestServer: no sockets), so a call's time is the server's time plus an in-memory
/// client. PostgreSQL is the tests' throw-away server (<see cref="PostgresServer"/>).
/// </summary>
[MemoryDiagnoser]
public class PendingListBenchmarks
{
    /// <summary>Seeded: 240, of which <see cref="RequestSeed"/> makes every sixth a draft the list does not show, so 200 are listed.</summary>
    public const int Seeded = 240;
    public const int WritesPerSecond = 200;
    /// <summary>The sender's message of every seeded request (bench/wrk/multi.sh sends the same).</summary>
    public const string Message = "Please sign.";

    [Params(DatabaseProviderKind.Sqlite, DatabaseProviderKind.PostgreSql)]
    public DatabaseProviderKind Provider { get; set; }

    private ESignAppFactory _app = null!;
    private HttpClient _client = null!;
    private HttpClient _bare = null!;
    private string _barePath = "";
    private CancellationTokenSource _stop = new();
    private Task _writer = Task.CompletedTask;
    private List<int> _ids = [];

    /// <summary>Writes made by the concurrent writer per provider, and over how long (for the report).</summary>
    public static readonly Dictionary<DatabaseProviderKind, (long Writes, TimeSpan Over)> Written = [];
    private long _writes;
    private System.Diagnostics.Stopwatch _writing = new();

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _app = new ESignAppFactory
        {
            Provider = Provider,
            Settings = { ["ESign:Testing:BenchmarkEndpoint"] = "true", ["Api:RateLimitPerMinute"] = "1000000000" },
        };
        var owner = await _app.CreateUserAsync("bench.pending@example.com", "Bench", "Owner");
        await using (var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
            _ids = await RequestSeed.AddRequestsAsync(db, owner, Seeded, DateTimeOffset.UtcNow, i => i % 3 == 0 ? ["NDA"] : ["Agreement", "Sales"], "Lease");
        await using (var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
            await db.Requests.ExecuteUpdateAsync(u => u.SetProperty(r => r.Message, Message)); // every row has a sender's message, as real ones do
        (_client, _) = await _app.ApiClientAsync(owner);
        var body = await _client.GetByteArrayAsync("/v1/files/pending/");
        _barePath = $"{BenchmarkEndpoint.Path}?bytes={body.Length}";
        _bare = _app.CreateClient();
        if ((await _bare.GetByteArrayAsync(_barePath)).Length != body.Length) throw new InvalidOperationException("the baseline's size differs");
        _stop = new CancellationTokenSource();
        _writes = 0;
        _writing = System.Diagnostics.Stopwatch.StartNew();
        _writer = WriteAsync(_stop.Token);
    }

    /// <summary>The concurrent writer: every 5 ms one of the 200 requests gets a new modification time (a committed write).</summary>
    private async Task WriteAsync(CancellationToken ct)
    {
        var factory = _app.Get<IDbContextFactory<AppDbContext>>();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / WritesPerSecond));
        var i = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var id = _ids[i++ % _ids.Count];
                await factory.WriteAsync(db => db.Requests.Where(r => r.Id == id)
                    .ExecuteUpdateAsync(s => s.SetProperty(r => r.ModifiedAt, DateTimeOffset.UtcNow), ct), ct);
                Interlocked.Increment(ref _writes);
            }
        }
        catch (OperationCanceledException) { }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop.Cancel();
        _writer.GetAwaiter().GetResult();
        Written[Provider] = (Interlocked.Read(ref _writes), _writing.Elapsed);
        _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "bare: fixed JSON of the same size")]
    public Task<byte[]> Bare() => _bare.GetByteArrayAsync(_barePath);

    [Benchmark(Description = "GET /v1/files/pending/ (200, uncached)")]
    public Task<byte[]> PendingList() => _client.GetByteArrayAsync("/v1/files/pending/");

    /// <summary>Runs the benchmark and rewrites the "Pending list uncached" section of docs/benchmarks.md.</summary>
    public static int Run(string[] args, string root)
    {
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(10).WithLaunchCount(1).WithToolchain(InProcessEmitToolchain.Instance))
            .WithOptions(ConfigOptions.DisableLogFile);
        var summary = BenchmarkRunner.Run<PendingListBenchmarks>(config, args);
        var reports = summary.Reports.Where(r => r.ResultStatistics is not null).ToList();
        if (reports.Count < 4)
        {
            Console.Error.WriteLine("The benchmark did not produce every figure.");
            return 1;
        }
        var inv = CultureInfo.InvariantCulture;
        BenchmarkDotNet.Reports.BenchmarkReport Of(string method, DatabaseProviderKind p) => reports.Single(r =>
            r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method && (DatabaseProviderKind)r.BenchmarkCase.Parameters["Provider"] == p);
        double Mean(string m, DatabaseProviderKind p) => Of(m, p).ResultStatistics!.Mean / 1e6;
        double P95(string m, DatabaseProviderKind p) => Of(m, p).ResultStatistics!.Percentiles.P95 / 1e6;
        string Alloc(string m, DatabaseProviderKind p) => ((Of(m, p).GcStats.GetBytesAllocatedPerOperation(Of(m, p).BenchmarkCase) ?? 0) / 1024.0).ToString("0", inv) + " KB";
        string Rate(DatabaseProviderKind p) => Written.TryGetValue(p, out var w) && w.Over.TotalSeconds > 0
            ? (w.Writes / w.Over.TotalSeconds).ToString("0", inv) + " writes/s" : "?";
        var rows = new List<string>();
        foreach (var p in new[] { DatabaseProviderKind.Sqlite, DatabaseProviderKind.PostgreSql })
        {
            var bare = Mean(nameof(Bare), p);
            rows.Add($"| {p} | bare fixed JSON (baseline) | {bare.ToString("0.00", inv)} ms | {P95(nameof(Bare), p).ToString("0.00", inv)} ms | 1.0× | {Alloc(nameof(Bare), p)} | {Rate(p)} |");
            rows.Add($"| {p} | `GET /v1/files/pending/`, uncached | **{Mean(nameof(PendingList), p).ToString("0.00", inv)} ms** | {P95(nameof(PendingList), p).ToString("0.00", inv)} ms | {(Mean(nameof(PendingList), p) / bare).ToString("0.0", inv)}× | {Alloc(nameof(PendingList), p)} | {Rate(p)} |");
        }
        var md = $"""
## Pending list uncached, with a concurrent writer (`bench/PendingListBenchmarks.cs`, BenchmarkDotNet)

Issue 15: the API keeps no cache (several instances may share one database), so every `GET /v1/files/pending/`
reads the database. Here 200 listed requests (one to three signers, categories and a sender's message on each, seeded by `RequestSeed`) owned by
the API key's user, while a writer changes one of those requests every 5 ms (`Transactions.WriteAsync`, its real rate
in the last column). The app runs in process (`ESignAppFactory` on a TestServer: the whole middleware pipeline, the
key check, the rate limiter, no sockets); the baseline is `GET /bench/fixed-json` of the same byte count through the
same pipeline. PostgreSQL 15 is the tests' throw-away server on loopback (`PostgresServer`, fsync off).

| provider | | mean | p95 | ratio | allocated | writer |
|---|---|---|---|---|---|---|
{string.Join("\n", rows)}

Per list: one command for the key (its owner's address joined), one for the user's confirmed address, the `COUNT`, one
projected query for the rows with their recipients and categories (no field rows, no entity tracking), and at most
two outbox queries for `box_status` errors — the same for 20 or 200 requests (`PendingListUncachedTests`).
Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores, .NET {Environment.Version},
{System.Runtime.InteropServices.RuntimeInformation.OSDescription}; the machine may be busy with other work.
Reproduce: `dotnet run -c Release --project bench -- --pending` (writes this section).
""";
        var path = Path.Combine(root, "docs", "benchmarks.md");
        File.WriteAllText(path, BenchmarkSections.With(File.Exists(path) ? File.ReadAllText(path) : "", md, "## Pending list uncached"));
        Console.WriteLine(md);
        return 0;
    }
}
