using ESignWeb.OAuth;
namespace ESignWeb.Api.DropboxSign;

/// <summary>
/// The Dropbox Sign–shaped API (see docs/api.md "Dropbox Sign"): <c>/v3</c>, so Dropbox Sign's own SDK works with
/// <c>basePath = &lt;app&gt;/v3</c> and the API key as <c>username</c>. Each area maps its endpoints in its own class;
/// this one makes the group.
/// </summary>
public static class DropboxSignEndpoints
{
    public static void MapDropboxSignApi(this WebApplication app)
    {
        var api = app.MapApiGroup("/v3", ApiFamilies.DropboxSign, "Dropbox Sign v3");
        api.MapDropboxSignReports();
        // Anything else under /v3 is Dropbox Sign's 404, not the app's page.
        api.MapFallback(NotFound).RequireAnyScope().ExcludeFromDescription();
    }

    private static IResult NotFound() =>
        DropboxSignJson.Error(ApiErrorCode.UnauthorizedResource, "");
}
