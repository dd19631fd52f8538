namespace ESignWeb.Domain;

/// <summary>A rectangle in PDF user space: points (1/72 in), origin bottom-left, (X, Y) its bottom-left corner.</summary>
public readonly record struct PdfRect(double X, double Y, double Width, double Height)
{
    public double Right => X + Width;
    public double Top => Y + Height;
}

/// <summary>
/// A rectangle as the page is shown on screen: fractions (0..1) of the displayed page's width and height, origin at
/// the displayed page's top-left. Being relative, it is the same at every zoom level.
/// </summary>
public readonly record struct ViewRect(double Left, double Top, double Width, double Height);

/// <summary>
/// One page's visible box (CropBox, else MediaBox) in user space and its /Rotate. This is what PDF.js uses for its
/// viewport (page.view and page.rotate), so a conversion through it matches <c>viewport.convertToPdfPoint</c>.
/// </summary>
public sealed record PageGeometry(double Left, double Bottom, double Width, double Height, int Rotate)
{
    /// <summary>Normalised rotation: 0, 90, 180 or 270 (clockwise, as /Rotate).</summary>
    public int Rotation => ((Rotate % 360) + 360) % 360 / 90 * 90;

    public bool IsQuarterTurned => Rotation is 90 or 270;

    /// <summary>Width of the page as displayed (after /Rotate), in points.</summary>
    public double DisplayWidth => IsQuarterTurned ? Height : Width;

    /// <summary>Height of the page as displayed (after /Rotate), in points.</summary>
    public double DisplayHeight => IsQuarterTurned ? Width : Height;

    /// <summary>User-space point → displayed point (points from the displayed page's top-left).</summary>
    public (double dx, double dy) ToDisplay(double ux, double uy)
    {
        double x = ux - Left, y = uy - Bottom;
        return Rotation switch
        {
            90 => (y, x),
            180 => (Width - x, y),
            270 => (Height - y, Width - x),
            _ => (x, Height - y),
        };
    }

    /// <summary>Displayed point (points from the displayed page's top-left) → user-space point.</summary>
    public (double ux, double uy) FromDisplay(double dx, double dy)
    {
        var (x, y) = Rotation switch
        {
            90 => (dy, dx),
            180 => (Width - dx, dy),
            270 => (Width - dy, Height - dx),
            _ => (dx, Height - dy),
        };
        return (x + Left, y + Bottom);
    }

    /// <summary>Screen rectangle (fractions of the displayed page) → user-space rectangle.</summary>
    public PdfRect ToPdf(ViewRect v)
    {
        var (x1, y1) = FromDisplay(v.Left * DisplayWidth, v.Top * DisplayHeight);
        var (x2, y2) = FromDisplay((v.Left + v.Width) * DisplayWidth, (v.Top + v.Height) * DisplayHeight);
        return new PdfRect(Math.Min(x1, x2), Math.Min(y1, y2), Math.Abs(x2 - x1), Math.Abs(y2 - y1));
    }

    /// <summary>User-space rectangle → screen rectangle (fractions of the displayed page).</summary>
    public ViewRect ToView(PdfRect r)
    {
        var (ax, ay) = ToDisplay(r.X, r.Y);
        var (bx, by) = ToDisplay(r.Right, r.Top);
        double left = Math.Min(ax, bx), top = Math.Min(ay, by);
        return new ViewRect(left / DisplayWidth, top / DisplayHeight,
            Math.Abs(bx - ax) / DisplayWidth, Math.Abs(by - ay) / DisplayHeight);
    }

    /// <summary>True when the rectangle lies inside the page's visible box (with a small tolerance for rounding).</summary>
    public bool Contains(PdfRect r, double tolerance = 0.01) =>
        r.X >= Left - tolerance && r.Y >= Bottom - tolerance &&
        r.Right <= Left + Width + tolerance && r.Top <= Bottom + Height + tolerance;

    /// <summary>Moves (never resizes, unless larger than the page) a rectangle so it lies inside the page.</summary>
    public PdfRect Clamp(PdfRect r)
    {
        double w = Math.Min(r.Width, Width), h = Math.Min(r.Height, Height);
        double x = Math.Clamp(r.X, Left, Left + Width - w);
        double y = Math.Clamp(r.Y, Bottom, Bottom + Height - h);
        return new PdfRect(x, y, w, h);
    }
}
