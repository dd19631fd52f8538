using System.Diagnostics;
using System.Text.RegularExpressions;
using ESignWeb.Audit;
using ESignWeb.Domain;
using ESignWeb.Outbox;
using ESignWeb.Storage;
using ESignWeb.Tests.E2E;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Signers finishing at the same moment, through the service layer on the thread pool: one parallel request of 30
/// signers gives exactly one seal with all 30 on its certificate page; 50 requests finishing together all seal, once.
/// </summary>
[Collection(E2ECollection.Name)]
public class ConcurrentSealingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Thirty_parallel_signers_finishing_at_once_give_one_seal_with_all_thirty()
    {
        await using var app = new ESignAppFactory();
        _ = app.Server;
        var signers = Enumerable.Range(1, 30).Select(i => $"signer{i:00}@example.com").ToArray();
        var s = await new SigningScenario(app).SendAsync(false, signers);
        var tokens = new List<string>();
        foreach (var email in signers) tokens.Add(await s.PrepareAsync(email));

        using var go = new ManualResetEventSlim();
        var finishing = tokens.Select(t => Task.Run(async () => { go.Wait(); await s.FinishAsync(t); })).ToList();
        go.Set();
        await Task.WhenAll(finishing);

        var watch = Stopwatch.StartNew();
        await s.WaitForStatusAsync(RequestStatus.Complete, seconds: 120);
        output.WriteLine($"30 signers: sealed {watch.Elapsed.TotalSeconds:0.0} s after the last finish.");

        await using var db = await s.Db.CreateDbContextAsync();
        Assert.Equal(1, await db.Outbox.CountAsync(m => m.Kind == OutboxKinds.Seal));
        var signed = await db.SignedFiles.SingleAsync(f => f.RequestId == s.RequestId);
        var events = await db.AuditEvents.Where(e => e.RequestId == s.RequestId).ToListAsync();
        Assert.Equal(30, events.Count(e => e.Type == AuditEventType.Signed));
        Assert.Single(events, e => e.Type == AuditEventType.Completed);
        Assert.Null(AuditLog.Verify(events));

        var pdf = await app.Get<IBlobStore>().ReadAllBytesAsync(signed.BlobKey);
        Assert.Contains("Signature is Valid", await Poppler.PdfSigAsync(pdf));
        var text = await SigningJourneyTests.PdfTextAsync(pdf);
        var certificate = text[text.IndexOf("Signature certificate", StringComparison.Ordinal)..];
        foreach (var email in signers) Assert.Contains(email, certificate);
        Assert.Equal(30, Regex.Matches(certificate, @"finalized at").Count);
    }

    [Fact]
    public async Task Fifty_requests_finishing_together_all_seal_once()
    {
        await using var app = new ESignAppFactory();
        _ = app.Server;
        var scenarios = new List<(SigningScenario S, string Token)>();
        for (var i = 0; i < 50; i++)
        {
            var s = await new SigningScenario(app).SendAsync(true, $"last{i}@example.com");
            scenarios.Add((s, await s.PrepareAsync($"last{i}@example.com")));
        }

        using var go = new ManualResetEventSlim();
        var finishing = scenarios.Select(x => Task.Run(async () => { go.Wait(); await x.S.FinishAsync(x.Token); })).ToList();
        go.Set();
        await Task.WhenAll(finishing);

        var watch = Stopwatch.StartNew();
        foreach (var (s, _) in scenarios) await s.WaitForStatusAsync(RequestStatus.Complete, seconds: 300);
        output.WriteLine($"50 requests: all sealed {watch.Elapsed.TotalSeconds:0.0} s after the last finish.");

        await using var db = await app.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<ESignWeb.Data.AppDbContext>>().CreateDbContextAsync();
        var ids = scenarios.Select(x => x.S.RequestId).ToList();
        Assert.Equal(50, await db.Outbox.CountAsync(m => m.Kind == OutboxKinds.Seal));
        Assert.Equal(50, await db.Outbox.CountAsync(m => m.Kind == OutboxKinds.Seal && m.DoneAt != null && m.Attempts == 1));
        var signedPerRequest = await db.SignedFiles.Where(f => f.RequestId != null && ids.Contains(f.RequestId.Value))
            .GroupBy(f => f.RequestId).Select(g => g.Count()).ToListAsync();
        Assert.Equal(50, signedPerRequest.Count);
        Assert.All(signedPerRequest, n => Assert.Equal(1, n));
        Assert.Equal(50, await db.AuditEvents.CountAsync(e => ids.Contains(e.RequestId) && e.Type == AuditEventType.Completed));
    }
}
