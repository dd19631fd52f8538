using System.Net;
using ESignWeb.Hosting;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ESignWeb.Mail;

/// <summary>The content of one mail before it becomes MIME.</summary>
public sealed record MailContent(string ToAddress, string? ToName, string Subject, string Html, string Text,
    string? ReplyTo = null, string? ReplyToName = null);

/// <summary>Builds the product's mails (plain HTML with a text alternative; user text is always HTML-encoded).</summary>
public sealed class MailComposer(IOptions<SmtpOptions> smtp, IOptions<ESignOptions> esign)
{
    public MimeMessage ToMime(MailContent c, IEnumerable<(string Name, byte[] Content)>? attachments = null)
    {
        var m = new MimeMessage();
        m.From.Add(new MailboxAddress(smtp.Value.FromName, smtp.Value.FromAddress));
        m.To.Add(new MailboxAddress(c.ToName ?? "", c.ToAddress));
        if (!string.IsNullOrWhiteSpace(c.ReplyTo)) m.ReplyTo.Add(new MailboxAddress(c.ReplyToName ?? "", c.ReplyTo));
        m.Subject = c.Subject;
        var body = new BodyBuilder { HtmlBody = c.Html, TextBody = c.Text };
        foreach (var (name, content) in attachments ?? []) body.Attachments.Add(name, content, new ContentType("application", "pdf"));
        m.Body = body.ToMessageBody();
        return m;
    }

    public MailContent SignerInvite(string toEmail, string toName, string senderName, string senderEmail,
        string documentName, string? message, string link, bool reminder = false)
    {
        var product = esign.Value.ProductName;
        var subject = reminder
            ? $"Reminder: {senderName} is waiting for your signature on \"{documentName}\""
            : $"{senderName} sent you \"{documentName}\" to sign";
        var intro = $"{senderName} ({senderEmail}) has asked you to sign \"{documentName}\".";
        var text = $"Hello {toName},\n\n{intro}\n\n" +
                   (string.IsNullOrWhiteSpace(message) ? "" : $"Message from {senderName}:\n{message}\n\n") +
                   $"Review and sign the document here:\n{link}\n\n" +
                   $"This link is personal: do not forward it.\n\n— {product}\n";
        var html = Layout(subject,
            $"<p>Hello {E(toName)},</p><p>{E(intro)}</p>" +
            (string.IsNullOrWhiteSpace(message) ? "" :
                $"<blockquote style=\"border-left:3px solid #ccc;margin:1em 0;padding:.2em 1em;color:#333\">{E(message).Replace("\n", "<br>")}</blockquote>") +
            Button(link, "Review and sign") +
            $"<p style=\"color:#666;font-size:13px\">Or paste this link into your browser: {E(link)}<br>This link is personal: do not forward it.</p>");
        return new MailContent(toEmail, toName, subject, html, text, senderEmail, senderName);
    }

    public MailContent CcNotice(string toEmail, string senderName, string senderEmail, string documentName,
        IEnumerable<string> signers, string? message)
    {
        var subject = $"{senderName} sent \"{documentName}\" for signature (you are in copy)";
        var list = string.Join(", ", signers);
        var text = $"Hello,\n\n{senderName} ({senderEmail}) sent \"{documentName}\" for signature to {list}. " +
                   "You are in copy and will receive the signed document when everyone has signed.\n\n" +
                   (string.IsNullOrWhiteSpace(message) ? "" : $"Message:\n{message}\n\n") + $"— {esign.Value.ProductName}\n";
        var html = Layout(subject,
            $"<p>Hello,</p><p>{E(senderName)} ({E(senderEmail)}) sent \"{E(documentName)}\" for signature to {E(list)}.</p>" +
            "<p>You are in copy and will receive the signed document when everyone has signed.</p>" +
            (string.IsNullOrWhiteSpace(message) ? "" : $"<blockquote>{E(message).Replace("\n", "<br>")}</blockquote>"));
        return new MailContent(toEmail, null, subject, html, text, senderEmail, senderName);
    }

    public MailContent Declined(string toEmail, string toName, string documentName, string signerName, string signerEmail, string reason, string link)
    {
        var subject = $"{signerName} declined to sign \"{documentName}\"";
        var text = $"Hello {toName},\n\n{signerName} ({signerEmail}) declined to sign \"{documentName}\".\n\nReason given:\n{reason}\n\n" +
                   $"The request is closed and its signing links no longer work. Details: {link}\n";
        var html = Layout(subject, $"<p>Hello {E(toName)},</p><p>{E(signerName)} ({E(signerEmail)}) declined to sign \"{E(documentName)}\".</p>" +
                                   $"<p><b>Reason given:</b></p><blockquote>{E(reason).Replace("\n", "<br>")}</blockquote>" +
                                   "<p>The request is closed and its signing links no longer work.</p>" + Button(link, "View the request"));
        return new MailContent(toEmail, toName, subject, html, text);
    }

    public MailContent Voided(string toEmail, string toName, string senderName, string senderEmail, string documentName, string? message)
    {
        var subject = $"{senderName} voided \"{documentName}\"";
        var text = $"Hello {toName},\n\n{senderName} ({senderEmail}) voided the signature request for \"{documentName}\". " +
                   "You no longer need to sign it, and its link no longer works.\n\n" +
                   (string.IsNullOrWhiteSpace(message) ? "" : $"Message:\n{message}\n");
        var html = Layout(subject, $"<p>Hello {E(toName)},</p><p>{E(senderName)} ({E(senderEmail)}) voided the signature request for \"{E(documentName)}\". " +
                                   "You no longer need to sign it, and its link no longer works.</p>" +
                                   (string.IsNullOrWhiteSpace(message) ? "" : $"<blockquote>{E(message).Replace("\n", "<br>")}</blockquote>"));
        return new MailContent(toEmail, toName, subject, html, text, senderEmail, senderName);
    }

    public MailContent Completed(string toEmail, string? toName, string documentName, IEnumerable<string> signers, string? link, bool attached)
    {
        var subject = $"Completed: \"{documentName}\" has been signed by everyone";
        var list = string.Join(", ", signers);
        var text = $"Hello{(string.IsNullOrWhiteSpace(toName) ? "" : " " + toName)},\n\n\"{documentName}\" has been signed by {list}." +
                   (attached ? " The signed document and its audit trail are attached." : "") +
                   (link is null ? "" : $"\n\nDownload it here: {link}") + "\n";
        var html = Layout(subject, $"<p>Hello{(string.IsNullOrWhiteSpace(toName) ? "" : " " + E(toName))},</p><p>\"{E(documentName)}\" has been signed by {E(list)}." +
                                   (attached ? " The signed document and its audit trail are attached." : "") + "</p>" +
                                   (link is null ? "" : Button(link, "Download the signed document")));
        return new MailContent(toEmail, toName, subject, html, text);
    }

    public string Layout(string title, string inner) =>
        "<!DOCTYPE html><html><body style=\"font-family:Arial,Helvetica,sans-serif;font-size:15px;color:#222;max-width:600px;margin:auto;padding:16px\">" +
        $"<h2 style=\"font-size:18px\">{E(title)}</h2>{inner}" +
        $"<hr style=\"border:none;border-top:1px solid #eee\"><p style=\"color:#999;font-size:12px\">Sent by {E(esign.Value.ProductName)}</p></body></html>";

    public static string Button(string href, string label) =>
        $"<p style=\"margin:24px 0\"><a href=\"{E(href)}\" style=\"background:#3949ab;color:#fff;padding:12px 20px;border-radius:4px;text-decoration:none;font-weight:bold\">{E(label)}</a></p>";

    private static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
}
