using PdfSharp.Drawing;

namespace ESignWeb.Sealing;

/// <summary>
/// A value as it fits its field: the text drawn (cut with "…" when even the smallest size is too wide), its size and
/// its measured width in points (the signer's page draws it at exactly that width).
/// </summary>
public sealed record FittedText(string Text, double FontSize, double Width);

/// <summary>
/// The one rule for fitting a value into its field, used by the seal (<see cref="PdfStamper"/>) and by the signer's
/// page (<c>SignerFieldLayer</c>), so what a signer sees in a box is what is sealed there: one line, inset by
/// <see cref="Padding"/>, at most <see cref="MaxFontSize"/> (and 65% of the inner height; 85% for the handwriting
/// face), shrunk in proportion to fit the width, never below <see cref="MinFontSize"/>; still too wide at that size,
/// the longest prefix that fits with an ellipsis. Sizes are PDF points; widths are measured in the sealing fonts.
/// </summary>
public static class TextFit
{
    public const double Padding = 2;
    public const double MaxFontSize = 14;
    public const double MinFontSize = 4;

    /// <summary>The shrink goes 2% below the exact width, so rounding in another renderer cannot overflow.</summary>
    public const double Slack = 0.98;

    private static readonly object Gate = new();
    private static XGraphics? _measure;

    /// <summary>Fits <paramref name="text"/> into a box of <paramref name="width"/> × <paramref name="height"/> points (as shown, upright).</summary>
    /// <param name="fontSize">Largest size asked for (a template's merge value); still shrunk to fit.</param>
    public static FittedText Fit(string text, double width, double height, bool handwriting = false, double? fontSize = null)
    {
        lock (Gate)
        {
            // One measuring context for the process (XGraphics is not thread-safe; measuring is quick).
            _measure ??= XGraphics.CreateMeasureContext(new XSize(2000, 2000), XGraphicsUnit.Point, XPageDirection.Downwards);
            var g = _measure;
            return Fit(text, width, height, handwriting, fontSize, (s, size) => g.MeasureString(s, Font(handwriting, size)).Width);
        }
    }

    /// <summary>The rule itself, with the width of a string at a size given by <paramref name="measure"/>.</summary>
    public static FittedText Fit(string text, double width, double height, bool handwriting, double? fontSize, Func<string, double, double> measure)
    {
        text = text.ReplaceLineEndings(" ");
        var innerWidth = Math.Max(1, width - 2 * Padding);
        var innerHeight = Math.Max(1, height - 2 * Padding);
        // Text width grows linearly with the font size: measure once, then pick the size that fits.
        var size = fontSize is { } asked
            ? Math.Min(asked, innerHeight)
            : Math.Min(MaxFontSize, innerHeight * (handwriting ? 0.85 : 0.65));
        var measured = measure(text, size);
        if (measured > innerWidth) size = Math.Max(MinFontSize, size * innerWidth / measured * Slack);
        // Still too long at the smallest size: cut it with an ellipsis rather than spill out of the field.
        if (measure(text, size) > innerWidth)
        {
            int lo = 0, hi = text.Length;
            while (lo < hi) // the longest prefix that fits with the ellipsis
            {
                var mid = (lo + hi + 1) / 2;
                if (measure(text[..mid] + "…", size) <= innerWidth) lo = mid; else hi = mid - 1;
            }
            text = text[..lo] + "…";
        }
        return new FittedText(text, size, measure(text, size));
    }

    public static XFont Font(bool handwriting, double size) => new(handwriting ? SealingFonts.Hand : SealingFonts.Sans, size);
}
