using ESignWeb.Domain;

namespace ESignWeb.Requests;

/// <summary>
/// The rules of preparing a request, applied to a <see cref="RequestDraft"/>: who signs, where fields go.
/// Pure and synchronous, so the prepare page, the API and the tests share exactly the same checks.
/// Methods that can be refused return an error message (null when done); they never half-apply a change.
/// </summary>
public static class DraftEditor
{
    public const int MaxSigners = 50;
    public const int MaxFields = 500;
    public const int MaxNameLength = 100;
    public const int MaxMessageLength = 4000;
    public const int MaxPersonNameLength = 100;
    public const int MaxCc = 20;

    /// <param name="language">The signer's mail language (en, de, fr, es); null: English.</param>
    public static string? AddSigner(RequestDraft d, string email, string firstName, string lastName, string? language = null)
    {
        var error = CheckSigner(d, null, email, firstName, lastName) ?? CheckLanguage(language);
        if (error is not null) return error;
        d.Signers.Add(new DraftSigner
        {
            Email = email.Trim(), FirstName = DisplayNames.Clean(firstName), LastName = DisplayNames.Clean(lastName),
            Language = language ?? Localization.SignerLanguages.Default,
        });
        TextTags.ApplyFor(d, d.Signers.Count); // the document's tags for this signer's number become their fields
        return null;
    }

    /// <param name="language">The signer's mail language; null keeps the one they have.</param>
    public static string? UpdateSigner(RequestDraft d, Guid key, string email, string firstName, string lastName, string? language = null)
    {
        var s = d.Signers.SingleOrDefault(x => x.Key == key);
        if (s is null) return "That signer is no longer on the request.";
        var error = CheckSigner(d, key, email, firstName, lastName) ?? CheckLanguage(language);
        if (error is not null) return error;
        (s.Email, s.FirstName, s.LastName) = (email.Trim(), DisplayNames.Clean(firstName), DisplayNames.Clean(lastName));
        s.Language = language ?? s.Language;
        return null;
    }

    private static string? CheckLanguage(string? language) =>
        language is null || Localization.SignerLanguages.IsSupported(language) ? null : Localization.SignerLanguages.Unsupported(language);

    /// <summary>Removes a signer and the fields assigned to them.</summary>
    public static void RemoveSigner(RequestDraft d, Guid key)
    {
        d.Signers.RemoveAll(x => x.Key == key);
        d.Fields.RemoveAll(f => f.SignerKey == key);
    }

    /// <summary>Moves a signer up (-1) or down (+1) in the signing order.</summary>
    public static void MoveSigner(RequestDraft d, Guid key, int delta)
    {
        var i = d.Signers.FindIndex(x => x.Key == key);
        var j = i + delta;
        if (i < 0 || j < 0 || j >= d.Signers.Count) return;
        (d.Signers[i], d.Signers[j]) = (d.Signers[j], d.Signers[i]);
    }

    public static string? SetCc(RequestDraft d, IEnumerable<string> addresses)
    {
        var list = new List<string>();
        foreach (var raw in addresses.Select(a => a.Trim()).Where(a => a.Length > 0))
        {
            if (!EmailAddress.IsValid(raw)) return $"\"{raw}\" is not a valid e-mail address.";
            if (list.Any(x => EmailAddress.Normalize(x) == EmailAddress.Normalize(raw))) continue;
            if (d.Signers.Any(s => EmailAddress.Normalize(s.Email) == EmailAddress.Normalize(raw)))
                return $"{raw} is already a signer; signers get the signed document anyway.";
            list.Add(raw);
        }
        if (list.Count > MaxCc) return $"At most {MaxCc} CC addresses.";
        d.Cc = list;
        return null;
    }

    /// <summary>
    /// The request's categories, normalised by the one rule (<see cref="Categories.Normalize"/>): null when set, else the
    /// rule's refusal (nothing changes).
    /// </summary>
    public static string? SetCategories(RequestDraft d, IEnumerable<string?>? names)
    {
        try
        {
            d.Categories = Categories.Normalize(names);
            return null;
        }
        catch (AppException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>The one limit on fields per request (prepare page, API, templates); null when <paramref name="count"/> is allowed.</summary>
    public static string? TooManyFields(int count) =>
        count > MaxFields ? $"A request can have at most {MaxFields} fields (this one would have {count})." : null;

    public static string? SetName(RequestDraft d, string name)
    {
        var n = DisplayNames.Clean(name);
        if (n.Length == 0) return "The request needs a name.";
        if (n.Length > MaxNameLength) return $"The name is too long (at most {MaxNameLength} characters).";
        d.Name = n;
        return null;
    }

    public static string? SetMessage(RequestDraft d, string? message)
    {
        if (message is { Length: > MaxMessageLength }) return $"The message is too long (at most {MaxMessageLength} characters).";
        d.Message = string.IsNullOrWhiteSpace(message) ? null : message.Trim();
        return null;
    }

    /// <summary>
    /// Adds a field of <paramref name="type"/> for a signer. With no rectangle, the field gets its default size,
    /// centred on the page (the keyboard path). A rectangle is kept inside the page and grown to the minimum size.
    /// </summary>
    public static (DraftField? Field, string? Error) AddField(RequestDraft d, FieldType type, Guid signerKey, int page, PdfRect? rect = null)
    {
        if (d.Signers.All(s => s.Key != signerKey)) return (null, "Add a signer first, then place fields for them.");
        if (page < 1 || page > d.PageCount) return (null, $"Page {page} does not exist: the document has {Plural.Count(d.PageCount, "page")}.");
        if (TooManyFields(d.Fields.Count + 1) is { } tooMany) return (null, tooMany);
        var geometry = d.Pages[page - 1];
        var (w, h) = FieldRules.DefaultSize(type);
        if (geometry.IsQuarterTurned) (w, h) = (h, w); // so that it looks the same on a page shown turned
        var r = rect ?? Centered(geometry, w, h);
        var field = new DraftField
        {
            Type = type, SignerKey = signerKey, PageNumber = page,
            DateFormat = null, // a date names no format: the signer's page uses the signer's locale
            Required = type != FieldType.Checkbox,
            Rect = Fit(geometry, r),
        };
        d.Fields.Add(field);
        return (field, null);
    }

    /// <summary>Moves/resizes a field (possibly to another page). The result always satisfies the seed's rules.</summary>
    public static string? PlaceField(RequestDraft d, Guid fieldKey, int page, PdfRect rect)
    {
        var f = d.Fields.SingleOrDefault(x => x.Key == fieldKey);
        if (f is null) return "That field no longer exists.";
        if (page < 1 || page > d.PageCount) return $"Page {page} does not exist: the document has {Plural.Count(d.PageCount, "page")}.";
        f.PageNumber = page;
        f.Rect = Fit(d.Pages[page - 1], rect);
        return null;
    }

    /// <summary>Nudges a field by (dx, dy) points in user space, or grows it by (dw, dh); used by the keyboard.</summary>
    public static void Nudge(RequestDraft d, Guid fieldKey, double dx, double dy, double dw = 0, double dh = 0)
    {
        var f = d.Fields.SingleOrDefault(x => x.Key == fieldKey);
        if (f is null) return;
        PlaceField(d, fieldKey, f.PageNumber, new PdfRect(f.X + dx, f.Y + dy, f.Width + dw, f.Height + dh));
    }

    public static void RemoveField(RequestDraft d, Guid fieldKey) => d.Fields.RemoveAll(x => x.Key == fieldKey);

    public static string? AssignField(RequestDraft d, Guid fieldKey, Guid signerKey)
    {
        var f = d.Fields.SingleOrDefault(x => x.Key == fieldKey);
        if (f is null) return "That field no longer exists.";
        if (d.Signers.All(s => s.Key != signerKey)) return "That signer is no longer on the request.";
        f.SignerKey = signerKey;
        return null;
    }

    /// <summary>Grows a rectangle to the minimum size and moves it inside the page.</summary>
    public static PdfRect Fit(PageGeometry page, PdfRect r)
    {
        var w = Math.Max(FieldRules.MinWidth, double.IsFinite(r.Width) ? r.Width : FieldRules.MinWidth);
        var h = Math.Max(FieldRules.MinHeight, double.IsFinite(r.Height) ? r.Height : FieldRules.MinHeight);
        var x = double.IsFinite(r.X) ? r.X : page.Left;
        var y = double.IsFinite(r.Y) ? r.Y : page.Bottom;
        var c = page.Clamp(new PdfRect(x, y, w, h));
        return new PdfRect(Math.Round(c.X, 2), Math.Round(c.Y, 2), Math.Round(c.Width, 2), Math.Round(c.Height, 2));
    }

    /// <summary>Signers who have no field (they will sign free-fill: see docs); approvers and copy readers never have fields.</summary>
    public static IEnumerable<DraftSigner> SignersWithoutFields(RequestDraft d) =>
        d.Signers.Where(s => s.Options.Role == RecipientRole.Signer && d.Fields.All(f => f.SignerKey != s.Key));

    /// <summary>Every reason the draft cannot be sent as it is (empty when it can).</summary>
    /// <param name="requireSigners">False while editing: a draft may be saved before it has signers.</param>
    public static List<string> ProblemsBeforeSend(RequestDraft d, bool requireSigners = true)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(d.Name)) problems.Add("The request needs a name.");
        if (requireSigners && d.Signers.Count == 0) problems.Add("Add at least one signer.");
        if (d.Signers.Count > MaxSigners) problems.Add($"A request can have at most {MaxSigners} signers.");
        if (TooManyFields(d.Fields.Count) is { } tooMany) problems.Add(tooMany);
        foreach (var s in d.Signers)
        {
            var e = CheckSigner(d, s.Key, s.Email, s.FirstName, s.LastName) ?? CheckLanguage(s.Language);
            if (e is not null) problems.Add(e);
        }
        foreach (var f in d.Fields)
        {
            if (d.Signers.All(s => s.Key != f.SignerKey)) problems.Add($"A {WireNames.Of(f.Type)} field on page {f.PageNumber} has no signer.");
            var geometry = f.PageNumber >= 1 && f.PageNumber <= d.PageCount ? d.Pages[f.PageNumber - 1] : null;
            var e = FieldRules.Validate(f.Rect, geometry, f.PageNumber, d.PageCount);
            if (e is not null) problems.Add(e);
        }
        if (SenderMessage.Problem(d.Message) is { } message) problems.Add(message);
        if (SetCategories(new RequestDraft(), d.Categories) is { } categories) problems.Add(categories);
        problems.AddRange(RequestOptionRules.Problems(d));
        return problems;
    }

    private static string? CheckSigner(RequestDraft d, Guid? self, string email, string firstName, string lastName)
    {
        email = (email ?? "").Trim();
        if (email.Length == 0) return "Enter the signer's e-mail address.";
        if (!EmailAddress.IsValid(email)) return $"\"{email}\" is not a valid e-mail address.";
        if (DisplayNames.Clean(firstName).Length == 0) return "Enter the signer's first name.";
        if (DisplayNames.Clean(firstName).Length > MaxPersonNameLength || DisplayNames.Clean(lastName).Length > MaxPersonNameLength)
            return $"Names can be at most {MaxPersonNameLength} characters.";
        if (d.Signers.Any(s => s.Key != self && EmailAddress.Normalize(s.Email) == EmailAddress.Normalize(email)))
            return $"{email} is already a signer of this request.";
        if (self is null && d.Signers.Count >= MaxSigners) return $"A request can have at most {MaxSigners} signers.";
        return null;
    }

    private static PdfRect Centered(PageGeometry p, double w, double h) =>
        new(p.Left + (p.Width - w) / 2, p.Bottom + (p.Height - h) / 2, w, h);
}
