using System.Text.Json;
using System.Text.Json.Nodes;

namespace ESignWeb.Api;

/// <summary>
/// The SignEasy calls' <c>categories</c> (our extension; jSign's name): a JSON array of strings, or one string whose
/// names are separated by commas (a form field, or <c>categories=NDA&amp;categories=Lease</c> — a category may not
/// contain a comma, so either form reads the same). Only the JSON type is checked here; the names go through
/// <see cref="Domain.Categories.Normalize"/> where they are set. Box's sign request has no such field and reads none.
/// </summary>
public static class ApiCategories
{
    public const string Key = "categories";

    /// <summary>The names as given; null when <c>categories</c> is absent or JSON null. Throws <see cref="FormatException"/> on another type.</summary>
    public static IReadOnlyList<string>? Parse(JsonObject body)
    {
        const string shape = "categories must be an array of strings such as [\"NDA\", \"Agreement\"] (or one comma-separated string).";
        switch (body[Key])
        {
            case null:
                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return v.GetValue<string>().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            case JsonArray a:
                return a.Select(n => n is JsonValue s && s.GetValueKind() == JsonValueKind.String ? s.GetValue<string>() : throw new FormatException(shape)).ToList();
            default:
                throw new FormatException(shape);
        }
    }
}
