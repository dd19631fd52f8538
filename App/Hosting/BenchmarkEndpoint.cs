using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Options;

namespace ESignWeb.Hosting;

/// <summary>
/// The bare baseline of the API benchmark (<c>bench/wrk/run.sh</c>): <c>GET /bench/fixed-json?bytes=N</c> answers
/// exactly N bytes of fixed, valid JSON, built once per size, through the same Kestrel and middleware as the API but
/// with no authentication, rate limiting, database or serialization. Mapped only when
/// <c>ESign:Testing:BenchmarkEndpoint</c> is true.
/// </summary>
public static class BenchmarkEndpoint
{
    public const string Path = "/bench/fixed-json";
    public const int MaxBytes = 8 * 1024 * 1024;

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
