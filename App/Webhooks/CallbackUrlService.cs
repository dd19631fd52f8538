using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ESignWeb.Webhooks;

public sealed record CallbackUrlInfo(int Id, string ClientId, string Url, DateTimeOffset CreatedAt);

/// <summary>A user's callback URLs, kept per API client id as the seed does (the web app uses client id "").</summary>
public sealed class CallbackUrlService(IDbContextFactory<AppDbContext> dbFactory, IOptions<WebhookOptions> options, TimeProvider clock)
{
    public const int MaxPerUser = 20;

    /// <summary>The seed's <c>urls</c> parameter: comma-separated (a comma inside a URL must be written %2C).</summary>
    public static List<string> Split(string? urls) =>
        (urls ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();

    public async Task<List<string>> ListAsync(string userId, string clientId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.WebhookEndpoints.AsNoTracking().Where(e => e.UserId == userId && e.ClientId == clientId)
            .OrderBy(e => e.Id).Select(e => e.Url).ToListAsync(ct);
    }

    public async Task<List<CallbackUrlInfo>> ListAllAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.WebhookEndpoints.AsNoTracking().Where(e => e.UserId == userId).OrderBy(e => e.Id)
            .Select(e => new CallbackUrlInfo(e.Id, e.ClientId, e.Url, e.CreatedAt)).ToListAsync(ct);
    }

    /// <summary>Adds the URLs (already registered ones are kept once); all are checked before any is stored.</summary>
    public async Task<List<string>> AddAsync(string userId, string clientId, IReadOnlyList<string> urls, CancellationToken ct = default)
    {
        CheckClientId(clientId);
        if (urls.Count == 0) throw AppException.BadRequest("Give at least one URL in \"urls\" (comma-separated).");
        foreach (var url in urls)
            if (CallbackDestination.Problem(url, options.Value.AllowPrivateNetworks) is { } problem) throw AppException.BadRequest(problem);
        await dbFactory.WriteAsync(async db =>
        {
            var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, ct) ?? throw AppException.NotFound("The user");
            // Payloads carry the seed's integer user id: give the user one if the web app registered the first URL.
            user.ApiNumber ??= (await db.Users.MaxAsync(u => u.ApiNumber, ct) ?? 0) + 1;
            var existing = await db.WebhookEndpoints.Where(e => e.UserId == userId).Select(e => new { e.ClientId, e.Url }).ToListAsync(ct);
            var fresh = urls.Where(u => !existing.Any(e => e.ClientId == clientId && e.Url == u)).ToList();
            if (existing.Count + fresh.Count > MaxPerUser)
                throw AppException.BadRequest($"At most {MaxPerUser} callback URLs per user (you have {existing.Count}).");
            var now = clock.GetUtcNow();
            foreach (var url in fresh) db.WebhookEndpoints.Add(new WebhookEndpoint { UserId = userId, ClientId = clientId, Url = url, CreatedAt = now });
        }, ct);
        return await ListAsync(userId, clientId, ct);
    }

    /// <summary>Removes the URLs registered under the client id (others are left alone); their pending deliveries stop.</summary>
    public async Task<List<string>> RemoveAsync(string userId, string clientId, IReadOnlyList<string> urls, CancellationToken ct = default)
    {
        CheckClientId(clientId);
        if (urls.Count == 0) throw AppException.BadRequest("Give at least one URL in \"urls\" (comma-separated).");
        var doomed = urls.ToArray();
        await dbFactory.WriteAsync(async db =>
            await db.WebhookEndpoints.Where(e => e.UserId == userId && e.ClientId == clientId && doomed.Contains(e.Url)).ExecuteDeleteAsync(ct), ct);
        return await ListAsync(userId, clientId, ct);
    }

    public async Task RemoveByIdAsync(string userId, int id, CancellationToken ct = default) =>
        await dbFactory.WriteAsync(async db =>
        {
            var removed = await db.WebhookEndpoints.Where(e => e.UserId == userId && e.Id == id).ExecuteDeleteAsync(ct);
            if (removed == 0) throw AppException.NotFound("The callback URL");
        }, ct);

    private static void CheckClientId(string clientId)
    {
        if (clientId.Length > 200) throw AppException.BadRequest("The client id is too long (at most 200 characters).");
    }
}
