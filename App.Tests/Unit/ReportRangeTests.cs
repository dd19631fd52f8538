using ESignWeb.Domain;
using ESignWeb.Reports;
using Microsoft.Extensions.Time.Testing;

namespace ESignWeb.Tests.Unit;

/// <summary>The report range rules (Dropbox Sign's), each at its boundary, and the report types.</summary>
public class ReportRangeTests
{
    private readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 28, 23, 30, 0, TimeSpan.Zero));

    private static AppException Refused(Action act) => Assert.Throws<AppException>(act);

    [Fact]
    public void A_valid_range_covers_whole_utc_days_inclusive()
    {
        var r = ReportRange.Parse("01/01/2026", "01/31/2026", Clock);
        Assert.Equal(new DateOnly(2026, 1, 1), r.Start);
        Assert.Equal(new DateOnly(2026, 1, 31), r.End);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), r.From);
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), r.Until);
        Assert.True(r.Contains(new DateTimeOffset(2026, 1, 31, 23, 59, 59, TimeSpan.Zero)));
        Assert.False(r.Contains(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.False(r.Contains(new DateTimeOffset(2025, 12, 31, 23, 59, 59, TimeSpan.Zero)));
        Assert.Equal("01/01/2026", r.StartWire);
        Assert.Equal("document_status_2026-01-01_2026-01-31.csv", ReportCsv.FileName(ReportType.DocumentStatus, r));
    }

    [Fact]
    public void End_equal_to_start_is_one_day()
    {
        var r = ReportRange.Parse("09/01/2020", "09/01/2020", Clock);
        Assert.Equal(TimeSpan.FromDays(1), r.Until - r.From);
    }

    [Fact]
    public void End_before_start_is_refused_on_end_date()
    {
        var e = Refused(() => ReportRange.Parse("03/02/2026", "03/01/2026", Clock));
        Assert.Equal("end_date", e.Field);
        Assert.Contains("before the start date", e.Message);
    }

    [Fact]
    public void Exactly_twelve_months_is_allowed_and_one_day_more_is_refused()
    {
        var ok = ReportRange.Parse("01/01/2025", "12/31/2025", Clock);
        Assert.Equal(new DateOnly(2025, 12, 31), ok.End);
        ReportRange.Parse("03/15/2025", "03/14/2026", Clock);
        var e = Refused(() => ReportRange.Parse("01/01/2025", "01/01/2026", Clock));
        Assert.Equal("end_date", e.Field);
        Assert.Contains("12 months", e.Message);
        Assert.Contains("12/31/2025", e.Message);
    }

    [Fact]
    public void Start_exactly_ten_years_ago_is_allowed_and_a_day_earlier_is_refused()
    {
        // Today is 11/28/2026 (UTC, late in the day: the rule counts UTC days, not hours).
        ReportRange.Parse("11/28/2016", "12/31/2016", Clock);
        var e = Refused(() => ReportRange.Parse("11/27/2016", "12/31/2016", Clock));
        Assert.Equal("start_date", e.Field);
        Assert.Contains("10 years", e.Message);
        Assert.Contains("11/28/2016", e.Message);
    }

    [Theory]
    [InlineData(null, "01/01/2026", "start_date")]
    [InlineData("", "01/01/2026", "start_date")]
    [InlineData("01/01/2026", null, "end_date")]
    [InlineData("2026-01-01", "01/31/2026", "start_date")]
    [InlineData("1/1/2026", "01/31/2026", "start_date")]
    [InlineData("13/01/2026", "01/31/2026", "start_date")]
    [InlineData("01/01/2026", "02/30/2026", "end_date")]
    [InlineData("01/01/2026", "31/01/2026", "end_date")]
    public void Missing_or_malformed_dates_are_refused_by_name(string? start, string? end, string field)
    {
        var e = Refused(() => ReportRange.Parse(start, end, Clock));
        Assert.Equal(field, e.Field);
        Assert.Contains(field, e.Message);
        Assert.Equal(ESignWeb.Api.ApiErrorCode.BadRequest, e.Code);
    }

    [Fact]
    public void The_page_path_applies_the_same_rules()
    {
        Assert.Equal("start_date", Refused(() => ReportRange.Create(null, new DateOnly(2026, 1, 1), Clock)).Field);
        Assert.Equal("end_date", Refused(() => ReportRange.Create(new DateOnly(2025, 1, 1), new DateOnly(2026, 1, 1), Clock)).Field);
        Assert.Equal(ReportRange.Parse("02/01/2026", "02/28/2026", Clock), ReportRange.Create(new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 28), Clock));
    }

    [Fact]
    public void Report_types_parse_by_wire_name_and_refuse_unknown_or_none()
    {
        Assert.Equal([ReportType.UserActivity, ReportType.DocumentStatus],
            ReportTypes.Parse(["user_activity", "document_status", "user_activity"]));
        Assert.Equal("document_status", ReportTypes.WireName(ReportType.DocumentStatus));
        var unknown = Refused(() => ReportTypes.Parse(["user_activity", "sales"]));
        Assert.Equal("report_type", unknown.Field);
        Assert.Contains("\"sales\"", unknown.Message);
        Assert.Equal("report_type", Refused(() => ReportTypes.Parse([])).Field);
        Assert.Equal("report_type", Refused(() => ReportTypes.Parse(null)).Field);
        Assert.Equal("report_type", Refused(() => ReportTypes.Validate([])).Field);
    }

    [Fact]
    public void Signer_cells_show_roles_and_statuses()
    {
        Assert.Equal("Ann Lee <ann@x.com>: finalized", ReportCsv.SignerCell("Ann Lee", "ann@x.com", RecipientRole.Signer, RecipientStatus.Finalized));
        Assert.Equal("Bob <bob@x.com> (approver): not_viewed", ReportCsv.SignerCell("Bob", "bob@x.com", RecipientRole.Approver, RecipientStatus.NotViewed));
        Assert.Equal("<c@x.com> (final_copy_reader)", ReportCsv.SignerCell("", "c@x.com", RecipientRole.FinalCopyReader, RecipientStatus.NotViewed));
        Assert.Equal("2026-11-28T10:00:00Z", ReportCsv.Utc(new DateTimeOffset(2026, 11, 28, 11, 0, 0, TimeSpan.FromHours(1))));
        Assert.Equal("", ReportCsv.Utc(null));
    }
}
