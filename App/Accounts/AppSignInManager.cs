using ESignWeb.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ESignWeb.Accounts;

/// <summary>
/// Identity's sign-in manager, recording <see cref="ApplicationUser.LastSignInAt"/> (reports: <c>user_activity</c>)
/// on every interactive sign-in: password, two-factor and recovery codes, passkeys, external logins, the sign-in after
/// registration — they all end in <see cref="SignInWithClaimsAsync"/>. Not on a cookie refresh (after a password or
/// profile change: the person was already signed in) nor on API-key calls (they never pass through here).
/// </summary>
public sealed class AppSignInManager(
    UserManager<ApplicationUser> userManager, IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<ApplicationUser> claimsFactory, IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<ApplicationUser>> logger, IAuthenticationSchemeProvider schemes,
    IUserConfirmation<ApplicationUser> confirmation, IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
    : SignInManager<ApplicationUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    private static readonly AsyncLocal<bool> Refreshing = new();

    public override async Task RefreshSignInAsync(ApplicationUser user)
    {
        Refreshing.Value = true;
        try { await base.RefreshSignInAsync(user); }
        finally { Refreshing.Value = false; }
    }

    public override async Task SignInWithClaimsAsync(ApplicationUser user, AuthenticationProperties? authenticationProperties,
        IEnumerable<System.Security.Claims.Claim> additionalClaims)
    {
        await base.SignInWithClaimsAsync(user, authenticationProperties, additionalClaims);
        if (Refreshing.Value) return;
        var now = clock.GetUtcNow();
        await dbFactory.WriteAsync(db => db.Users.Where(u => u.Id == user.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.LastSignInAt, now)));
        user.LastSignInAt = now;
    }
}
