using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ESignWeb.Data;
using ESignWeb.Domain;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Audit;

/// <summary>Who did something, from where (for the audit trail); <paramref name="ClientId"/>: the API caller's
/// <c>X-Client-ID</c>, passed on to webhooks (not part of the audit record).</summary>
public sealed record Actor(string? Email, string? Ip = null, string? UserAgent = null, string? ClientId = null);

/// <summary>
/// Append-only, hash-chained audit events. <c>Hash = SHA-256(PrevHash ‖ canonical JSON of the event)</c>, so changing,
/// removing or reordering any event breaks every hash after it. Appends join the caller's unit of work: the event
/// commits with the state change it records, or not at all. An append in a write transaction takes the request's
/// lock (<see cref="DatabaseProvider.LockRequestAsync"/>) before it reads the end of the chain.
/// </summary>
public static class AuditLog
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static async Task<AuditEvent> AppendAsync(AppDbContext db, int requestId, AuditEventType type, Actor actor,
        DateTimeOffset at, object? data = null, CancellationToken ct = default)
    {
        var pending = db.ChangeTracker.Entries<AuditEvent>()
            .Where(e => e.State == EntityState.Added && e.Entity.RequestId == requestId)
            .Select(e => e.Entity).OrderBy(e => e.Seq).LastOrDefault();
        // The chain's end is read under the request's lock (PostgreSQL: its row, until the transaction ends; SQLite's
        // write transaction holds the database's only write lock already), so two writers of one request never both
        // read the same last event and collide on its Seq: every append queues, whichever path it comes from.
        if (pending is null) await db.LockRequestAsync(requestId, ct);
        var last = pending ?? await db.AuditEvents.AsNoTracking().Where(e => e.RequestId == requestId)
            .OrderByDescending(e => e.Seq).FirstOrDefaultAsync(ct);
        var ev = Next(last, requestId, type, actor, at, data);
        db.AuditEvents.Add(ev);
        return ev;
    }

    /// <summary>The event that follows <paramref name="last"/> (null: the first) in a chain, hashed; stores nothing.</summary>
    public static AuditEvent Next(AuditEvent? last, int requestId, AuditEventType type, Actor actor, DateTimeOffset at, object? data = null)
    {
        var ev = new AuditEvent
        {
            RequestId = requestId,
            Seq = (last?.Seq ?? 0) + 1,
            Type = type,
            ActorEmail = actor.Email,
            Ip = actor.Ip,
            UserAgent = Truncate(actor.UserAgent, 512),
            At = new DateTimeOffset(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero),
            Data = data is null ? "{}" : JsonSerializer.Serialize(data, JsonOptions),
            PrevHash = last?.Hash ?? Genesis,
        };
        ev.Hash = ComputeHash(ev);
        return ev;
    }

    /// <summary>The canonical form hashed: fixed key order, UTC ISO-8601 times with milliseconds, compact JSON.</summary>
    public static string Canonical(AuditEvent e)
    {
        var o = new JsonObject
        {
            ["request_id"] = e.RequestId,
            ["seq"] = e.Seq,
            ["type"] = e.Type.StoredName(),
            ["actor"] = e.ActorEmail,
            ["ip"] = e.Ip,
            ["user_agent"] = e.UserAgent,
            ["at"] = e.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
            ["data"] = JsonNode.Parse(string.IsNullOrEmpty(e.Data) ? "{}" : e.Data),
        };
        return o.ToJsonString();
    }

    public static string ComputeHash(AuditEvent e) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(e.PrevHash + Canonical(e))));

    /// <summary>Recomputes the chain; returns null when intact, else where it breaks.</summary>
    public static string? Verify(IReadOnlyList<AuditEvent> events)
    {
        var prev = Genesis;
        var expectedSeq = 1;
        foreach (var e in events.OrderBy(x => x.Seq))
        {
            if (e.Seq != expectedSeq) return $"Event {expectedSeq} is missing.";
            if (e.PrevHash != prev) return $"Event {e.Seq} does not follow event {e.Seq - 1}.";
            if (ComputeHash(e) != e.Hash) return $"Event {e.Seq} ({e.Type.StoredName()}) was altered.";
            prev = e.Hash;
            expectedSeq++;
        }
        return null;
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private static string? Truncate(string? s, int max) => s is null || s.Length <= max ? s : s[..max];
}
