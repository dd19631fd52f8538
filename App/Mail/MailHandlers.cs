using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Outbox;
using ESignWeb.Requests;
using ESignWeb.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Mail;

/// <summary>Mails a signer their link. The link is rebuilt from the recipient's nonce at send time (never stored).</summary>
public sealed class SignerInviteHandler(
    IDbContextFactory<AppDbContext> dbFactory, RecipientTokens tokens, MailComposer composer, IMailTransport transport, TimeProvider clock,
    Hosting.PublicLinks links, ILogger<SignerInviteHandler> log)
    : IOutboxHandler
{
    public string Kind => OutboxKinds.SignerInvite;

    public async Task<string?> HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var p = OutboxWriter.Read<SignerInvite>(message);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var r = await db.Recipients.AsNoTracking().Include(x => x.Request).ThenInclude(x => x!.Document)
                    .SingleOrDefaultAsync(x => x.Id == p.RecipientId, ct)
                ?? throw new PermanentOutboxFailure("The recipient no longer exists.");
        var request = r.Request!;
        if (request.Status != RequestStatus.Incomplete)
            return $"skipped: request is {WireNames.Of(request.Status)}";
        // A final-copy reader is never invited nor reminded: receiving the signed copy is all they do.
        if (!Signing.RoleWords.For(r.Role).IsInvited) return "skipped: a final-copy reader is not invited";
        if (!RequestWorkflow.IsMailed(request, r))
            return r.IsInPerson ? "skipped: signs in person (not mailed)" : "skipped: embedded signing (signers are not mailed)";
        var owner = await MailLoads.OwnerAsync(db, request.OwnerId, ct);
        var token = tokens.TokenFor(r) ?? throw new PermanentOutboxFailure("The recipient has no signing link.");
        var link = links.Signing(token);
        // An order group of several: name the others of the group (everyone acting at the same step).
        var mates = request.IsOrdered
            ? await db.Recipients.AsNoTracking().Where(x => x.RequestId == request.Id && x.Id != r.Id && x.OrderId == r.OrderId && x.Role != RecipientRole.FinalCopyReader)
                .OrderBy(x => x.Id).Select(x => (x.FirstName + " " + x.LastName).Trim()).ToListAsync(ct)
            : [];
        var content = composer.SignerInvite(r.Email, r.FullName, owner.DisplayName, owner.Email ?? "",
            request.Name, request.Message, link, p.Reminder, r.Language, mates, request.EmailSubject, r.Role);
        var delivered = await transport.SendAsync(composer.ToMime(content), ct);
        try
        {
            await dbFactory.WriteAsync(async w =>
                await AuditLog.AppendAsync(w, request.Id, AuditEventType.MailDelivered, new Actor(null), clock.GetUtcNow(),
                    new { to = r.Email, kind = p.Reminder ? "reminder" : "invitation" }, ct), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The mail is out; failing here would send it again on retry. The event is lost, and logged.
            log.LogError(ex, "Could not record delivery of the invitation to recipient {RecipientId}", r.Id);
        }
        return delivered;
    }
}

public sealed class CcNoticeHandler(IDbContextFactory<AppDbContext> dbFactory, MailComposer composer, IMailTransport transport)
    : RequestNoticeHandler<CcNotice>(OutboxKinds.CcNotice, n => n.RequestId, dbFactory, composer, transport)
{
    protected override MailContent Compose(CcNotice notice, SignatureRequest request, ApplicationUser owner) =>
        Composer.CcNotice(notice.Email, owner.DisplayName, owner.Email ?? "", request.Name,
            request.Recipients.OrderBy(x => x.OrderId).Select(x => $"{x.FullName} <{x.Email}>"), request.Message);
}

public sealed class PlainMailHandler(MailComposer composer, IMailTransport transport) : IOutboxHandler
{
    public string Kind => OutboxKinds.PlainMail;

    public async Task<string?> HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var p = OutboxWriter.Read<PlainMail>(message);
        return await transport.SendAsync(composer.ToMime(new MailContent(p.To, null, p.Subject, p.Html, p.Text)), ct);
    }
}

/// <summary>ASP.NET Core Identity's account mails (confirmation, password reset) go through the outbox too.</summary>
public sealed class OutboxIdentityEmailSender(
    IDbContextFactory<AppDbContext> dbFactory, MailComposer composer, OutboxSignal signal, TimeProvider clock)
    : IEmailSender<ApplicationUser>
{
    public Task SendConfirmationLinkAsync(ApplicationUser user, string email, string confirmationLink) =>
        EnqueueAsync(user, email, "Confirm your e-mail address",
            user.EmailConfirmed
                ? "Please confirm your e-mail address by opening this link:"
                // A never-confirmed account may have been registered by someone else: whoever reads this mail sets the password.
                : "Please confirm your account by opening this link. You will choose your password there; if you did not create this account, the link lets you take it over safely.",
            confirmationLink, "Confirm my account");

    public Task SendPasswordResetLinkAsync(ApplicationUser user, string email, string resetLink) =>
        EnqueueAsync(user, email, "Reset your password", "You asked to reset your password. Open this link to choose a new one:",
            resetLink, "Reset my password");

    public Task SendPasswordResetCodeAsync(ApplicationUser user, string email, string resetCode) =>
        EnqueueAsync(user, email, "Reset your password", $"Your password reset code is: {resetCode}", null, null);

    private async Task EnqueueAsync(ApplicationUser user, string email, string subject, string intro, string? link, string? label)
    {
        // Identity hands over links HTML-encoded; the text part wants them plain.
        var plainLink = link is null ? null : System.Net.WebUtility.HtmlDecode(link);
        var html = composer.Layout(subject, $"<p>{System.Net.WebUtility.HtmlEncode(intro)}</p>" +
                                            (plainLink is null ? "" : MailComposer.Button(plainLink, label!)));
        var text = intro + (plainLink is null ? "" : "\n\n" + plainLink) + "\n";
        await using var db = await dbFactory.CreateDbContextAsync();
        OutboxWriter.Enqueue(db, OutboxKinds.PlainMail, new PlainMail(email, subject, html, text), $"{subject} → {email}",
            user.Id, clock.GetUtcNow());
        await db.SaveChangesAsync();
        signal.Notify();
    }
}

/// <summary>Tells the sender that a signer declined, with the reason.</summary>
public sealed class DeclinedNoticeHandler(
    IDbContextFactory<AppDbContext> dbFactory, MailComposer composer, IMailTransport transport, Hosting.PublicLinks links)
    : RequestNoticeHandler<DeclinedNotice>(OutboxKinds.DeclinedNotice, n => n.RequestId, dbFactory, composer, transport)
{
    protected override MailContent Compose(DeclinedNotice notice, SignatureRequest request, ApplicationUser owner)
    {
        var who = request.Recipients.Single(x => x.Id == notice.RecipientId);
        return Composer.Declined(owner.Email ?? "", owner.DisplayName, request.Name, who.FullName, who.Email, who.DeclineReason ?? "",
            links.RequestPage(request.Id));
    }
}

/// <summary>Tells a signer the request was voided.</summary>
public sealed class VoidNoticeHandler(IDbContextFactory<AppDbContext> dbFactory, MailComposer composer, IMailTransport transport)
    : IOutboxHandler
{
    public string Kind => OutboxKinds.VoidNotice;

    public async Task<string?> HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var p = OutboxWriter.Read<VoidNotice>(message);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var who = await db.Recipients.AsNoTracking().Include(x => x.Request).SingleOrDefaultAsync(x => x.Id == p.RecipientId, ct)
                  ?? throw new PermanentOutboxFailure("The recipient no longer exists.");
        var owner = await MailLoads.OwnerAsync(db, who.Request!.OwnerId, ct);
        var content = composer.Voided(who.Email, who.FullName, owner.DisplayName, owner.Email ?? "", who.Request!.Name, who.Request.VoidMessage, who.Language);
        return await transport.SendAsync(composer.ToMime(content), ct);
    }
}

/// <summary>The signed document is ready: mailed with the sealed PDF and audit trail attached (when not too large).</summary>
public sealed class CompletedNoticeHandler(
    IDbContextFactory<AppDbContext> dbFactory, MailComposer composer, IMailTransport transport, RecipientTokens tokens,
    ESignWeb.Storage.IBlobStore blobs, Hosting.PublicLinks links) : IOutboxHandler
{
    private const long MaxAttachmentBytes = 10 * 1024 * 1024;

    public string Kind => OutboxKinds.CompletedNotice;

    public async Task<string?> HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var p = OutboxWriter.Read<CompletedNotice>(message);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var request = await MailLoads.RequestAsync(db, p.RequestId, ct);
        var signed = await db.SignedFiles.AsNoTracking().SingleOrDefaultAsync(x => x.RequestId == request.Id, ct)
                     ?? throw new PermanentOutboxFailure("The request has no signed file.");
        var recipient = p.RecipientId is { } rid ? request.Recipients.SingleOrDefault(x => x.Id == rid) : null;
        var ownerEmail = await db.Users.AsNoTracking().Where(u => u.Id == request.OwnerId).Select(u => u.Email).SingleAsync(ct);
        // Signers: their own link (it offers the signed copy now); the sender: the request page; CCs: a copy link.
        var link = recipient is not null && tokens.TokenFor(recipient) is { } token ? links.Signing(token)
            : p.Email == ownerEmail ? links.RequestPage(request.Id)
            : links.Copy(request.Id, tokens.CopyToken(request.Id, p.Email));
        var attachments = new List<(string, byte[])>();
        if (blobs.Length(signed.BlobKey) + blobs.Length(signed.AuditTrailBlobKey) <= MaxAttachmentBytes)
        {
            attachments.Add((signed.Name, await blobs.ReadAllBytesAsync(signed.BlobKey, ct)));
            attachments.Add((Path.GetFileNameWithoutExtension(signed.Name) + " - audit trail.pdf", await blobs.ReadAllBytesAsync(signed.AuditTrailBlobKey, ct)));
        }
        // Who signed or approved: the actors (a final-copy reader signed nothing).
        var content = composer.Completed(p.Email, recipient?.FullName, request.Name,
            RequestWorkflow.Actors(request).Select(x => x.FullName), link, attachments.Count > 0, recipient?.Language, recipient?.Role);
        return await transport.SendAsync(composer.ToMime(content, attachments), ct);
    }

}
