using Bunit;
using ESignWeb.Components.Reports;
using ESignWeb.Domain;
using ESignWeb.Reports;
using Microsoft.Extensions.Time.Testing;

namespace ESignWeb.Tests.Components;

/// <summary>
/// The Reports page's range and type picker (the API's rules and messages, next to the input they name; downloads off
/// while a rule fails) and its charts (the administrator's line, the table behind each chart).
/// </summary>
public class ReportsPageTests : ComponentTestBase
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 28, 15, 0, 0, TimeSpan.Zero));

    private IRenderedComponent<ReportPicker> RenderPicker(ReportsPageModel model) =>
        Render<ReportPicker>(p => p.Add(x => x.Model, model).Add(x => x.OnEmail, () => { }));

    private static bool Disabled(AngleSharp.Dom.IElement e) => e.HasAttribute("disabled") || e.ClassList.Contains("mud-button-disabled");

    [Fact]
    public void The_default_is_the_last_30_days_with_both_reports_and_both_downloads_on()
    {
        var model = new ReportsPageModel(Clock);
        Assert.Equal(new DateOnly(2026, 10, 30), model.Range!.Start);
        Assert.Equal(new DateOnly(2026, 11, 28), model.Range.End);

        var cut = RenderPicker(model);
        Assert.Equal("2026-10-30", cut.Find("#report-start").GetAttribute("value"));
        Assert.Equal("2026-11-28", cut.Find("#report-end").GetAttribute("value"));
        var userActivity = cut.Find("[data-testid=download-user_activity]");
        Assert.False(Disabled(userActivity));
        Assert.Equal("reports/download?type=user_activity&start=10%2F30%2F2026&end=11%2F28%2F2026", userActivity.GetAttribute("href"));
        Assert.False(Disabled(cut.Find("[data-testid=download-document_status]")));
        Assert.False(Disabled(cut.Find("[data-testid=report-email]")));
    }

    [Fact]
    public void A_range_over_12_months_shows_the_APIs_message_under_the_end_date_and_turns_the_downloads_off()
    {
        var model = new ReportsPageModel(Clock);
        var cut = RenderPicker(model);

        cut.Find("#report-start").Change("2025-01-01");
        cut.Find("#report-end").Change("2026-01-01");

        string expected;
        try { ReportRange.Create(new DateOnly(2025, 1, 1), new DateOnly(2026, 1, 1), Clock); expected = ""; }
        catch (AppException e) { expected = e.Message; }
        Assert.NotEqual("", expected);
        cut.WaitForAssertion(() => Assert.Contains(expected, cut.Markup));
        Assert.Equal(expected, model.EndError);
        Assert.Null(model.StartError);
        Assert.True(Disabled(cut.Find("[data-testid=download-user_activity]")));
        Assert.Null(cut.Find("[data-testid=download-user_activity]").GetAttribute("href"));
        Assert.True(Disabled(cut.Find("[data-testid=report-email]")));

        // Back inside the rule: the message goes and the downloads come back.
        cut.Find("#report-end").Change("2025-12-31");
        cut.WaitForAssertion(() => Assert.DoesNotContain(expected, cut.Markup));
        Assert.False(Disabled(cut.Find("[data-testid=download-user_activity]")));
        Assert.Equal("reports/download?type=user_activity&start=01%2F01%2F2025&end=12%2F31%2F2025",
            cut.Find("[data-testid=download-user_activity]").GetAttribute("href"));
    }

    [Fact]
    public void A_start_more_than_10_years_back_is_refused_under_the_start_date()
    {
        var model = new ReportsPageModel(Clock);
        var cut = RenderPicker(model);
        cut.Find("#report-end").Change("2016-11-30");
        cut.Find("#report-start").Change("2016-11-27");
        cut.WaitForAssertion(() => Assert.Contains("10 years", model.StartError));
        Assert.Contains(model.StartError!, cut.Markup);
        Assert.True(Disabled(cut.Find("[data-testid=download-document_status]")));
    }

    [Fact]
    public void No_report_type_chosen_shows_the_types_rule_and_offers_no_download()
    {
        var model = new ReportsPageModel(Clock);
        var cut = RenderPicker(model);
        cut.Find("#report-type-user-activity").Change(false);
        Assert.Empty(cut.FindAll("[data-testid=download-user_activity]"));
        Assert.False(Disabled(cut.Find("[data-testid=download-document_status]")));
        cut.Find("#report-type-document-status").Change(false);

        Assert.Equal(model.TypeError, cut.Find("[data-testid=report-type-message]").TextContent.Trim());
        Assert.Contains("report type", model.TypeError);
        Assert.Empty(cut.FindAll("a[data-testid^=download-], button[data-testid^=download-]"));
        Assert.True(Disabled(cut.Find("[data-testid=report-email]")));
    }

    private static ReportFigures Figures(VolumeKind kind) => new(
        new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 3), FigureGranularity.Day,
        ReportFigureService.BucketsFor(new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 3)),
        ReportFigureService.ChartStatuses.Select(s => new StatusSeries(s, s == RequestStatus.Complete ? [2, 0, 1] : [0, 0, 0])).ToList(),
        Created: 3, Sent: 3, Completed: 3, MedianTimeToComplete: TimeSpan.FromHours(27), kind,
        kind == VolumeKind.TopSenders ? [new VolumeRow("Ann Able <ann@example.com>", 3)] : [new VolumeRow(ReportFigureService.FromDocument, 3)],
        [new CompletionSlice(2, TimeSpan.FromHours(27)), new CompletionSlice(0, null), new CompletionSlice(1, TimeSpan.FromMinutes(90))]);

    [Fact]
    public void The_median_chart_has_a_table_of_the_same_numbers_in_hours_with_the_empty_slice_shown_as_none()
    {
        var cut = Render<ReportCharts>(p => p.Add(x => x.Figures, Figures(VolumeKind.BySource)).Add(x => x.EveryUser, false));
        Assert.Equal("Median time to complete (hours)", cut.Find("#chart-median-title").TextContent.Trim());
        var table = cut.Find("[data-testid=table-median]");
        Assert.Equal("chart-median-title", table.GetAttribute("aria-labelledby"));
        Assert.Equal("chart-median-desc", table.GetAttribute("aria-describedby"));
        Assert.Contains("visually-hidden", table.ClassList);
        Assert.Equal(["Day", "Requests completed", "Median time to complete (hours)"], table.QuerySelectorAll("thead th").Select(h => h.TextContent));
        var rows = table.QuerySelectorAll("tbody tr")
            .Select(r => r.QuerySelectorAll("th, td").Select(c => c.TextContent).ToArray()).ToArray();
        Assert.Equal(["Mar 1", "2", "27"], rows[0]);
        Assert.Equal(["Mar 2", "0", "none completed"], rows[1]); // no point, not a zero
        Assert.Equal(["Mar 3", "1", "1.5"], rows[2]);
        Assert.Equal("true", cut.Find("[data-testid=chart-median]").GetAttribute("aria-hidden"));
        // The drawing: a marker on Mar 1 and Mar 3 (x 30 and 670), none on Mar 2 (x 350), and no line across the gap.
        var chart = cut.Find("[data-testid=chart-median] svg");
        var markers = chart.QuerySelectorAll("circle.mud-chart-point").Where(c => c.GetAttribute("opacity") != "0")
            .Select(c => c.GetAttribute("cx")).ToArray();
        Assert.True(markers is ["30", "670"], chart.OuterHtml);
        Assert.DoesNotContain("L", chart.QuerySelector("path.mud-chart-line")!.GetAttribute("d"));
    }

    [Fact]
    public void A_median_of_two_days_or_more_switches_the_median_chart_to_days()
    {
        var f = Figures(VolumeKind.BySource) with
        {
            MedianByBucket = [new CompletionSlice(1, TimeSpan.FromHours(12)), new CompletionSlice(3, TimeSpan.FromHours(60)), new CompletionSlice(0, null)],
        };
        Assert.Equal(MedianUnit.Days, ReportFigureText.MedianUnitOf(f));
        var cut = Render<ReportCharts>(p => p.Add(x => x.Figures, f).Add(x => x.EveryUser, false));
        Assert.Equal("Median time to complete (days)", cut.Find("#chart-median-title").TextContent.Trim());
        var cells = cut.FindAll("[data-testid=table-median] tbody td:last-child").Select(c => c.TextContent).ToArray();
        Assert.Equal(["0.5", "2.5", "none completed"], cells);
        Assert.Equal(MedianUnit.Hours, ReportFigureText.MedianUnitOf(Figures(VolumeKind.BySource)));
    }

    [Fact]
    public void The_administrator_is_told_the_figures_cover_every_user_and_the_charts_have_their_tables()
    {
        var cut = Render<ReportCharts>(p => p.Add(x => x.Figures, Figures(VolumeKind.TopSenders)).Add(x => x.EveryUser, true));
        Assert.Contains("every user of this instance", cut.Find("[data-testid=report-scope-all]").TextContent);
        Assert.Equal("1 d 3 h", cut.Find("[data-testid=total-median] .report-total-value").TextContent.Trim());
        var rows = cut.FindAll("[data-testid=table-status] tbody tr");
        Assert.Equal(["Mar 1", "Mar 2", "Mar 3"], rows.Select(r => r.QuerySelector("th")!.TextContent));
        Assert.Equal("2", rows[0].QuerySelectorAll("td")[0].TextContent); // Completed is the first column
        Assert.Equal("Ann Able <ann@example.com>", cut.Find("[data-testid=table-volume] tbody th").TextContent);
        Assert.Equal("Top senders", cut.Find("#chart-volume-title").TextContent.Trim());
    }

    [Fact]
    public void A_user_sees_no_administrator_line_and_their_volume_by_source()
    {
        var cut = Render<ReportCharts>(p => p.Add(x => x.Figures, Figures(VolumeKind.BySource)).Add(x => x.EveryUser, false));
        Assert.Empty(cut.FindAll("[data-testid=report-scope-all]"));
        Assert.Equal(ReportFigureService.FromDocument, cut.Find("[data-testid=table-volume] tbody th").TextContent);
        Assert.Contains("per day", cut.Find("[data-testid=report-granularity]").TextContent);
    }
}
