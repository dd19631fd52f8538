using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Outbox;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Webhooks;

public sealed record WebhookDeliveryRow(long Id, string EventId, string EventType, string Url, DateTimeOffset CreatedAt,
    WebhookDeliveryStatus Status, int Attempts, DateTimeOffset? LastAttemptAt, int? LastStatusCode, string? LastError,
    DateTimeOffset? NextAttemptAt, bool UrlRemoved);

/// <summary>What the Webhooks page shows and does: the user's own deliveries, and sending one again.</summary>
public sealed class WebhookDeliveryService(IDbContextFactory<AppDbContext> dbFactory, OutboxSignal signal, TimeProvider clock)
{
    /// <summary>One page of the user's deliveries, newest first: one COUNT and one page query.</summary>
    public async Task<ListPage<WebhookDeliveryRow>> ListAsync(string userId, PageRequest page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ListPages.ReadAsync(db.WebhookDeliveries.AsNoTracking().Where(d => d.UserId == userId), q => q.OrderByDescending(d => d.Id),
            d => new WebhookDeliveryRow(d.Id, d.EventId, d.EventType, d.Url, d.CreatedAt, d.Status, d.Attempts, d.LastAttemptAt,
                d.LastStatusCode, d.LastError,
                d.Status == WebhookDeliveryStatus.Pending && d.Outbox != null ? d.Outbox.NextAttemptAt : null, d.EndpointId == null),
            page, ct);
    }

    public async Task<string> BodyAsync(string userId, long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.WebhookDeliveries.AsNoTracking().Where(d => d.UserId == userId && d.Id == id).Select(d => d.Body).SingleOrDefaultAsync(ct)
               ?? throw AppException.NotFound("The delivery");
    }

    /// <summary>
    /// Sends the same event (same id and body, a fresh timestamp and signature) to its URL again, now, with a new 3-day
    /// retry window. Refused while it is still being retried or when its URL was removed.
    /// </summary>
    public async Task RedeliverAsync(string userId, long id, CancellationToken ct = default)
    {
        await dbFactory.WriteAsync(async db =>
        {
            var d = await db.WebhookDeliveries.Include(x => x.Outbox).SingleOrDefaultAsync(x => x.UserId == userId && x.Id == id, ct)
                    ?? throw AppException.NotFound("The delivery");
            if (d.EndpointId is null) throw AppException.BadRequest("Its callback URL was removed; add it again to deliver there.");
            if (d.Status == WebhookDeliveryStatus.Pending && d.Outbox is { DoneAt: null, Failed: false })
                throw AppException.BadRequest("This delivery is still being tried; it cannot be sent twice at once.");
            var now = clock.GetUtcNow();
            var message = OutboxWriter.Enqueue(db, OutboxKinds.Webhook, new WebhookDeliveryJob(d.EventId), $"Webhook {d.EventType} (again) → {d.Url}",
                userId, now);
            message.Partition = d.Url;
            d.Outbox = message;
            d.Status = WebhookDeliveryStatus.Pending;
            d.RetryWindowStart = now;
        }, ct);
        signal.Notify();
    }
}
