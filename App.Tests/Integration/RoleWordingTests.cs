using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Requests;
using ESignWeb.Signing;
using ESignWeb.Tests.E2E;
using ESignWeb.Tests.Fixtures;
using ESignWeb.Tests.Unit;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// The words of each role, end to end through the outbox and the SMTP sink (aiosmtpd): an approver is asked to review
/// and approve (invitation and reminder), never to sign; a final-copy reader is never invited and their completion
/// mail says it is their copy; the approver's consent is recorded in their words.
/// </summary>
[Collection(E2ECollection.Name)]
public class RoleWordingTests
{
    private const string OwnerEmail = "olga.words@example.com";
    private static readonly Actor SignerActor = new(null, "203.0.113.9", "words-agent/1.0");

    [Fact]
    public async Task An_approver_is_asked_to_review_and_approve_and_a_final_copy_reader_only_gets_their_copy()
    {
        var smtp = await SmtpSink.StartAsync();
        await using var sink = smtp;
        await using var app = new ESignAppFactory
        {
            Settings = new() { ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = smtp.Port.ToString(), ["Smtp:Security"] = "None", ["Smtp:TimeoutSeconds"] = "10" },
        };
        _ = app.Server;
        var owner = await app.CreateUserAsync(OwnerEmail, "Olga", "Owner");
        var doc = await app.Get<DocumentService>().ImportAsync(owner, "Contract.pdf", new MemoryStream(TestPdf.Pages(1)), false);
        var requests = app.Get<RequestService>();
        var id = await requests.CreateDraftAsync(owner, doc.Id, new Actor(OwnerEmail));
        var draft = await requests.LoadDraftAsync(owner, id);
        draft.IsOrdered = false;
        foreach (var (email, role) in new[] { ("ann@example.com", RecipientRole.Signer), ("apu@example.com", RecipientRole.Approver), ("fred@example.com", RecipientRole.FinalCopyReader) })
        {
            Assert.Null(DraftEditor.AddSigner(draft, email, email.Split('@')[0], "Person"));
            draft.Signers[^1].Options.Role = role;
        }
        DraftEditor.AddField(draft, FieldType.Signature, draft.Signers[0].Key, 1, new PdfRect(72, 600, 160, 40));
        await requests.SaveDraftAsync(owner, draft);
        await requests.SendAsync(owner, id, new Actor(OwnerEmail));

        // Invitations: the signer is asked to sign, the approver to review and approve — in subject, text, button.
        var ann = await smtp.WaitForMessageToAsync("ann@example.com", timeoutSeconds: 60);
        var apu = await smtp.WaitForMessageToAsync("apu@example.com", timeoutSeconds: 60);
        Assert.Equal("Olga Owner sent you \"Contract\" to sign", ann.Subject);
        Assert.Contains("Review and sign", ann.HtmlBody);
        Assert.Equal("Olga Owner sent you \"Contract\" to review and approve", apu.Subject);
        Assert.Contains("Olga Owner (olga.words@example.com) has asked you to review and approve \"Contract\".", apu.TextBody);
        Assert.Contains("Review and approve the document here:", apu.TextBody);
        Assert.Contains(">Review and approve</a>", apu.HtmlBody);
        foreach (var body in new[] { apu.Subject, apu.TextBody, apu.HtmlBody })
        foreach (var signerWords in new[] { "to sign", "and sign", "signature" })
            Assert.DoesNotContain(signerWords, body, StringComparison.OrdinalIgnoreCase);

        // A reminder: the approver's approval is awaited, not their signature.
        Assert.Contains("apu@example.com", await requests.RemindAsync(owner, id, new Actor(OwnerEmail)));
        var reminder = await smtp.WaitForMessageToAsync("apu@example.com", m => m.Subject.StartsWith("Reminder"), timeoutSeconds: 60);
        Assert.Equal("Reminder: Olga Owner is waiting for your approval of \"Contract\"", reminder.Subject);

        // The approver's consent is their own text, recorded word for word.
        var signing = app.Get<SigningService>();
        var tokens = app.Get<RecipientTokens>();
        Recipient Who(SignatureRequest r, string email) => r.Recipients.Single(x => x.Email == email);
        async Task<SignatureRequest> LoadAsync()
        {
            await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            return await db.Requests.AsNoTracking().Include(r => r.Recipients).SingleAsync(r => r.Id == id);
        }
        var sent = await LoadAsync();
        var apuToken = tokens.TokenFor(Who(sent, "apu@example.com"))!;
        var page = await signing.OpenAsync(apuToken, SignerActor);
        Assert.Equal(RoleWords.Approver, page.Words);
        await signing.ConsentAsync(apuToken, SignerActor);
        await signing.ApproveAsync(apuToken, SignerActor);
        var after = await signing.OpenAsync(apuToken, SignerActor);
        Assert.Equal((SigningState.AlreadySigned, "You have approved this document. You will receive the signed copy once everyone has finished."),
            (after.State, after.Message));
        await using (var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            var consent = await db.AuditEvents.AsNoTracking().SingleAsync(e => e.RequestId == id && e.Type == AuditEventType.Consented);
            Assert.Contains("I agree to use electronic records for this document and to give my approval electronically.", consent.Data);
        }

        var annToken = tokens.TokenFor(Who(sent, "ann@example.com"))!;
        var annPage = await signing.OpenAsync(annToken, SignerActor);
        await signing.ConsentAsync(annToken, SignerActor);
        foreach (var f in annPage.MyFields) await signing.FillAsync(annToken, f.Id, new FieldInput(Image: TestImages.SignaturePng(), Source: "draw"));
        await signing.FinishAsync(annToken, SignerActor);

        // The final-copy reader: no invitation, no reminder; one mail, which says it is their copy and names who signed.
        var fred = await smtp.WaitForMessageToAsync("fred@example.com", timeoutSeconds: 90);
        Assert.Equal("Your copy of \"Contract\": signed by everyone", fred.Subject);
        Assert.Contains("\"Contract\" has been signed by ann Person, apu Person.", fred.TextBody);
        Assert.Contains("You receive this copy at the sender's request: there was nothing for you to sign.", fred.TextBody);
        Assert.Single(smtp.MessagesTo("fred@example.com"));
        // The signer's completion mail keeps the ordinary words.
        var annDone = await smtp.WaitForMessageToAsync("ann@example.com", m => m.Subject.StartsWith("Completed"), timeoutSeconds: 60);
        Assert.DoesNotContain("Your copy", annDone.Subject);
    }
}
