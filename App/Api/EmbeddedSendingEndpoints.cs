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
        v2.MapPost("/signing/url", CreateAsync)
            .WithTags("Embedded sending")
            .WithSummary("A short-lived URL that opens the prepare page (type rs, with recipients, cc and message filled in) or the self-signing page (self_sign) for an original file.");

    private static async Task<IResult> CreateAsync(HttpRequest request, ClaimsPrincipal user, EmbeddedLinks links, PublicLinks publicLinks,
        CancellationToken ct)
    {
        EmbedPrefill prefill;
        int fileId;
        string? type, redirect;
        try
        {
            var body = await PendingFileEndpoints.ReadBodyAsync(request, ct);
            fileId = PendingInput.Int(body, "file_id") ?? throw new FormatException("file_id is required (an original file's id).");
            type = PendingInput.Str(body, "type");
            redirect = PendingInput.Str(body, "redirect_url");
            var recipients = PendingInput.RecipientsOf(body, required: false);
            var index = 0;
            foreach (var r in recipients)
            {
                index++;
                if (r.Language is not null && !Localization.SignerLanguages.IsSupported(r.Language))
                    return ApiJson.Error(ApiErrorCode.BadRequest, $"recipients[{index}].language: {Localization.SignerLanguages.Unsupported(r.Language)}");
            }
            prefill = new EmbedPrefill(PendingInput.Str(body, "message"),
                recipients.Select(r => new PrefillRecipient(r.Email.Trim(), Domain.DisplayNames.Clean(r.FirstName), Domain.DisplayNames.Clean(r.LastName), r.Language)).ToList(),
                PendingInput.CcOf(body).Select(c => c.Trim()).ToList());
        }
        catch (JsonException ex) { return ApiJson.Error(ApiErrorCode.BadRequest, "The body is not valid JSON: " + ex.Message); }
        catch (FormatException ex) { return ApiJson.Error(ApiErrorCode.BadRequest, ex.Message); }
        catch (InvalidDataException ex) { return ApiJson.Error(ApiErrorCode.BadRequest, "The form could not be read: " + ex.Message); }

        var baseUrl = publicLinks.BaseFor(request.Host.Host);
        var path = await links.CreateSendingLinkAsync(user.UserId(), fileId, type, prefill, redirect, ct);
        // The seed returns file_id as a string.
        return ApiJson.Ok(new { url = baseUrl + path, file_id = fileId.ToString(CultureInfo.InvariantCulture) });
    }
}
