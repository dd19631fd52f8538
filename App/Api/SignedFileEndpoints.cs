using ESignWeb.OAuth;
using System.Security.Claims;
using ESignWeb.Components.Shared;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Sealing;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Api;

/// <summary>Signed files and their audit trails (seed: "The signed file object", "Download the audit trail").</summary>
public static class SignedFileEndpoints
{
    public static void MapSignedFiles(this RouteGroupBuilder v1)
    {
        var signed = v1.MapGroup("/files/signed").WithTags("Signed files");
        signed.MapGet("", ListAsync).RequireScope(OAuth.ApiScopes.DocumentsRead).WithSummary("Every signed file of the user, newest first (the whole list, streamed; no paging).");
        signed.MapGet("/{id:int}", GetAsync).RequireScope(OAuth.ApiScopes.DocumentsRead).WithSummary("One signed file, with its pending file (null when self-signed).");
        signed.MapPut("/{id:int}", RenameAsync).RequireScope(OAuth.ApiScopes.Documents).WithSummary("Rename a signed file (form or JSON: name).");
        signed.MapDelete("/{id:int}", DeleteAsync).RequireScope(OAuth.ApiScopes.Documents).WithSummary("Delete a signed file (its audit trail stays available).");
        signed.MapGet("/{id:int}/download", DownloadAsync).RequireScope(OAuth.ApiScopes.DocumentsRead).WithSummary("The sealed PDF.");
        v1.MapGet("/audit-trail/{id:int}", AuditTrailAsync).RequireScope(OAuth.ApiScopes.DocumentsRead).WithTags("Signed files").WithSummary("The audit trail PDF of a signed file, also after it was deleted.");
    }

    private static string Owner(ClaimsPrincipal user) => user.UserId();

    private static async Task<ApplicationUser> OwnerAsync(IDbContextFactory<AppDbContext> dbFactory, string id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Users.AsNoTracking().SingleAsync(u => u.Id == id, ct);
    }

    /// <summary>Every signed file (the seed's <c>{count, files}</c>, no paging), streamed in keyset batches (<see cref="StreamedJson"/>).</summary>
    private static async Task<IResult> ListAsync(ClaimsPrincipal user, SignedFileService files, IDbContextFactory<AppDbContext> dbFactory, CancellationToken ct)
    {
        var owner = await OwnerAsync(dbFactory, Owner(user), ct);
        return StreamedJson.Of(await files.OpenListAsync(owner.Id, ct), "files", async (list, batch, token) =>
        {
            var requests = await SignedFileService.RequestsOfAsync(list.Db, batch, token);
            return batch.Select(f => (object)SignedFileDto.Of(f, f.RequestId is { } rid ? requests.GetValueOrDefault(rid) : null, owner));
        });
    }

    private static async Task<IResult> GetAsync(int id, ClaimsPrincipal user, SignedFileService files, IDbContextFactory<AppDbContext> dbFactory, CancellationToken ct)
    {
        var (f, r) = await files.GetAsync(Owner(user), id, ct: ct);
        return ApiJson.Ok(SignedFileDto.Of(f, r, await OwnerAsync(dbFactory, Owner(user), ct)));
    }

    private static async Task<IResult> RenameAsync(int id, HttpRequest request, ClaimsPrincipal user, SignedFileService files,
        IDbContextFactory<AppDbContext> dbFactory, CancellationToken ct)
    {
        var name = await ApiInput.ReadFieldAsync(request, "name", ct);
        if (string.IsNullOrWhiteSpace(name)) return ApiJson.Error(ApiErrorCode.BadRequest, "The field name is required.");
        await files.RenameAsync(Owner(user), id, name, ct);
        var (f, r) = await files.GetAsync(Owner(user), id, ct: ct);
        return ApiJson.Ok(SignedFileDto.Of(f, r, await OwnerAsync(dbFactory, Owner(user), ct)));
    }

    private static async Task<IResult> DeleteAsync(int id, ClaimsPrincipal user, SignedFileService files, CancellationToken ct)
    {
        await files.DeleteAsync(Owner(user), id, ct);
        return ApiJson.Ok(new { });
    }

    private static async Task<IResult> DownloadAsync(int id, ClaimsPrincipal user, SignedFileService files, CancellationToken ct)
    {
        var (content, name) = await files.OpenAsync(Owner(user), id, auditTrail: false, ct);
        return Results.File(content, "application/pdf", name);
    }

    /// <summary>Seed error shape for this endpoint: <c>error_code</c>, <c>error_details</c>, <c>msg</c>.</summary>
    private static async Task<IResult> AuditTrailAsync(int id, ClaimsPrincipal user, SignedFileService files, CancellationToken ct)
    {
        try
        {
            var (content, name) = await files.OpenAuditTrailAsync(Owner(user), id, ct);
            return Results.File(content, "application/pdf", name);
        }
        catch (AppException)
        {
            const ApiErrorCode refused = ApiErrorCode.AuditTrailGenerationFailed;
            return Results.Json(new AuditTrailError(refused.WireCode(), refused.Message(""), "Failed to generate audit trail."),
                ApiJson.Options, statusCode: refused.Status());
        }
    }
}

/// <summary>The audit-trail endpoint's own error shape, exactly as the seed writes it (including its spelling).</summary>
public sealed record AuditTrailError(string ErrorCode, string ErrorDetails, string Msg);
