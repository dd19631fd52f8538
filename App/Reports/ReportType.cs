using ESignWeb.Domain;

namespace ESignWeb.Reports;

/// <summary>The reports the app builds (Dropbox Sign <c>report_type</c>).</summary>
public enum ReportType { UserActivity, DocumentStatus }

/// <summary>
/// The report types' wire names (<c>user_activity</c>, <c>document_status</c>) and words, in one place: the Dropbox
/// Sign API, the Reports page, the mails, the CSV file names.
/// </summary>
public static class ReportTypes
{
    public static readonly IReadOnlyList<ReportType> All = Enum.GetValues<ReportType>();

    public static string WireName(ReportType t) => t switch
    {
        ReportType.UserActivity => "user_activity",
        ReportType.DocumentStatus => "document_status",
    };

    /// <summary>How a person reads it: "user activity", "document status".</summary>
    public static string Words(ReportType t) => t switch
    {
        ReportType.UserActivity => "user activity",
        ReportType.DocumentStatus => "document status",
    };

    public static bool TryParse(string? wire, out ReportType type)
    {
        foreach (var t in All)
        {
            if (string.Equals(WireName(t), wire?.Trim(), StringComparison.OrdinalIgnoreCase)) { type = t; return true; }
        }
        type = default;
        return false;
    }

    /// <summary>
    /// The types asked for, without repeats, in the order given. At least one is required; an unknown name is refused
    /// by name (<c>report_type</c>). Empty entries (a form's blank checkbox value) are ignored.
    /// </summary>
    public static IReadOnlyList<ReportType> Parse(IEnumerable<string?>? wire)
    {
        var result = new List<ReportType>();
        foreach (var raw in wire ?? [])
        {
            if (string.IsNullOrWhiteSpace(raw)) continue;
            if (!TryParse(raw, out var t))
                throw AppException.BadField("report_type",
                    $"Unknown report type \"{Shorten(raw.Trim())}\": use {string.Join(" or ", All.Select(WireName))}.");
            if (!result.Contains(t)) result.Add(t);
        }
        return Validate(result);
    }

    /// <summary>The rule for typed input (the Reports page): at least one type.</summary>
    public static IReadOnlyList<ReportType> Validate(IEnumerable<ReportType> types)
    {
        var list = types.Distinct().ToList();
        if (list.Count == 0)
            throw AppException.BadField("report_type",
                $"Choose at least one report type ({string.Join(", ", All.Select(WireName))}).");
        return list;
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
