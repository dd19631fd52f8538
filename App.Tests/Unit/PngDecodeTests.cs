using ESignWeb.Tests.Fixtures;

namespace ESignWeb.Tests.Unit;

/// <summary>The test fixture's PNG reader (used to check stored signature images) undoes every PNG row filter.</summary>
public class PngDecodeTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(-1)] // each row a different filter
    public void Every_row_filter_decodes_to_the_original_alpha(int filter)
    {
        const int w = 23, h = 9;
        var rgba = new byte[w * h * 4];
        new Random(filter + 10).NextBytes(rgba);
        var filtered = new List<byte>();
        var prev = new byte[w * 4];
        for (var y = 0; y < h; y++)
        {
            var f = filter >= 0 ? filter : y % 5;
            var row = rgba.AsSpan(y * w * 4, w * 4).ToArray();
            filtered.Add((byte)f);
            for (var i = 0; i < row.Length; i++)
            {
                int a = i >= 4 ? row[i - 4] : 0, b = prev[i], c = i >= 4 ? prev[i - 4] : 0;
                var predictor = f switch { 0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2, _ => Paeth(a, b, c) };
                filtered.Add((byte)(row[i] - predictor));
            }
            prev = row;
        }

        var image = Png.Decode(Png.Encode(w, h, [.. filtered]));

        Assert.Equal((w, h), (image.Width, image.Height));
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
                Assert.Equal(rgba[(y * w + x) * 4 + 3], image.AlphaAt(x, y));
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
