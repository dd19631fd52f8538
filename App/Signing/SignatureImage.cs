using System.Buffers.Binary;
using ESignWeb.Domain;
using ESignWeb.Localization;

namespace ESignWeb.Signing;

/// <summary>
/// Checks an image a signer gives for a signature or initials: PNG or JPEG, sane size, not too big. Refusals are in
/// the current UI culture (the signer's language; <c>SignerText.resx</c>).
/// </summary>
public static class SignatureImage
{
    public const int MaxBytes = 2 * 1024 * 1024;
    public const int MaxSide = 4000;
    /// <summary>Most pixels one image may have (width × height): what stamping it at sealing costs.</summary>
    public const int MaxPixels = 4_000_000;

    /// <summary>The key an image gets in the blob store (its SHA-256): the same image in several fields counts once.</summary>
    public static string KeyOf(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    /// <summary>Refuses when one signer's distinct signature images together exceed <c>ESign:MaxSignatureBytesPerSigner</c>.</summary>
    public static void CheckTotal(long totalBytes, long maxBytes)
    {
        if (totalBytes > maxBytes)
            throw AppException.BadRequest(SignerText.Get("ErrorSignatureImagesTotal", Mb(totalBytes), Mb(maxBytes)));
    }

    private static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.#", System.Globalization.CultureInfo.CurrentCulture);

    /// <summary>Returns the image's (width, height), or throws a refusal saying what is wrong.</summary>
    public static (int Width, int Height) Validate(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0) throw AppException.BadRequest(SignerText.Get("ErrorSignatureImageEmpty"));
        if (bytes.Length > MaxBytes)
            throw AppException.BadRequest(SignerText.Get("ErrorSignatureImageTooLarge", bytes.Length / 1024, MaxBytes / 1024 / 1024));
        if (SizeOf(bytes) is not { } s) throw AppException.BadRequest(SignerText.Get("ErrorSignatureImageFormat"));
        if (s.Width < 1 || s.Height < 1 || s.Width > MaxSide || s.Height > MaxSide)
            throw AppException.BadRequest(SignerText.Get("ErrorSignatureImageSide", MaxSide));
        // Bytes say little about cost: a one-colour 4000 × 4000 PNG is 56 KB but 16 megapixels to decode at sealing.
        if ((long)s.Width * s.Height > MaxPixels)
            throw AppException.BadRequest(SignerText.Get("ErrorSignatureImagePixels", s.Width, s.Height, MaxPixels / 1_000_000));
        if (!Decodes(bytes))
            throw AppException.BadRequest(SignerText.Get("ErrorSignatureImageDamaged"));
        return s;
    }

    /// <summary>The (width, height) a PNG or JPEG header declares; null for anything else.</summary>
    public static (int Width, int Height)? SizeOf(ReadOnlySpan<byte> bytes) =>
        IsPng(bytes) ? PngSize(bytes) : IsJpeg(bytes) ? JpegSize(bytes) : null;

    /// <summary>
    /// Whether PDFsharp, which stamps the image at sealing, can read it: checked when it is stored, so a damaged image
    /// (a right header over broken data) is refused now instead of making every attempt to seal the request fail.
    /// </summary>
    public static bool Decodes(ReadOnlySpan<byte> bytes)
    {
        using var image = TryOpen(bytes.ToArray());
        return image is not null;
    }

    /// <summary>
    /// The image as PDFsharp reads it, or null when it cannot be read (damaged, or stored before images were checked):
    /// sealing draws it from here, once, and stamps a note instead of failing for ever.
    /// </summary>
    public static PdfSharp.Drawing.XImage? TryOpen(byte[] bytes)
    {
        try
        {
            var image = PdfSharp.Drawing.XImage.FromStream(new MemoryStream(bytes, writable: false));
            if (image.PixelWidth > 0 && image.PixelHeight > 0) return image;
            image.Dispose();
            return null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null;
        }
    }

    private static bool IsPng(ReadOnlySpan<byte> b) => b.Length > 24 && b[..8].SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });

    private static bool IsJpeg(ReadOnlySpan<byte> b) => b.Length > 4 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF;

    private static (int Width, int Height)? PngSize(ReadOnlySpan<byte> b) =>
        b.Slice(12, 4).SequenceEqual("IHDR"u8) ? (BinaryPrimitives.ReadInt32BigEndian(b[16..]), BinaryPrimitives.ReadInt32BigEndian(b[20..])) : null;

    private static (int Width, int Height)? JpegSize(ReadOnlySpan<byte> b)
    {
        var i = 2;
        while (i + 9 < b.Length)
        {
            if (b[i] != 0xFF) return null;
            var marker = b[i + 1];
            var length = BinaryPrimitives.ReadUInt16BigEndian(b[(i + 2)..]);
            if (marker is >= 0xC0 and <= 0xCF && marker is not (0xC4 or 0xC8 or 0xCC))
                return (BinaryPrimitives.ReadUInt16BigEndian(b[(i + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(b[(i + 5)..]));
            i += 2 + length;
        }
        return null;
    }
}
