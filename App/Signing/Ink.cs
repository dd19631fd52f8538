using ESignWeb.Domain;

namespace ESignWeb.Signing;

/// <summary>
/// The ink of a request's signatures (<c>signature_color</c>): the pad's pen and the typed signature are drawn in it,
/// so the stored image — and so the sealed PDF, which stamps that image — carries it. Each value has at least 7:1
/// contrast on white (WCAG AA for text: black 21:1, blue 9:1, red 6.5:1).
/// </summary>
public static class Ink
{
    public const string Black = "#000000";
    public const string Blue = "#1a3fa8";
    public const string Red = "#b3261e";

    /// <summary>The CSS colour of <paramref name="color"/>; null (not chosen) is black.</summary>
    public static string Css(SignatureColor? color) => color switch
    {
        SignatureColor.Blue => Blue,
        SignatureColor.Red => Red,
        _ => Black,
    };
}
