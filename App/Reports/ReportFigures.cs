using System.Linq.Expressions;
using ESignWeb.Data;
using ESignWeb.Domain;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Reports;

/// <summary>How the Reports page's "requests by status over time" chart slices a range.</summary>
public enum FigureGranularity
{
    /// <summary>One bar per day (ranges of up to <see cref="ReportFigureService.MaxDailyDays"/> days).</summary>
    Day,
    /// <summary>One bar per 7 days counted from the range's first day (up to <see cref="ReportFigureService.MaxWeeklyDays"/> days).</summary>
    Week,
    /// <summary>One bar per calendar month (longer ranges); the first and last may be partial.</summary>
    Month,
}

/// <summary>One slice of the range: [<see cref="Start"/>, <see cref="End"/>) in UTC, with its axis label.</summary>
public sealed record FigureBucket(DateTimeOffset Start, DateTimeOffset End, string Label);

/// <summary>Requests created in each bucket that are now in <see cref="Status"/> (one count per bucket).</summary>
public sealed record StatusSeries(RequestStatus Status, IReadOnlyList<int> Counts)
{
    public int Total => Counts.Sum();
}

/// <summary>
/// One slice of the "median time to complete" chart: the requests completed in it (by <c>CompletedAt</c>) and the median
/// of their CompletedAt − SentAt; null when none completed in the slice (a gap in the chart, not a zero).
/// </summary>
public sealed record CompletionSlice(int Completed, TimeSpan? Median);

/// <summary>A bar of the volume chart: a sender (administrator) or a source (template / document) and its requests sent.</summary>
public sealed record VolumeRow(string Label, int Sent);

/// <summary>What the volume chart compares.</summary>
public enum VolumeKind
{
    /// <summary>The top senders of the instance (an administrator's figures).</summary>
    TopSenders,
    /// <summary>The user's own requests, sent from a template or straight from a document.</summary>
    BySource,
}

/// <summary>
/// The Reports page's figures for one scope and one inclusive UTC date range. Every count is a GROUP BY in the database;
/// the headline median reads at most two durations; the per-slice medians read one number pair per completed request.
/// </summary>
public sealed record ReportFigures(
    DateOnly Start,
    DateOnly End,
    FigureGranularity Granularity,
    IReadOnlyList<FigureBucket> Buckets,
    IReadOnlyList<StatusSeries> ByStatus,
    int Created,
    int Sent,
    int Completed,
    TimeSpan? MedianTimeToComplete,
    VolumeKind VolumeKind,
    IReadOnlyList<VolumeRow> Volume,
    IReadOnlyList<CompletionSlice> MedianByBucket)
{
    /// <summary>The requests created in the range (all statuses).</summary>
    public int CreatedTotal => ByStatus.Sum(s => s.Total);
}

/// <summary>
/// Computes <see cref="ReportFigures"/>. <c>ownerId</c> null means every user of the instance (the administrator's
/// scope); otherwise one user's own requests. Days are UTC days, as in the CSV reports.
/// </summary>
public sealed class ReportFigureService(IDbContextFactory<AppDbContext> dbFactory)
{
    public const int MaxDailyDays = 62;
    public const int MaxWeeklyDays = 186;
    public const int TopSenders = 10;
    public const string FromTemplate = "From a template";
    public const string FromDocument = "From a document";

    /// <summary>The statuses the chart shows, in stacking order.</summary>
    public static readonly IReadOnlyList<RequestStatus> ChartStatuses =
    [
        RequestStatus.Complete, RequestStatus.Incomplete, RequestStatus.RecipientDeclined,
        RequestStatus.Canceled, RequestStatus.Expired, RequestStatus.Draft,
    ];

    private const int StatusSlots = 16; // > every RequestStatus value: bucket * 16 + status is one group key

    public static FigureGranularity GranularityFor(DateOnly start, DateOnly end)
    {
        var days = end.DayNumber - start.DayNumber + 1;
        return days <= MaxDailyDays ? FigureGranularity.Day : days <= MaxWeeklyDays ? FigureGranularity.Week : FigureGranularity.Month;
    }

    /// <summary>The slices of [start, end] (inclusive days, UTC) for the range's granularity.</summary>
    public static IReadOnlyList<FigureBucket> BucketsFor(DateOnly start, DateOnly end)
    {
        if (end < start) throw new ArgumentException("The range ends before it starts.", nameof(end));
        var granularity = GranularityFor(start, end);
        var buckets = new List<FigureBucket>();
        var from = start;
        while (from <= end)
        {
            var next = granularity switch
            {
                FigureGranularity.Day => from.AddDays(1),
                FigureGranularity.Week => from.AddDays(7),
                _ => new DateOnly(from.Year, from.Month, 1).AddMonths(1),
            };
            if (next > end.AddDays(1)) next = end.AddDays(1);
            var label = granularity switch
            {
                FigureGranularity.Day => from.ToString("MMM d", System.Globalization.CultureInfo.InvariantCulture),
                FigureGranularity.Week => from.ToString("MMM d", System.Globalization.CultureInfo.InvariantCulture),
                _ => from.ToString("MMM yyyy", System.Globalization.CultureInfo.InvariantCulture),
            };
            buckets.Add(new FigureBucket(Utc(from), Utc(next), label));
            from = next;
        }
        return buckets;
    }

    /// <summary>The figures for a user's <see cref="ReportScope"/> (every user for an administrator) over a checked range.</summary>
    public Task<ReportFigures> ComputeAsync(ReportScope scope, ReportRange range, CancellationToken ct = default) =>
        ComputeAsync(scope.EveryUser ? null : scope.UserId, range.Start, range.End, ct);

    public async Task<ReportFigures> ComputeAsync(string? ownerId, DateOnly start, DateOnly end, CancellationToken ct = default)
    {
        var buckets = BucketsFor(start, end);
        var from = Utc(start);
        var to = Utc(end.AddDays(1));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var scoped = ownerId is null ? db.Requests : db.Requests.Where(r => r.OwnerId == ownerId);

        // Requests created in the range, by (bucket, current status): one GROUP BY.
        var groups = await scoped.Where(r => r.CreatedAt >= from && r.CreatedAt < to)
            .GroupBy(GroupKey(buckets))
            .Select(g => new { g.Key, Count = g.Count() })
            .ToListAsync(ct);
        var counts = ChartStatuses.ToDictionary(s => s, _ => new int[buckets.Count]);
        foreach (var g in groups)
        {
            var status = (RequestStatus)(g.Key % StatusSlots);
            if (counts.TryGetValue(status, out var row)) row[g.Key / StatusSlots] += g.Count;
        }
        var byStatus = ChartStatuses.Select(s => new StatusSeries(s, counts[s])).ToList();

        var sentInRange = scoped.Where(r => r.SentAt != null && r.SentAt >= from && r.SentAt < to);
        var sent = await sentInRange.CountAsync(ct);
        var completedInRange = scoped.Where(r => r.CompletedAt != null && r.SentAt != null && r.CompletedAt >= from && r.CompletedAt < to);
        var completed = await completedInRange.CountAsync(ct);
        var median = completed == 0 ? (TimeSpan?)null : await MedianTimeToCompleteAsync(db, ownerId, from, to, completed, ct);
        var medianByBucket = completed == 0
            ? buckets.Select(_ => new CompletionSlice(0, null)).ToList()
            : await MediansPerBucketAsync(completedInRange, buckets, ct);

        IReadOnlyList<VolumeRow> volume;
        VolumeKind kind;
        if (ownerId is null)
        {
            kind = VolumeKind.TopSenders;
            var top = await sentInRange.GroupBy(r => r.OwnerId)
                .Select(g => new { OwnerId = g.Key, Sent = g.Count() })
                .OrderByDescending(x => x.Sent).ThenBy(x => x.OwnerId)
                .Take(TopSenders)
                .Join(db.Users, x => x.OwnerId, u => u.Id, (x, u) => new { x.Sent, u.FirstName, u.LastName, u.Email })
                .ToListAsync(ct);
            volume = top.OrderByDescending(x => x.Sent)
                .Select(x => new VolumeRow(SenderLabel(x.FirstName, x.LastName, x.Email), x.Sent)).ToList();
        }
        else
        {
            kind = VolumeKind.BySource;
            var bySource = await sentInRange.GroupBy(r => r.TemplateId != null)
                .Select(g => new { FromTemplate = g.Key, Sent = g.Count() })
                .ToListAsync(ct);
            volume =
            [
                new VolumeRow(FromTemplate, bySource.Where(x => x.FromTemplate).Sum(x => x.Sent)),
                new VolumeRow(FromDocument, bySource.Where(x => !x.FromTemplate).Sum(x => x.Sent)),
            ];
        }

        return new ReportFigures(start, end, GranularityFor(start, end), buckets, byStatus,
            byStatus.Sum(s => s.Total), sent, completed, median, kind, volume, medianByBucket);
    }

    /// <summary>
    /// The median of CompletedAt − SentAt over the <paramref name="n"/> requests completed in the range: the database
    /// orders the durations and returns the middle one or two (times are stored as UTC ticks).
    /// </summary>
    private static async Task<TimeSpan> MedianTimeToCompleteAsync(AppDbContext db, string? ownerId, DateTimeOffset from,
        DateTimeOffset to, int n, CancellationToken ct)
    {
        long fromTicks = from.UtcTicks, toTicks = to.UtcTicks;
        var middle = await db.Database.SqlQuery<long>($"""
            SELECT "CompletedAt" - "SentAt" AS "Value" FROM "Requests"
            WHERE "CompletedAt" IS NOT NULL AND "SentAt" IS NOT NULL
              AND "CompletedAt" >= {fromTicks} AND "CompletedAt" < {toTicks}
              AND ({ownerId ?? ""} = '' OR "OwnerId" = {ownerId ?? ""})
            ORDER BY 1 LIMIT 2 OFFSET {(n - 1) / 2}
            """).ToListAsync(ct);
        var ticks = n % 2 == 1 || middle.Count < 2 ? middle[0] : (middle[0] + middle[1]) / 2;
        return TimeSpan.FromTicks(ticks);
    }

    /// <summary>
    /// The median time to complete per slice of the range, a request counting in the slice it completed in. The database
    /// returns two columns per completed request (CompletedAt, SentAt: no entities, no tracking), streamed; only the
    /// durations are kept (one <c>long</c> each), then sorted per slice (<see cref="MediansOf"/>). Plain LINQ, so it
    /// translates on any provider.
    /// </summary>
    private static async Task<IReadOnlyList<CompletionSlice>> MediansPerBucketAsync(IQueryable<SignatureRequest> completedInRange,
        IReadOnlyList<FigureBucket> buckets, CancellationToken ct)
    {
        var durations = buckets.Select(_ => new List<long>()).ToArray();
        var ends = buckets.Select(b => b.End.UtcTicks).ToArray();
        await foreach (var r in completedInRange.Select(r => new { r.CompletedAt, r.SentAt }).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (r.CompletedAt is not { } done || r.SentAt is not { } sent) continue;
            durations[BucketOf(ends, done.UtcTicks)].Add((done - sent).Ticks);
        }
        return MediansOf(durations);
    }

    /// <summary>
    /// The index of the bucket holding <paramref name="ticks"/>: the first whose end lies after it (the ends ascend; a time
    /// at or past the last end, which the query excludes, falls in the last bucket).
    /// </summary>
    private static int BucketOf(long[] ends, long ticks)
    {
        var i = Array.BinarySearch(ends, ticks);
        i = i >= 0 ? i + 1 : ~i; // an exact end belongs to the next bucket: [Start, End)
        return Math.Min(i, ends.Length - 1);
    }

    /// <summary>Per slice: the count and the median of its durations (in ticks) — the middle one, or the mean of the two middle ones.</summary>
    public static IReadOnlyList<CompletionSlice> MediansOf(IReadOnlyList<List<long>> durationsPerBucket) =>
        durationsPerBucket.Select(d =>
        {
            if (d.Count == 0) return new CompletionSlice(0, null);
            d.Sort();
            var mid = d.Count / 2;
            var ticks = d.Count % 2 == 1 ? d[mid] : d[mid - 1] + (d[mid] - d[mid - 1]) / 2;
            return new CompletionSlice(d.Count, TimeSpan.FromTicks(ticks));
        }).ToList();

    /// <summary><c>r => bucket(r.CreatedAt) * StatusSlots + (int)r.Status</c>, the bucket as one CASE over the bucket starts.</summary>
    private static Expression<Func<SignatureRequest, int>> GroupKey(IReadOnlyList<FigureBucket> buckets)
    {
        var r = Expression.Parameter(typeof(SignatureRequest), "r");
        var created = Expression.Property(r, nameof(SignatureRequest.CreatedAt));
        Expression bucket = Expression.Constant(buckets.Count - 1);
        for (var i = buckets.Count - 2; i >= 0; i--)
            bucket = Expression.Condition(Expression.LessThan(created, Expression.Constant(buckets[i].End)), Expression.Constant(i), bucket);
        var status = Expression.Convert(Expression.Property(r, nameof(SignatureRequest.Status)), typeof(int));
        var key = Expression.Add(Expression.Multiply(bucket, Expression.Constant(StatusSlots)), status);
        return Expression.Lambda<Func<SignatureRequest, int>>(key, r);
    }

    private static string SenderLabel(string first, string last, string? email) =>
        $"{first} {last}".Trim() is { Length: > 0 } name ? $"{name} <{email}>" : email ?? "";

    private static DateTimeOffset Utc(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
