using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Outbox;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Reports;

/// <summary>
/// Asks for reports: the range and types are checked by their one rule set (<see cref="ReportRange"/>,
/// <see cref="ReportTypes"/>), then one outbox job per type is queued in one transaction. Each job builds its CSV
/// and mails the requester a download link (<see cref="ReportBuildHandler"/>). Used by the Dropbox Sign API
/// (<c>POST /v3/report/create</c>) and the Reports page.
/// </summary>
public sealed class ReportService(IDbContextFactory<AppDbContext> dbFactory, OutboxSignal signal, TimeProvider clock)
{
    /// <summary>The API's way in: dates as MM/DD/YYYY and types by wire name, checked in that order (start, end, types).</summary>
    public Task<IReadOnlyList<ReportType>> RequestAsync(string userId, string? startDate, string? endDate,
        IEnumerable<string?>? reportTypes, Actor actor, CancellationToken ct = default)
    {
        var range = ReportRange.Parse(startDate, endDate, clock);
        var types = ReportTypes.Parse(reportTypes);
        return RequestAsync(userId, range, types, actor, ct);
    }

    /// <summary>
    /// Report builds an account may ask for in <see cref="Window"/> (each type counts): a report reads the whole
    /// range (an administrator's, every account) and keeps a file for days, so asking in a loop is refused with
    /// <c>RateLimitExceeded</c> (Dropbox Sign: 429 <c>exceeded_rate</c>) rather than queued.
    /// </summary>
    public const int BuildsPerWindow = 20;

    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    /// <summary>Queues one build job per type; returns the types queued (without repeats).</summary>
    public async Task<IReadOnlyList<ReportType>> RequestAsync(string userId, ReportRange range, IEnumerable<ReportType> types,
        Actor actor, CancellationToken ct = default)
    {
        var list = ReportTypes.Validate(types);
        await dbFactory.WriteAsync(async db =>
        {
            var now = clock.GetUtcNow();
            if (!await db.Users.AnyAsync(u => u.Id == userId, ct)) throw Domain.AppException.NotFound("The account");
            var since = now - Window;
            // Few rows per account and hour; ordered here (SQLite cannot order DateTimeOffset columns).
            var recent = (await db.Outbox.Where(m => m.Kind == OutboxKinds.ReportBuild && m.OwnerId == userId && m.CreatedAt > since)
                .Select(m => m.CreatedAt).ToListAsync(ct)).Order().ToList();
            if (recent.Count + list.Count > BuildsPerWindow)
                throw new Domain.AppException(Api.ApiErrorCode.RateLimitExceeded,
                    $"At most {BuildsPerWindow} reports an hour per account ({recent.Count} asked for in the last hour); try again later.")
                // Room for this call once enough of the oldest builds have left the hour.
                { RetryAfter = recent.Count == 0 ? null : recent[Math.Min(recent.Count - 1, recent.Count + list.Count - BuildsPerWindow - 1)] + Window - now };
            foreach (var type in list)
            {
                OutboxWriter.Enqueue(db, OutboxKinds.ReportBuild,
                    new ReportBuild(userId, ReportTypes.WireName(type), range.StartWire, range.EndWire),
                    $"Build the {ReportTypes.Words(type)} report {range} for {actor.Email ?? "the account"}", userId, now);
            }
        }, ct);
        signal.Notify();
        return list;
    }
}
