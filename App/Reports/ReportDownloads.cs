using System.Net;
using ESignWeb.Data;
using ESignWeb.Hosting;
using ESignWeb.Requests;
using ESignWeb.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ESignWeb.Reports;

/// <summary>
/// <c>GET /reports/{token}</c>: a mailed report's CSV, without a session (the token is the permission). An unknown
/// token answers a short page with 404, an expired one (or one whose file was deleted) with 410 — never the app's
/// error page. Look-ups are throttled per client like the signing links (<see cref="Throttling"/>).
/// </summary>
public static class ReportDownloads
{
    public static void MapReportDownloads(this WebApplication app) =>
        app.MapGet("/reports/{token}", async (string token, IDbContextFactory<AppDbContext> dbFactory, IBlobStore blobs,
            TimeProvider clock, IOptions<ESignOptions> options, HttpContext http, CancellationToken ct) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            var product = options.Value.ProductName;
            ReportFile? row = null;
            if (RecipientTokens.LooksValid(token))
            {
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                var hash = RecipientTokens.Hash(token);
                row = await db.Set<ReportFile>().AsNoTracking().SingleOrDefaultAsync(f => f.TokenHash == hash, ct);
            }
            if (row is null)
                return Page(product, StatusCodes.Status404NotFound, "This report link is not valid",
                    "Check that you opened the whole link from the mail. You can ask for the report again on the Reports page.");
            if (row.ExpiresAt <= clock.GetUtcNow() || row.BlobKey is not { } key || !blobs.Exists(key))
                return Page(product, StatusCodes.Status410Gone, "This report link has expired",
                    $"Report links work for {options.Value.Reports.LinkDays} days. Ask for the report again on the Reports page.");
            var range = ReportRange.Accepted(ReportRange.Format(row.StartDate), ReportRange.Format(row.EndDate));
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{ReportCsv.FileName(row.Type, range)}\"";
            return Results.Stream(blobs.OpenRead(key), ReportCsv.ContentType);
        });

    private static IResult Page(string product, int status, string title, string text) =>
        Results.Content(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">" +
            $"<title>{WebUtility.HtmlEncode(title)} – {WebUtility.HtmlEncode(product)}</title></head><body>" +
            $"<main><h1>{WebUtility.HtmlEncode(title)}</h1><p>{WebUtility.HtmlEncode(text)}</p></main>" +
            "</body></html>",
            "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);
}
