using ESignWeb.Domain;
using PdfSharp.Pdf;
using PdfSharp.Pdf.IO;

namespace ESignWeb.Documents;

/// <summary>What an uploaded file turned out to be.</summary>
/// <param name="Encrypted">The file needs a password to open (only accepted when the caller gave the password).</param>
public sealed record PdfInfo(int PageCount, IReadOnlyList<PageGeometry> Pages, bool Encrypted = false);

/// <summary>Opens a file with PDFsharp to decide whether it is a PDF we can send for signature.</summary>
public static class PdfInspector
{
    public const string ConversionFailure = "file_conversion_failure";

    /// <param name="password">Open a password-protected PDF with it (templates); without one such a PDF is refused.</param>
    public static PdfInfo Inspect(string path, string? password = null)
    {
        var length = new FileInfo(path).Length;
        if (length == 0)
            throw new AppException("empty_file", "The file is empty.");
        if (!HasPdfHeader(path))
            throw new AppException(ConversionFailure, "This file is not a PDF (it does not start with %PDF-). Upload a PDF document.");

        PdfDocument doc;
        var encrypted = false;
        try
        {
            doc = PdfReader.Open(path, PdfDocumentOpenMode.Import);
        }
        catch (PdfReaderException ex) when (IsPasswordProblem(ex) && password is not null)
        {
            try
            {
                doc = PdfReader.Open(path, password, PdfDocumentOpenMode.Import);
                encrypted = true;
            }
            catch (PdfReaderException again) when (IsPasswordProblem(again))
            {
                throw new AppException("file_password_protected", "The password does not open this PDF.");
            }
        }
        catch (PdfReaderException ex) when (IsPasswordProblem(ex))
        {
            throw new AppException("file_password_protected",
                "This PDF is password-protected. Remove the password (print or save it without protection) and upload it again.");
        }
        catch (Exception ex) when (ex is not AppException)
        {
            throw new AppException(ConversionFailure, $"This PDF is damaged or truncated and cannot be read ({Trim(ex.Message)}).");
        }

        using (doc)
        {
            if (doc.PageCount == 0)
                throw new AppException(ConversionFailure, "This PDF has no pages.");
            var pages = new List<PageGeometry>(doc.PageCount);
            try
            {
                foreach (var page in doc.Pages) pages.Add(GeometryOf(page));
            }
            catch (Exception ex)
            {
                throw new AppException(ConversionFailure, $"This PDF is damaged: a page cannot be read ({Trim(ex.Message)}).");
            }
            if (pages.Any(p => p.Width < 1 || p.Height < 1 || double.IsNaN(p.Width) || double.IsNaN(p.Height)))
                throw new AppException(ConversionFailure, "This PDF has a page without a usable size.");
            return new PdfInfo(doc.PageCount, pages, encrypted);
        }
    }

    /// <summary>The visible box PDF.js renders (CropBox clipped to MediaBox) and the page's /Rotate.</summary>
    public static PageGeometry GeometryOf(PdfPage page)
    {
        var media = page.MediaBox;
        var box = page.Elements.ContainsKey("/CropBox") ? page.CropBox : media;
        double x1 = Math.Max(Math.Min(box.X1, box.X2), Math.Min(media.X1, media.X2));
        double y1 = Math.Max(Math.Min(box.Y1, box.Y2), Math.Min(media.Y1, media.Y2));
        double x2 = Math.Min(Math.Max(box.X1, box.X2), Math.Max(media.X1, media.X2));
        double y2 = Math.Min(Math.Max(box.Y1, box.Y2), Math.Max(media.Y1, media.Y2));
        if (x2 <= x1 || y2 <= y1) (x1, y1, x2, y2) = (media.X1, media.Y1, media.X2, media.Y2);
        return new PageGeometry(x1, y1, x2 - x1, y2 - y1, page.Rotate);
    }

    private static bool HasPdfHeader(string path)
    {
        // The header may be preceded by junk in the first 1024 bytes (PDF 1.7, 7.5.2 / implementation note).
        Span<byte> head = stackalloc byte[1024];
        using var fs = File.OpenRead(path);
        var n = fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return head[..n].IndexOf("%PDF-"u8) >= 0;
    }

    private static bool IsPasswordProblem(PdfReaderException ex) =>
        ex.Message.Contains("password", StringComparison.OrdinalIgnoreCase);

    private static string Trim(string message) => message.Length > 160 ? message[..160] + "…" : message;
}
