using ESignWeb.OAuth;
using System.IO.Compression;
using System.Security.Claims;
using ESignWeb.Components.Shared;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Hosting;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Api;

/// <summary>The REST API in the SignEasy v1 shape (see docs/api.md). Paths work with and without a trailing slash.</summary>
public static class ApiEndpoints
{
    public const string Policy = "api";

    public static void MapESignApi(this WebApplication app)
    {
        var v1 = app.MapApiGroup("/v1", ApiFamilies.SignEasy, "SignEasy v1");

        v1.MapGet("/user", GetUserAsync).RequireAnyScope().WithName("GetUser").WithSummary("The current user (seed: user object).");

        var original = v1.MapGroup("/files/original").WithTags("Original files");
        original.MapGet("", ListOriginalsAsync).RequireScope(OAuth.ApiScopes.DocumentsRead).WithSummary("Every original file of the user, newest first (the whole list, streamed; no paging).");
        original.MapPost("", ImportAsync).RequireScope(OAuth.ApiScopes.Documents).AcceptsUpload().WithSummary("Import a PDF (multipart: name, file, rename_if_exists; gzip accepted).");
        original.MapGet("/{id:int}", GetOriginalAsync).RequireScope(OAuth.ApiScopes.DocumentsRead).WithSummary("One original file.");
        original.MapDelete("/{id:int}", DeleteOriginalAsync).RequireScope(OAuth.ApiScopes.Documents).WithSummary("Delete an original file.");
        original.MapGet("/{id:int}/download", DownloadOriginalAsync).RequireScope(OAuth.ApiScopes.DocumentsRead).WithSummary("The original PDF.");

        v1.MapSignedFiles();
        v1.MapPendingFiles();
        v1.MapTemplates();
        Webhooks.CallbackUrlEndpoints.MapCallbackUrls(v1);

        app.MapApiGroup("/v2", ApiFamilies.SignEasy, "SignEasy v2").MapEmbeddedSending();
    }

    private static string Owner(ClaimsPrincipal user) => user.UserId();

    private static async Task<IResult> GetUserAsync(ClaimsPrincipal principal, IDbContextFactory<AppDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var id = Owner(principal);
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == id, ct);
        var imported = await db.Documents.CountAsync(d => d.OwnerId == id && d.DeletedAt == null, ct); // not deleted ones, nor the hidden copies template requests get
        var signed = await db.SignedFiles.CountAsync(f => f.OwnerId == id, ct);
        return ApiJson.Ok(new UserDto(
            AccountType: 0, ActivationTime: user.EmailConfirmed ? ApiJson.Epoch(user.CreatedAt) : null, IsAutoRenew: 0, Company: "",
            CompanySize: null, CreatedTime: ApiJson.Epoch(user.CreatedAt), DocumentCredits: 0, Email: user.Email ?? "",
            FirstName: user.FirstName, Id: user.ApiNumber ?? 0, IsPaid: 0, LastName: user.LastName,
            LastModifiedTime: ApiJson.Epoch(user.CreatedAt), ReferrerCode: "", ReferrerPromoLeft: 0, SubscriptionExpiryTime: null,
            ImportedFileCount: imported, SignedFileCount: signed, CardLast4: null, CardBrand: null, Status: 1,
            EmailVerified: user.EmailConfirmed ? 1 : 0));
    }

    /// <summary>Every original file (the seed's <c>{count, files}</c>, no paging), streamed in keyset batches (<see cref="StreamedJson"/>).</summary>
    private static Task<IResult> ListOriginalsAsync(ClaimsPrincipal user, DocumentService documents, CancellationToken ct) =>
        StreamedJson.OpenAsync(documents.OpenListAsync(Owner(user), ct), "files",
            (_, batch, _) => Task.FromResult(batch.Select(d => (object)OriginalDto.Of(d))));

    private static async Task<IResult> GetOriginalAsync(int id, ClaimsPrincipal user, DocumentService documents, CancellationToken ct) =>
        ApiJson.Ok(OriginalDto.Of(await documents.GetAsync(Owner(user), id, ct)));

    private static async Task<IResult> DeleteOriginalAsync(int id, ClaimsPrincipal user, DocumentService documents, CancellationToken ct)
    {
        await documents.DeleteAsync(Owner(user), id, ct);
        return ApiJson.Ok(new { });
    }

    private static async Task<IResult> DownloadOriginalAsync(int id, ClaimsPrincipal user, DocumentService documents, CancellationToken ct)
    {
        var doc = await documents.GetAsync(Owner(user), id, ct); // live documents only (OpenOriginal also serves removed ones)
        var (content, name) = await documents.OpenOriginalAsync(Owner(user), doc.Id, ct);
        return Results.File(content, "application/pdf", name);
    }

    /// <summary>
    /// Multipart <c>name</c>, <c>file</c>, <c>rename_if_exists</c>. A gzip body (<c>Content-Encoding: gzip</c>) is
    /// decompressed by <see cref="BodyLimits"/> (bounded by the upload limit after decompression); a gzip-compressed
    /// file part is accepted too (bounded by <see cref="DocumentService"/>'s copy, also after decompression).
    /// </summary>
    private static async Task<IResult> ImportAsync(HttpRequest request, ClaimsPrincipal user, DocumentService documents,
        Storage.DataPaths paths, CancellationToken ct)
    {
        UploadForm form;
        try { form = await UploadForm.ReadAsync(request, paths, "file", ct); }
        catch (AppException ex) { return ApiJson.From(ex); }
        await using var _ = form;
        if (form.FilePath is null) return ApiJson.Error(ApiErrorCode.BadRequest, "The field file is required.");
        var name = form.Field("name");
        if (string.IsNullOrWhiteSpace(name)) name = form.FileName ?? "";
        if (string.IsNullOrWhiteSpace(name)) return ApiJson.Error(ApiErrorCode.BadRequest, "The field name is required.");
        if (!TryParseBool(form.Field("rename_if_exists"), out var rename))
            return ApiJson.Error(ApiErrorCode.BadRequest, "rename_if_exists must be true or false.");
        try
        {
            await using var raw = File.OpenRead(form.FilePath);
            await using var content = await MaybeGunzipAsync(raw, ct);
            var doc = await documents.ImportAsync(Owner(user), name, content, rename, ct);
            return ApiJson.Ok(OriginalDto.Of(doc));
        }
        catch (AppException ex) when (ex.Code is ApiErrorCode.EmptyFile or ApiErrorCode.FilePasswordProtected)
        {
            return ApiJson.Error(ApiErrorCode.FileConversionFailure, ex.Message); // the seed's code, with our specific reason
        }
        catch (InvalidDataException)
        {
            return ApiJson.Error(ApiErrorCode.FileConversionFailure, "The file looks gzip-compressed but cannot be decompressed.");
        }
    }

    internal static async Task<Stream> MaybeGunzipAsync(Stream raw, CancellationToken ct)
    {
        var head = new byte[2];
        var n = await raw.ReadAtLeastAsync(head, 2, throwOnEndOfStream: false, ct);
        if (raw.CanSeek) raw.Seek(0, SeekOrigin.Begin);
        return n == 2 && head[0] == 0x1F && head[1] == 0x8B ? new GZipStream(raw, CompressionMode.Decompress, leaveOpen: true) : raw;
    }

    internal static bool TryParseBool(string? value, out bool result)
    {
        result = false;
        if (string.IsNullOrWhiteSpace(value)) return true;
        switch (value.Trim().ToLowerInvariant())
        {
            case "true" or "1" or "yes" or "on": result = true; return true;
            case "false" or "0" or "no" or "off": return true;
            default: return false;
        }
    }
}

/// <summary>Seed: the user object. <c>company</c> and <c>referrer_code</c> are strings in the seed; we have neither, so "" (not null).</summary>
public sealed record UserDto(
    int AccountType, long? ActivationTime, int IsAutoRenew, string Company, string? CompanySize, long CreatedTime,
    int DocumentCredits, string Email, string FirstName, int Id, int IsPaid, string LastName, long LastModifiedTime,
    string ReferrerCode, int ReferrerPromoLeft, long? SubscriptionExpiryTime, int ImportedFileCount, int SignedFileCount,
    int? CardLast4, string? CardBrand, int Status, int EmailVerified);

/// <summary>Seed: the original file object.</summary>
public sealed record OriginalDto(long CreatedTime, int Id, long LastModifiedTime, string Name)
{
    public static OriginalDto Of(Document d) => new(ApiJson.Epoch(d.CreatedAt), d.Id, ApiJson.Epoch(d.ModifiedAt), d.Name);
}
