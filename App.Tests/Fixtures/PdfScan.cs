using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace ESignWeb.Tests.Fixtures;

/// <summary>
/// Reads a PDF as text for assertions: the raw bytes plus every stream that inflates with Flate (object streams
/// included), as Latin-1. Enough to prove that a name such as <c>/JavaScript</c> is nowhere in a file.
/// </summary>
public static partial class PdfScan
{
    /// <summary>Names of active content that a stored copy must not contain (followed by a PDF delimiter).</summary>
    [GeneratedRegex(@"/(JavaScript|JS|Launch|OpenAction|AA|XFA|EmbeddedFiles?|FileAttachment|RichMedia|SubmitForm|ImportData|GoToE|GoToR)(?=[\s/<>\[\]()%{}]|$)")]
    public static partial Regex ActiveContent();

    [GeneratedRegex(@"/Encrypt(?=[\s/<>\[\]()%{}]|$)")]
    public static partial Regex Encrypt();

    public static string Text(byte[] pdf, long maxInflated = 256L << 20)
    {
        var sb = new StringBuilder(Encoding.Latin1.GetString(pdf));
        var span = pdf.AsSpan();
        var pos = 0;
        long inflated = 0;
        while (true)
        {
            var at = span[pos..].IndexOf("stream"u8);
            if (at < 0) break;
            var start = pos + at + 6;
            pos = start;
            if (start > 6 && pdf[start - 7] == (byte)'d') continue; // "endstream"
            if (start < pdf.Length && pdf[start] == '\r') start++;
            if (start < pdf.Length && pdf[start] == '\n') start++;
            var end = span[start..].IndexOf("endstream"u8);
            if (end < 0) break;
            try
            {
                using var z = new ZLibStream(new MemoryStream(pdf, start, end), CompressionMode.Decompress);
                using var ms = new MemoryStream();
                var buffer = new byte[81920];
                int n;
                while ((n = z.Read(buffer)) > 0 && inflated < maxInflated) { ms.Write(buffer, 0, n); inflated += n; }
                sb.Append('\n').Append(Encoding.Latin1.GetString(ms.ToArray()));
            }
            catch (InvalidDataException) { } // not Flate (or not compressed at all: already in the raw text)
            pos = start + end;
        }
        return sb.ToString();
    }
}
