using ESignWeb.Accounts;
using ESignWeb.Data;
using ESignWeb.Domain;

namespace ESignWeb.Reports;

/// <summary>
/// Whose data a report covers: an instance administrator (<see cref="Administrators"/>) sees every user of the
/// instance; anyone else only their own account. Made by <see cref="ReportScopes.OfAsync"/> — the one place the rule
/// is decided — and applied by the CSV writers and the Reports page's figures through <see cref="Users"/> and
/// <see cref="Requests"/>.
/// </summary>
public sealed record ReportScope(string UserId, bool EveryUser)
{
    /// <summary>The accounts in scope.</summary>
    public IQueryable<ApplicationUser> Users(AppDbContext db) =>
        EveryUser ? db.Users : db.Users.Where(u => u.Id == UserId);

    /// <summary>The requests in scope (sent by an account in scope), drafts included: callers filter by status.</summary>
    public IQueryable<SignatureRequest> Requests(AppDbContext db) =>
        EveryUser ? db.Requests : db.Requests.Where(r => r.OwnerId == UserId);

    /// <summary>The documents in scope (uploaded by an account in scope), deleted ones included.</summary>
    public IQueryable<Document> Documents(AppDbContext db) =>
        EveryUser ? db.Documents : db.Documents.Where(d => d.OwnerId == UserId);
}

/// <summary>Decides a user's <see cref="ReportScope"/>.</summary>
public sealed class ReportScopes(Administrators administrators)
{
    public async Task<ReportScope> OfAsync(string userId, CancellationToken ct = default) =>
        new(userId, await administrators.IsAdministratorAsync(userId, ct));
}
