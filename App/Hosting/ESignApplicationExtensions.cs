using ESignWeb.Api;
using System.Security.Claims;
using ESignWeb.Components;
using ESignWeb.Components.Shared;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Domain;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Hosting;

public static class ESignApplicationExtensions
{
    /// <summary>Applies migrations, then maps the middleware and endpoints.</summary>
    public static WebApplication UseESign(this WebApplication app)
    {
        // PDFsharp finds no system fonts on Linux: give it the app's own (wwwroot/lib/fonts, from npm).
        Sealing.SealingFonts.Install(app.Environment.WebRootFileProvider);

        app.Services.MigrateDatabase();
        _ = app.Services.GetRequiredService<Components.Layout.ThemeStylesheet>(); // built at start: a failure shows now

        app.UseESignForwardedHeaders(); // first: everything after sees the client's address (only from listed proxies)
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }
        app.UseESignThrottling();       // per client IP, before anything looks a token up
        app.UseESignSecurityHeaders();  // CSP, framing, HSTS and Secure cookies (after the error handler: its re-run keeps them)
        // SignEasy paths answer with and without a trailing slash (its clients send both).
        app.Use(async (ctx, next) =>
        {
            var path = ctx.Request.Path.Value;
            if (path is { Length: > 4 } && path.EndsWith('/') && Api.ApiFamilies.Of(ctx.Request.Path) is { TrailingSlashOptional: true })
                ctx.Request.Path = path.TrimEnd('/');
            await next();
        });
        app.UseRequestLocalization(); // culture cookie, else Accept-Language (en, de, fr, es; see Localization/)
        app.UseRouting();
        app.UseBodyLimits(); // after routing: the endpoint says whether it takes an upload
        app.UseAuthentication();
        app.UseAuthorization();
        // Status-code pages are for people; the API answers in JSON.
        app.UseWhen(ctx => Api.ApiFamilies.Of(ctx.Request.Path) is null,
            b => b.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
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
        Components.Layout.ThemeStylesheet.Map(app); // /theme.css: MudBlazor's theme once, not a <style> per circuit
        app.MapRazorComponents<App>()
            // Framing is decided above (embedded pages: the owner's origins; all else: none), not by Blazor's default 'self'.
            .AddInteractiveServerRenderMode(o =>
            {
                o.ContentSecurityFrameAncestorsPolicy = null;
                // The circuit's WebSocket stays compressed (render batches shrink several times), but without server
                // context takeover: each message is compressed on its own, so an idle circuit keeps no deflate window
                // between batches. (bench/circuits/run.sh could not separate its effect from the noise on a loaded
                // machine: docs/benchmarks.md "Signing circuits".)
                o.ConfigureWebSocketAcceptContext = (_, accept) =>
                {
                    accept.DisableServerContextTakeover = true;
                    return Task.CompletedTask;
                };
            });
        app.MapAdditionalIdentityEndpoints();
        MapDocumentEndpoints(app);
        MapSigningEndpoints(app);
        Localization.SignerLocalization.MapSignerLanguageEndpoint(app);
        Api.ApiEndpoints.MapESignApi(app);
        Api.Box.BoxEndpoints.MapBoxApi(app);
        Api.JSign.JSignEndpoints.MapJSignApi(app);
        Api.DropboxSign.DropboxSignEndpoints.MapDropboxSignApi(app);
        Reports.ReportDownloads.MapReportDownloads(app);
        OAuth.OAuthEndpoints.MapOAuth(app); // issue 14: /oauth/authorize and /oauth/token (passthrough; App/OAuth)
        app.MapBenchmarkEndpoint(); // only with ESign:Testing:BenchmarkEndpoint
        Reports.ReportDownloadEndpoint.MapReportDownload(app); // the Reports page's CSV downloads (cookie auth)
        app.MapOpenApi("/openapi/{documentName}.json");
        Scalar.AspNetCore.ScalarEndpointRouteBuilderExtensions.MapScalarApiReference(app, "/scalar", o =>
        {
            o.OpenApiRoutePattern = "/openapi/{documentName}.json";
            o.DefaultFonts = false; // no font CDN: the page stays within its Content-Security-Policy
        });
        return app;
    }

    /// <summary>Applies EF Core migrations and imports an old file key ring (at start-up, and before command-line commands).</summary>
    public static void MigrateDatabase(this IServiceProvider services)
    {
        using var db = services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();
        DatabaseProvider.Migrate(db);
        Secrets.SharedKeyRing.ImportLegacyKeys(services); // the old keys/dataprotection ring, once (issue 15)
        Secrets.SharedKeyRing.EncryptPlaintextKeys(services); // with a certificate: imported/copied plaintext keys encrypted
        Secrets.SharedKeyRing.EnsureReadable(services); // a ring encrypted to a certificate this instance lacks: refuse to start
    }

    private static void MapSigningEndpoints(WebApplication app)
    {
        // Addressed by the signing token only (no account): the document, the signer's own images, the signed copy.
        var sign = app.MapGroup("/sign/{token}");
        // A signer with gates (login, password, SMS code) reads only with the grant their page got (?gate=, SignerVerification).
        sign.MapGet("/document", async (string token, string? gate, Signing.SigningService signing, Signing.SignerVerification gates, HttpContext http, CancellationToken ct) =>
        {
            if (!await gates.IsOpenAsync(token, gate, ct)) return Results.NotFound();
            var stream = await signing.OpenDocumentAsync(token, ct);
            return stream is null ? Results.NotFound() : PdfResponses.File(http, stream);
        });
        sign.MapGet("/fields/{fieldId:int}/image", async (string token, int fieldId, Signing.SigningService signing, HttpContext http, CancellationToken ct) =>
        {
            var bytes = await signing.MyImageAsync(token, fieldId, ct);
            http.Response.Headers.CacheControl = "private, no-store";
            return bytes is null ? Results.NotFound() : Results.File(bytes, bytes.Length > 2 && bytes[0] == 0xFF ? "image/jpeg" : "image/png");
        });
        sign.MapGet("/signed.pdf", async (string token, string? gate, Signing.SigningService signing, Signing.SignerVerification gates, HttpContext http, CancellationToken ct) =>
        {
            if (!await gates.IsOpenAsync(token, gate, ct)) return Results.NotFound();
            var signed = await signing.OpenSignedAsync(token, ct);
            return signed is { } s ? PdfResponses.File(http, s.Content, s.Name) : Results.NotFound();
        });

        // A CC's (or final-copy reader's) copy of a completed request's signed document (the token is derived from the address).
        app.MapGet("/copy/{requestId:int}/{token}", async (int requestId, string token, Requests.RecipientTokens tokens,
            Microsoft.EntityFrameworkCore.IDbContextFactory<Data.AppDbContext> dbFactory, Sealing.SignedFileService files, HttpContext http, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var request = await db.Requests.AsNoTracking().Include(r => r.Recipients).SingleOrDefaultAsync(r => r.Id == requestId && r.Status == RequestStatus.Complete, ct);
            // CCs and final-copy readers (who have no signing link) get a copy link.
            if (request is null || !tokens.IsCopyToken(requestId, request.Cc.Concat(request.Recipients.Where(x => !x.Acts).Select(x => x.Email)), token))
                return Results.NotFound();
            var (content, name) = await files.OpenForRequestAsync(request.OwnerId, requestId, auditTrail: false, ct);
            return PdfResponses.File(http, content, name);
        });

        // Signed files (from requests or self-signing) of the signed-in user.
        app.MapGet("/signed-files/{id:int}/file", async (int id, ClaimsPrincipal user, Sealing.SignedFileService files, HttpContext http, CancellationToken ct) =>
            await OwnedFile(http, () => files.OpenAsync(user.UserId(), id, auditTrail: false, ct))).RequireAuthorization();
        app.MapGet("/signed-files/{id:int}/audit-trail", async (int id, ClaimsPrincipal user, Sealing.SignedFileService files, HttpContext http, CancellationToken ct) =>
            await OwnedFile(http, () => files.OpenAsync(user.UserId(), id, auditTrail: true, ct))).RequireAuthorization();

        // "Sign in person": the sender opens an in-person signer's page in their own session (audited as in_person).
        app.MapGet("/requests/{id:int}/in-person/{recipientId:int}", async (int id, int recipientId, ClaimsPrincipal user,
            Embedding.EmbeddedLinks links, Microsoft.AspNetCore.Identity.UserManager<Data.ApplicationUser> users,
            HttpContext http, CancellationToken ct) =>
        {
            var me = await users.GetUserAsync(user);
            if (me is null) return Results.Unauthorized();
            var agent = http.Request.Headers.UserAgent.ToString();
            var sender = new Audit.Actor(me.Email, http.Connection.RemoteIpAddress?.ToString(), agent.Length > 512 ? agent[..512] : agent);
            http.Response.Headers.CacheControl = "no-store";
            try
            {
                var path = await links.CreateInPersonLinkAsync(me.Id, id, recipientId, sender, ct);
                return Results.Redirect($"{http.Request.PathBase}/{path}");
            }
            catch (AppException ex) when (ex.Code == Api.ApiErrorCode.UnauthorizedResource)
            {
                return Results.NotFound();
            }
            catch (AppException ex)
            {
                return Results.Text(ex.Message, "text/plain; charset=utf-8", statusCode: StatusCodes.Status409Conflict);
            }
        }).RequireAuthorization();

        // The sender's downloads of a completed request.
        app.MapGet("/requests/{id:int}/signed.pdf", async (int id, ClaimsPrincipal user, Sealing.SignedFileService files, HttpContext http, CancellationToken ct) =>
            await OwnedFile(http, () => files.OpenForRequestAsync(user.UserId(), id, auditTrail: false, ct))).RequireAuthorization();
        app.MapGet("/requests/{id:int}/audit-trail.pdf", async (int id, ClaimsPrincipal user, Sealing.SignedFileService files, HttpContext http, CancellationToken ct) =>
            await OwnedFile(http, () => files.OpenForRequestAsync(user.UserId(), id, auditTrail: true, ct))).RequireAuthorization();
    }

    /// <summary>A file of the caller's (or a link's owner's) as an attachment; someone else's is 404, as if it did not exist.</summary>
    private static async Task<IResult> OwnedFile(HttpContext http, Func<Task<(Stream Content, string Name)>> open)
    {
        try
        {
            var (content, name) = await open();
            return PdfResponses.File(http, content, name);
        }
        catch (AppException ex) when (ex.Code == ApiErrorCode.UnauthorizedResource)
        {
            return Results.NotFound();
        }
    }

    private static void MapDocumentEndpoints(WebApplication app)
    {
        // The PDF behind an embedded sending/self-signing link (the iframe has no sign-in cookie; the link is the key).
        app.MapGet("/embed/send/{token}/document", async (string token, Embedding.EmbeddedLinks links, DocumentService documents,
            HttpContext http, CancellationToken ct) =>
        {
            if (await links.DocumentOfAsync(token, ct) is not { } d) return Results.NotFound();
            var (content, _) = await documents.OpenOriginalAsync(d.OwnerId, d.DocumentId, ct);
            return PdfResponses.File(http, content);
        });
        // A template's PDF for an embedded sending link's page (the link's owner's templates only).
        app.MapGet("/embed/send/{token}/templates/{id:int}/file", async (string token, int id, Embedding.EmbeddedLinks links,
            Templates.TemplateService templates, HttpContext http, CancellationToken ct) =>
        {
            if (await links.SendingOwnerAsync(token, ct) is not { } owner) return Results.NotFound();
            return await OwnedFile(http, () => templates.OpenPdfAsync(owner, id, ct));
        });
        // A template's PDF (as uploaded; PDF.js asks the editor for its password when it has one).
        app.MapGet("/templates/{id:int}/file", async (int id, ClaimsPrincipal user, Templates.TemplateService templates,
            HttpContext http, CancellationToken ct) =>
        {
            return await OwnedFile(http, () => templates.OpenPdfAsync(user.UserId(), id, ct));
        }).RequireAuthorization();

        // The original PDF of a document the signed-in user owns: for PDF.js (inline) and for download.
        app.MapGet("/documents/{id:int}/file", async (int id, bool? download, ClaimsPrincipal user, DocumentService documents,
            HttpContext http, CancellationToken ct) =>
        {
            var ownerId = user.UserId();
            try
            {
                var (content, name) = await documents.OpenOriginalAsync(ownerId, id, ct);
                return PdfResponses.File(http, content, download == true ? name : null);
            }
            catch (AppException ex) when (ex.Code == ApiErrorCode.UnauthorizedResource)
            {
                return Results.NotFound();
            }
        }).RequireAuthorization();
    }
}
