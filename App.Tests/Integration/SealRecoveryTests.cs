using ESignWeb.Audit;
using ESignWeb.Domain;
using ESignWeb.Outbox;
using ESignWeb.Tests.E2E;
using Microsoft.EntityFrameworkCore;
using ESignWeb.Tests.Fixtures;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// A seal that fails at its worst moment (sealed PDF written, nothing committed) is visible to the sender with the
/// reason, is retried, and after the host is restarted completes exactly once.
/// </summary>
[Collection(E2ECollection.Name)]
public class SealRecoveryTests
{
    [Fact]
    public async Task A_seal_failing_before_commit_is_shown_retried_and_completed_once_after_a_restart()
    {
        var dataDir = Directory.CreateTempSubdirectory("esign-restart-").FullName;
        string owner;
        int requestId;
        string? connectionString;
        await using (var first = new ESignAppFactory
                     {
                         DataDir = dataDir, KeepData = true,
                         Settings = new() { ["ESign:Testing:FailSealsBeforeCommit"] = "1000" },
                     })
        {
            _ = first.Server;
            var s = await new SigningScenario(first).SendAsync(false, "ray@example.com", "sue@example.com");
            (owner, requestId) = (s.Owner, s.RequestId);
            connectionString = first.ConnectionString; // PostgreSQL: the restart opens the same database
            await s.SignAsync("ray@example.com");
            await s.SignAsync("sue@example.com");

            ESignWeb.Requests.RequestDetail detail = null!;
            await Poll.UntilTrueAsync(async () => (detail = await s.Requests.GetDetailAsync(owner, requestId)).PendingSeal is { Attempts: >= 1, LastError: not null },
                "the seal was attempted", 20);
            Assert.Contains("Injected sealing failure", detail.PendingSeal.LastError);
            Assert.False(detail.PendingSeal.GaveUp);
            Assert.Equal(RequestStatus.Incomplete, detail.Summary.Status);
            Assert.Null(detail.SignedFile);
        } // host stopped

        await using var second = new ESignAppFactory { DataDir = dataDir, ConnectionString = connectionString };
        _ = second.Server;
        var again = new SigningScenario(second) { Owner = owner, RequestId = requestId };
        await again.WaitForStatusAsync(RequestStatus.Complete, seconds: 40);

        await using var db = await again.Db.CreateDbContextAsync();
        Assert.Equal(1, await db.SignedFiles.CountAsync(f => f.RequestId == requestId));
        var seal = await db.Outbox.SingleAsync(m => m.Kind == OutboxKinds.Seal);
        Assert.NotNull(seal.DoneAt);
        Assert.True(seal.Attempts >= 2);
        var events = await db.AuditEvents.Where(e => e.RequestId == requestId).ToListAsync();
        Assert.Single(events, e => e.Type == AuditEventType.Completed);
        Assert.Null(AuditLog.Verify(events));
        Assert.Null((await again.Requests.GetDetailAsync(owner, requestId)).PendingSeal);
    }
}
