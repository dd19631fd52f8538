using System.Text.Json;
using System.Text.Json.Serialization;
using ESignWeb.Domain;

namespace ESignWeb.Api;

/// <summary>The seeds' wire conventions: snake_case names, epoch seconds, <c>{ "error_code", "message" }</c> errors.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static long Epoch(DateTimeOffset t) => t.ToUnixTimeSeconds();

    public static long? Epoch(DateTimeOffset? t) => t?.ToUnixTimeSeconds();

    public static IResult Ok(object value) => Results.Json(value, Options);

    /// <summary>
    /// The SignEasy family's error shape, the one place a refusal becomes one: <c>{ "error_code", "message" }</c> with
    /// the refusal's status (<see cref="ApiErrorCodes"/>). Another API family maps <see cref="ApiErrorCode"/> here in
    /// its own class.
    /// </summary>
    public static IResult Error(ApiErrorCode code, string reason) =>
        Results.Json(new ApiError(code.WireCode(), code.Message(reason)), Options, statusCode: code.Status());

    /// <summary>A service refusal in the seed's error shape.</summary>
    public static IResult From(AppException ex) => Error(ex.Code, ex.Message);

    /// <summary>Writes a refusal outside an endpoint (authentication, body limits).</summary>
    public static Task WriteAsync(HttpContext http, ApiErrorCode code, string reason) => Error(code, reason).ExecuteAsync(http);
}

public sealed record ApiError(string ErrorCode, string Message);
