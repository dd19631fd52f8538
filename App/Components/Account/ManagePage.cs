using System.Diagnostics.CodeAnalysis;
using ESignWeb.Data;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;

namespace ESignWeb.Components.Account;

/// <summary>
/// What every Identity manage page (Account/Manage/*, statically rendered) starts with: the request's
/// <see cref="HttpContext"/>, the user manager, the redirect manager, and loading the signed-in user — or sending a
/// missing one to the invalid-user page. The folder's _Imports makes each page inherit it.
/// </summary>
public abstract class ManagePage : ComponentBase
{
    [CascadingParameter] protected HttpContext HttpContext { get; set; } = default!;

    [Inject] protected UserManager<ApplicationUser> UserManager { get; set; } = default!;

    [Inject] private protected IdentityRedirectManager RedirectManager { get; set; } = default!;

    /// <summary>The signed-in user; null when there is none (the invalid-user redirect is then under way).</summary>
    protected async Task<ApplicationUser?> LoadUserAsync()
    {
        var user = await UserManager.GetUserAsync(HttpContext.User);
        UserIsMissing(user);
        return user;
    }

    /// <summary>For the form handlers: true, redirecting to the invalid-user page, when the page has no user.</summary>
    protected bool UserIsMissing([NotNullWhen(false)] ApplicationUser? user)
    {
        if (user is not null) return false;
        RedirectManager.RedirectToInvalidUser(UserManager, HttpContext);
        return true;
    }
}
