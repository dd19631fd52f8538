using System.Globalization;
using System.Text.Json;
using ESignWeb.Domain;

namespace ESignWeb.Api.JSign;

/// <summary>
/// The body of <c>POST /v2.0/envelopes/list</c>, read liberally and checked strictly: every field is optional; each
/// bad field adds one error in jSign's vocabulary (all are reported at once). Plain C#, no HTTP.
/// </summary>
public sealed record JSignListInput(
    IReadOnlyList<JSignStatus> Statuses, IReadOnlyList<string> Categories, DateOnly? StartDate, DateOnly? EndDate, int Page, int PageSize)
{
    public const int DefaultPageSize = 10;
    public const int MaxPageSize = 100;
    /// <summary>More entries than this in <c>status</c> or <c>categories</c> is a hostile body, not a filter.</summary>
    public const int MaxArrayLength = 100;
    public const string DateFormat = "MM/dd/yyyy";

    public static class Codes
    {
        public const string InvalidRequest = "INVALID_REQUEST";
        public const string InvalidStatus = "INVALID_STATUS";
        public const string InvalidCategories = "INVALID_CATEGORIES";
        public const string InvalidDateFormat = "INVALID_DATE_FORMAT";
        public const string InvalidStartDate = "INVALID_START_DATE";
        public const string InvalidPage = "INVALID_PAGE";
        public const string InvalidPageSize = "INVALID_PAGE_SIZE";
    }

    public static JSignListInput Empty { get; } = new([], [], null, null, 1, DefaultPageSize);

    /// <summary>Reads the body (null: no body, the same as <c>{}</c>); errors are empty when it is good.</summary>
    public static (JSignListInput Input, List<JSignError> Errors) Read(JsonElement? body)
    {
        var errors = new List<JSignError>();
        if (body is not { } root || root.ValueKind is JsonValueKind.Null) return (Empty, errors);
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(Codes.InvalidRequest, "The body must be a JSON object."));
            return (Empty, errors);
        }

        var statuses = new List<JSignStatus>();
        foreach (var s in Strings(root, "status", Codes.InvalidStatus, errors))
        {
            if (JSignStatuses.TryParse(s, out var status)) statuses.Add(status);
            else errors.Add(new(Codes.InvalidStatus,
                $"Unknown status \"{Clip(s)}\"; use {string.Join(", ", JSignStatuses.All.Select(JSignStatuses.Wire))}."));
        }

        var categories = new List<string>();
        foreach (var c in Strings(root, "categories", Codes.InvalidCategories, errors))
        {
            var name = c.Trim();
            if (name.Length > ESignWeb.Domain.Categories.MaxLength)
                errors.Add(new(Codes.InvalidCategories, $"A category has at most {ESignWeb.Domain.Categories.MaxLength} characters."));
            else if (name.Length > 0) categories.Add(name);
        }

        var start = Date(root, "start_date", errors);
        var end = Date(root, "end_date", errors);
        if (start is { } a && end is { } b && a > b)
            errors.Add(new(Codes.InvalidStartDate, "Start date should not be greater than End date."));

        var page = Integer(root, "page", 1, 1, int.MaxValue, Codes.InvalidPage, "page must be a whole number of at least 1.", errors);
        var size = Integer(root, "page_size", DefaultPageSize, 1, MaxPageSize, Codes.InvalidPageSize,
            $"page_size must be a whole number from 1 to {MaxPageSize}.", errors);
        return (new(statuses, categories, start, end, page, size), errors);
    }

    /// <summary>An array of strings (a single string is taken as one entry); absent or null: none.</summary>
    private static List<string> Strings(JsonElement root, string name, string code, List<JSignError> errors)
    {
        if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return [];
        if (v.ValueKind == JsonValueKind.String) return [v.GetString()!];
        if (v.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new(code, $"{name} must be an array of strings."));
            return [];
        }
        if (v.GetArrayLength() > MaxArrayLength)
        {
            errors.Add(new(code, $"{name} has at most {MaxArrayLength} entries."));
            return [];
        }
        var result = new List<string>();
        foreach (var e in v.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.String)
            {
                errors.Add(new(code, $"{name} must be an array of strings."));
                return [];
            }
            result.Add(e.GetString()!);
        }
        return result;
    }

    /// <summary>A date in mm/dd/yyyy (a one-digit month or day is fine); absent, null or empty: no bound.</summary>
    private static DateOnly? Date(JsonElement root, string name, List<JSignError> errors)
    {
        if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.String)
        {
            var s = v.GetString()!.Trim();
            if (s.Length == 0) return null;
            if (DateOnly.TryParseExact(s, ["MM/dd/yyyy", "M/d/yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        }
        errors.Add(new(Codes.InvalidDateFormat, $"{name} must be a date in mm/dd/yyyy format."));
        return null;
    }

    /// <summary>A whole number (or a string of one) within bounds; absent or null: the default.</summary>
    private static int Integer(JsonElement root, string name, int fallback, int min, int max, string code, string message, List<JSignError> errors)
    {
        if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return fallback;
        long value;
        var ok = v.ValueKind switch
        {
            JsonValueKind.Number => v.TryGetInt64(out value),
            JsonValueKind.String => long.TryParse(v.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out value),
            _ => (value = 0) == 1,
        };
        if (ok && value >= min && value <= max) return (int)value;
        errors.Add(new(code, message));
        return fallback;
    }

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
