using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Outbox;
using ESignWeb.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Requests;

/// <summary>
/// An automatic reminder whose day came (<see cref="ReminderSchedule"/>). Re-checks everything at run time and
/// otherwise does nothing; when it applies, commits in one transaction the <c>reminded</c> audit event
/// (<c>automatic: true</c>), the <c>rs.reminded</c> webhook and the reminder mail — only while it holds its lease.
/// </summary>
public sealed class AutoReminderHandler(IDbContextFactory<AppDbContext> dbFactory, OutboxSignal signal, TimeProvider clock,
    ILogger<AutoReminderHandler> log) : IOutboxHandler
{
    public string Kind => OutboxKinds.AutoReminder;

    public async Task<string?> HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var p = OutboxWriter.Read<AutoReminder>(message);
        var result = await dbFactory.WriteAsync(async db =>
        {
            var who = await db.Recipients.Include(x => x.Request!).ThenInclude(r => r.Recipients)
                .Include(x => x.Request!).ThenInclude(r => r.Fields)
                .AsSplitQuery().SingleOrDefaultAsync(x => x.Id == p.RecipientId, ct);
            if (who is null) return "skipped: the recipient no longer exists";
            var r = who.Request!;
            if (ReminderSchedule.SkipReason(r, who, p.InvitedAt) is { } why) return "skipped: " + why;
            await OutboxLeases.EnsureHeldAsync(db, message, ct);
            var now = clock.GetUtcNow();
            var system = new Actor(null);
            r.LastRemindedAt = now; // the sender's Remind button then waits its hour, as after their own reminder
            r.ModifiedAt = now;
            await AuditLog.AppendAsync(db, r.Id, AuditEventType.Reminded, system, now, new { to = who.Email, automatic = true, day = p.Day }, ct);
            await WebhookEvents.RaiseAsync(db, r, AuditEventType.Reminded, system, now, ct);
            OutboxWriter.Enqueue(db, OutboxKinds.SignerInvite, new SignerInvite(who.Id, Reminder: true), $"Reminder (day {p.Day}) → {who.Email}",
                r.OwnerId, now);
            return $"reminded {who.Email} (day {p.Day})";
        }, ct);
        log.LogInformation("Automatic reminder {Id}: {Result}", message.Id, result);
        signal.Notify();
        return result;
    }
}

/// <summary>
/// The expiry of a request [days_valid → auto_expire_at]: <see cref="RequestWorkflow.Expire"/> (nothing unless the
/// time has come and the request is still out for signature), with the <c>expired</c> audit event, the
/// <c>rs.expired</c> webhook and the sender's mail, in one transaction. A job that runs late (the app was down)
/// expires the request when it runs.
/// </summary>
public sealed class AutoExpiryHandler(IDbContextFactory<AppDbContext> dbFactory, OutboxSignal signal, TimeProvider clock,
    ILogger<AutoExpiryHandler> log) : IOutboxHandler
{
    public string Kind => OutboxKinds.AutoExpiry;

    public async Task<string?> HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var p = OutboxWriter.Read<AutoExpiry>(message);
        var result = await dbFactory.WriteAsync(async db =>
        {
            var r = await db.Requests.Include(x => x.Recipients).Include(x => x.Fields).AsSplitQuery()
                .SingleOrDefaultAsync(x => x.Id == p.RequestId, ct);
            if (r is null) return "skipped: the request no longer exists";
            await OutboxLeases.EnsureHeldAsync(db, message, ct);
            var now = clock.GetUtcNow();
            if (!RequestWorkflow.Expire(r, now))
                return $"skipped: the request is {WireNames.Of(r.Status)}" + (r.Status == RequestStatus.Incomplete ? " (signed by everyone, or not due)" : "");
            var system = new Actor(null);
            await AuditLog.AppendAsync(db, r.Id, AuditEventType.Expired, system, now, new
            {
                auto_expire_at = r.AutoExpireAt, days_valid = r.DaysValid,
                not_signed = string.Join(", ", r.Recipients.Where(x => x.Acts && x.Status != RecipientStatus.Finalized).Select(x => x.Email)),
            }, ct);
            await WebhookEvents.RaiseAsync(db, r, AuditEventType.Expired, system, now, ct);
            OutboxWriter.Enqueue(db, OutboxKinds.ExpiredNotice, new ExpiredNotice(r.Id), $"Expired notice \"{r.Name}\" → sender", r.OwnerId, now);
            return "expired";
        }, ct);
        log.LogInformation("Expiry of request {RequestId}: {Result}", p.RequestId, result);
        signal.Notify();
        return result;
    }
}
