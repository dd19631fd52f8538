using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Embedding;
using ESignWeb.Outbox;
using ESignWeb.Requests;
using ESignWeb.Signing;
using ESignWeb.Storage;
using ESignWeb.Tests.E2E;
using ESignWeb.Tests.Fixtures;
using ESignWeb.Tests.Unit;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Roles (signer, approver, final-copy reader), order groups and in-person signing through the real services, the
/// outbox, the SMTP sink (aiosmtpd) and the sealed PDFs read back with pdftotext.
/// </summary>
[Collection(E2ECollection.Name)]
public class RecipientRoleTests
{
    private const string OwnerEmail = "olga.owner@example.com";
    private static readonly Actor SignerActor = new(null, "203.0.113.7", "signer-agent/1.0");

    private sealed record Person(string Email, int Order, RecipientRole Role = RecipientRole.Signer, bool InPerson = false);

    private sealed class Setup(ESignAppFactory app, SmtpSink smtp, string owner, int requestId)
    {
        public ESignAppFactory App => app;
        public SmtpSink Smtp => smtp;
        public string Owner => owner;
        public int RequestId => requestId;
        public RequestService Requests => app.Get<RequestService>();
        public SigningService Signing => app.Get<SigningService>();

        public async Task<SignatureRequest> LoadAsync()
        {
            await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            return await db.Requests.AsNoTracking().Include(r => r.Recipients).SingleAsync(r => r.Id == requestId);
        }

        public async Task<List<OutboxMessage>> OutboxAsync(string kind)
        {
            await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            return await db.Outbox.AsNoTracking().Where(m => m.Kind == kind).OrderBy(m => m.Id).ToListAsync();
        }

        public async Task<List<AuditEvent>> EventsAsync()
        {
            await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            return await db.AuditEvents.AsNoTracking().Where(e => e.RequestId == requestId).OrderBy(e => e.Seq).ToListAsync();
        }

        public async Task<string> TokenOfAsync(string email) =>
            app.Get<RecipientTokens>().TokenFor((await LoadAsync()).Recipients.Single(x => x.Email == email))!;

        /// <summary>Opens (as <paramref name="viewer"/>), consents, fills every own field and finishes.</summary>
        public async Task SignAsync(string token, string? viewer = null)
        {
            var session = await Signing.OpenAsync(token, SignerActor, viewerUserId: viewer);
            Assert.Equal(SigningState.Ready, session.State);
            await Signing.ConsentAsync(token, SignerActor);
            foreach (var f in session.MyFields)
                await Signing.FillAsync(token, f.Id, f.Type == FieldType.Signature
                    ? new FieldInput(Image: TestImages.SignaturePng(), Source: "draw")
                    : new FieldInput(Text: "22/11/2026"));
            await Signing.FinishAsync(token, SignerActor);
        }

        public async Task<SignatureRequest> WaitForStatusAsync(RequestStatus status) =>
            await Poll.UntilAsync(async () => await LoadAsync() is { } r && r.Status == status ? r : null, 60);
    }

    private static async Task<(ESignAppFactory App, SmtpSink Smtp)> StartAsync()
    {
        var smtp = await SmtpSink.StartAsync();
        var app = new ESignAppFactory
        {
            Settings = new() { ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = smtp.Port.ToString(), ["Smtp:Security"] = "None", ["Smtp:TimeoutSeconds"] = "10" },
        };
        _ = app.Server;
        return (app, smtp);
    }

    /// <summary>A request in order groups: signers get a signature and a date field; approvers and readers none.</summary>
    private static async Task<Setup> SendAsync(ESignAppFactory app, SmtpSink smtp, params Person[] people)
    {
        var owner = await app.CreateUserAsync(OwnerEmail, "Olga", "Owner");
        var doc = await app.Get<DocumentService>().ImportAsync(owner, "Contract.pdf", new MemoryStream(TestPdf.Pages(1)), false);
        var requests = app.Get<RequestService>();
        var id = await requests.CreateDraftAsync(owner, doc.Id, new Actor(OwnerEmail));
        var draft = await requests.LoadDraftAsync(owner, id);
        draft.Options.OrderGroups = true;
        var y = 700.0;
        foreach (var p in people)
        {
            Assert.Null(DraftEditor.AddSigner(draft, p.Email, p.Email.Split('@')[0], "Person"));
            var s = draft.Signers[^1];
            s.Options.Role = p.Role;
            s.Options.Order = p.Order;
            s.Options.IsInPerson = p.InPerson;
            if (p.Role != RecipientRole.Signer) continue;
            DraftEditor.AddField(draft, FieldType.Signature, s.Key, 1, new PdfRect(72, y, 160, 40));
            DraftEditor.AddField(draft, FieldType.Date, s.Key, 1, new PdfRect(300, y, 110, 32));
            y -= 60;
        }
        await requests.SaveDraftAsync(owner, draft);
        await requests.SendAsync(owner, id, new Actor(OwnerEmail));
        return new Setup(app, smtp, owner, id);
    }

    private static string Recipient(OutboxMessage m) => System.Text.Json.JsonDocument.Parse(m.Payload).RootElement.GetProperty("recipientId").GetInt32().ToString();

    [Fact]
    public async Task An_approver_approves_the_certificate_says_approved_by_and_the_final_copy_reader_gets_both_pdfs_but_no_link()
    {
        var (app, smtp) = await StartAsync();
        await using var _ = app;
        await using var __ = smtp;
        var s = await SendAsync(app, smtp,
            new Person("ann@example.com", 1), new Person("apu@example.com", 2, RecipientRole.Approver),
            new Person("fred@example.com", 3, RecipientRole.FinalCopyReader));

        // The final-copy reader has no link at all and is never invited; the embedded-signing API refuses them too.
        var fred = (await s.LoadAsync()).Recipients.Single(x => x.Email == "fred@example.com");
        Assert.Null(fred.TokenHash);
        Assert.Null(app.Get<RecipientTokens>().TokenFor(fred));

        await s.SignAsync(await s.TokenOfAsync("ann@example.com"));
        var apuToken = await s.TokenOfAsync("apu@example.com");
        var page = await s.Signing.OpenAsync(apuToken, SignerActor);
        Assert.Equal(SigningState.Ready, page.State);
        Assert.True(page.IsApprover);
        Assert.Empty(page.MyFields);
        Assert.Equal(2, page.FieldList.Count); // Ann's, shown without values
        await s.Signing.ConsentAsync(apuToken, SignerActor);
        var notFinish = await Assert.ThrowsAsync<AppException>(() => s.Signing.FinishAsync(apuToken, SignerActor));
        Assert.Contains("Approve", notFinish.Message);
        await s.Signing.ApproveAsync(apuToken, SignerActor);

        var done = await s.WaitForStatusAsync(RequestStatus.Complete);
        Assert.Equal(RecipientStatus.NotViewed, done.Recipients.Single(x => x.Email == "fred@example.com").Status);
        var events = await s.EventsAsync();
        var approved = Assert.Single(events, e => e.Type == AuditEventType.Approved);
        Assert.Equal("approved", approved.Type.StoredName());
        Assert.Equal(("apu@example.com", "203.0.113.7", "signer-agent/1.0"), (approved.ActorEmail, approved.Ip, approved.UserAgent));
        Assert.DoesNotContain(events, e => e.Type == AuditEventType.Signed && e.ActorEmail == "apu@example.com");

        // Only Ann and Apu were invited (one wave each); Fred only receives the result.
        var invited = (await s.OutboxAsync(OutboxKinds.SignerInvite)).Select(m => m.Summary).ToList();
        Assert.Equal(2, invited.Count);
        Assert.DoesNotContain(invited, x => x.Contains("fred@"));

        // Certificate page (in the sealed PDF) and audit trail: "Approved by …" with the time.
        var detail = await s.Requests.GetDetailAsync(s.Owner, s.RequestId);
        var blobs = app.Get<IBlobStore>();
        var certificate = await SigningFlowTests.PdfTextAsync(await blobs.ReadAllBytesAsync(detail.SignedFile!.BlobKey));
        var trail = await SigningFlowTests.PdfTextAsync(await blobs.ReadAllBytesAsync(detail.SignedFile.AuditTrailBlobKey));
        var at = done.Recipients.Single(x => x.Email == "apu@example.com").FinalizedAt!.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss");
        Assert.Contains($"Approved by apu Person at {at} UTC", certificate);
        Assert.Contains($"Approved by apu Person at {at} UTC", trail);
        Assert.DoesNotContain("fred@example.com", certificate); // a reader signs nothing
        Assert.Empty(await app.Get<ESignWeb.Audit.Verification>().VerifyRequestAsync(s.RequestId));

        // The completed mail reaches the reader with the sealed PDF and the audit trail attached, and a working copy link.
        var mail = await smtp.WaitForMessageToAsync("fred@example.com", timeoutSeconds: 60);
        var attached = mail.Attachments.OfType<MimeKit.MimePart>().Select(a => a.FileName).ToList();
        Assert.Equal(2, attached.Count);
        Assert.All(attached, n => Assert.EndsWith(".pdf", n));
        Assert.Contains(attached, n => n.Contains("audit trail"));
        var copyLink = System.Text.RegularExpressions.Regex.Match(mail.TextBody, @"https?://\S+/copy/\d+/[A-Za-z0-9_-]{43}").Value;
        Assert.NotEmpty(copyLink);
        var copy = await app.CreateClient().GetAsync(new Uri(copyLink).PathAndQuery);
        Assert.Equal(System.Net.HttpStatusCode.OK, copy.StatusCode);
        Assert.Single(smtp.MessagesTo("fred@example.com"));
    }

    [Fact]
    public async Task Groups_1_1_2_are_invited_in_two_waves_and_the_screens_name_the_whole_current_group()
    {
        var (app, smtp) = await StartAsync();
        await using var _ = app;
        await using var __ = smtp;
        var s = await SendAsync(app, smtp, new Person("ann@example.com", 1), new Person("bob@example.com", 1), new Person("cat@example.com", 2));
        var byId = (await s.LoadAsync()).Recipients.ToDictionary(x => x.Id.ToString(), x => x.Email);

        // Wave 1: Ann and Bob at once; Cat later.
        Assert.Equal(["ann@example.com", "bob@example.com"], (await s.OutboxAsync(OutboxKinds.SignerInvite)).Select(m => byId[Recipient(m)]).Order());
        var summary = await s.Requests.GetSummaryAsync(s.Owner, s.RequestId);
        Assert.Equal("1 · ann Person, bob Person — 2 · cat Person", summary.Groups);
        Assert.Equal("ann Person and bob Person's turn", summary.WaitingFor);
        Assert.Equal(SigningState.NotYourTurn, (await s.Signing.OpenAsync(await s.TokenOfAsync("cat@example.com"), SignerActor)).State);

        // A reminder goes to the whole current group.
        var reminded = await s.Requests.RemindAsync(s.Owner, s.RequestId, new Actor(OwnerEmail));
        Assert.Equal(["ann@example.com", "bob@example.com"], reminded.Order());

        await s.SignAsync(await s.TokenOfAsync("bob@example.com"));
        Assert.Equal("ann Person's turn", (await s.Requests.GetSummaryAsync(s.Owner, s.RequestId)).WaitingFor);
        Assert.DoesNotContain((await s.OutboxAsync(OutboxKinds.SignerInvite)), m => byId[Recipient(m)] == "cat@example.com");

        // Wave 2 when the last of group 1 finishes.
        await s.SignAsync(await s.TokenOfAsync("ann@example.com"));
        Assert.Single(await s.OutboxAsync(OutboxKinds.SignerInvite), m => byId[Recipient(m)] == "cat@example.com");
        Assert.Equal("cat Person's turn", (await s.Requests.GetSummaryAsync(s.Owner, s.RequestId)).WaitingFor);
        var invite = await smtp.WaitForMessageToAsync("cat@example.com", timeoutSeconds: 60);
        Assert.Contains("/sign/", invite.TextBody);
        Assert.DoesNotContain("Also asked at this step", invite.TextBody); // alone in group 2
        // Group 1's invitations name the other member of the group.
        var annInvite = await smtp.WaitForMessageToAsync("ann@example.com", timeoutSeconds: 60);
        Assert.Contains("Also asked at this step: bob Person.", annInvite.TextBody);
    }

    [Fact]
    public async Task An_in_person_signer_gets_no_mail_and_only_the_sender_can_open_their_page()
    {
        var (app, smtp) = await StartAsync();
        await using var _ = app;
        await using var __ = smtp;
        var s = await SendAsync(app, smtp, new Person("ivy@example.com", 1, InPerson: true), new Person("bob@example.com", 2));
        var stranger = await app.CreateUserAsync("stranger@example.com", "Stan", "Stranger");
        var ivy = (await s.LoadAsync()).Recipients.Single(x => x.Email == "ivy@example.com");
        Assert.Null(ivy.TokenHash); // no mailed link exists
        Assert.Empty(await s.OutboxAsync(OutboxKinds.SignerInvite));

        var links = app.Get<EmbeddedLinks>();
        var sender = new Actor(OwnerEmail, "198.51.100.4", "sender-agent/2.0");
        // Another user cannot make the link; the request is not theirs.
        var refused = await Assert.ThrowsAsync<AppException>(() => links.CreateInPersonLinkAsync(stranger, s.RequestId, ivy.Id, sender));
        Assert.Equal(ESignWeb.Api.ApiErrorCode.UnauthorizedResource, refused.Code);
        // Bob is not in person, and not yet his turn: no in-person link for him.
        var bob = (await s.LoadAsync()).Recipients.Single(x => x.Email == "bob@example.com");
        await Assert.ThrowsAsync<AppException>(() => links.CreateInPersonLinkAsync(s.Owner, s.RequestId, bob.Id, sender));

        var path = await links.CreateInPersonLinkAsync(s.Owner, s.RequestId, ivy.Id, sender);
        Assert.StartsWith("sign/emb_", path);
        var token = path["sign/".Length..];
        // The page opens only in the owner's session: not anonymously, not for another user.
        Assert.Equal(SigningState.InPersonOnly, (await s.Signing.OpenAsync(token, SignerActor)).State);
        Assert.Equal(SigningState.InPersonOnly, (await s.Signing.OpenAsync(token, SignerActor, viewerUserId: stranger)).State);
        Assert.Equal(SigningState.Ready, (await s.Signing.OpenAsync(token, SignerActor, viewerUserId: s.Owner)).State);
        await s.SignAsync(token, s.Owner);

        var inPerson = Assert.Single(await s.EventsAsync(), e => e.Type == AuditEventType.InPerson);
        Assert.Equal(("in_person", OwnerEmail, "198.51.100.4", "sender-agent/2.0"), (inPerson.Type.StoredName(), inPerson.ActorEmail, inPerson.Ip, inPerson.UserAgent));
        Assert.Contains($"\"recipient_id\":{ivy.Id}", inPerson.Data);

        await s.SignAsync(await s.TokenOfAsync("bob@example.com"));
        var done = await s.WaitForStatusAsync(RequestStatus.Complete);
        var completed = await Poll.UntilAsync(async () => await s.OutboxAsync(OutboxKinds.CompletedNotice) is { Count: >= 2 } l ? l : null, 30);
        Assert.DoesNotContain(completed, m => m.Summary.Contains("ivy@"));
        Assert.DoesNotContain(await s.OutboxAsync(OutboxKinds.SignerInvite), m => m.Summary.Contains("ivy@"));

        var detail = await s.Requests.GetDetailAsync(s.Owner, s.RequestId);
        var certificate = await SigningFlowTests.PdfTextAsync(await app.Get<IBlobStore>().ReadAllBytesAsync(detail.SignedFile!.BlobKey));
        Assert.Contains($"Signed in person, hosted by {OwnerEmail}", certificate);
        Assert.Equal(RecipientStatus.Finalized, done.Recipients.Single(x => x.Email == "ivy@example.com").Status);
        await smtp.WaitForMessageToAsync("bob@example.com", m => m.Attachments.Any(), timeoutSeconds: 60);
        Assert.Empty(smtp.MessagesTo("ivy@example.com"));
    }
}
