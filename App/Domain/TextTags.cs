using System.Text.RegularExpressions;

namespace ESignWeb.Domain;

/// <summary>
/// A Box Sign text tag found in a document's own text (<c>[[s|1]]</c>, <c>[[t|2|id:company]]</c>): the field type, the
/// signer's number (1-based, in the request's signer order), the optional tag id [document_tag_id], its page and two
/// rectangles in PDF user space — the glyphs of the tag as drawn, and the field made from it (the glyph box grown to
/// the seed's minimum and kept inside the page).
/// </summary>
public sealed record TextTag(FieldType Type, int Signer, string? Id, int Page, PdfRect Field, PdfRect Glyphs, string Text);

/// <summary>One tag in a run of text: where it starts and how long it is (characters), and what it says.</summary>
public readonly record struct TagMatch(int Start, int Length, FieldType Type, int Signer, string? Id);

/// <summary>
/// The grammar of text tags — one place for both detection (upload) and removal (seal):
/// <c>[[letter|signer(|key:value)*]]</c>, spaces allowed around the parts. Letters as Box documents them, for the
/// field types we have: <c>s</c> signature, <c>i</c> initials, <c>d</c> date, <c>t</c> text, <c>c</c> checkbox,
/// <c>n</c> name, <c>e</c> email. The signer is 1–<see cref="MaxSigner"/> (Box's 0, the sender, is not a signer
/// here). Options: <c>id:xyz</c> (letters, digits, <c>_ - .</c>, at most <see cref="MaxIdLength"/>); other Box options
/// (<c>n:label</c>, …) are accepted and ignored. Anything else between double brackets is ordinary text: unknown
/// letters (<c>[[x|1]]</c>), no or a zero signer (<c>[[s|]]</c>, <c>[[s|0]]</c>), brackets inside or right around
/// (<c>[[[s|1]]</c>, <c>[[s|[[t|1]]]]</c>).
/// </summary>
public static partial class TextTagGrammar
{
    public const int MaxSigner = 50;
    public const int MaxIdLength = 64;
    public const int MaxTagLength = 200;
    /// <summary>Most tags read from one document (the prepare page's field limit).</summary>
    public const int MaxTags = 500;

    public static readonly IReadOnlyDictionary<string, FieldType> Letters = new Dictionary<string, FieldType>
    {
        ["s"] = FieldType.Signature, ["i"] = FieldType.Initials, ["d"] = FieldType.Date, ["t"] = FieldType.Text,
        ["c"] = FieldType.Checkbox, ["n"] = FieldType.Name, ["e"] = FieldType.Email,
    };

    [GeneratedRegex(@"(?<!\[)\[\[([^\[\]]{1,200})\]\](?!\])", RegexOptions.CultureInvariant)]
    private static partial Regex Candidate();

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex IdChars();

    /// <summary>Every valid tag in <paramref name="text"/>, in order.</summary>
    public static List<TagMatch> Find(string text)
    {
        var found = new List<TagMatch>();
        if (!text.Contains("[[", StringComparison.Ordinal)) return found;
        foreach (Match m in Candidate().Matches(text))
            if (ParseBody(m.Groups[1].Value) is { } tag)
                found.Add(new TagMatch(m.Index, m.Length, tag.Type, tag.Signer, tag.Id));
        return found;
    }

    /// <summary>The one tag that is exactly <paramref name="text"/>, or null.</summary>
    public static TagMatch? Parse(string text) =>
        Find(text) is [{ Start: 0 } only] && only.Length == text.Length ? only : null;

    private static (FieldType Type, int Signer, string? Id)? ParseBody(string body)
    {
        var parts = body.Split('|');
        if (parts.Length < 2) return null;
        if (!Letters.TryGetValue(parts[0].Trim(), out var type)) return null;
        var number = parts[1].Trim();
        if (number.Length is 0 or > 2 || !number.All(char.IsAsciiDigit)) return null;
        var signer = int.Parse(number, System.Globalization.CultureInfo.InvariantCulture);
        if (signer is < 1 or > MaxSigner) return null;
        string? id = null;
        foreach (var option in parts.Skip(2))
        {
            var colon = option.IndexOf(':');
            if (colon <= 0) return null;
            var key = option[..colon].Trim();
            var value = option[(colon + 1)..].Trim();
            if (key != "id") continue;
            if (id is not null || value.Length is 0 or > MaxIdLength || !IdChars().IsMatch(value)) return null;
            id = value;
        }
        return (type, signer, id);
    }

    /// <summary>
    /// The field a tag's glyph box becomes: at least the seed's minimum (<see cref="FieldRules"/>), grown to the right
    /// and evenly up and down around the glyphs' middle, then moved inside the page.
    /// </summary>
    public static PdfRect FieldFor(PdfRect glyphs, PageGeometry page)
    {
        var width = Math.Max(glyphs.Width, FieldRules.MinWidth);
        var height = Math.Max(glyphs.Height, FieldRules.MinHeight);
        var y = glyphs.Y + glyphs.Height / 2 - height / 2;
        return page.Clamp(new PdfRect(glyphs.X, y, width, height)); // user space: the minimum applies there (see Coordinates)
    }
}
