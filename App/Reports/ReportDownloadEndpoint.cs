using System.Security.Claims;
using ESignWeb.Components.Shared;
using ESignWeb.Domain;
using Microsoft.Net.Http.Headers;

namespace ESignWeb.Reports;

/// <summary>
/// <c>GET /reports/download?type=user_activity&amp;start=MM/DD/YYYY&amp;end=MM/DD/YYYY</c>: the signed-in user's report
/// over the range, streamed as CSV by <see cref="ReportCsv"/> under the mailed links' file name. Cookie auth (the
/// Reports page's buttons); the range and type go through the API's rules (<see cref="ReportRange.Parse"/>,
/// <see cref="ReportTypes.Parse"/>) and a refusal is a 400 with the rule's message. It only reads.
/// </summary>
public static class ReportDownloadEndpoint
{
    public static void MapReportDownload(this IEndpointRouteBuilder app) =>
        app.MapGet("/reports/download", async (string? type, string? start, string? end, ClaimsPrincipal user,
            ReportScopes scopes, ReportCsv csv, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        {
            ReportRange range;
            ReportType reportType;
            try
            {
                range = ReportRange.Parse(start, end, clock);
                var types = ReportTypes.Parse([type]);
                if (types.Count != 1) throw AppException.BadField("type", "Download one report type at a time.");
                reportType = types[0];
            }
            catch (AppException ex)
            {
                return Results.Text(ex.Message, "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
            }
            var scope = await scopes.OfAsync(user.UserId(), ct);
            http.Response.Headers.CacheControl = "no-store";
            var disposition = new ContentDispositionHeaderValue("attachment");
            disposition.SetHttpFileName(ReportCsv.FileName(reportType, range));
            http.Response.Headers.ContentDisposition = disposition.ToString();
            return Results.Stream(output => csv.WriteAsync(reportType, scope, range, output, ct), ReportCsv.ContentType);
        }).RequireAuthorization();
}
