using System.Globalization;

namespace ESignWeb.Domain;

/// <summary>
/// The words a sender reads for a request's options (issue 11) — the sibling of <see cref="StatusWords"/>: roles,
/// signature colours, reminders, expiry, groups. The API keeps the seed's wire names (<see cref="WireNames"/>); the
/// prepare page, the template editor and use page and the request page take their words from here.
/// </summary>
public static class OptionWords
{
    /// <summary>What a recipient does, as a verb phrase ("Signs"), in the role choice and on the request page.</summary>
    public static string Of(RecipientRole r) => r switch
    {
        RecipientRole.Signer => "Signs",
        RecipientRole.Approver => "Approves",
        RecipientRole.FinalCopyReader => "Receives a copy",
        _ => throw new ArgumentOutOfRangeException(nameof(r)),
    };

    /// <summary>A signature colour's name.</summary>
    public static string Of(SignatureColor c) => c switch
    {
        SignatureColor.Black => "Black",
        SignatureColor.Blue => "Blue",
        SignatureColor.Red => "Red",
        _ => throw new ArgumentOutOfRangeException(nameof(c)),
    };

    /// <summary>The CSS colour of a swatch (the ink the signer's signature gets).</summary>
    public static string Css(SignatureColor c) => c switch
    {
        SignatureColor.Black => "#000000",
        SignatureColor.Blue => "#1a3fb0",
        SignatureColor.Red => "#c62828",
        _ => throw new ArgumentOutOfRangeException(nameof(c)),
    };

    /// <summary>Why a party with this role gets no fields (the palette says it); null for a signer.</summary>
    public static string? NoFields(RecipientRole r) => r switch
    {
        RecipientRole.Signer => null,
        RecipientRole.Approver => "An approver reads the whole document and approves or declines it: approvers get no fields.",
        RecipientRole.FinalCopyReader => "Someone who receives a copy takes no part in signing: they get no fields.",
        _ => throw new ArgumentOutOfRangeException(nameof(r)),
    };

    /// <summary>The third signing order: groups that sign one after another, the members of a group all at once.</summary>
    public const string InGroups = "In groups";

    public const string InGroupsExplained = "Groups sign one after another (lowest number first); everyone in a group is asked at once.";

    /// <summary>The reminder switch and the request page.</summary>
    public const string Reminders = "Remind on day 3, 8, 13 and 18";

    public const string TextSignatures = "Signers may type their signature";

    public const string PhoneVerification = "Signers with a phone number enter a code sent by SMS";

    /// <summary>"in group 2" (a signer's place when the order is in groups).</summary>
    public static string Group(int order) => $"Group {order}";

    /// <summary>Expiry, in words: the date once sent, the days before.</summary>
    public static string? Expiry(int? daysValid, DateTimeOffset? autoExpireAt) =>
        autoExpireAt is { } at ? StatusWords.ExpiresOn(at)
        : daysValid is { } d ? $"Expires {Plural.Count(d, "day")} after it is sent"
        : null;

    /// <summary>Every request option that is set, in words (label, text): the request page's "Options" list.</summary>
    public static List<(string Label, string Text)> Describe(SignatureRequest r)
    {
        var lines = new List<(string, string)>();
        if (Expiry(r.DaysValid, r.AutoExpireAt) is { } expiry) lines.Add(("Expiry", expiry));
        if (r.RemindersEnabled) lines.Add(("Reminders", Reminders));
        if (r.SignatureColor is { } c && c != SignatureColor.Black) lines.Add(("Signature colour", Of(c)));
        if (!r.TextSignaturesEnabled) lines.Add(("Typed signatures", "Not allowed: signers draw or upload their signature"));
        if (r.EmailSubject is { } subject) lines.Add(("E-mail subject", subject));
        if (r.RedirectUrl is { } done) lines.Add(("After signing", $"Goes to {done}"));
        if (r.DeclinedRedirectUrl is { } declined) lines.Add(("After declining", $"Goes to {declined}"));
        if (r.ExternalId is { } ext) lines.Add(("External reference", ext));
        if (r.PhoneVerificationRequired) lines.Add(("Phone verification", PhoneVerification));
        return lines;
    }

    /// <summary>A recipient's options that are set, in words ("Approves", "Group 2", "password", "SMS code to +49 ••• 56", …).</summary>
    public static List<string> Describe(Recipient x, bool inGroups)
    {
        var words = new List<string>();
        if (x.Role != RecipientRole.Signer) words.Add(Of(x.Role));
        if (inGroups) words.Add(Group(x.OrderId));
        if (x.PasswordHash is not null) words.Add("password");
        if (x.VerificationPhone is { } phone) words.Add($"SMS code to {Requests.PhoneNumber.Masked(phone)}");
        if (x.LoginRequired) words.Add("must sign in");
        if (x.IsInPerson) words.Add("in person");
        if (x.RedirectUrl is { } done) words.Add($"after signing goes to {done}");
        if (x.DeclinedRedirectUrl is { } declined) words.Add($"after declining goes to {declined}");
        return words;
    }

    /// <summary>Whether a sent request signs in groups: some acting recipients share an order number.</summary>
    public static bool InGroupsOf(SignatureRequest r)
    {
        var orders = r.Recipients.Where(x => x.Acts).Select(x => x.OrderId).ToList();
        return r.IsOrdered && orders.Distinct().Count() != orders.Count;
    }

    // The audit trail's "Request options" block (Sealing/AuditTrailPdf): every option, set or not, so that the trail
    // says what the sender chose. Never a password or its hash; phone numbers masked.

    /// <summary>An option the sender left empty, in the audit trail.</summary>
    public const string NotSet = "Not set";

    /// <summary>The root folder, as the folder picker names it.</summary>
    public const string TopFolder = "Documents (top level)";

    /// <summary>Every request option, set or not, in words (label, text): the audit trail's "Request options" block.</summary>
    /// <param name="folderPath">The destination folder's names from the root; empty: the root.</param>
    public static List<(string Label, string Text)> ForAuditTrail(SignatureRequest r, IReadOnlyList<string> folderPath) =>
    [
        ("Signing order", InGroupsOf(r) ? $"{InGroups} ({InGroupsExplained})" : StatusWords.Order(r.IsOrdered)),
        ("Reminders", r.RemindersEnabled ? $"On: {Reminders}" : "Off"),
        ("Expiry", r.AutoExpireAt is { } at
            ? $"{at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC (auto_expire_at)"
            : Expiry(r.DaysValid, null) ?? "Never"),
        ("After signing", r.RedirectUrl is { } done ? $"Goes to {done}" : NotSet),
        ("After declining", r.DeclinedRedirectUrl is { } declined ? $"Goes to {declined}" : NotSet),
        ("Typed signatures", r.TextSignaturesEnabled ? "Allowed" : "Not allowed: signers draw or upload their signature"),
        ("Signature colour", Of(r.SignatureColor ?? SignatureColor.Black)),
        ("Phone verification", r.PhoneVerificationRequired ? PhoneVerification : "Not required"),
        ("External reference", r.ExternalId ?? NotSet),
        ("Destination folder", folderPath.Count == 0 ? TopFolder : string.Join(" / ", folderPath)),
        ("E-mail subject", r.EmailSubject ?? "Default subject"),
    ];

    /// <summary>
    /// One recipient's options in the audit trail, every one said (set or not): role, order group, password, SMS code
    /// (the number masked), sign-in, in person, own redirects.
    /// </summary>
    public static string ForAuditTrail(SignatureRequest r, Recipient x)
    {
        var words = new List<string>
        {
            x.Role switch
            {
                RecipientRole.Signer => "Signer",
                RecipientRole.Approver => "Approver",
                RecipientRole.FinalCopyReader => "Final-copy reader (receives a copy)",
                _ => throw new ArgumentOutOfRangeException(nameof(x)),
            },
            r.IsOrdered ? Group(x.OrderId) : StatusWords.AllAtOnce,
            x.PasswordHash is not null ? "password required" : "no password",
            x.VerificationPhone is { } phone ? $"SMS code to {Requests.PhoneNumber.Masked(phone)}" : "no SMS code",
            x.LoginRequired ? "must sign in" : "no sign-in required",
            x.IsInPerson ? "in person" : "not in person",
        };
        if (x.RedirectUrl is { } done) words.Add($"after signing goes to {done}");
        if (x.DeclinedRedirectUrl is { } declined) words.Add($"after declining goes to {declined}");
        return string.Join(" · ", words);
    }
}
