using ESignWeb.Domain;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;

namespace ESignWeb.Documents;

/// <summary>
/// Finds Box Sign text tags (<see cref="TextTagGrammar"/>) in a PDF's text with PdfPig, which reads each glyph's
/// position. Runs only inside the inspection worker (<see cref="PdfInspector"/>), on a file that already passed every
/// other check: a file PdfPig cannot read simply has no tags (it was accepted on PDFsharp's terms, not PdfPig's).
/// </summary>
public static class TextTagDetector
{
    /// <param name="deadlineUtc">Stop reading pages at this time (the worker's own deadline is near): reading the text of
    /// every page costs about 15–20 ms a page (measured: 1.6 s for 93 pages, 1.9 s for 111, on a loaded machine), and a
    /// large document must still be accepted. <paramref name="partial"/> then says that later pages were not read.</param>
    public static List<TextTag> Detect(string path, IReadOnlyList<PageGeometry> geometry, DateTime? deadlineUtc = null) =>
        Detect(path, geometry, deadlineUtc, out _);

    public static List<TextTag> Detect(string path, IReadOnlyList<PageGeometry> geometry, DateTime? deadlineUtc, out bool partial)
    {
        var tags = new List<TextTag>();
        partial = false;
        try
        {
            using var pdf = PdfDocument.Open(path, new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true });
            foreach (var page in pdf.GetPages())
            {
                if (page.Number > geometry.Count) break;
                if (deadlineUtc is { } deadline && DateTime.UtcNow > deadline)
                {
                    partial = true;
                    break;
                }
                tags.AddRange(OnPage(page.Letters, page.Number, geometry[page.Number - 1]));
                if (tags.Count >= TextTagGrammar.MaxTags) return tags.Take(TextTagGrammar.MaxTags).ToList();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return []; // unreadable text: no tags (the file itself was accepted)
        }
        return tags;
    }

    /// <summary>The tags in one page's letters (content order; a tag may span several text-showing operators).</summary>
    public static IEnumerable<TextTag> OnPage(IReadOnlyList<Letter> letters, int pageNumber, PageGeometry geometry)
    {
        var text = new System.Text.StringBuilder();
        var owner = new List<int>(); // for each character of text, the index of its letter
        for (var i = 0; i < letters.Count; i++)
            foreach (var ch in letters[i].Value ?? "")
            {
                text.Append(ch);
                owner.Add(i);
            }
        foreach (var m in TextTagGrammar.Find(text.ToString()))
        {
            var mine = Enumerable.Range(m.Start, m.Length).Select(c => owner[c]).Distinct().Select(i => letters[i]).ToList();
            if (Box(mine) is not { } glyphs) continue;
            yield return new TextTag(m.Type, m.Signer, m.Id, pageNumber, TextTagGrammar.FieldFor(glyphs, geometry), glyphs,
                text.ToString(m.Start, m.Length));
        }
    }

    /// <summary>The glyphs' box in user space; null unless they are upright and on one baseline.</summary>
    private static PdfRect? Box(List<Letter> mine)
    {
        if (mine.Count == 0 || mine.Any(l => l.TextOrientation != TextOrientation.Horizontal)) return null;
        var size = Math.Max(mine.Max(l => l.PointSize), 1);
        var baseline = mine[0].StartBaseLine.Y;
        if (mine.Any(l => Math.Abs(l.StartBaseLine.Y - baseline) > size / 2)) return null;
        double left = mine.Min(l => Math.Min(l.StartBaseLine.X, l.GlyphRectangle.Left));
        double right = mine.Max(l => Math.Max(l.EndBaseLine.X, l.GlyphRectangle.Right));
        double bottom = Math.Min(baseline - 0.25 * size, mine.Min(l => l.GlyphRectangle.Bottom));
        double top = Math.Max(baseline + 0.85 * size, mine.Max(l => l.GlyphRectangle.Top));
        if (!(right > left) || !(top > bottom) || !double.IsFinite(right - left) || !double.IsFinite(top - bottom)) return null;
        return new PdfRect(left, bottom, right - left, top - bottom);
    }
}
