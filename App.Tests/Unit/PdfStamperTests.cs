using ESignWeb.Domain;
using ESignWeb.Sealing;
using ESignWeb.Tests.Fixtures;
using PdfSharp.Drawing;
using PdfSharp.Pdf.IO;
using UglyToad.PdfPig;
using PigDocument = UglyToad.PdfPig.PdfDocument;

namespace ESignWeb.Tests.Unit;

/// <summary>Values land at their rectangles (read back with PdfPig), in any script, on any page rotation.</summary>
public class PdfStamperTests
{
    public PdfStamperTests() => Fonts.Install();

    private static byte[] Stamp(byte[] pdf, params StampItem[] items)
    {
        using var doc = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Modify);
        PdfStamper.Stamp(doc, items);
        var ms = new MemoryStream();
        doc.Save(ms);
        return ms.ToArray();
    }

    private static string TextIn(PigDocument pig, int page, double x, double y, double w, double h, double tolerance = 2) =>
        string.Concat(pig.GetPage(page).Letters
            .Where(l => l.BoundingBox.Left >= x - tolerance && l.BoundingBox.Right <= x + w + tolerance &&
                        l.BoundingBox.Bottom >= y - tolerance && l.BoundingBox.Top <= y + h + tolerance)
            .Select(l => l.Value));

    [Theory]
    [InlineData("Łukasz Żółć")]
    [InlineData("Дмитрий Шостакович")]
    [InlineData("Αλέξανδρος Παπαδόπουλος")]
    [InlineData("22/11/2026")]
    public void Text_in_latin_greek_and_cyrillic_lands_inside_its_field(string value)
    {
        var pdf = Stamp(TestPdf.Pages(2), new StampItem(2, new PdfRect(100, 200, 180, 32), FieldType.Text, value));
        using var pig = PigDocument.Open(pdf);
        Assert.Equal(value.Replace(" ", ""), TextIn(pig, 2, 100, 200, 180, 32).Replace(" ", ""));
        Assert.DoesNotContain(value[..3], pig.GetPage(1).Text);
    }

    [Fact]
    public void Long_text_is_shrunk_or_cut_but_never_leaves_the_field()
    {
        var value = string.Concat(Enumerable.Repeat("very long value ", 30));
        var pdf = Stamp(TestPdf.Pages(1), new StampItem(1, new PdfRect(300, 300, 60, 32), FieldType.Text, value));
        using var pig = PigDocument.Open(pdf);
        var letters = pig.GetPage(1).Letters.Where(l => l.BoundingBox.Bottom > 290 && l.BoundingBox.Top < 340).ToList();
        Assert.NotEmpty(letters);
        Assert.All(letters, l => Assert.InRange(l.BoundingBox.Right, 300, 361));
    }

    [Fact]
    public void On_a_page_rotated_90_text_reads_upright_inside_the_field_as_shown()
    {
        var page = new PageGeometry(0, 0, 595.28, 841.89, 90);
        var rect = new PdfRect(200, 300, 40, 200); // shown 200 wide × 40 tall
        var pdf = Stamp(TestPdf.Create(TestPdf.A4Rotated90), new StampItem(1, rect, FieldType.Name, "Upright"));
        using var pig = PigDocument.Open(pdf);
        // PdfPig reports letters as the page is shown (origin bottom-left of the turned page).
        var v = page.ToView(rect);
        double x = v.Left * page.DisplayWidth, w = v.Width * page.DisplayWidth;
        double y = page.DisplayHeight - (v.Top + v.Height) * page.DisplayHeight, h = v.Height * page.DisplayHeight;
        var letters = pig.GetPage(1).Letters.Where(l =>
            l.StartBaseLine.X >= x - 2 && l.StartBaseLine.X <= x + w + 2 && l.StartBaseLine.Y >= y - 2 && l.StartBaseLine.Y <= y + h + 2).ToList();
        Assert.Equal("Upright", string.Concat(letters.Select(l => l.Value)));
        Assert.True(letters.Zip(letters.Skip(1)).All(p => p.Second.StartBaseLine.X > p.First.StartBaseLine.X), "letters run left to right");
        Assert.True(letters.Select(l => Math.Round(l.StartBaseLine.Y)).Distinct().Count() == 1, "one upright baseline");
    }

    [Fact]
    public void Signature_images_and_check_marks_are_drawn_as_flat_content()
    {
        var png = TestImages.SignaturePng();
        var pdf = Stamp(TestPdf.Pages(1),
            new StampItem(1, new PdfRect(50, 50, 160, 48), FieldType.Signature, Image: png),
            new StampItem(1, new PdfRect(300, 50, 45, 32), FieldType.Checkbox, "true"),
            new StampItem(1, new PdfRect(400, 50, 45, 32), FieldType.Checkbox, "false"));
        using var pig = PigDocument.Open(pdf);
        var image = Assert.Single(pig.GetPage(1).GetImages());
        Assert.InRange(image.BoundingBox.Left, 50, 211);
        Assert.InRange(image.BoundingBox.Right, 50, 211);
        Assert.InRange(image.BoundingBox.Bottom, 50, 99);
        Assert.InRange(image.BoundingBox.Top, 50, 99);
    }
}
