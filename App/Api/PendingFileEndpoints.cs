using ESignWeb.OAuth;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using ESignWeb.Audit;
using ESignWeb.Components.Shared;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Hosting;
using ESignWeb.Requests;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Api;

/// <summary>
/// Signature requests over the API (seed: "pending files"): create (free-fill or with fields), list, get, remind,
/// cancel. Bodies may be JSON, or form fields whose arrays are JSON strings.
/// </summary>
public static class PendingFileEndpoints
{
    public static void MapPendingFiles(this RouteGroupBuilder v1)
    {
        var pending = v1.MapGroup("/files/pending").WithTags("Pending files");
        pending.MapPost("", (HttpRequest r, ClaimsPrincipal u, RequestService s, PublicLinks l, IDbContextFactory<AppDbContext> db, CancellationToken ct) =>
                CreateAsync(r, u, s, l, db, withFields: false, ct)).RequireScope(OAuth.ApiScopes.Requests)
            .WithSummary("Create a free-fill signature request (Box Sign options optional; is_document_preparation_needed: a draft and its prepare_url).");
        pending.MapPost("/fields", (HttpRequest r, ClaimsPrincipal u, RequestService s, PublicLinks l, IDbContextFactory<AppDbContext> db, CancellationToken ct) =>
                CreateAsync(r, u, s, l, db, withFields: true, ct)).RequireScope(OAuth.ApiScopes.Requests)
            .WithSummary("Create a signature request with fields (fields_payload; Box Sign options optional).");
        pending.MapGet("", ListAsync).RequireScope(OAuth.ApiScopes.RequestsRead).WithSummary("Every request the user owns or is a recipient of, any status, newest first (the whole list, streamed; no paging).");
        pending.MapGet("/{id:int}", GetAsync).RequireScope(OAuth.ApiScopes.RequestsRead).WithSummary("One pending file.");
        pending.MapPost("/{id:int}/remind", RemindAsync).RequireScope(OAuth.ApiScopes.Requests).WithSummary("Remind whoever is waiting (at most once an hour).");
        pending.MapPost("/{id:int}/cancel", CancelAsync).RequireScope(OAuth.ApiScopes.Requests).WithSummary("Void the request (message optional).");
        pending.MapPost("/{id:int}/signing/url", SigningUrlAsync).RequireScope(OAuth.ApiScopes.Requests)
            .WithSummary("Embedded signing: a short-lived URL for one signer of a request created with embedded_signing (recipient_email, redirect_url).");
    }

    private static string User(ClaimsPrincipal u) => u.UserId();

    private static async Task<IResult> CreateAsync(HttpRequest request, ClaimsPrincipal user, RequestService requests,
        PublicLinks links, IDbContextFactory<AppDbContext> dbFactory, bool withFields, CancellationToken ct)
    {
        JsonObject body;
        try { body = await ReadBodyAsync(request, ct); }
        catch (JsonException ex) { return ApiJson.Error(ApiErrorCode.BadRequest, "The body is not valid JSON: " + ex.Message); }
        catch (InvalidDataException ex) { return ApiJson.Error(ApiErrorCode.BadRequest, "The form could not be read: " + ex.Message); }
        PendingInput input;
        try { input = PendingInput.Parse(body, withFields); }
        catch (FormatException ex) { return ApiJson.Error(ApiErrorCode.BadRequest, ex.Message); }
        links.BaseFor(request.Host.Host); // the invitations' links (and prepare_url) need a trustworthy base
        await RequestOptionsInput.CheckFolderAsync(input.Options.Request, dbFactory, User(user), ct);
        var id = await requests.CreateAndSendAsync(User(user), input.OriginalFileId, input.Prepare,
            ApiKeyAuthenticationHandler.ActorOf(request.HttpContext), ct);
        return Created(id, input.Options.Request.PreparationNeeded, links, input.Warnings);
    }

    /// <summary>
    /// The create calls' answer: the seed's <c>{"pending_file_id": N}</c>; a request that needs preparation (a draft,
    /// not sent) also carries its absolute <c>prepare_url</c>, and text tags for signers the request lacks add
    /// <c>warnings</c>.
    /// </summary>
    internal static IResult Created(int id, bool preparationNeeded, PublicLinks links, IReadOnlyList<string>? warnings = null)
    {
        var body = new System.Text.Json.Nodes.JsonObject { ["pending_file_id"] = id };
        if (preparationNeeded) body["prepare_url"] = links.PreparePage(id);
        if (warnings is { Count: > 0 }) body["warnings"] = new System.Text.Json.Nodes.JsonArray([.. warnings.Select(w => (System.Text.Json.Nodes.JsonNode?)w)]);
        return ApiJson.Ok(body);
    }

    /// <summary>
    /// Every visible request, newest first, never truncated: streamed in keyset batches (<see cref="StreamedJson"/>), each
    /// batch one projected query (<see cref="RequestService.OpenVisibleListAsync"/>) plus at most two outbox queries for
    /// the failures. Nothing is cached: every instance reads the database, so none can answer with an older list
    /// (issue 15; docs/architecture.md "API caches").
    /// </summary>
    private static Task<IResult> ListAsync(ClaimsPrincipal user, RequestService requests, PublicLinks links, CancellationToken ct)
    {
        var viewer = User(user);
        return StreamedJson.OpenAsync(requests.OpenVisibleListAsync(viewer, ct), "files", ListItems(viewer, links));
    }

    /// <summary>The list's items for one batch of rows, as <paramref name="viewerId"/> sees them (also the benchmark's entry, bench/PendingListPartsBenchmarks).</summary>
    public static StreamedJson.Items<PendingListRow> ListItems(string viewerId, PublicLinks links) => async (list, batch, token) =>
    {
        var failures = await RequestFailures.LoadAsync(list.Db, batch.Select(row => row.Request).ToList(), token);
        return batch.Select(row => (object)PendingFileDto.Of(row.Request, row.Owner, viewerId, links, failures[row.Request.Id], row.HasMarkers));
    };

    private static async Task<IResult> GetAsync(int id, ClaimsPrincipal user, RequestService requests, PublicLinks links, CancellationToken ct)
    {
        var (r, owner) = await requests.GetVisibleAsync(User(user), id, ct);
        var failures = await requests.FailuresAsync([r], ct);
        return ApiJson.Ok(PendingFileDto.Of(r, owner, User(user), links, failures[r.Id]));
    }

    private static async Task<IResult> RemindAsync(int id, HttpContext http, RequestService requests, CancellationToken ct)
    {
        await requests.RemindAsync(User(http.User), id, ApiKeyAuthenticationHandler.ActorOf(http), ct);
        return Results.Ok(); // seed: no response body on success
    }

    private static async Task<IResult> SigningUrlAsync(int id, HttpRequest request, ClaimsPrincipal user, Embedding.EmbeddedLinks links,
        PublicLinks publicLinks, CancellationToken ct)
    {
        var input = await ApiInput.ReadFieldsAsync(request, ["recipient_email", "redirect_url"], ct);
        var baseUrl = publicLinks.BaseFor(request.Host.Host);
        var path = await links.CreateSigningLinkAsync(User(user), id, input["recipient_email"], input["redirect_url"], ct);
        return ApiJson.Ok(new { url = baseUrl + path });
    }

    private static async Task<IResult> CancelAsync(int id, HttpRequest request, ClaimsPrincipal user, RequestService requests, CancellationToken ct)
    {
        var message = await ApiInput.ReadFieldAsync(request, "message", ct);
        await requests.VoidAsync(User(user), id, message, ApiKeyAuthenticationHandler.ActorOf(request.HttpContext), ct);
        return Results.Ok(); // seed: no response body on success
    }

    /// <summary>A JSON body as is; a form body as an object whose array-valued fields are parsed from their JSON text.</summary>
    internal static async Task<JsonObject> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            var o = new JsonObject();
            foreach (var (key, value) in form)
            {
                var text = value.ToString().Trim();
                o[key] = text.StartsWith('[') || text.StartsWith('{') ? JsonNode.Parse(text) : JsonValue.Create(text);
            }
            return o;
        }
        var node = await JsonNode.ParseAsync(request.Body, cancellationToken: ct);
        return node as JsonObject ?? throw new JsonException("Expected a JSON object.");
    }
}

/// <summary>A parsed create request (seed fields), and how it fills a draft.</summary>
public sealed record PendingInput(
    int OriginalFileId, string Name, bool IsOrdered, string? Message, IReadOnlyList<string> Cc,
    IReadOnlyList<(string Email, string FirstName, string LastName, string? Language)> Recipients, IReadOnlyList<PendingField> Fields, bool EmbeddedSigning,
    RequestOptionsInput Options)
{
    /// <summary>prefill_tags (Box): values for the fields made from the document's text tags.</summary>
    public IReadOnlyList<TagPrefill> Prefills { get; init; } = [];
    /// <summary><c>categories</c> (<see cref="ApiCategories"/>); null: none given.</summary>
    public IReadOnlyList<string>? Categories { get; init; }
    /// <summary>Fields come from the document's text tags (no fields_payload was given).</summary>
    public bool UseTextTags { get; init; }
    /// <summary>Text tags for signers the request does not have (set by <see cref="Prepare"/>).</summary>
    public List<string> Warnings { get; } = [];

    public static PendingInput Parse(JsonObject body, bool withFields)
    {
        var originalFileId = Int(body, "original_file_id") ?? throw new FormatException("original_file_id is required.");
        var name = Str(body, "name");
        if (string.IsNullOrWhiteSpace(name)) throw new FormatException("name is required.");
        var recipients = RecipientsOf(body, required: true);
        var cc = CcOf(body);
        var options = RequestOptionsInput.Parse(body);
        var fields = new List<PendingField>();
        if (withFields)
        {
            var payload = body["fields_payload"] as JsonArray ?? throw new FormatException("fields_payload is required (an array of fields).");
            // The prepare page's limit, checked before anything else is read.
            if (DraftEditor.TooManyFields(payload.Count) is { } tooMany) throw new FormatException("fields_payload: " + tooMany);
            var i = 0;
            foreach (var n in payload)
            {
                i++;
                var o = n as JsonObject ?? throw new FormatException($"fields_payload[{i}] is not an object.");
                string Need(string key) => Str(o, key) ?? throw new FormatException($"fields_payload[{i}].{key} is required.");
                double Num(string key)
                {
                    double? value;
                    try { value = Dbl(o, key); }
                    catch (FormatException) { value = null; }
                    return value is { } v && double.IsFinite(v) ? v
                        : throw new FormatException($"fields_payload[{i}].{key} is required and must be a finite number.");
                }
                int Page()
                {
                    try { return Int(o, "page_number") ?? throw new FormatException(""); }
                    catch (FormatException) { throw new FormatException($"fields_payload[{i}].page_number is required and must be an integer (1 = first page, -1 = last page)."); }
                }
                JsonObject info;
                try
                {
                    info = o["additional_info"] switch
                    {
                        JsonObject obj => obj,
                        JsonValue v when v.GetValueKind() == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetValue<string>()) =>
                            JsonNode.Parse(v.GetValue<string>()) as JsonObject ?? new JsonObject(),
                        _ => new JsonObject(),
                    };
                }
                catch (JsonException)
                {
                    throw new FormatException($"fields_payload[{i}].additional_info is not valid JSON.");
                }
                var format = info["format"] switch
                {
                    null => null,
                    JsonValue f when f.GetValueKind() == JsonValueKind.String => f.GetValue<string>(),
                    _ => throw new FormatException($"fields_payload[{i}].additional_info.format must be a string such as \"DD/MM/YYYY\"."),
                };
                fields.Add(new PendingField(i, Need("email"), Need("type"), Bool(o, "required") ?? true, Page(),
                    Num("x"), Num("y"), Num("width"), Num("height"), format));
            }
        }
        return new PendingInput(originalFileId, name, Bool(body, "is_ordered") ?? true, options.Message, cc, recipients, fields,
            Bool(body, "embedded_signing") ?? false, options)
        {
            Prefills = TagPrefills.Parse(body), UseTextTags = !withFields, Categories = ApiCategories.Parse(body),
        };
    }

    /// <summary>Fills a draft with exactly these values; returns the first problem (seed rules), or null.</summary>
    public string? Prepare(RequestDraft d)
    {
        if (DraftEditor.SetName(d, Name) is { } e1) return e1;
        if (DraftEditor.SetMessage(d, Message) is { } e2) return e2;
        d.IsOrdered = IsOrdered;
        d.EmbeddedSigning = EmbeddedSigning;
        d.Signers.Clear();
        d.Fields.Clear();
        if (!UseTextTags) d.TextTags = []; // fields_payload says exactly which fields there are
        var index = 0;
        foreach (var (email, first, last, language) in Recipients)
        {
            index++;
            if (language is not null && !Localization.SignerLanguages.IsSupported(language))
                return $"recipients[{index}].language: {Localization.SignerLanguages.Unsupported(language)}";
            if (DraftEditor.AddSigner(d, email, first, last, language) is { } e3) return $"recipients: {e3}";
        }
        Options.ApplyTo(d);
        if (DraftEditor.SetCc(d, Cc) is { } e4) return $"cc: {e4}";
        if (Categories is not null && DraftEditor.SetCategories(d, Categories) is { } e6) return $"categories: {e6}";
        foreach (var f in Fields)
        {
            var signer = d.Signers.FirstOrDefault(s => EmailAddress.Normalize(s.Email) == EmailAddress.Normalize(f.Email));
            if (signer is null) return $"fields_payload[{f.Index}]: {f.Email} is not one of the recipients.";
            if (!WireNames.TryParseFieldType(f.Type, out var type))
                return $"fields_payload[{f.Index}]: type must be one of text, signature, date, initials, email, name, checkbox.";
            var page = f.PageNumber == -1 ? d.PageCount : f.PageNumber;
            var rect = new PdfRect(f.X, f.Y, f.Width, f.Height);
            var geometry = page >= 1 && page <= d.PageCount ? d.Pages[page - 1] : null;
            if (FieldRules.Validate(rect, geometry, page, d.PageCount) is { } e5) return $"fields_payload[{f.Index}]: {e5}";
            if (type == FieldType.Date && f.DateFormat is { } fmt && !FieldRules.DateFormats.Contains(fmt))
                return $"fields_payload[{f.Index}]: date format {fmt} is not supported ({string.Join(", ", FieldRules.DateFormats)}).";
            d.Fields.Add(new DraftField
            {
                SignerKey = signer.Key, Type = type, Required = f.Required, PageNumber = page, Rect = rect,
                DateFormat = type == FieldType.Date ? f.DateFormat : null, // none: the signer's locale
            });
        }
        Warnings.Clear();
        Warnings.AddRange(TextTags.Warnings(d, d.TextTags));
        return TextTags.Prefill(d, Prefills);
    }

    /// <summary>Seed <c>recipients</c>: [{email, first_name, last_name}], plus our optional <c>language</c> (en, de, fr, es).</summary>
    internal static List<(string Email, string FirstName, string LastName, string? Language)> RecipientsOf(JsonObject body, bool required) =>
        (body["recipients"] as JsonArray ?? (required ? throw new FormatException("recipients is required (an array of {email, first_name, last_name}).") : []))
            .Select(n => n as JsonObject ?? throw new FormatException("Each recipient is an object with email, first_name, last_name."))
            .Select(o => (Str(o, "email") ?? "", Str(o, "first_name") ?? "", Str(o, "last_name") ?? "", Str(o, "language")?.Trim().ToLowerInvariant())).ToList();

    /// <summary>Seed <c>cc</c>: [{email}] (plain strings accepted too).</summary>
    internal static List<string> CcOf(JsonObject body) =>
        (body["cc"] as JsonArray ?? [])
            .Select(n => n is JsonObject o ? Str(o, "email") ?? "" : n?.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : "").ToList();

    internal static string? Str(JsonObject o, string key) => o[key] switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        _ => null,
    };

    internal static int? Int(JsonObject o, string key) =>
        Dbl(o, key) is { } d && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue ? (int)d
        : o[key] is null ? null : throw new FormatException($"{key} must be an integer.");

    internal static double? Dbl(JsonObject o, string key) => o[key] switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var n) && double.IsFinite(n) => n,
        JsonValue v when v.GetValueKind() == JsonValueKind.String && double.TryParse(v.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                         && double.IsFinite(d) => d,
        null => null,
        _ => throw new FormatException($"{key} must be a number."),
    };

    internal static bool? Bool(JsonObject o, string key) => o[key] switch
    {
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>() != 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.String =>
            ApiEndpoints.TryParseBool(v.GetValue<string>(), out var b) ? b : throw new FormatException($"{key} must be true or false."),
        null => null,
        _ => throw new FormatException($"{key} must be true or false."),
    };
}

public sealed record PendingField(int Index, string Email, string Type, bool Required, int PageNumber, double X, double Y, double Width,
    double Height, string? DateFormat);
