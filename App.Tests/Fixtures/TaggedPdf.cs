using System.Text;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Advanced;

namespace ESignWeb.Tests.Fixtures;

/// <summary>
/// PDFs with Box Sign text tags, written with PDFsharp's object layer: a Letter page with the standard 14 font
/// Helvetica (no /Widths: its metrics are the standard ones, WinAnsi encoding) and a content stream given as text.
/// </summary>
public static class TaggedPdf
{
    /// <summary>One Letter page per content stream; font /F1 is Helvetica.</summary>
    public static byte[] Create(params string[] pages)
    {
        PdfSharp.PdfSharpLicense.SetAgplLicense();
        using var doc = new PdfDocument();
        foreach (var content in pages)
        {
            var page = doc.AddPage();
            page.Width = PdfSharp.Drawing.XUnit.FromPoint(612);
            page.Height = PdfSharp.Drawing.XUnit.FromPoint(792);
            var helvetica = new PdfDictionary(doc);
            helvetica.Elements["/Type"] = new PdfName("/Font");
            helvetica.Elements["/Subtype"] = new PdfName("/Type1");
            helvetica.Elements["/BaseFont"] = new PdfName("/Helvetica");
            helvetica.Elements["/Encoding"] = new PdfName("/WinAnsiEncoding");
            doc.Internals.AddObject(helvetica);
            var fonts = new PdfDictionary(doc);
            fonts.Elements["/F1"] = helvetica.Reference;
            page.Resources.Elements["/Font"] = fonts;
            page.Contents.AppendContent().CreateStream(Encoding.Latin1.GetBytes(content));
        }
        using var ms = new MemoryStream();
        doc.Save(ms);
        return ms.ToArray();
    }

    /// <summary>A page with a two-signer contract: company (text, id), signatures, a checkbox, a date and a tag split in two.</summary>
    public const string Contract = """
        BT /F1 12 Tf 72 700 Td (Company: [[t|1|id:company]] end) Tj ET
        BT /F1 12 Tf 72 600 Td ([[s|) Tj (1]]) Tj ET
        BT /F1 12 Tf 300 600 Td [([[s|2]])] TJ ET
        BT /F1 12 Tf 72 500 Td (Agree [[c|1|id:agree]]) Tj ET
        BT /F1 12 Tf 72 400 Td (Start [[d|2|id:start]]) Tj ET
        BT /F1 12 Tf 14 TL 72 300 Td (Notes) Tj ([[t|3|id:third]]) ' ET
        """;

    /// <summary>Double brackets that are not tags: they stay in the text.</summary>
    public const string NotTags = """
        BT /F1 12 Tf 72 300 Td (Ignored [[x|1]] [[s|0]] [[s|]] [[s|[[t|1]]]] [[[s|1]]) Tj ET
        """;
}
