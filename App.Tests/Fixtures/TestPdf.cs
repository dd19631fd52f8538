using System.Globalization;
using System.Text;

namespace ESignWeb.Tests.Fixtures;

/// <summary>One page of a generated test PDF.</summary>
public sealed record TestPage(double Width, double Height, int Rotate = 0, double OriginX = 0, double OriginY = 0);

/// <summary>
/// Writes small, valid PDFs from scratch (no binary fixtures): pages of any size and /Rotate, each with its number
/// as Helvetica text, a correct cross-reference table, and nothing else. Good and bad variants for upload tests.
/// </summary>
public static class TestPdf
{
    public static readonly TestPage A4 = new(595.28, 841.89);
    public static readonly TestPage Letter = new(612, 792);
    public static readonly TestPage A4Landscape = new(841.89, 595.28);
    public static readonly TestPage A4Rotated90 = new(595.28, 841.89, 90);

    public static byte[] Create(params TestPage[] pages)
    {
        if (pages.Length == 0) pages = [Letter];
        var inv = CultureInfo.InvariantCulture;
        var objects = new List<string>();
        // 1: catalog, 2: pages, 3: font, then per page: page object + content stream.
        var kids = new StringBuilder();
        for (var i = 0; i < pages.Length; i++) kids.Append(inv, $"{4 + i * 2} 0 R ");
        objects.Add("<< /Type /Catalog /Pages 2 0 R >>");
        objects.Add($"<< /Type /Pages /Kids [{kids.ToString().Trim()}] /Count {pages.Length} >>");
        objects.Add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
        for (var i = 0; i < pages.Length; i++)
        {
            var p = pages[i];
            var box = string.Format(inv, "[{0} {1} {2} {3}]", p.OriginX, p.OriginY, p.OriginX + p.Width, p.OriginY + p.Height);
            var rotate = p.Rotate != 0 ? $" /Rotate {p.Rotate}" : "";
            objects.Add($"<< /Type /Page /Parent 2 0 R /MediaBox {box}{rotate} /Resources << /Font << /F1 3 0 R >> >> /Contents {5 + i * 2} 0 R >>");
            var text = string.Format(inv, "BT /F1 24 Tf {0} {1} Td (Page {2}) Tj ET\n0.5 w {3} {4} 100 50 re S\n",
                p.OriginX + 72, p.OriginY + p.Height - 96, i + 1, p.OriginX + 72, p.OriginY + 72);
            objects.Add($"<< /Length {Encoding.ASCII.GetByteCount(text)} >>\nstream\n{text}endstream");
        }

        var sb = new StringBuilder("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n");
        var body = new MemoryStream();
        void Write(string s) { var b = Encoding.Latin1.GetBytes(s); body.Write(b); }
        Write(sb.ToString());
        var offsets = new List<long>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(body.Position);
            Write($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = body.Position;
        Write($"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var o in offsets) Write($"{o:D10} 00000 n \n");
        Write($"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return body.ToArray();
    }

    public static byte[] Pages(int count, TestPage? page = null) => Create(Enumerable.Repeat(page ?? Letter, count).ToArray());

    /// <summary>The first part of a valid PDF, cut before its objects end (a broken download).</summary>
    public static byte[] Truncated() => Pages(3)[..60];

    /// <summary>A valid PDF whose every object after the header was overwritten with noise.</summary>
    public static byte[] Corrupt()
    {
        var bytes = Pages(2);
        var rng = new Random(42);
        for (var i = 20; i < bytes.Length; i++) bytes[i] = (byte)rng.Next(256);
        return bytes;
    }

    public static byte[] NotAPdf() => Encoding.UTF8.GetBytes("Hello, this is a plain text file and not a PDF at all.\n");

    /// <summary>A PDF that needs a password to open, made with PDFsharp's own encryption.</summary>
    /// <param name="aes256">Encrypt with AES-256 (V5). PDFsharp 6.5's default (AES-128, V4) opens in PDFsharp, but Poppler and
    /// PDF.js refuse its user password (they accept the owner password); V5 and RC4-128 files open everywhere.</param>
    public static byte[] PasswordProtected(string userPassword = "secret", bool aes256 = false)
    {
        PdfSharp.PdfSharpLicense.SetAgplLicense();
        using var input = new MemoryStream(Pages(1));
        using var doc = PdfSharp.Pdf.IO.PdfReader.Open(input, PdfSharp.Pdf.IO.PdfDocumentOpenMode.Modify);
        if (aes256) doc.SecurityHandler.SetEncryptionToV5();
        doc.SecuritySettings.UserPassword = userPassword;
        doc.SecuritySettings.OwnerPassword = userPassword + "-owner";
        using var output = new MemoryStream();
        doc.Save(output);
        return output.ToArray();
    }
}
