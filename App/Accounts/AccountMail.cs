using System.Text;
using System.Text.Encodings.Web;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;

namespace ESignWeb.Accounts;

/// <summary>
/// Identity's account mails (confirmation, e-mail change, password reset): the token, the link — from
/// <see cref="PublicLinks"/>, never from the request's Host header — and the mail (through the outbox). Each returns
/// false, sending nothing, when the request came to a host links may not be made for (see <see cref="PublicLinks.BaseFor"/>).
/// </summary>
public sealed class AccountMail(UserManager<ApplicationUser> users, IEmailSender<ApplicationUser> sender, PublicLinks links,
    ILogger<AccountMail> log)
{
    public const string NoLinkMessage = "Error: this server cannot mail links for the address you used. Its operator must set ESign:PublicBaseUrl.";

    /// <param name="requestBase">The address the request came to (e.g. <c>NavigationManager.BaseUri</c>); only checked, never used in the link.</param>
    public async Task<bool> SendConfirmationAsync(ApplicationUser user, string email, string requestBase, string? returnUrl = null)
    {
        var code = Encode(await users.GenerateEmailConfirmationTokenAsync(user));
        if (Link(requestBase, "Account/ConfirmEmail", new() { ["userId"] = user.Id, ["code"] = code, ["returnUrl"] = returnUrl }) is not { } link)
            return false;
        await sender.SendConfirmationLinkAsync(user, email, HtmlEncoder.Default.Encode(link));
        return true;
    }

    public async Task<bool> SendEmailChangeAsync(ApplicationUser user, string newEmail, string requestBase)
    {
        var code = Encode(await users.GenerateChangeEmailTokenAsync(user, newEmail));
        if (Link(requestBase, "Account/ConfirmEmailChange", new() { ["userId"] = user.Id, ["email"] = newEmail, ["code"] = code }) is not { } link)
            return false;
        await sender.SendConfirmationLinkAsync(user, newEmail, HtmlEncoder.Default.Encode(link));
        return true;
    }

    public async Task<bool> SendPasswordResetAsync(ApplicationUser user, string email, string requestBase)
    {
        var code = Encode(await users.GeneratePasswordResetTokenAsync(user));
        if (Link(requestBase, "Account/ResetPassword", new() { ["code"] = code }) is not { } link) return false;
        await sender.SendPasswordResetLinkAsync(user, email, HtmlEncoder.Default.Encode(link));
        return true;
    }

    private static string Encode(string token) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));

    private string? Link(string requestBase, string page, Dictionary<string, string?> query)
    {
        try
        {
            return links.Account(requestBase, page, query);
        }
        catch (AppException ex)
        {
            log.LogWarning("No account mail sent: {Reason}", ex.Message);
            return null;
        }
    }
}
