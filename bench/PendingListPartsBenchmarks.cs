using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using ESignWeb.Api;
using ESignWeb.Data;
using ESignWeb.Hosting;
using ESignWeb.Requests;
using ESignWeb.Tests.Fixtures;
using ESignWeb.Tests.Integration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ESignWeb.Bench;

/// <summary>
/// Issue 15: where the uncached pending list of 200 spends its time and bytes, piece by piece, in process and with no
/// writer (<c>dotnet run -c Release --project bench -- --pending-parts</c>, prints BenchmarkDotNet's table only):
/// the database read alone (snapshot, count, the projected batch query, materialised rows), the outbox failure
/// queries, the DTOs built from rows already read, their serialisation alone, the whole list written to a buffer
/// (no HTTP), and the same list and the bare baseline through the in-process HTTP pipeline.
/// </summary>
[MemoryDiagnoser]
public class PendingListPartsBenchmarks
{
    [Params(DatabaseProviderKind.Sqlite, DatabaseProviderKind.PostgreSql)]
    public DatabaseProviderKind Provider { get; set; }

    private ESignAppFactory _app = null!;
    private RequestService _requests = null!;
    private PublicLinks _links = null!;
    private string _owner = "";
    private List<PendingListRow> _rows = [];
    private Dictionary<int, RequestFailure> _failures = [];
    private List<object> _dtos = [];
    private HttpClient _client = null!;
    private HttpClient _bare = null!;
    private string _barePath = "";
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 20);

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _app = new ESignAppFactory
        {
            Provider = Provider,
            Settings = { ["ESign:Testing:BenchmarkEndpoint"] = "true", ["Api:RateLimitPerMinute"] = "1000000000" },
            // --pending-diag: EF's query compilations and every command with its time, to see where a read goes.
            TestServices = Diagnose ? s => s.ConfigureDbContext<AppDbContext>(o => o.LogTo(Console.WriteLine,
                [Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.QueryCompilationStarting, Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.CommandExecuted],
                Microsoft.Extensions.Logging.LogLevel.Debug)) : null,
        };
        _owner = await _app.CreateUserAsync("bench.parts@example.com", "Bench", "Owner");
        await using (var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
            await RequestSeed.AddRequestsAsync(db, _owner, PendingListBenchmarks.Seeded, DateTimeOffset.UtcNow,
                i => i % 3 == 0 ? ["NDA"] : ["Agreement", "Sales"], "Lease");
        await using (var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
            await db.Requests.ExecuteUpdateAsync(u => u.SetProperty(r => r.Message, PendingListBenchmarks.Message)); // as bench/wrk/multi.sh's requests
        _requests = _app.Get<RequestService>();
        _links = _app.Get<PublicLinks>();
        await using (var list = await _requests.OpenVisibleListAsync(_owner))
            await foreach (var batch in list.BatchesAsync())
            {
                _rows.AddRange(batch);
                foreach (var (id, f) in await RequestFailures.LoadAsync(list.Db, batch.Select(r => r.Request).ToList(), default)) _failures[id] = f;
            }
        _dtos = BuildDtos();
        (_client, _) = await _app.ApiClientAsync(_owner);
        var body = await _client.GetByteArrayAsync("/v1/files/pending/");
        _barePath = $"{BenchmarkEndpoint.Path}?bytes={body.Length}";
        _bare = _app.CreateClient();
        Console.WriteLine($"// {_rows.Count} rows, {body.Length} bytes");
    }

    [GlobalCleanup]
    public void Cleanup() => _app.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Description = "read: snapshot + count + batch query, rows materialised")]
    public async Task<int> Read()
    {
        var n = 0;
        await using var list = await _requests.OpenVisibleListAsync(_owner);
        await foreach (var batch in list.BatchesAsync()) n += batch.Count;
        return n;
    }

    [Benchmark(Description = "read + outbox failure queries")]
    public async Task<int> ReadWithFailures()
    {
        var n = 0;
        await using var list = await _requests.OpenVisibleListAsync(_owner);
        await foreach (var batch in list.BatchesAsync())
            n += (await RequestFailures.LoadAsync(list.Db, batch.Select(r => r.Request).ToList(), default)).Count;
        return n;
    }

    [Benchmark(Description = "DTOs from rows already read")]
    public List<object> Dtos() => BuildDtos();

    private List<object> BuildDtos() =>
        _rows.Select(row => (object)PendingFileDto.Of(row.Request, row.Owner, _owner, _links, _failures[row.Request.Id], row.HasMarkers)).ToList();

    [Benchmark(Description = "serialise DTOs already built")]
    public int Serialise()
    {
        _buffer.ResetWrittenCount();
        using var w = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = ApiJson.Options.Encoder });
        w.WriteStartArray();
        foreach (var item in _dtos) JsonSerializer.Serialize(w, item, item.GetType(), ApiJson.Options);
        w.WriteEndArray();
        w.Flush();
        return _buffer.WrittenCount;
    }

    [Benchmark(Description = "whole list to a buffer (no HTTP)")]
    public async Task<int> Whole()
    {
        _buffer.ResetWrittenCount();
        await using var list = await _requests.OpenVisibleListAsync(_owner);
        await StreamedJson.WriteAsync(_buffer, null, list, "files", PendingFileEndpoints.ListItems(_owner, _links), default);
        return _buffer.WrittenCount;
    }

    [Benchmark(Description = "GET /v1/files/pending/ in process")]
    public Task<byte[]> Http() => _client.GetByteArrayAsync("/v1/files/pending/");

    [Benchmark(Baseline = true, Description = "bare: fixed JSON of the same size")]
    public Task<byte[]> Bare() => _bare.GetByteArrayAsync(_barePath);

    /// <summary>Set by <c>--pending-diag</c>: log EF's compilations and commands instead of benchmarking.</summary>
    public static bool Diagnose { get; set; }

    /// <summary><c>--pending-diag</c>: reads the list five times on SQLite with EF's log on, timing each read.</summary>
    public static async Task<int> DiagnoseAsync()
    {
        Diagnose = true;
        var b = new PendingListPartsBenchmarks { Provider = DatabaseProviderKind.Sqlite };
        b.Setup();
        for (var i = 0; i < 5; i++)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var n = await b.Whole();
            Console.WriteLine($"==== whole list: {n} bytes in {sw.Elapsed.TotalMilliseconds:0.00} ms");
        }
        b.Cleanup();
        // The sender's message of each row: the sanitizer built per call (before), shared, and plain text skipping it.
        var perCall = typeof(ESignWeb.Requests.SenderMessage).GetMethod("Sanitizer", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        var sanitized = typeof(ESignWeb.Requests.SenderMessage).GetMethod("Sanitized", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        for (var round = 0; round < 3; round++)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            for (var i = 0; i < 200; i++) ((Ganss.Xss.HtmlSanitizer)perCall.Invoke(null, null)!).Sanitize(PendingListBenchmarks.Message);
            var before = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            for (var i = 0; i < 200; i++) sanitized.Invoke(null, [PendingListBenchmarks.Message]);
            var shared = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            for (var i = 0; i < 200; i++) ESignWeb.Requests.SenderMessage.Clean(PendingListBenchmarks.Message);
            Console.WriteLine($"==== 200 messages: sanitizer per call {before:0.00} ms, shared sanitizer {shared:0.00} ms, Clean (plain text) {sw.Elapsed.TotalMilliseconds:0.00} ms");
        }
        return 0;
    }

    public static int Run(string[] args)
    {
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(10).WithLaunchCount(1).WithToolchain(InProcessEmitToolchain.Instance))
            .WithOptions(ConfigOptions.DisableLogFile);
        BenchmarkRunner.Run<PendingListPartsBenchmarks>(config, args);
        return 0;
    }
}
