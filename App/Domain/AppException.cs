using ESignWeb.Api;

namespace ESignWeb.Domain;

/// <summary>
/// A refusal the user (or API client) can act on: one of the closed <see cref="ApiErrorCode"/>s and a specific
/// message. Services throw it before changing anything.
/// </summary>
public class AppException(ApiErrorCode code, string message) : Exception(message)
{
    public ApiErrorCode Code { get; } = code;

    public static AppException NotFound(string what) =>
        new(ApiErrorCode.UnauthorizedResource, $"{what} was not found, or you do not have access to it.");

    public static AppException BadRequest(string message) => new(ApiErrorCode.BadRequest, message);
}
