using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Outbox;
using ESignWeb.Requests;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Mail;

/// <summary>Mails a signer their link. The link is rebuilt from the recipient's nonce at send time (never stored).</summary>
public sealed class SignerInviteHandler(
    IDbContextFactory<AppDbContext> dbFactory, RecipientTokens tokens, MailComposer composer, IMailTransport transport)
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
        var owner = await db.Users.AsNoTracking().SingleAsync(u => u.Id == request.OwnerId, ct);
        var token = tokens.TokenFor(r) ?? throw new PermanentOutboxFailure("The recipient has no signing link.");
        var link = $"{p.BaseUrl.TrimEnd('/')}/sign/{token}";
        var content = composer.SignerInvite(r.Email, r.FullName, owner.DisplayName, owner.Email ?? "",
            request.Name, request.Message, link);
        return await transport.SendAsync(composer.ToMime(content), ct);
    }
}

public sealed class CcNoticeHandler(IDbContextFactory<AppDbContext> dbFactory, MailComposer composer, IMailTransport transport)
    : IOutboxHandler
{
    public string Kind => OutboxKinds.CcNotice;

    public async Task<string?> HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var p = OutboxWriter.Read<CcNotice>(message);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var request = await db.Requests.AsNoTracking().Include(x => x.Recipients)
                          .SingleOrDefaultAsync(x => x.Id == p.RequestId, ct)
                      ?? throw new PermanentOutboxFailure("The request no longer exists.");
        var owner = await db.Users.AsNoTracking().SingleAsync(u => u.Id == request.OwnerId, ct);
        var content = composer.CcNotice(p.Email, owner.DisplayName, owner.Email ?? "", request.Name,
            request.Recipients.OrderBy(x => x.OrderId).Select(x => $"{x.FullName} <{x.Email}>"), request.Message);
        return await transport.SendAsync(composer.ToMime(content), ct);
    }
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
            "Please confirm your account by opening this link:", confirmationLink, "Confirm my account");

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
