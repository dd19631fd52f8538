using System.Text.RegularExpressions;

namespace ESignWeb.Components.Shared;

/// <summary>A run of plain text, or a web address to show as a link.</summary>
public readonly record struct TextSegment(string Text, bool IsLink);

/// <summary>
/// Splits plain text (a mail's text body) into text and http(s) addresses, so a page can make the addresses
/// clickable while every character is still rendered as text (Blazor encodes it): nothing from the text becomes markup.
/// Trailing punctuation of a sentence (".", ",", ")" …) is not part of the address.
/// </summary>
public static partial class TextLinks
{
    [GeneratedRegex(@"\bhttps?://[^\s<>""'`]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Url();

    public static IReadOnlyList<TextSegment> Split(string? text)
    {
        var list = new List<TextSegment>();
        if (string.IsNullOrEmpty(text)) return list;
        var at = 0;
        foreach (Match m in Url().Matches(text))
        {
            var url = m.Value.TrimEnd('.', ',', ';', ':', '!', '?', ')', ']', '}');
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) continue;
            if (m.Index > at) list.Add(new TextSegment(text[at..m.Index], false));
            list.Add(new TextSegment(url, true));
            at = m.Index + url.Length;
        }
        if (at < text.Length) list.Add(new TextSegment(text[at..], false));
        return list;
    }
}
