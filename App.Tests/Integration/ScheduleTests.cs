using System.Text.Json;
using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Outbox;
using ESignWeb.Requests;
using ESignWeb.Signing;
using ESignWeb.Tests.E2E;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Automatic reminders and expiry on a fake clock: the app runs with a <see cref="FakeTimeProvider"/> as its clock, so
/// its own outbox processors claim a scheduled job only once the clock is advanced past it. Mail goes to a real SMTP
/// sink, webhooks to a real receiver on 127.0.0.1.
/// </summary>
[Collection(E2ECollection.Name)]
public class ScheduleTests
{
    private sealed class World : IAsyncDisposable
    {
        public required ESignAppFactory App { get; init; }
        public required FakeTimeProvider Clock { get; init; }
        public required SmtpSink Smtp { get; init; }
        public required WebhookReceiver Hooks { get; init; }
        public string Owner { get; set; } = "";
        public const string OwnerEmail = "olivia@example.com";

        public static async Task<World> StartAsync()
        {
            var smtp = await SmtpSink.StartAsync();
            var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
            var app = new ESignAppFactory
            {
                Settings = new()
                {
                    ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = smtp.Port.ToString(), ["Smtp:Security"] = "None",
                    ["Webhooks:AllowPrivateNetworks"] = "true",
                },
                TestServices = s => s.AddSingleton<TimeProvider>(clock),
            };
            _ = app.Server;
            var w = new World { App = app, Clock = clock, Smtp = smtp, Hooks = await WebhookReceiver.StartAsync() };
            w.Owner = await app.CreateUserAsync(OwnerEmail, "Olivia", "Owner");
            await app.Get<Webhooks.CallbackUrlService>().AddAsync(w.Owner, "tests", [w.Hooks.Url]);
            return w;
        }

        public async Task<int> SendAsync(bool ordered, Action<RequestOptions> options, params string[] signers)
        {
            var requests = App.Get<RequestService>();
            var doc = await App.Get<DocumentService>().ImportAsync(Owner, $"Quote {Guid.NewGuid():N}.pdf", new MemoryStream(TestPdf.Pages(1)), false);
            var id = await requests.CreateDraftAsync(Owner, doc.Id, new Actor(OwnerEmail));
            var draft = await requests.LoadDraftAsync(Owner, id);
            draft.IsOrdered = ordered;
            options(draft.Options);
            var y = 700.0;
            foreach (var email in signers)
            {
                Assert.Null(DraftEditor.AddSigner(draft, email, email.Split('@')[0], "Signer"));
                DraftEditor.AddField(draft, FieldType.Signature, draft.Signers[^1].Key, 1, new PdfRect(72, y, 160, 40));
                y -= 60;
            }
            await requests.SaveDraftAsync(Owner, draft);
            await requests.SendAsync(Owner, id, new Actor(OwnerEmail));
            return id;
        }

        public async Task<string> TokenOfAsync(int requestId, string email)
        {
            await using var db = await App.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            var r = await db.Recipients.AsNoTracking().SingleAsync(x => x.RequestId == requestId && x.Email == email);
            return App.Get<RecipientTokens>().TokenFor(r)!;
        }

        public async Task SignAsync(int requestId, string email)
        {
            var token = await TokenOfAsync(requestId, email);
            var signing = App.Get<SigningService>();
            var actor = new Actor(null, "127.0.0.1", "test-agent/1.0");
            var session = await signing.OpenAsync(token, actor);
            Assert.Equal(SigningState.Ready, session.State);
            await signing.ConsentAsync(token, actor);
            foreach (var f in session.MyFields)
                await signing.FillAsync(token, f.Id, new FieldInput(Image: TestImages.SignaturePng(), Source: "draw"));
            await signing.FinishAsync(token, actor);
        }

        public async Task<List<OutboxMessage>> JobsAsync(string kind)
        {
            await using var db = await App.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            return (await db.Outbox.AsNoTracking().Where(m => m.Kind == kind).ToListAsync()).OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id).ToList();
        }

        public async Task<List<AuditEvent>> EventsAsync(int requestId, AuditEventType type)
        {
            await using var db = await App.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            return (await db.AuditEvents.AsNoTracking().Where(e => e.RequestId == requestId).OrderBy(e => e.Seq).ToListAsync())
                .Where(e => e.Type == type).ToList();
        }

        /// <summary>Moves the app's clock on and wakes its outbox processors.</summary>
        public void Advance(TimeSpan by)
        {
            Clock.Advance(by);
            App.Get<OutboxSignal>().Notify();
        }

        public List<MimeKit.MimeMessage> RemindersTo(string email) => Smtp.MessagesTo(email).Where(m => m.Subject.StartsWith("Reminder:")).ToList();

        public async ValueTask DisposeAsync()
        {
            await App.DisposeAsync();
            await Hooks.DisposeAsync();
            await Smtp.DisposeAsync();
        }
    }

    [Fact]
    public async Task Each_signer_is_reminded_on_day_3_and_8_after_their_own_invitation_and_never_after_signing()
    {
        await using var w = await World.StartAsync();
        var t0 = w.Clock.GetUtcNow();
        var id = await w.SendAsync(ordered: true, o => o.RemindersEnabled = true, "ann@example.com", "ben@example.com");
        await w.Smtp.WaitForMessageToAsync("ann@example.com");

        // Ann's four reminders are scheduled with the send; Ben is not invited yet.
        var annJobs = await w.JobsAsync(OutboxKinds.AutoReminder);
        Assert.Equal([t0.AddDays(3), t0.AddDays(8), t0.AddDays(13), t0.AddDays(18)], annJobs.Select(m => m.NextAttemptAt));
        Assert.All(annJobs, m => Assert.Null(m.DoneAt));

        // Ann signs a day later: Ben is invited then, and his reminders count from his own invitation.
        w.Advance(TimeSpan.FromDays(1));
        await w.SignAsync(id, "ann@example.com");
        await w.Smtp.WaitForMessageToAsync("ben@example.com", m => m.Subject.Contains("sent you"));
        var benJobs = (await w.JobsAsync(OutboxKinds.AutoReminder)).Where(m => m.Payload.Contains($"\"day\":")).Except(annJobs, new ById()).ToList();
        Assert.Equal([t0.AddDays(4), t0.AddDays(9), t0.AddDays(14), t0.AddDays(19)], benJobs.Select(m => m.NextAttemptAt));

        // Day 3 (of Ann's invitation): her reminder runs and does nothing (she signed); Ben's is not due yet.
        w.Advance(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        var annDay3 = await Poll.UntilAsync(async () => (await w.JobsAsync(OutboxKinds.AutoReminder)).SingleOrDefault(m => m.Id == annJobs[0].Id && m.DoneAt != null));
        Assert.StartsWith("skipped:", annDay3.DeliveredTo);
        Assert.Null((await w.JobsAsync(OutboxKinds.AutoReminder)).Single(m => m.Id == benJobs[0].Id).DoneAt);

        // Day 3 of Ben's invitation: one reminder mail, a reminded (automatic) event and the rs.reminded webhook.
        w.Advance(TimeSpan.FromDays(1));
        await Poll.UntilAsync(async () => w.RemindersTo("ben@example.com").Count == 1 ? "1" : null, 30);
        var reminded = Assert.Single(await w.EventsAsync(id, AuditEventType.Reminded));
        using (var data = JsonDocument.Parse(reminded.Data))
        {
            Assert.True(data.RootElement.GetProperty("automatic").GetBoolean());
            Assert.Equal("ben@example.com", data.RootElement.GetProperty("to").GetString());
            Assert.Equal(3, data.RootElement.GetProperty("day").GetInt32());
        }
        Assert.Null(reminded.ActorEmail);
        await w.Hooks.WaitForAsync(1, 30, h => h.Body.Contains("\"rs.reminded\""));

        // Day 8 of Ben's invitation: the second reminder.
        w.Advance(TimeSpan.FromDays(5));
        await Poll.UntilAsync(async () => w.RemindersTo("ben@example.com").Count == 2 ? "2" : null, 30);

        // Ben signs; his day-13 reminder then does nothing, and Ann never got one.
        await w.SignAsync(id, "ben@example.com");
        w.Advance(TimeSpan.FromDays(5));
        var benDay13 = await Poll.UntilAsync(async () => (await w.JobsAsync(OutboxKinds.AutoReminder)).SingleOrDefault(m => m.Id == benJobs[2].Id && m.DoneAt != null), 30);
        Assert.StartsWith("skipped:", benDay13.DeliveredTo);
        Assert.Equal(2, w.RemindersTo("ben@example.com").Count);
        Assert.Empty(w.RemindersTo("ann@example.com"));
        Assert.Equal(2, (await w.EventsAsync(id, AuditEventType.Reminded)).Count);
    }

    [Fact]
    public async Task A_request_expires_when_its_days_run_out_even_late_and_everyone_is_told()
    {
        await using var w = await World.StartAsync();
        var t0 = w.Clock.GetUtcNow();
        var id = await w.SendAsync(ordered: false, o => o.DaysValid = 2, "cleo@example.com");
        await w.Smtp.WaitForMessageToAsync("cleo@example.com");
        var job = Assert.Single(await w.JobsAsync(OutboxKinds.AutoExpiry));
        Assert.Equal(t0.AddDays(2), job.NextAttemptAt);
        var detail = await w.App.Get<RequestService>().GetDetailAsync(w.Owner, id);
        Assert.Equal(t0.AddDays(2), detail.Timing?.AutoExpireAt);

        // A day early nothing happens; the app "was down" past the time: the job runs late and expires it.
        w.Advance(TimeSpan.FromDays(1));
        Assert.Equal(SigningState.Ready, (await w.App.Get<SigningService>().OpenAsync(await w.TokenOfAsync(id, "cleo@example.com"), new Actor(null))).State);
        w.Advance(TimeSpan.FromDays(3));
        await Poll.UntilAsync(async () => (await w.App.Get<RequestService>().GetSummaryAsync(w.Owner, id)).Status == RequestStatus.Expired ? "expired" : null, 30);
        var expired = Assert.Single(await w.EventsAsync(id, AuditEventType.Expired));
        Assert.Null(expired.ActorEmail);

        // The sender's mail, the rs.expired webhook.
        var mail = await w.Smtp.WaitForMessageToAsync(World.OwnerEmail, m => m.Subject.Contains("expired"));
        Assert.Contains("cleo", mail.TextBody);
        Assert.Contains("/requests/" + id, mail.TextBody);
        var hook = (await w.Hooks.WaitForAsync(1, 30, h => h.Body.Contains("\"rs.expired\""))).First(h => h.Body.Contains("\"rs.expired\""));
        Assert.Equal("rs.expired", hook.Header("X-ESign-Event-Type"));
        using (var body = JsonDocument.Parse(hook.Body))
            Assert.Equal(id, body.RootElement.GetProperty("data").GetProperty("id").GetInt32());

        // The signer's link says when it expired, in the signer's language (the page renders this session's message).
        var token = await w.TokenOfAsync(id, "cleo@example.com");
        var signing = w.App.Get<SigningService>();
        foreach (var (language, words) in new[] { ("en", "This request expired on"), ("de", "Diese Anfrage ist am"), ("fr", "Cette demande a expiré le"), ("es", "Esta solicitud caducó el") })
        {
            var culture = System.Globalization.CultureInfo.GetCultureInfo(language);
            var before = System.Globalization.CultureInfo.CurrentUICulture;
            System.Globalization.CultureInfo.CurrentUICulture = culture;
            try
            {
                var session = await signing.OpenAsync(token, new Actor(null));
                Assert.Equal(SigningState.Expired, session.State);
                Assert.StartsWith(words, session.Message);
                Assert.Contains(t0.AddDays(2).UtcDateTime.ToString("D", culture), session.Message);
            }
            finally { System.Globalization.CultureInfo.CurrentUICulture = before; }
        }

        // Signing is refused; the job ran once.
        await Assert.ThrowsAnyAsync<AppException>(() => w.App.Get<SigningService>().FinishAsync(token, new Actor(null)));
        Assert.NotNull(Assert.Single(await w.JobsAsync(OutboxKinds.AutoExpiry)).DoneAt);
    }

    private sealed class ById : IEqualityComparer<OutboxMessage>
    {
        public bool Equals(OutboxMessage? a, OutboxMessage? b) => a?.Id == b?.Id;
        public int GetHashCode(OutboxMessage m) => m.Id.GetHashCode();
    }
}
