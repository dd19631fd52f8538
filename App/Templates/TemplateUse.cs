using ESignWeb.Domain;

namespace ESignWeb.Templates;

/// <summary>The person who takes a role when a template is used.</summary>
/// <param name="Language">Their mails' language (en, de, fr, es); null: English, as in the request create calls.</param>
/// <param name="Options">Their Box signer options (API); null: the defaults.</param>
/// <param name="RoleGiven">Whether <c>Options.Role</c> was given; otherwise the template role's kind counts.</param>
public sealed record RolePerson(int RoleId, string Email, string FirstName, string LastName, string? Language = null,
    Requests.SignerOptions? Options = null, bool RoleGiven = false);

/// <summary>A merge field's value (matched by label, case-insensitively) and an optional font size in points.</summary>
public sealed record MergeValue(string Label, string? Value, double? FontSize = null);

/// <summary>Everything needed to send a request from a template (the browser's use page and the API's POST build one).</summary>
public sealed class TemplateUse
{
    public int TemplateId { get; set; }
    public string Name { get; set; } = "";
    /// <summary>Null: the template's default message.</summary>
    public string? Message { get; set; }
    /// <summary>The API's <c>is_ordered</c>; null: the template's setting (see <see cref="TemplateOrder.ForUse"/>).</summary>
    public bool? IsOrdered { get; set; }
    /// <summary>The use page's choice of signing order (in groups: each person's <see cref="Requests.SignerOptions.Order"/>); null: as <see cref="IsOrdered"/> says.</summary>
    public Requests.SigningOrder? Order { get; set; }
    public bool EmbeddedSigning { get; set; }
    public List<string> Cc { get; set; } = [];
    public List<RolePerson> People { get; set; } = [];
    /// <summary>The request's categories; null: the template's (inherited).</summary>
    public List<string>? Categories { get; set; }
    public List<MergeValue> MergeValues { get; set; } = [];
    /// <summary>The request's options (reminders, expiry, redirects, colour, … — the use page's panel or the API's Box names); null: the defaults.</summary>
    public Requests.RequestOptions? Options { get; set; }
    /// <summary>Box <c>prefill_tags</c>: values for the fields made from the template PDF's text tags (<see cref="TemplateTags"/>).</summary>
    public List<Requests.TagPrefill> Prefills { get; set; } = [];
    /// <summary>Password of a password-protected template PDF (seed: <c>file_password</c>); never stored.</summary>
    public string? FilePassword { get; set; }
}

public static class MergeRules
{
    public const double MinFontSize = 4;
    public const double MaxFontSize = 72;
    public const int MaxValueLength = 1000;

    /// <summary>Checks a use against the template: every role exactly one person, known role ids, merge values.</summary>
    public static string? Check(Template t, TemplateUse use)
    {
        var i = 0;
        foreach (var p in use.People)
        {
            i++;
            if (t.Roles.All(r => r.Number != p.RoleId))
                return $"recipients[{i}]: role_id {p.RoleId} is not a role of this template (its roles are {RoleList(t)}).";
        }
        foreach (var role in t.Roles.OrderBy(r => r.Number))
        {
            var count = use.People.Count(p => p.RoleId == role.Number);
            if (count == 0) return $"Role {role.Number} ({role.Name}) has no recipient: add one with role_id {role.Number}.";
            if (count > 1) return $"Role {role.Number} ({role.Name}) has {count} recipients; a role is taken by exactly one person.";
        }
        i = 0;
        foreach (var v in use.MergeValues)
        {
            i++;
            var m = t.MergeFields.FirstOrDefault(x => string.Equals(x.Label.Trim(), (v.Label ?? "").Trim(), StringComparison.OrdinalIgnoreCase));
            if (m is null)
                return t.MergeFields.Count == 0
                    ? $"merge_fields[{i}]: \"{v.Label}\" is not a merge field: this template has none."
                    : $"merge_fields[{i}]: \"{v.Label}\" is not a merge field of this template ({string.Join(", ", t.MergeFields.OrderBy(x => x.Number).Select(x => $"\"{x.Label}\""))}).";
            if (use.MergeValues.Count(x => string.Equals(x.Label?.Trim(), m.Label.Trim(), StringComparison.OrdinalIgnoreCase)) > 1)
                return $"merge_fields[{i}]: \"{m.Label}\" is given more than once.";
            if (v.Value is { Length: > MaxValueLength }) return $"merge_fields[{i}]: the value of \"{m.Label}\" is too long (at most {MaxValueLength} characters).";
            if (v.FontSize is { } size && (!double.IsFinite(size) || size < MinFontSize || size > MaxFontSize))
                return $"merge_fields[{i}]: font_size must be between {MinFontSize} and {MaxFontSize} points.";
            if (m.Type == FieldType.Checkbox && !string.IsNullOrWhiteSpace(v.Value) && !IsBool(v.Value))
                return $"merge_fields[{i}]: \"{m.Label}\" is a checkbox; its value is true or false.";
        }
        foreach (var m in t.MergeFields.Where(x => x.Required).OrderBy(x => x.Number))
        {
            var v = ValueOf(use, m);
            if (string.IsNullOrWhiteSpace(v?.Value))
                return $"merge_fields: \"{m.Label}\" is required; give it a value.";
        }
        return null;
    }

    public static MergeValue? ValueOf(TemplateUse use, MergeField m) =>
        use.MergeValues.FirstOrDefault(x => string.Equals(x.Label?.Trim(), m.Label.Trim(), StringComparison.OrdinalIgnoreCase));

    private static bool IsBool(string s) => s.Trim().ToLowerInvariant() is "true" or "false" or "1" or "0" or "yes" or "no" or "on" or "off";

    private static string RoleList(Template t) =>
        string.Join(", ", t.Roles.OrderBy(r => r.Number).Select(r => $"{r.Number} ({r.Name})"));
}
