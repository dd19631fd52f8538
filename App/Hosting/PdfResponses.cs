using ESignWeb.Storage;
using Microsoft.Net.Http.Headers;

namespace ESignWeb.Hosting;

/// <summary>
/// The one way a stored PDF is answered over HTTP (viewers and downloads): <c>Accept-Ranges: bytes</c>, 206 for a
/// <c>Range</c> request (PDF.js fetches a large document in chunks, reading the cross-reference table at the end first),
/// a strong <c>ETag</c> from the blob's content address (so <c>If-Range</c> works), never cached by shared caches.
/// Who may read the file is decided before this is called, as before.
/// </summary>
public static class PdfResponses
{
    public const string ContentType = "application/pdf";

    /// <summary>The PDF inline (for PDF.js), or as an attachment named <paramref name="downloadName"/>.</summary>
    public static IResult File(HttpContext http, Stream content, string? downloadName = null)
    {
        http.Response.Headers.CacheControl = "private, no-store";
        return Results.File(content, ContentType, downloadName, lastModified: null, entityTag: EntityTagOf(content),
            enableRangeProcessing: content.CanSeek);
    }

    /// <summary>The content's SHA-256 as a strong entity tag, when the stream is a stored blob.</summary>
    public static EntityTagHeaderValue? EntityTagOf(Stream content) =>
        content is IStoredBlobStream blob ? new EntityTagHeaderValue($"\"{blob.Key}\"") : null;
}
