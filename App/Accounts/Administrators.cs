using ESignWeb.Api;
using ESignWeb.Data;
using ESignWeb.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Accounts;

/// <summary>
/// The administrator role (an Identity role). The first account of a fresh instance takes it at registration, with its
/// address confirmed at once (nobody else could read its confirmation mail yet); after that only
/// <c>ESignWeb admin grant --email …</c> gives it. An administrator sees every account mail on the Outbox page.
/// </summary>
public sealed class Administrators(IDbContextFactory<AppDbContext> dbFactory)
{
    public const string Role = "Administrator";
    private static readonly string NormalizedRole = Role.ToUpperInvariant();

    /// <summary>
    /// Makes <paramref name="userId"/> the administrator (and confirms its address) when the instance has none and this
    /// is its earliest account. One transaction (BEGIN IMMEDIATE): two first registrations at once give one administrator.
    /// </summary>
    public Task<bool> ClaimFirstAccountAsync(string userId, CancellationToken ct = default) =>
        dbFactory.WriteAsync(async db =>
        {
            var roleId = await RoleIdAsync(db, ct);
            if (await db.UserRoles.AnyAsync(ur => ur.RoleId == roleId, ct)) return false;
            var earliest = await db.Users.OrderBy(u => u.CreatedAt).ThenBy(u => u.Id).Select(u => u.Id).FirstOrDefaultAsync(ct);
            if (earliest != userId) return false;
            db.UserRoles.Add(new IdentityUserRole<string> { UserId = userId, RoleId = roleId });
            (await db.Users.SingleAsync(u => u.Id == userId, ct)).EmailConfirmed = true;
            return true;
        }, ct);

    public async Task<bool> IsAdministratorAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.UserRoles.AnyAsync(ur => ur.UserId == userId &&
                                                 db.Roles.Any(r => r.Id == ur.RoleId && r.NormalizedName == NormalizedRole), ct);
    }

    /// <summary>Makes the account with this e-mail an administrator and confirms its address (the operator vouches for it).</summary>
    public Task GrantAsync(string email, CancellationToken ct = default) =>
        dbFactory.WriteAsync(async db =>
        {
            var user = await FindAsync(db, email, ct);
            var roleId = await RoleIdAsync(db, ct);
            if (!await db.UserRoles.AnyAsync(ur => ur.UserId == user.Id && ur.RoleId == roleId, ct))
                db.UserRoles.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = roleId });
            user.EmailConfirmed = true;
        }, ct);

    /// <summary>Takes the role away from the account with this e-mail.</summary>
    public Task RevokeAsync(string email, CancellationToken ct = default) =>
        dbFactory.WriteAsync(async db =>
        {
            var user = await FindAsync(db, email, ct);
            var roleId = await RoleIdAsync(db, ct);
            await db.UserRoles.Where(ur => ur.UserId == user.Id && ur.RoleId == roleId).ExecuteDeleteAsync(ct);
        }, ct);

    private static async Task<ApplicationUser> FindAsync(AppDbContext db, string email, CancellationToken ct)
    {
        var normalized = email.Trim().ToUpperInvariant(); // Identity's UpperInvariantLookupNormalizer
        return await db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, ct)
               ?? throw new AppException(ApiErrorCode.UnauthorizedResource, $"There is no account with the e-mail address {email}.");
    }

    /// <summary>
    /// The role's id; the role row is made on first use. Two first uses at once (two instances, or two requests on
    /// PostgreSQL, where writes do not queue behind one lock) both insert it with <c>ON CONFLICT DO NOTHING</c> (same SQL
    /// on SQLite and PostgreSQL), so the second waits for the first and adds nothing instead of failing on the unique
    /// name; then both read the one row.
    /// </summary>
    private static async Task<string> RoleIdAsync(AppDbContext db, CancellationToken ct)
    {
        if (await db.Roles.Where(r => r.NormalizedName == NormalizedRole).Select(r => r.Id).FirstOrDefaultAsync(ct) is { } id) return id;
        var role = new IdentityRole(Role) { NormalizedName = NormalizedRole };
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"""INSERT INTO "AspNetRoles" ("Id", "Name", "NormalizedName", "ConcurrencyStamp") VALUES ({role.Id}, {role.Name}, {role.NormalizedName}, {role.ConcurrencyStamp}) ON CONFLICT DO NOTHING""", ct);
        return await db.Roles.Where(r => r.NormalizedName == NormalizedRole).Select(r => r.Id).SingleAsync(ct);
    }
}
