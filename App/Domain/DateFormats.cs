using System.Globalization;
using System.Text.RegularExpressions;

namespace ESignWeb.Domain;

/// <summary>
/// The seed's date formats (<c>DD/MM/YYYY</c>, <c>MMMM D, YYYY</c>, …) in .NET terms, and the format of a locale
/// (<c>de-DE</c> → <c>DD.MM.YYYY</c>, <c>en-US</c> → <c>M/D/YYYY</c>) for date fields that name none.
/// </summary>
public static partial class DateFormats
{
    /// <summary>"DD/MM/YYYY" → "dd/MM/yyyy"; tokens: YYYY, MMMM, MM, M, DD, D.</summary>
    public static string ToDotNet(string format) => Token().Replace(format, m => m.Value switch
    {
        "YYYY" => "yyyy",
        "MMMM" => "MMMM",
        "MM" => "MM",
        "M" => "%M",
        "DD" => "dd",
        "D" => "%d",
        _ => m.Value,
    }).Replace("%d", "d").Replace("%M", "M");

    /// <summary>
    /// The short date format of a locale (a BCP 47 name such as the browser's <c>navigator.language</c>) in the
    /// seed's tokens, always with a four-digit year; null for an unknown name or a pattern other than day, month and
    /// year numbers between separators (e.g. one with era or literal text), where the caller keeps its default.
    /// </summary>
    public static string? ForLocale(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 35) return null;
        CultureInfo culture;
        try { culture = CultureInfo.GetCultureInfo(name.Trim(), predefinedOnly: true); }
        catch (CultureNotFoundException) { return null; }
        if (culture.Equals(CultureInfo.InvariantCulture)) return null;
        var pattern = culture.DateTimeFormat.ShortDatePattern;
        var format = LocaleToken().Replace(pattern, m => m.Value switch
        {
            "yyyy" or "yy" or "y" => "YYYY",
            "MM" => "MM",
            "M" => "M",
            "dd" => "DD",
            "d" => "D",
            _ => m.Value,
        });
        return IsWellFormed(format) ? format : null;
    }

    /// <summary>
    /// A format made only of the tokens (a year, a month and a day, each once) and the separators <c>. / - ,</c> and
    /// space: what <see cref="ForLocale"/> gives, and what a signer's page may ask for a field that names no format.
    /// </summary>
    public static bool IsWellFormed(string? format) =>
        format is { Length: > 0 and <= 20 } && WellFormed().IsMatch(format) &&
        Token().Matches(format).Select(m => m.Value[0]).Order().SequenceEqual("DMY");

    public static string Format(DateOnly date, string format) =>
        date.ToString(ToDotNet(format), CultureInfo.InvariantCulture);

    public static bool TryParse(string text, string format, out DateOnly date) =>
        DateOnly.TryParseExact(text.Trim(), ToDotNet(format), CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    [GeneratedRegex("YYYY|MMMM|MM|M|DD|D")]
    private static partial Regex Token();

    [GeneratedRegex("y+|M+|d+")]
    private static partial Regex LocaleToken();

    [GeneratedRegex(@"^(?:YYYY|MMMM|MM|M|DD|D|[./, -])+$")]
    private static partial Regex WellFormed();
}
