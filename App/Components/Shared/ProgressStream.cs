namespace ESignWeb.Components.Shared;

/// <summary>
/// A read-only stream over another that reports how many bytes were read so far — how an upload streamed over the
/// circuit (<c>IBrowserFile.OpenReadStream</c>) shows its progress. Reports at most once per <see cref="Step"/> bytes
/// and once at the end, so a large file does not re-render the page for every buffer.
/// </summary>
public sealed class ProgressStream(Stream inner, Action<long> onProgress, long step = 256 * 1024) : Stream
{
    private long _read;
    private long _reported;

    public long Step { get; } = step;

    /// <summary>
    /// The step for a file of <paramref name="total"/> bytes: one whole percent, at least 256 KiB — so an upload
    /// re-renders its page at most about a hundred times whatever its size.
    /// </summary>
    public static long StepFor(long total) => Math.Max(256 * 1024, total / 100);

    /// <summary>A browser file streamed over the circuit (at most <paramref name="maxBytes"/> + 1, so an oversized file
    /// is detected by whoever reads it), reporting about once per percent.</summary>
    public static ProgressStream Open(Microsoft.AspNetCore.Components.Forms.IBrowserFile file, long maxBytes, Action<long> onProgress) =>
        new(file.OpenReadStream(maxBytes + 1), onProgress, StepFor(file.Size));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        Count(await inner.ReadAsync(buffer.AsMemory(offset, count), ct));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
        Count(await inner.ReadAsync(buffer, ct));

    private int Count(int n)
    {
        _read += n;
        if (n == 0 ? _reported != _read : _read - _reported >= Step)
        {
            _reported = _read;
            onProgress(_read);
        }
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>Whole percent of an upload sent (0 for an unknown size, never above 100).</summary>
public static class UploadPercent
{
    public static int Of(long sent, long total) => total <= 0 ? 0 : (int)Math.Clamp(sent * 100 / total, 0, 100);
}
