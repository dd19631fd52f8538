namespace ESignWeb.Signing;

/// <summary>
/// The request page's "Set new password" dialog (<c>Components/Requests/SignerPasswordDialog</c>): the new password typed
/// twice. Its rule is the service's (<see cref="SignerPasswordReset.Problem"/>, lengths from <c>RequestOptionRules</c>).
/// </summary>
public sealed class SignerPasswordForm
{
    public string Password { get; set; } = "";
    public string Again { get; set; } = "";

    /// <summary>Why the form cannot be saved yet, or null.</summary>
    public string? Problem()
    {
        if (Password.Length == 0) return "Enter the new password.";
        if (SignerPasswordReset.Problem(Password) is { } rule) return rule;
        if (Again != Password) return "The two passwords are not the same.";
        return null;
    }
}
