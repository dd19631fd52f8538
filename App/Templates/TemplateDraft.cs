using ESignWeb.Domain;
using ESignWeb.Requests;

namespace ESignWeb.Templates;

/// <summary>
/// A template being edited. The layout is a <see cref="RequestDraft"/> so the prepare page's PDF viewer, palette and
/// field layer work unchanged: its signers are the roles in order, followed by one pseudo-signer
/// (<see cref="MergeKey"/>) that owns the merge fields.
/// </summary>
public sealed class TemplateDraft
{
    public static readonly Guid MergeKey = new("6d657267-6500-4000-8000-000000000001");
    public const string MergeOwnerName = "Merge fields";

    public int TemplateId { get; set; }
    public string Name { get; set; } = "";
    public bool IsOrdered { get; set; } = true;
    public string? Message { get; set; }
    public bool PasswordProtected { get; set; }
    /// <summary>Categories every request made from the template starts with (normalised; <see cref="TemplateEditor.SetCategories"/>).</summary>
    public List<string> Categories { get; set; } = [];
    public RequestDraft Layout { get; set; } = new();

    public IEnumerable<DraftSigner> Roles => Layout.Signers.Where(s => s.Key != MergeKey);
    public IEnumerable<DraftField> RoleFields => Layout.Fields.Where(f => f.SignerKey != MergeKey);
    public IEnumerable<DraftField> MergeFields => Layout.Fields.Where(f => f.SignerKey == MergeKey);

    /// <summary>The merge pseudo-signer always comes last, so a role's colour is its position's.</summary>
    public void EnsureMergeOwner()
    {
        Layout.Signers.RemoveAll(s => s.Key == MergeKey);
        Layout.Signers.Add(new DraftSigner { Key = MergeKey, FirstName = MergeOwnerName });
    }
}

/// <summary>The rules of editing a template (pure, shared by the page, the service and the tests).</summary>
public static class TemplateEditor
{
    public const int MaxRoles = DraftEditor.MaxSigners;
    public const int MaxLabelLength = 100;
    public static readonly IReadOnlyList<FieldType> MergeTypes = [FieldType.Text, FieldType.Date, FieldType.Checkbox];

    public static string? AddRole(TemplateDraft d, string name)
    {
        if (CheckRoleName(d, null, name) is { } e) return e;
        if (d.Roles.Count() >= MaxRoles) return $"A template can have at most {MaxRoles} roles.";
        // In groups, a new role joins the last group (not group 0, before everyone).
        var group = d.Roles.Select(r => r.Options.Order).DefaultIfEmpty(1).Max();
        d.Layout.Signers.Insert(d.Roles.Count(), new DraftSigner { FirstName = DisplayNames.Clean(name), Options = new SignerOptions { Order = Math.Max(1, group) } });
        return null;
    }

    public static string? RenameRole(TemplateDraft d, Guid key, string name)
    {
        var role = d.Roles.SingleOrDefault(r => r.Key == key);
        if (role is null) return "That role is no longer on the template.";
        if (CheckRoleName(d, key, name) is { } e) return e;
        role.FirstName = DisplayNames.Clean(name);
        return null;
    }

    /// <summary>Removes a role and its fields.</summary>
    public static void RemoveRole(TemplateDraft d, Guid key)
    {
        if (key == TemplateDraft.MergeKey) return;
        DraftEditor.RemoveSigner(d.Layout, key);
    }

    /// <summary>Moves a role up (-1) or down (+1): role ids follow the order (1, 2, …), and so does sequential signing.</summary>
    public static void MoveRole(TemplateDraft d, Guid key, int delta)
    {
        var roles = d.Roles.ToList();
        var i = roles.FindIndex(r => r.Key == key);
        var j = i + delta;
        if (i < 0 || j < 0 || j >= roles.Count) return;
        DraftEditor.MoveSigner(d.Layout, key, delta);
    }

    /// <summary>One after another, all at once, or in groups (each role's group is its <see cref="SignerOptions.Order"/>).</summary>
    public static SigningOrder OrderOf(TemplateDraft d) =>
        !d.IsOrdered ? SigningOrder.AllAtOnce : d.Layout.Options.OrderGroups ? SigningOrder.InGroups : SigningOrder.OneAfterAnother;

    /// <summary>
    /// Sets the signing order, as the prepare page does (<see cref="RequestOptionsEditor.SetOrder"/>): choosing groups
    /// numbers the roles 1, 2, … (one group each) until the sender changes them.
    /// </summary>
    public static void SetOrder(TemplateDraft d, SigningOrder order)
    {
        var wasGroups = d.Layout.Options.OrderGroups;
        d.IsOrdered = d.Layout.IsOrdered = order != SigningOrder.AllAtOnce;
        d.Layout.Options.OrderGroups = order == SigningOrder.InGroups;
        if (d.Layout.Options.OrderGroups && !wasGroups)
        {
            var n = 1;
            foreach (var r in d.Roles) r.Options.Order = n++;
        }
    }

    /// <summary>A role's order group (0 to <see cref="RequestOptionRules.MaxOrder"/>): equal groups act at once, lower groups first.</summary>
    public static string? SetGroup(TemplateDraft d, Guid key, int group)
    {
        var role = d.Roles.SingleOrDefault(r => r.Key == key);
        if (role is null) return "That role no longer exists.";
        if (group is < 0 or > RequestOptionRules.MaxOrder) return $"A group is a number from 0 to {RequestOptionRules.MaxOrder}.";
        role.Options.Order = group;
        return null;
    }

    /// <summary>Adds a merge field (text unless <paramref name="type"/> is date or checkbox) with a fresh label.</summary>
    public static (DraftField? Field, string? Error) AddMergeField(TemplateDraft d, FieldType type, int page, PdfRect? rect = null, string? label = null)
    {
        if (!MergeTypes.Contains(type)) type = FieldType.Text;
        label ??= NextLabel(d);
        if (CheckLabel(d, null, label) is { } e) return (null, e);
        var (field, error) = DraftEditor.AddField(d.Layout, type, TemplateDraft.MergeKey, page, rect);
        if (field is null) return (null, error);
        field.Label = label.Trim();
        field.Required = true;
        field.DateFormat = null;
        return (field, null);
    }

    public static string? SetLabel(TemplateDraft d, Guid fieldKey, string label)
    {
        var f = d.MergeFields.SingleOrDefault(x => x.Key == fieldKey);
        if (f is null) return "That merge field no longer exists.";
        if (CheckLabel(d, fieldKey, label) is { } e) return e;
        f.Label = label.Trim();
        return null;
    }

    public static string? SetMergeType(TemplateDraft d, Guid fieldKey, FieldType type)
    {
        var f = d.MergeFields.SingleOrDefault(x => x.Key == fieldKey);
        if (f is null) return "That merge field no longer exists.";
        if (!MergeTypes.Contains(type)) return "A merge field is text, date or checkbox.";
        f.Type = type;
        return null;
    }

    /// <summary>What the person in a role does (signer, approver, final-copy reader); refused while the role has fields.</summary>
    public static string? SetRoleKind(TemplateDraft d, Guid key, RecipientRole kind)
    {
        var role = d.Roles.SingleOrDefault(r => r.Key == key);
        if (role is null) return "That role no longer exists.";
        if (!Enum.IsDefined(kind)) return "Unknown role kind.";
        if (CheckKind(d, role, kind) is { } e) return e;
        role.Options.Role = kind;
        return null;
    }

    private static string? CheckKind(TemplateDraft d, DraftSigner role, RecipientRole kind) =>
        kind != RecipientRole.Signer && d.Layout.Fields.Any(f => f.SignerKey == role.Key)
            ? $"Role \"{role.FirstName}\" has fields; a role that approves or receives a copy gets none. Move or remove its fields first."
            : null;

    /// <summary>The template's categories through the one rule (<see cref="Categories.Normalize"/>); null when set, else its refusal.</summary>
    public static string? SetCategories(TemplateDraft d, IEnumerable<string?>? names)
    {
        var probe = new RequestDraft();
        if (DraftEditor.SetCategories(probe, names) is { } error) return error;
        d.Categories = probe.Categories;
        return null;
    }

    /// <summary>Every reason the template cannot be saved as it is (empty when it can).</summary>
    public static List<string> Problems(TemplateDraft d)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(d.Name)) problems.Add("The template needs a name.");
        else if (DisplayNames.Clean(d.Name).Length > DraftEditor.MaxNameLength) problems.Add($"The name is too long (at most {DraftEditor.MaxNameLength} characters).");
        if (d.Message is { Length: > DraftEditor.MaxMessageLength }) problems.Add($"The message is too long (at most {DraftEditor.MaxMessageLength} characters).");
        if (!d.Roles.Any()) problems.Add("Add at least one role.");
        foreach (var r in d.Roles)
        {
            if (CheckRoleName(d, r.Key, r.FirstName) is { } e) problems.Add(e);
            if (CheckKind(d, r, r.Options.Role) is { } k) problems.Add(k);
        }
        if (d.Layout.Options.OrderGroups && d.Roles.FirstOrDefault(r => r.Options.Order is < 0 or > RequestOptionRules.MaxOrder) is { } bad)
            problems.Add($"Role \"{bad.FirstName}\": a group is a number from 0 to {RequestOptionRules.MaxOrder}.");
        if (d.Roles.Any() && d.Roles.All(r => r.Options.Role == RecipientRole.FinalCopyReader))
            problems.Add("At least one role must sign or approve.");
        foreach (var f in d.MergeFields)
        {
            if (CheckLabel(d, f.Key, f.Label ?? "") is { } e) problems.Add(e);
            if (!MergeTypes.Contains(f.Type)) problems.Add($"Merge field \"{f.Label}\": a merge field is text, date or checkbox.");
        }
        foreach (var f in d.Layout.Fields)
        {
            if (d.Layout.Signers.All(s => s.Key != f.SignerKey)) problems.Add($"A {WireNames.Of(f.Type)} field on page {f.PageNumber} has no role.");
            var geometry = f.PageNumber >= 1 && f.PageNumber <= d.Layout.PageCount ? d.Layout.Pages[f.PageNumber - 1] : null;
            if (FieldRules.Validate(f.Rect, geometry, f.PageNumber, d.Layout.PageCount) is { } e) problems.Add(e);
        }
        if (DraftEditor.SetCategories(new RequestDraft(), d.Categories) is { } categories) problems.Add(categories);
        if (d.Layout.Fields.Count > DraftEditor.MaxFields) problems.Add($"A template can have at most {DraftEditor.MaxFields} fields.");
        return problems;
    }

    private static string NextLabel(TemplateDraft d)
    {
        for (var i = d.MergeFields.Count() + 1; ; i++)
            if (d.MergeFields.All(f => !string.Equals(f.Label, $"Merge field {i}", StringComparison.OrdinalIgnoreCase)))
                return $"Merge field {i}";
    }

    private static string? CheckRoleName(TemplateDraft d, Guid? self, string name)
    {
        name = DisplayNames.Clean(name);
        if (name.Length == 0) return "A role needs a name (for example \"Client\").";
        if (name.Length > DraftEditor.MaxPersonNameLength) return $"Role names can be at most {DraftEditor.MaxPersonNameLength} characters.";
        if (string.Equals(name, TemplateDraft.MergeOwnerName, StringComparison.OrdinalIgnoreCase)) return $"\"{name}\" is reserved; choose another role name.";
        if (d.Roles.Any(r => r.Key != self && string.Equals(r.FirstName.Trim(), name, StringComparison.OrdinalIgnoreCase)))
            return $"There is already a role named \"{name}\".";
        return null;
    }

    private static string? CheckLabel(TemplateDraft d, Guid? self, string label)
    {
        label = (label ?? "").Trim();
        if (label.Length == 0) return "A merge field needs a label (for example \"Company Name\").";
        if (label.Length > MaxLabelLength) return $"Merge field labels can be at most {MaxLabelLength} characters.";
        if (d.MergeFields.Any(f => f.Key != self && string.Equals(f.Label?.Trim(), label, StringComparison.OrdinalIgnoreCase)))
            return $"There is already a merge field labelled \"{label}\".";
        return null;
    }
}
