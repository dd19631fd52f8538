using System.Security.Claims;
using ESignWeb.Components;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Domain;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace ESignWeb.Hosting;

public static class ESignApplicationExtensions
{
    /// <summary>Applies migrations, then maps the middleware and endpoints.</summary>
    public static WebApplication UseESign(this WebApplication app)
    {
        // PDFsharp finds no system fonts on Linux: give it the app's own (wwwroot/lib/fonts, from npm).
        Sealing.SealingFonts.Install(app.Environment.WebRootFileProvider);

        using (var scope = app.Services.CreateScope())
        {
            using var db = scope.ServiceProvider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();
            db.Database.Migrate();
            // WAL lets the outbox processor write while pages read.
            db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
        }

        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.Use(async (ctx, next) =>
        {
            var h = ctx.Response.Headers;
            h[HeaderNames.XContentTypeOptions] = "nosniff";
            h["Referrer-Policy"] = "no-referrer"; // signing links carry their token in the path
            h[HeaderNames.XFrameOptions] = "DENY";
            await next();
        });
        app.UseAntiforgery();

        app.MapHealthChecks("/healthz", new HealthCheckOptions
        {
            ResponseWriter = async (ctx, report) =>
            {
                ctx.Response.ContentType = "text/plain";
                await ctx.Response.WriteAsync(report.Status.ToString());
            },
        }).DisableHttpMetrics();

        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAdditionalIdentityEndpoints();
        MapDocumentEndpoints(app);
        return app;
    }

    private static void MapDocumentEndpoints(WebApplication app)
    {
        // The original PDF of a document the signed-in user owns: for PDF.js (inline) and for download.
        app.MapGet("/documents/{id:int}/file", async (int id, bool? download, ClaimsPrincipal user, DocumentService documents,
            HttpContext http, CancellationToken ct) =>
        {
            var ownerId = user.FindFirstValue(ClaimTypes.NameIdentifier)!;
            try
            {
                var (content, name) = await documents.OpenOriginalAsync(ownerId, id, ct);
                http.Response.Headers.CacheControl = "private, no-store";
                return download == true
                    ? Results.File(content, "application/pdf", name, enableRangeProcessing: true)
                    : Results.File(content, "application/pdf", enableRangeProcessing: true);
            }
            catch (AppException ex) when (ex.Code == "unauthorized_resource")
            {
                return Results.NotFound();
            }
        }).RequireAuthorization();
    }
}
