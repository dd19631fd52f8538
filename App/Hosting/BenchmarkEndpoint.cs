using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Options;

namespace ESignWeb.Hosting;

/// <summary>
/// Bare baselines of the benchmarks, mapped only when <c>ESign:Testing:BenchmarkEndpoint</c> is true:
/// <list type="bullet">
/// <item><c>GET /bench/fixed-json?bytes=N</c> (<c>bench/wrk/run.sh</c>) answers exactly N bytes of fixed, valid JSON,
/// built once per size, through the same Kestrel and middleware as the API but with no authentication, rate limiting,
/// database or serialization;</item>
/// <item><c>POST /bench/discard-upload</c> (<c>bench/memory/run.sh</c>) reads a multipart form exactly as
/// <c>POST /v1/files/original/</c> does (<see cref="Api.UploadForm"/>: the file part spooled to a temp file) and
/// deletes it: an upload's cost without inspecting or storing the PDF.</item>
/// <item><c>POST /bench/gc</c> (<c>bench/circuits/run.sh</c>) runs a full, blocking, compacting collection and ends with an
/// aggressive one (the large object heap included, free space decommitted) and answers the process's resident set, its managed heap and the open circuits: the memory a
/// signing circuit keeps, measured as a slope over many open pages.</item>
/// </list>
/// </summary>
public static class BenchmarkEndpoint
{
    public const string Path = "/bench/fixed-json";
    public const int MaxBytes = 8 * 1024 * 1024;
    public const string DiscardPath = "/bench/discard-upload";
    public const string GcPath = "/bench/gc";

    private const string Head = "{\"padding\":\"";
    private const string Tail = "\"}";
    private static readonly ConcurrentDictionary<int, byte[]> Bodies = new();

    public static void MapBenchmarkEndpoint(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<ESignOptions>>().Value.Testing.BenchmarkEndpoint) return;
        app.MapGet(Path, (int? bytes) =>
                bytes is { } n && n >= Head.Length + Tail.Length && n <= MaxBytes
                    ? Results.Bytes(Body(n), "application/json; charset=utf-8")
                    : Results.BadRequest($"bytes must be between {Head.Length + Tail.Length} and {MaxBytes}."))
            .ExcludeFromDescription();
        app.MapPost(DiscardPath, async (HttpRequest request, Storage.DataPaths paths, CancellationToken ct) =>
            {
                Api.UploadForm form;
                try { form = await Api.UploadForm.ReadAsync(request, paths, "file", ct); }
                catch (Domain.AppException ex) { return Results.BadRequest(ex.Message); }
                await using var _ = form;
                if (form.FilePath is null) return Results.BadRequest("The field file is required.");
                return Results.Json(new { bytes = new FileInfo(form.FilePath).Length });
            })
            .DisableAntiforgery()
            .ExcludeFromDescription();
        app.MapPost(GcPath, (CircuitCount circuits) =>
            {
                // A forced full collection, then the finalizers it queued, then the LAST collection before the RSS read
                // is the aggressive one: blocking, compacting (large object heap included) and decommitting free space,
                // so the resident set is what live objects need, not what an earlier collection's budget re-committed.
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                using var self = System.Diagnostics.Process.GetCurrentProcess();
                return Results.Json(new
                {
                    rssBytes = self.WorkingSet64,
                    managedBytes = GC.GetTotalMemory(forceFullCollection: false),
                    committedBytes = GC.GetGCMemoryInfo(GCKind.Any).TotalCommittedBytes,
                    circuits = circuits.Open,
                    connected = circuits.Connected,
                    threads = self.Threads.Count,
                });
            })
            .DisableAntiforgery()
            .ExcludeFromDescription();
    }

    /// <summary><c>{"padding":"xxx…"}</c> of exactly <paramref name="size"/> bytes (a few sizes are kept).</summary>
    public static byte[] Body(int size)
    {
        if (Bodies.TryGetValue(size, out var cached)) return cached;
        var body = Encoding.ASCII.GetBytes(Head + new string('x', size - Head.Length - Tail.Length) + Tail);
        if (Bodies.Count < 16) Bodies.TryAdd(size, body);
        return body;
    }
}
