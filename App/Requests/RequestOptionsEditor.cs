using ESignWeb.Domain;

namespace ESignWeb.Requests;

/// <summary>The signing order a sender chooses: the two of <see cref="StatusWords"/> and <see cref="OptionWords.InGroups"/>.</summary>
public enum SigningOrder
{
    OneAfterAnother,
    AllAtOnce,
    InGroups,
}

/// <summary>
/// The prepare page's and the template use page's edits of a draft's options (<see cref="RequestOptions"/>,
/// <see cref="SignerOptions"/>), pure like <see cref="DraftEditor"/>: each setter applies a value and returns null, or
/// leaves the draft as it was and returns the precise message of <see cref="RequestOptionRules"/> that the value
/// broke (shown next to the input).
/// </summary>
public static class RequestOptionsEditor
{
    public static SigningOrder OrderOf(RequestDraft d) =>
        d.Options.OrderGroups ? SigningOrder.InGroups : d.IsOrdered ? SigningOrder.OneAfterAnother : SigningOrder.AllAtOnce;

    /// <summary>Sets the order; choosing groups numbers the signers 1, 2, … (one group each) until the sender changes them.</summary>
    public static void SetOrder(RequestDraft d, SigningOrder order)
    {
        var wasGroups = d.Options.OrderGroups;
        d.IsOrdered = order != SigningOrder.AllAtOnce;
        d.Options.OrderGroups = order == SigningOrder.InGroups;
        if (d.Options.OrderGroups && !wasGroups)
            for (var i = 0; i < d.Signers.Count; i++) d.Signers[i].Options.Order = i + 1;
    }

    /// <summary>A signer just added while the order is in groups joins the last group (not group 0, before everyone).</summary>
    public static void PlaceNewSigner(RequestDraft d, Guid key)
    {
        if (!d.Options.OrderGroups) return;
        var s = d.Signers.SingleOrDefault(x => x.Key == key);
        if (s is null || s.Options.Order > 0) return;
        s.Options.Order = Math.Max(1, d.Signers.Where(x => x.Key != key).Select(x => x.Options.Order).DefaultIfEmpty(1).Max());
    }

    // ---- request options ----

    public static string? SetSubject(RequestDraft d, string? subject) =>
        Try(d, () => d.Options.EmailSubject, v => d.Options.EmailSubject = v, Blank(subject));

    public static string? SetReminders(RequestDraft d, bool on) =>
        Try(d, () => d.Options.RemindersEnabled, v => d.Options.RemindersEnabled = v, on);

    public static string? SetTextSignatures(RequestDraft d, bool on) =>
        Try(d, () => d.Options.TextSignaturesEnabled, v => d.Options.TextSignaturesEnabled = v, on);

    public static string? SetPhoneVerification(RequestDraft d, bool on) =>
        Try(d, () => d.Options.PhoneVerificationRequired, v => d.Options.PhoneVerificationRequired = v, on);

    /// <summary>Null (or black, the default) stores no colour.</summary>
    public static string? SetColor(RequestDraft d, SignatureColor? color) =>
        Try(d, () => d.Options.SignatureColor, v => d.Options.SignatureColor = v, color == SignatureColor.Black ? null : color);

    /// <summary>Days the request stays open once sent, as typed: empty means never.</summary>
    public static string? SetDaysValid(RequestDraft d, string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Try(d, () => d.Options.DaysValid, v => d.Options.DaysValid = v, null);
        if (!int.TryParse(text.Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var days))
            return $"Enter a number of days (0 to {RequestOptionRules.MaxDaysValid}), or leave it empty for no expiry.";
        return Try(d, () => d.Options.DaysValid, v => d.Options.DaysValid = v, days);
    }

    public static string? SetRedirect(RequestDraft d, string? url) =>
        Try(d, () => d.Options.RedirectUrl, v => d.Options.RedirectUrl = v, Blank(url));

    public static string? SetDeclinedRedirect(RequestDraft d, string? url) =>
        Try(d, () => d.Options.DeclinedRedirectUrl, v => d.Options.DeclinedRedirectUrl = v, Blank(url));

    public static string? SetExternalId(RequestDraft d, string? id) =>
        Try(d, () => d.Options.ExternalId, v => d.Options.ExternalId = v, Blank(id));

    public static string? SetFolder(RequestDraft d, int? folderId) =>
        Try(d, () => d.Options.FolderId, v => d.Options.FolderId = v, folderId);

    // ---- per-signer options ----

    public static string? SetRole(RequestDraft d, Guid key, RecipientRole role) =>
        OnSigner(d, key, o => Try(d, () => o.Role, v => o.Role = v, role));

    public static string? SetGroup(RequestDraft d, Guid key, int group) =>
        OnSigner(d, key, o => Try(d, () => o.Order, v => o.Order = v, group));

    /// <summary>A new password (write-only: the draft keeps it until the save hashes it).</summary>
    public static string? SetPassword(RequestDraft d, Guid key, string? password)
    {
        if (string.IsNullOrEmpty(password)) return "Enter the password the signer must give.";
        return OnSigner(d, key, o => Try(d, () => o.NewPassword, v => o.NewPassword = v, password));
    }

    public static string? RemovePassword(RequestDraft d, Guid key) =>
        OnSigner(d, key, o => Try(d, () => o.NewPassword, v => o.NewPassword = v, o.HasPassword ? "" : null));

    /// <summary>The phone the SMS code goes to, kept in its international form; empty removes it.</summary>
    public static string? SetPhone(RequestDraft d, Guid key, string? phone)
    {
        var value = Blank(phone);
        return OnSigner(d, key, o => Try(d, () => o.VerificationPhone, v => o.VerificationPhone = v, PhoneNumber.Normalize(value) ?? value));
    }

    public static string? SetLoginRequired(RequestDraft d, Guid key, bool on) =>
        OnSigner(d, key, o => Try(d, () => o.LoginRequired, v => o.LoginRequired = v, on));

    public static string? SetInPerson(RequestDraft d, Guid key, bool on) =>
        OnSigner(d, key, o => Try(d, () => o.IsInPerson, v => o.IsInPerson = v, on));

    public static string? SetSignerRedirect(RequestDraft d, Guid key, string? url) =>
        OnSigner(d, key, o => Try(d, () => o.RedirectUrl, v => o.RedirectUrl = v, Blank(url)));

    public static string? SetSignerDeclinedRedirect(RequestDraft d, Guid key, string? url) =>
        OnSigner(d, key, o => Try(d, () => o.DeclinedRedirectUrl, v => o.DeclinedRedirectUrl = v, Blank(url)));

    /// <summary>
    /// Sets a value; when the draft then has a problem it did not have before, puts the old value back and returns
    /// that problem (the rule's own words).
    /// </summary>
    public static string? Try<T>(RequestDraft d, Func<T> get, Action<T> set, T value)
    {
        var before = RequestOptionRules.Problems(d).ToHashSet();
        var old = get();
        set(value);
        var added = RequestOptionRules.Problems(d).FirstOrDefault(p => !before.Contains(p));
        if (added is null) return null;
        set(old);
        return added;
    }

    private static string? OnSigner(RequestDraft d, Guid key, Func<SignerOptions, string?> change) =>
        d.Signers.SingleOrDefault(s => s.Key == key) is { } s ? change(s.Options) : "That signer is no longer on the request.";

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
