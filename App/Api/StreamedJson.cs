using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using ESignWeb.Data;

namespace ESignWeb.Api;

/// <summary>
/// Whole lists written as they are read (docs/api.md "Lists"): a <see cref="ListSnapshot{T}"/>'s batches become JSON
/// items one batch at a time through a <see cref="Utf8JsonWriter"/> on the response's <see cref="PipeWriter"/>, flushed
/// (asynchronously: the writer never blocks on the socket) after each batch, so
/// memory stays at one batch whatever the list's length. Items are serialized with <see cref="ApiJson.Options"/>, so
/// each is byte for byte what <see cref="ApiJson.Ok"/> writes for it. A failure after the first bytes cannot become an
/// error answer any more: the connection is aborted (the client sees a broken body, never a shorter valid list).
/// </summary>
public static class StreamedJson
{
    /// <summary>Maps one batch of rows to the items the API writes (may read more rows from <see cref="ListSnapshot{T}.Db"/>).</summary>
    public delegate Task<IEnumerable<object>> Items<T>(ListSnapshot<T> list, List<T> batch, CancellationToken ct) where T : class;

    /// <summary>
    /// Writes the list: <c>{"count": N, "&lt;name&gt;": [items]}</c> when <paramref name="countedAs"/> is given (the
    /// SignEasy seed's list objects), else a bare array <c>[items]</c>.
    /// </summary>
    /// <param name="output">Where the bytes go: the response's <see cref="PipeWriter"/>, or a buffer to keep.</param>
    /// <param name="flush">Sends what <paramref name="output"/> holds (after each batch); null: nothing to send (a buffer).</param>
    public static async Task WriteAsync<T>(IBufferWriter<byte> output, Func<CancellationToken, ValueTask>? flush, ListSnapshot<T> list,
        string? countedAs, Items<T> items, CancellationToken ct) where T : class
    {
        await using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = ApiJson.Options.Encoder });
        if (countedAs is not null)
        {
            w.WriteStartObject();
            w.WriteNumber("count", list.Count);
            w.WritePropertyName(countedAs);
        }
        w.WriteStartArray();
        await foreach (var batch in list.BatchesAsync(ct))
        {
            foreach (var item in await items(list, batch, ct)) JsonSerializer.Serialize(w, item, item.GetType(), ApiJson.Options);
            w.Flush(); // into the buffer writer: no I/O
            if (flush is not null) await flush(ct);
        }
        w.WriteEndArray();
        if (countedAs is not null) w.WriteEndObject();
        w.Flush();
        if (flush is not null) await flush(ct);
    }

    /// <summary>An answer that streams the list and then disposes the snapshot.</summary>
    public static IResult Of<T>(ListSnapshot<T> list, string? countedAs, Items<T> items) where T : class => new Result<T>(list, countedAs, items);

    /// <summary>Opens the snapshot and streams it (the endpoints that keep no cache).</summary>
    public static async Task<IResult> OpenAsync<T>(Task<ListSnapshot<T>> open, string? countedAs, Items<T> items) where T : class =>
        Of(await open, countedAs, items);

    private sealed class Result<T>(ListSnapshot<T> list, string? countedAs, Items<T> items) : IResult where T : class
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            await using var _ = list;
            http.Response.ContentType = "application/json; charset=utf-8";
            var pipe = http.Response.BodyWriter;
            await WriteAsync(pipe, async token => await pipe.FlushAsync(token), list, countedAs, items, http.RequestAborted);
        }
    }
}
