using System.IO.Compression;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Advanced;

namespace ESignWeb.Documents;

/// <summary>
/// Counts how many bytes each Flate/LZW-compressed stream of a PDF expands to, with a streaming decoder and a small
/// buffer (nothing is materialised), and refuses a file past a per-stream or a total limit: a "decompression bomb"
/// of a few MB that would expand to gigabytes when a viewer or PDFsharp decodes it.
/// </summary>
public sealed class StreamBudget(long perStreamLimit, long totalLimit)
{
    public const long DefaultPerStream = 256L * 1024 * 1024;
    public const long DefaultTotal = 1024L * 1024 * 1024;

    private readonly byte[] _buffer = new byte[64 * 1024];
    private long _total;

    public long TotalDecoded => _total;

    /// <summary>Decodes the leading run of Flate/LZW filters of <paramref name="dict"/>'s stream, counting bytes.</summary>
    public void Check(PdfDictionary dict)
    {
        if (dict.Stream is not { } stream) return;
        var filters = FiltersOf(dict);
        var decodable = filters.TakeWhile(f => f is "/FlateDecode" or "/Fl" or "/LZWDecode" or "/LZW").ToList();
        if (decodable.Count == 0) return;
        byte[] raw;
        try { raw = stream.Value; }
        catch (Exception) { return; } // PDFsharp could not even give the raw bytes: nothing to expand
        if (raw is null || raw.Length == 0) return;

        Stream decoded = new MemoryStream(raw, writable: false);
        foreach (var f in decodable)
            decoded = f is "/FlateDecode" or "/Fl" ? OpenFlate(decoded) : new LzwDecodeStream(decoded, EarlyChange(dict));
        long count = 0;
        using (decoded)
        {
            while (true)
            {
                int n;
                try { n = decoded.Read(_buffer, 0, _buffer.Length); }
                catch (InvalidDataException) { break; } // damaged data ends the stream here, as in viewers
                if (n <= 0) break;
                count += n;
                _total += n;
                if (count > perStreamLimit)
                    throw PdfRefusal.Unsafe($"a compressed stream in it expands to more than {Mb(perStreamLimit)}.");
                if (_total > totalLimit)
                    throw PdfRefusal.Unsafe($"its compressed streams expand to more than {Mb(totalLimit)} in total.");
            }
        }
    }

    private static Stream OpenFlate(Stream input)
    {
        // PDF's FlateDecode is zlib (RFC 1950); some writers omit the 2-byte header, which raw deflate then reads.
        if (input is MemoryStream ms && ms.Length >= 2)
        {
            var b0 = ms.ReadByte();
            var b1 = ms.ReadByte();
            ms.Position = 0;
            var zlibHeader = (b0 & 0x0F) == 8 && ((b0 << 8) | b1) % 31 == 0;
            if (!zlibHeader) return new DeflateStream(input, CompressionMode.Decompress);
        }
        return new ZLibStream(input, CompressionMode.Decompress);
    }

    private static List<string> FiltersOf(PdfDictionary dict)
    {
        var item = dict.Elements["/Filter"];
        if (item is PdfReference r) item = r.Value;
        return item switch
        {
            PdfName n => [n.Value],
            PdfArray a => a.Elements.Select(e => (e is PdfReference rr ? rr.Value : e) is PdfName n ? n.Value : "?").ToList(),
            _ => [],
        };
    }

    private static int EarlyChange(PdfDictionary dict)
    {
        var parms = dict.Elements["/DecodeParms"];
        if (parms is PdfReference r) parms = r.Value;
        if (parms is PdfArray a) parms = a.Elements.Count > 0 ? a.Elements[0] : null;
        if (parms is PdfReference r2) parms = r2.Value;
        return parms is PdfDictionary d && d.Elements["/EarlyChange"] is PdfInteger i ? i.Value : 1;
    }

    internal static string Mb(long bytes) => bytes >= 1024L * 1024 * 1024 && bytes % (1024L * 1024 * 1024) == 0
        ? $"{bytes / (1024L * 1024 * 1024)} GB"
        : $"{bytes / (1024 * 1024)} MB";
}

/// <summary>A streaming PDF LZWDecode (9–12 bit codes, clear 256, end 257, EarlyChange), for counting only.</summary>
internal sealed class LzwDecodeStream(Stream input, int earlyChange) : Stream
{
    private readonly int[] _prefix = new int[4096];
    private readonly byte[] _suffix = new byte[4096];
    private readonly byte[] _first = new byte[4096];
    private readonly byte[] _pending = new byte[4096];
    private int _pendingStart, _pendingEnd;
    private int _next = 258, _width = 9, _previous = -1;
    private int _bitBuffer, _bitCount;
    private bool _ended;

    public override int Read(byte[] buffer, int offset, int count)
    {
        var written = 0;
        while (written < count)
        {
            if (_pendingStart < _pendingEnd)
            {
                var n = Math.Min(count - written, _pendingEnd - _pendingStart);
                Array.Copy(_pending, _pendingStart, buffer, offset + written, n);
                _pendingStart += n;
                written += n;
                continue;
            }
            if (_ended || !DecodeOne()) { _ended = true; break; }
        }
        return written;
    }

    private bool DecodeOne()
    {
        while (_bitCount < _width)
        {
            var b = input.ReadByte();
            if (b < 0) return false;
            _bitBuffer = (_bitBuffer << 8) | b;
            _bitCount += 8;
        }
        var code = (_bitBuffer >> (_bitCount - _width)) & ((1 << _width) - 1);
        _bitCount -= _width;
        _bitBuffer &= (1 << _bitCount) - 1;
        if (code == 256) { _next = 258; _width = 9; _previous = -1; return true; }
        if (code == 257) return false;

        int emitCode;
        if (code < 256 || code < _next) emitCode = code;
        else if (code == _next && _previous >= 0) emitCode = -1; // KwKwK
        else throw new InvalidDataException("LZW code out of range.");

        byte first;
        _pendingStart = _pendingEnd = 4096;
        if (emitCode >= 0)
        {
            for (var c = emitCode; ; c = _prefix[c])
            {
                _pending[--_pendingStart] = c < 256 ? (byte)c : _suffix[c];
                if (c < 256) break;
            }
            first = _pending[_pendingStart];
        }
        else
        {
            first = FirstOf(_previous);
            _pending[--_pendingStart] = first;
            for (var c = _previous; ; c = _prefix[c])
            {
                _pending[--_pendingStart] = c < 256 ? (byte)c : _suffix[c];
                if (c < 256) break;
            }
        }
        if (_previous >= 0 && _next < 4096)
        {
            _prefix[_next] = _previous;
            _suffix[_next] = first;
            _first[_next] = FirstOf(_previous);
            _next++;
        }
        if (_next + earlyChange >= (1 << _width) && _width < 12) _width++;
        _previous = code;
        return true;
    }

    private byte FirstOf(int code) => code < 256 ? (byte)code : _first[code];

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) input.Dispose();
        base.Dispose(disposing);
    }
}
