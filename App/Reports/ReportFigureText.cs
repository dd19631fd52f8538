namespace ESignWeb.Reports;

/// <summary>The words the Reports page shows around <see cref="ReportFigures"/> (kept out of the markup, unit-testable).</summary>
public static class ReportFigureText
{
    public static string Unit(FigureGranularity g) => g switch
    {
        FigureGranularity.Day => "day",
        FigureGranularity.Week => "week",
        _ => "month",
    };

    public static string UnitTitle(FigureGranularity g) => g switch
    {
        FigureGranularity.Day => "Day",
        FigureGranularity.Week => "Week from",
        _ => "Month",
    };

    /// <summary>Says how the range is sliced, and why (the rule in <see cref="ReportFigureService.GranularityFor"/>).</summary>
    public static string Granularity(ReportFigures f) =>
        $"{f.Start:yyyy-MM-dd} to {f.End:yyyy-MM-dd} (UTC days, both included), counted per {Unit(f.Granularity)}: " +
        $"per day for ranges of up to {ReportFigureService.MaxDailyDays} days, per week (from the first day) up to " +
        $"{ReportFigureService.MaxWeeklyDays} days, per month beyond.";

    /// <summary>The headline numbers: label, value, test id.</summary>
    public static IReadOnlyList<(string Label, string Value, string Id)> Totals(ReportFigures f) =>
    [
        ("Requests created", f.Created.ToString(), "total-created"),
        ("Requests sent", f.Sent.ToString(), "total-sent"),
        ("Requests completed", f.Completed.ToString(), "total-completed"),
        ("Median time to complete", f.MedianTimeToComplete is { } m ? Duration(m) : "—", "total-median"),
    ];

    public static string VolumeTitle(VolumeKind k) => k == VolumeKind.TopSenders ? "Top senders" : "Sent from a template or a document";

    public static string VolumeDescription(VolumeKind k) => k == VolumeKind.TopSenders
        ? $"The {ReportFigureService.TopSenders} users who sent the most requests in the range."
        : "Your requests sent in the range, by what they were made from.";

    /// <summary>
    /// The unit of the median chart: hours, or days when the longest slice's median reaches
    /// <see cref="DaysFromHours"/> hours (so a chart of week-long signings does not read in the hundreds).
    /// </summary>
    public static MedianUnit MedianUnitOf(ReportFigures f) =>
        f.MedianByBucket.Any(s => s.Median is { TotalHours: >= DaysFromHours }) ? MedianUnit.Days : MedianUnit.Hours;

    /// <summary>The longest median, in hours, still drawn in hours.</summary>
    public const double DaysFromHours = 48;

    /// <summary>The median chart's title, with its unit.</summary>
    public static string MedianTitle(MedianUnit u) => $"Median time to complete ({(u == MedianUnit.Days ? "days" : "hours")})";

    public static string MedianDescription(FigureGranularity g) =>
        $"For the requests completed in each {Unit(g)}: the median time from sending to completion. " +
        $"A {Unit(g)} with no completed request has no point.";

    /// <summary>The slice's median in the chart's unit (null for a slice with no completed request: a gap).</summary>
    public static double? MedianValue(CompletionSlice s, MedianUnit u) => s.Median is { } m
        ? Math.Round(u == MedianUnit.Days ? m.TotalDays : m.TotalHours, 2)
        : null;

    /// <summary>The table's cell for one slice: the chart's number (up to 2 decimals), or what an empty slice means.</summary>
    public static string MedianCell(CompletionSlice s, MedianUnit u) => MedianValue(s, u) is { } v
        ? v.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)
        : "none completed";

    /// <summary>A duration as a person reads it: "2 d 3 h", "5 h 10 min", "45 min", "30 s".</summary>
    public static string Duration(TimeSpan t)
    {
        if (t.TotalDays >= 1) return t.Hours > 0 ? $"{(int)t.TotalDays} d {t.Hours} h" : $"{(int)t.TotalDays} d";
        if (t.TotalHours >= 1) return t.Minutes > 0 ? $"{(int)t.TotalHours} h {t.Minutes} min" : $"{(int)t.TotalHours} h";
        if (t.TotalMinutes >= 1) return $"{(int)t.TotalMinutes} min";
        return $"{Math.Max(0, (int)t.TotalSeconds)} s";
    }
}

/// <summary>The unit the median chart is drawn in.</summary>
public enum MedianUnit
{
    Hours,
    Days,
}
