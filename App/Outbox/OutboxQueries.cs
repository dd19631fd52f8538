using ESignWeb.Data;
using ESignWeb.Storage;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace ESignWeb.Outbox;

public sealed record OutboxRow(long Id, string Kind, string Summary, DateTimeOffset CreatedAt, DateTimeOffset? DoneAt,
    bool Failed, int Attempts, string? LastError, bool HasEml);

public sealed record OutboxMail(string To, string Subject, string Text);

/// <summary>What the Outbox page shows: only the signed-in user's own messages.</summary>
public sealed class OutboxQueries(IDbContextFactory<AppDbContext> dbFactory, DataPaths paths)
{
    public async Task<List<OutboxRow>> ListAsync(string ownerId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Outbox.AsNoTracking().Where(m => m.OwnerId == ownerId && m.Kind != OutboxKinds.Webhook) // webhooks: their own page
            .OrderByDescending(m => m.Id).Take(200).ToListAsync(ct);
        return rows.Select(m => new OutboxRow(m.Id, m.Kind, m.Summary, m.CreatedAt, m.DoneAt, m.Failed, m.Attempts, m.LastError,
            IsInOutbox(m.DeliveredTo))).ToList();
    }

    public async Task<OutboxMail?> ReadMailAsync(string ownerId, long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var m = await db.Outbox.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id && x.OwnerId == ownerId, ct);
        if (m is null || !IsInOutbox(m.DeliveredTo)) return null;
        var mime = await MimeMessage.LoadAsync(m.DeliveredTo!, ct);
        return new OutboxMail(mime.To.ToString(), mime.Subject ?? "", mime.TextBody ?? "");
    }

    private bool IsInOutbox(string? path) =>
        path is not null && Path.GetFullPath(path).StartsWith(paths.Outbox + Path.DirectorySeparatorChar, StringComparison.Ordinal) &&
        File.Exists(path);
}
