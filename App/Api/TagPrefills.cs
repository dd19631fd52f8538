using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ESignWeb.Domain;
using ESignWeb.Requests;

namespace ESignWeb.Api;

/// <summary>
/// Reads Box's <c>prefill_tags</c>: <c>[{document_tag_id, text_value | checkbox_value | date_value}]</c>, exactly one
/// value each. <c>document_tag_id</c> is a string (a number is read as its digits); <c>date_value</c> is
/// <c>YYYY-MM-DD</c> (a date-time's date part is taken). Throws <see cref="FormatException"/> with a precise message.
/// </summary>
public static class TagPrefills
{
    public static List<TagPrefill> Parse(JsonObject body)
    {
        if (body["prefill_tags"] is null) return [];
        var array = body["prefill_tags"] as JsonArray
                    ?? throw new FormatException("prefill_tags must be an array of {document_tag_id, text_value | checkbox_value | date_value}.");
        if (array.Count > TextTagGrammar.MaxTags) throw new FormatException($"prefill_tags can have at most {TextTagGrammar.MaxTags} entries.");
        var list = new List<TagPrefill>();
        var i = 0;
        foreach (var node in array)
        {
            i++;
            var where = $"prefill_tags[{i}]";
            var o = node as JsonObject ?? throw new FormatException($"{where} is not an object.");
            var id = o["document_tag_id"] switch
            {
                JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var n) => n.ToString(CultureInfo.InvariantCulture),
                _ => null,
            };
            if (string.IsNullOrWhiteSpace(id)) throw new FormatException($"{where}.document_tag_id is required (the id of a tag, e.g. \"company\" for [[t|1|id:company]]).");
            var given = new[] { "text_value", "checkbox_value", "date_value" }.Where(k => o[k] is not null).ToList();
            if (given.Count != 1)
                throw new FormatException($"{where} needs exactly one of text_value, checkbox_value, date_value (it has {(given.Count == 0 ? "none" : string.Join(", ", given))}).");
            list.Add(given[0] switch
            {
                "text_value" => new TagPrefill(id, Text: o["text_value"] is JsonValue t && t.GetValueKind() == JsonValueKind.String
                    ? t.GetValue<string>() : throw new FormatException($"{where}.text_value must be a string.")),
                "checkbox_value" => new TagPrefill(id, Checked: o["checkbox_value"] is JsonValue c && c.GetValueKind() is JsonValueKind.True or JsonValueKind.False
                    ? c.GetValue<bool>() : throw new FormatException($"{where}.checkbox_value must be true or false.")),
                _ => new TagPrefill(id, Date: DateOf(o["date_value"], where)),
            });
        }
        return list;
    }

    private static DateOnly DateOf(JsonNode? node, string where)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            var s = v.GetValue<string>().Trim();
            if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
            if (s.Length > 10 && s[10] == 'T' && DateOnly.TryParseExact(s[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out d) &&
                DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                return d;
        }
        throw new FormatException($"{where}.date_value must be a date as YYYY-MM-DD (e.g. \"2026-04-26\").");
    }
}
