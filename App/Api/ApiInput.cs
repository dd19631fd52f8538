using System.Text.Json;

namespace ESignWeb.Api;

/// <summary>Liberal input: the same field from a form body or a JSON body.</summary>
public static class ApiInput
{
    public static async Task<string?> ReadFieldAsync(HttpRequest request, string field, CancellationToken ct) =>
        (await ReadFieldsAsync(request, [field], ct))[field];

    /// <summary>Several string fields of one body (a JSON body can be read only once). Missing ones are null.</summary>
    public static async Task<Dictionary<string, string?>> ReadFieldsAsync(HttpRequest request, IReadOnlyList<string> fields, CancellationToken ct)
    {
        var values = fields.ToDictionary(f => f, _ => (string?)null);
        if (request.HasFormContentType)
        {
            try
            {
                var form = await request.ReadFormAsync(ct);
                foreach (var f in fields) values[f] = form.TryGetValue(f, out var v) ? v.ToString() : null;
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException && !Hosting.BodyLimits.IsTooLarge(ex))
            {
                // an unreadable form: treated as missing fields (callers answer bad_request when one is required)
            }
        }
        else if (request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                using var doc = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
                if (doc.RootElement.ValueKind == JsonValueKind.Object)
                    foreach (var f in fields)
                        values[f] = doc.RootElement.TryGetProperty(f, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            }
            catch (JsonException)
            {
                // malformed JSON: missing fields
            }
        }
        return values;
    }
}
