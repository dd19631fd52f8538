using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Outbox;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Requests;

/// <summary>What went wrong for good with a request out for signature, as the outbox recorded it.</summary>
/// <param name="SealGaveUp">Everyone finished, and the request's latest seal job failed for good (not done).</param>
/// <param name="InviteDead">
/// A recipient who still has to act (not finished, not declined) has no working link in their inbox: the latest mail
/// with their link (invitation or reminder) failed for good. A later reminder that is delivered clears it.
/// </param>
public readonly record struct RequestFailure(bool SealGaveUp, bool InviteDead);

/// <summary>
/// Reads <see cref="RequestFailure"/> for many requests at once (one query per kind) from the outbox: a message the
/// outbox gave up on is <c>Failed</c> with no <c>DoneAt</c> (<see cref="OutboxProcessor"/>). Feeds the request page's
/// "Sealing failed" and the API's <c>box_status</c> (<c>error_converting</c>, <c>error_sending</c>).
/// </summary>
public static class RequestFailures
{
    public static async Task<Dictionary<int, RequestFailure>> LoadAsync(AppDbContext db, IReadOnlyList<SignatureRequest> requests, CancellationToken ct)
    {
        var seals = await SealsGivenUpAsync(db, requests, ct);
        var invites = await InvitesDeadAsync(db, requests, ct);
        return requests.ToDictionary(r => r.Id, r => new RequestFailure(seals.Contains(r.Id), invites.Contains(r.Id)));
    }

    /// <summary>
    /// Which of these requests (everyone signed, still incomplete) have a seal job that failed for good: its latest
    /// <see cref="OutboxKinds.Seal"/> message is marked failed and not done. One query for the whole list.
    /// </summary>
    public static async Task<HashSet<int>> SealsGivenUpAsync(AppDbContext db, IReadOnlyList<SignatureRequest> requests, CancellationToken ct)
    {
        var payloads = requests
            .Where(r => r.Status == RequestStatus.Incomplete && r.Recipients.Any(x => x.Acts) && r.Recipients.Where(x => x.Acts).All(x => x.Status == RecipientStatus.Finalized))
            .ToDictionary(r => OutboxWriter.PayloadOf(new SealRequest(r.Id)), r => r.Id);
        if (payloads.Count == 0) return [];
        var keys = payloads.Keys.ToList();
        var jobs = await db.Outbox.AsNoTracking().Where(m => m.Kind == OutboxKinds.Seal && keys.Contains(m.Payload))
            .Select(m => new { m.Id, m.Payload, m.DoneAt, m.Failed }).ToListAsync(ct);
        return jobs.GroupBy(m => m.Payload).Select(g => g.MaxBy(m => m.Id)!)
            .Where(m => m.DoneAt == null && m.Failed).Select(m => payloads[m.Payload]).ToHashSet();
    }

    /// <summary>Which of these requests (incomplete) have a recipient still to act whose latest link mail failed for good.</summary>
    public static async Task<HashSet<int>> InvitesDeadAsync(AppDbContext db, IReadOnlyList<SignatureRequest> requests, CancellationToken ct)
    {
        var waiting = requests.Where(r => r.Status == RequestStatus.Incomplete)
            .SelectMany(r => r.Recipients.Where(x => x.Acts && x.Status is RecipientStatus.NotViewed or RecipientStatus.Viewed).Select(x => (Request: r.Id, Recipient: x.Id)))
            .ToList();
        if (waiting.Count == 0) return [];
        // Invitation and reminder carry the same link; the payload names the recipient (SignerInvite).
        var byPayload = new Dictionary<string, (int Request, int Recipient)>();
        foreach (var w in waiting)
        {
            byPayload[OutboxWriter.PayloadOf(new SignerInvite(w.Recipient))] = w;
            byPayload[OutboxWriter.PayloadOf(new SignerInvite(w.Recipient, Reminder: true))] = w;
        }
        var keys = byPayload.Keys.ToList();
        var mails = await db.Outbox.AsNoTracking().Where(m => m.Kind == OutboxKinds.SignerInvite && keys.Contains(m.Payload))
            .Select(m => new { m.Id, m.Payload, m.DoneAt, m.Failed }).ToListAsync(ct);
        return mails.GroupBy(m => byPayload[m.Payload].Recipient).Select(g => g.MaxBy(m => m.Id)!)
            .Where(m => m.DoneAt == null && m.Failed).Select(m => byPayload[m.Payload].Request).ToHashSet();
    }
}
