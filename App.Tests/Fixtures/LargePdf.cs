using System.Globalization;
using System.Text;

namespace ESignWeb.Tests.Fixtures;

/// <summary>
/// A long document as people send them: Letter pages of Helvetica text (about 40 lines each) with a small photo-like
/// image (incompressible bytes, as a scan's); not linearised (the cross-reference table is at the end). Laid out as
/// Chromium's and other Skia-based "print to PDF" write it: each page's content and image as the pages go, the page
/// dictionaries and the page tree together at the end. (PDF.js looks up every page dictionary of a flat page tree
/// before it shows page 1 — it checks the last page — so where they lie decides how much it must read; files that
/// scatter them through the body are read nearly whole, by ranges.) About 20 KB a page: 300 pages make a 6 MB file.
/// Deterministic (fixed seed). Used by the fast-signer-page tests and by <c>bench/signer-page</c>.
/// </summary>
public static class LargePdf
{
    public const int DefaultImageBytes = 16 * 1024;

    public static byte[] Create(int pages, int imageBytes = DefaultImageBytes)
    {
        var inv = CultureInfo.InvariantCulture;
        var rng = new Random(20240601);
        var body = new MemoryStream();
        var offsets = new List<long>();
        void Write(string s) => body.Write(Encoding.Latin1.GetBytes(s));
        void Object(int n, Action write)
        {
            while (offsets.Count < n) offsets.Add(0);
            offsets[n - 1] = body.Position;
            Write($"{n} 0 obj\n");
            write();
            Write("\nendobj\n");
        }

        // 1: catalog, 2: page tree, 3: font; per page i: page 4+3i, content 5+3i, image 6+3i.
        Write("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n");
        Object(1, () => Write("<< /Type /Catalog /Pages 2 0 R >>"));
        Object(3, () => Write("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"));
        var side = Math.Max(1, (int)Math.Sqrt(imageBytes / 3.0));
        for (var i = 0; i < pages; i++)
        {
            int content = 5 + 3 * i, image = 6 + 3 * i;
            var text = new StringBuilder();
            text.Append(inv, $"BT /F1 20 Tf 72 730 Td (Page {i + 1}) Tj ET\n");
            text.Append("BT /F1 10 Tf 72 700 Td 13 TL\n");
            for (var line = 0; line < 40; line++)
                text.Append(inv, $"(Clause {i + 1}.{line + 1}: the parties agree that this line is ordinary contract text, set in Helvetica.) '\n");
            text.Append("ET\n");
            text.Append(inv, $"q 120 0 0 90 420 60 cm /Im1 Do Q\n");
            var stream = text.ToString();
            Object(content, () => Write($"<< /Length {Encoding.Latin1.GetByteCount(stream)} >>\nstream\n{stream}endstream"));
            var pixels = new byte[side * side * 3];
            rng.NextBytes(pixels);
            Object(image, () =>
            {
                Write($"<< /Type /XObject /Subtype /Image /Width {side} /Height {side} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length {pixels.Length} >>\nstream\n");
                body.Write(pixels);
                Write("\nendstream");
            });
        }
        for (var i = 0; i < pages; i++)
        {
            int page = 4 + 3 * i, content = 5 + 3 * i, image = 6 + 3 * i;
            Object(page, () => Write($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> " +
                                     $"/XObject << /Im1 {image} 0 R >> >> /Contents {content} 0 R >>"));
        }
        var kids = string.Join(' ', Enumerable.Range(0, pages).Select(i => $"{4 + 3 * i} 0 R"));
        Object(2, () => Write($"<< /Type /Pages /Kids [{kids}] /Count {pages} >>"));
        var xref = body.Position;
        Write($"xref\n0 {offsets.Count + 1}\n0000000000 65535 f \n");
        foreach (var o in offsets) Write($"{o:D10} 00000 n \n");
        Write($"trailer\n<< /Size {offsets.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return body.ToArray();
    }
}
