using System.Globalization;
using ESignWeb.Domain;

namespace ESignWeb.Requests;

/// <summary>One <c>prefill_tags</c> entry: a tag id and exactly one value.</summary>
public sealed record TagPrefill(string DocumentTagId, string? Text = null, bool? Checked = null, DateOnly? Date = null);

/// <summary>
/// Fields from a document's text tags, and prefill values for them — pure functions over a <see cref="RequestDraft"/>.
/// A tag for signer N becomes a field of the draft's N-th signer (1-based, signing order) with
/// <see cref="DraftField.DocumentTagId"/> = the tag's id. <see cref="DraftEditor.AddSigner"/> calls
/// <see cref="ApplyFor"/> for each signer it adds, so the prepare page and every API path get them the same way.
/// </summary>
public static class TextTags
{
    /// <summary>Adds a field for every tag of every signer the draft has; returns the warnings for tags whose signer it lacks.</summary>
    public static List<string> Apply(RequestDraft d, IReadOnlyList<TextTag> tags)
    {
        for (var n = 1; n <= d.Signers.Count; n++) AddFields(d, tags, n);
        return Warnings(d, tags);
    }

    /// <summary>Adds the fields of signer number <paramref name="number"/> (called when that signer is added).</summary>
    public static void ApplyFor(RequestDraft d, int number) => AddFields(d, d.TextTags, number);

    /// <summary>One line per signer number that has tags but no signer in the draft.</summary>
    public static List<string> Warnings(RequestDraft d, IReadOnlyList<TextTag> tags) =>
        tags.Where(t => t.Signer > d.Signers.Count).GroupBy(t => t.Signer).OrderBy(g => g.Key)
            .Select(g => $"The document has {Plural.Count(g.Count(), "text tag")} for signer {g.Key}, but the request has {Plural.Count(d.Signers.Count, "signer")}: no fields were made from them.")
            .ToList();

    private static void AddFields(RequestDraft d, IReadOnlyList<TextTag> tags, int number)
    {
        if (number < 1 || number > d.Signers.Count) return;
        var signer = d.Signers[number - 1];
        foreach (var t in tags.Where(t => t.Signer == number && t.Page >= 1 && t.Page <= d.PageCount))
        {
            if (DraftEditor.TooManyFields(d.Fields.Count + 1) is not null) return;
            d.Fields.Add(new DraftField
            {
                SignerKey = signer.Key, Type = t.Type, PageNumber = t.Page, Rect = d.Pages[t.Page - 1].Clamp(t.Field),
                Required = t.Type != FieldType.Checkbox, DocumentTagId = t.Id,
                DateFormat = null, // the signer's locale, as on the prepare page
            });
        }
    }

    /// <summary>
    /// Sets the values of tagged fields before sending (Box <c>prefill_tags</c>): text for text fields, true/false for
    /// checkboxes, a date (written in the field's format; the default when the field has none) for date fields. Every
    /// field with the id gets the value. Returns the first problem: an id no field has, a value of the wrong kind.
    /// </summary>
    public static string? Prefill(RequestDraft d, IReadOnlyList<TagPrefill> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            var p = values[i];
            var where = $"prefill_tags[{i + 1}]";
            var fields = d.Fields.Where(f => f.DocumentTagId == p.DocumentTagId).ToList();
            if (fields.Count == 0)
                return $"{where}: no field has document_tag_id \"{p.DocumentTagId}\"" +
                       (d.Fields.Any(f => f.DocumentTagId is not null)
                           ? $" (the tags are {string.Join(", ", d.Fields.Select(f => f.DocumentTagId).OfType<string>().Distinct().Select(x => $"\"{x}\""))})."
                           : " (the document has no tags with an id).");
            foreach (var f in fields)
            {
                string? value;
                switch (f.Type)
                {
                    case FieldType.Text or FieldType.Name or FieldType.Email when p.Text is { } text:
                        if (text.Length > Signing.SigningService.MaxTextLength)
                            return $"{where}: text_value can be at most {Signing.SigningService.MaxTextLength} characters.";
                        value = text;
                        break;
                    case FieldType.Checkbox when p.Checked is { } check:
                        value = check ? "true" : "false";
                        break;
                    case FieldType.Date when p.Date is { } date:
                        f.DateFormat ??= FieldRules.DefaultDateFormat; // value and format must agree for every signer's locale
                        value = DateFormats.Format(date, f.DateFormat);
                        break;
                    default:
                        return $"{where}: the tag \"{p.DocumentTagId}\" is a {WireNames.Of(f.Type)} field; it takes " + f.Type switch
                        {
                            FieldType.Checkbox => "checkbox_value (true or false).",
                            FieldType.Date => "date_value (YYYY-MM-DD).",
                            FieldType.Text or FieldType.Name or FieldType.Email => "text_value.",
                            _ => "no prefill value (signatures and initials are the signer's own).",
                        };
                }
                f.Value = value;
            }
        }
        return null;
    }
}
