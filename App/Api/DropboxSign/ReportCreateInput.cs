using System.Text.Json;
using ESignWeb.Domain;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;

namespace ESignWeb.Api.DropboxSign;

/// <summary>
/// The body of <c>POST /v3/report/create</c> as the wire gives it, before the report rules (<c>Reports/ReportRange</c>,
/// <c>Reports/ReportTypes</c>) judge it: <c>start_date</c>, <c>end_date</c> and <c>report_type</c>, read from JSON
/// (<c>"report_type": [...]</c> — what <c>@dropbox/sign</c> sends; a single string is taken too) or from form fields,
/// urlencoded or multipart (<c>report_type[]=…</c> as the seed's curl, <c>report_type[0]=…</c>, plain
/// <c>report_type=…</c>; a value may be comma-separated). A body it cannot read — not JSON or form fields, malformed,
/// a field of the wrong JSON type, a date given twice, too many types — is a <c>bad_request</c> naming the field
/// (<c>error_path</c>) when there is one, never a 500. Missing fields are left null for the rules to refuse.
/// </summary>
public sealed partial record ReportCreateInput(string? StartDate, string? EndDate, IReadOnlyList<string> ReportTypes)
{
    public const string StartDateField = "start_date", EndDateField = "end_date", ReportTypeField = "report_type";

    /// <summary>More <c>report_type</c> values than this is refused: there are only a few types.</summary>
    public const int MaxReportTypeValues = 16;

    public static async Task<ReportCreateInput> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        ReportCreateInput input;
        if (request.HasFormContentType) input = await ReadFormAsync(request, ct);
        else if (IsJson(request.ContentType)) input = await ReadJsonAsync(request, ct);
        else throw AppException.BadRequest(
            "The body must be JSON (Content-Type: application/json) or form fields (multipart/form-data or application/x-www-form-urlencoded).");
        if (input.ReportTypes.Count > MaxReportTypeValues)
            throw AppException.BadField(ReportTypeField, $"report_type has more than {MaxReportTypeValues} values.");
        return input;
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && contentType.Split(';')[0].Trim() is var media
        && (media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static async Task<ReportCreateInput> ReadJsonAsync(HttpRequest request, CancellationToken ct)
    {
        JsonDocument doc;
        try
        {
            doc = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 16 }, ct);
        }
        catch (JsonException)
        {
            throw AppException.BadRequest("The body is not valid JSON.");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw AppException.BadRequest("The body must be a JSON object.");
            return new ReportCreateInput(JsonString(root, StartDateField), JsonString(root, EndDateField), JsonTypes(root) ?? []);
        }
    }

    private static string? JsonString(JsonElement root, string field) =>
        !root.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString()
        : throw AppException.BadField(field, $"{field} must be a string (MM/DD/YYYY).");

    private static List<string>? JsonTypes(JsonElement root)
    {
        if (!root.TryGetProperty(ReportTypeField, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.String) return Split(v.GetString()!).ToList();
        if (v.ValueKind != JsonValueKind.Array)
            throw AppException.BadField(ReportTypeField, "report_type must be an array of strings.");
        if (v.GetArrayLength() > MaxReportTypeValues)
            throw AppException.BadField(ReportTypeField, $"report_type has more than {MaxReportTypeValues} values.");
        return v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()!
            : throw AppException.BadField(ReportTypeField, "report_type must be an array of strings.")).ToList();
    }

    private static async Task<ReportCreateInput> ReadFormAsync(HttpRequest request, CancellationToken ct)
    {
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException && !Hosting.BodyLimits.IsTooLarge(ex))
        {
            throw AppException.BadRequest("The form body could not be read.");
        }
        // report_type, report_type[] and report_type[N] (in N's order), each value possibly comma-separated.
        var indexed = new List<(int Index, StringValues Values)>();
        List<string>? types = null;
        foreach (var (key, values) in form)
        {
            if (key is ReportTypeField or ReportTypeField + "[]")
                (types ??= []).AddRange(values.SelectMany(Split));
            else if (IndexedType().Match(key) is { Success: true } m)
                indexed.Add((int.TryParse(m.Groups[1].Value, out var i) ? i : int.MaxValue, values));
        }
        foreach (var (_, values) in indexed.OrderBy(x => x.Index))
            (types ??= []).AddRange(values.SelectMany(Split));
        return new ReportCreateInput(FormString(form, StartDateField), FormString(form, EndDateField), (IReadOnlyList<string>?)types ?? []);
    }

    private static string? FormString(IFormCollection form, string field) =>
        !form.TryGetValue(field, out var v) || v.Count == 0 ? null
        : v.Count == 1 ? v[0]
        : throw AppException.BadField(field, $"{field} was given more than once.");

    /// <summary>A value's comma-separated parts (blank parts are left for the rules, which ignore them).</summary>
    private static IEnumerable<string> Split(string? value) => value is null ? [] : value.Split(',');

    [GeneratedRegex(@"^report_type\[(\d{1,6})\]$")]
    private static partial Regex IndexedType();
}
