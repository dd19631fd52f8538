using System.Text.Json;
using System.Text.Json.Nodes;
using ESignWeb.Domain;

namespace ESignWeb.Templates;

/// <summary>
/// Box text tags on a template's PDF (found by <c>Documents/TextTagDetector</c> in the inspection worker). A new
/// template gets a field for every tag, for the role of the tag's signer number (roles 1, 2, … made as needed), and
/// each such field keeps its tag in its <see cref="TemplateField.AdditionalInfo"/> (<c>document_tag_id</c> and the tag
/// itself): <c>prefill_tags</c> find the fields by that id when the template is used, and the tags go to the request's
/// document so that sealing erases their text (<c>Sealing/TextTagEraser</c>). Pure functions; no schema of their own.
/// </summary>
public static class TemplateTags
{
    private const string FormatKey = "format";
    private const string IdKey = "document_tag_id";
    private const string TagKey = "text_tag";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Adds the tags' fields to a template being created (it has its first role and no fields yet); roles up to the
    /// highest signer number are added ("Signer 1", "Signer 2", …). Tags past the role or field limits are left out.
    /// </summary>
    public static void Apply(Template t, IReadOnlyList<TextTag> tags)
    {
        var usable = tags.Where(x => x.Page >= 1 && x.Page <= t.Pages.Count && x.Signer <= TemplateEditor.MaxRoles).ToList();
        if (usable.Count == 0) return;
        var roles = usable.Max(x => x.Signer);
        if (roles > 1)
            foreach (var r in t.Roles.Where(r => r.Name == "Signer")) r.Name = $"Signer {r.Number}";
        for (var n = 1; n <= roles; n++)
            if (t.Roles.All(r => r.Number != n))
                t.Roles.Add(new TemplateRole { Number = n, Name = $"Signer {n}", Color = TemplateService.SeedColor(n - 1) });
        var number = t.Fields.Select(f => f.Number).DefaultIfEmpty(0).Max();
        foreach (var tag in usable)
        {
            if (t.Fields.Count >= Requests.DraftEditor.MaxFields) return;
            var rect = t.Pages[tag.Page - 1].Clamp(tag.Field);
            t.Fields.Add(new TemplateField
            {
                Number = ++number, RoleNumber = tag.Signer, Type = tag.Type, Required = tag.Type != FieldType.Checkbox, PageNumber = tag.Page,
                X = rect.X, Y = rect.Y, Width = rect.Width, Height = rect.Height, AdditionalInfo = Info(null, tag),
            });
        }
    }

    /// <summary>A template field's additional_info: its date format (none: the signer's locale) and the tag it came from.</summary>
    public static string Info(string? dateFormat, TextTag? tag)
    {
        var o = new JsonObject();
        if (dateFormat is not null) o[FormatKey] = dateFormat;
        if (tag is not null)
        {
            if (tag.Id is not null) o[IdKey] = tag.Id;
            o[TagKey] = JsonSerializer.SerializeToNode(tag, Json);
        }
        return o.ToJsonString();
    }

    /// <summary>The tag a template field came from, or null (an unreadable value counts as none).</summary>
    public static TextTag? TagOf(string? additionalInfo)
    {
        if (string.IsNullOrWhiteSpace(additionalInfo)) return null;
        try
        {
            return JsonNode.Parse(additionalInfo) is JsonObject o && o[TagKey] is JsonObject tag ? tag.Deserialize<TextTag>(Json) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Every tag of the template's fields, once each: the request's document gets them (their text is erased at seal).</summary>
    public static List<TextTag> TagsOf(Template t) =>
        t.Fields.OrderBy(f => f.Number).Select(f => TagOf(f.AdditionalInfo)).OfType<TextTag>().Distinct().ToList();
}
