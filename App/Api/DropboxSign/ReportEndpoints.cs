using ESignWeb.OAuth;
using ESignWeb.Components.Shared;
using ESignWeb.Reports;

namespace ESignWeb.Api.DropboxSign;

/// <summary>
/// <c>POST /v3/report/create</c> (see docs/api.md "Dropbox Sign"): reads the body (<see cref="ReportCreateInput"/>),
/// judges it with the report rules (<see cref="ReportRange"/>, <see cref="ReportTypes"/> — the same as the Reports
/// page), asks <see cref="ReportService"/> for the reports (built later by the outbox job, one mail per type) and
/// answers Dropbox Sign's <c>{"report": {...}}</c>, with <c>warnings</c> only when there are any.
/// </summary>
public static class ReportEndpoints
{
    /// <summary>Dropbox Sign's own words for an accepted report request.</summary>
    public const string Success = "Your request is being processed. You will receive an email when the report is ready.";

    /// <summary>Warning names (<c>warning_name</c>) this endpoint may give.</summary>
    public const string DuplicateTypeWarning = "report_type_duplicate", FutureEndDateWarning = "end_date_in_future";

    public static void MapDropboxSignReports(this RouteGroupBuilder api)
    {
        api.MapPost("/report/create", CreateAsync).RequireScope(OAuth.ApiScopes.Reports)
            .WithSummary("Requests one or more reports (user_activity, document_status) for a date range; each arrives by mail as a CSV download link.");
    }

    private static async Task<IResult> CreateAsync(HttpContext http, ReportService reports, TimeProvider clock, CancellationToken ct)
    {
        var input = await ReportCreateInput.ReadAsync(http.Request, ct);
        var range = ReportRange.Parse(input.StartDate, input.EndDate, clock);
        var types = await reports.RequestAsync(http.User.UserId(), range, ReportTypes.Parse(input.ReportTypes), ApiKeyAuthenticationHandler.ActorOf(http), ct);
        var warnings = Warnings(input, range, clock);
        return DropboxSignJson.Ok(new ReportCreateResponse(
            new ReportCreateAnswer(Success, range.StartWire, range.EndWire, types.Select(ReportTypes.WireName).ToList()),
            warnings.Count > 0 ? warnings : null));
    }

    /// <summary>What the caller may want to know about an accepted request: a type asked for twice, a range reaching past today.</summary>
    public static List<DropboxSignWarning> Warnings(ReportCreateInput input, ReportRange range, TimeProvider clock)
    {
        var warnings = new List<DropboxSignWarning>();
        var seen = new HashSet<ReportType>();
        foreach (var raw in input.ReportTypes)
            if (ReportTypes.TryParse(raw, out var type) && !seen.Add(type))
                warnings.Add(new DropboxSignWarning(
                    $"report_type {ReportTypes.WireName(type)} was given more than once; one {ReportTypes.Words(type)} report is made.", DuplicateTypeWarning));
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (range.End > today)
            warnings.Add(new DropboxSignWarning(
                $"end_date {range.EndWire} is after today ({ReportRange.Format(today)}, UTC); the report covers what has happened when it is built.", FutureEndDateWarning));
        return warnings;
    }
}

public sealed record ReportCreateResponse(ReportCreateAnswer Report, IReadOnlyList<DropboxSignWarning>? Warnings);

/// <summary>Dropbox Sign's report object: the dates as judged (MM/DD/YYYY) and the types that will be mailed.</summary>
public sealed record ReportCreateAnswer(string Success, string StartDate, string EndDate, IReadOnlyList<string> ReportType);
