using System.Text.Json;
using ESignWeb.Data;
using Microsoft.Extensions.Caching.Memory;

namespace ESignWeb.Api;

/// <summary>
/// Serialized API lists kept by key (a user's pending list) until the next write to the database
/// (<see cref="DataVersion"/>): a hit writes the kept bytes, a miss reads the list and keeps what it wrote. Items
/// are serialized with <see cref="ApiJson.Options"/>, exactly as <see cref="ApiJson.Ok"/> would write them.
/// At most 64 MiB in all; an answer unused for 10 minutes is dropped. A list longer than
/// <see cref="MaxCachedItems"/> is never kept: it is streamed from the database every time (<see cref="StreamedJson"/>),
/// so no answer in memory grows with the list (docs/architecture.md "Lists that never lie").
/// </summary>
public sealed class ApiResponseCache(DataVersion dataVersion) : IDisposable
{
    /// <summary>The longest list whose answer is kept (about 1–2 MiB of JSON for pending files).</summary>
    public const int MaxCachedItems = 1000;

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 64L * 1024 * 1024 });

    private sealed record Entry(long Version, byte[] Json);

    /// <summary>
    /// A whole list (<see cref="StreamedJson"/>'s shape): the kept bytes when they are current; else the list is read
    /// as a snapshot and, when it has at most <see cref="MaxCachedItems"/> items, written once into memory and kept,
    /// or, when longer, streamed to the client and not kept.
    /// </summary>
    public async Task<IResult> ListAsync<T>(string key, Func<CancellationToken, Task<ListSnapshot<T>>> open, string? countedAs,
        StreamedJson.Items<T> items, CancellationToken ct) where T : class
    {
        var version = dataVersion.Current;
        if (_cache.TryGetValue(key, out Entry? entry) && entry!.Version == version)
            return Results.Bytes(entry.Json, "application/json; charset=utf-8");
        var list = await open(ct);
        if (list.Count > MaxCachedItems) return StreamedJson.Of(list, countedAs, items);
        await using (list)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            await StreamedJson.WriteAsync(buffer, null, list, countedAs, items, ct);
            entry = Keep(key, version, buffer.WrittenSpan.ToArray());
        }
        return Results.Bytes(entry.Json, "application/json; charset=utf-8");
    }

    private Entry Keep(string key, long version, byte[] json)
    {
        var entry = new Entry(version, json);
        _cache.Set(key, entry, new MemoryCacheEntryOptions { Size = json.Length, SlidingExpiration = TimeSpan.FromMinutes(10) });
        return entry;
    }

    public void Dispose() => _cache.Dispose();
}
