using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Requests;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Signing;

/// <summary>
/// The sender's side of the password gate: a new password for a signer of a request in progress (or none). It also
/// unlocks a link locked by 5 wrong passwords, and makes the signer's earlier grants worthless (the gate stamp changes).
/// </summary>
public sealed class SignerPasswordReset(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>Sets (or, with an empty <paramref name="newPassword"/>, removes) the password of <paramref name="recipientId"/>.</summary>
    public async Task SetAsync(string ownerId, int requestId, int recipientId, string newPassword, CancellationToken ct = default)
    {
        if (newPassword.Length > 0 && (newPassword.Length < RequestOptionRules.MinPasswordLength || newPassword.Length > RequestOptionRules.MaxPasswordLength))
            throw AppException.BadRequest($"The password must be {RequestOptionRules.MinPasswordLength} to {RequestOptionRules.MaxPasswordLength} characters.");
        await dbFactory.WriteAsync(async db =>
        {
            var r = await db.Requests.Include(x => x.Recipients).SingleOrDefaultAsync(x => x.Id == requestId && x.OwnerId == ownerId, ct)
                    ?? throw AppException.NotFound("The request");
            var who = r.Recipients.SingleOrDefault(x => x.Id == recipientId) ?? throw AppException.NotFound("The signer");
            if (r.Status is not (RequestStatus.Draft or RequestStatus.Incomplete) || !who.Acts || who.Status == RecipientStatus.Finalized)
                throw AppException.BadRequest("This signer can no longer be given a password.");
            var options = RequestOptionMapping.Load(who);
            options.NewPassword = newPassword;
            RequestOptionMapping.Store(options, who); // hashes it and clears the failures
            who.ModifiedAt = clock.GetUtcNow();
        }, ct);
    }
}
