using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Requests;
using ESignWeb.Tests.E2E;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// A send never fails half-way: with the SMTP server down the request is still sent (committed with its outbox
/// message), the delivery fails and is retried, and the mail arrives once a real SMTP server listens.
/// </summary>
[Collection(E2ECollection.Name)]
public class OutboxRetryTests
{
    [Fact]
    public async Task Mail_is_retried_until_the_smtp_server_comes_up()
    {
        var port = FreePort.Next(); // nothing listens here yet
        await using var app = new ESignAppFactory
        {
            Settings = new() { ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = port.ToString(), ["Smtp:Security"] = "None", ["Smtp:TimeoutSeconds"] = "5" },
        };
        _ = app.Server;
        var owner = await app.CreateUserAsync("retry@example.com");
        var doc = await app.Get<DocumentService>().ImportAsync(owner, "Retry.pdf", new MemoryStream(TestPdf.Pages(1)), false);
        var requests = app.Get<RequestService>();
        var id = await requests.CreateDraftAsync(owner, doc.Id, new Actor("retry@example.com"));
        var draft = await requests.LoadDraftAsync(owner, id);
        DraftEditor.AddSigner(draft, "late@example.com", "Late", "Reader");
        await requests.SaveDraftAsync(owner, draft);

        await requests.SendAsync(owner, id, new Actor("retry@example.com"));
        Assert.Equal(RequestStatus.Incomplete, (await requests.GetSummaryAsync(owner, id)).Status);

        var factory = app.Get<IDbContextFactory<AppDbContext>>();
        var failed = await WaitForAsync(factory, m => m.Attempts >= 1 && m.LastError != null, 20);
        Assert.Null(failed.DoneAt);
        Assert.False(failed.Failed);
        Assert.True(failed.NextAttemptAt > failed.CreatedAt);

        await using var smtp = await SmtpSink.StartAsync(port);
        var mail = await smtp.WaitForMessageToAsync("late@example.com", timeoutSeconds: 40);
        Assert.Contains("/sign/", mail.TextBody);
        var done = await WaitForAsync(factory, m => m.DoneAt != null, 10);
        Assert.True(done.Attempts >= 2);
        Assert.Null(done.LastError);
        Assert.Single(smtp.MessagesTo("late@example.com"));
    }

    private static async Task<OutboxMessage> WaitForAsync(IDbContextFactory<AppDbContext> factory, Func<OutboxMessage, bool> condition, int seconds)
    {
        OutboxMessage? m = null;
        await Poll.UntilTrueAsync(async () =>
        {
            await using var db = await factory.CreateDbContextAsync();
            m = await db.Outbox.AsNoTracking().SingleAsync();
            return condition(m);
        }, "the outbox message in the wanted state", seconds,
            () => Task.FromResult($"Outbox message: attempts={m?.Attempts}, error={m?.LastError}, done={m?.DoneAt}"));
        return m!;
    }
}
