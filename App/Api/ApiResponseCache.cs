using System.Text.Json;
using ESignWeb.Data;
using Microsoft.Extensions.Caching.Memory;

namespace ESignWeb.Api;

/// <summary>
/// Serialized API answers kept by key (a user's pending list) until the next write to the database
/// (<see cref="DataVersion"/>): a hit writes the kept bytes, a miss builds the answer, serializes it with
/// <see cref="ApiJson.Options"/> and keeps it. The bytes are exactly what <see cref="ApiJson.Ok"/> would write.
/// At most 64 MiB in all; an answer unused for 10 minutes is dropped.
/// </summary>
public sealed class ApiResponseCache(DataVersion dataVersion) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 64L * 1024 * 1024 });

    private sealed record Entry(long Version, byte[] Json);

    public async Task<IResult> JsonAsync(string key, Func<CancellationToken, Task<object>> build, CancellationToken ct)
    {
        var version = dataVersion.Current; // read before the database: a write after it makes what we build stale
        if (!_cache.TryGetValue(key, out Entry? entry) || entry!.Version != version)
        {
            var value = await build(ct);
            entry = new Entry(version, JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), ApiJson.Options));
            _cache.Set(key, entry, new MemoryCacheEntryOptions { Size = entry.Json.Length, SlidingExpiration = TimeSpan.FromMinutes(10) });
        }
        return Results.Bytes(entry.Json, "application/json; charset=utf-8");
    }

    public void Dispose() => _cache.Dispose();
}
