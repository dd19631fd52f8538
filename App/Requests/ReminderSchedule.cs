using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Outbox;

namespace ESignWeb.Requests;

/// <summary>One automatic reminder: which day after the invitation, and when it is due.</summary>
public sealed record ScheduledReminder(int Day, DateTimeOffset At);

/// <summary>
/// Automatic reminders [are_reminders_enabled]: every outstanding signer is reminded on day 3, 8, 13 and 18 after
/// <em>their</em> invitation (<see cref="Recipient.NotifiedAt"/>). Pure: the times, and whether a reminder still
/// applies when its time comes.
/// </summary>
public static class ReminderSchedule
{
    /// <summary>The days after the invitation (Box Sign's schedule).</summary>
    public static readonly IReadOnlyList<int> Days = [3, 8, 13, 18];

    /// <summary>The reminders of a signer invited at <paramref name="invitedAt"/>, in order.</summary>
    public static IReadOnlyList<ScheduledReminder> For(DateTimeOffset invitedAt) =>
        Days.Select(d => new ScheduledReminder(d, invitedAt.AddDays(d))).ToList();

    /// <summary>
    /// Null when the reminder of the invitation made at <paramref name="invitedAt"/> should go to <paramref name="who"/>
    /// now; else why it no longer applies (the request is no longer out for signature, reminders were turned off, the
    /// signer finished or declined, it is not their turn, they were invited again since — that invitation has its own
    /// reminders — or they are not mailed at all).
    /// </summary>
    public static string? SkipReason(SignatureRequest r, Recipient who, DateTimeOffset invitedAt)
    {
        if (r.Status != RequestStatus.Incomplete) return $"the request is {WireNames.Of(r.Status)}";
        if (!r.RemindersEnabled) return "reminders are off";
        if (!RequestWorkflow.IsMailed(r, who)) return who.IsInPerson ? "signs in person (not mailed)" : "embedded signing (signers are not mailed)";
        if (!RequestWorkflow.MaySign(r, who)) return $"{who.Email} has nothing to sign now ({WireNames.Of(who.Status)})";
        if (who.NotifiedAt is not { } notified || notified.UtcTicks != invitedAt.UtcTicks) return $"{who.Email} was invited again since";
        return null;
    }
}

/// <summary>
/// Puts the scheduled work of a request into the caller's unit of work (committed with the state change that
/// causes it): a signer's four reminders when they are invited, the expiry when the request is sent.
/// </summary>
public static class RequestScheduling
{
    /// <summary>
    /// Call when <paramref name="invited"/> were just invited (send, the next group's turn, a resend) — after their
    /// <see cref="Recipient.NotifiedAt"/> was set. Nothing when reminders are off or signers are not mailed.
    /// </summary>
    public static void ScheduleReminders(AppDbContext db, SignatureRequest r, IEnumerable<Recipient> invited, DateTimeOffset now)
    {
        if (!r.RemindersEnabled) return;
        foreach (var who in invited)
        {
            if (!RequestWorkflow.IsMailed(r, who) || who.NotifiedAt is not { } at) continue;
            foreach (var reminder in ReminderSchedule.For(at))
                OutboxWriter.Schedule(db, OutboxKinds.AutoReminder, new AutoReminder(who.Id, at, reminder.Day),
                    $"Reminder (day {reminder.Day}) → {who.Email}", r.OwnerId, now, reminder.At);
        }
    }

    /// <summary>Call when the request was sent: one job at <see cref="SignatureRequest.AutoExpireAt"/>, if it has one.</summary>
    public static void ScheduleExpiry(AppDbContext db, SignatureRequest r, DateTimeOffset now)
    {
        if (r.AutoExpireAt is not { } at) return;
        OutboxWriter.Schedule(db, OutboxKinds.AutoExpiry, new AutoExpiry(r.Id), $"Expire \"{r.Name}\"", r.OwnerId, now, at);
    }
}
