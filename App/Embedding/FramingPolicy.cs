using ESignWeb.Data;
using ESignWeb.Domain;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Embedding;

/// <summary>
/// Who may put this app in a frame. Embedded pages (<c>/embed/…</c>) may be framed by the origins their owner lists in
/// Settings (<c>Content-Security-Policy: frame-ancestors</c>); every other page refuses framing altogether
/// (<c>frame-ancestors 'none'</c> and <c>X-Frame-Options: DENY</c>), against clickjacking.
/// </summary>
public sealed class FramingPolicy(IDbContextFactory<AppDbContext> dbFactory)
{
    public const int MaxOrigins = 20;

    /// <summary>The header value for an embedded page framed by these origins (none: not framable).</summary>
    public static string FrameAncestors(IReadOnlyList<string> origins) =>
        origins.Count == 0 ? "frame-ancestors 'none'" : "frame-ancestors " + string.Join(' ', origins);

    public static List<string> Parse(string? stored) =>
        (stored ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();

    /// <summary>An origin as CSP and postMessage want it (<c>scheme://host[:port]</c>, lower case), or the problem.</summary>
    public static (string? Origin, string? Problem) Normalize(string? input)
    {
        var text = (input ?? "").Trim().TrimEnd('/');
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
            return (null, $"\"{Shorten(text)}\" is not an origin: write it as https://example.com (with a port if it has one).");
        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            return (null, "An origin has no path, query or user name: only scheme, host and port (https://example.com:8443).");
        if (uri.Host.Contains('*')) return (null, "Wildcards are not allowed; list each origin.");
        return (uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant(), null);
    }

    public async Task<List<string>> ListAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return Parse(await db.Users.Where(u => u.Id == userId).Select(u => u.EmbedOrigins).SingleOrDefaultAsync(ct));
    }

    public async Task<List<string>> AddAsync(string userId, string input, CancellationToken ct = default)
    {
        var (origin, problem) = Normalize(input);
        if (problem is not null) throw AppException.BadRequest(problem);
        return await UpdateAsync(userId, list =>
        {
            if (list.Contains(origin!)) return;
            if (list.Count >= MaxOrigins) throw AppException.BadRequest($"At most {MaxOrigins} origins.");
            list.Add(origin!);
        }, ct);
    }

    public Task<List<string>> RemoveAsync(string userId, string origin, CancellationToken ct = default) =>
        UpdateAsync(userId, list => list.Remove(origin), ct);

    private async Task<List<string>> UpdateAsync(string userId, Action<List<string>> change, CancellationToken ct) =>
        await dbFactory.WriteAsync(async db =>
        {
            var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, ct) ?? throw AppException.NotFound("The user");
            var list = Parse(user.EmbedOrigins);
            change(list);
            user.EmbedOrigins = string.Join(' ', list);
            return list;
        }, ct);

    private static string Shorten(string s) => s.Length > 80 ? s[..80] + "…" : s;
}
