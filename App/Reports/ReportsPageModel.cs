using ESignWeb.Domain;

namespace ESignWeb.Reports;

/// <summary>
/// The Reports page's choices: a range (two date pickers; default the last 30 days, UTC) and the report types. The
/// rules and their messages are the API's (<see cref="ReportRange.Create"/>, <see cref="ReportTypes.Validate"/>); a
/// refusal is shown next to the input it names (<see cref="AppException.Field"/>).
/// </summary>
public sealed class ReportsPageModel
{
    private readonly TimeProvider _clock;

    public ReportsPageModel(TimeProvider clock)
    {
        _clock = clock;
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        Start = today.AddDays(-29).ToDateTime(TimeOnly.MinValue);
        End = today.ToDateTime(TimeOnly.MinValue);
        Validate();
    }

    /// <summary>The first day (what MudDatePicker binds: a date at midnight; null when cleared).</summary>
    public DateTime? Start { get; set; }
    /// <summary>The last day, included.</summary>
    public DateTime? End { get; set; }
    public bool UserActivity { get; set; } = true;
    public bool DocumentStatus { get; set; } = true;

    public string? StartError { get; private set; }
    public string? EndError { get; private set; }
    public string? TypeError { get; private set; }

    /// <summary>The range when it passes the rules; null otherwise.</summary>
    public ReportRange? Range { get; private set; }

    public IReadOnlyList<ReportType> Types =>
        ReportTypes.All.Where(t => t == ReportType.UserActivity ? UserActivity : DocumentStatus).ToList();

    public bool CanDownload => Range is not null && TypeError is null;

    /// <summary>Applies the rules to the current choices; true when they all pass.</summary>
    public bool Validate()
    {
        StartError = EndError = TypeError = null;
        try
        {
            Range = ReportRange.Create(Day(Start), Day(End), _clock);
        }
        catch (AppException e)
        {
            Range = null;
            if (e.Field == "start_date") StartError = e.Message; else EndError = e.Message;
        }
        try
        {
            ReportTypes.Validate(Types);
        }
        catch (AppException e)
        {
            TypeError = e.Message;
        }
        return CanDownload;
    }

    /// <summary>The signed-in user's download of one report over the range (<c>GET /reports/download</c>).</summary>
    public string DownloadUrl(ReportType type) => Range is { } r
        ? $"reports/download?type={ReportTypes.WireName(type)}&start={Uri.EscapeDataString(r.StartWire)}&end={Uri.EscapeDataString(r.EndWire)}"
        : throw new InvalidOperationException("No valid range.");

    /// <summary>What the page says once the mails are queued.</summary>
    public static string EmailNote(IReadOnlyList<ReportType> types) =>
        $"On its way: {(types.Count == 1 ? "a mail" : $"{types.Count} mails")} with a link to the " +
        $"{string.Join(" and ", types.Select(ReportTypes.Words))} report{(types.Count == 1 ? "" : "s")} will reach you shortly.";

    private static DateOnly? Day(DateTime? d) => d is { } v ? DateOnly.FromDateTime(v) : null;
}
