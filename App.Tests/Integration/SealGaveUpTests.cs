using ESignWeb.Audit;
using ESignWeb.Domain;
using ESignWeb.Outbox;
using ESignWeb.Requests;
using ESignWeb.Tests.E2E;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// A request whose seal job failed for good is "Sealing failed" — not "Sealing…" — on the dashboard's list, the
/// request page's summary and its detail, from one rule in <c>RequestService</c>.
/// </summary>
[Collection(E2ECollection.Name)]
public class SealGaveUpTests
{
    [Fact]
    public async Task A_seal_the_outbox_gave_up_on_reads_Sealing_failed_everywhere()
    {
        await using var app = new ESignAppFactory { Settings = new() { ["ESign:Testing:FailSealsBeforeCommit"] = "1000" } };
        _ = app.Server;
        var s = await new SigningScenario(app).SendAsync(false, "ray@example.com", "sue@example.com");
        await s.SignAsync("ray@example.com");
        await s.SignAsync("sue@example.com");

        // While the seal is retried, it is "Sealing…".
        await Poll.UntilAsync(async () => (await s.Requests.GetDetailAsync(s.Owner, s.RequestId)).PendingSeal is { Attempts: >= 1, LastError: not null } p ? p : null);
        var listed = Assert.Single((await app.Get<DashboardLists>().PageAsync(s.Owner, new DashboardFilters())).Rows, r => r.Id == s.RequestId);
        Assert.Equal(SealPhase.Sealing, listed.Seal);
        Assert.Equal("Sealing…", StatusWords.Of(listed.Status, listed.Seal));

        // The outbox gives up (what OutboxProcessor writes after the last attempt): the same request now reads "Sealing failed".
        await using (var db = await s.Db.CreateDbContextAsync())
            Assert.Equal(1, await db.Outbox.Where(m => m.Kind == OutboxKinds.Seal).ExecuteUpdateAsync(u => u.SetProperty(m => m.Failed, true)));

        listed = Assert.Single((await app.Get<DashboardLists>().PageAsync(s.Owner, new DashboardFilters())).Rows, r => r.Id == s.RequestId);
        Assert.Equal(SealPhase.GaveUp, listed.Seal);
        Assert.False(listed.IsSealing);
        Assert.Equal("Sealing failed", StatusWords.Of(listed.Status, listed.Seal));
        Assert.Equal(RequestStatus.Incomplete, listed.Status); // the wire status stays incomplete
        Assert.Equal(SealPhase.GaveUp, (await s.Requests.GetSummaryAsync(s.Owner, s.RequestId)).Seal);
        var detail = await s.Requests.GetDetailAsync(s.Owner, s.RequestId);
        Assert.Equal(SealPhase.GaveUp, detail.Summary.Seal);
        Assert.True(detail.PendingSeal!.GaveUp);

        // Another request in the same list (a draft on the same document) is not touched by the rule.
        var draftId = await s.Requests.CreateDraftAsync(s.Owner, await s.Requests.GetDocumentIdAsync(s.Owner, s.RequestId), new Actor("owner@example.com"), hiddenDocument: true);
        Assert.Equal(SealPhase.None, Assert.Single((await app.Get<DashboardLists>().PageAsync(s.Owner, new DashboardFilters())).Rows, r => r.Id == draftId).Seal);
    }
}
