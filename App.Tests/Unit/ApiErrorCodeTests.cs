using System.Text.Json;
using ESignWeb.Api;
using ESignWeb.Domain;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ESignWeb.Tests.Unit;

public class ApiErrorCodeTests
{
    /// <summary>What the SignEasy family writes for a refusal: status and body, executed as an endpoint would.</summary>
    private static async Task<(int Status, string ContentType, JsonElement Body)> SignEasyAsync(AppException refusal)
    {
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        http.Response.Body = new MemoryStream();
        await ApiJson.From(refusal).ExecuteAsync(http);
        http.Response.Body.Position = 0;
        return (http.Response.StatusCode, http.Response.ContentType ?? "", JsonDocument.Parse(http.Response.Body).RootElement.Clone());
    }

    [Fact]
    public async Task Every_refusal_maps_to_an_error_status_a_code_and_a_message()
    {
        Assert.NotEmpty(ApiErrorCodes.All);
        foreach (var code in ApiErrorCodes.All)
        {
            var (status, type, body) = await SignEasyAsync(new AppException(code, "the specific reason"));
            Assert.InRange(status, 400, 599);
            Assert.Equal(code.Status(), status);
            Assert.StartsWith("application/json", type);
            Assert.Equal(code.WireCode(), body.GetProperty("error_code").GetString());
            Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("message").GetString()), code.ToString());
            Assert.Equal(2, body.EnumerateObject().Count());
            Assert.Equal(code, ApiErrorCodes.FromWireCode(code.WireCode()));
        }
        Assert.Equal(ApiErrorCodes.All.Count, ApiErrorCodes.All.Select(c => c.WireCode()).Distinct().Count());
        Assert.Null(ApiErrorCodes.FromWireCode("no_such_code"));
    }

    [Fact]
    public async Task The_seeds_codes_statuses_and_fixed_messages_are_unchanged()
    {
        var expected = new (ApiErrorCode Code, int Status, string Wire, string? Fixed)[]
        {
            (ApiErrorCode.BadRequest, 400, "bad_request", null),
            (ApiErrorCode.UnauthorizedResource, 401, "unauthorized_resource", "Unauthorized"),
            (ApiErrorCode.InvalidToken, 401, "invalid_token", "Your API key is missing, incorrect or revoked."),
            (ApiErrorCode.InsufficientScope, 403, "insufficient_scope", null), // issue 14: OAuth token without the endpoint's scope
            (ApiErrorCode.RateLimitExceeded, 429, "rate_limit_exceeded", null),
            (ApiErrorCode.RequestTooLarge, 413, "request_too_large", null),
            (ApiErrorCode.FileTooLarge, 413, "file_too_large", null),
            (ApiErrorCode.EmptyFile, 400, "empty_file", null),
            (ApiErrorCode.FilePasswordProtected, 400, "file_password_protected", null),
            (ApiErrorCode.FileConversionFailure, 400, "file_conversion_failure", null),
            (ApiErrorCode.FilenameExists, 400, "filename_exists", "There is already a file with the same name. Please use a different name."),
            (ApiErrorCode.ReminderTooSoon, 400, "reminder_too_soon", null),
            (ApiErrorCode.AuditTrailGenerationFailed, 401, "audit_trial_generation_failed", "You do not have permission to view this file."),
            // Folders, with Box's codes (the Box API family will map them to its own shape).
            (ApiErrorCode.ItemNameInvalid, 400, "item_name_invalid", null),
            (ApiErrorCode.ItemNameTooLong, 400, "item_name_too_long", null),
            (ApiErrorCode.ItemNameInUse, 409, "item_name_in_use", null),
            (ApiErrorCode.FolderNotEmpty, 400, "folder_not_empty", null),
        };
        Assert.Equal(ApiErrorCodes.All.Order(), expected.Select(e => e.Code).Order());
        foreach (var e in expected)
        {
            var (status, _, body) = await SignEasyAsync(new AppException(e.Code, "Document 7 was not found."));
            Assert.Equal(e.Status, status);
            Assert.Equal(e.Wire, body.GetProperty("error_code").GetString());
            // A fixed message says no more than the seed does (an unknown id and someone else's read the same).
            Assert.Equal(e.Fixed ?? "Document 7 was not found.", body.GetProperty("message").GetString());
        }
    }
}
