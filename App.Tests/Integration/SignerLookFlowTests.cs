using ESignWeb.Api;
using ESignWeb.Audit;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Requests;
using ESignWeb.Signing;
using ESignWeb.Tests.Fixtures;
using ESignWeb.Tests.Unit;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// What signers see and receive, through the real services: the invitation's subject and message (as written to the
/// mail outbox), text signatures turned off (refused by the server), ink and redirects on the signer's session, and
/// the dashboard search by external id.
/// </summary>
public class SignerLookFlowTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public SignerLookFlowTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    private static readonly Actor Someone = new(null, "127.0.0.1", "test-agent/1.0");

    [Fact]
    public async Task The_invitation_uses_the_requests_subject_and_cleaned_message()
    {
        var email = $"una-{Guid.NewGuid():N}@example.com";
        var s = new SigningScenario(_app)
        {
            Configure = d =>
            {
                d.Options.EmailSubject = " Q3 contract: please sign ";
                Assert.Null(DraftEditor.SetMessage(d, "Hello <b>Una</b>,\nsee https://example.com/q3 <span style=\"color:red\">now</span>"));
            },
        };
        await s.SendAsync(false, email);

        // Stored as typed (the message box shows the sender's own text again); cleaned in the mail.
        var stored = (await s.LoadAsync()).Message;
        Assert.Equal("Hello <b>Una</b>,\nsee https://example.com/q3 <span style=\"color:red\">now</span>", stored);
        var mail = await Poll.UntilAsync(() => Task.FromResult(MailTo(email)), 60);
        Assert.Equal("Q3 contract: please sign", mail.Subject);
        Assert.Contains("Hello <b>Una</b>,\nsee <a href=\"https://example.com/q3\">https://example.com/q3</a> now", mail.HtmlBody);
        Assert.Contains("Hello Una,\nsee https://example.com/q3 now", mail.TextBody.Replace("\r\n", "\n"));
        Assert.DoesNotContain("<b>", mail.TextBody);
    }

    [Fact]
    public async Task The_message_box_gets_back_what_was_typed_and_the_mail_gets_it_cleaned()
    {
        const string typed = "A & B <b>x</b> https://x.test";
        var email = $"rio-{Guid.NewGuid():N}@example.com";
        // Save the draft and reload it (what the prepare page's message box shows): exactly the sender's text, no &amp;,
        // no link they never typed.
        var owner = await _app.CreateUserAsync($"box-{Guid.NewGuid():N}@example.com");
        var doc = await _app.Get<DocumentService>().ImportAsync(owner, "Contract.pdf", new MemoryStream(TestPdf.Pages(1)), false);
        var requests = _app.Get<RequestService>();
        var id = await requests.CreateDraftAsync(owner, doc.Id, Someone);
        var draft = await requests.LoadDraftAsync(owner, id);
        Assert.Null(DraftEditor.SetMessage(draft, typed));
        await requests.SaveDraftAsync(owner, draft);
        Assert.Equal(typed, (await requests.LoadDraftAsync(owner, id)).Message);

        var s = new SigningScenario(_app) { Configure = d => Assert.Null(DraftEditor.SetMessage(d, typed)) };
        await s.SendAsync(false, email);
        const string cleaned = "A &amp; B <b>x</b> <a href=\"https://x.test\">https://x.test</a>";
        var mail = await Poll.UntilAsync(() => Task.FromResult(MailTo(email)), 60);
        Assert.Contains(cleaned, mail.HtmlBody);
        Assert.Contains("A & B x https://x.test", mail.TextBody);
        // The signer's page and the request page render the same cleaned HTML from the typed text.
        var session = await s.Signing.OpenAsync(await s.TokenOfAsync(email), Someone);
        Assert.Equal(cleaned, SenderMessage.Clean(session.SenderMessage));
        Assert.Equal(typed, (await s.Requests.GetDetailAsync(s.Owner, s.RequestId)).Message);
    }

    [Fact]
    public async Task Without_a_subject_the_invitation_keeps_ours()
    {
        var email = $"vic-{Guid.NewGuid():N}@example.com";
        await new SigningScenario(_app).SendAsync(false, email);
        var mail = await Poll.UntilAsync(() => Task.FromResult(MailTo(email)), 60);
        Assert.Contains("Contract", mail.Subject); // "… sent you "Contract" to sign"
    }

    [Fact]
    public async Task A_script_in_the_message_is_refused_precisely_and_creates_nothing()
    {
        var owner = await _app.CreateUserAsync($"scr-{Guid.NewGuid():N}@example.com");
        var doc = await _app.Get<DocumentService>().ImportAsync(owner, "Contract.pdf", new MemoryStream(TestPdf.Pages(1)), false);
        var requests = _app.Get<RequestService>();
        var ex = await Assert.ThrowsAsync<AppException>(() => requests.CreateAndSendAsync(owner, doc.Id, d =>
        {
            d.Name = "Contract";
            DraftEditor.AddSigner(d, "sam@example.com", "Sam", "Signer");
            DraftEditor.AddField(d, FieldType.Signature, d.Signers[0].Key, 1, new PdfRect(72, 600, 160, 40));
            return DraftEditor.SetMessage(d, "Hi <script>alert(1)</script>");
        }, Someone));
        Assert.Equal(ApiErrorCode.BadRequest, ex.Code);
        Assert.Contains("<script>", ex.Message);
        await using var db = await _app.Get<IDbContextFactory<Data.AppDbContext>>().CreateDbContextAsync();
        Assert.False(await db.Requests.AnyAsync(r => r.OwnerId == owner));
    }

    [Fact]
    public async Task A_typed_signature_is_refused_when_text_signatures_are_off()
    {
        var email = $"wes-{Guid.NewGuid():N}@example.com";
        var s = new SigningScenario(_app)
        {
            Configure = d =>
            {
                d.Options.TextSignaturesEnabled = false;
                d.Options.SignatureColor = SignatureColor.Red;
                d.Options.RedirectUrl = "https://crm.example/done";
                d.Signers[0].Options.DeclinedRedirectUrl = "https://crm.example/why";
            },
        };
        await s.SendAsync(false, email);
        var token = await s.TokenOfAsync(email);
        var session = await s.Signing.OpenAsync(token, Someone);
        Assert.False(session.TextSignatures);
        Assert.Equal(Ink.Red, session.InkCss);
        Assert.Equal(new RedirectTargets("https://crm.example/done", "https://crm.example/why"), session.Redirects);
        await s.Signing.ConsentAsync(token, Someone);
        var signature = session.MyFields.Single(f => f.Type == FieldType.Signature);

        var ex = await Assert.ThrowsAsync<AppException>(() =>
            s.Signing.FillAsync(token, signature.Id, new FieldInput(Image: TestImages.SignaturePng(), Source: "type:Wes Signer")));
        Assert.Contains("typed signatures", ex.Message);
        Assert.False((await s.Signing.OpenAsync(token, Someone)).MyFields.Single(f => f.Id == signature.Id).Filled);

        await s.Signing.FillAsync(token, signature.Id, new FieldInput(Image: TestImages.SignaturePng(), Source: "draw"));
        Assert.True((await s.Signing.OpenAsync(token, Someone)).MyFields.Single(f => f.Id == signature.Id).Filled);
    }

    [Fact]
    public async Task Typed_signatures_are_accepted_by_default()
    {
        var email = $"xia-{Guid.NewGuid():N}@example.com";
        var s = await new SigningScenario(_app).SendAsync(false, email);
        var token = await s.TokenOfAsync(email);
        var session = await s.Signing.OpenAsync(token, Someone);
        Assert.True(session.TextSignatures);
        Assert.Equal(Ink.Black, session.InkCss);
        await s.Signing.ConsentAsync(token, Someone);
        var signature = session.MyFields.Single(f => f.Type == FieldType.Signature);
        await s.Signing.FillAsync(token, signature.Id, new FieldInput(Image: TestImages.SignaturePng(), Source: "type:Xia Signer"));
        Assert.True((await s.Signing.OpenAsync(token, Someone)).MyFields.Single(f => f.Id == signature.Id).Filled);
    }

    [Fact]
    public async Task The_dashboard_search_finds_the_owners_requests_by_external_id_exactly_or_by_prefix()
    {
        var owner = await _app.CreateUserAsync($"ext-{Guid.NewGuid():N}@example.com");
        var first = new SigningScenario(_app) { Owner = owner, Configure = d => d.Options.ExternalId = "CRM-1001" };
        await first.SendAsync(false, "a@example.com");
        var second = new SigningScenario(_app) { Owner = owner, Configure = d => d.Options.ExternalId = "CRM-2002" };
        await second.SendAsync(false, "b@example.com");
        var stranger = new SigningScenario(_app) { Configure = d => d.Options.ExternalId = "CRM-1001" };
        await stranger.SendAsync(false, "c@example.com");

        var requests = _app.Get<RequestService>();
        var lists = _app.Get<DashboardLists>();
        Assert.Equal([first.RequestId], (await lists.PageAsync(owner, new DashboardFilters().WithSearch("CRM-1001"))).Rows.Select(r => r.Id));
        Assert.Equal([first.RequestId], (await lists.PageAsync(owner, new DashboardFilters().WithSearch("crm-10"))).Rows.Select(r => r.Id));
        Assert.Equal([second.RequestId, first.RequestId], (await lists.PageAsync(owner, new DashboardFilters().WithSearch("CRM-"))).Rows.Select(r => r.Id));
        Assert.Empty((await lists.PageAsync(owner, new DashboardFilters().WithSearch("1001"))).Rows); // a prefix, not anywhere in it
        Assert.Equal("CRM-2002", (await requests.GetDetailAsync(owner, second.RequestId)).ExternalId);
    }

    private MimeMessage? MailTo(string email)
    {
        var outbox = Path.Combine(_app.DataDir, "outbox");
        if (!Directory.Exists(outbox)) return null;
        foreach (var file in Directory.GetFiles(outbox, "*.eml"))
        {
            try
            {
                var m = MimeMessage.Load(file);
                if (m.To.Mailboxes.Any(x => string.Equals(x.Address, email, StringComparison.OrdinalIgnoreCase))) return m;
            }
            catch (Exception e) when (e is IOException or FormatException) { } // still being written
        }
        return null;
    }
}
