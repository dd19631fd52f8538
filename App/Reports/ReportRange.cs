using System.Globalization;
using ESignWeb.Domain;

namespace ESignWeb.Reports;

/// <summary>
/// The days a report covers, both inclusive, in UTC: from <see cref="Start"/> 00:00 to the start of the day after
/// <see cref="End"/>. Made only by <see cref="Parse"/> (the API's MM/DD/YYYY strings) or <see cref="Create"/> (the
/// Reports page's date pickers), which apply the one set of rules (Dropbox Sign's): both dates given; end not before
/// start; at most 12 months (a range that starts on 1 January may end on 31 December, not on 1 January of the next
/// year); start not more than 10 years before today (UTC; exactly 10 years ago is allowed). A refusal names its input
/// (<c>start_date</c>, <c>end_date</c>) in <see cref="AppException.Field"/>.
/// </summary>
public sealed record ReportRange
{
    /// <summary>The wire format of both dates (Dropbox Sign's MM/DD/YYYY; the seed's curl sends 09/01/2020).</summary>
    public const string WireFormat = "MM/dd/yyyy";
    public const int MaxMonths = 12;
    public const int MaxYearsBack = 10;

    public DateOnly Start { get; }
    public DateOnly End { get; }

    private ReportRange(DateOnly start, DateOnly end) { Start = start; End = end; }

    /// <summary>The first instant in range (UTC).</summary>
    public DateTimeOffset From => new(Start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>The first instant after the range (UTC; exclusive).</summary>
    public DateTimeOffset Until => new(End.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>True for an instant in [From, Until).</summary>
    public bool Contains(DateTimeOffset at) => at >= From && at < Until;

    public string StartWire => Format(Start);
    public string EndWire => Format(End);

    public static string Format(DateOnly day) => day.ToString(WireFormat, CultureInfo.InvariantCulture);

    /// <summary>The API's dates, exactly MM/DD/YYYY (two-digit month and day, four-digit year).</summary>
    public static ReportRange Parse(string? startDate, string? endDate, TimeProvider clock)
    {
        var start = ParseDay("start_date", startDate);
        var end = ParseDay("end_date", endDate);
        return Create(start, end, clock);
    }

    /// <summary>The page's dates (null: not picked).</summary>
    public static ReportRange Create(DateOnly? start, DateOnly? end, TimeProvider clock)
    {
        if (start is not { } s) throw AppException.BadField("start_date", "Give a start date.");
        if (end is not { } e) throw AppException.BadField("end_date", "Give an end date.");
        if (e < s)
            throw AppException.BadField("end_date", $"The end date ({Format(e)}) is before the start date ({Format(s)}).");
        if (e >= s.AddMonths(MaxMonths))
            throw AppException.BadField("end_date",
                $"A report covers at most {MaxMonths} months: with a start date of {Format(s)} the end date can be {Format(s.AddMonths(MaxMonths).AddDays(-1))} at the latest.");
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var earliest = today.AddYears(-MaxYearsBack);
        if (s < earliest)
            throw AppException.BadField("start_date",
                $"The start date may be at most {MaxYearsBack} years in the past: {Format(earliest)} or later.");
        return new ReportRange(s, e);
    }

    /// <summary>A range accepted earlier (a queued job's payload): not checked again, since "10 years ago" moves.</summary>
    internal static ReportRange Accepted(string startWire, string endWire) =>
        new(DateOnly.ParseExact(startWire, WireFormat, CultureInfo.InvariantCulture),
            DateOnly.ParseExact(endWire, WireFormat, CultureInfo.InvariantCulture));

    private static DateOnly ParseDay(string field, string? wire)
    {
        if (string.IsNullOrWhiteSpace(wire)) throw AppException.BadField(field, $"{field} is required (MM/DD/YYYY, e.g. 09/01/2020).");
        if (!DateOnly.TryParseExact(wire.Trim(), WireFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            throw AppException.BadField(field,
                $"{field} \"{(wire.Length <= 20 ? wire : wire[..20] + "…")}\" is not a date in the form MM/DD/YYYY (e.g. 09/01/2020).");
        return day;
    }

    public override string ToString() => $"{StartWire}–{EndWire}";
}
