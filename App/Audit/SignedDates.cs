using System.Text.Json;

namespace ESignWeb.Audit;

/// <summary>
/// The dates a <c>signed</c> audit event records with the format each was written in: a request's signer's date
/// fields (entries of its <c>fields</c> array) and a self-signer's (its <c>dates</c> array) carry <c>value</c> and
/// <c>date_format</c>, so the audit trail can say "12/03/2026 (MM/DD/YYYY)" — which day that is depends on the format.
/// </summary>
public static class SignedDates
{
    public const string ValueKey = "value";
    public const string FormatKey = "date_format";

    /// <summary>How the audit trail shows one date: its text and, in brackets, the format it was written in.</summary>
    public static string Describe(string value, string format) => $"{value} ({format})";

    /// <summary>A self-signed date as the event's <c>dates</c> array holds it.</summary>
    public static Dictionary<string, object?> Entry(int pageNumber, string value, string format) =>
        new() { ["page_number"] = pageNumber, [ValueKey] = value, [FormatKey] = format };

    /// <summary>The dates an event's data records (<see cref="Describe"/>d), in order; none for other events or unreadable data.</summary>
    public static IReadOnlyList<string> In(string? eventData)
    {
        var found = new List<string>();
        if (string.IsNullOrWhiteSpace(eventData)) return found;
        try
        {
            using var doc = JsonDocument.Parse(eventData);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return found;
            foreach (var list in new[] { "fields", "dates" })
            {
                if (!doc.RootElement.TryGetProperty(list, out var items) || items.ValueKind != JsonValueKind.Array) continue;
                foreach (var item in items.EnumerateArray())
                    if (item.ValueKind == JsonValueKind.Object &&
                        item.TryGetProperty(ValueKey, out var v) && v.ValueKind == JsonValueKind.String &&
                        item.TryGetProperty(FormatKey, out var f) && f.ValueKind == JsonValueKind.String)
                        found.Add(Describe(v.GetString()!, f.GetString()!));
            }
        }
        catch (JsonException) { }
        return found;
    }
}
