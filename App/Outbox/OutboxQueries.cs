using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Storage;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace ESignWeb.Outbox;

public sealed record OutboxRow(long Id, string Kind, string Summary, DateTimeOffset CreatedAt, DateTimeOffset? DoneAt,
    bool Failed, int Attempts, string? LastError, bool HasEml);

public sealed record OutboxMail(string To, string Subject, string Text);

/// <summary>
/// What the Outbox page shows: the mail the signed-in user's own actions produced; account mail (confirmation, e-mail
/// change, password reset — <see cref="OutboxKinds.PlainMail"/>) only to an administrator, who sees it for every
/// account. Its links prove ownership of an address or take over an account, so nobody else may read them, not even
/// for their own account (an e-mail change to someone else's address would otherwise confirm itself).
/// </summary>
public sealed class OutboxQueries(IDbContextFactory<AppDbContext> dbFactory, DataPaths paths, Accounts.Administrators administrators)
{
    public Task<bool> ShowsAccountMailAsync(string userId, CancellationToken ct = default) => administrators.IsAdministratorAsync(userId, ct);

    /// <summary>One page of the mail the user may see, newest first: one COUNT and one page query.</summary>
    public async Task<ListPage<OutboxRow>> ListAsync(string ownerId, PageRequest page, CancellationToken ct = default)
    {
        var admin = await ShowsAccountMailAsync(ownerId, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await ListPages.ReadAsync(Visible(db, ownerId, admin), q => q.OrderByDescending(m => m.Id), page, ct);
        return rows.Map(m => new OutboxRow(m.Id, m.Kind, m.Summary, m.CreatedAt, m.DoneAt, m.Failed, m.Attempts, m.LastError,
            IsInOutbox(m.DeliveredTo)));
    }

    public async Task<OutboxMail?> ReadMailAsync(string ownerId, long id, CancellationToken ct = default)
    {
        var admin = await ShowsAccountMailAsync(ownerId, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var m = await Visible(db, ownerId, admin).SingleOrDefaultAsync(x => x.Id == id, ct);
        if (m is null || !IsInOutbox(m.DeliveredTo)) return null;
        var mime = await MimeMessage.LoadAsync(m.DeliveredTo!, ct);
        return new OutboxMail(mime.To.ToString(), mime.Subject ?? "", mime.TextBody ?? "");
    }

    private static IQueryable<OutboxMessage> Visible(AppDbContext db, string userId, bool admin)
    {
        // Webhooks: their own page; scheduled jobs (reminders, expiry, a report's file deletion) are not mail — the mail they make is listed.
        var mail = db.Outbox.AsNoTracking().Where(m => m.Kind != OutboxKinds.Webhook && m.Kind != OutboxKinds.AutoReminder && m.Kind != OutboxKinds.AutoExpiry &&
                                                       m.Kind != OutboxKinds.ReportExpiry);
        return admin
            ? mail.Where(m => m.OwnerId == userId || m.Kind == OutboxKinds.PlainMail)
            : mail.Where(m => m.OwnerId == userId && m.Kind != OutboxKinds.PlainMail);
    }

    private bool IsInOutbox(string? path) =>
        path is not null && Path.GetFullPath(path).StartsWith(paths.Outbox + Path.DirectorySeparatorChar, StringComparison.Ordinal) &&
        File.Exists(path);
}
