using ESignWeb.Api;
using ESignWeb.Domain;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using PdfSharp.Pdf.IO;

namespace ESignWeb.Documents;

/// <summary>What an uploaded file turned out to be.</summary>
/// <param name="Encrypted">The file needs a password to open (only accepted when the caller gave the password).</param>
/// <param name="TextTags">Box Sign text tags found in its text (<see cref="TextTagDetector"/>); none for a file that needs a password.</param>
/// <param name="TextTagsPartial">Reading the text for tags stopped at the time limit: later pages were not searched.</param>
public sealed record PdfInfo(int PageCount, IReadOnlyList<PageGeometry> Pages, bool Encrypted = false, IReadOnlyList<TextTag>? TextTags = null,
    bool TextTagsPartial = false);

/// <summary>The inspection's verdict on an accepted file.</summary>
/// <param name="Rewritten">The worker wrote a cleaned copy to the output path, and that copy is what must be stored.</param>
/// <param name="Removed">What was stripped (active content) or undone (owner-password encryption).</param>
public sealed record PdfInspection(PdfInfo Info, bool Rewritten, IReadOnlyList<string> Removed);

/// <summary>
/// Decides whether an untrusted file is a PDF we can send for signature, and makes the copy to store. Runs inside the
/// isolated worker process (<see cref="InspectPdfCommand"/>) on a small stack; the web process never calls
/// <see cref="Inspect"/> on an upload itself (it asks <see cref="IPdfInspection"/>).
/// </summary>
public static class PdfInspector
{
    public const string OwnerPasswordRemoved = "owner-password encryption";

    /// <param name="input">The untrusted file.</param>
    /// <param name="output">Where to write the cleaned copy when one is needed (stripped active content, encryption
    /// with only an owner password removed).</param>
    /// <param name="password">Open a password-protected PDF with it (templates); without one such a PDF is refused. A
    /// file opened with it is stored as it is (the template keeps needing the password).</param>
    /// <param name="tagDeadlineUtc">When to stop looking for text tags (<see cref="TextTagDetector"/>); null: no limit.</param>
    public static PdfInspection Inspect(string input, string output, string? password, int maxPages,
        long perStreamLimit = StreamBudget.DefaultPerStream, long totalStreamLimit = StreamBudget.DefaultTotal, DateTime? tagDeadlineUtc = null)
    {
        var length = new FileInfo(input).Length;
        if (length == 0)
            throw new AppException(ApiErrorCode.EmptyFile, "The file is empty.");
        if (!HasPdfHeader(input))
            throw new AppException(ApiErrorCode.FileConversionFailure, "This file is not a PDF (it does not start with %PDF-). Upload a PDF document.");

        RawStructure.Check(input); // looping cross-reference chains and absurd lengths, before PDFsharp follows them
        var (doc, encrypted) = OpenForImport(input, password);
        var removed = new List<string>();
        bool ownerOnly;
        using (doc)
        try
        {
            PdfStructure.Check(doc, maxPages, new StreamBudget(perStreamLimit, totalStreamLimit));
            if (doc.PageCount == 0)
                throw new AppException(ApiErrorCode.FileConversionFailure, "This PDF has no pages.");
            ReadGeometry(doc); // the original's pages must read before anything is rewritten
            removed.AddRange(ActiveContent.Strip(doc)); // in memory only: what a rewrite will remove
            ownerOnly = !encrypted && NeedsOwnerPassword(input);
            if (ownerOnly)
            {
                // Encrypted with an empty user password: PDFsharp opens it for reading but will not modify it, so it
                // could never be sealed. Store an unencrypted copy of its (already stripped) pages instead.
                using var copy = new PdfDocument();
                foreach (var page in doc.Pages) copy.AddPage(page);
                ActiveContent.Strip(copy);
                copy.Save(output);
                removed.Add(OwnerPasswordRemoved);
            }
        }
        catch (Exception ex) when (ex is not AppException and not OutOfMemoryException)
        {
            throw new AppException(ApiErrorCode.FileConversionFailure, $"This PDF is damaged and cannot be read ({Trim(ex.Message)}).");
        }
        if (removed.Count > 0 && !ownerOnly && !encrypted)
        {
            using var modify = PdfReader.Open(input, PdfDocumentOpenMode.Modify);
            ActiveContent.Strip(modify);
            modify.Save(output);
        }
        var rewritten = (removed.Count > 0 || ownerOnly) && !encrypted;
        if (encrypted) removed.Clear(); // stored as uploaded; each request's copy is stripped when it is made

        // Do exactly what the web process will do with the stored file, here, on the small stack.
        var stored = rewritten ? output : input;
        var pages = RoundTrip(stored, encrypted ? password : null);
        if (pages.Count > maxPages)
            throw PdfRefusal.Unsafe($"it has more than {maxPages} pages (the most accepted).");
        var partial = false;
        var tags = encrypted ? [] : TextTagDetector.Detect(stored, pages, tagDeadlineUtc, out partial);
        return new PdfInspection(new PdfInfo(pages.Count, pages, encrypted, tags, partial), rewritten, removed);
    }

    /// <summary>
    /// Every file an inspection of <paramref name="input"/> into <paramref name="output"/> may write: the cleaned copy and
    /// the <see cref="RoundTrip"/> temp files. The parent deletes them after every inspection (a killed worker cannot).
    /// </summary>
    public static string[] TempFiles(string input, string output) => [output, RoundTripFile(input), RoundTripFile(output)];

    private static string RoundTripFile(string stored) => stored + ".roundtrip";

    /// <summary>
    /// Opens the file to be stored as sealing and templates will (Modify; with a user password: Import and copy the
    /// pages), touches every page with XGraphics, saves to a temp file, reopens that, and returns the page geometry.
    /// </summary>
    private static List<PageGeometry> RoundTrip(string stored, string? password)
    {
        var temp = RoundTripFile(stored);
        try
        {
            List<PageGeometry> pages;
            if (password is null)
            {
                using var doc = PdfReader.Open(stored, PdfDocumentOpenMode.Modify);
                pages = ReadGeometry(doc);
                foreach (var page in doc.Pages) XGraphics.FromPdfPage(page, XGraphicsPdfPageOptions.Append).Dispose();
                SealLikeTheWebProcess(doc, temp);
            }
            else
            {
                using var source = PdfReader.Open(stored, password, PdfDocumentOpenMode.Import);
                pages = ReadGeometry(source);
                using var copy = new PdfDocument();
                foreach (var page in source.Pages) copy.AddPage(page);
                ActiveContent.Strip(copy);
                foreach (var page in copy.Pages) XGraphics.FromPdfPage(page, XGraphicsPdfPageOptions.Append).Dispose();
                SealLikeTheWebProcess(copy, temp);
            }
            using (var again = PdfReader.Open(temp, PdfDocumentOpenMode.Import))
                if (again.PageCount != pages.Count)
                    throw new AppException(ApiErrorCode.FileConversionFailure, "This PDF is damaged: its pages do not survive being saved again.");
            return pages;
        }
        catch (Exception ex) when (ex is not AppException)
        {
            throw new AppException(ApiErrorCode.FileConversionFailure, $"This PDF is damaged and cannot be prepared for signing ({Trim(ex.Message)}).");
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>
    /// Flattens and saves with a digital signature, as sealing will (<see cref="Sealing.PdfSealer"/>), with a throwaway
    /// certificate: a file whose structure the signature step cannot handle is refused now, not found when a fully
    /// signed request can never seal.
    /// </summary>
    private static void SealLikeTheWebProcess(PdfDocument doc, string path)
    {
        Sealing.PdfSealer.Flatten(doc);
        using var output = File.Create(path);
        Sealing.PdfSealer.SaveSigned(doc, output, ThrowawayCertificate.Value, "inspection", "inspection");
    }

    private static readonly Lazy<System.Security.Cryptography.X509Certificates.X509Certificate2> ThrowawayCertificate = new(() =>
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=ESignWeb inspection", key,
            System.Security.Cryptography.HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
    });

    private static (PdfDocument Doc, bool Encrypted) OpenForImport(string path, string? password)
    {
        try
        {
            return (PdfReader.Open(path, PdfDocumentOpenMode.Import), false);
        }
        catch (PdfReaderException ex) when (IsPasswordProblem(ex) && password is not null)
        {
            try
            {
                return (PdfReader.Open(path, password, PdfDocumentOpenMode.Import), true);
            }
            catch (PdfReaderException again) when (IsPasswordProblem(again))
            {
                throw new AppException(ApiErrorCode.FilePasswordProtected, "The password does not open this PDF.");
            }
        }
        catch (PdfReaderException ex) when (IsPasswordProblem(ex))
        {
            throw new AppException(ApiErrorCode.FilePasswordProtected,
                "This PDF is password-protected. Remove the password (print or save it without protection) and upload it again.");
        }
        catch (Exception ex) when (ex is not AppException and not OutOfMemoryException)
        {
            throw new AppException(ApiErrorCode.FileConversionFailure, $"This PDF is damaged or truncated and cannot be read ({Trim(ex.Message)}).");
        }
    }

    /// <summary>True for a file that opens without a password but only an owner password would let PDFsharp modify.</summary>
    private static bool NeedsOwnerPassword(string path)
    {
        try
        {
            using var doc = PdfReader.Open(path, PdfDocumentOpenMode.Modify);
            return false;
        }
        catch (PdfReaderException ex) when (ex.Message.Contains("owner password", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
    }

    private static List<PageGeometry> ReadGeometry(PdfDocument doc)
    {
        var pages = new List<PageGeometry>(doc.PageCount);
        try
        {
            foreach (var page in doc.Pages) pages.Add(GeometryOf(page));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new AppException(ApiErrorCode.FileConversionFailure, $"This PDF is damaged: a page cannot be read ({Trim(ex.Message)}).");
        }
        if (pages.Any(p => p.Width < 1 || p.Height < 1 || double.IsNaN(p.Width) || double.IsNaN(p.Height)))
            throw new AppException(ApiErrorCode.FileConversionFailure, "This PDF has a page without a usable size.");
        return pages;
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

    internal static string Trim(string message) => message.Length > 160 ? message[..160] + "…" : message;
}
