using System.Formats.Asn1;
using System.Text;

namespace ESignWeb.Timestamping;

/// <summary>
/// The hole a PDF signature's CMS sits in: the <c>&lt;hex&gt;</c> of <c>/Contents</c> between the two parts of the
/// signature dictionary's <c>/ByteRange [a b c d]</c>. Everything outside the hole is what the signature covers, so a
/// CMS rewritten in place (an unsigned attribute added, the rest of the hole still zeros) leaves the signature valid.
/// </summary>
public static class SignatureContents
{
    /// <summary>The last signature's hole (offset of '&lt;', length up to and including '&gt;'), or null when there is none.</summary>
    public static (int Start, int Length)? Find(byte[] pdf)
    {
        // The same bounded byte scan the verify page uses on uploads (no copy of the whole PDF as a string).
        if (Evidence.EmbeddedSignature.LastByteRange(new MemoryStream(pdf, writable: false)) is not (_, var b, var c, _)) return null;
        if (pdf[b] != (byte)'<' || pdf[c - 1] != (byte)'>') return null;
        return ((int)b, (int)(c - b));
    }

    /// <summary>The DER CMS in the hole (the zero padding after it left off).</summary>
    public static byte[] Read(byte[] pdf, (int Start, int Length) hole)
    {
        var hex = Encoding.ASCII.GetString(pdf, hole.Start + 1, hole.Length - 2);
        var bytes = Convert.FromHexString(hex);
        AsnDecoder.ReadEncodedValue(bytes, AsnEncodingRules.BER, out _, out _, out var consumed);
        return bytes[..consumed];
    }

    /// <summary>A copy of <paramref name="pdf"/> with <paramref name="cms"/> in the hole; false when it does not fit.</summary>
    public static bool TryWrite(byte[] pdf, (int Start, int Length) hole, byte[] cms, out byte[] written)
    {
        written = pdf;
        var hex = Convert.ToHexString(cms);
        if (hex.Length > hole.Length - 2) return false;
        written = (byte[])pdf.Clone();
        var padded = hex.PadRight(hole.Length - 2, '0');
        Encoding.ASCII.GetBytes(padded, 0, padded.Length, written, hole.Start + 1);
        return true;
    }
}
