namespace ESignWeb.Domain;

/// <summary>
/// The rule for request categories (jSign <c>categories</c>: labels such as "NDA", "Agreement"), in one place: the
/// prepare page, templates and every API family normalise through <see cref="Normalize"/>. A category is trimmed, its
/// inner white space collapsed, at most <see cref="MaxLength"/> characters, without commas (jSign joins a request's
/// categories with commas); two that differ only in case are one. A request has at most <see cref="MaxPerRequest"/>.
/// </summary>
public static class Categories
{
    public const int MaxLength = 50;
    public const int MaxPerRequest = 20;

    /// <summary>The categories as stored: cleaned, de-duplicated without regard to case, in the order given. Empty
    /// entries are dropped; anything else that breaks the rule is refused with a message naming it.</summary>
    public static List<string> Normalize(IEnumerable<string?>? given)
    {
        var result = new List<string>();
        foreach (var raw in given ?? [])
        {
            var name = string.Join(' ', (raw ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            if (name.Length == 0) continue;
            if (name.Length > MaxLength) throw AppException.BadRequest($"The category \"{name[..20]}…\" is too long (at most {MaxLength} characters).");
            if (name.Contains(',')) throw AppException.BadRequest($"The category \"{name}\" may not contain a comma.");
            if (name.Any(char.IsControl)) throw AppException.BadRequest("A category may not contain control characters.");
            if (result.Any(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase))) continue;
            result.Add(name);
        }
        if (result.Count > MaxPerRequest) throw AppException.BadRequest($"A request may have at most {MaxPerRequest} categories ({result.Count} given).");
        return result;
    }

    /// <summary>jSign's wire form: the names joined with ", ".</summary>
    public static string Joined(IEnumerable<string> names) => string.Join(", ", names);
}
