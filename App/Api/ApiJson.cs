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

    public static IResult Error(string code, string message, int status = StatusCodes.Status400BadRequest) =>
        Results.Json(new ApiError(code, message), Options, statusCode: status);

    /// <summary>Maps a service refusal to the seed's error shape (unknown and foreign objects alike: 401 Unauthorized).</summary>
    public static IResult From(AppException ex) => ex.Code switch
    {
        "unauthorized_resource" => Error("unauthorized_resource", "Unauthorized", StatusCodes.Status401Unauthorized),
        "file_too_large" => Error(ex.Code, ex.Message, StatusCodes.Status413PayloadTooLarge),
        _ => Error(ex.Code, ex.Message),
    };
}

public sealed record ApiError(string ErrorCode, string Message);
