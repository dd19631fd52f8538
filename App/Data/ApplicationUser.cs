using Microsoft.AspNetCore.Identity;

namespace ESignWeb.Data;

/// <summary>A sender's account (seed owner_first_name, owner_last_name, owner_email).</summary>
public class ApplicationUser : IdentityUser
{
    [PersonalData]
    public string FirstName { get; set; } = "";

    [PersonalData]
    public string LastName { get; set; } = "";

    /// <summary>The user's integer id on the API (the seed's user <c>id</c>); assigned when the first API key is made.</summary>
    public int? ApiNumber { get; set; }

    /// <summary>The secret that signs this user's webhook deliveries, encrypted with ASP.NET Core Data Protection.</summary>
    public string? WebhookSecretProtected { get; set; }

    /// <summary>Origins allowed to frame this user's embedded pages (space-separated, e.g. <c>https://crm.example.com</c>).</summary>
    public string EmbedOrigins { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>When the user last signed in to the app (reports: <c>user_activity</c>'s last sign-in); null: never since the column came.</summary>
    public DateTimeOffset? LastSignInAt { get; set; }

    public string DisplayName => $"{FirstName} {LastName}".Trim() is { Length: > 0 } n ? n : Email ?? UserName ?? "";
}
