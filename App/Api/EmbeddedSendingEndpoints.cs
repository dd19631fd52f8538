using ESignWeb.OAuth;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using ESignWeb.Components.Shared;
using ESignWeb.Embedding;
using ESignWeb.Hosting;

namespace ESignWeb.Api;

/// <summary>Seed: "Fetch embedded sending URL" — <c>POST /v2/signing/url/</c> (v2, as the seed insists).</summary>
public static class EmbeddedSendingEndpoints
{
    public static void MapEmbeddedSending(this RouteGroupBuilder v2) =>
        v2.MapPost("/signing/url", CreateAsync).RequireScope(OAuth.ApiScopes.Requests)
            .WithTags("Embedded sending")
            .WithSummary("A short-lived URL that opens the prepare page (type rs, with recipients, cc and message filled in) or the self-signing page (self_sign) for an original file.");

    private static async Task<IResult> CreateAsync(HttpRequest request, ClaimsPrincipal user, EmbeddedLinks links, PublicLinks publicLinks,
        Microsoft.EntityFrameworkCore.IDbContextFactory<Data.AppDbContext> dbFactory, CancellationToken ct)
    {
        EmbedPrefill prefill;
        RequestOptionsInput options;
        int fileId;
        string? type, redirect;
        try
        {
            var body = await PendingFileEndpoints.ReadBodyAsync(request, ct);
            fileId = PendingInput.Int(body, "file_id") ?? throw new FormatException("file_id is required (an original file's id).");
            type = PendingInput.Str(body, "type");
            redirect = PendingInput.Str(body, "redirect_url");
            // Box request options too; redirect_url here is where the frame goes, not an option.
            options = RequestOptionsInput.Parse(body, redirectUrlIsOption: false);
            var signerOptions = options.Signers;
            if (signerOptions.Select((s, i) => (s, i)).FirstOrDefault(x => x.s.Options.NewPassword is not null) is { s: not null } withPassword)
                throw new FormatException($"recipients[{withPassword.i + 1}].password cannot be given for embedded sending (a link's prefill is not kept secret); set it on the prepare page.");
            var recipients = PendingInput.RecipientsOf(body, required: false);
            var index = 0;
            foreach (var r in recipients)
            {
                index++;
                if (r.Language is not null && !Localization.SignerLanguages.IsSupported(r.Language))
                    return ApiJson.Error(ApiErrorCode.BadRequest, $"recipients[{index}].language: {Localization.SignerLanguages.Unsupported(r.Language)}");
            }
            prefill = new EmbedPrefill(options.Message,
                recipients.Select((r, i) => new PrefillRecipient(r.Email.Trim(), Domain.DisplayNames.Clean(r.FirstName),
                    Domain.DisplayNames.Clean(r.LastName), r.Language, i < signerOptions.Count ? signerOptions[i].Options : null)).ToList(),
                PendingInput.CcOf(body).Select(c => c.Trim()).ToList(), options.Request);
        }
        catch (JsonException ex) { return ApiJson.Error(ApiErrorCode.BadRequest, "The body is not valid JSON: " + ex.Message); }
        catch (FormatException ex) { return ApiJson.Error(ApiErrorCode.BadRequest, ex.Message); }
        catch (InvalidDataException ex) { return ApiJson.Error(ApiErrorCode.BadRequest, "The form could not be read: " + ex.Message); }

        var baseUrl = publicLinks.BaseFor(request.Host.Host);
        // The options' own rules, on the draft the prefill will make (the recipients' fields come later, on the page).
        var probe = new Requests.RequestDraft();
        prefill.ApplyTo(probe);
        if (Requests.RequestOptionRules.Problems(probe) is [var problem, ..]) return ApiJson.Error(ApiErrorCode.BadRequest, problem);
        await RequestOptionsInput.CheckFolderAsync(options.Request, dbFactory, user.UserId(), ct);
        var path = await links.CreateSendingLinkAsync(user.UserId(), fileId, type, prefill, redirect, ct);
        // The seed returns file_id as a string.
        return ApiJson.Ok(new { url = baseUrl + path, file_id = fileId.ToString(CultureInfo.InvariantCulture) });
    }
}
