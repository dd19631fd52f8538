using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Requests;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Api;

/// <summary>One recipient's Box signer options as given, and whether <c>role</c> / <c>order</c> were given at all.</summary>
public sealed record SignerOptionsInput(SignerOptions Options, bool HasRole, bool HasOrder);

/// <summary>
/// The one parser of the Box Sign request options in a SignEasy create body (free-fill, with fields, from a template,
/// embedded sending): the seed's names (<c>email_subject</c>, <c>days_valid</c>, <c>parent_folder</c>, …, and per
/// recipient <c>role</c>, <c>order</c>, <c>password</c>, …) → <see cref="RequestOptions"/> / <see cref="SignerOptions"/>.
/// It checks JSON types only (with precise messages); values are checked by <see cref="RequestOptionRules"/> on the
/// filled draft, before anything is created. Every option is optional; absent means the default of the model.
/// </summary>
public sealed record RequestOptionsInput(RequestOptions Request, IReadOnlyList<SignerOptionsInput> Signers, string? Message)
{
    /// <summary>Request-level keys this parser reads (besides <c>message</c> / <c>email_message</c>).</summary>
    public static readonly IReadOnlyList<string> RequestKeys =
    [
        "email_subject", "are_reminders_enabled", "are_text_signatures_enabled", "signature_color", "days_valid", "redirect_url",
        "declined_redirect_url", "external_id", "is_document_preparation_needed", "is_phone_verification_required_to_view", "parent_folder",
    ];

    /// <summary>Per-recipient keys this parser reads.</summary>
    public static readonly IReadOnlyList<string> SignerKeys =
    [
        "role", "order", "redirect_url", "declined_redirect_url", "password", "verification_phone_number", "login_required", "is_in_person",
        "embed_url_external_user_id",
    ];

    /// <summary>
    /// Reads the options of <paramref name="body"/> and of each object of <paramref name="recipients"/> (the body's
    /// <c>recipients</c> when null). Throws <see cref="FormatException"/> naming the field on a wrong JSON type or an
    /// unknown role or colour.
    /// </summary>
    /// <param name="redirectUrlIsOption">False where <c>redirect_url</c> already means something else (embedded sending: where the frame goes).</param>
    /// <param name="listName">What the recipients' array is called in messages (<c>recipients</c>; Box: <c>signers</c>).</param>
    public static RequestOptionsInput Parse(JsonObject body, JsonArray? recipients = null, bool redirectUrlIsOption = true, string listName = "recipients")
    {
        var o = new RequestOptions
        {
            EmailSubject = Text(body, "email_subject"),
            RemindersEnabled = Flag(body, "are_reminders_enabled") ?? false,
            TextSignaturesEnabled = Flag(body, "are_text_signatures_enabled") ?? true,
            DaysValid = Whole(body, "days_valid", $"an integer from 0 to {RequestOptionRules.MaxDaysValid}"),
            RedirectUrl = redirectUrlIsOption ? Text(body, "redirect_url") : null,
            DeclinedRedirectUrl = Text(body, "declined_redirect_url"),
            ExternalId = Id(body, "external_id"),
            PreparationNeeded = Flag(body, "is_document_preparation_needed") ?? false,
            PhoneVerificationRequired = Flag(body, "is_phone_verification_required_to_view") ?? false,
            FolderId = Folder(body),
        };
        if (Text(body, "signature_color") is { } color)
            o.SignatureColor = WireNames.TryParseSignatureColor(color.Trim(), out var c) ? c
                : throw new FormatException($"signature_color must be one of {Names<SignatureColor>(WireNames.Of)} (got \"{color}\").");

        var signers = new List<SignerOptionsInput>();
        var i = 0;
        foreach (var n in recipients ?? body["recipients"] as JsonArray ?? [])
        {
            i++;
            if (n is not JsonObject r) { signers.Add(new SignerOptionsInput(new SignerOptions(), false, false)); continue; }
            var at = $"{listName}[{i}].";
            var so = new SignerOptions
            {
                RedirectUrl = Text(r, "redirect_url", at),
                DeclinedRedirectUrl = Text(r, "declined_redirect_url", at),
                NewPassword = Text(r, "password", at) is { Length: > 0 } pw ? pw : null,
                VerificationPhone = Text(r, "verification_phone_number", at),
                LoginRequired = Flag(r, "login_required", at) ?? false,
                IsInPerson = Flag(r, "is_in_person", at) ?? false,
                EmbedUrlExternalUserId = Id(r, "embed_url_external_user_id", at),
            };
            var role = Text(r, "role", at);
            if (role is not null)
                so.Role = WireNames.TryParseRole(role.Trim(), out var x) ? x
                    : throw new FormatException($"{at}role must be one of {Names<RecipientRole>(WireNames.Of)} (got \"{role}\").");
            var order = Whole(r, "order", $"an integer from 0 to {RequestOptionRules.MaxOrder}", at);
            if (order is { } ord) so.Order = ord;
            signers.Add(new SignerOptionsInput(so, role is not null, order is not null));
        }
        var ordered = signers.Where(s => s.HasOrder).ToList();
        if (ordered.Count > 0)
        {
            var missing = signers.FindIndex(s => !s.HasOrder);
            if (missing >= 0)
                throw new FormatException($"{listName}[{missing + 1}].order is missing: when one recipient has an order, every recipient needs one.");
            o.OrderGroups = true;
        }
        return new RequestOptionsInput(o, signers, MessageOf(body));
    }

    /// <summary>
    /// The invitation message: SignEasy calls it <c>message</c>, Box <c>email_message</c>; either is accepted, both
    /// only when they say the same.
    /// </summary>
    public static string? MessageOf(JsonObject body)
    {
        var signEasy = Text(body, "message");
        var box = Text(body, "email_message");
        if (signEasy is not null && box is not null && signEasy.Trim() != box.Trim())
            throw new FormatException("message and email_message are the same setting (SignEasy's and Box's name): give one, or both with the same text.");
        return signEasy ?? box;
    }

    /// <summary>Fills <paramref name="d"/>'s options (fresh copies) once its signers were added in the order of <c>recipients</c>.</summary>
    public void ApplyTo(RequestDraft d)
    {
        d.Options = Request.Copy();
        for (var i = 0; i < d.Signers.Count && i < Signers.Count; i++) d.Signers[i].Options = Signers[i].Options.Copy();
    }

    /// <summary>
    /// The owner's folder that <c>parent_folder</c> names, or a precise <c>bad_request</c> naming the field (the API
    /// answers a bad option so; the draft save checks ownership again with <c>FolderService.EnsureOwnedAsync</c>).
    /// </summary>
    public static async Task CheckFolderAsync(RequestOptions options, IDbContextFactory<AppDbContext> dbFactory, string ownerId, CancellationToken ct)
    {
        if (options.FolderId is not { } id) return;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Folders.AnyAsync(f => f.Id == id && f.OwnerId == ownerId, ct))
            throw AppException.BadRequest($"parent_folder: there is no folder {id} of yours.");
    }

    // ---- JSON types (form bodies arrive as strings: "true", "12") ----

    private static string Names<T>(Func<T, string> name) where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(name));

    private static JsonValueKind KindOf(JsonNode n) => n.GetValueKind();

    /// <summary>A string option; JSON null or absent: null.</summary>
    private static string? Text(JsonObject o, string key, string at = "") => o[key] switch
    {
        null => null,
        JsonValue v when KindOf(v) == JsonValueKind.String => v.GetValue<string>(),
        _ => throw new FormatException($"{at}{key} must be a string."),
    };

    /// <summary>An identifier of the caller's system: a string, or an integer taken as its digits.</summary>
    private static string? Id(JsonObject o, string key, string at = "") => o[key] switch
    {
        null => null,
        JsonValue v when KindOf(v) == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when KindOf(v) == JsonValueKind.Number && v.TryGetValue<long>(out var n) => n.ToString(CultureInfo.InvariantCulture),
        _ => throw new FormatException($"{at}{key} must be a string."),
    };

    /// <summary>A boolean option: true/false, or the strings "true"/"false" of a form body.</summary>
    private static bool? Flag(JsonObject o, string key, string at = "") => o[key] switch
    {
        null => null,
        JsonValue v when KindOf(v) is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        JsonValue v when KindOf(v) == JsonValueKind.String && v.GetValue<string>().Trim().ToLowerInvariant() is "true" or "false" =>
            v.GetValue<string>().Trim().Equals("true", StringComparison.OrdinalIgnoreCase),
        _ => throw new FormatException($"{at}{key} must be true or false."),
    };

    /// <summary>An integer option (a JSON integer, or its digits as a string); ranges are the rules' business.</summary>
    private static int? Whole(JsonObject o, string key, string what, string at = "")
    {
        var n = o[key];
        if (n is null) return null;
        if (n is JsonValue v)
        {
            if (KindOf(v) == JsonValueKind.Number && v.TryGetValue<int>(out var i)) return i;
            if (KindOf(v) == JsonValueKind.Number && v.TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) < 1e9) return (int)d;
            if (KindOf(v) == JsonValueKind.String && int.TryParse(v.GetValue<string>().Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s))
                return s;
        }
        throw new FormatException($"{at}{key} must be {what}.");
    }

    /// <summary>Box <c>parent_folder</c>: <c>{"id": "12", "type": "folder"}</c>; the root (<c>0</c>) cannot be named.</summary>
    private static int? Folder(JsonObject body)
    {
        const string shape = "parent_folder must be an object such as {\"id\": \"12\", \"type\": \"folder\"}.";
        var n = body["parent_folder"];
        if (n is null) return null;
        if (n is not JsonObject f) throw new FormatException(shape);
        if (f["type"] is { } t && !(t is JsonValue tv && KindOf(tv) == JsonValueKind.String && tv.GetValue<string>() == "folder"))
            throw new FormatException("parent_folder.type must be \"folder\".");
        var id = f["id"] switch
        {
            JsonValue v when KindOf(v) == JsonValueKind.String => v.GetValue<string>().Trim(),
            JsonValue v when KindOf(v) == JsonValueKind.Number => v.ToJsonString(),
            _ => throw new FormatException(shape),
        };
        if (id == "0")
            throw new FormatException("parent_folder: the root folder (0) cannot be named; leave parent_folder out to file the signed document in the root.");
        return int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var folderId) && folderId > 0
            ? folderId
            : throw new FormatException($"parent_folder.id must be a folder id (got \"{id}\").");
    }
}
