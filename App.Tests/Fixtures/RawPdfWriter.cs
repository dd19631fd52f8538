using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace ESignWeb.Tests.Fixtures;

/// <summary>
/// Writes raw PDF syntax byte by byte, remembering where each object starts, so cross-reference tables and
/// streams come out exact — or, on purpose, wrong. Used by <see cref="HostileCorpus"/>; nothing here validates.
/// </summary>
public sealed class RawPdfWriter
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly MemoryStream _out = new();
    private readonly SortedDictionary<int, long> _offsets = new();
    private readonly SortedDictionary<int, (int Stream, int Index)> _compressed = new();

    public RawPdfWriter(string version = "1.7")
    {
        Raw($"%PDF-{version}\n%\u00e2\u00e3\u00cf\u00d3\n");
    }

    public long Position => _out.Position;

    /// <summary>Where object <paramref name="number"/> was written (0 when it was not).</summary>
    public long OffsetOf(int number) => _offsets.GetValueOrDefault(number);

    public RawPdfWriter Raw(string text) => Raw(Encoding.Latin1.GetBytes(text));

    public RawPdfWriter Raw(byte[] bytes)
    {
        _out.Write(bytes);
        return this;
    }

    /// <summary><c>N 0 obj body endobj</c>.</summary>
    public RawPdfWriter Obj(int number, string body) => Obj(number, Encoding.Latin1.GetBytes(body));

    public RawPdfWriter Obj(int number, byte[] body)
    {
        _offsets[number] = _out.Position;
        Raw($"{number} 0 obj\n");
        Raw(body);
        return Raw("\nendobj\n");
    }

    /// <summary>A stream object: <paramref name="dict"/> is the dictionary's inside; <c>/Length</c> is added (exact) unless
    /// <paramref name="length"/> gives the text to write instead (a lie, an indirect reference, …).</summary>
    public RawPdfWriter Stream(int number, string dict, byte[] data, string? length = null)
    {
        var body = new MemoryStream();
        body.Write(Encoding.Latin1.GetBytes($"<< {dict} /Length {length ?? data.Length.ToString(Inv)} >>\nstream\n"));
        body.Write(data);
        body.Write("\nendstream"u8);
        return Obj(number, body.ToArray());
    }

    /// <summary>A Flate-compressed stream object (<paramref name="layers"/> times, <c>/Filter</c> written to match).</summary>
    public RawPdfWriter FlateStream(int number, string dict, byte[] data, int layers = 1)
    {
        for (var i = 0; i < layers; i++) data = Flate(data);
        return Stream(number, $"{dict} /Filter {FlateFilter(layers)}", data);
    }

    public static string FlateFilter(int layers) =>
        layers == 1 ? "/FlateDecode" : "[" + string.Join(' ', Enumerable.Repeat("/FlateDecode", layers)) + "]";

    /// <summary>
    /// An object stream (<c>/Type /ObjStm</c>, Flate) holding the given objects; they are recorded as compressed, so
    /// only <see cref="XrefStream"/> can point at them.
    /// </summary>
    public RawPdfWriter ObjectStream(int number, params (int Number, string Body)[] objects) =>
        ObjectStream(number, objects.Select(o => (o.Number, Encoding.Latin1.GetBytes(o.Body))).ToArray());

    public RawPdfWriter ObjectStream(int number, (int Number, byte[] Body)[] objects)
    {
        var header = new StringBuilder();
        var bodies = new MemoryStream();
        for (var i = 0; i < objects.Length; i++)
        {
            header.Append(Inv, $"{objects[i].Number} {bodies.Position} ");
            bodies.Write(objects[i].Body);
            bodies.Write("\n"u8);
            _compressed[objects[i].Number] = (number, i);
        }
        var head = Encoding.ASCII.GetBytes(header.ToString());
        var data = head.Concat(bodies.ToArray()).ToArray();
        return FlateStream(number, $"/Type /ObjStm /N {objects.Length} /First {head.Length}", data);
    }

    /// <summary>A classic table covering objects 0…max (gaps free), then <c>trailer</c>; returns the table's offset.
    /// Does not write <c>startxref</c> (see <see cref="StartXref"/>).</summary>
    public long XrefTable(string trailer, int? size = null)
    {
        var at = _out.Position;
        var max = _offsets.Count == 0 ? 0 : _offsets.Keys.Max();
        var sb = new StringBuilder($"xref\n0 {max + 1}\n0000000000 65535 f \n");
        for (var n = 1; n <= max; n++)
            sb.Append(_offsets.TryGetValue(n, out var o) ? $"{o:D10} 00000 n \n" : "0000000000 65535 f \n");
        sb.Append(Inv, $"trailer\n<< /Size {size ?? max + 1} {trailer} >>\n");
        Raw(sb.ToString());
        return at;
    }

    /// <summary>An incremental-update table listing only <paramref name="numbers"/> (one subsection each).</summary>
    public long XrefSection(IEnumerable<int> numbers, string trailer)
    {
        var at = _out.Position;
        var sb = new StringBuilder("xref\n");
        foreach (var n in numbers) sb.Append(Inv, $"{n} 1\n{_offsets[n]:D10} 00000 n \n");
        var size = _offsets.Keys.Concat(_compressed.Keys).Max() + 1;
        sb.Append(Inv, $"trailer\n<< /Size {size} {trailer} >>\n");
        Raw(sb.ToString());
        return at;
    }

    /// <summary>A cross-reference stream (object <paramref name="number"/>) for every object written so far, compressed
    /// ones included; <paramref name="dict"/> carries /Root, /Prev, …. Returns its offset.</summary>
    public long XrefStream(int number, string dict)
    {
        var at = _out.Position;
        _offsets[number] = at;
        var max = _offsets.Keys.Concat(_compressed.Keys).Max();
        var rows = new MemoryStream();
        for (var n = 0; n <= max; n++)
        {
            if (_offsets.TryGetValue(n, out var o)) Row(rows, 1, o, 0);
            else if (_compressed.TryGetValue(n, out var c)) Row(rows, 2, c.Stream, c.Index);
            else Row(rows, 0, 0, n == 0 ? 65535 : 0);
        }
        _offsets.Remove(number); // FlateStream records it again at the same offset
        FlateStream(number, $"/Type /XRef /Size {max + 1} /W [1 4 2] {dict}", rows.ToArray());
        return at;
    }

    private static void Row(Stream rows, int type, long field2, int field3)
    {
        rows.WriteByte((byte)type);
        rows.WriteByte((byte)(field2 >> 24)); rows.WriteByte((byte)(field2 >> 16));
        rows.WriteByte((byte)(field2 >> 8)); rows.WriteByte((byte)field2);
        rows.WriteByte((byte)(field3 >> 8)); rows.WriteByte((byte)field3);
    }

    public RawPdfWriter StartXref(long offset) => Raw($"startxref\n{offset.ToString(Inv)}\n%%EOF\n");

    public byte[] ToArray() => _out.ToArray();

    public static byte[] Flate(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.SmallestSize, leaveOpen: true)) z.Write(data);
        return ms.ToArray();
    }

    /// <summary>One Flate layer over <paramref name="bytes"/> zero bytes, written in chunks (never whole in memory).</summary>
    public static byte[] FlateOfZeros(long bytes)
    {
        var chunk = new byte[1 << 20];
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.SmallestSize, leaveOpen: true))
            for (long left = bytes; left > 0; left -= chunk.Length) z.Write(chunk, 0, (int)Math.Min(chunk.Length, left));
        return ms.ToArray();
    }

    /// <summary>A page content stream that prints <paramref name="text"/> in Helvetica (font resource /F1).</summary>
    public static string PageText(string text) => $"BT /F1 24 Tf 72 700 Td ({text}) Tj ET\n";

    public const string Helvetica = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";
}
