using ESignWeb.Api;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Hosting;
using ESignWeb.Outbox;
using ESignWeb.Sealing;
using ESignWeb.Tests.Fixtures;
using ESignWeb.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Webhooks end to end: events raised by the real services, delivered from the outbox to a real HTTP receiver on
/// 127.0.0.1 (allowed here by Webhooks:AllowPrivateNetworks), signed, retried, in the seed's payload shapes.
/// </summary>
public class WebhookDeliveryTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public WebhookDeliveryTests(ESignAppFactory app)
    {
        app.Settings["Webhooks:AllowPrivateNetworks"] = "true"; // before the host starts (first test)
        _app = app;
        _ = app.Server;
    }

    private async Task<(string Owner, HttpClient Api, WebhookReceiver Receiver)> OwnerWithReceiverAsync(params int[] script)
    {
        var receiver = await WebhookReceiver.StartAsync(script);
        var (owner, api) = await OwnerOfAsync(_app, receiver);
        return (owner, api, receiver);
    }

    /// <summary>A new user of <paramref name="app"/> with an API client, who registered the receiver's URL.</summary>
    private static async Task<(string Owner, HttpClient Api)> OwnerOfAsync(ESignAppFactory app, WebhookReceiver receiver)
    {
        var owner = await app.CreateUserAsync($"hooks-{Guid.NewGuid():N}@example.com", "Hana", "Hook");
        var (api, _) = await app.ApiClientAsync(owner);
        var register = new HttpRequestMessage(HttpMethod.Post, "/v1/callback/urls/") { Content = new FormUrlEncodedContent([new("urls", receiver.Url)]) };
        register.Headers.Add("X-Client-ID", "tests");
        var answer = await api.SendAsync(register);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return (owner, api);
    }

    /// <summary>Checks the signature the way a receiver would, without the app's own helper.</summary>
    private static void AssertSigned(string secret, ReceivedWebhook w)
    {
        var ts = w.Header("X-ESign-Timestamp");
        Assert.True(long.TryParse(ts, out var seconds), "timestamp header");
        Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds, -5, 300);
        var expected = "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(ts + "." + w.Body)));
        Assert.Equal(expected, w.Header("X-ESign-Signature"));
        Assert.StartsWith("application/json", w.Header("Content-Type"));
        Assert.StartsWith("evt_", w.Header("X-ESign-Event-Id"));
    }

    private static JsonElement Json(ReceivedWebhook w) => JsonDocument.Parse(w.Body).RootElement;
    private static string TypeOf(ReceivedWebhook w) => Json(w).GetProperty("metadata").GetProperty("event_type").GetString()!;

    [Fact]
    public async Task A_full_signing_run_yields_initiated_viewed_signed_completed_in_order_each_signed()
    {
        var (owner, _, receiver) = await OwnerWithReceiverAsync();
        await using var _ = receiver;
        var s = new SigningScenario(_app) { Owner = owner };
        await s.SendAsync(false, "hook-signer@example.com");
        await s.SignAsync("hook-signer@example.com");
        var done = await s.WaitForStatusAsync(RequestStatus.Complete);

        var got = await WaitAsync(receiver, 4);
        Assert.Equal(["rs.initiated", "rs.viewed", "rs.signed", "rs.completed"], got.Select(TypeOf));
        var secret = await _app.Get<WebhookSecrets>().GetAsync(owner);
        Assert.StartsWith("whsec_", secret);
        foreach (var w in got)
        {
            AssertSigned(secret, w);
            Assert.Equal(TypeOf(w), w.Header("X-ESign-Event-Type"));
        }
        Assert.Equal(4, got.Select(w => w.Header("X-ESign-Event-Id")).Distinct().Count());

        int? apiNumber;
        await using (var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
            apiNumber = await db.Users.Where(u => u.Id == owner).Select(u => u.ApiNumber).SingleAsync();
        var recipientId = done.Recipients.Single().Id;

        // Seed shapes: the pending file as it was at each event.
        var initiated = Json(got[0]);
        var data = initiated.GetProperty("data");
        Assert.Equal(s.RequestId, data.GetProperty("id").GetInt32());
        Assert.Equal("incomplete", data.GetProperty("status").GetString());
        Assert.Equal(apiNumber, data.GetProperty("owner_user_id").GetInt32());
        Assert.Equal("Hana", data.GetProperty("owner_first_name").GetString());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("next").ValueKind); // parallel signing (seed: next is null)
        Assert.Equal(0, data.GetProperty("is_ordered").GetInt32());
        Assert.Equal(1, data.GetProperty("has_markers").GetInt32());
        Assert.Equal(JsonValueKind.Number, data.GetProperty("created_time").ValueKind);
        var r0 = data.GetProperty("recipients")[0];
        Assert.Equal("not_viewed", r0.GetProperty("status").GetString());
        Assert.Equal(recipientId, r0.GetProperty("recipient_id").GetInt32());
        Assert.Equal(1, r0.GetProperty("order_id").GetInt32());
        var meta = initiated.GetProperty("metadata");
        Assert.Equal("owner@example.com", meta.GetProperty("event_user").GetString()); // the scenario's actor
        Assert.Equal(JsonValueKind.Null, meta.GetProperty("client_id").ValueKind);

        var viewed = Json(got[1]);
        Assert.Equal("viewed", viewed.GetProperty("data").GetProperty("recipients")[0].GetProperty("status").GetString());
        Assert.Equal("hook-signer@example.com", viewed.GetProperty("metadata").GetProperty("event_user").GetString());
        var signed = Json(got[2]);
        Assert.Equal("finalized", signed.GetProperty("data").GetProperty("recipients")[0].GetProperty("status").GetString());
        Assert.Equal("hook-signer@example.com", signed.GetProperty("metadata").GetProperty("event_user").GetString());

        var completed = Json(got[3]);
        Assert.Equal(done.SignedFileId!.Value.ToString(), completed.GetProperty("data").GetProperty("signed_file_id").GetString());
        Assert.Equal(s.RequestId, completed.GetProperty("data").GetProperty("id").GetInt32());
        Assert.Equal(apiNumber, completed.GetProperty("data").GetProperty("owner_user_id").GetInt32());
        Assert.Equal(JsonValueKind.Null, completed.GetProperty("metadata").GetProperty("event_user").ValueKind);

        // Each once: every delivery is settled in the outbox (nothing is left that could send again), and 4 arrived.
        var settled = await SettledAsync(_app, receiver.Url, 4);
        Assert.All(settled, d => Assert.Equal((WebhookDeliveryStatus.Delivered, 1), (d.Status, d.Attempts)));
        Assert.Equal(4, receiver.Received.Count);
    }

    [Fact]
    public async Task A_500_then_a_200_is_exactly_two_attempts_of_the_same_event_and_it_can_be_redelivered()
    {
        var (owner, _, receiver) = await OwnerWithReceiverAsync(500);
        await using var _ = receiver;
        await new SigningScenario(_app) { Owner = owner }.SendAsync(true, "retry-signer@example.com");

        var got = await WaitAsync(receiver, 2, seconds: 40);
        Assert.Equal([500, 200], got.Select(g => g.AnsweredWith));
        Assert.Equal(got[0].Header("X-ESign-Event-Id"), got[1].Header("X-ESign-Event-Id"));
        Assert.Equal(got[0].Body, got[1].Body);
        Assert.True(got[1].At - got[0].At >= TimeSpan.FromSeconds(4), "backoff before the retry");
        var secret = await _app.Get<WebhookSecrets>().GetAsync(owner);
        foreach (var w in got) AssertSigned(secret, w);

        var deliveries = _app.Get<WebhookDeliveryService>();
        var row = await WaitForDeliveryAsync(owner, WebhookDeliveryStatus.Delivered);
        Assert.Equal(2, row.Attempts);
        Assert.Equal(200, row.LastStatusCode);
        Assert.Equal("rs.initiated", row.EventType);
        await SettledAsync(_app, receiver.Url, 1); // done in the outbox: no third attempt can follow
        Assert.Equal(2, receiver.Received.Count);

        // Redeliver from the Webhooks page: the same event again, signed afresh.
        await deliveries.RedeliverAsync(owner, row.Id);
        var again = await WaitAsync(receiver, 3);
        Assert.Equal(got[0].Header("X-ESign-Event-Id"), again[2].Header("X-ESign-Event-Id"));
        Assert.Equal(got[0].Body, again[2].Body);
        AssertSigned(secret, again[2]);
        Assert.Equal(3, (await WaitForDeliveryAsync(owner, WebhookDeliveryStatus.Delivered, minAttempts: 3)).Attempts);

        // Another user cannot see or redeliver it.
        var stranger = await _app.CreateUserAsync($"stranger-{Guid.NewGuid():N}@example.com");
        Assert.Empty((await deliveries.ListAsync(stranger, ESignWeb.Data.PageRequest.First)).Rows);
        Assert.Equal(ApiErrorCode.UnauthorizedResource, (await Assert.ThrowsAsync<AppException>(() => deliveries.RedeliverAsync(stranger, row.Id))).Code);
    }

    [Fact]
    public async Task Api_calls_carry_the_client_id_and_remind_cancel_and_decline_are_events()
    {
        var (owner, api, receiver) = await OwnerWithReceiverAsync();
        await using var _ = receiver;
        var doc = await _app.Get<DocumentService>().ImportAsync(owner, "Order.pdf", new MemoryStream(TestPdf.Pages(1)), false);
        var create = new HttpRequestMessage(HttpMethod.Post, "/v1/files/pending/")
        {
            Content = JsonContent.Create(new
            {
                original_file_id = doc.Id, name = "Order", recipients = new[] { new { email = "api-signer@example.com", first_name = "Api", last_name = "Signer" } },
            }),
        };
        create.Headers.Add("X-Client-ID", "crm-7");
        var created = await api.SendAsync(create);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("pending_file_id").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/v1/files/pending/{id}/remind/", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/v1/files/pending/{id}/cancel/", new FormUrlEncodedContent([new("message", "Wrong price")]))).StatusCode);

        var got = await WaitAsync(receiver, 3);
        Assert.Equal(["rs.initiated", "rs.reminded", "rs.voided"], got.Select(TypeOf));
        var initiated = Json(got[0]).GetProperty("metadata");
        Assert.Equal("crm-7", initiated.GetProperty("client_id").GetString());
        var email = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContext().Users.Where(u => u.Id == owner).Select(u => u.Email).SingleAsync();
        Assert.Equal(email, initiated.GetProperty("event_user").GetString());
        Assert.Equal(JsonValueKind.Number, initiated.GetProperty("event_user_id").ValueKind);
        Assert.Equal(JsonValueKind.Null, Json(got[1]).GetProperty("metadata").GetProperty("client_id").ValueKind); // no X-Client-ID sent
        Assert.Equal("canceled", Json(got[2]).GetProperty("data").GetProperty("status").GetString());

        // A signer declining: rs.declined with the reason.
        var s = new SigningScenario(_app) { Owner = owner };
        await s.SendAsync(false, "decliner@example.com");
        var token = await s.TokenOfAsync("decliner@example.com");
        await s.Signing.OpenAsync(token, new Actor(null, "127.0.0.1"));
        await s.Signing.DeclineAsync(token, "Price is wrong", new Actor(null, "127.0.0.1"));
        var all = await WaitAsync(receiver, 6);
        Assert.Equal(["rs.initiated", "rs.viewed", "rs.declined"], all.Skip(3).Select(TypeOf));
        var declined = Json(all[5]);
        Assert.Equal("recipient_declined", declined.GetProperty("data").GetProperty("status").GetString());
        Assert.Equal("Price is wrong", declined.GetProperty("data").GetProperty("decline_reason").GetString());
        Assert.Equal("declined", declined.GetProperty("data").GetProperty("recipients")[0].GetProperty("status").GetString());
        Assert.Equal("decliner@example.com", declined.GetProperty("metadata").GetProperty("event_user").GetString());
    }

    [Fact]
    public async Task Self_signing_sends_document_signed_in_the_seed_shape()
    {
        var (owner, _, receiver) = await OwnerWithReceiverAsync();
        await using var _ = receiver;
        var doc = await _app.Get<DocumentService>().ImportAsync(owner, "Mine.pdf", new MemoryStream(TestPdf.Pages(1)), false);
        var signed = await _app.Get<SelfSignService>().SignAsync(owner, doc.Id,
            [new SelfField(FieldType.Signature, 1, new PdfRect(72, 72, 160, 48), Image: TestImages.SignaturePng())],
            new Actor(null, "127.0.0.1", "tests"), DateTimeOffset.UtcNow);

        var w = (await WaitAsync(receiver, 1)).Single();
        AssertSigned(await _app.Get<WebhookSecrets>().GetAsync(owner), w);
        var body = Json(w);
        Assert.Equal("document.signed", body.GetProperty("metadata").GetProperty("event_type").GetString());
        var data = body.GetProperty("data");
        Assert.Equal(JsonValueKind.Null, data.GetProperty("pending_file").ValueKind);
        Assert.Equal(signed.Id, data.GetProperty("id").GetInt32());
        Assert.Equal(signed.Checksum, data.GetProperty("checksum").GetString());
        Assert.Equal(signed.Name, data.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Number, data.GetProperty("user_id").ValueKind);
        Assert.Equal(JsonValueKind.Number, data.GetProperty("created_time").ValueKind);
    }

    /// <summary>
    /// On the app's real clock this test raced the machine: while a slow sealing ran, the early deliveries kept
    /// retrying (5 s, 10 s, 20 s …) until the receiver's six scripted 500s ran out and one was delivered, or a 40 s
    /// backoff outlasted the wait; and "signing took under 10 s" measured the machine's load, not the webhooks.
    /// Now the app runs on a fake clock, so a failed delivery is tried again only when the test moves the clock; the
    /// receiver is down for good (500 forever) and holds its first request unanswered while the signer signs.
    /// </summary>
    [Fact]
    public async Task A_dead_receiver_does_not_slow_signing_and_a_removed_url_stops_its_retries()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new ESignAppFactory
        {
            Settings = new() { ["Webhooks:AllowPrivateNetworks"] = "true" },
            TestServices = services => services.AddSingleton<TimeProvider>(clock),
        };
        _ = app.Server;
        await using var receiver = await WebhookReceiver.StartAsync([], otherwise: 500);
        var (owner, api) = await OwnerOfAsync(app, receiver);
        var s = new SigningScenario(app) { Owner = owner };

        // Signing and sealing finish while the receiver sits on the first event without answering.
        receiver.Hold();
        await s.SendAsync(false, "fast-signer@example.com");
        await WaitAsync(app, receiver, 1);
        await s.SignAsync("fast-signer@example.com");
        await s.WaitForStatusAsync(RequestStatus.Complete, seconds: 90);
        Assert.Equal(0, receiver.Answered);
        receiver.Release();

        // Each of the four events was tried once and failed; with the clock standing still none is due again.
        var tried = await AttemptedAsync(app, receiver.Url, 4);
        Assert.All(tried, d => Assert.Equal((WebhookDeliveryStatus.Pending, 1), (d.Status, d.Attempts)));
        Assert.Equal(4, receiver.Received.Count);

        var remove = new HttpRequestMessage(HttpMethod.Delete, "/v1/callback/urls/") { Content = new FormUrlEncodedContent([new("urls", receiver.Url)]) };
        remove.Headers.Add("X-Client-ID", "tests");
        var left = JsonDocument.Parse(await (await api.SendAsync(remove)).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(0, left.GetProperty("callback_urls").GetArrayLength());

        // Past the backoff each delivery's next turn comes, finds its URL gone and stops for good, sending nothing.
        clock.Advance(TimeSpan.FromMinutes(1));
        app.Get<OutboxSignal>().Notify();
        await SettledAsync(app, receiver.Url, 4);
        var rows = (await app.Get<WebhookDeliveryService>().ListAsync(owner, PageRequest.First)).Rows;
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Equal(WebhookDeliveryStatus.Failed, r.Status));
        Assert.All(rows, r => Assert.True(r.UrlRemoved));
        Assert.All(rows, r => Assert.Contains("removed", r.LastError));
        Assert.Equal(4, receiver.Received.Count);

        // However far the clock moves (past the longest backoff, 6 h), an outbox pass run by hand finds nothing to send.
        clock.Advance(TimeSpan.FromHours(7));
        var pass = new OutboxProcessor(app.Get<IDbContextFactory<AppDbContext>>(), app.Services.GetServices<IOutboxHandler>(), new OutboxSignal(),
            clock, app.Get<IOptions<ESignOptions>>(), NullLogger<OutboxProcessor>.Instance, OutboxLane.WebhookDeliveries);
        Assert.Equal(0, await pass.RunOnceAsync(CancellationToken.None));
        Assert.Empty(await LiveAsync(app, receiver.Url));
        Assert.Equal(4, receiver.Received.Count);
    }

    /// <summary>The deliveries to a URL with their outbox messages.</summary>
    private static async Task<List<WebhookDelivery>> DeliveriesAsync(ESignAppFactory app, string url)
    {
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.WebhookDeliveries.AsNoTracking().Include(d => d.Outbox).Where(d => d.Url == url).OrderBy(d => d.Id).ToListAsync();
    }

    /// <summary>Deliveries to the URL whose outbox message could still run (neither done nor failed for good).</summary>
    private static async Task<List<WebhookDelivery>> LiveAsync(ESignAppFactory app, string url) =>
        (await DeliveriesAsync(app, url)).Where(d => d.Outbox is { DoneAt: null, Failed: false }).ToList();

    private static string Describe(IEnumerable<WebhookDelivery> ds) => string.Join("; ", ds.Select(d =>
        $"{d.EventType} {d.Status} attempts={d.Attempts} outbox: attempts={d.Outbox?.Attempts} next={d.Outbox?.NextAttemptAt:O} locked={d.Outbox?.LockedUntil:O} done={d.Outbox?.DoneAt:O} failed={d.Outbox?.Failed}"));

    /// <summary>
    /// Waits until at least <paramref name="count"/> deliveries to the URL exist and every one is settled in the
    /// outbox (done, or failed for good): from then on nothing more can be sent to that URL for them.
    /// </summary>
    private static async Task<List<WebhookDelivery>> SettledAsync(ESignAppFactory app, string url, int count)
    {
        List<WebhookDelivery> ds = [];
        await Poll.UntilTrueAsync(async () =>
        {
            ds = await DeliveriesAsync(app, url);
            return ds.Count >= count && ds.All(d => d.Outbox is { DoneAt: not null } or { Failed: true });
        }, $"{count} deliveries to {url} settled", 60, () => Task.FromResult(Describe(ds)));
        return ds;
    }

    /// <summary>Waits until at least <paramref name="count"/> deliveries to the URL have had an attempt recorded and none is running.</summary>
    private static async Task<List<WebhookDelivery>> AttemptedAsync(ESignAppFactory app, string url, int count)
    {
        List<WebhookDelivery> ds = [];
        await Poll.UntilTrueAsync(async () =>
        {
            ds = await DeliveriesAsync(app, url);
            return ds.Count >= count && ds.All(d => d.Attempts >= 1 && d.Outbox is { Attempts: >= 1, LockedUntil: null });
        }, $"{count} deliveries to {url} attempted", 60, () => Task.FromResult(Describe(ds)));
        return ds;
    }

    /// <summary>Waits for deliveries; on a timeout says what the app's deliveries and outbox looked like.</summary>
    private Task<IReadOnlyList<ReceivedWebhook>> WaitAsync(WebhookReceiver receiver, int count, int seconds = 60) =>
        WaitAsync(_app, receiver, count, seconds);

    private static async Task<IReadOnlyList<ReceivedWebhook>> WaitAsync(ESignAppFactory app, WebhookReceiver receiver, int count, int seconds = 60)
    {
        try
        {
            return await receiver.WaitForAsync(count, seconds);
        }
        catch (TimeoutException ex)
        {
            await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            var deliveries = await db.WebhookDeliveries.AsNoTracking().Where(d => d.Url == receiver.Url).ToListAsync();
            var outbox = await db.Outbox.AsNoTracking().Where(m => m.Kind == "webhook.deliver").ToListAsync();
            throw new TimeoutException(ex.Message + "\nDeliveries: " + string.Join("; ", deliveries.Select(d => $"{d.EventType} {d.Status} attempts={d.Attempts} status={d.LastStatusCode} error={d.LastError}")) +
                "\nOutbox: " + string.Join("; ", outbox.Select(m => $"{m.Id} attempts={m.Attempts} next={m.NextAttemptAt:O} locked={m.LockedUntil:O} done={m.DoneAt:O} failed={m.Failed} error={m.LastError}")));
        }
    }

    private async Task<WebhookDeliveryRow> WaitForDeliveryAsync(string owner, WebhookDeliveryStatus status, int minAttempts = 1)
    {
        WebhookDeliveryRow? row = null;
        await Poll.UntilTrueAsync(async () =>
        {
            row = (await _app.Get<WebhookDeliveryService>().ListAsync(owner, PageRequest.First)).Rows.FirstOrDefault();
            return row is not null && row.Status == status && row.Attempts >= minAttempts;
        }, $"a delivery {status} after {minAttempts}+ attempt(s)", 30, () => Task.FromResult($"It is {row?.Status} after {row?.Attempts} attempt(s)."));
        return row!;
    }
}
