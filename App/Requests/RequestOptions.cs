using ESignWeb.Domain;
using Microsoft.AspNetCore.Identity;

namespace ESignWeb.Requests;

/// <summary>
/// What a sender can ask of a request beyond "these people sign these fields" — the Box Sign request object's
/// options (seed names in the comments). Part of <see cref="RequestDraft"/>: the prepare page, the template use page
/// and every API family set them, <see cref="RequestOptionRules"/> checks them, <see cref="RequestOptionMapping"/>
/// stores them.
/// </summary>
public sealed class RequestOptions
{
    /// <summary>email_subject</summary>
    public string? EmailSubject { get; set; }
    /// <summary>are_reminders_enabled</summary>
    public bool RemindersEnabled { get; set; }
    /// <summary>are_text_signatures_enabled</summary>
    public bool TextSignaturesEnabled { get; set; } = true;
    /// <summary>signature_color; null: black.</summary>
    public SignatureColor? SignatureColor { get; set; }
    /// <summary>days_valid (0–730); null: no expiry.</summary>
    public int? DaysValid { get; set; }
    /// <summary>redirect_url</summary>
    public string? RedirectUrl { get; set; }
    /// <summary>declined_redirect_url</summary>
    public string? DeclinedRedirectUrl { get; set; }
    /// <summary>external_id</summary>
    public string? ExternalId { get; set; }
    /// <summary>is_document_preparation_needed</summary>
    public bool PreparationNeeded { get; set; }
    /// <summary>is_phone_verification_required_to_view</summary>
    public bool PhoneVerificationRequired { get; set; }
    /// <summary>parent_folder (our folder id; null: the root).</summary>
    public int? FolderId { get; set; }
    /// <summary>
    /// Signing order by groups: each signer's <see cref="SignerOptions.Order"/> counts (equal orders sign in
    /// parallel). False: the request's <c>IsOrdered</c> decides — one after another in list order, or all at once.
    /// </summary>
    public bool OrderGroups { get; set; }

    /// <summary>An independent copy (every member is a value or a string, so a shallow copy is a full one).</summary>
    public RequestOptions Copy() => (RequestOptions)MemberwiseClone();
}

/// <summary>Per-signer options (the Box Sign signer object).</summary>
public sealed class SignerOptions
{
    /// <summary>role</summary>
    public RecipientRole Role { get; set; } = RecipientRole.Signer;
    /// <summary>order (≥ 0); used when <see cref="RequestOptions.OrderGroups"/> is set.</summary>
    public int Order { get; set; }
    /// <summary>redirect_url</summary>
    public string? RedirectUrl { get; set; }
    /// <summary>declined_redirect_url</summary>
    public string? DeclinedRedirectUrl { get; set; }
    /// <summary>Whether a password is stored (the password itself is write-only and never loaded).</summary>
    public bool HasPassword { get; set; }
    /// <summary>password, write-only: null keeps the stored one, "" removes it, anything else replaces it.</summary>
    public string? NewPassword { get; set; }
    /// <summary>verification_phone_number</summary>
    public string? VerificationPhone { get; set; }
    /// <summary>login_required</summary>
    public bool LoginRequired { get; set; }
    /// <summary>is_in_person</summary>
    public bool IsInPerson { get; set; }
    /// <summary>embed_url_external_user_id</summary>
    public string? EmbedUrlExternalUserId { get; set; }

    /// <summary>The password the signer will be asked for, after the pending change.</summary>
    public bool WillHavePassword => NewPassword is null ? HasPassword : NewPassword.Length > 0;

    /// <summary>An independent copy (every member is a value or a string, so a shallow copy is a full one).</summary>
    public SignerOptions Copy() => (SignerOptions)MemberwiseClone();
}

/// <summary>The checks of <see cref="RequestOptions"/> and <see cref="SignerOptions"/>: precise messages, pure.</summary>
public static class RequestOptionRules
{
    public const int MaxDaysValid = 730;
    public const int MaxOrder = 1000;
    public const int MaxUrlLength = 2048;
    public const int MaxSubjectLength = 255;
    public const int MaxExternalIdLength = 255;
    public const int MinPasswordLength = 4;
    public const int MaxPasswordLength = 100;

    /// <summary>Every problem with the options of <paramref name="d"/> (empty when there is none).</summary>
    public static List<string> Problems(RequestDraft d)
    {
        var o = d.Options;
        var problems = new List<string>();
        if (o.DaysValid is < 0 or > MaxDaysValid)
            problems.Add($"days_valid must be between 0 and {MaxDaysValid} (it is {o.DaysValid}).");
        Add(problems, Url("redirect_url", o.RedirectUrl));
        Add(problems, Url("declined_redirect_url", o.DeclinedRedirectUrl));
        if (o.EmailSubject is { } subject)
        {
            if (subject.Length > MaxSubjectLength) problems.Add($"email_subject is too long (at most {MaxSubjectLength} characters).");
            if (subject.Any(char.IsControl)) problems.Add("email_subject must be one line of text.");
        }
        if (o.ExternalId is { Length: > MaxExternalIdLength })
            problems.Add($"external_id is too long (at most {MaxExternalIdLength} characters).");
        if (d.Signers.Count > 0 && d.Signers.All(s => s.Options.Role == RecipientRole.FinalCopyReader))
            problems.Add("At least one person must sign or approve: everyone is a final_copy_reader.");
        foreach (var s in d.Signers)
        {
            var who = s.Email;
            var so = s.Options;
            if (!Enum.IsDefined(so.Role)) problems.Add($"{who}: unknown role.");
            if (so.Order is < 0 or > MaxOrder) problems.Add($"{who}: order must be between 0 and {MaxOrder}.");
            Add(problems, Url($"{who}: redirect_url", so.RedirectUrl));
            Add(problems, Url($"{who}: declined_redirect_url", so.DeclinedRedirectUrl));
            if (so.NewPassword is { Length: > 0 } pw && (pw.Length < MinPasswordLength || pw.Length > MaxPasswordLength))
                problems.Add($"{who}: the password must be {MinPasswordLength} to {MaxPasswordLength} characters.");
            if (so.VerificationPhone is { } phone && PhoneNumber.Normalize(phone) is null)
                problems.Add($"{who}: \"{phone}\" is not a phone number (use the international form, e.g. +4930123456).");
            if (so.EmbedUrlExternalUserId is { Length: > MaxExternalIdLength })
                problems.Add($"{who}: embed_url_external_user_id is too long (at most {MaxExternalIdLength} characters).");
            if (so.Role == RecipientRole.FinalCopyReader)
            {
                if (so.WillHavePassword) problems.Add($"{who}: a final_copy_reader takes no part in signing and cannot have a password.");
                if (so.VerificationPhone is not null) problems.Add($"{who}: a final_copy_reader takes no part in signing and cannot have a verification phone.");
                if (so.LoginRequired || so.IsInPerson) problems.Add($"{who}: a final_copy_reader takes no part in signing (no login_required or is_in_person).");
            }
            if (so.Role != RecipientRole.Signer && d.Fields.Any(f => f.SignerKey == s.Key))
                problems.Add($"{who}: {(so.Role == RecipientRole.Approver ? "an approver" : "a final_copy_reader")} has no fields; assign the fields to a signer.");
        }
        return problems;
    }

    private static void Add(List<string> problems, string? problem)
    {
        if (problem is not null) problems.Add(problem);
    }

    /// <summary>Null when <paramref name="url"/> is empty or an absolute http(s) URL; else the problem.</summary>
    public static string? Url(string name, string? url)
    {
        if (url is null) return null;
        if (url.Length > MaxUrlLength) return $"{name} is too long (at most {MaxUrlLength} characters).";
        return Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp)
            && !string.IsNullOrEmpty(u.Host)
            ? null
            : $"{name} must be an absolute http or https URL.";
    }

    /// <summary>The order group each signer gets when the draft is saved (see <see cref="RequestOptions.OrderGroups"/>).</summary>
    public static IReadOnlyList<int> EffectiveOrders(RequestDraft d) =>
        d.Options.OrderGroups ? d.Signers.Select(s => s.Options.Order).ToList()
        : d.Signers.Select((_, i) => i + 1).ToList();
}

/// <summary>Phone numbers for the SMS code: E.164 (+ and 8–15 digits); spaces, dots, dashes and brackets are dropped.</summary>
public static class PhoneNumber
{
    /// <summary>The number in E.164 form, or null when it is not one. A number without + is taken as given with its country code.</summary>
    public static string? Normalize(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw) || raw.Length > 32) return null;
        var digits = new System.Text.StringBuilder();
        foreach (var (c, i) in raw.Trim().Select((c, i) => (c, i)))
        {
            if (char.IsAsciiDigit(c)) digits.Append(c);
            else if (c == '+' && i == 0) continue;
            else if (c is ' ' or '-' or '.' or '(' or ')') continue;
            else return null;
        }
        return digits.Length is >= 8 and <= 15 && digits[0] != '0' ? "+" + digits : null;
    }

    /// <summary>The number with all but its first 2 and last 2 digits hidden ("+49 ••• 56"), for screens, the API and the audit trail.</summary>
    public static string Masked(string e164) => e164.Length <= 5 ? e164 : $"{e164[..3]} ••• {e164[^2..]}";
}

/// <summary>Hashing of signer passwords (write-only secrets): ASP.NET Core Identity's PBKDF2 hasher.</summary>
public static class SignerPasswords
{
    private static readonly PasswordHasher<object> Hasher = new();
    private static readonly object User = new();

    public static string Hash(string password) => Hasher.HashPassword(User, password);

    public static bool Verify(string hash, string password) =>
        Hasher.VerifyHashedPassword(User, hash, password) != PasswordVerificationResult.Failed;
}

/// <summary>Between the draft's options and the stored request: one mapping each way.</summary>
public static class RequestOptionMapping
{
    public static RequestOptions Load(SignatureRequest r) => new()
    {
        EmailSubject = r.EmailSubject, RemindersEnabled = r.RemindersEnabled, TextSignaturesEnabled = r.TextSignaturesEnabled,
        SignatureColor = r.SignatureColor, DaysValid = r.DaysValid, RedirectUrl = r.RedirectUrl,
        DeclinedRedirectUrl = r.DeclinedRedirectUrl, ExternalId = r.ExternalId, PreparationNeeded = r.PreparationNeeded,
        PhoneVerificationRequired = r.PhoneVerificationRequired, FolderId = r.FolderId,
        OrderGroups = r.IsOrdered && HasGroups(r),
    };

    public static SignerOptions Load(Recipient x) => new()
    {
        Role = x.Role, Order = x.OrderId, RedirectUrl = x.RedirectUrl, DeclinedRedirectUrl = x.DeclinedRedirectUrl,
        HasPassword = x.PasswordHash is not null, VerificationPhone = x.VerificationPhone, LoginRequired = x.LoginRequired,
        IsInPerson = x.IsInPerson, EmbedUrlExternalUserId = x.EmbedUrlExternalUserId,
    };

    public static void Store(RequestOptions o, SignatureRequest r)
    {
        r.EmailSubject = Blank(o.EmailSubject);
        r.RemindersEnabled = o.RemindersEnabled;
        r.TextSignaturesEnabled = o.TextSignaturesEnabled;
        r.SignatureColor = o.SignatureColor;
        r.DaysValid = o.DaysValid;
        r.RedirectUrl = Blank(o.RedirectUrl);
        r.DeclinedRedirectUrl = Blank(o.DeclinedRedirectUrl);
        r.ExternalId = Blank(o.ExternalId);
        r.PreparationNeeded = o.PreparationNeeded;
        r.PhoneVerificationRequired = o.PhoneVerificationRequired;
        r.FolderId = o.FolderId;
    }

    /// <summary>
    /// Stores a signer's options; a new password is hashed here. The draft keeps it until the save has committed
    /// (<see cref="PasswordSaved"/>), so a retried transaction hashes it again instead of losing it.
    /// </summary>
    public static void Store(SignerOptions o, Recipient x)
    {
        x.Role = o.Role;
        x.RedirectUrl = Blank(o.RedirectUrl);
        x.DeclinedRedirectUrl = Blank(o.DeclinedRedirectUrl);
        if (o.NewPassword is { } pw)
        {
            x.PasswordHash = pw.Length == 0 ? null : SignerPasswords.Hash(pw);
            x.PasswordFailures = 0;
        }
        x.VerificationPhone = PhoneNumber.Normalize(o.VerificationPhone);
        x.LoginRequired = o.LoginRequired;
        x.IsInPerson = o.IsInPerson;
        x.EmbedUrlExternalUserId = Blank(o.EmbedUrlExternalUserId);
    }

    /// <summary>After a committed save: the draft now holds what is stored (a password set, or none), not the pending change.</summary>
    public static void PasswordSaved(SignerOptions o)
    {
        if (o.NewPassword is null) return;
        o.HasPassword = o.NewPassword.Length > 0;
        o.NewPassword = null;
    }

    /// <summary>Orders that are neither 1..n in list order nor all alike: the sender set groups.</summary>
    private static bool HasGroups(SignatureRequest r)
    {
        var orders = RequestWorkflow.InOrder(r).Select(x => x.OrderId).ToList();
        return orders.Distinct().Count() != orders.Count;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
