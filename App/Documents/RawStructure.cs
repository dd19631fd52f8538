using System.Text;
using System.Text.RegularExpressions;

namespace ESignWeb.Documents;

/// <summary>
/// Checks on the raw bytes, before PDFsharp reads anything: the cross-reference chain (startxref, then each section's
/// /Prev and /XRefStm) must not loop or point outside the file, and no stream may declare a /Length beyond the file.
/// PDFsharp follows a looping chain until memory runs out (the worker would be killed at its limit, but only after
/// seconds); these files are refused at once instead. Iterative and bounded: at most <see cref="MaxSections"/>
/// sections, a bounded window read per section, one forward scan of the file for /Length.
/// </summary>
public static partial class RawStructure
{
    public const int MaxSections = 10_000;
    private const int Window = 64 * 1024;
    private static readonly byte[] StartXref = "startxref"u8.ToArray();
    private static readonly byte[] Trailer = "trailer"u8.ToArray();
    private static readonly byte[] LengthKey = "/Length"u8.ToArray();

    public static void Check(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        CheckXrefChain(fs);
        CheckLengths(fs);
    }

    private static void CheckXrefChain(FileStream fs)
    {
        var length = fs.Length;
        var tail = Read(fs, Math.Max(0, length - 2048), 2048);
        var at = tail.AsSpan().LastIndexOf(StartXref);
        if (at < 0) return; // no chain to follow: PDFsharp rebuilds or refuses on its own
        if (!TryNumber(Latin1(tail, at + StartXref.Length, 40), out var first)) return;

        var visited = new HashSet<long>();
        var pending = new Stack<long>();
        pending.Push(first);
        while (pending.Count > 0)
        {
            var offset = pending.Pop();
            if (offset < 0 || offset >= length)
                throw PdfRefusal.Unsafe("its cross-reference chain points outside the file.");
            if (!visited.Add(offset))
                throw PdfRefusal.Unsafe("its cross-reference chain loops.");
            if (visited.Count > MaxSections)
                throw PdfRefusal.Unsafe($"its cross-reference chain has more than {MaxSections} sections.");
            foreach (var next in LinksOf(fs, offset)) pending.Push(next);
        }
    }

    /// <summary>The /Prev and /XRefStm offsets of the section at <paramref name="offset"/> (a table or an xref stream).</summary>
    private static IEnumerable<long> LinksOf(FileStream fs, long offset)
    {
        var head = Read(fs, offset, Window);
        var text = Latin1(head, 0, head.Length).TrimStart();
        string? dict = null;
        if (text.StartsWith("xref", StringComparison.Ordinal))
        {
            // A table: its trailer follows the entries (20 bytes each); search forward for it in bounded steps.
            var trailerAt = Find(fs, offset, Trailer, limit: 64L * 1024 * 1024);
            if (trailerAt >= 0) dict = OuterDictionary(Latin1(Read(fs, trailerAt, Window), 0, Window));
        }
        else if (ObjectHeader().IsMatch(text))
        {
            dict = OuterDictionary(text);
        }
        if (dict is null) yield break; // not a section: PDFsharp rebuilds the table or refuses
        foreach (Match m in Link().Matches(dict))
            yield return long.TryParse(m.Groups[2].Value, out var v) ? v : -1;
    }

    /// <summary>The first <c>&lt;&lt; … &gt;&gt;</c> of <paramref name="text"/>, nested dictionaries included, and nothing after it
    /// (so a later section's keys are never read as this one's).</summary>
    private static string? OuterDictionary(string text)
    {
        var start = text.IndexOf("<<", StringComparison.Ordinal);
        if (start < 0) return null;
        var depth = 0;
        for (var i = start; i + 1 < text.Length; i++)
        {
            if (text[i] == '<' && text[i + 1] == '<') { depth++; i++; }
            else if (text[i] == '>' && text[i + 1] == '>') { depth--; i++; if (depth == 0) return text[start..(i + 1)]; }
        }
        return null; // not closed within the window: nothing to follow
    }

    /// <summary>Every direct <c>/Length n</c> must be a byte count the file can hold.</summary>
    private static void CheckLengths(FileStream fs)
    {
        var length = fs.Length;
        fs.Position = 0;
        var buffer = new byte[1 << 16];
        long baseOffset = 0;
        var keep = 0;
        while (true)
        {
            var n = fs.Read(buffer, keep, buffer.Length - keep);
            var filled = keep + n;
            if (filled == 0) break;
            var span = buffer.AsSpan(0, filled);
            var searchFrom = 0;
            while (true)
            {
                var i = span[searchFrom..].IndexOf(LengthKey);
                if (i < 0) break;
                i += searchFrom;
                var after = i + LengthKey.Length;
                if (after + 32 > filled && n > 0) break; // finish this one with the next chunk
                var value = Latin1(buffer, after, Math.Min(32, filled - after));
                var m = DirectLength().Match(value);
                if (m.Success && (m.Groups[1].Value.StartsWith('-') || !long.TryParse(m.Groups[1].Value, out var declared) || declared > length))
                    throw PdfRefusal.Unsafe("a stream in it declares a length beyond the end of the file.");
                searchFrom = after;
            }
            if (n == 0) break;
            // Keep the last bytes so a key split across chunks is seen whole.
            keep = Math.Min(LengthKey.Length + 32, filled);
            Array.Copy(buffer, filled - keep, buffer, 0, keep);
            baseOffset += filled - keep;
        }
    }

    private static long Find(FileStream fs, long from, byte[] needle, long limit)
    {
        var buffer = new byte[1 << 16];
        for (var pos = from; pos < Math.Min(fs.Length, from + limit); pos += buffer.Length - needle.Length)
        {
            var chunk = Read(fs, pos, buffer.Length);
            var i = chunk.AsSpan().IndexOf(needle);
            if (i >= 0) return pos + i;
            if (chunk.Length < buffer.Length) break;
        }
        return -1;
    }

    private static byte[] Read(FileStream fs, long offset, int count)
    {
        fs.Position = offset;
        var buffer = new byte[(int)Math.Max(0, Math.Min(count, fs.Length - offset))];
        fs.ReadExactly(buffer);
        return buffer;
    }

    private static string Latin1(byte[] bytes, int start, int count) =>
        Encoding.Latin1.GetString(bytes, start, Math.Max(0, Math.Min(count, bytes.Length - start)));

    private static bool TryNumber(string text, out long value)
    {
        var m = Number().Match(text);
        value = 0;
        return m.Success && long.TryParse(m.Value, out value);
    }

    [GeneratedRegex(@"^\s*-?\d+")]
    private static partial Regex Number();

    [GeneratedRegex(@"^\d+\s+\d+\s+obj\b")]
    private static partial Regex ObjectHeader();

    [GeneratedRegex(@"/(Prev|XRefStm)\s+(-?\d+)")]
    private static partial Regex Link();

    /// <summary>A direct length right after the key (not an indirect reference <c>n g R</c>, not /Length1).</summary>
    [GeneratedRegex(@"^\s+(-?\d+)(?!\s+\d+\s+R)(?=[\s/>\]])")]
    private static partial Regex DirectLength();
}
