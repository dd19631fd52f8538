using System.Text.RegularExpressions;

namespace ESignWeb.Domain;

public static partial class EmailAddress
{
    public const int MaxLength = 254;

    /// <summary>Trimmed, lower-cased form used to compare addresses.</summary>
    public static string Normalize(string? email) => (email ?? "").Trim().ToLowerInvariant();

    /// <summary>A practical check: one @, a non-empty local part, a dotted domain, no spaces or angle brackets.</summary>
    public static bool IsValid(string? email)
    {
        var e = (email ?? "").Trim();
        return e.Length is > 0 and <= MaxLength && Shape().IsMatch(e);
    }

    [GeneratedRegex(@"^[^\s@<>()\[\],;:""]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")]
    private static partial Regex Shape();
}
