using System.IO.Compression;
using System.Text;

namespace ESignWeb.Tests.Fixtures;

/// <summary>
/// Hand-built PDFs from raw object bodies (object n is <c>objects[n-1]</c>, object 1 the catalog), with a correct
/// cross-reference table: the few hostile and odd files the PDF inspection tests need.
/// </summary>
public static class RawPdf
{
    public const string OnePageTree = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>";
    public const string Page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>";

    public static byte[] Build(params string[] objects) => Build(objects.Select(o => Encoding.Latin1.GetBytes(o)).ToArray());

    public static byte[] Build(params byte[][] objects)
    {
        var body = new MemoryStream();
        void Write(string s) => body.Write(Encoding.Latin1.GetBytes(s));
        Write("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n");
        var offsets = new List<long>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(body.Position);
            Write($"{i + 1} 0 obj\n");
            body.Write(objects[i]);
            Write("\nendobj\n");
        }
        var xref = body.Position;
        Write($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var o in offsets) Write($"{o:D10} 00000 n \n");
        Write($"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return body.ToArray();
    }

    /// <summary>A page tree whose only node lists itself as its kid (a few hundred bytes).</summary>
    public static byte[] KidsSelfLoop() => Build("<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [2 0 R] /Count 1 >>");

    /// <summary>A valid one-page PDF whose catalog carries an array nested <paramref name="depth"/> deep.</summary>
    public static byte[] NestedArray(int depth) =>
        Build($"<< /Type /Catalog /Pages 2 0 R /Deep {new string('[', depth)}{new string(']', depth)} >>", OnePageTree, Page);

    /// <summary>A one-page PDF that runs JavaScript when opened (/OpenAction and the /JavaScript name tree), with a
    /// /Launch link, an embedded file, and a plain web link that must stay.</summary>
    public static byte[] WithActiveContent() => Build(
        "<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R /Names << /JavaScript << /Names [(init) 4 0 R] >> /EmbeddedFiles << /Names [(a.exe) 6 0 R] >> >> /AA << /WC 4 0 R >> >>",
        OnePageTree,
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Annots [5 0 R 7 0 R] >>",
        "<< /S /JavaScript /JS (app.alert\\('hello'\\)) >>",
        "<< /Type /Annot /Subtype /Link /Rect [10 10 100 30] /A << /S /Launch /F (calc.exe) >> >>",
        "<< /Type /Filespec /F (a.exe) >>",
        "<< /Type /Annot /Subtype /Link /Rect [10 40 100 60] /A << /S /URI /URI (https://example.com/) >> >>");

    /// <summary>A one-page PDF with a Flate stream that expands to <paramref name="megabytes"/> MiB of zeros.</summary>
    public static byte[] FlateBomb(int megabytes)
    {
        var packed = new MemoryStream();
        using (var z = new ZLibStream(packed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < megabytes; i++) z.Write(zeros);
        }
        var stream = Encoding.Latin1.GetBytes($"<< /Length {packed.Length} /Filter /FlateDecode >>\nstream\n")
            .Concat(packed.ToArray()).Concat(Encoding.Latin1.GetBytes("\nendstream")).ToArray();
        return Build(
            Encoding.Latin1.GetBytes("<< /Type /Catalog /Pages 2 0 R >>"), Encoding.Latin1.GetBytes(OnePageTree),
            Encoding.Latin1.GetBytes("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>"), stream);
    }

    /// <summary>A valid PDF of <paramref name="pages"/> pages encrypted with only an owner password (empty user password).</summary>
    public static byte[] OwnerPasswordOnly(int pages = 2)
    {
        PdfSharp.PdfSharpLicense.SetAgplLicense();
        using var input = new MemoryStream(TestPdf.Pages(pages));
        using var doc = PdfSharp.Pdf.IO.PdfReader.Open(input, PdfSharp.Pdf.IO.PdfDocumentOpenMode.Modify);
        doc.SecuritySettings.OwnerPassword = "owner-only";
        doc.SecuritySettings.PermitModifyDocument = false;
        using var output = new MemoryStream();
        doc.Save(output);
        return output.ToArray();
    }
}
