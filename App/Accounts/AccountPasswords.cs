using ESignWeb.Api;
using ESignWeb.Data;
using Microsoft.AspNetCore.Identity;

namespace ESignWeb.Accounts;

/// <summary>What became of a password set from a mailed link.</summary>
/// <param name="RevokedKeys">API keys revoked because whoever knew the old password may hold them.</param>
public sealed record PasswordOutcome(bool Succeeded, int RevokedKeys, IReadOnlyList<IdentityError> Errors)
{
    public static PasswordOutcome Failed(string description) => new(false, 0, [new IdentityError { Description = description }]);
}

/// <summary>
/// Passwords set from a mailed link: a reset, and the first confirmation of an address. Anyone may register any
/// address, so until the address is proven the account's password, passkeys and API keys belong to whoever
/// registered it, not necessarily to the owner of the mailbox. Confirming an address that was never confirmed
/// therefore makes the mailbox's holder choose the password (which changes the security stamp: other sessions end),
/// drops every other way in (passkeys, external logins, authenticator) and revokes the account's API keys; only
/// then is the address confirmed. A password reset revokes the API keys too.
/// </summary>
public sealed class AccountPasswords(UserManager<ApplicationUser> users, ApiKeyService keys, ILogger<AccountPasswords> log)
{
    public enum LinkState { Invalid, AlreadyConfirmed, ChoosePassword }

    /// <summary>What a confirmation link (<c>Account/ConfirmEmail?userId=…&amp;code=…</c>, token decoded) leads to.</summary>
    public async Task<LinkState> InspectConfirmationAsync(string userId, string code)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null) return LinkState.Invalid;
        if (user.EmailConfirmed) return LinkState.AlreadyConfirmed;
        return await IsConfirmationTokenAsync(user, code) ? LinkState.ChoosePassword : LinkState.Invalid;
    }

    /// <summary>Confirms an already confirmed account's address again (a link from an earlier mail): nothing else changes.</summary>
    public async Task<bool> ReconfirmAsync(string userId, string code) =>
        await users.FindByIdAsync(userId) is { EmailConfirmed: true } user && (await users.ConfirmEmailAsync(user, code)).Succeeded;

    /// <summary>The mailbox's holder proves the address with <paramref name="code"/> and sets <paramref name="password"/>.</summary>
    public async Task<PasswordOutcome> ConfirmWithNewPasswordAsync(string userId, string code, string password)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null || user.EmailConfirmed || !await IsConfirmationTokenAsync(user, code))
            return PasswordOutcome.Failed("This confirmation link is not valid (any more). Ask for a new one with \"Resend email confirmation\".");

        // Validates the password first; on success it replaces the hash and changes the security stamp (which also
        // spends the confirmation link: its token is bound to the stamp).
        var reset = await users.ResetPasswordAsync(user, await users.GeneratePasswordResetTokenAsync(user), password);
        if (!reset.Succeeded) return new PasswordOutcome(false, 0, reset.Errors.ToList());

        foreach (var passkey in await users.GetPasskeysAsync(user))
            Check(await users.RemovePasskeyAsync(user, passkey.CredentialId));
        foreach (var login in await users.GetLoginsAsync(user))
            Check(await users.RemoveLoginAsync(user, login.LoginProvider, login.ProviderKey));
        if (await users.GetTwoFactorEnabledAsync(user)) Check(await users.SetTwoFactorEnabledAsync(user, false));
        if (await users.GetAuthenticatorKeyAsync(user) is not null) Check(await users.ResetAuthenticatorKeyAsync(user));
        var revoked = await keys.RevokeAllAsync(user.Id);

        // Last: should anything above fail, the account stays unconfirmed (and sees nothing sent to the address).
        Check(await users.ConfirmEmailAsync(user, await users.GenerateEmailConfirmationTokenAsync(user)));
        log.LogInformation("An account's address was confirmed with a new password; {Revoked} API key(s) revoked.", revoked);
        return new PasswordOutcome(true, revoked, []);
    }

    /// <summary>A password reset from the mailed link; the account's API keys are revoked.</summary>
    /// <returns>Null when there is no such account (the page does not say so).</returns>
    public async Task<PasswordOutcome?> ResetAsync(string email, string code, string password)
    {
        var user = await users.FindByEmailAsync(email);
        if (user is null) return null;
        var reset = await users.ResetPasswordAsync(user, code, password);
        if (!reset.Succeeded) return new PasswordOutcome(false, 0, reset.Errors.ToList());
        var revoked = await keys.RevokeAllAsync(user.Id);
        log.LogInformation("A password was reset; {Revoked} API key(s) revoked.", revoked);
        return new PasswordOutcome(true, revoked, []);
    }

    private Task<bool> IsConfirmationTokenAsync(ApplicationUser user, string code) =>
        users.VerifyUserTokenAsync(user, users.Options.Tokens.EmailConfirmationTokenProvider, UserManager<ApplicationUser>.ConfirmEmailTokenPurpose, code);

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException("Securing the account failed: " + string.Join(" ", result.Errors.Select(e => e.Description)));
    }
}
