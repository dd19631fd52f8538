namespace ESignWeb.Domain;

/// <summary>
/// A refusal the user (or API client) can act on: a seed-style <see cref="Code"/> (<c>filename_exists</c>,
/// <c>file_conversion_failure</c>, <c>bad_request</c>, <c>unauthorized_resource</c>, …) and a specific message.
/// Services throw it before changing anything.
/// </summary>
public class AppException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;

    public static AppException NotFound(string what) =>
        new("unauthorized_resource", $"{what} was not found, or you do not have access to it.");

    public static AppException BadRequest(string message) => new("bad_request", message);
}
