using ESignWeb.OAuth;
using System.Security.Claims;
using ESignWeb.Components.Shared;
using ESignWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Api.Box;

/// <summary>
/// The Box-compatible API (see docs/api.md "Box"): <c>/2.0</c> and, for uploads, <c>/api/2.0</c> — so Box's own SDK
/// works with <c>baseUrl = &lt;app&gt;</c> and <c>uploadUrl = &lt;app&gt;/api</c>. Each area maps its endpoints in its
/// own class; this one makes the groups.
/// </summary>
public static class BoxEndpoints
{
    public static void MapBoxApi(this WebApplication app)
    {
        var api = app.MapApiGroup("/2.0", ApiFamilies.Box, "Box 2.0");
        var upload = app.MapApiGroup("/api/2.0", ApiFamilies.Box, "Box 2.0 uploads");
        api.MapGet("/users/me", MeAsync).RequireAnyScope().WithSummary("The current user (Box user object).");
        api.MapBoxFiles(upload); // files (and folders): BoxFileEndpoints
        api.MapBoxSignRequests();
        // Anything else under the family's paths is Box's 404, not the app's page.
        api.MapFallback(NotFound).RequireAnyScope().ExcludeFromDescription();
        upload.MapFallback(NotFound).RequireAnyScope().ExcludeFromDescription();
    }

    private static IResult NotFound(HttpContext http) =>
        BoxJson.Error(http, ApiErrorCode.UnauthorizedResource, "");

    private static async Task<IResult> MeAsync(ClaimsPrincipal principal, IDbContextFactory<AppDbContext> dbFactory, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var id = principal.UserId();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == id, ct);
        return BoxJson.Ok(new BoxUser("user", BoxJson.Id(user.ApiNumber ?? 0), user.DisplayName, user.Email ?? "",
            BoxJson.Time(user.CreatedAt), BoxJson.Time(user.CreatedAt), "active"));
    }
}

/// <summary>Box's user object (mini + the fields a client reads first).</summary>
public sealed record BoxUser(string Type, string Id, string Name, string Login, string CreatedAt, string ModifiedAt, string Status);
