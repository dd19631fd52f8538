using System.Text.RegularExpressions;
using ESignWeb.Audit;
using ESignWeb.Domain;
using ESignWeb.Sealing;
using ESignWeb.Storage;
using ESignWeb.Tests.E2E;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// The audit trail is rendered before the seal's transaction (outside SQLite's write lock), from a "completed" event
/// worked out in advance; the transaction commits only if it appends exactly that event. Seals of several requests
/// racing each other (direct calls against the outbox worker) guess the same next signed-file id; every stored trail
/// must still show the completed event exactly as committed.
/// </summary>
[Collection(E2ECollection.Name)]
public class SealAuditTrailTests
{
    [Fact]
    public async Task Racing_seals_each_store_a_trail_showing_the_completed_event_as_committed()
    {
        await using var app = new ESignAppFactory();
        _ = app.Server;
        var scenarios = new List<(SigningScenario S, string Token)>();
        for (var i = 0; i < 4; i++)
        {
            var s = await new SigningScenario(app).SendAsync(true, $"race{i}@example.com");
            scenarios.Add((s, await s.PrepareAsync($"race{i}@example.com")));
        }
        foreach (var (s, token) in scenarios) await s.FinishAsync(token);

        var sealing = app.Get<SealingService>();
        using var go = new ManualResetEventSlim();
        var direct = scenarios.SelectMany(x => new[] { x.S.RequestId, x.S.RequestId })
            .Select(id => Task.Run(async () => { go.Wait(); return await sealing.SealAsync(id); })).ToList();
        go.Set();
        var results = await Task.WhenAll(direct);
        foreach (var (s, _) in scenarios) await s.WaitForStatusAsync(RequestStatus.Complete, seconds: 120);

        await using var db = await scenarios[0].S.Db.CreateDbContextAsync();
        var blobs = app.Get<IBlobStore>();
        var signedIds = new HashSet<int>();
        foreach (var (s, _) in scenarios)
        {
            var signed = await db.SignedFiles.AsNoTracking().SingleAsync(f => f.RequestId == s.RequestId); // sealed once
            signedIds.Add(signed.Id);
            var events = await db.AuditEvents.AsNoTracking().Where(e => e.RequestId == s.RequestId).OrderBy(e => e.Seq).ToListAsync();
            Assert.Null(AuditLog.Verify(events));
            var completed = Assert.Single(events, e => e.Type == AuditEventType.Completed);
            Assert.Contains($"\"signed_file_id\":{signed.Id},", completed.Data);
            var trail = Regex.Replace(await SigningJourneyTests.PdfTextAsync(await blobs.ReadAllBytesAsync(signed.AuditTrailBlobKey)), @"\s+", "");
            Assert.Contains(completed.Hash, trail); // the trail shows the event that was committed, not a stale guess
            Assert.Contains("intact", trail);
            Assert.Contains(signed.BlobKey, trail);
        }
        Assert.Equal(4, signedIds.Count);
        Assert.True(results.Count(x => x is not null) <= 4);
    }
}
