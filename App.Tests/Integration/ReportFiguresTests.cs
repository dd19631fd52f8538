using System.Net;
using ESignWeb.Data;
using ESignWeb.Tests.Fixtures;
using Microsoft.AspNetCore.Mvc.Testing;
using ESignWeb.Domain;
using ESignWeb.Reports;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// The Reports page's figures against rows seeded with known times (its own database: the administrator's scope counts
/// every row). The expected numbers are worked out by hand from the seed below. Also the page's CSV download
/// (<c>GET /reports/download</c>): cookie auth, the caller's rows only, the API's refusals.
/// </summary>
public class ReportFiguresTests(ReportFiguresTests.Seeded seed) : IClassFixture<ReportFiguresTests.Seeded>
{
    private static readonly DateOnly March1 = new(2026, 3, 1), March10 = new(2026, 3, 10);

    private static DateTimeOffset At(int month, int day, int hour = 0, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    /// <summary>
    /// Ann (A): #1 created 03-01 10:00 complete (sent 10:00, done 12:00: 2 h) · #2 created 03-01 23:59 incomplete (sent 03-02
    /// 00:10) · #3 created 03-03 08:00 complete (sent then, done 03-05 08:00: 48 h) · #4 created 03-03 09:00 declined (sent
    /// then) · #5 created 03-10 23:00 draft · #6 created 02-28 23:59 (before the range) complete, sent then, done 03-02
    /// 23:59 (48 h) · #7 created 03-11 00:00 (after) draft · #8 created 03-04 00:00 complete from template 5 (sent then,
    /// done 06:00: 6 h).
    /// Ben (B): #9 created 03-02 00:00 complete (sent then, done 01:00: 1 h) · #10 created 03-05 12:00 incomplete (sent then).
    /// Cid (C), all in April, for the per-slice medians: done 04-02 03:00 (sent 04-02 00:00: 3 h), 04-02 06:00 (sent 04-01
    /// 20:00: 10 h), 04-02 09:00 (sent 08:00: 1 h); done 04-03 04:00 (sent 00:00: 4 h), 04-03 06:00 (sent 04-02 00:00:
    /// 30 h); done 04-04 00:00 exactly (sent 04-03 22:00: 2 h); done 04-05 01:00 (sent 00:00: 1 h); one sent 04-01 and
    /// never completed.
    /// </summary>
    public sealed class Seeded : IAsyncLifetime
    {
        public ESignAppFactory App { get; } = new();
        public string Ann { get; private set; } = "";
        public string Ben { get; private set; } = "";
        public string Cid { get; private set; } = "";

        public async Task InitializeAsync()
        {
            _ = App.Server;
            Ann = await App.CreateUserAsync("ann-figures@example.com", "Ann", "Able");
            Ben = await App.CreateUserAsync("ben-figures@example.com", "Ben", "Baker");
            Cid = await App.CreateUserAsync("cid-figures@example.com", "Cid", "Cole");
            await using var db = await App.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            var docA = Doc(Ann);
            var docB = Doc(Ben);
            var docC = Doc(Cid);
            db.Documents.AddRange(docA, docB, docC);
            await db.SaveChangesAsync();
            db.Requests.AddRange(
                Req(Ann, docA, At(3, 1, 10), RequestStatus.Complete, At(3, 1, 10), At(3, 1, 12)),
                Req(Ann, docA, At(3, 1, 23, 59), RequestStatus.Incomplete, At(3, 2, 0, 10)),
                Req(Ann, docA, At(3, 3, 8), RequestStatus.Complete, At(3, 3, 8), At(3, 5, 8)),
                Req(Ann, docA, At(3, 3, 9), RequestStatus.RecipientDeclined, At(3, 3, 9)),
                Req(Ann, docA, At(3, 10, 23), RequestStatus.Draft),
                Req(Ann, docA, At(2, 28, 23, 59), RequestStatus.Complete, At(2, 28, 23, 59), At(3, 2, 23, 59)),
                Req(Ann, docA, At(3, 11), RequestStatus.Draft),
                Req(Ann, docA, At(3, 4), RequestStatus.Complete, At(3, 4), At(3, 4, 6), templateId: 5),
                Req(Ben, docB, At(3, 2), RequestStatus.Complete, At(3, 2), At(3, 2, 1)),
                Req(Ben, docB, At(3, 5, 12), RequestStatus.Incomplete, At(3, 5, 12)),
                Req(Cid, docC, At(4, 2), RequestStatus.Complete, At(4, 2), At(4, 2, 3)),
                Req(Cid, docC, At(4, 1, 20), RequestStatus.Complete, At(4, 1, 20), At(4, 2, 6)),
                Req(Cid, docC, At(4, 2, 8), RequestStatus.Complete, At(4, 2, 8), At(4, 2, 9)),
                Req(Cid, docC, At(4, 3), RequestStatus.Complete, At(4, 3), At(4, 3, 4)),
                Req(Cid, docC, At(4, 2), RequestStatus.Complete, At(4, 2), At(4, 3, 6)),
                Req(Cid, docC, At(4, 3, 22), RequestStatus.Complete, At(4, 3, 22), At(4, 4)),
                Req(Cid, docC, At(4, 5), RequestStatus.Complete, At(4, 5), At(4, 5, 1)),
                Req(Cid, docC, At(4, 1), RequestStatus.Incomplete, At(4, 1)));
            await db.SaveChangesAsync();
        }

        public async Task DisposeAsync() => await App.DisposeAsync();

        private static Document Doc(string owner) => new()
        {
            OwnerId = owner, Name = $"{Guid.NewGuid():N}.pdf", BlobKey = "none", Sha256 = "none", PageCount = 1,
            CreatedAt = At(1, 1), ModifiedAt = At(1, 1),
        };

        private static SignatureRequest Req(string owner, Document doc, DateTimeOffset created, RequestStatus status,
            DateTimeOffset? sent = null, DateTimeOffset? completed = null, int? templateId = null) => new()
        {
            OwnerId = owner, DocumentId = doc.Id, Name = "Figures", Status = status, CreatedAt = created, ModifiedAt = created,
            SentAt = sent, CompletedAt = completed, TemplateId = templateId,
        };
    }

    private ReportFigureService Figures => seed.App.Get<ReportFigureService>();

    private static int[] Series(ReportFigures f, RequestStatus status) => f.ByStatus.Single(s => s.Status == status).Counts.ToArray();

    [Fact]
    public async Task A_user_sees_their_own_requests_per_day_by_status_with_the_median_and_the_split_by_source()
    {
        var f = await Figures.ComputeAsync(seed.Ann, March1, March10);

        Assert.Equal(FigureGranularity.Day, f.Granularity);
        Assert.Equal(10, f.Buckets.Count);
        Assert.Equal("Mar 1", f.Buckets[0].Label);
        Assert.Equal([1, 0, 1, 1, 0, 0, 0, 0, 0, 0], Series(f, RequestStatus.Complete));
        Assert.Equal([1, 0, 0, 0, 0, 0, 0, 0, 0, 0], Series(f, RequestStatus.Incomplete)); // 23:59 is still March 1
        Assert.Equal([0, 0, 1, 0, 0, 0, 0, 0, 0, 0], Series(f, RequestStatus.RecipientDeclined));
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 1], Series(f, RequestStatus.Draft)); // 23:00 on the last day counts
        Assert.Equal(0, f.ByStatus.Single(s => s.Status == RequestStatus.Canceled).Total);
        Assert.Equal(6, f.Created); // #1–#5 and #8; not #6 (before) nor #7 (after)
        Assert.Equal(5, f.Sent);    // #1–#4 and #8; #6 was sent in February
        Assert.Equal(4, f.Completed); // #1, #3, #6, #8: 2 h, 48 h, 48 h, 6 h
        Assert.Equal(TimeSpan.FromHours(27), f.MedianTimeToComplete); // (6 + 48) / 2
        Assert.Equal(VolumeKind.BySource, f.VolumeKind);
        Assert.Equal([new VolumeRow(ReportFigureService.FromTemplate, 1), new VolumeRow(ReportFigureService.FromDocument, 4)], f.Volume);
    }

    [Fact]
    public async Task The_administrators_scope_counts_every_user_and_ranks_the_senders()
    {
        var f = await Figures.ComputeAsync(null, March1, March10);

        Assert.Equal(8, f.Created);
        Assert.Equal(7, f.Sent);
        Assert.Equal(5, f.Completed); // durations 1, 2, 6, 48, 48
        Assert.Equal(TimeSpan.FromHours(6), f.MedianTimeToComplete);
        Assert.Equal([1, 1, 1, 1, 0, 0, 0, 0, 0, 0], Series(f, RequestStatus.Complete));
        Assert.Equal([1, 0, 0, 0, 1, 0, 0, 0, 0, 0], Series(f, RequestStatus.Incomplete));
        Assert.Equal(VolumeKind.TopSenders, f.VolumeKind);
        Assert.Equal([new VolumeRow("Ann Able <ann-figures@example.com>", 5), new VolumeRow("Ben Baker <ben-figures@example.com>", 2)], f.Volume);
    }

    [Fact]
    public async Task Another_users_figures_hold_none_of_the_first_users_rows()
    {
        var f = await Figures.ComputeAsync(seed.Ben, March1, March10);
        Assert.Equal(2, f.Created);
        Assert.Equal(1, f.Completed);
        Assert.Equal(TimeSpan.FromHours(1), f.MedianTimeToComplete);
        var empty = await Figures.ComputeAsync(seed.Ben, new DateOnly(2025, 1, 1), new DateOnly(2025, 1, 31));
        Assert.Equal(0, empty.Created);
        Assert.Null(empty.MedianTimeToComplete);
        Assert.All(empty.ByStatus, s => Assert.All(s.Counts, c => Assert.Equal(0, c)));
    }

    [Fact]
    public async Task Longer_ranges_are_counted_per_week_then_per_month()
    {
        var weekly = await Figures.ComputeAsync(seed.Ann, new DateOnly(2026, 2, 1), new DateOnly(2026, 4, 30)); // 89 days
        Assert.Equal(FigureGranularity.Week, weekly.Granularity);
        Assert.Equal(13, weekly.Buckets.Count); // 12 × 7 days + 5
        Assert.Equal(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero), weekly.Buckets[^1].End);
        // Weeks from Feb 1: Feb 22–28 holds #6, Mar 1–7 holds #1–#4 and #8, Mar 8–14 holds #5 and #7.
        Assert.Equal(1, weekly.ByStatus.Sum(s => s.Counts[3]));
        Assert.Equal(5, weekly.ByStatus.Sum(s => s.Counts[4]));
        Assert.Equal(2, weekly.ByStatus.Sum(s => s.Counts[5]));
        Assert.Equal(8, weekly.Created);

        var monthly = await Figures.ComputeAsync(seed.Ann, new DateOnly(2025, 12, 15), new DateOnly(2026, 6, 30));
        Assert.Equal(FigureGranularity.Month, monthly.Granularity);
        Assert.Equal(["Dec 2025", "Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026", "May 2026", "Jun 2026"], monthly.Buckets.Select(b => b.Label));
        Assert.Equal([0, 0, 1, 7, 0, 0, 0], Enumerable.Range(0, 7).Select(i => monthly.ByStatus.Sum(s => s.Counts[i])));
    }

    [Fact]
    public async Task The_pages_download_streams_the_signed_in_users_own_CSV_and_refuses_a_bad_range_with_the_APIs_message()
    {
        var anonymous = seed.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using (var refused = await anonymous.GetAsync("/reports/download?type=document_status&start=03%2F01%2F2026&end=03%2F10%2F2026"))
            Assert.True(refused.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Unauthorized, refused.StatusCode.ToString());

        var ben = seed.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var (path, _) = await AccountForms.LogInAsync(ben, "ben-figures@example.com", "Passw0rd!long");
        Assert.NotEqual("/Account/Login", path);

        using var ok = await ben.GetAsync("/reports/download?type=document_status&start=03%2F01%2F2026&end=03%2F10%2F2026");
        var body = await ok.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("text/csv", ok.Content.Headers.ContentType?.MediaType);
        Assert.Equal("document_status_2026-03-01_2026-03-10.csv", ok.Content.Headers.ContentDisposition?.FileNameStar ?? ok.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var lines = body.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length); // the header and Ben's two requests created in the range
        Assert.DoesNotContain("ann-figures@example.com", body);

        using var tooLong = await ben.GetAsync("/reports/download?type=document_status&start=03%2F01%2F2025&end=03%2F01%2F2026");
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        var expected = Assert.Throws<AppException>(() => ReportRange.Parse("03/01/2025", "03/01/2026", TimeProvider.System)).Message;
        Assert.Equal(expected, await tooLong.Content.ReadAsStringAsync());
        using var unknown = await ben.GetAsync("/reports/download?type=everything&start=03%2F01%2F2026&end=03%2F10%2F2026");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("Unknown report type", await unknown.Content.ReadAsStringAsync());
    }

    private static CompletionSlice Slice(int completed, double? hours) =>
        new(completed, hours is { } h ? TimeSpan.FromHours(h) : null);

    [Fact]
    public async Task The_median_per_day_counts_each_request_on_the_day_it_completed_odd_even_and_empty_days()
    {
        var f = await Figures.ComputeAsync(seed.Cid, new DateOnly(2026, 4, 1), new DateOnly(2026, 4, 4));

        Assert.Equal(
        [
            Slice(0, null), // Apr 1: one sent, none completed — a gap, not zero
            Slice(3, 3),    // Apr 2: 1, 3, 10 h → the middle one
            Slice(2, 17),   // Apr 3: 4, 30 h → (4 + 30) / 2
            Slice(1, 2),    // Apr 4: done at 00:00 exactly, so in Apr 4, not Apr 3; the Apr 5 one is out of range
        ], f.MedianByBucket);
        Assert.Equal(6, f.Completed);
        Assert.Equal(TimeSpan.FromHours(3.5), f.MedianTimeToComplete); // 1, 2, 3, 4, 10, 30: the headline agrees
    }

    [Fact]
    public async Task The_median_per_day_of_the_first_user_and_of_the_administrator()
    {
        var ann = await Figures.ComputeAsync(seed.Ann, March1, March10);
        // #1 done Mar 1 (2 h), #6 done Mar 2 (48 h; sent in February, completed in range), #8 done Mar 4 (6 h), #3 done Mar 5 (48 h).
        Assert.Equal([Slice(1, 2), Slice(1, 48), Slice(0, null), Slice(1, 6), Slice(1, 48), Slice(0, null),
            Slice(0, null), Slice(0, null), Slice(0, null), Slice(0, null)], ann.MedianByBucket);

        var everyone = await Figures.ComputeAsync(null, March1, March10);
        Assert.Equal(Slice(2, 24.5), everyone.MedianByBucket[1]); // Mar 2: Ann's 48 h and Ben's 1 h
        Assert.Equal(Slice(1, 2), everyone.MedianByBucket[0]);
        Assert.Equal(everyone.Completed, everyone.MedianByBucket.Sum(m => m.Completed));
        Assert.Null(everyone.MedianByBucket[2].Median);
        Assert.DoesNotContain(everyone.MedianByBucket, m => m.Completed == 3); // Cid's April rows are outside

        var nothing = await Figures.ComputeAsync(seed.Ben, new DateOnly(2025, 1, 1), new DateOnly(2025, 1, 31));
        Assert.Equal(31, nothing.MedianByBucket.Count);
        Assert.All(nothing.MedianByBucket, m => Assert.Equal(Slice(0, null), m));
    }

    [Fact]
    public async Task The_median_follows_the_weekly_and_monthly_slices()
    {
        var weekly = await Figures.ComputeAsync(seed.Ann, new DateOnly(2026, 2, 1), new DateOnly(2026, 4, 30));
        Assert.Equal(weekly.Buckets.Count, weekly.MedianByBucket.Count);
        // Week from Mar 1 (bucket 4): 2, 6, 48, 48 h → (6 + 48) / 2; week from Feb 22 holds #6's creation, not its completion.
        Assert.Equal(Slice(4, 27), weekly.MedianByBucket[4]);
        Assert.Equal(Slice(0, null), weekly.MedianByBucket[3]);
        Assert.Equal(4, weekly.MedianByBucket.Sum(m => m.Completed));

        var monthly = await Figures.ComputeAsync(seed.Cid, new DateOnly(2025, 12, 15), new DateOnly(2026, 6, 30));
        // April: 1, 1, 2, 3, 4, 10, 30 h (the Apr 5 one now in range) → the 4th.
        Assert.Equal([Slice(0, null), Slice(0, null), Slice(0, null), Slice(0, null), Slice(7, 3), Slice(0, null), Slice(0, null)],
            monthly.MedianByBucket);
    }

    [Fact]
    public void The_median_of_a_slice_is_the_middle_duration_or_the_mean_of_the_two_middle_ones()
    {
        var medians = ReportFigureService.MediansOf([[50, 10, 30], [40, 10, 20, 30], [], [7], [1, 2]]);
        Assert.Equal([new CompletionSlice(3, TimeSpan.FromTicks(30)), new CompletionSlice(4, TimeSpan.FromTicks(25)),
            new CompletionSlice(0, null), new CompletionSlice(1, TimeSpan.FromTicks(7)), new CompletionSlice(2, TimeSpan.FromTicks(1))], medians);
    }

    [Theory]
    [InlineData("2026-03-01", "2026-03-01", FigureGranularity.Day)]
    [InlineData("2026-03-01", "2026-05-01", FigureGranularity.Day)]   // 62 days
    [InlineData("2026-03-01", "2026-05-02", FigureGranularity.Week)]  // 63 days
    [InlineData("2026-01-01", "2026-07-05", FigureGranularity.Week)]  // 186 days
    [InlineData("2026-01-01", "2026-07-06", FigureGranularity.Month)] // 187 days
    public void The_granularity_follows_the_length_of_the_range(string start, string end, FigureGranularity expected) =>
        Assert.Equal(expected, ReportFigureService.GranularityFor(DateOnly.Parse(start), DateOnly.Parse(end)));
}
