using ESignWeb.Api;
namespace ESignWeb.Domain;

/// <summary>A transition the workflow refuses, with a message fit for the user and a seed-style error code.</summary>
public sealed class WorkflowException(ApiErrorCode code, string message) : AppException(code, message);

/// <summary>What a transition asks the caller to do after committing it.</summary>
public sealed record WorkflowOutcome(
    IReadOnlyList<Recipient> Notify,
    bool SealNow = false);

/// <summary>
/// The request/recipient state machine, in one place, pure: no EF, no IO, no clock (the caller passes <c>now</c>).
/// Services load entities, call one of these methods, then persist the entities with the audit event and the
/// outbox messages the outcome asks for, in one transaction.
/// </summary>
public static class RequestWorkflow
{
    public static bool IsEditable(SignatureRequest r) => r.Status == RequestStatus.Draft;

    public static bool IsOpenForSigning(SignatureRequest r) => r.Status == RequestStatus.Incomplete;

    public static bool IsFinal(RequestStatus s) =>
        s is RequestStatus.Complete or RequestStatus.RecipientDeclined or RequestStatus.Canceled or RequestStatus.Expired;

    /// <summary>Recipients in signing order (final-copy readers included, by their order).</summary>
    public static IEnumerable<Recipient> InOrder(SignatureRequest r) => r.Recipients.OrderBy(x => x.OrderId).ThenBy(x => x.Id);

    /// <summary>Recipients who take part (signers and approvers), in signing order.</summary>
    public static IEnumerable<Recipient> Actors(SignatureRequest r) => InOrder(r).Where(x => x.Acts);

    /// <summary>
    /// The one ordering rule: recipients with the same group act in parallel, groups run in ascending order. The
    /// group is the recipient's <c>order</c>; a parallel request puts everyone in one group, a sequential one gives each
    /// signer their own — two special cases of the same rule.
    /// </summary>
    public static int GroupOf(SignatureRequest r, Recipient x) => r.IsOrdered ? x.OrderId : 0;

    /// <summary>
    /// The one mail rule: whether this recipient is mailed (invitations, reminders, notices, the signed copy). Not a
    /// signer of an embedded request (they act in the sender's app) nor an in-person signer (they sign on the sender's
    /// device); a final-copy reader always is — receiving the result is all they do.
    /// </summary>
    public static bool IsMailed(SignatureRequest r, Recipient who) => !who.IsInPerson && (!who.Acts || !r.EmbeddedSigning);

    /// <summary>
    /// Whether the recipient gets a signing link (a token) when the request is sent: signers and approvers, but not a
    /// final-copy reader (nothing to do) nor an in-person signer (their page opens only from the sender's session).
    /// </summary>
    public static bool HasSigningLink(Recipient who) => who.Acts && !who.IsInPerson;

    private static bool Outstanding(Recipient x) => x.Acts && x.Status is RecipientStatus.NotViewed or RecipientStatus.Viewed;

    /// <summary>
    /// The recipients whose turn it is: every outstanding actor of the lowest group that still has one; empty when
    /// the request is not out for signature.
    /// </summary>
    public static IReadOnlyList<Recipient> CurrentGroup(SignatureRequest r)
    {
        if (r.Status != RequestStatus.Incomplete) return [];
        var outstanding = Actors(r).Where(Outstanding).ToList();
        if (outstanding.Count == 0) return [];
        var group = outstanding.Min(x => GroupOf(r, x));
        return outstanding.Where(x => GroupOf(r, x) == group).ToList();
    }

    /// <summary>
    /// The recipient whose turn it is (seed <c>next</c>): in ordered requests, the first outstanding actor of the
    /// current group; null for parallel requests and for requests that are not out for signature.
    /// </summary>
    public static Recipient? Next(SignatureRequest r) => r.IsOrdered ? CurrentGroup(r).FirstOrDefault() : null;

    /// <summary>Whether this recipient may open and act on the document now.</summary>
    public static bool MaySign(SignatureRequest r, Recipient who)
    {
        if (!IsOpenForSigning(r) || !Outstanding(who)) return false;
        return CurrentGroup(r).Contains(who);
    }

    /// <summary>Draft → incomplete. Returns the recipients to mail: the first group (everyone when parallel).</summary>
    public static WorkflowOutcome Send(SignatureRequest r, DateTimeOffset now)
    {
        if (r.Status != RequestStatus.Draft)
            throw new WorkflowException(ApiErrorCode.BadRequest, $"This request was already sent (it is {WireNames.Of(r.Status)}).");
        if (!r.Recipients.Any(x => x.Acts))
            throw new WorkflowException(ApiErrorCode.BadRequest, "Add at least one signer before sending.");
        Renumber(r);
        r.Status = RequestStatus.Incomplete;
        r.SentAt = now;
        r.ModifiedAt = now;
        r.AutoExpireAt = r.DaysValid is { } days ? now.AddDays(days) : null;
        r.Version++;
        var notify = CurrentGroup(r);
        foreach (var x in notify) x.NotifiedAt = now;
        return new WorkflowOutcome(notify);
    }

    /// <summary>First visit by a signer: not_viewed → viewed. Idempotent.</summary>
    public static bool View(SignatureRequest r, Recipient who, DateTimeOffset now)
    {
        EnsureMaySign(r, who, now);
        if (who.Status != RecipientStatus.NotViewed) return false;
        who.Status = RecipientStatus.Viewed;
        who.ViewedAt = now;
        who.ModifiedAt = now;
        r.ModifiedAt = now;
        return true;
    }

    /// <summary>
    /// A signer finishes. Returns the next signer to mail (ordered), or <c>SealNow</c> when everyone has finalized.
    /// </summary>
    public static WorkflowOutcome Finalize(SignatureRequest r, Recipient who, DateTimeOffset now)
    {
        EnsureMaySign(r, who, now);
        who.Status = RecipientStatus.Finalized;
        who.ViewedAt ??= now;
        who.FinalizedAt = now;
        who.ModifiedAt = now;
        r.ModifiedAt = now;
        r.Version++;
        if (r.Recipients.Where(x => x.Acts).All(x => x.Status == RecipientStatus.Finalized))
            return new WorkflowOutcome([], SealNow: true);
        // The next group starts when the last of this one finishes; its members are mailed once.
        var next = CurrentGroup(r).Where(x => x.NotifiedAt is null).ToList();
        foreach (var x in next) x.NotifiedAt = now;
        return new WorkflowOutcome(next);
    }

    /// <summary>A signer declines: the request becomes recipient_declined and every other link stops working.</summary>
    public static void Decline(SignatureRequest r, Recipient who, string reason, DateTimeOffset now)
    {
        EnsureMaySign(r, who, now);
        if (string.IsNullOrWhiteSpace(reason))
            throw new WorkflowException(ApiErrorCode.BadRequest, "Please give a reason for declining.");
        who.Status = RecipientStatus.Declined;
        who.DeclineReason = reason.Trim();
        who.ModifiedAt = now;
        r.Status = RequestStatus.RecipientDeclined;
        r.ModifiedAt = now;
        r.Version++;
    }

    /// <summary>The sender voids a request that is out for signature (seed: cancel → canceled).</summary>
    public static void Void(SignatureRequest r, DateTimeOffset now)
    {
        if (r.Status != RequestStatus.Incomplete)
            throw new WorkflowException(ApiErrorCode.BadRequest, $"Only a request out for signature can be voided (this one is {WireNames.Of(r.Status)}).");
        r.Status = RequestStatus.Canceled;
        r.ModifiedAt = now;
        r.Version++;
    }

    /// <summary>
    /// The request's time ran out (<see cref="SignatureRequest.AutoExpireAt"/>): incomplete → expired, every link
    /// stops. False (nothing changes) when it is no longer out for signature or its time has not come — an expiry job
    /// that runs late or twice is harmless. A request whose signers have all finished is being sealed: it completes
    /// instead of expiring.
    /// </summary>
    public static bool Expire(SignatureRequest r, DateTimeOffset now)
    {
        if (!IsDueToExpire(r, now)) return false;
        r.Status = RequestStatus.Expired;
        r.ModifiedAt = now;
        r.Version++;
        return true;
    }

    /// <summary>The sealing job finished: incomplete → complete.</summary>
    public static void Complete(SignatureRequest r, int signedFileId, DateTimeOffset now)
    {
        if (r.Status == RequestStatus.Complete) return;
        if (r.Status != RequestStatus.Incomplete || r.Recipients.Any(x => x.Acts && x.Status != RecipientStatus.Finalized))
            throw new WorkflowException(ApiErrorCode.BadRequest, "Only a request whose signers have all finished can be completed.");
        r.Status = RequestStatus.Complete;
        r.SignedFileId = signedFileId;
        r.CompletedAt = now;
        r.ModifiedAt = now;
        r.Version++;
    }

    /// <summary>Who a reminder goes to: everyone whose turn it is and who has not finished.</summary>
    public static IReadOnlyList<Recipient> RemindTargets(SignatureRequest r) => CurrentGroup(r);

    /// <summary>Makes order ids 1..k keeping their relative order and their ties (dense rank): groups stay groups.</summary>
    public static void Renumber(SignatureRequest r)
    {
        var rank = r.Recipients.Select(x => x.OrderId).Distinct().Order().Select((o, i) => (o, i)).ToDictionary(p => p.o, p => p.i + 1);
        foreach (var x in r.Recipients) x.OrderId = rank[x.OrderId];
    }

    /// <summary>Whether the request's time has run out at <paramref name="now"/>, even before the expiry job has run.</summary>
    public static bool IsPastExpiry(SignatureRequest r, DateTimeOffset now) => r.AutoExpireAt is { } at && at <= now;

    /// <summary>
    /// Out for signature, past its expiry time and not everyone who takes part has finished (a request whose seal is
    /// being made completes instead): what <see cref="Expire"/> will do, and what a signer's page shows meanwhile.
    /// </summary>
    public static bool IsDueToExpire(SignatureRequest r, DateTimeOffset now) =>
        r.Status == RequestStatus.Incomplete && IsPastExpiry(r, now)
        && !r.Recipients.Where(x => x.Acts).All(x => x.Status == RecipientStatus.Finalized);

    private static void EnsureMaySign(SignatureRequest r, Recipient who, DateTimeOffset now)
    {
        if (!r.Recipients.Contains(who))
            throw new WorkflowException(ApiErrorCode.UnauthorizedResource, "This recipient is not part of the request.");
        // Between the expiry time and the expiry job's run (seconds; longer if the app was down) nobody may act.
        if (IsOpenForSigning(r) && IsPastExpiry(r, now))
            throw new WorkflowException(ApiErrorCode.BadRequest, $"This request expired on {r.AutoExpireAt:yyyy-MM-dd HH:mm} UTC and can no longer be signed.");
        if (!IsOpenForSigning(r))
            throw new WorkflowException(ApiErrorCode.BadRequest, $"This request is {WireNames.Of(r.Status)} and can no longer be signed.");
        if (who.Status is RecipientStatus.Finalized)
            throw new WorkflowException(ApiErrorCode.BadRequest, "You have already signed this document.");
        if (who.Status is RecipientStatus.Declined)
            throw new WorkflowException(ApiErrorCode.BadRequest, "You declined this document.");
        if (!who.Acts)
            throw new WorkflowException(ApiErrorCode.BadRequest, "You receive the final copy of this document; there is nothing for you to sign.");
        if (!CurrentGroup(r).Contains(who))
        {
            var waiting = string.Join(", ", CurrentGroup(r).Select(x => $"{x.FullName} <{x.Email}>"));
            throw new WorkflowException(ApiErrorCode.BadRequest, $"It is not your turn yet: the request is waiting for {waiting}.");
        }
    }
}
