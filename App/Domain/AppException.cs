using ESignWeb.Api;

namespace ESignWeb.Domain;

/// <summary>
/// A refusal the user (or API client) can act on: one of the closed <see cref="ApiErrorCode"/>s and a specific
/// message. Services throw it before changing anything.
/// </summary>
public class AppException(ApiErrorCode code, string message, string? field = null) : Exception(message)
{
    public ApiErrorCode Code { get; } = code;

    /// <summary>The input the refusal is about, by its wire name (e.g. <c>start_date</c>; Dropbox Sign's <c>error_path</c>); null when none.</summary>
    public string? Field { get; } = field;

    /// <summary>For a refusal that lifts with time (a limit per hour): how long until the same call can succeed; the API
    /// families answer it as <c>Retry-After</c>, which clients such as box-node-sdk wait for instead of guessing.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>A bad value of one named input.</summary>
    public static AppException BadField(string field, string message) => new(ApiErrorCode.BadRequest, message, field);

    public static AppException NotFound(string what) =>
        new(ApiErrorCode.UnauthorizedResource, $"{what} was not found, or you do not have access to it.");

    public static AppException BadRequest(string message) => new(ApiErrorCode.BadRequest, message);
}
