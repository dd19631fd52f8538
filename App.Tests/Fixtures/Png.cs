using System.IO.Compression;
using System.Text;

namespace ESignWeb.Tests.Fixtures;

/// <summary>Minimal PNG writer (RGBA, 8 bits) for test images; the data is already filtered scanlines. Also a minimal
/// reader (8-bit RGBA or RGB, not interlaced: what a browser's canvas.toBlob writes) for checking stored images.</summary>
public static class Png
{
    /// <summary>A decoded image: <c>Alpha[y * Width + x]</c> is the pixel's opacity (255 for RGB images).</summary>
    public sealed record Image(int Width, int Height, byte[] Alpha)
    {
        public byte AlphaAt(int x, int y) => Alpha[y * Width + x];
    }

    public static Image Decode(byte[] png)
    {
        if (png.Length < 33 || png[0] != 0x89 || png[1] != 0x50) throw new InvalidDataException("Not a PNG.");
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        for (var o = 8; o + 8 <= png.Length;)
        {
            var len = ReadBe(png, o);
            var type = Encoding.ASCII.GetString(png, o + 4, 4);
            if (type == "IHDR")
            {
                (width, height) = (ReadBe(png, o + 8), ReadBe(png, o + 12));
                var (depth, color, interlace) = (png[o + 16], png[o + 17], png[o + 20]);
                channels = color switch { 6 => 4, 2 => 3, _ => 0 };
                if (depth != 8 || channels == 0 || interlace != 0)
                    throw new InvalidDataException($"Unsupported PNG (depth {depth}, colour type {color}, interlace {interlace}).");
            }
            else if (type == "IDAT") idat.Write(png, o + 8, len);
            else if (type == "IEND") break;
            o += 12 + len;
        }
        idat.Position = 0;
        using var raw = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionMode.Decompress)) z.CopyTo(raw);
        var data = raw.ToArray();
        var stride = width * channels;
        var prev = new byte[stride];
        var line = new byte[stride];
        var alpha = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            var start = y * (stride + 1);
            var filter = data[start];
            for (var i = 0; i < stride; i++)
            {
                int a = i >= channels ? line[i - channels] : 0, b = prev[i], c = i >= channels ? prev[i - channels] : 0;
                var x = data[start + 1 + i];
                line[i] = (byte)(filter switch
                {
                    0 => x,
                    1 => x + a,
                    2 => x + b,
                    3 => x + (a + b) / 2,
                    4 => x + Paeth(a, b, c),
                    _ => throw new InvalidDataException($"PNG filter {filter}."),
                });
            }
            for (var px = 0; px < width; px++) alpha[y * width + px] = channels == 4 ? line[px * 4 + 3] : (byte)255;
            (prev, line) = (line, prev);
        }
        return new Image(width, height, alpha);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static int ReadBe(byte[] b, int o) => (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];

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
