using System.Text;
using Microsoft.Extensions.FileProviders;
using PdfSharp.Fonts;

namespace ESignWeb.Sealing;

/// <summary>
/// The fonts PDFsharp draws with, from <c>wwwroot/lib/fonts</c> (copied from npm at build time): DejaVu Sans for
/// values and the audit trail (Latin, Greek, Cyrillic), Caveat for typed signatures (Latin, Cyrillic). PDFsharp finds
/// no system fonts on Linux, so this resolver is the only source of fonts, process-wide.
/// </summary>
public sealed class SealingFonts : IFontResolver
{
    public const string Sans = "ESign Sans";
    public const string Hand = "ESign Hand";

    private static readonly object Gate = new();
    private static SealingFonts? _installed;

    private readonly Dictionary<string, byte[]> _faces;

    private SealingFonts(IFileProvider webRoot)
    {
        _faces = new()
        {
            ["sans"] = Load(webRoot, "lib/fonts/DejaVuSans.ttf"),
            ["sans-italic"] = Load(webRoot, "lib/fonts/DejaVuSans-Oblique.ttf"),
            ["hand"] = Load(webRoot, "lib/fonts/Caveat-Regular.ttf"),
        };
        HandCoverage = GlyphCoverage.Of(_faces["hand"]);
    }

    /// <summary>The characters the handwriting face can draw (others fall back to the sans face).</summary>
    public GlyphCoverage HandCoverage { get; }

    /// <summary>Installs the resolver for this process (once; later calls return the same instance).</summary>
    public static SealingFonts Install(IFileProvider webRoot)
    {
        lock (Gate)
        {
            if (_installed is not null) return _installed;
            var fonts = new SealingFonts(webRoot);
            GlobalFontSettings.FontResolver = fonts;
            _installed = fonts;
            return fonts;
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool isBold, bool isItalic) => familyName switch
    {
        Hand => new FontResolverInfo("hand"),
        // Bold is simulated from the regular face: one embedded font per document instead of two (faster to seal,
        // smaller files; the certificate page and audit trail use bold only for labels and titles).
        _ when isBold => new FontResolverInfo("sans", mustSimulateBold: true, mustSimulateItalic: false),
        _ when isItalic => new FontResolverInfo("sans-italic"),
        _ => new FontResolverInfo("sans"),
    };

    public byte[]? GetFont(string faceName) => _faces.TryGetValue(faceName, out var bytes) ? bytes : null;

    private static byte[] Load(IFileProvider root, string path)
    {
        var file = root.GetFileInfo(path);
        if (!file.Exists)
            throw new FileNotFoundException($"Font {path} is missing from the web root; the build copies it from npm (App/FrontEnd.targets).", path);
        using var s = file.CreateReadStream();
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }
}

/// <summary>Which Unicode code points a TrueType font maps (from its cmap, formats 4 and 12).</summary>
public sealed class GlyphCoverage
{
    private readonly HashSet<int> _codePoints;

    private GlyphCoverage(HashSet<int> codePoints) => _codePoints = codePoints;

    public bool Covers(string text) =>
        text.EnumerateRunes().All(r => Rune.IsWhiteSpace(r) || _codePoints.Contains(r.Value));

    public static GlyphCoverage Of(byte[] ttf)
    {
        var set = new HashSet<int>();
        int U16(int o) => (ttf[o] << 8) | ttf[o + 1];
        long U32(int o) => ((long)ttf[o] << 24) | ((long)ttf[o + 1] << 16) | ((long)ttf[o + 2] << 8) | ttf[o + 3];
        var numTables = U16(4);
        var cmap = -1;
        for (var i = 0; i < numTables; i++)
        {
            var rec = 12 + i * 16;
            if (ttf[rec] == 'c' && ttf[rec + 1] == 'm' && ttf[rec + 2] == 'a' && ttf[rec + 3] == 'p') cmap = (int)U32(rec + 8);
        }
        if (cmap < 0) return new GlyphCoverage(set);
        var subtables = U16(cmap + 2);
        for (var i = 0; i < subtables; i++)
        {
            var offset = cmap + (int)U32(cmap + 4 + i * 8 + 4);
            var format = U16(offset);
            if (format == 4)
            {
                var segX2 = U16(offset + 6);
                var ends = offset + 14;
                var starts = ends + segX2 + 2;
                for (var s = 0; s < segX2 / 2; s++)
                {
                    int end = U16(ends + s * 2), start = U16(starts + s * 2);
                    if (start == 0xFFFF) continue;
                    for (var c = start; c <= end; c++) set.Add(c);
                }
            }
            else if (format == 12)
            {
                var groups = (int)U32(offset + 12);
                for (var g = 0; g < groups; g++)
                {
                    var start = (int)U32(offset + 16 + g * 12);
                    var end = (int)U32(offset + 20 + g * 12);
                    for (var c = start; c <= end && c - start < 100_000; c++) set.Add(c);
                }
            }
        }
        return new GlyphCoverage(set);
    }
}
