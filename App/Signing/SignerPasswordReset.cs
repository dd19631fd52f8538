using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Requests;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Signing;

/// <summary>
/// The sender's side of the password gate: a new password for a signer of a request in progress (or none). It also
/// unlocks a link locked by 5 wrong passwords, and makes the signer's earlier grants worthless (the gate stamp changes).
/// Audited (<see cref="AuditEventType.SignerPasswordSet"/>) in the same transaction; the password itself never is.
/// </summary>
public sealed class SignerPasswordReset(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>Why <paramref name="newPassword"/> cannot be a signer's password, or null (empty: no password).</summary>
    public static string? Problem(string newPassword) =>
        newPassword.Length > 0 && (newPassword.Length < RequestOptionRules.MinPasswordLength || newPassword.Length > RequestOptionRules.MaxPasswordLength)
            ? $"The password must be {RequestOptionRules.MinPasswordLength} to {RequestOptionRules.MaxPasswordLength} characters."
            : null;

    /// <summary>Whether the sender may set this signer's password now: the request is open and the signer has not finished.</summary>
    public static bool CanSet(RequestStatus status, Recipient who) =>
        status is RequestStatus.Draft or RequestStatus.Incomplete && who.Acts && who.Status != RecipientStatus.Finalized;

    /// <summary>Sets (or, with an empty <paramref name="newPassword"/>, removes) the password of <paramref name="recipientId"/>.</summary>
    public async Task SetAsync(string ownerId, int requestId, int recipientId, string newPassword, Actor actor, CancellationToken ct = default)
    {
        if (Problem(newPassword) is { } problem) throw AppException.BadRequest(problem);
        await dbFactory.WriteAsync(async db =>
        {
            var r = await db.Requests.Include(x => x.Recipients).SingleOrDefaultAsync(x => x.Id == requestId && x.OwnerId == ownerId, ct)
                    ?? throw AppException.NotFound("The request");
            var who = r.Recipients.SingleOrDefault(x => x.Id == recipientId) ?? throw AppException.NotFound("The signer");
            if (!CanSet(r.Status, who)) throw AppException.BadRequest("This signer can no longer be given a password.");
            var wasLocked = SignerVerification.IsPasswordLocked(who);
            var options = RequestOptionMapping.Load(who);
            options.NewPassword = newPassword;
            RequestOptionMapping.Store(options, who); // hashes it and clears the failures
            var now = clock.GetUtcNow();
            who.ModifiedAt = now;
            await AuditLog.AppendAsync(db, r.Id, AuditEventType.SignerPasswordSet, actor, now,
                new { recipient_id = who.Id, recipient_email = who.Email, removed = newPassword.Length == 0, unlocked = wasLocked }, ct);
        }, ct);
    }
}
