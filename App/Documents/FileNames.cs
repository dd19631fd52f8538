using System.Text.RegularExpressions;
using ESignWeb.Domain;

namespace ESignWeb.Documents;

/// <summary>Document names: cleaning what the browser sends, and the seed's rename_if_exists numbering.</summary>
public static partial class FileNames
{
    public const int MaxLength = 255;

    /// <summary>Drops any folder part, cleans it as every name (<see cref="DisplayNames.Clean"/>: no bidi controls,
    /// no line breaks), trims dots, and makes sure the name ends in ".pdf".</summary>
    public static string Clean(string? raw)
    {
        var name = (raw ?? "").Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        name = DisplayNames.Clean(name).Trim('.').Trim();
        if (name.Length == 0) throw AppException.BadRequest("The document needs a name.");
        if (!name.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase)) name += ".pdf";
        if (name.Length > MaxLength) throw AppException.BadRequest($"The name is too long (at most {MaxLength} characters).");
        return name;
    }

    /// <summary>"NDA.pdf" → "NDA (1).pdf", or the next free number when that is taken too.</summary>
    public static string NextAvailable(string name, IEnumerable<string> taken)
    {
        var set = new HashSet<string>(taken, StringComparer.OrdinalIgnoreCase);
        if (!set.Contains(name)) return name;
        var ext = Path.GetExtension(name);
        var stem = name[..^ext.Length];
        var m = NumberedSuffix().Match(stem);
        var start = 1;
        if (m.Success)
        {
            stem = stem[..m.Index];
            start = int.Parse(m.Groups[1].Value) + 1;
        }
        for (var i = start; ; i++)
        {
            var candidate = $"{stem} ({i}){ext}";
            if (!set.Contains(candidate)) return candidate;
        }
    }

    [GeneratedRegex(@" \((\d{1,6})\)$")]
    private static partial Regex NumberedSuffix();
}
