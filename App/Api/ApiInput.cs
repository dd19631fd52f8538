using System.Text.Json;

namespace ESignWeb.Api;

/// <summary>Liberal input: the same field from a form body or a JSON body.</summary>
public static class ApiInput
{
    public static async Task<string?> ReadFieldAsync(HttpRequest request, string field, CancellationToken ct)
    {
        if (request.HasFormContentType)
        {
            try
            {
                var form = await request.ReadFormAsync(ct);
                return form[field].ToString();
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
            {
                return null; // an unreadable form: treated as a missing field (callers answer bad_request when it is required)
            }
        }
        if (request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                using var doc = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
                return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String
                    ? v.GetString() : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
        return null;
    }
}
