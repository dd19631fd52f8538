using ESignWeb.Domain;
using ESignWeb.Requests;
using Microsoft.Extensions.Time.Testing;

namespace ESignWeb.Tests.Unit;

/// <summary>Automatic reminders and expiry as pure rules: when they are due and when they no longer apply.</summary>
public class ReminderScheduleTests
{
    private readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 3, 1, 9, 30, 0, TimeSpan.Zero));

    private SignatureRequest Sent(bool ordered, bool reminders = true, int? daysValid = null, int signers = 2)
    {
        var r = new SignatureRequest { Id = 1, IsOrdered = ordered, RemindersEnabled = reminders, DaysValid = daysValid };
        for (var i = 1; i <= signers; i++)
            r.Recipients.Add(new Recipient { Id = 10 + i, Email = $"s{i}@example.com", OrderId = i });
        RequestWorkflow.Send(r, Clock.GetUtcNow());
        return r;
    }

    [Fact]
    public void Reminders_fall_on_day_3_8_13_and_18_after_the_invitation()
    {
        var invited = Clock.GetUtcNow();
        var schedule = ReminderSchedule.For(invited);
        Assert.Equal([3, 8, 13, 18], schedule.Select(x => x.Day));
        Assert.Equal(
            [new DateTimeOffset(2026, 3, 4, 9, 30, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 9, 9, 30, 0, TimeSpan.Zero),
             new DateTimeOffset(2026, 3, 14, 9, 30, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 19, 9, 30, 0, TimeSpan.Zero)],
            schedule.Select(x => x.At));
        // Each signer's own invitation counts: one invited two days later is reminded two days later.
        Assert.Equal(new DateTimeOffset(2026, 3, 6, 9, 30, 0, TimeSpan.Zero), ReminderSchedule.For(invited.AddDays(2))[0].At);
    }

    [Fact]
    public void A_reminder_applies_only_to_an_outstanding_signer_whose_turn_it_is_on_the_same_invitation()
    {
        var r = Sent(ordered: true);
        var (first, second) = (r.Recipients[0], r.Recipients[1]);
        var invited = first.NotifiedAt!.Value;
        Assert.Null(ReminderSchedule.SkipReason(r, first, invited));
        Assert.Contains("nothing to sign now", ReminderSchedule.SkipReason(r, second, invited)); // not their turn yet

        Clock.Advance(TimeSpan.FromDays(1));
        var outcome = RequestWorkflow.Finalize(r, first, Clock.GetUtcNow());
        Assert.Equal([second], outcome.Notify);
        Assert.NotNull(ReminderSchedule.SkipReason(r, first, invited)); // signed
        Assert.Null(ReminderSchedule.SkipReason(r, second, second.NotifiedAt!.Value));
        Assert.Contains("invited again", ReminderSchedule.SkipReason(r, second, invited)); // an older invitation's reminder

        r.RemindersEnabled = false;
        Assert.Equal("reminders are off", ReminderSchedule.SkipReason(r, second, second.NotifiedAt!.Value));
        r.RemindersEnabled = true;
        RequestWorkflow.Void(r, Clock.GetUtcNow());
        Assert.Equal("the request is canceled", ReminderSchedule.SkipReason(r, second, second.NotifiedAt!.Value));
    }

    [Fact]
    public void Embedded_and_in_person_signers_are_never_reminded_by_mail()
    {
        var r = Sent(ordered: false);
        r.Recipients[0].IsInPerson = true;
        Assert.NotNull(ReminderSchedule.SkipReason(r, r.Recipients[0], r.Recipients[0].NotifiedAt!.Value));
        Assert.Null(ReminderSchedule.SkipReason(r, r.Recipients[1], r.Recipients[1].NotifiedAt!.Value));
        r.EmbeddedSigning = true;
        Assert.NotNull(ReminderSchedule.SkipReason(r, r.Recipients[1], r.Recipients[1].NotifiedAt!.Value));
    }

    [Fact]
    public void Expiry_comes_days_valid_after_sending_and_days_valid_0_means_at_once()
    {
        var sentAt = Clock.GetUtcNow();
        var r = Sent(ordered: false, daysValid: 30);
        Assert.Equal(sentAt.AddDays(30), r.AutoExpireAt);
        Assert.False(RequestWorkflow.Expire(r, sentAt.AddDays(30).AddTicks(-1)));
        Assert.True(RequestWorkflow.Expire(r, sentAt.AddDays(45))); // a job that runs late (the app was down) still expires it
        Assert.Equal(RequestStatus.Expired, r.Status);

        var now = Sent(ordered: false, daysValid: 0);
        Assert.Equal(Clock.GetUtcNow(), now.AutoExpireAt);
        Assert.True(RequestWorkflow.Expire(now, Clock.GetUtcNow()));
    }

    [Fact]
    public void A_request_everyone_signed_is_sealed_not_expired()
    {
        var r = Sent(ordered: false, daysValid: 1);
        foreach (var x in r.Recipients) RequestWorkflow.Finalize(r, x, Clock.GetUtcNow());
        Assert.False(RequestWorkflow.Expire(r, Clock.GetUtcNow().AddDays(2)));
        Assert.Equal(RequestStatus.Incomplete, r.Status);
        RequestWorkflow.Complete(r, 7, Clock.GetUtcNow().AddDays(2));
        Assert.Equal(RequestStatus.Complete, r.Status);
    }
}
