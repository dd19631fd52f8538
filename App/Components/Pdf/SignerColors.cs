namespace ESignWeb.Components.Pdf;

/// <summary>One colour per signer, by position, used on field boxes, the palette and the signer list.</summary>
public static class SignerColors
{
    private static readonly string[] Palette =
        ["#3949ab", "#e65100", "#2e7d32", "#ad1457", "#00838f", "#6d4c41", "#5e35b1", "#9e9d24"];

    public static string For(int index) => Palette[((index % Palette.Length) + Palette.Length) % Palette.Length];
}
