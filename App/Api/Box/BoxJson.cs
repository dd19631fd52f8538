using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ESignWeb.Api.Box;

/// <summary>
/// Box API 2.0 wire conventions: snake_case names, ids as strings, ISO-8601 times with an offset
/// (<c>2026-11-27T10:00:00+00:00</c>), nulls written, errors as
/// <c>{"type":"error","status":404,"code":"not_found","message":"…","request_id":"…"}</c>.
/// </summary>
public static class BoxJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static IResult Ok(object value, int status = StatusCodes.Status200OK) => Results.Json(value, Options, statusCode: status);

    /// <summary>Box's time format: seconds, with the offset (UTC here).</summary>
    public static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);

    public static string? Time(DateTimeOffset? t) => t is { } v ? Time(v) : null;

    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>The error object for a refusal (<see cref="BoxErrors"/> maps the domain's refusals to Box's codes).</summary>
    public static IResult Error(HttpContext http, ApiErrorCode code, string reason)
    {
        var (status, wire) = BoxErrors.Of(code);
        return Results.Json(new BoxError("error", status, wire, BoxErrors.Message(code, reason), RequestId(http)), Options, statusCode: status);
    }

    /// <summary>Box's <c>request_id</c>: an opaque id of this HTTP request (the one in the app's logs).</summary>
    public static string RequestId(HttpContext http) => http.TraceIdentifier;
}

public sealed record BoxError(string Type, int Status, string Code, string Message, string RequestId);

/// <summary>The Box family: <c>/2.0</c> (API) and <c>/api/2.0</c> (uploads, Box's upload host path).</summary>
public sealed class BoxFamily : ApiFamily
{
    public override string Name => "Box";
    public override IReadOnlyList<PathString> Prefixes { get; } = [new("/2.0"), new("/api/2.0")];
    public override IResult Error(HttpContext http, ApiErrorCode code, string reason, string? field = null) => BoxJson.Error(http, code, reason);
}

/// <summary>
/// Each domain refusal in Box's vocabulary (status, <c>code</c>), in one place; the compiler asks for every new
/// <see cref="ApiErrorCode"/> (no default arm). Box answers an object that is missing and one that belongs to someone
/// else alike: <c>404 not_found</c>.
/// </summary>
public static class BoxErrors
{
    public static (int Status, string Code) Of(ApiErrorCode c) => c switch
    {
        ApiErrorCode.BadRequest => (400, "bad_request"),
        ApiErrorCode.UnauthorizedResource => (404, "not_found"),
        ApiErrorCode.InvalidToken => (401, "unauthorized"),
        ApiErrorCode.InsufficientScope => (403, "insufficient_scope"),
        ApiErrorCode.RateLimitExceeded => (429, "rate_limit_exceeded"),
        ApiErrorCode.RequestTooLarge => (413, "request_entity_too_large"),
        ApiErrorCode.FileTooLarge => (413, "file_size_limit_exceeded"),
        ApiErrorCode.EmptyFile => (400, "bad_request"),
        ApiErrorCode.FilePasswordProtected => (400, "bad_request"),
        ApiErrorCode.FileConversionFailure => (400, "bad_request"),
        ApiErrorCode.FilenameExists => (409, "item_name_in_use"),
        ApiErrorCode.ReminderTooSoon => (429, "rate_limit_exceeded"),
        ApiErrorCode.AuditTrailGenerationFailed => (404, "not_found"),
        ApiErrorCode.ItemNameInvalid => (400, "item_name_invalid"),
        ApiErrorCode.ItemNameTooLong => (400, "item_name_too_long"),
        ApiErrorCode.ItemNameInUse => (409, "item_name_in_use"),
        ApiErrorCode.FolderNotEmpty => (400, "folder_not_empty"),
    };

    /// <summary>The message: the refusal's own reason, except where Box says no more than "not found".</summary>
    public static string Message(ApiErrorCode c, string reason) => c switch
    {
        ApiErrorCode.UnauthorizedResource or ApiErrorCode.AuditTrailGenerationFailed => "Not Found",
        ApiErrorCode.InvalidToken => "The access token is missing, incorrect or revoked.",
        _ => reason,
    };
}
