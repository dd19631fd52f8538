namespace ESignWeb.Tests.Fixtures;

public static class TestImages
{
    /// <summary>A small PNG made without any imaging library: a 40×12 transparent image with a dark wave.</summary>
    public static byte[] SignaturePng()
    {
        const int w = 40, h = 12;
        var raw = new List<byte>();
        for (var y = 0; y < h; y++)
        {
            raw.Add(0); // filter: none
            for (var x = 0; x < w; x++)
            {
                var ink = Math.Abs(y - (6 + Math.Sin(x / 4.0) * 4)) < 1.2;
                raw.AddRange(ink ? [20, 20, 90, 255] : [255, 255, 255, 0]);
            }
        }
        return Png.Encode(w, h, raw.ToArray());
    }
}
