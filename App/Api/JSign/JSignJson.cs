using System.Text.Json;
using System.Text.Json.Serialization;

namespace ESignWeb.Api.JSign;

/// <summary>
/// jSign API v2.0 wire conventions (see docs/api.md "jSign"): answers <c>{"message": "", "data": {…}}</c>, snake_case
/// names, and errors as <c>{"errors": [{"error_code": "INVALID_START_DATE", "developer_message": "…"}]}</c>.
/// </summary>
public static class JSignJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>A successful answer: <c>{"message": "", "data": …}</c>.</summary>
    public static IResult Ok(object data, string message = "") => Results.Json(new JSignEnvelope(message, data), Options);

    /// <summary>One refusal with jSign's own code (the endpoint's validation: INVALID_START_DATE, INVALID_PAGE, …).</summary>
    public static IResult Error(int status, string errorCode, string developerMessage) =>
        Results.Json(new JSignErrors([new JSignError(errorCode, developerMessage)]), Options, statusCode: status);

    /// <summary>A domain refusal in jSign's shape (<see cref="JSignErrorCodes"/> maps it).</summary>
    public static IResult Error(ApiErrorCode code, string reason)
    {
        var (status, wire) = JSignErrorCodes.Of(code);
        return Error(status, wire, JSignErrorCodes.Message(code, reason));
    }
}

public sealed record JSignEnvelope(string Message, object Data);

public sealed record JSignErrors(IReadOnlyList<JSignError> Errors);

public sealed record JSignError(string ErrorCode, string DeveloperMessage);

/// <summary>The jSign family: <c>/v2.0</c> and <c>/api/v2.0</c> (the seed's curl uses the latter).</summary>
public sealed class JSignFamily : ApiFamily
{
    public override string Name => "jSign";
    public override IReadOnlyList<PathString> Prefixes { get; } = [new("/v2.0"), new("/api/v2.0")];
    public override IResult Error(HttpContext http, ApiErrorCode code, string reason, string? field = null) => JSignJson.Error(code, reason);
}

/// <summary>
/// Each domain refusal as jSign's (status, <c>error_code</c>), in one place; the compiler asks for every new
/// <see cref="ApiErrorCode"/> (no default arm). Endpoint-specific validation codes (INVALID_START_DATE, …) are written by
/// the endpoint with <see cref="JSignJson.Error(int,string,string)"/>.
/// </summary>
public static class JSignErrorCodes
{
    public static (int Status, string Code) Of(ApiErrorCode c) => c switch
    {
        ApiErrorCode.BadRequest => (400, "INVALID_REQUEST"),
        ApiErrorCode.UnauthorizedResource => (404, "NOT_FOUND"),
        ApiErrorCode.InvalidToken => (401, "UNAUTHORIZED"),
        ApiErrorCode.InsufficientScope => (403, "FORBIDDEN"),
        ApiErrorCode.RateLimitExceeded => (429, "RATE_LIMIT_EXCEEDED"),
        ApiErrorCode.RequestTooLarge => (413, "REQUEST_TOO_LARGE"),
        ApiErrorCode.FileTooLarge => (413, "FILE_TOO_LARGE"),
        ApiErrorCode.EmptyFile => (400, "EMPTY_FILE"),
        ApiErrorCode.FilePasswordProtected => (400, "FILE_PASSWORD_PROTECTED"),
        ApiErrorCode.FileConversionFailure => (400, "FILE_CONVERSION_FAILURE"),
        ApiErrorCode.FilenameExists => (409, "FILENAME_EXISTS"),
        ApiErrorCode.ReminderTooSoon => (429, "REMINDER_TOO_SOON"),
        ApiErrorCode.AuditTrailGenerationFailed => (404, "NOT_FOUND"),
        ApiErrorCode.ItemNameInvalid => (400, "INVALID_NAME"),
        ApiErrorCode.ItemNameTooLong => (400, "INVALID_NAME"),
        ApiErrorCode.ItemNameInUse => (409, "NAME_IN_USE"),
        ApiErrorCode.FolderNotEmpty => (400, "FOLDER_NOT_EMPTY"),
    };

    public static string Message(ApiErrorCode c, string reason) => c switch
    {
        ApiErrorCode.UnauthorizedResource => "The envelope was not found, or you do not have access to it.",
        ApiErrorCode.InvalidToken => "The access token is missing, incorrect or revoked.",
        _ when string.IsNullOrEmpty(reason) => c.ToString(),
        _ => reason,
    };
}
