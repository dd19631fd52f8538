using ESignWeb.OAuth;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using ESignWeb.Components.Shared;
using ESignWeb.Domain;
using ESignWeb.Requests;

namespace ESignWeb.Api.JSign;

/// <summary>
/// The jSign-compatible API (see docs/api.md "jSign"): <c>/v2.0</c> and <c>/api/v2.0</c> (the seed's curl), the same
/// endpoints under both. Bearer API key; the <c>app_auth_type</c> header is optional and, when sent, must be
/// <c>jsign-oauth2</c> (<see cref="AuthType"/>).
/// </summary>
public static class JSignEndpoints
{
    /// <summary>The one value of <c>app_auth_type</c> jSign defines; issue 14's OAuth tokens arrive with it too.</summary>
    public const string AuthType = "jsign-oauth2";
    public const string AuthTypeHeader = "app_auth_type";

    public static void MapJSignApi(this WebApplication app)
    {
        foreach (var prefix in ApiFamilies.JSign.Prefixes)
        {
            var api = app.MapApiGroup(prefix.Value!, ApiFamilies.JSign, "jSign 2.0").AddEndpointFilter(async (context, next) =>
            {
                var given = context.HttpContext.Request.Headers[AuthTypeHeader];
                if (given.Count > 0 && !given.All(v => string.Equals(v?.Trim(), AuthType, StringComparison.OrdinalIgnoreCase)))
                    return JSignJson.Error(400, "INVALID_AUTH_TYPE", $"{AuthTypeHeader} must be {AuthType} (or left out).");
                return await next(context);
            });
            api.MapPost("/envelopes/list", ListAsync).RequireScope(OAuth.ApiScopes.RequestsRead)
                .WithSummary($"The caller's envelopes (own and addressed to them), filtered and paged (page_size 1–{JSignListInput.MaxPageSize}, default {JSignListInput.DefaultPageSize}).");
            // Anything else under the family's paths is jSign's 404, not the app's page.
            api.MapFallback(NotFound).RequireAnyScope().ExcludeFromDescription();
        }
    }

    private static IResult NotFound() => JSignJson.Error(404, "NOT_FOUND", "There is no such endpoint.");

    /// <summary>jSign's time format: UTC, no offset, milliseconds (<c>2022-08-03T10:30:35.933</c>).</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture);

    private static async Task<IResult> ListAsync(HttpContext http, ClaimsPrincipal principal, RequestListQuery query, CancellationToken ct)
    {
        JsonElement? body = null;
        using (var buffer = new MemoryStream())
        {
            await http.Request.Body.CopyToAsync(buffer, ct); // bounded by the family's body limit
            var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
            if (!bytes.Span.Trim(" \t\r\n"u8).IsEmpty) // no body at all is {}
            {
                try
                {
                    using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 });
                    body = doc.RootElement.Clone();
                }
                catch (JsonException)
                {
                    return JSignJson.Error(400, JSignListInput.Codes.InvalidRequest, "The body must be a JSON object.");
                }
            }
        }
        var (input, errors) = JSignListInput.Read(body);
        if (errors.Count > 0) return Results.Json(new JSignErrors(errors), JSignJson.Options, statusCode: 400);

        var filter = JSignStatuses.Filter(new RequestListFilter(principal.UserId())
        {
            Scope = RequestListScope.Visible,
            Categories = input.Categories,
            CreatedFrom = input.StartDate,
            CreatedTo = input.EndDate,
            Sort = RequestListSort.NewestFirst,
            Page = input.Page,
            PageSize = input.PageSize,
        }, input.Statuses);
        var page = await query.RunAsync(filter, ct);
        return JSignJson.Ok(new JSignEnvelopeList(
            new JSignListInfo(page.Page, page.PageCount, page.PageCount, page.Total, page.PageSize),
            page.Rows.Select(r =>
            {
                var created = Time(r.CreatedAt);
                return new JSignEnvelopeDto(r.PublicId.ToString("D"), r.Name, JSignStatuses.Wire(JSignStatuses.Of(r)), r.OwnerName.Trim(),
                    created, created, ESignWeb.Domain.Categories.Joined(r.Categories));
            }).ToList()));
    }
}

/// <summary>The answer's <c>data</c>.</summary>
public sealed record JSignEnvelopeList(JSignListInfo ListInfo, IReadOnlyList<JSignEnvelopeDto> Envelopes);

/// <summary>
/// Paging totals. The seed's table says <c>num_pages</c>, its example <c>num_page</c>: both are sent, equal.
/// </summary>
public sealed record JSignListInfo(int Page, int NumPages, int NumPage, int NumResults, int PageSize);

/// <summary>
/// One envelope. The seed's example says <c>creation_time_utc</c>, its table <c>creations_time_utc</c>: both are sent, equal.
/// </summary>
public sealed record JSignEnvelopeDto(string EnvelopeId, string Name, string Status, string CreatedBy,
    string CreationTimeUtc, string CreationsTimeUtc, string Categories);
