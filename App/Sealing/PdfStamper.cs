using ESignWeb.Domain;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace ESignWeb.Sealing;

/// <summary>One value to draw: where (PDF user space, 1-based page), what kind, and the text or image.</summary>
/// <param name="FontSize">Largest font size for text (a template's merge value may ask for one); still shrunk to fit.</param>
public sealed record StampItem(int PageNumber, PdfRect Rect, FieldType Type, string? Text = null, byte[]? Image = null,
    bool HandwritingFont = false, double? FontSize = null);

/// <summary>
/// Draws filled-in values onto pages at their exact rectangles, as flat page content. Positions are PDF user space;
/// on pages with /Rotate the content is turned so that it reads upright as the page is shown.
/// </summary>
public static class PdfStamper
{
    private const double Padding = TextFit.Padding;

    public static void Stamp(PdfDocument doc, IEnumerable<StampItem> items)
    {
        foreach (var group in items.GroupBy(i => i.PageNumber))
        {
            if (group.Key < 1 || group.Key > doc.PageCount)
                throw new ArgumentOutOfRangeException(nameof(items), $"Page {group.Key} does not exist.");
            var page = doc.Pages[group.Key - 1];
            using var g = XGraphics.FromPdfPage(page, XGraphicsPdfPageOptions.Append);
            var height = page.Height.Point;
            var rotation = ((page.Rotate % 360) + 360) % 360;
            foreach (var item in group) Draw(g, item, height, rotation);
        }
    }

    private static void Draw(XGraphics g, StampItem item, double pageHeight, int rotation)
    {
        // XGraphics on a PDFsharp page draws in user space with the y axis flipped: (x, H − y).
        var r = item.Rect;
        var center = new XPoint(r.X + r.Width / 2, pageHeight - (r.Y + r.Height / 2));
        var turned = rotation is 90 or 270;
        double w = turned ? r.Height : r.Width, h = turned ? r.Width : r.Height;
        var box = new XRect(center.X - w / 2, center.Y - h / 2, w, h);
        var state = g.Save();
        if (rotation != 0) g.RotateAtTransform(-rotation, center);
        switch (item.Type)
        {
            case FieldType.Signature or FieldType.Initials when item.Image is { Length: > 0 }:
                // An image stored before images were checked may not decode: the request must still seal.
                using (var image = Signing.SignatureImage.TryOpen(item.Image))
                {
                    if (image is not null) DrawImage(g, image, box);
                    else DrawText(g, "[signature image unreadable]", box, false, null);
                }
                break;
            case FieldType.Checkbox:
                if (IsChecked(item.Text)) DrawCheck(g, box);
                break;
            default:
                if (!string.IsNullOrEmpty(item.Text)) DrawText(g, item.Text, box, item.HandwritingFont, item.FontSize);
                break;
        }
        g.Restore(state);
    }

    public static bool IsChecked(string? value) =>
        value is not null && (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1" || value.Equals("on", StringComparison.OrdinalIgnoreCase));

    private static void DrawImage(XGraphics g, XImage image, XRect box)
    {
        var inner = Inset(box, 1);
        double iw = image.PixelWidth, ih = image.PixelHeight;
        var scale = Math.Min(inner.Width / iw, inner.Height / ih);
        double dw = iw * scale, dh = ih * scale;
        g.DrawImage(image, inner.X + (inner.Width - dw) / 2, inner.Y + (inner.Height - dh) / 2, dw, dh);
    }

    private static void DrawCheck(XGraphics g, XRect box)
    {
        var side = Math.Min(box.Width, box.Height) - 2 * Padding;
        var x = box.X + (box.Width - side) / 2;
        var y = box.Y + (box.Height - side) / 2;
        var pen = new XPen(XColors.Black, Math.Max(1, side / 9)) { LineCap = XLineCap.Round, LineJoin = XLineJoin.Round };
        g.DrawLines(pen, [new XPoint(x + side * 0.1, y + side * 0.55), new XPoint(x + side * 0.4, y + side * 0.85), new XPoint(x + side * 0.9, y + side * 0.15)]);
    }

    private static void DrawText(XGraphics g, string text, XRect box, bool handwriting, double? fontSize = null)
    {
        // The same rule as the signer's page (TextFit), measured in the fonts drawn here.
        var fitted = TextFit.Fit(text, box.Width, box.Height, handwriting, fontSize,
            (s, size) => g.MeasureString(s, TextFit.Font(handwriting, size)).Width);
        g.DrawString(fitted.Text, TextFit.Font(handwriting, fitted.FontSize), XBrushes.Black, Inset(box, Padding), XStringFormats.CenterLeft);
    }

    private static XRect Inset(XRect r, double by) =>
        new(r.X + by, r.Y + by, Math.Max(1, r.Width - 2 * by), Math.Max(1, r.Height - 2 * by));
}
