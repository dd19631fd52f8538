using ESignWeb.OAuth;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using ESignWeb.Components.Shared;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Hosting;
using ESignWeb.Templates;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Api;

/// <summary>
/// Templates over the API (seed: "Retrieve all templates", "Retrieve/Rename/Delete a template", "Create a signature
/// request using a template"). Templates are made and edited in the browser; the seed has no create endpoint.
/// </summary>
public static class TemplateEndpoints
{
    public static void MapTemplates(this RouteGroupBuilder v1)
    {
        var library = v1.MapGroup("/library/template").WithTags("Templates");
        library.MapGet("", ListAsync).RequireScope(OAuth.ApiScopes.TemplatesRead).WithSummary("Every template of the user (a JSON array, newest change first; the whole list, streamed; no paging).");
        library.MapGet("/{id:int}", GetAsync).RequireScope(OAuth.ApiScopes.TemplatesRead).WithSummary("One template.");
        library.MapPut("/{id:int}", RenameAsync).RequireScope(OAuth.ApiScopes.Templates).WithSummary("Rename a template (name as a form field or JSON) and/or set its roles' order groups (roles [{id, order}]).");
        library.MapDelete("/{id:int}", DeleteAsync).RequireScope(OAuth.ApiScopes.Templates).WithSummary("Delete a template; requests made from it are not affected.");
        v1.MapPost("/files/pending/template", UseAsync).RequireScope(OAuth.ApiScopes.Requests) // sending from a template is a request.WithTags("Pending files")
            .WithSummary("Create and send a signature request from a template (people per role_id, merge_fields, file_password).");
    }

    /// <summary>Every template (the seed's bare array, no paging), streamed in keyset batches (<see cref="StreamedJson"/>).</summary>
    private static Task<IResult> ListAsync(ClaimsPrincipal user, TemplateService templates, CancellationToken ct) =>
        StreamedJson.OpenAsync(templates.OpenListAsync(user.UserId(), ct), null,
            (_, batch, _) => Task.FromResult(batch.Select(t => (object)TemplateDto.Of(t))));

    private static async Task<IResult> GetAsync(int id, ClaimsPrincipal user, TemplateService templates, CancellationToken ct) =>
        ApiJson.Ok(TemplateDto.Of(await templates.GetAsync(user.UserId(), id, ct)));

    private static async Task<IResult> RenameAsync(int id, HttpRequest request, ClaimsPrincipal user, TemplateService templates, CancellationToken ct)
    {
        await templates.GetAsync(user.UserId(), id, ct); // someone else's template: 401 before anything about the body
        request.EnableBuffering(); // read twice: the name as before, then the roles' order groups (our extension)
        var name = await ApiInput.ReadFieldAsync(request, "name", ct);
        // The seed types this form field "json": a JSON string ("\"Mutual NDA\"") is accepted as well as plain text.
        if (name is { Length: >= 2 } && name.Trim() is ['"', .., '"'] quoted)
        {
            try { name = JsonSerializer.Deserialize<string>(quoted) ?? name; }
            catch (JsonException) { /* plain text that happens to be quoted */ }
        }
        List<(int RoleId, int Order)>? orders;
        IReadOnlyList<string>? categories;
        try
        {
            request.Body.Position = 0;
            var body = request.HasFormContentType || request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true
                ? await PendingFileEndpoints.ReadBodyAsync(request, ct) : new JsonObject();
            orders = ParseRoleOrders(body);
            categories = ApiCategories.Parse(body);
        }
        catch (JsonException) { (orders, categories) = (null, null); } // a body that is not JSON: as before, no roles
        catch (FormatException ex) { return ApiJson.Error(ApiErrorCode.BadRequest, ex.Message); }
        // Each part given is applied (name, then categories, then roles); with none of them, the rename's "name is required".
        var (owner, result) = (user.UserId(), (Template?)null);
        if (categories is not null) Domain.Categories.Normalize(categories); // refused before anything changes
        if (name is not null || (orders is null && categories is null)) result = await templates.RenameAsync(owner, id, name, ct);
        if (categories is not null) result = await templates.SetCategoriesAsync(owner, id, categories, ct);
        if (orders is not null) result = await templates.SetRoleOrdersAsync(owner, id, orders, ct);
        return ApiJson.Ok(TemplateDto.Of(result!));
    }

    /// <summary>Our extension of the rename body: <c>roles</c> [{id, order}], every role's order group (0–1000); null when absent.</summary>
    internal static List<(int RoleId, int Order)>? ParseRoleOrders(JsonObject body)
    {
        if (body["roles"] is null) return null;
        var roles = body["roles"] as JsonArray ?? throw new FormatException("roles must be an array of {id, order}.");
        var result = new List<(int, int)>();
        var i = 0;
        foreach (var n in roles)
        {
            i++;
            var o = n as JsonObject ?? throw new FormatException($"roles[{i}] is not an object with id and order.");
            int? id, order;
            try { id = PendingInput.Int(o, "id"); }
            catch (FormatException) { throw new FormatException($"roles[{i}].id must be an integer (the role's id, from 1)."); }
            try { order = PendingInput.Int(o, "order"); }
            catch (FormatException) { throw new FormatException($"roles[{i}].order must be an integer from 0 to {Requests.RequestOptionRules.MaxOrder}."); }
            result.Add((id ?? throw new FormatException($"roles[{i}].id is required (the role's id, from 1)."),
                order ?? throw new FormatException($"roles[{i}].order is required (its order group, 0 to {Requests.RequestOptionRules.MaxOrder}).")));
        }
        return result;
    }

    private static async Task<IResult> DeleteAsync(int id, ClaimsPrincipal user, TemplateService templates, CancellationToken ct)
    {
        await templates.DeleteAsync(user.UserId(), id, ct);
        return ApiJson.Ok(new { });
    }

    private static async Task<IResult> UseAsync(HttpRequest request, ClaimsPrincipal user, TemplateService templates,
        PublicLinks links, IDbContextFactory<AppDbContext> dbFactory, CancellationToken ct)
    {
        JsonObject body;
        try { body = await PendingFileEndpoints.ReadBodyAsync(request, ct); }
        catch (JsonException ex) { return ApiJson.Error(ApiErrorCode.BadRequest, "The body is not valid JSON: " + ex.Message); }
        catch (InvalidDataException ex) { return ApiJson.Error(ApiErrorCode.BadRequest, "The form could not be read: " + ex.Message); }
        TemplateUse use;
        try { use = ParseUse(body); }
        catch (FormatException ex) { return ApiJson.Error(ApiErrorCode.BadRequest, ex.Message); }
        links.BaseFor(request.Host.Host); // the invitations' links (and prepare_url) need a trustworthy base
        await RequestOptionsInput.CheckFolderAsync(use.Options!, dbFactory, user.UserId(), ct);
        var id = await templates.UseAsync(user.UserId(), use, ApiKeyAuthenticationHandler.ActorOf(request.HttpContext), ct);
        return PendingFileEndpoints.Created(id, use.Options!.PreparationNeeded, links);
    }

    /// <summary>The seed's form fields: template_file_id, recipients [{email, first_name, last_name, role_id}, plus our optional language], is_ordered,
    /// name, message, cc, file_password, embedded_signing, merge_fields [{label, value, font_size}].</summary>
    internal static TemplateUse ParseUse(JsonObject body)
    {
        var templateId = PendingInput.Int(body, "template_file_id") ?? throw new FormatException("template_file_id is required.");
        var name = PendingInput.Str(body, "name");
        if (string.IsNullOrWhiteSpace(name)) throw new FormatException("name is required.");
        var options = RequestOptionsInput.Parse(body);
        var people = new List<RolePerson>();
        var recipients = body["recipients"] as JsonArray
                         ?? throw new FormatException("recipients is required (an array of {email, first_name, last_name, role_id}).");
        var i = 0;
        foreach (var n in recipients)
        {
            i++;
            var o = n as JsonObject ?? throw new FormatException($"recipients[{i}] is not an object with email, first_name, last_name, role_id.");
            int roleId;
            try { roleId = PendingInput.Int(o, "role_id") ?? throw new FormatException($"recipients[{i}].role_id is required (the template role's id, from 1)."); }
            catch (FormatException ex) when (!ex.Message.StartsWith("recipients[")) { throw new FormatException($"recipients[{i}].role_id must be an integer."); }
            var language = PendingInput.Str(o, "language")?.Trim().ToLowerInvariant();
            if (language is not null && !Localization.SignerLanguages.IsSupported(language))
                throw new FormatException($"recipients[{i}].language: {Localization.SignerLanguages.Unsupported(language)}");
            people.Add(new RolePerson(roleId, PendingInput.Str(o, "email") ?? "", PendingInput.Str(o, "first_name") ?? "", PendingInput.Str(o, "last_name") ?? "",
                language, options.Signers[i - 1].Options, options.Signers[i - 1].HasRole));
        }
        var cc = (body["cc"] as JsonArray ?? [])
            .Select(n => n is JsonObject o ? PendingInput.Str(o, "email") ?? "" : n?.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : "").ToList();
        var merges = new List<MergeValue>();
        i = 0;
        foreach (var n in body["merge_fields"] as JsonArray ?? [])
        {
            i++;
            var o = n as JsonObject ?? throw new FormatException($"merge_fields[{i}] is not an object with label, value, font_size.");
            var label = PendingInput.Str(o, "label");
            if (string.IsNullOrWhiteSpace(label)) throw new FormatException($"merge_fields[{i}].label is required.");
            var value = o["value"] switch
            {
                null => null,
                JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>() ? "true" : "false",
                JsonValue v when v.GetValueKind() is JsonValueKind.String or JsonValueKind.Number => PendingInput.Str(o, "value"),
                _ => throw new FormatException($"merge_fields[{i}].value must be text."),
            };
            double? size;
            try { size = PendingInput.Dbl(o, "font_size"); }
            catch (FormatException) { throw new FormatException($"merge_fields[{i}].font_size must be a number."); }
            merges.Add(new MergeValue(label, value, size));
        }
        return new TemplateUse
        {
            TemplateId = templateId, Name = name, Message = options.Message, IsOrdered = PendingInput.Bool(body, "is_ordered"),
            EmbeddedSigning = PendingInput.Bool(body, "embedded_signing") ?? false, Cc = cc, People = people, MergeValues = merges,
            FilePassword = PendingInput.Str(body, "file_password"), Options = options.Request, Prefills = [.. TagPrefills.Parse(body)],
            Categories = ApiCategories.Parse(body)?.ToList(), // none given: the template's
        };
    }
}

/// <summary>Seed: the template object. <c>message</c> is "" when there is none (as in the seed's list example).</summary>
public sealed record TemplateDto(long CreatedTime, int Id, bool IsOrdered, string Message, TemplateMetadataDto Metadata, long ModifiedTime, string Name)
{
    /// <summary>Our extension: the categories every request made from the template starts with.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    public static TemplateDto Of(Template t) => new(
        ApiJson.Epoch(t.CreatedAt), t.Id, t.IsOrdered, Requests.SenderMessage.Clean(t.Message) ?? "", // cleaned, as Box echoes it
        new TemplateMetadataDto(
            t.Fields.OrderBy(f => f.Number).Select(f => new TemplateFieldDto(
                f.Type == FieldType.Date ? FieldRules.ExplicitDateFormatOf(f.AdditionalInfo) ?? "" : "", f.Number, f.Required, f.RoleNumber, WireNames.Of(f.Type))).ToList(),
            t.MergeFields.OrderBy(m => m.Number).Select(m => new MergeFieldDto(m.Number, m.Label, m.Required, WireNames.Of(m.Type))).ToList(),
            t.Roles.OrderBy(r => r.Number).Select(r => new TemplateRoleDto(
                r.Color, t.Fields.Where(f => f.RoleNumber == r.Number).OrderBy(f => f.Number).Select(f => f.Number).ToList(), r.Number, r.Name, r.Order)).ToList()),
        ApiJson.Epoch(t.ModifiedAt), t.Name) { Categories = [.. t.Categories] };
}

public sealed record TemplateMetadataDto(List<TemplateFieldDto> Fields, List<MergeFieldDto> MergeFields, List<TemplateRoleDto> Roles);

/// <summary>
/// Seed: <c>additional_info</c> is text: the date format for date fields ("MM/DD/YY" in the seed), else "" (also for a
/// date field that names no format: the signer's locale decides).
/// </summary>
public sealed record TemplateFieldDto(string AdditionalInfo, int Id, bool Required, int RoleId, string Type);

public sealed record MergeFieldDto(int Id, string Label, bool Required, string Type);

/// <summary>Seed: the role object, plus our <c>order</c>: the role's order group (equal groups act at once, lower first).</summary>
public sealed record TemplateRoleDto(string Color, List<int> Fields, int Id, string Name, int Order);
