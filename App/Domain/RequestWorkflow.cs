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

    /// <summary>Signers in signing order.</summary>
    public static IEnumerable<Recipient> InOrder(SignatureRequest r) => r.Recipients.OrderBy(x => x.OrderId).ThenBy(x => x.Id);

    /// <summary>
    /// The recipient whose turn it is (seed <c>next</c>): in ordered requests, the first by order who has not
    /// finalized; null for parallel requests and for requests that are not out for signature.
    /// </summary>
    public static Recipient? Next(SignatureRequest r)
    {
        if (!r.IsOrdered || r.Status != RequestStatus.Incomplete) return null;
        return InOrder(r).FirstOrDefault(x => x.Status is RecipientStatus.NotViewed or RecipientStatus.Viewed);
    }

    /// <summary>Whether this recipient may open and fill the document now.</summary>
    public static bool MaySign(SignatureRequest r, Recipient who)
    {
        if (!IsOpenForSigning(r)) return false;
        if (who.Status is RecipientStatus.Finalized or RecipientStatus.Declined) return false;
        return !r.IsOrdered || Next(r)?.Id == who.Id;
    }

    /// <summary>Draft → incomplete. Returns the signers to mail: the first in order, or everyone when parallel.</summary>
    public static WorkflowOutcome Send(SignatureRequest r, DateTimeOffset now)
    {
        if (r.Status != RequestStatus.Draft)
            throw new WorkflowException(ApiErrorCode.BadRequest, $"This request was already sent (it is {WireNames.Of(r.Status)}).");
        if (r.Recipients.Count == 0)
            throw new WorkflowException(ApiErrorCode.BadRequest, "Add at least one signer before sending.");
        Renumber(r);
        r.Status = RequestStatus.Incomplete;
        r.SentAt = now;
        r.ModifiedAt = now;
        r.Version++;
        var notify = r.IsOrdered ? [InOrder(r).First()] : InOrder(r).ToList();
        foreach (var x in notify) x.NotifiedAt = now;
        return new WorkflowOutcome(notify);
    }

    /// <summary>First visit by a signer: not_viewed → viewed. Idempotent.</summary>
    public static bool View(SignatureRequest r, Recipient who, DateTimeOffset now)
    {
        EnsureMaySign(r, who);
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
        EnsureMaySign(r, who);
        who.Status = RecipientStatus.Finalized;
        who.ViewedAt ??= now;
        who.FinalizedAt = now;
        who.ModifiedAt = now;
        r.ModifiedAt = now;
        r.Version++;
        if (r.Recipients.All(x => x.Status == RecipientStatus.Finalized))
            return new WorkflowOutcome([], SealNow: true);
        if (r.IsOrdered && Next(r) is { } next)
        {
            next.NotifiedAt = now;
            return new WorkflowOutcome([next]);
        }
        return new WorkflowOutcome([]);
    }

    /// <summary>A signer declines: the request becomes recipient_declined and every other link stops working.</summary>
    public static void Decline(SignatureRequest r, Recipient who, string reason, DateTimeOffset now)
    {
        EnsureMaySign(r, who);
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

    /// <summary>The sealing job finished: incomplete → complete.</summary>
    public static void Complete(SignatureRequest r, int signedFileId, DateTimeOffset now)
    {
        if (r.Status == RequestStatus.Complete) return;
        if (r.Status != RequestStatus.Incomplete || r.Recipients.Any(x => x.Status != RecipientStatus.Finalized))
            throw new WorkflowException(ApiErrorCode.BadRequest, "Only a request whose signers have all finished can be completed.");
        r.Status = RequestStatus.Complete;
        r.SignedFileId = signedFileId;
        r.CompletedAt = now;
        r.ModifiedAt = now;
        r.Version++;
    }

    /// <summary>Who a reminder goes to: the signer whose turn it is, or every parallel signer who has not finished.</summary>
    public static IReadOnlyList<Recipient> RemindTargets(SignatureRequest r)
    {
        if (r.Status != RequestStatus.Incomplete) return [];
        if (r.IsOrdered) return Next(r) is { } n ? [n] : [];
        return InOrder(r).Where(x => x.Status is RecipientStatus.NotViewed or RecipientStatus.Viewed).ToList();
    }

    /// <summary>Makes order ids 1..n in the current order, keeping their relative order.</summary>
    public static void Renumber(SignatureRequest r)
    {
        var i = 1;
        foreach (var x in InOrder(r).ToList()) x.OrderId = i++;
    }

    private static void EnsureMaySign(SignatureRequest r, Recipient who)
    {
        if (!r.Recipients.Contains(who))
            throw new WorkflowException(ApiErrorCode.UnauthorizedResource, "This recipient is not part of the request.");
        if (!IsOpenForSigning(r))
            throw new WorkflowException(ApiErrorCode.BadRequest, $"This request is {WireNames.Of(r.Status)} and can no longer be signed.");
        if (who.Status is RecipientStatus.Finalized)
            throw new WorkflowException(ApiErrorCode.BadRequest, "You have already signed this document.");
        if (who.Status is RecipientStatus.Declined)
            throw new WorkflowException(ApiErrorCode.BadRequest, "You declined this document.");
        if (r.IsOrdered && Next(r)?.Id != who.Id)
        {
            var next = Next(r);
            throw new WorkflowException(ApiErrorCode.BadRequest,
                $"It is not your turn yet: the request is waiting for {next?.FullName} <{next?.Email}>.");
        }
    }
}
