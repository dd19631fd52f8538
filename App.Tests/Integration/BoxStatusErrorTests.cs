using System.Text.Json;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Mail;
using ESignWeb.Outbox;
using ESignWeb.Tests.E2E;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// <c>box_status</c>'s error states from the outbox's verdicts, over the API: an invitation the outbox gave up on
/// (the real processor, a transport that refuses one address for good) answers <c>error_sending</c>, a seal that
/// gave up <c>error_converting</c>; other requests of the same owner keep their ordinary status.
/// </summary>
[Collection(E2ECollection.Name)]
public class BoxStatusErrorTests
{
    private const string Bounce = "bounce@example.com";

    /// <summary>Refuses mail to <see cref="Bounce"/> for good (like an SMTP 5xx), takes everything else.</summary>
    private sealed class BouncingTransport : IMailTransport
    {
        public bool DeliversExternally => true;

        public Task<string> SendAsync(MimeMessage message, CancellationToken ct) =>
            message.To.Mailboxes.Any(m => m.Address == Bounce)
                ? throw new PermanentOutboxFailure($"550 {Bounce}: mailbox unavailable")
                : Task.FromResult("test transport");
    }

    private static async Task<string> BoxStatusAsync(HttpClient client, int id)
    {
        var r = await client.GetAsync($"/v1/files/pending/{id}/");
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("box_status").GetString()!;
    }

    private static async Task<Dictionary<int, string>> ListedAsync(HttpClient client)
    {
        var text = await client.GetStringAsync("/v1/files/pending/");
        return JsonDocument.Parse(text).RootElement.GetProperty("files").EnumerateArray()
            .ToDictionary(f => f.GetProperty("id").GetInt32(), f => f.GetProperty("box_status").GetString()!);
    }

    [Fact]
    public async Task A_dead_invitation_answers_error_sending_and_a_seal_that_gave_up_error_converting()
    {
        await using var app = new ESignAppFactory
        {
            // The test polls the API while the seal retries (up to a minute on a loaded machine): far above 100 a minute.
            Settings = new() { ["ESign:Testing:FailSealsBeforeCommit"] = "1000", ["Api:RateLimitPerMinute"] = "100000" },
            TestServices = s => s.AddSingleton<IMailTransport, BouncingTransport>(),
        };
        _ = app.Server;
        var owner = await app.CreateUserAsync($"box-{Guid.NewGuid():N}@example.com", "Bo", "Status");
        var (client, _) = await app.ApiClientAsync(owner);

        // 1. All at once: the invitation to bounce@ dies (the outbox gives up at once on a permanent failure).
        var dead = await new SigningScenario(app) { Owner = owner }.SendAsync(false, Bounce, "fine@example.com");
        var db = app.Get<IDbContextFactory<AppDbContext>>();
        var failed = await Poll.UntilAsync(async () =>
        {
            await using var c = await db.CreateDbContextAsync();
            return await c.Outbox.AsNoTracking().SingleOrDefaultAsync(m => m.Kind == OutboxKinds.SignerInvite && m.Summary.Contains(Bounce) && m.Failed);
        }, 30);
        Assert.Null(failed.DoneAt);
        Assert.Contains("550", failed.LastError);
        Assert.Equal("error_sending", await BoxStatusAsync(client, dead.RequestId));

        // 2. The other signer's invitation went out: a request with only them is an ordinary "sent".
        var fine = await new SigningScenario(app) { Owner = owner }.SendAsync(false, "fine@example.com");
        var finePayload = OutboxWriter.PayloadOf(new SignerInvite((await fine.LoadAsync()).Recipients.Single().Id));
        await Poll.UntilAsync(async () =>
        {
            await using var c = await db.CreateDbContextAsync();
            return await c.Outbox.AsNoTracking().AnyAsync(m => m.Kind == OutboxKinds.SignerInvite && m.DoneAt != null && m.Payload == finePayload)
                ? "delivered" : null;
        }, 30);
        Assert.Equal("sent", await BoxStatusAsync(client, fine.RequestId));

        // 3. Everyone signs, the seal keeps failing and the outbox gives up (what OutboxProcessor writes after the last
        //    attempt, set while no run holds the job): "error_converting".
        var seal = await new SigningScenario(app) { Owner = owner }.SendAsync(false, "sam@example.com");
        await seal.SignAsync("sam@example.com");
        var payload = OutboxWriter.PayloadOf(new SealRequest(seal.RequestId));
        var converting = await Poll.UntilAsync(async () =>
        {
            await using (var c = await db.CreateDbContextAsync())
                await c.Outbox.Where(m => m.Kind == OutboxKinds.Seal && m.Payload == payload && m.Attempts >= 1 && m.LeaseToken == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(m => m.Failed, true));
            var status = await BoxStatusAsync(client, seal.RequestId);
            return status == "error_converting" ? status : null;
        }, 60);
        Assert.Equal("error_converting", converting);
        Assert.Equal(RequestStatus.Incomplete, (await seal.LoadAsync()).Status); // SignEasy's own status is unchanged

        // The list answers from the same facts, request by request.
        var listed = await ListedAsync(client);
        Assert.Equal(("error_sending", "sent", "error_converting"), (listed[dead.RequestId], listed[fine.RequestId], listed[seal.RequestId]));
    }
}
