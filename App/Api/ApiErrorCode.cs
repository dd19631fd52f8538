using System.Globalization;

namespace ESignWeb.Api;

/// <summary>
/// Every refusal a client can receive, closed. A service raises one with an <see cref="Domain.AppException"/>; each API
/// family turns it into its own error shape in one place (SignEasy: <see cref="ApiJson.From"/>). Adding a refusal is
/// one line here; the compiler then asks for its status, wire code and message (no default arms; CS8509 is an error).
/// </summary>
public enum ApiErrorCode
{
    BadRequest,
    UnauthorizedResource,
    InvalidToken,
    /// <summary>An OAuth access token without the scope the endpoint requires (<c>OAuth/ScopeRequirement</c>); 403 in every family.</summary>
    InsufficientScope,
    RateLimitExceeded,
    RequestTooLarge,
    FileTooLarge,
    EmptyFile,
    FilePasswordProtected,
    FileConversionFailure,
    FilenameExists,
    ReminderTooSoon,
    AuditTrailGenerationFailed,
    /// <summary>Box: a folder name that is empty, "." or "..", or holds a slash.</summary>
    ItemNameInvalid,
    /// <summary>Box: a folder name over 255 characters.</summary>
    ItemNameTooLong,
    /// <summary>Box: a sibling already has this name.</summary>
    ItemNameInUse,
    /// <summary>Box: only an empty folder can be deleted.</summary>
    FolderNotEmpty,
}

/// <summary>Each refusal's HTTP status, wire code and message template, in one place.</summary>
public static class ApiErrorCodes
{
    public static IReadOnlyList<ApiErrorCode> All { get; } = Enum.GetValues<ApiErrorCode>();

    public static int Status(this ApiErrorCode c) => c switch
    {
        ApiErrorCode.BadRequest => StatusCodes.Status400BadRequest,
        ApiErrorCode.UnauthorizedResource => StatusCodes.Status401Unauthorized, // unknown and foreign objects alike
        ApiErrorCode.InvalidToken => StatusCodes.Status401Unauthorized,
        ApiErrorCode.InsufficientScope => StatusCodes.Status403Forbidden,
        ApiErrorCode.RateLimitExceeded => StatusCodes.Status429TooManyRequests,
        ApiErrorCode.RequestTooLarge => StatusCodes.Status413PayloadTooLarge,
        ApiErrorCode.FileTooLarge => StatusCodes.Status413PayloadTooLarge,
        ApiErrorCode.EmptyFile => StatusCodes.Status400BadRequest,
        ApiErrorCode.FilePasswordProtected => StatusCodes.Status400BadRequest,
        ApiErrorCode.FileConversionFailure => StatusCodes.Status400BadRequest,
        ApiErrorCode.FilenameExists => StatusCodes.Status400BadRequest,
        ApiErrorCode.ReminderTooSoon => StatusCodes.Status400BadRequest,
        ApiErrorCode.AuditTrailGenerationFailed => StatusCodes.Status401Unauthorized,
        ApiErrorCode.ItemNameInvalid => StatusCodes.Status400BadRequest,
        ApiErrorCode.ItemNameTooLong => StatusCodes.Status400BadRequest,
        ApiErrorCode.ItemNameInUse => StatusCodes.Status409Conflict,
        ApiErrorCode.FolderNotEmpty => StatusCodes.Status400BadRequest,
    };

    /// <summary>The seed's code (<c>error_code</c>), including its spelling (<c>audit_trial_…</c>).</summary>
    public static string WireCode(this ApiErrorCode c) => c switch
    {
        ApiErrorCode.BadRequest => "bad_request",
        ApiErrorCode.UnauthorizedResource => "unauthorized_resource",
        ApiErrorCode.InvalidToken => "invalid_token",
        ApiErrorCode.InsufficientScope => "insufficient_scope",
        ApiErrorCode.RateLimitExceeded => "rate_limit_exceeded",
        ApiErrorCode.RequestTooLarge => "request_too_large",
        ApiErrorCode.FileTooLarge => "file_too_large",
        ApiErrorCode.EmptyFile => "empty_file",
        ApiErrorCode.FilePasswordProtected => "file_password_protected",
        ApiErrorCode.FileConversionFailure => "file_conversion_failure",
        ApiErrorCode.FilenameExists => "filename_exists",
        ApiErrorCode.ReminderTooSoon => "reminder_too_soon",
        ApiErrorCode.AuditTrailGenerationFailed => "audit_trial_generation_failed",
        ApiErrorCode.ItemNameInvalid => "item_name_invalid",
        ApiErrorCode.ItemNameTooLong => "item_name_too_long",
        ApiErrorCode.ItemNameInUse => "item_name_in_use",
        ApiErrorCode.FolderNotEmpty => "folder_not_empty",
    };

    /// <summary>
    /// The message a client reads: <c>{0}</c> is the refusal's own specific reason; a fixed text says no more than the
    /// seed does (an unknown object and someone else's read the same).
    /// </summary>
    public static string MessageTemplate(this ApiErrorCode c) => c switch
    {
        ApiErrorCode.BadRequest => "{0}",
        ApiErrorCode.UnauthorizedResource => "Unauthorized",
        ApiErrorCode.InvalidToken => "Your API key is missing, incorrect or revoked.",
        ApiErrorCode.InsufficientScope => "{0}",
        ApiErrorCode.RateLimitExceeded => "{0}",
        ApiErrorCode.RequestTooLarge => "{0}",
        ApiErrorCode.FileTooLarge => "{0}",
        ApiErrorCode.EmptyFile => "{0}",
        ApiErrorCode.FilePasswordProtected => "{0}",
        ApiErrorCode.FileConversionFailure => "{0}",
        ApiErrorCode.FilenameExists => "There is already a file with the same name. Please use a different name.",
        ApiErrorCode.ReminderTooSoon => "{0}",
        ApiErrorCode.AuditTrailGenerationFailed => "You do not have permission to view this file.",
        ApiErrorCode.ItemNameInvalid => "{0}",
        ApiErrorCode.ItemNameTooLong => "{0}",
        ApiErrorCode.ItemNameInUse => "{0}",
        ApiErrorCode.FolderNotEmpty => "{0}",
    };

    /// <summary>The client's message for a refusal whose specific reason is <paramref name="reason"/>.</summary>
    public static string Message(this ApiErrorCode c, string reason) =>
        string.Format(CultureInfo.InvariantCulture, c.MessageTemplate(), reason);

    private static readonly Dictionary<string, ApiErrorCode> ByWireCode = All.ToDictionary(c => c.WireCode(), StringComparer.Ordinal);

    /// <summary>The refusal a wire code names (the PDF inspection worker answers with one); unknown: null.</summary>
    public static ApiErrorCode? FromWireCode(string? code) =>
        code is not null && ByWireCode.TryGetValue(code, out var c) ? c : null;
}
