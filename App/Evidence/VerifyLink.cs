using ESignWeb.Hosting;
using QRCoder;

namespace ESignWeb.Evidence;

/// <summary>
/// The verification link printed (as text and QR code) on a sealed PDF's certificate page:
/// <c>{ESign:PublicBaseUrl}/verify?ref={reference}</c>. It is built from the configured public base only — a seal runs
/// in the background with no request, and a link printed into evidence must never come from a Host header. With no
/// <c>ESign:PublicBaseUrl</c> (local use on loopback) there is no link a third party could follow, so none is printed:
/// the page says where to verify in words instead.
/// </summary>
public static class VerifyLink
{
    public const string Path = "verify";

    /// <summary>The link for <paramref name="reference"/>, or null when no usable public base URL is configured.</summary>
    public static string? For(string? publicBaseUrl, string reference)
    {
        if (string.IsNullOrWhiteSpace(publicBaseUrl) || PublicLinks.Problem(publicBaseUrl) is not null) return null;
        var baseUrl = new Uri(publicBaseUrl.Trim()).AbsoluteUri.TrimEnd('/') + "/";
        return $"{baseUrl}{Path}?ref={Uri.EscapeDataString(reference)}";
    }

    /// <summary>Pixels per module of <see cref="QrPng"/>.</summary>
    public const int PixelsPerModule = 4;

    /// <summary>
    /// The link as a QR code (medium error correction, with its quiet zone): an 8-bit grey PNG, black on white,
    /// <see cref="PixelsPerModule"/> pixels a module. Written here rather than by QRCoder's PNG writer, whose 1-bit
    /// images PDFsharp cannot read.
    /// </summary>
    public static byte[] QrPng(string link)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(link, QRCodeGenerator.ECCLevel.M);
        var modules = data.ModuleMatrix;
        var size = modules.Count * PixelsPerModule;
        var raw = new byte[size * (size + 1)];
        for (var y = 0; y < size; y++)
        {
            var row = y * (size + 1); // filter byte 0, then one grey byte a pixel
            for (var x = 0; x < size; x++)
                raw[row + 1 + x] = modules[y / PixelsPerModule][x / PixelsPerModule] ? (byte)0 : (byte)255;
        }
        return GreyPng(size, size, raw);
    }

    private static byte[] GreyPng(int width, int height, byte[] filteredRows)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth; colour type 0 (grey), compression, filter, interlace: 0
        Chunk(png, "IHDR", header);
        using (var z = new MemoryStream())
        {
            using (var deflate = new System.IO.Compression.ZLibStream(z, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
                deflate.Write(filteredRows);
            Chunk(png, "IDAT", z.ToArray());
        }
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> four = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(four, data.Length);
        png.Write(four);
        var typed = new byte[4 + data.Length];
        System.Text.Encoding.ASCII.GetBytes(type, typed);
        data.CopyTo(typed, 4);
        png.Write(typed);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(four, Crc32(typed));
        png.Write(four);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>Whether <paramref name="reference"/> looks like a reference (what the page echoes back): 1–64 of [0-9a-z].</summary>
    public static bool IsReference(string? reference) =>
        reference is { Length: > 0 and <= 64 } && reference.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'z'));
}
