using System.Text.Json;
using System.Text.Json.Nodes;
using ESignWeb.Domain;
using ESignWeb.Requests;

namespace ESignWeb.Api.Box;

/// <summary>One Box signer as given: its e-mail and the options <see cref="RequestOptionsInput"/> read.</summary>
public sealed record BoxSignerInput(string Email, SignerOptionsInput Options);

/// <summary>
/// A parsed <c>POST /2.0/sign_requests</c> body (docs/api.md "Box 2.0 — sign requests"): <c>source_files</c> (one of the
/// caller's documents), <c>signers</c>, <c>parent_folder</c> (required, not the root), <c>name</c> and the request
/// options under the seed's names — read by the same pieces as SignEasy's create (<see cref="RequestOptionsInput"/>,
/// <see cref="TagPrefills"/>); the values are checked by the same rules (<see cref="RequestOptionRules"/>,
/// <see cref="DraftEditor"/>) on the filled draft, before anything is created.
/// </summary>
/// <remarks>
/// The sender: Box lists the requester first in <c>signers</c> with role <c>final_copy_reader</c>. Here the sender is
/// not stored as a recipient (they receive the signed copy as the owner anyway); the object shows them first (order 0),
/// and a create body that names the sender with role <c>final_copy_reader</c> (e.g. a fetched object sent back) has that
/// entry dropped. The sender named as a <c>signer</c> or <c>approver</c> is an ordinary recipient.
/// </remarks>
public sealed record BoxSignRequestInput(int DocumentId, string? Name, IReadOnlyList<BoxSignerInput> Signers, RequestOptionsInput Options,
    IReadOnlyList<TagPrefill> Prefills)
{
    /// <summary>Box names a signer by e-mail only; the invitation greets them by their address's local part.</summary>
    public static string FirstNameOf(string email) => email.Split('@')[0].Trim() is { Length: > 0 } local ? local : email;

    /// <summary>Reads the body; throws <see cref="FormatException"/> with a precise message naming the field.</summary>
    /// <param name="senderEmail">The caller's address (their own <c>final_copy_reader</c> entry is dropped, see remarks).</param>
    public static BoxSignRequestInput Parse(JsonObject body, string senderEmail)
    {
        if (body["template_id"] is not null)
            throw new FormatException("template_id is not supported: name the document in source_files.");
        var documentId = SourceFile(body);
        if (body["parent_folder"] is null)
            throw new FormatException("parent_folder is required: {\"id\": \"12\", \"type\": \"folder\"}, one of your folders (not the root, 0).");
        var name = body["name"] switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Trim(),
            _ => throw new FormatException("name must be a string."),
        };
        // Box answers the name with the document's extension; a name sent back as it was answered keeps its meaning.
        if (name is not null && name.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase)) name = name[..^4].TrimEnd();

        if (body["signers"] is not JsonArray given || given.Count == 0)
            throw new FormatException("signers is required: an array of at least one {\"email\": \"…\", \"role\": \"signer\"}.");
        var kept = new JsonArray();
        var emails = new List<string>();
        var i = 0;
        foreach (var n in given)
        {
            i++;
            var o = n as JsonObject ?? throw new FormatException($"signers[{i}] is not an object.");
            var email = o["email"] is JsonValue ev && ev.GetValueKind() == JsonValueKind.String ? ev.GetValue<string>().Trim() : "";
            if (email.Length == 0) throw new FormatException($"signers[{i}].email is required.");
            var role = o["role"] is JsonValue rv && rv.GetValueKind() == JsonValueKind.String ? rv.GetValue<string>().Trim() : null;
            if (role == WireNames.Of(RecipientRole.FinalCopyReader) && EmailAddress.Normalize(email) == EmailAddress.Normalize(senderEmail))
                continue; // the sender's own entry (see remarks)
            kept.Add(o.DeepClone());
            emails.Add(email);
        }
        if (emails.Count == 0)
            throw new FormatException("signers names only you, the sender, as final_copy_reader: add at least one other signer.");
        var options = RequestOptionsInput.Parse(body, kept, listName: "signers");
        var signers = emails.Select((e, k) => new BoxSignerInput(e, options.Signers[k])).ToList();
        return new BoxSignRequestInput(documentId, name, signers, options, TagPrefills.Parse(body));
    }

    /// <summary>Box <c>source_files</c>: exactly one <c>{"type": "file", "id": "…"}</c> naming a document (Box: "currently limited to one file").</summary>
    private static int SourceFile(JsonObject body)
    {
        if (body["source_files"] is not JsonArray files || files.Count == 0)
            throw new FormatException("source_files is required: [{\"type\": \"file\", \"id\": \"…\"}], one of your documents.");
        if (files.Count > 1) throw new FormatException("source_files can name one file only (as in Box).");
        var f = files[0] as JsonObject ?? throw new FormatException("source_files[1] is not an object.");
        if (f["type"] is { } t && !(t is JsonValue tv && tv.GetValueKind() == JsonValueKind.String && tv.GetValue<string>() == "file"))
            throw new FormatException("source_files[1].type must be \"file\".");
        var id = f["id"] switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Trim(),
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
            _ => throw new FormatException("source_files[1].id is required (a file id, a string)."),
        };
        return BoxIds.ParseFile(id) switch
        {
            { Kind: BoxFileKind.Document } doc => doc.RowId,
            null => throw new FormatException($"source_files[1].id \"{id}\" is not a file id."),
            _ => throw new FormatException($"source_files[1].id \"{id}\" is a signed copy or signing log, not a document: upload the PDF and name that file."),
        };
    }

    /// <summary>
    /// Fills a draft with exactly these values (signers in the order given, their options, the request options, the
    /// text tags' fields and their prefill values); returns the first problem, or null. Signers without an
    /// <c>order</c> sign all at once (Box); with orders, by those groups. A request any of whose signers has
    /// <c>embed_url_external_user_id</c> is an embedded one: its signers sign in the caller's app, through
    /// <c>embed_url</c>, and are not mailed.
    /// </summary>
    public string? Prepare(RequestDraft d)
    {
        // No name: the document's (Box names the request after its file).
        var name = Name ?? Path.GetFileNameWithoutExtension(d.DocumentName);
        if (name.Length > DraftEditor.MaxNameLength && Name is null) name = name[..DraftEditor.MaxNameLength];
        if (DraftEditor.SetName(d, name) is { } e1) return "name: " + e1;
        if (DraftEditor.SetMessage(d, Options.Message) is { } e2) return "email_message: " + e2;
        d.IsOrdered = Options.Request.OrderGroups;
        d.EmbeddedSigning = Signers.Any(s => s.Options.Options.EmbedUrlExternalUserId is { Length: > 0 });
        d.Signers.Clear();
        d.Fields.Clear();
        var i = 0;
        foreach (var s in Signers)
        {
            i++;
            if (DraftEditor.AddSigner(d, s.Email, FirstNameOf(s.Email), "") is { } e3) return $"signers[{i}]: {e3}";
        }
        Options.ApplyTo(d);
        return TextTags.Prefill(d, Prefills);
    }

    /// <summary>What the "created" audit event records of a Box create, read back for <c>prefill_tags</c>.</summary>
    public IReadOnlyDictionary<string, object?> CreatedDetails() => new Dictionary<string, object?>
    {
        [PrefillTagsKey] = Prefills.Select(p => new
        {
            document_tag_id = p.DocumentTagId, text_value = p.Text, checkbox_value = p.Checked,
            date_value = p.Date?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        }).ToList(),
    };

    /// <summary>The key of <c>prefill_tags</c> in the "created" audit event's data.</summary>
    public const string PrefillTagsKey = "prefill_tags";
}
