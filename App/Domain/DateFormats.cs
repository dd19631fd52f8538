using System.Globalization;
using System.Text.RegularExpressions;

namespace ESignWeb.Domain;

/// <summary>The seed's date formats (<c>DD/MM/YYYY</c>, <c>MMMM D, YYYY</c>, …) in .NET terms.</summary>
public static partial class DateFormats
{
    /// <summary>"DD/MM/YYYY" → "dd/MM/yyyy"; tokens: YYYY, MMMM, MM, DD, D.</summary>
    public static string ToDotNet(string format) => Token().Replace(format, m => m.Value switch
    {
        "YYYY" => "yyyy",
        "MMMM" => "MMMM",
        "MM" => "MM",
        "DD" => "dd",
        "D" => "%d",
        _ => m.Value,
    }).Replace("%d", "d");

    public static string Format(DateOnly date, string format) =>
        date.ToString(ToDotNet(format), CultureInfo.InvariantCulture);

    public static bool TryParse(string text, string format, out DateOnly date) =>
        DateOnly.TryParseExact(text.Trim(), ToDotNet(format), CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    [GeneratedRegex("YYYY|MMMM|MM|DD|D")]
    private static partial Regex Token();
}
