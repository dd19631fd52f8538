using ESignWeb.Domain;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Content;
using PdfSharp.Pdf.Content.Objects;

namespace ESignWeb.Sealing;

/// <summary>
/// Takes the text of a document's text tags out of the sealed PDF: the glyphs are removed from the page's content
/// stream (not painted over), so neither a reader nor <c>pdftotext</c> finds them. Within each BT…ET block the strings
/// shown by Tj, TJ, ' and " are read as one-byte codes (simple fonts: standard 14, Type1, TrueType, with WinAnsi,
/// Standard or any encoding where the tag's characters are ASCII), tags are found with <see cref="TextTagGrammar"/>
/// (also across several operators), and each removed glyph is replaced by a TJ adjustment of exactly its advance
/// (font widths from /Widths, else the standard 14 metrics), so the rest of the line stays where it was.
/// A tag that cannot be removed this way (a composite or Type3 font, text in a form XObject, an unreadable content
/// stream) is covered with a white box instead and returned, for the audit trail.
/// </summary>
public static class TextTagEraser
{
    /// <returns>The tags that were covered, not removed.</returns>
    public static List<TextTag> Erase(PdfDocument doc, IReadOnlyList<TextTag> tags)
    {
        var covered = new List<TextTag>();
        foreach (var group in tags.GroupBy(t => t.Page))
        {
            if (group.Key < 1 || group.Key > doc.PageCount) continue;
            var page = doc.Pages[group.Key - 1];
            var removed = new List<string>();
            try
            {
                var content = ContentReader.ReadContent(page);
                removed = EraseIn(content, new Fonts(page));
                if (removed.Count > 0) page.Contents.ReplaceContent(content);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                removed.Clear(); // the page keeps its content; every tag on it is covered
            }
            var left = group.ToList();
            foreach (var text in removed)
                if (left.FindIndex(t => t.Text == text) is var i and >= 0) left.RemoveAt(i);
            if (left.Count == 0) continue;
            Cover(page, left);
            covered.AddRange(left);
        }
        return covered;
    }

    private static void Cover(PdfPage page, List<TextTag> tags)
    {
        using var g = XGraphics.FromPdfPage(page, XGraphicsPdfPageOptions.Append);
        var height = page.Height.Point;
        foreach (var t in tags)
            g.DrawRectangle(XBrushes.White, new XRect(t.Glyphs.X, height - t.Glyphs.Top, t.Glyphs.Width, t.Glyphs.Height));
    }

    /// <summary>One string shown in a text block, and the text state it was shown with.</summary>
    private sealed class Shown(COperator op, int element, CString text, Fonts.Font? font, double size, double charSpacing, double wordSpacing)
    {
        public COperator Op { get; } = op;
        /// <summary>Index in the TJ array; -1 for Tj, ' and ".</summary>
        public int Element { get; } = element;
        public CString Text { get; } = text;
        public Fonts.Font? Font { get; } = font;
        public double Size { get; } = size;
        public double CharSpacing { get; } = charSpacing;
        public double WordSpacing { get; } = wordSpacing;
        public SortedSet<int> Remove { get; } = [];
        public bool Usable => Font is not null && Size != 0 && Text.CStringType is CStringType.String or CStringType.HexString;
    }

    /// <summary>Removes every tag in <paramref name="content"/>; returns the text of each tag removed.</summary>
    internal static List<string> EraseIn(CSequence content, Fonts fonts)
    {
        var removed = new List<string>();
        var saved = new Stack<(string? Font, double Size, double Tc, double Tw)>();
        string? font = null;
        double size = 0, tc = 0, tw = 0;
        var block = new List<Shown>();
        var rewrites = new Dictionary<COperator, List<CObject>>();

        foreach (var item in content.ToList())
        {
            if (item is not COperator op) continue;
            var o = op.Operands;
            switch (op.Name)
            {
                case "q": saved.Push((font, size, tc, tw)); break;
                case "Q": if (saved.Count > 0) (font, size, tc, tw) = saved.Pop(); break;
                case "Tf" when o.Count == 2 && o[0] is CName name:
                    font = name.Name; size = Number(o[1]); break;
                case "Tc" when o.Count == 1: tc = Number(o[0]); break;
                case "Tw" when o.Count == 1: tw = Number(o[0]); break;
                case "BT": block.Clear(); break;
                case "ET":
                    removed.AddRange(EraseBlock(block, rewrites));
                    block.Clear();
                    break;
                case "Tj" or "'" when o.Count == 1 && o[0] is CString s:
                    block.Add(new Shown(op, -1, s, fonts.Get(font), size, tc, tw)); break;
                case "\"" when o.Count == 3 && o[2] is CString s:
                    tw = Number(o[0]); tc = Number(o[1]);
                    block.Add(new Shown(op, -1, s, fonts.Get(font), size, tc, tw)); break;
                case "TJ" when o.Count == 1 && o[0] is CArray array:
                    for (var i = 0; i < array.Count; i++)
                        if (array[i] is CString part) block.Add(new Shown(op, i, part, fonts.Get(font), size, tc, tw));
                    break;
            }
        }
        foreach (var (op, replacement) in rewrites)
        {
            var at = content.IndexOf(op);
            content.RemoveAt(at);
            for (var i = replacement.Count - 1; i >= 0; i--) content.Insert(at, replacement[i]);
        }
        return removed;
    }

    private static IEnumerable<string> EraseBlock(List<Shown> block, Dictionary<COperator, List<CObject>> rewrites)
    {
        var text = new System.Text.StringBuilder();
        var where = new List<(Shown Shown, int Byte)>();
        foreach (var s in block)
        {
            if (!s.Usable)
            {
                text.Append('\0'); // a tag never spans a string we cannot read
                where.Add((s, -1));
                continue;
            }
            for (var b = 0; b < s.Text.Value.Length; b++)
            {
                text.Append(s.Text.Value[b]);
                where.Add((s, b));
            }
        }
        var found = TextTagGrammar.Find(text.ToString());
        if (found.Count == 0) yield break;
        foreach (var m in found)
            for (var c = m.Start; c < m.Start + m.Length; c++)
                where[c].Shown.Remove.Add(where[c].Byte);
        foreach (var group in block.Where(s => s.Remove.Count > 0).GroupBy(s => s.Op))
            rewrites[group.Key] = Rewrite(group.Key, group.ToList());
        foreach (var m in found) yield return text.ToString(m.Start, m.Length);
    }

    /// <summary>The operators that replace <paramref name="op"/>: the same text less the removed bytes, as a TJ.</summary>
    private static List<CObject> Rewrite(COperator op, List<Shown> changed)
    {
        var array = new CArray();
        if (op.Name == "TJ" && op.Operands[0] is CArray original)
        {
            for (var i = 0; i < original.Count; i++)
            {
                var s = changed.FirstOrDefault(x => x.Element == i);
                if (s is null) array.Add(original[i]);
                else AddPieces(array, s);
            }
        }
        else AddPieces(array, changed[0]);
        var tj = OpCodes.OperatorFromName("TJ");
        tj.Operands.Add(array);
        var result = new List<CObject>();
        if (op.Name == "\"")
        {
            result.Add(Operator("Tw", op.Operands[0]));
            result.Add(Operator("Tc", op.Operands[1]));
        }
        if (op.Name is "'" or "\"") result.Add(OpCodes.OperatorFromName("T*"));
        result.Add(tj);
        return result;
    }

    private static void AddPieces(CArray array, Shown s)
    {
        var value = s.Text.Value;
        var run = new System.Text.StringBuilder();
        double shift = 0;
        for (var b = 0; b <= value.Length; b++)
        {
            var drop = b < value.Length && s.Remove.Contains(b);
            if (b == value.Length || drop)
            {
                if (run.Length > 0)
                {
                    if (shift != 0) array.Add(new CReal { Value = shift });
                    shift = 0;
                    array.Add(new CString { Value = run.ToString(), CStringType = s.Text.CStringType });
                    run.Clear();
                }
                if (drop)
                {
                    int code = value[b] & 0xFF;
                    // TJ number n moves by −n/1000·Tfs·Th; a glyph advances by (w0/1000·Tfs + Tc + Tw)·Th.
                    shift -= s.Font!.Width(code) + (s.CharSpacing + (code == 32 ? s.WordSpacing : 0)) * 1000 / s.Size;
                }
            }
            else run.Append(value[b]);
        }
        if (shift != 0) array.Add(new CReal { Value = shift });
    }

    private static COperator Operator(string name, CObject operand)
    {
        var op = OpCodes.OperatorFromName(name);
        op.Operands.Add(operand);
        return op;
    }

    private static double Number(CObject o) => o switch
    {
        CInteger i => i.Value,
        CReal r => r.Value,
        _ => 0,
    };

    /// <summary>The simple fonts of a page's resources and their glyph widths (1/1000 of the font size).</summary>
    internal sealed class Fonts(PdfPage page)
    {
        private readonly Dictionary<string, Font?> known = [];

        public sealed class Font(Func<int, double> width)
        {
            public double Width(int code) => width(code);
        }

        public Font? Get(string? name)
        {
            if (name is null) return null;
            if (known.TryGetValue(name, out var f)) return f;
            return known[name] = Read(name);
        }

        private Font? Read(string name)
        {
            var dict = page.Resources.Elements.GetDictionary("/Font")?.Elements.GetDictionary(name);
            if (dict is null) return null;
            var subtype = dict.Elements.GetName("/Subtype");
            if (subtype is not ("/Type1" or "/TrueType" or "/MMType1")) return null; // Type0 (two-byte codes), Type3
            var widths = dict.Elements.GetArray("/Widths");
            if (widths is not null)
            {
                var first = dict.Elements.GetInteger("/FirstChar");
                var missing = dict.Elements.GetDictionary("/FontDescriptor")?.Elements.GetReal("/MissingWidth") ?? 0;
                var values = Enumerable.Range(0, widths.Elements.Count).Select(i => widths.Elements.GetReal(i)).ToArray();
                return new Font(code => code - first is var i && i >= 0 && i < values.Length ? values[i] : missing);
            }
            var baseFont = dict.Elements.GetName("/BaseFont").TrimStart('/');
            if (!UglyToad.PdfPig.Fonts.Standard14Fonts.Standard14.IsFontInStandard14(baseFont)) return null;
            var metrics = UglyToad.PdfPig.Fonts.Standard14Fonts.Standard14.GetAdobeFontMetrics(baseFont);
            var byCode = metrics.CharacterMetrics.Values.Where(m => m.CharacterCode >= 0)
                .GroupBy(m => m.CharacterCode).ToDictionary(g => g.Key, g => g.First().Width.X);
            return new Font(code => byCode.GetValueOrDefault(code, 0));
        }
    }
}
