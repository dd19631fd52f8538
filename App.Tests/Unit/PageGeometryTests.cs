using ESignWeb.Domain;

namespace ESignWeb.Tests.Unit;

/// <summary>Screen (fractions of the displayed page) ↔ PDF user space, as PDF.js's viewport does it.</summary>
public class PageGeometryTests
{
    private const double Tol = 1e-6;

    [Fact]
    public void Letter_top_left_tenth_maps_to_user_space_with_bottom_left_origin()
    {
        var g = new PageGeometry(0, 0, 612, 792, 0);
        var r = g.ToPdf(new ViewRect(0, 0, 0.1, 0.1));
        Assert.Equal(0, r.X, Tol);
        Assert.Equal(792 - 79.2, r.Y, Tol);
        Assert.Equal(61.2, r.Width, Tol);
        Assert.Equal(79.2, r.Height, Tol);
    }

    [Fact]
    public void A4_bottom_right_corner_is_at_page_width_and_zero()
    {
        var g = new PageGeometry(0, 0, 595.28, 841.89, 0);
        var r = g.ToPdf(new ViewRect(0.9, 0.95, 0.1, 0.05));
        Assert.Equal(595.28, r.Right, Tol);
        Assert.Equal(0, r.Y, Tol);
    }

    [Fact]
    public void Landscape_page_uses_its_own_width_and_height()
    {
        var g = new PageGeometry(0, 0, 841.89, 595.28, 0);
        Assert.Equal(841.89, g.DisplayWidth, Tol);
        var r = g.ToPdf(new ViewRect(0.5, 0.5, 0.1, 0.1));
        Assert.Equal(420.945, r.X, Tol);
        Assert.Equal(595.28 / 2 - 59.528, r.Y, Tol);
    }

    [Fact]
    public void Rotate90_swaps_axes_like_pdfjs_viewport()
    {
        // PDF.js, /Rotate 90, scale 1: device x = user y, device y = user x (transform [0 1 1 0 0 0]).
        var g = new PageGeometry(0, 0, 595.28, 841.89, 90);
        Assert.Equal(841.89, g.DisplayWidth, Tol);
        Assert.Equal(595.28, g.DisplayHeight, Tol);
        var r = g.ToPdf(new ViewRect(0.1, 0.2, 0.1, 0.05));
        Assert.Equal(0.2 * 595.28, r.X, Tol);
        Assert.Equal(0.1 * 841.89, r.Y, Tol);
        Assert.Equal(0.05 * 595.28, r.Width, Tol);
        Assert.Equal(0.1 * 841.89, r.Height, Tol);
    }

    [Theory]
    [InlineData(0, 0.0, 0.0, 612.0, 792.0, 0.0, 792.0)]
    [InlineData(90, 0.0, 0.0, 612.0, 792.0, 0.0, 0.0)]
    [InlineData(180, 0.0, 0.0, 612.0, 792.0, 612.0, 0.0)]
    [InlineData(270, 0.0, 0.0, 612.0, 792.0, 792.0, 612.0)]
    [InlineData(0, 10.0, 20.0, 612.0, 792.0, 0.0, 792.0)]
    public void User_origin_lands_where_pdfjs_puts_it(int rotate, double left, double bottom, double w, double h, double dx, double dy)
    {
        var g = new PageGeometry(left, bottom, w, h, rotate);
        var (x, y) = g.ToDisplay(left, bottom);
        Assert.Equal(dx, x, Tol);
        Assert.Equal(dy, y, Tol);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(90)]
    [InlineData(180)]
    [InlineData(270)]
    [InlineData(-90)]
    [InlineData(450)]
    public void Round_trip_is_exact_for_every_rotation_and_offset_box(int rotate)
    {
        var g = new PageGeometry(-30, 15.5, 595.28, 841.89, rotate);
        var original = new PdfRect(100.25, 200.5, 150, 40);
        var back = g.ToPdf(g.ToView(original));
        Assert.Equal(original.X, back.X, Tol);
        Assert.Equal(original.Y, back.Y, Tol);
        Assert.Equal(original.Width, back.Width, Tol);
        Assert.Equal(original.Height, back.Height, Tol);
    }

    [Fact]
    public void View_fractions_do_not_depend_on_zoom()
    {
        // The same fraction of the page is the same place at 50% and 300%: nothing in the conversion sees zoom.
        var g = new PageGeometry(0, 0, 612, 792, 0);
        var at50 = g.ToPdf(new ViewRect(153.0 / 306, 198.0 / 396, 30.0 / 306, 16.0 / 396));
        var at300 = g.ToPdf(new ViewRect(918.0 / 1836, 1188.0 / 2376, 180.0 / 1836, 96.0 / 2376));
        Assert.Equal(at50.X, at300.X, Tol);
        Assert.Equal(at50.Y, at300.Y, Tol);
        Assert.Equal(at50.Width, at300.Width, Tol);
    }

    [Fact]
    public void Clamp_moves_a_rectangle_inside_without_resizing_it()
    {
        var g = new PageGeometry(0, 0, 612, 792, 0);
        var r = g.Clamp(new PdfRect(600, -10, 100, 40));
        Assert.Equal(new PdfRect(512, 0, 100, 40), r);
        Assert.True(g.Contains(r));
        Assert.False(g.Contains(new PdfRect(600, -10, 100, 40)));
    }
}
