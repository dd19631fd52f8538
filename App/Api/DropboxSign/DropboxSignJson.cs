using System.Text.Json;
using System.Text.Json.Serialization;

namespace ESignWeb.Api.DropboxSign;

/// <summary>
/// Dropbox Sign API v3 wire conventions (see docs/api.md "Dropbox Sign"): snake_case names, and errors as
/// <c>{"error": {"error_msg": "…", "error_name": "bad_request", "error_path": "start_date"}}</c> (<c>error_path</c>
/// only when the refusal is about one input).
/// </summary>
public static class DropboxSignJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static IResult Ok(object value, int status = StatusCodes.Status200OK) => Results.Json(value, Options, statusCode: status);

    public static IResult Error(ApiErrorCode code, string reason, string? field = null)
    {
        var (status, name) = DropboxSignErrors.Of(code);
        return Results.Json(new DropboxSignErrorBody(new DropboxSignError(DropboxSignErrors.Message(code, reason), name, field)), Options, statusCode: status);
    }
}

public sealed record DropboxSignErrorBody(DropboxSignError Error);

public sealed record DropboxSignError(string ErrorMsg, string ErrorName, string? ErrorPath);

/// <summary>A warning next to a successful answer (<c>warnings: [{warning_msg, warning_name}]</c>).</summary>
public sealed record DropboxSignWarning(string WarningMsg, string WarningName);

/// <summary>The Dropbox Sign family: <c>/v3</c>.</summary>
public sealed class DropboxSignFamily : ApiFamily
{
    public override string Name => "Dropbox Sign";
    public override IReadOnlyList<PathString> Prefixes { get; } = [new("/v3")];
    public override IResult Error(HttpContext http, ApiErrorCode code, string reason, string? field = null) => DropboxSignJson.Error(code, reason, field);
}

/// <summary>
/// Each domain refusal in Dropbox Sign's vocabulary (HTTP status, <c>error_name</c>), in one place; the compiler asks for
/// every new <see cref="ApiErrorCode"/> (no default arm). A missing object and someone else's answer alike: 404 not_found.
/// </summary>
public static class DropboxSignErrors
{
    public static (int Status, string Name) Of(ApiErrorCode c) => c switch
    {
        ApiErrorCode.BadRequest => (400, "bad_request"),
        ApiErrorCode.UnauthorizedResource => (404, "not_found"),
        ApiErrorCode.InvalidToken => (401, "unauthorized"),
        ApiErrorCode.InsufficientScope => (403, "forbidden"),
        ApiErrorCode.RateLimitExceeded => (429, "exceeded_rate"),
        ApiErrorCode.RequestTooLarge => (413, "bad_request"),
        ApiErrorCode.FileTooLarge => (413, "bad_request"),
        ApiErrorCode.EmptyFile => (400, "bad_request"),
        ApiErrorCode.FilePasswordProtected => (400, "bad_request"),
        ApiErrorCode.FileConversionFailure => (400, "bad_request"),
        ApiErrorCode.FilenameExists => (409, "conflict"),
        ApiErrorCode.ReminderTooSoon => (429, "exceeded_rate"),
        ApiErrorCode.AuditTrailGenerationFailed => (404, "not_found"),
        ApiErrorCode.ItemNameInvalid => (400, "bad_request"),
        ApiErrorCode.ItemNameTooLong => (400, "bad_request"),
        ApiErrorCode.ItemNameInUse => (409, "conflict"),
        ApiErrorCode.FolderNotEmpty => (400, "bad_request"),
    };

    public static string Message(ApiErrorCode c, string reason) => c switch
    {
        ApiErrorCode.UnauthorizedResource => "Not found.",
        ApiErrorCode.InvalidToken => "Unauthorized api key",
        _ when string.IsNullOrEmpty(reason) => c.ToString(),
        _ => reason,
    };
}
