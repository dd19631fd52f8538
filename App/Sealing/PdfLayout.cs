using PdfSharp.Drawing;
using PdfSharp.Drawing.Layout;
using PdfSharp.Pdf;

namespace ESignWeb.Sealing;

/// <summary>A tiny flowing layout for report pages (audit trail, certificate page): lines, wrapped text, images.</summary>
public sealed class PdfLayout : IDisposable
{
    private const double Margin = 50;
    private readonly PdfDocument _doc;
    private readonly string _footer;
    private XGraphics? _g;
    private PdfPage? _page;
    private double _y;
    private int _pages;

    public PdfLayout(PdfDocument doc, string footer)
    {
        _doc = doc;
        _footer = footer;
        NewPage();
    }

    private double Width => _page!.Width.Point - 2 * Margin;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(double, bool), XFont> Fonts = new();

    public static XFont Font(double size, bool bold = false) =>
        Fonts.GetOrAdd((size, bold), k => new XFont(SealingFonts.Sans, k.Item1, k.Item2 ? XFontStyleEx.Bold : XFontStyleEx.Regular));

    public void Title(string text)
    {
        Text(text, Font(18, bold: true));
        Space(6);
    }

    public void Heading(string text)
    {
        Space(8);
        Text(text, Font(12, bold: true));
        Rule();
    }

    public void Field(string label, string value, double labelWidth = 150)
    {
        var font = Font(9);
        var lines = Wrap(value, font, Width - labelWidth);
        Ensure(lines.Count * 12 + 2);
        _g!.DrawString(label, Font(9, bold: true), XBrushes.DimGray, new XRect(Margin, _y, labelWidth, 12), XStringFormats.TopLeft);
        foreach (var line in lines)
        {
            _g.DrawString(line, font, XBrushes.Black, new XRect(Margin + labelWidth, _y, Width - labelWidth, 12), XStringFormats.TopLeft);
            _y += 12;
        }
        _y += 2;
    }

    public void Text(string text, XFont? font = null, XBrush? brush = null)
    {
        font ??= Font(9);
        var lineHeight = font.Size * 1.3;
        foreach (var line in Wrap(text, font, Width))
        {
            Ensure(lineHeight);
            _g!.DrawString(line, font, brush ?? XBrushes.Black, new XRect(Margin, _y, Width, lineHeight), XStringFormats.TopLeft);
            _y += lineHeight;
        }
    }

    public void Image(byte[] png, double maxWidth, double maxHeight, string? caption = null)
    {
        using var img = Signing.SignatureImage.TryOpen(png);
        if (img is null)
        {
            // Stored before images were checked and damaged: say so rather than fail the seal for ever.
            Ensure(14);
            if (caption is not null) _g!.DrawString(caption, Font(8), XBrushes.DimGray, new XRect(Margin, _y, 150, 12), XStringFormats.TopLeft);
            _g!.DrawString("[image unreadable]", Font(8), XBrushes.DimGray, new XRect(Margin + 150, _y, maxWidth, 12), XStringFormats.TopLeft);
            _y += 16;
            return;
        }
        var scale = Math.Min(maxWidth / img.PixelWidth, maxHeight / img.PixelHeight);
        double w = img.PixelWidth * scale, h = img.PixelHeight * scale;
        Ensure(h + 4);
        _g!.DrawRectangle(new XPen(XColors.LightGray, 0.5), Margin + 150, _y, maxWidth, h + 2);
        _g.DrawImage(img, Margin + 150, _y + 1, w, h);
        if (caption is not null) _g.DrawString(caption, Font(8), XBrushes.DimGray, new XRect(Margin, _y, 150, 12), XStringFormats.TopLeft);
        _y += h + 6;
    }

    public void Rule()
    {
        Ensure(6);
        _g!.DrawLine(new XPen(XColors.LightGray, 0.5), Margin, _y + 2, Margin + Width, _y + 2);
        _y += 6;
    }

    public void Space(double points) => _y += points;

    private List<string> Wrap(string text, XFont font, double width)
    {
        // Each word is measured once; a line's width is the sum of its words and spaces (close enough for layout).
        var lines = new List<string>();
        var space = _g!.MeasureString(" ", font).Width;
        foreach (var paragraph in (text ?? "").Split('\n'))
        {
            var current = new System.Text.StringBuilder();
            var currentWidth = 0.0;
            foreach (var raw in paragraph.Split(' '))
            {
                var word = raw;
                var w = _g.MeasureString(word, font).Width;
                if (current.Length > 0 && currentWidth + space + w <= width)
                {
                    current.Append(' ').Append(word);
                    currentWidth += space + w;
                    continue;
                }
                if (current.Length > 0) lines.Add(current.ToString());
                current.Clear();
                // A single word longer than the line (a hash, a user agent): break it by characters.
                while (word.Length > 1 && w > width)
                {
                    int lo = 1, hi = word.Length - 1;
                    while (lo < hi)
                    {
                        var mid = (lo + hi + 1) / 2;
                        if (_g.MeasureString(word[..mid], font).Width <= width) lo = mid; else hi = mid - 1;
                    }
                    lines.Add(word[..lo]);
                    word = word[lo..];
                    w = _g.MeasureString(word, font).Width;
                }
                current.Append(word);
                currentWidth = w;
            }
            lines.Add(current.ToString());
        }
        return lines;
    }

    private void Ensure(double height)
    {
        if (_y + height > _page!.Height.Point - Margin) NewPage();
    }

    private void NewPage()
    {
        _g?.Dispose();
        _page = _doc.AddPage();
        _page.Width = XUnit.FromPoint(595.28);
        _page.Height = XUnit.FromPoint(841.89);
        _g = XGraphics.FromPdfPage(_page);
        _pages++;
        _g.DrawString($"{_footer} · page {_pages}", Font(7), XBrushes.Gray,
            new XRect(Margin, _page.Height.Point - Margin + 16, Width, 10), XStringFormats.TopLeft);
        _y = Margin;
    }

    public void Dispose() => _g?.Dispose();
}
