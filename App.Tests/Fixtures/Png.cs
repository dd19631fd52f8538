using System.IO.Compression;
using System.Text;

namespace ESignWeb.Tests.Fixtures;

/// <summary>Minimal PNG writer (RGBA, 8 bits) for test images; the data is already filtered scanlines.</summary>
public static class Png
{
    public static byte[] Encode(int width, int height, byte[] filteredRgbaScanlines)
    {
        using var z = new MemoryStream();
        using (var zl = new ZLibStream(z, CompressionLevel.Optimal, leaveOpen: true)) zl.Write(filteredRgbaScanlines);
        return WithImageData(width, height, z.ToArray());
    }

    /// <summary>A PNG whose header is right but whose image data is not zlib at all (every CRC correct).</summary>
    public static byte[] WithBrokenData(int width, int height) =>
        WithImageData(width, height, Enumerable.Range(0, 512).Select(i => (byte)(i * 37 + 11)).ToArray());

    private static byte[] WithImageData(int width, int height, byte[] idat)
    {
        using var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        WriteBe(ihdr, 0, width);
        WriteBe(ihdr, 4, height);
        ihdr[8] = 8; ihdr[9] = 6; // 8-bit RGBA
        Chunk(ms, "IHDR", ihdr);
        Chunk(ms, "IDAT", idat);
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var len = new byte[4];
        WriteBe(len, 0, data.Length);
        s.Write(len);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        s.Write(typeBytes);
        s.Write(data);
        var c = Crc32([.. typeBytes, .. data]);
        var cb = new byte[4];
        WriteBe(cb, 0, (int)c);
        s.Write(cb);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    private static void WriteBe(byte[] b, int o, int v)
    {
        b[o] = (byte)(v >> 24); b[o + 1] = (byte)(v >> 16); b[o + 2] = (byte)(v >> 8); b[o + 3] = (byte)v;
    }
}
