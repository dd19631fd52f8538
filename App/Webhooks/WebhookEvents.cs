using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using ESignWeb.Api;
using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Outbox;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Webhooks;

/// <summary>
/// Raises webhook events inside the caller's unit of work: for each of the owner's callback URLs, a delivery row (with
/// the body fixed now, in the seed's payload shape) and the outbox message that sends it commit together with the state
/// change, or not at all. Nothing is sent from here.
/// </summary>
public static class WebhookEvents
{
    /// <summary>
    /// The <c>rs.*</c> event (all but <c>rs.completed</c>) that the audit event <paramref name="recorded"/> raises
    /// (<see cref="WebhookEventTypes.RaisedBy"/>; none: nothing): data is the pending file as it is now.
    /// </summary>
    public static async Task RaiseAsync(AppDbContext db, SignatureRequest r, AuditEventType recorded, Actor actor, DateTimeOffset now,
        CancellationToken ct, string? declineReason = null)
    {
        if (WebhookEventTypes.RaisedBy(recorded) is not { } type) return;
        var urls = await UrlsOfAsync(db, r.OwnerId, ct);
        if (urls.Count == 0) return;
        var owner = await db.Users.AsNoTracking().SingleAsync(u => u.Id == r.OwnerId, ct);
        var categories = db.Entry(r).Collection(x => x.Categories);
        if (db.Entry(r).State != Microsoft.EntityFrameworkCore.EntityState.Detached && !categories.IsLoaded) await categories.LoadAsync(ct); // the pending file's categories
        var data = (JsonObject)JsonSerializer.SerializeToNode(PendingFileDto.Of(r, owner), ApiJson.Options)!;
        data["owner_user_id"] = owner.ApiNumber;
        if (type == WebhookEventType.Declined) data["decline_reason"] = declineReason;
        var byOwner = actor.Email is not null && string.Equals(actor.Email, owner.Email, StringComparison.OrdinalIgnoreCase);
        var metadata = new JsonObject
        {
            ["event_type"] = type.WireName(),
            ["event_user_id"] = byOwner ? owner.ApiNumber : null,
            ["client_id"] = actor.ClientId,
            ["event_user"] = actor.Email,
        };
        Enqueue(db, r.OwnerId, urls, type, new JsonObject { ["data"] = data, ["metadata"] = metadata }, $"\"{r.Name}\"", now);
    }

    /// <summary><c>rs.completed</c>: everyone signed and the sealed file exists.</summary>
    public static async Task RaiseCompletedAsync(AppDbContext db, SignatureRequest r, int signedFileId, DateTimeOffset now, CancellationToken ct)
    {
        var urls = await UrlsOfAsync(db, r.OwnerId, ct);
        if (urls.Count == 0) return;
        var ownerNumber = await db.Users.Where(u => u.Id == r.OwnerId).Select(u => u.ApiNumber).SingleAsync(ct);
        var body = new JsonObject
        {
            // The seed sends signed_file_id as a string.
            ["data"] = new JsonObject { ["owner_user_id"] = ownerNumber, ["signed_file_id"] = signedFileId.ToString(System.Globalization.CultureInfo.InvariantCulture), ["id"] = r.Id },
            ["metadata"] = new JsonObject { ["event_user"] = null, ["event_type"] = WebhookEventType.Completed.WireName(), ["client_id"] = null },
        };
        Enqueue(db, r.OwnerId, urls, WebhookEventType.Completed, body, $"\"{r.Name}\"", now);
    }

    /// <summary><c>document.signed</c>: the user signed a document themselves (no request).</summary>
    public static async Task RaiseDocumentSignedAsync(AppDbContext db, SignedFile f, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        var urls = await UrlsOfAsync(db, f.OwnerId, ct);
        if (urls.Count == 0) return;
        var ownerNumber = await db.Users.Where(u => u.Id == f.OwnerId).Select(u => u.ApiNumber).SingleAsync(ct);
        var body = new JsonObject
        {
            ["data"] = new JsonObject
            {
                ["pending_file"] = null, ["user_id"] = ownerNumber, ["name"] = f.Name, ["checksum"] = f.Checksum,
                ["created_time"] = ApiJson.Epoch(f.CreatedAt), ["last_modified_time"] = ApiJson.Epoch(f.ModifiedAt), ["id"] = f.Id,
            },
            ["metadata"] = new JsonObject { ["event_user"] = actor.Email, ["event_type"] = WebhookEventType.DocumentSigned.WireName(), ["client_id"] = actor.ClientId },
        };
        Enqueue(db, f.OwnerId, urls, WebhookEventType.DocumentSigned, body, $"\"{f.Name}\"", now);
    }

    /// <summary>The distinct callback URLs of a user (a URL registered under two client ids gets one delivery).</summary>
    private static async Task<List<(int Id, string Url)>> UrlsOfAsync(AppDbContext db, string userId, CancellationToken ct) =>
        (await db.WebhookEndpoints.AsNoTracking().Where(e => e.UserId == userId).OrderBy(e => e.Id)
            .Select(e => new { e.Id, e.Url }).ToListAsync(ct))
        .DistinctBy(e => e.Url).Select(e => (e.Id, e.Url)).ToList();

    private static void Enqueue(AppDbContext db, string userId, List<(int Id, string Url)> urls, WebhookEventType type, JsonObject body,
        string about, DateTimeOffset now)
    {
        var eventId = "evt_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var json = body.ToJsonString(ApiJson.Options);
        foreach (var (endpointId, url) in urls)
        {
            var message = OutboxWriter.Enqueue(db, OutboxKinds.Webhook, new WebhookDeliveryJob(eventId), $"Webhook {type.WireName()} {about} → {url}",
                userId, now);
            message.Partition = url;
            db.WebhookDeliveries.Add(new WebhookDelivery
            {
                EventId = eventId, UserId = userId, EndpointId = endpointId, Url = url, EventType = type.WireName(), Body = json,
                CreatedAt = now, RetryWindowStart = now, Status = WebhookDeliveryStatus.Pending, Outbox = message,
            });
        }
    }
}

/// <summary>Outbox payload of a webhook delivery (the delivery row is found by its outbox message).</summary>
public sealed record WebhookDeliveryJob(string EventId);
