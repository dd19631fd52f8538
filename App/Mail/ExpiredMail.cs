using System.Globalization;
using System.Net;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Outbox;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Mail;

/// <summary>The sender's mail when a request expired (days_valid ran out), in English like the sender's other mails.</summary>
public static class ExpiredMail
{
    public static MailContent Compose(MailComposer composer, string toEmail, string toName, string documentName, DateTimeOffset expiredAt,
        IReadOnlyList<string> signed, IReadOnlyList<string> notSigned, string link)
    {
        var when = expiredAt.UtcDateTime.ToString("d MMMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var subject = $"\"{documentName}\" expired before everyone signed";
        var lines = new List<string>
        {
            $"Your request \"{documentName}\" expired on {when}, and its signing links no longer work.",
            notSigned.Count == 0 ? "" : $"Not signed: {string.Join(", ", notSigned)}.",
            signed.Count == 0 ? "Nobody had signed it." : $"Signed: {string.Join(", ", signed)}.",
            "To get it signed, send the document again.",
        };
        lines.RemoveAll(l => l.Length == 0);
        var text = $"Hello {toName},\n\n{string.Join("\n\n", lines)}\n\nDetails: {link}\n";
        var html = composer.Layout(subject, $"<p>Hello {E(toName)},</p>" + string.Concat(lines.Select(l => $"<p>{E(l)}</p>")) +
                                            MailComposer.Button(link, "View the request"));
        return new MailContent(toEmail, toName, subject, html, text);
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}

/// <summary>Tells the sender their request expired: who had signed and who had not.</summary>
public sealed class ExpiredNoticeHandler(
    IDbContextFactory<AppDbContext> dbFactory, MailComposer composer, IMailTransport transport, Hosting.PublicLinks links)
    : RequestNoticeHandler<ExpiredNotice>(OutboxKinds.ExpiredNotice, n => n.RequestId, dbFactory, composer, transport)
{
    protected override MailContent Compose(ExpiredNotice notice, SignatureRequest request, ApplicationUser owner)
    {
        var actors = RequestWorkflow.Actors(request).ToList();
        static string Name(Recipient x) => string.IsNullOrWhiteSpace(x.FullName) ? x.Email : $"{x.FullName} <{x.Email}>";
        return ExpiredMail.Compose(Composer, owner.Email ?? "", owner.DisplayName, request.Name,
            request.AutoExpireAt ?? request.ModifiedAt,
            actors.Where(x => x.Status == RecipientStatus.Finalized).Select(Name).ToList(),
            actors.Where(x => x.Status != RecipientStatus.Finalized).Select(Name).ToList(),
            links.RequestPage(request.Id));
    }
}
