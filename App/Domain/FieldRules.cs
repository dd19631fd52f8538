namespace ESignWeb.Domain;

/// <summary>The seed's rules for a field rectangle and the defaults the UI uses when a field is dropped.</summary>
public static class FieldRules
{
    /// <summary>Seed: "Minimum width should be 45px" (PDF points).</summary>
    public const double MinWidth = 45;

    /// <summary>Seed: "Minimum height should be 32px" (PDF points).</summary>
    public const double MinHeight = 32;

    public const string DefaultDateFormat = "DD/MM/YYYY";

    public static readonly IReadOnlyList<string> DateFormats =
        ["DD/MM/YYYY", "MM/DD/YYYY", "YYYY-MM-DD", "DD.MM.YYYY", "D MMMM YYYY", "MMMM D, YYYY"];

    /// <summary>Default size of a new field of each type, in points (never below the minimum).</summary>
    public static (double Width, double Height) DefaultSize(FieldType type) => type switch
    {
        FieldType.Signature => (160, 48),
        FieldType.Initials => (64, 40),
        FieldType.Checkbox => (MinWidth, MinHeight),
        FieldType.Date => (110, MinHeight),
        FieldType.Email => (180, MinHeight),
        _ => (150, MinHeight),
    };

    /// <summary>The date format in a date field's additional_info (<c>{"format": …}</c>); the default when absent or unreadable.</summary>
    public static string DateFormatOf(string? additionalInfo) => ExplicitDateFormatOf(additionalInfo) ?? DefaultDateFormat;

    /// <summary>
    /// The date format a date field names in its additional_info, or null when it names none (or it is unreadable):
    /// the signer's page then uses the signer's locale (<see cref="Domain.DateFormats.ForLocale"/>).
    /// </summary>
    public static string? ExplicitDateFormatOf(string? additionalInfo)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(string.IsNullOrWhiteSpace(additionalInfo) ? "{}" : additionalInfo);
            return doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object &&
                   doc.RootElement.TryGetProperty("format", out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String &&
                   v.GetString() is { Length: > 0 } s ? s : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>Checks a field rectangle against a page; returns null when valid, else a message for the sender.</summary>
    public static string? Validate(PdfRect rect, PageGeometry? page, int pageNumber, int pageCount)
    {
        if (pageNumber < 1 || pageNumber > pageCount)
            return $"Page {pageNumber} does not exist: the document has {Plural.Count(pageCount, "page")}.";
        if (double.IsNaN(rect.X) || double.IsNaN(rect.Y) || double.IsNaN(rect.Width) || double.IsNaN(rect.Height))
            return "The field's position is not a number.";
        if (rect.Width < MinWidth - 1e-6 || rect.Height < MinHeight - 1e-6)
            return $"A field must be at least {MinWidth} × {MinHeight} points (this one is {rect.Width:0.#} × {rect.Height:0.#}).";
        if (page is not null && !page.Contains(rect))
            return $"The field lies outside page {pageNumber}.";
        return null;
    }
}
