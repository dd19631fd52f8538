using ESignWeb.OAuth;
using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using ESignWeb.Audit;
using ESignWeb.Components.Shared;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Embedding;
using ESignWeb.Hosting;
using ESignWeb.Requests;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Api.Box;

/// <summary>
/// Box Sign's <c>/2.0/sign_requests</c> (docs/api.md "Box 2.0 — sign requests"): create, get, list (marker paging),
/// cancel, resend — the caller's own requests only (anyone else's is <c>404 not_found</c>, like a missing one). Every
/// change goes through <see cref="RequestService"/>; the object is <see cref="BoxSignRequestDto"/>.
/// </summary>
public static class BoxSignRequestEndpoints
{
    /// <summary>Box's <c>limit</c> for this list: 100 when not given, at most 1000 (a larger one is lowered to it).</summary>
    public const int DefaultLimit = 100, MaxLimit = 1000;

    public static void MapBoxSignRequests(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/sign_requests").WithTags("Box sign requests");
        g.MapPost("", CreateAsync).RequireScope(OAuth.ApiScopes.Requests).WithSummary("Create a sign request (201, the sign request object).");
        g.MapGet("", ListAsync).RequireScope(OAuth.ApiScopes.RequestsRead).WithSummary("The caller's sign requests, newest first (marker paging: limit, marker).");
        g.MapGet("/{id}", GetAsync).RequireScope(OAuth.ApiScopes.RequestsRead).WithSummary("One sign request.");
        g.MapPost("/{id}/cancel", CancelAsync).RequireScope(OAuth.ApiScopes.Requests).WithSummary("Cancel a sign request out for signature; answers the object (status cancelled).");
        g.MapPost("/{id}/resend", ResendAsync).RequireScope(OAuth.ApiScopes.Requests)
            .WithSummary($"Mail the outstanding signers again (202); at most {RequestService.ResendsPerWindow} times an hour per request.");
    }

    private static async Task<IResult> CreateAsync(HttpContext http, RequestService requests, PublicLinks links, EmbeddedLinks embedded,
        BoxFiles files, IDbContextFactory<AppDbContext> dbFactory, CancellationToken ct)
    {
        var owner = http.User.UserId();
        JsonObject body;
        try
        {
            body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: ct) as JsonObject
                   ?? throw new JsonException("Expected a JSON object.");
        }
        catch (JsonException ex) { return BoxJson.Error(http, ApiErrorCode.BadRequest, "The body is not valid JSON: " + ex.Message); }
        BoxSignRequestInput input;
        try { input = BoxSignRequestInput.Parse(body, await OwnerEmailAsync(dbFactory, owner, ct)); }
        catch (FormatException ex) { return BoxJson.Error(http, ApiErrorCode.BadRequest, ex.Message); }
        links.BaseFor(http.Request.Host.Host); // invitations' links, prepare_url and embed_url need a trustworthy base
        await RequestOptionsInput.CheckFolderAsync(input.Options.Request, dbFactory, owner, ct);
        var id = await requests.CreateAndSendAsync(owner, input.DocumentId, input.Prepare, ApiKeyAuthenticationHandler.ActorOf(http), ct,
            createdDetails: input.CreatedDetails());
        return BoxJson.Ok(await OneAsync(http, id, dbFactory, links, embedded, files, ct), StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, PublicLinks links, EmbeddedLinks embedded, BoxFiles files,
        IDbContextFactory<AppDbContext> dbFactory, CancellationToken ct) =>
        BoxJson.Ok(await OneAsync(http, ParseId(id), dbFactory, links, embedded, files, ct));

    private static async Task<IResult> CancelAsync(string id, HttpContext http, RequestService requests, PublicLinks links, EmbeddedLinks embedded,
        BoxFiles files, IDbContextFactory<AppDbContext> dbFactory, CancellationToken ct)
    {
        var rowId = ParseId(id);
        await requests.VoidAsync(http.User.UserId(), rowId, null, ApiKeyAuthenticationHandler.ActorOf(http), ct);
        return BoxJson.Ok(await OneAsync(http, rowId, dbFactory, links, embedded, files, ct));
    }

    private static async Task<IResult> ResendAsync(string id, HttpContext http, RequestService requests, CancellationToken ct)
    {
        await requests.ResendAsync(http.User.UserId(), ParseId(id), ApiKeyAuthenticationHandler.ActorOf(http), ct);
        return Results.StatusCode(StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> ListAsync(HttpContext http, string? marker, string? limit, PublicLinks links, BoxFiles files,
        IDataProtectionProvider protection, IDbContextFactory<AppDbContext> dbFactory, CancellationToken ct)
    {
        var take = DefaultLimit;
        if (limit is not null)
        {
            if (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take < 1)
                return BoxJson.Error(http, ApiErrorCode.BadRequest, $"limit must be a whole number from 1 to {MaxLimit}.");
            take = Math.Min(take, MaxLimit);
        }
        var markers = new Markers(protection);
        (bool Older, int Id)? from = null;
        if (!string.IsNullOrEmpty(marker))
        {
            from = markers.Read(marker);
            if (from is null) return BoxJson.Error(http, ApiErrorCode.BadRequest, "marker is not one this API gave out (use next_marker or prev_marker as answered).");
        }
        var owner = http.User.UserId();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var mine = Owned(db, owner);
        List<SignatureRequest> page;
        if (from is { Older: false } newer)
        {
            page = await mine.Where(r => r.Id > newer.Id).OrderBy(r => r.Id).Take(take + 1).ToListAsync(ct);
            page.Reverse();
            if (page.Count > take) page.RemoveAt(0);
        }
        else
        {
            var before = from?.Id ?? int.MaxValue;
            page = await mine.Where(r => r.Id < before).OrderByDescending(r => r.Id).Take(take + 1).ToListAsync(ct);
            if (page.Count > take) page.RemoveAt(page.Count - 1);
        }
        string? next = null, prev = null;
        if (page.Count > 0)
        {
            var (first, last) = (page[0].Id, page[^1].Id);
            if (await mine.AnyAsync(r => r.Id < last, ct)) next = markers.Write(older: true, last);
            if (await mine.AnyAsync(r => r.Id > first, ct)) prev = markers.Write(older: false, first);
        }
        var entries = await ObjectsAsync(db, owner, page, links, files, null, ct);
        return BoxJson.Ok(new BoxSignRequestPage(take, next, prev, entries));
    }

    /// <summary>The caller's requests Box can see: every one but a draft, except a draft kept for preparation.</summary>
    private static IQueryable<SignatureRequest> Owned(AppDbContext db, string owner) =>
        db.Requests.AsNoTracking().Where(r => r.OwnerId == owner && (r.Status != RequestStatus.Draft || r.PreparationNeeded));

    /// <summary>A sign request id from the path: anything that is not one of ours is <c>404 not_found</c>.</summary>
    private static int ParseId(string id) => BoxIds.ParseSignRequest(id) ?? throw AppException.NotFound("The sign request");

    private static async Task<string> OwnerEmailAsync(IDbContextFactory<AppDbContext> dbFactory, string owner, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Users.Where(u => u.Id == owner).Select(u => u.Email ?? "").SingleAsync(ct);
    }

    /// <summary>One of the caller's requests as the object, with fresh <c>embed_url</c>s for its embedded signers who are still to sign.</summary>
    private static async Task<BoxSignRequest> OneAsync(HttpContext http, int id, IDbContextFactory<AppDbContext> dbFactory, PublicLinks links,
        EmbeddedLinks embedded, BoxFiles files, CancellationToken ct)
    {
        var owner = http.User.UserId();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var r = await Owned(db, owner).Include(x => x.Recipients).Include(x => x.Fields).AsSplitQuery().SingleOrDefaultAsync(x => x.Id == id, ct)
                ?? throw AppException.NotFound("The sign request");
        Dictionary<int, string>? urls = null;
        if (r.EmbeddedSigning && r.Status == RequestStatus.Incomplete)
        {
            urls = [];
            var baseUrl = links.BaseFor(http.Request.Host.Host);
            foreach (var x in r.Recipients.Where(x => x.EmbedUrlExternalUserId is { Length: > 0 } && RequestWorkflow.HasSigningLink(x)
                                                      && x.Status is RecipientStatus.NotViewed or RecipientStatus.Viewed))
                urls[x.Id] = baseUrl + await embedded.CreateSigningLinkAsync(owner, r.Id, x.Email, null, ct);
        }
        return (await ObjectsAsync(db, owner, [r], links, files, urls, ct))[0];
    }

    /// <summary>The objects of <paramref name="page"/> (the caller's requests): one query per kind of related row.</summary>
    private static async Task<List<BoxSignRequest>> ObjectsAsync(AppDbContext db, string owner, List<SignatureRequest> page, PublicLinks links,
        BoxFiles files, IReadOnlyDictionary<int, string>? embedUrls, CancellationToken ct)
    {
        if (page.Count == 0) return [];
        var ids = page.Select(r => r.Id).ToList();
        if (page.Any(r => r.Recipients.Count == 0))
        {
            // A page from the list: load recipients and fields for all of it at once.
            var recipients = await db.Recipients.AsNoTracking().Where(x => ids.Contains(x.RequestId)).ToListAsync(ct);
            var fields = await db.Fields.AsNoTracking().Where(x => ids.Contains(x.RequestId)).ToListAsync(ct);
            foreach (var r in page)
            {
                r.Recipients = recipients.Where(x => x.RequestId == r.Id).ToList();
                r.Fields = fields.Where(x => x.RequestId == r.Id).ToList();
            }
        }
        var email = await db.Users.Where(u => u.Id == owner).Select(u => u.Email ?? "").SingleAsync(ct);
        var docIds = page.Select(r => r.DocumentId).Distinct().ToList();
        var docs = await db.Documents.AsNoTracking().Where(d => docIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, ct);
        var signed = (await db.SignedFiles.AsNoTracking().Where(f => f.RequestId != null && ids.Contains(f.RequestId.Value)).ToListAsync(ct))
            .GroupBy(f => f.RequestId!.Value).ToDictionary(g => g.Key, g => g.OrderByDescending(f => f.Id).First());
        var folderIds = page.Where(r => r.FolderId != null).Select(r => r.FolderId!.Value).Distinct().ToList();
        var folders = await db.Folders.AsNoTracking().Where(f => folderIds.Contains(f.Id)).ToDictionaryAsync(f => f.Id, f => f.Name, ct);
        var created = await db.AuditEvents.AsNoTracking().Where(e => ids.Contains(e.RequestId) && e.Type == AuditEventType.Created)
            .Select(e => new { e.RequestId, e.Data }).ToListAsync(ct);
        var prefills = created.GroupBy(e => e.RequestId).ToDictionary(g => g.Key, g => PrefillsOf(g.First().Data));
        var failures = await RequestFailures.LoadAsync(db, page, ct);
        // Box's sha1 of every file shown (computed once per blob and process by BoxFiles).
        var sha1s = new Dictionary<string, string>();
        foreach (var key in docs.Values.Select(d => d.BlobKey).Concat(signed.Values.SelectMany(f => new[] { f.BlobKey, f.AuditTrailBlobKey }))
                     .Where(k => !string.IsNullOrEmpty(k)).Distinct())
            sha1s[key] = (await files.FactsAsync(key, ct)).Sha1;
        return page.Select(r => BoxSignRequestDto.Of(r, new BoxSignRequestFacts(
            email, docs.GetValueOrDefault(r.DocumentId), signed.GetValueOrDefault(r.Id),
            r.FolderId is { } f ? folders.GetValueOrDefault(f) : null, prefills.GetValueOrDefault(r.Id) ?? [],
            failures.GetValueOrDefault(r.Id),
            r.Status == RequestStatus.Draft && r.PreparationNeeded ? links.PreparePage(r.Id) : null, embedUrls, sha1s))).ToList();
    }

    /// <summary>The create's <c>prefill_tags</c>, as its "created" audit event recorded them (none for other creates).</summary>
    private static List<BoxPrefillTag> PrefillsOf(string data)
    {
        if (JsonNode.Parse(string.IsNullOrEmpty(data) ? "{}" : data)?[BoxSignRequestInput.PrefillTagsKey] is not JsonArray tags) return [];
        return tags.OfType<JsonObject>().Select(t => new BoxPrefillTag(
            (string?)t["document_tag_id"], (string?)t["text_value"], (bool?)t["checkbox_value"], (string?)t["date_value"])).ToList();
    }

    /// <summary>
    /// Opaque, tamper-proof markers: "older than id N" (next) or "newer than id N" (prev), protected by the app's data
    /// protection keys, so a client can neither read nor forge one.
    /// </summary>
    private sealed class Markers(IDataProtectionProvider protection)
    {
        private readonly IDataProtector _p = protection.CreateProtector("ESignWeb.Box.SignRequestMarker.v1");

        public string Write(bool older, int id) => _p.Protect((older ? "n" : "p") + id.ToString(CultureInfo.InvariantCulture));

        public (bool Older, int Id)? Read(string marker)
        {
            string plain;
            try { plain = _p.Unprotect(marker); }
            catch (Exception e) when (e is CryptographicException or FormatException) { return null; }
            return plain.Length > 1 && plain[0] is 'n' or 'p' && int.TryParse(plain.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? (plain[0] == 'n', id) : null;
        }
    }
}

/// <summary>Box's marker-paged list: <c>{limit, next_marker, prev_marker, entries}</c>.</summary>
public sealed record BoxSignRequestPage(int Limit, string? NextMarker, string? PrevMarker, IReadOnlyList<BoxSignRequest> Entries);
