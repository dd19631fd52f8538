using ESignWeb.Api;
using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Outbox;
using ESignWeb.Requests;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace ESignWeb.Tests.Integration;

/// <summary>Drafts and sending through the real services, database and outbox (mail to the pickup folder).</summary>
public class RequestSendTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;
    private readonly RequestService _requests;

    public RequestSendTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
        _requests = app.Get<RequestService>();
    }

    private async Task<(string Owner, int RequestId, RequestDraft Draft)> DraftWithSigners(bool ordered, params string[] emails)
    {
        var owner = await _app.CreateUserAsync($"sender-{Guid.NewGuid():N}@example.com");
        var doc = await _app.Get<DocumentService>().ImportAsync(owner, "Lease.pdf", new MemoryStream(TestPdf.Pages(3)), false);
        var id = await _requests.CreateDraftAsync(owner, doc.Id, new Actor("sender@example.com"));
        var draft = await _requests.LoadDraftAsync(owner, id);
        draft.IsOrdered = ordered;
        foreach (var e in emails)
        {
            Assert.Null(DraftEditor.AddSigner(draft, e, e.Split('@')[0], "Signer"));
            DraftEditor.AddField(draft, FieldType.Signature, draft.Signers[^1].Key, 3);
        }
        await _requests.SaveDraftAsync(owner, draft);
        return (owner, id, draft);
    }

    /// <summary>The dashboard's first page for the owner.</summary>
    private async Task<IReadOnlyList<RequestSummary>> ListAsync(string owner, DashboardFilters? filters = null) =>
        (await _app.Get<DashboardLists>().PageAsync(owner, filters ?? new DashboardFilters())).Rows;

    private async Task<List<OutboxMessage>> OutboxFor(int requestId, string ownerId)
    {
        await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Outbox.Where(m => m.OwnerId == ownerId).OrderBy(m => m.Id).ToListAsync();
    }

    private async Task<SignatureRequest> Load(int id)
    {
        await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Requests.Include(r => r.Recipients).Include(r => r.Fields).SingleAsync(r => r.Id == id);
    }

    [Fact]
    public async Task Saved_drafts_reload_with_the_same_signers_and_field_rectangles()
    {
        var (owner, id, draft) = await DraftWithSigners(true, "ann@example.com", "bob@example.com");
        DraftEditor.PlaceField(draft, draft.Fields[0].Key, 2, new PdfRect(100.5, 200.25, 150, 40));
        DraftEditor.MoveSigner(draft, draft.Signers[1].Key, -1);
        await _requests.SaveDraftAsync(owner, draft);

        var again = await _requests.LoadDraftAsync(owner, id);
        Assert.Equal(["bob@example.com", "ann@example.com"], again.Signers.Select(s => s.Email));
        var f = again.Fields.Single(x => x.PageNumber == 2);
        Assert.Equal(new PdfRect(100.5, 200.25, 150, 40), f.Rect);
        Assert.Equal("ann@example.com", again.Signers.Single(s => s.Key == f.SignerKey).Email);
        var stored = await Load(id);
        Assert.Equal([1, 2], stored.Recipients.OrderBy(r => r.OrderId).Select(r => r.OrderId));
    }

    [Fact]
    public async Task An_invalid_draft_is_refused_and_what_was_saved_is_unchanged()
    {
        var (owner, id, draft) = await DraftWithSigners(true, "ann@example.com");
        draft.Fields[0].Width = 10; // below the seed minimum
        draft.Signers.Add(new DraftSigner { Email = "ann@example.com", FirstName = "Dup" });
        await Assert.ThrowsAsync<AppException>(() => _requests.SaveDraftAsync(owner, draft));
        var stored = await Load(id);
        Assert.Single(stored.Recipients);
        Assert.True(stored.Fields.Single().Width >= FieldRules.MinWidth);
    }

    [Fact]
    public async Task Sending_with_no_signer_is_refused_and_the_draft_stays_a_draft()
    {
        var (owner, id, _) = await DraftWithSigners(true);
        var ex = await Assert.ThrowsAsync<AppException>(() => _requests.SendAsync(owner, id, new Actor("s@example.com")));
        Assert.Contains("signer", ex.Message);
        Assert.Equal(RequestStatus.Draft, (await Load(id)).Status);
        Assert.Empty(await OutboxFor(id, owner));
    }

    [Fact]
    public async Task Sequential_send_mails_only_the_first_signer_with_a_working_hashed_token_link()
    {
        var (owner, id, draft) = await DraftWithSigners(true, "first@example.com", "second@example.com");
        DraftEditor.SetCc(draft, ["boss@example.com"]);
        await _requests.SaveDraftAsync(owner, draft);

        await _requests.SendAsync(owner, id, new Actor("sender@example.com"));

        var request = await Load(id);
        Assert.Equal(RequestStatus.Incomplete, request.Status);
        Assert.All(request.Recipients, r => Assert.Equal(64, r.TokenHash!.Length));
        var outbox = await OutboxFor(id, owner);
        Assert.Equal([OutboxKinds.SignerInvite, OutboxKinds.CcNotice], outbox.Select(m => m.Kind));

        // The outbox processor delivers to the pickup folder; the mail carries /sign/{token} whose hash is stored.
        var mails = await WaitForMailsAsync(owner, 2);
        var invite = mails.Single(m => m.To.Mailboxes.Single().Address == "first@example.com");
        var link = System.Text.RegularExpressions.Regex.Match(invite.TextBody ?? "", @"http://localhost/sign/([A-Za-z0-9_-]{43})");
        Assert.True(link.Success, invite.TextBody);
        var token = link.Groups[1].Value;
        Assert.Equal(RecipientTokens.Hash(token), request.Recipients.Single(r => r.Email == "first@example.com").TokenHash);
        Assert.DoesNotContain(mails, m => m.To.Mailboxes.Any(x => x.Address == "second@example.com"));
        Assert.Contains(mails, m => m.To.Mailboxes.Single().Address == "boss@example.com" && (m.Subject ?? "").Contains("in copy"));

        // The token itself is nowhere in the database.
        await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.DoesNotContain(await db.Outbox.Select(m => m.Payload).ToListAsync(), p => p.Contains(token));
        Assert.DoesNotContain(await db.Recipients.Select(r => r.TokenHash + r.TokenNonce).ToListAsync(), v => v!.Contains(token));

        // Sent requests are no longer editable; sending again is refused.
        await Assert.ThrowsAsync<AppException>(() => _requests.LoadDraftAsync(owner, id));
        await Assert.ThrowsAsync<AppException>(() => _requests.SendAsync(owner, id, new Actor("s@example.com")));

        var events = await db.AuditEvents.Where(e => e.RequestId == id).OrderBy(e => e.Seq).ToListAsync();
        Assert.Equal(["created", "sent", "mail_delivered"], events.Select(e => e.Type.StoredName()));
        Assert.Null(AuditLog.Verify(events));
    }

    [Fact]
    public async Task Parallel_send_mails_every_signer()
    {
        var (owner, id, _) = await DraftWithSigners(false, "p1@example.com", "p2@example.com", "p3@example.com");
        await _requests.SendAsync(owner, id, new Actor("sender@example.com"));
        var mails = await WaitForMailsAsync(owner, 3);
        Assert.Equal(["p1@example.com", "p2@example.com", "p3@example.com"],
            mails.Select(m => m.To.Mailboxes.Single().Address).Order());
        // The Outbox page shows the sender their own mail (and its content, as no SMTP server is configured here).
        var queries = _app.Get<OutboxQueries>();
        var rows = (await queries.ListAsync(owner, ESignWeb.Data.PageRequest.First)).Rows;
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.True(r.DoneAt is not null && r.HasEml && r.Attempts == 1));
        var shown = await queries.ReadMailAsync(owner, rows[0].Id);
        Assert.Contains("/sign/", shown!.Text);
        var stranger = await _app.CreateUserAsync($"stranger-{Guid.NewGuid():N}@example.com");
        Assert.Empty((await queries.ListAsync(stranger, ESignWeb.Data.PageRequest.First)).Rows);
        Assert.Null(await queries.ReadMailAsync(stranger, rows[0].Id));

        var summary = await _requests.GetSummaryAsync(owner, id);
        Assert.Null(summary.NextRecipientId);
        Assert.All(summary.Recipients, r => Assert.Equal(RecipientStatus.NotViewed, r.Status));
    }

    [Fact]
    public async Task Another_user_cannot_load_save_send_or_delete_a_request()
    {
        var (owner, id, draft) = await DraftWithSigners(true, "x@example.com");
        var intruder = await _app.CreateUserAsync($"intruder-{Guid.NewGuid():N}@example.com");
        foreach (var attempt in new Func<Task>[]
                 {
                     () => _requests.LoadDraftAsync(intruder, id),
                     () => _requests.SaveDraftAsync(intruder, draft),
                     () => _requests.SendAsync(intruder, id, new Actor("i@example.com")),
                     () => _requests.DeleteDraftAsync(intruder, id),
                     () => _requests.GetSummaryAsync(intruder, id),
                 })
        {
            Assert.Equal(ApiErrorCode.UnauthorizedResource, (await Assert.ThrowsAsync<AppException>(attempt)).Code);
        }
        Assert.Empty(await ListAsync(intruder));
        Assert.Single(await ListAsync(owner));
    }

    [Fact]
    public async Task Dashboard_list_filters_by_status_and_searches_by_name()
    {
        var (owner, id, draft) = await DraftWithSigners(true, "f@example.com");
        DraftEditor.SetName(draft, "Tenancy 100% agreement");
        await _requests.SaveDraftAsync(owner, draft);
        Assert.Single(await ListAsync(owner, new DashboardFilters().WithStatuses([RequestStatus.Draft])));
        Assert.Empty(await ListAsync(owner, new DashboardFilters().WithStatuses([RequestStatus.Incomplete])));
        Assert.Single(await ListAsync(owner, new DashboardFilters().WithSearch("100%")));
        Assert.Empty(await ListAsync(owner, new DashboardFilters().WithSearch("10_")));
        await _requests.SendAsync(owner, id, new Actor("s@example.com"));
        Assert.Single(await ListAsync(owner, new DashboardFilters().WithStatuses([RequestStatus.Incomplete])));
    }

    private async Task<List<MimeMessage>> WaitForMailsAsync(string ownerId, int count)
    {
        List<string> done = [];
        await Poll.UntilTrueAsync(async () =>
        {
            await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            done = await db.Outbox.Where(m => m.OwnerId == ownerId && m.DoneAt != null).Select(m => m.DeliveredTo!).ToListAsync();
            return done.Count >= count;
        }, $"{count} mails delivered", 20, () => Task.FromResult($"Only {done.Count} of {count} mails were delivered."));
        return done.Select(p => MimeMessage.Load(p)).ToList();
    }
}
