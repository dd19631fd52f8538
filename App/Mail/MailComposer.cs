using System.Net;
using ESignWeb.Hosting;
using ESignWeb.Localization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ESignWeb.Mail;

/// <summary>The content of one mail before it becomes MIME.</summary>
public sealed record MailContent(string ToAddress, string? ToName, string Subject, string Html, string Text,
    string? ReplyTo = null, string? ReplyToName = null, string? Language = null);

/// <summary>
/// Builds the product's mails (plain HTML with a text alternative; user text is always HTML-encoded). The mails a
/// signer receives (invitation, reminder, void notice, completed copy) are written in the signer's language
/// (<see cref="SignerMailText"/> resources); the sender's and CC's mails are in English.
/// </summary>
public sealed class MailComposer(IOptions<SmtpOptions> smtp, IOptions<ESignOptions> esign, IStringLocalizer<SignerMailText> M)
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
        // A Content-* header belongs to the top-level entity (MimeKit writes and parses it there).
        if (c.Language is { } language) m.Body.Headers.Add(HeaderId.ContentLanguage, language);
        return m;
    }

    /// <param name="language">The signer's language (en, de, fr, es; anything else: English).</param>
    /// <param name="message">The sender's message: cleaned HTML (<see cref="Requests.SenderMessage"/>), shown as HTML in the
    /// HTML part and as text in the text part.</param>
    /// <param name="subject">The request's <c>email_subject</c> for the invitation; null or blank: ours. A reminder keeps ours.</param>
    /// <param name="role">What the recipient is asked to do (<see cref="Signing.RoleWords"/>): a signer to sign, an approver
    /// to review and approve; a final-copy reader is never invited.</param>
    public MailContent SignerInvite(string toEmail, string toName, string senderName, string senderEmail,
        string documentName, string? message, string link, bool reminder = false, string? language = null,
        IReadOnlyList<string>? groupMates = null, string? subject = null, Domain.RecipientRole role = Domain.RecipientRole.Signer)
    {
        var words = Signing.RoleWords.For(role);
        if (!words.IsInvited) throw new ArgumentException("A final-copy reader is never invited: they only receive the signed copy.", nameof(role));
        using var _ = SignerLanguages.Use(language);
        var product = esign.Value.ProductName;
        subject = reminder ? M[words.ReminderSubject!, senderName, documentName]
            : OneLine(subject) ?? M[words.InviteSubject!, senderName, documentName];
        var messageHtml = Requests.SenderMessage.Clean(message);
        message = Requests.SenderMessage.ToText(messageHtml);
        string intro = M[words.InviteIntro!, senderName, senderEmail, documentName];
        // Order groups: who else is asked at this step (they sign at the same time, in any order).
        if (groupMates is { Count: > 0 }) intro += " " + M["InviteGroupMates", string.Join(", ", groupMates)];
        string personal = M["PersonalLink"];
        var text = $"{M["Hello", toName]}\n\n{intro}\n\n" +
                   (string.IsNullOrWhiteSpace(message) ? "" : $"{M["MessageFrom", senderName]}\n{message}\n\n") +
                   $"{M[words.ReviewHere!]}\n{link}\n\n" +
                   $"{personal}\n\n— {product}\n";
        var html = Layout(subject,
            $"<p>{E(M["Hello", toName])}</p><p>{E(intro)}</p>" +
            (string.IsNullOrWhiteSpace(message) ? "" :
                $"<blockquote style=\"border-left:3px solid #ccc;margin:1em 0;padding:.2em 1em;color:#333;white-space:pre-wrap\">{messageHtml}</blockquote>") +
            Button(link, M[words.ReviewButton!]) +
            $"<p style=\"color:#666;font-size:13px\">{E(M["PasteLink"])} {E(link)}<br>{E(personal)}</p>", language);
        return new MailContent(toEmail, toName, subject, html, text, senderEmail, senderName, SignerLanguages.OrDefault(language));
    }

    public MailContent CcNotice(string toEmail, string senderName, string senderEmail, string documentName,
        IEnumerable<string> signers, string? message)
    {
        var subject = $"{senderName} sent \"{documentName}\" for signature (you are in copy)";
        var messageHtml = Requests.SenderMessage.Clean(message);
        message = Requests.SenderMessage.ToText(messageHtml);
        var list = string.Join(", ", signers);
        var text = $"Hello,\n\n{senderName} ({senderEmail}) sent \"{documentName}\" for signature to {list}. " +
                   "You are in copy and will receive the signed document when everyone has signed.\n\n" +
                   (string.IsNullOrWhiteSpace(message) ? "" : $"Message:\n{message}\n\n") + $"— {esign.Value.ProductName}\n";
        var html = Layout(subject,
            $"<p>Hello,</p><p>{E(senderName)} ({E(senderEmail)}) sent \"{E(documentName)}\" for signature to {E(list)}.</p>" +
            "<p>You are in copy and will receive the signed document when everyone has signed.</p>" +
            (string.IsNullOrWhiteSpace(message) ? "" : $"<blockquote style=\"white-space:pre-wrap\">{messageHtml}</blockquote>"));
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

    public MailContent Voided(string toEmail, string toName, string senderName, string senderEmail, string documentName, string? message,
        string? language = null)
    {
        using var _ = SignerLanguages.Use(language);
        string subject = M["VoidSubject", senderName, documentName];
        string body = M["VoidBody", senderName, senderEmail, documentName];
        var text = $"{M["Hello", toName]}\n\n{body}\n\n" +
                   (string.IsNullOrWhiteSpace(message) ? "" : $"{M["MessageLabel"]}\n{message}\n");
        var html = Layout(subject, $"<p>{E(M["Hello", toName])}</p><p>{E(body)}</p>" +
                                   (string.IsNullOrWhiteSpace(message) ? "" : $"<blockquote>{E(message).Replace("\n", "<br>")}</blockquote>"), language);
        return new MailContent(toEmail, toName, subject, html, text, senderEmail, senderName, SignerLanguages.OrDefault(language));
    }

    /// <param name="language">A signer's language; the sender and CCs get English (null).</param>
    /// <param name="role">The recipient's role; null for the sender and CCs. A final-copy reader's mail says it is their copy.</param>
    public MailContent Completed(string toEmail, string? toName, string documentName, IEnumerable<string> signers, string? link, bool attached,
        string? language = null, Domain.RecipientRole? role = null)
    {
        var words = Signing.RoleWords.For(role ?? Domain.RecipientRole.Signer);
        using var _ = SignerLanguages.Use(language);
        string subject = M[words.CompletedSubject, documentName];
        string hello = string.IsNullOrWhiteSpace(toName) ? M["HelloNoName"] : M["Hello", toName];
        string body = M["CompletedBody", documentName, string.Join(", ", signers)] + (attached ? " " + M["CompletedAttached"] : "")
                      + (words.CompletedNote is { } note ? " " + M[note] : "");
        var text = $"{hello}\n\n{body}" + (link is null ? "" : $"\n\n{M["DownloadHere", link]}") + "\n";
        var html = Layout(subject, $"<p>{E(hello)}</p><p>{E(body)}</p>" +
                                   (link is null ? "" : Button(link, M["DownloadButton"])), language);
        return new MailContent(toEmail, toName, subject, html, text, Language: language is null ? null : SignerLanguages.OrDefault(language));
    }

    /// <param name="language">The mail's language (a signer's); null: English, whatever culture the caller runs in
    /// (account mails are built inside the visitor's request, notices on the server's threads).</param>
    public string Layout(string title, string inner, string? language = null)
    {
        string footer;
        using (SignerLanguages.Use(language)) footer = M["SentBy", esign.Value.ProductName];
        return "<!DOCTYPE html><html><body style=\"font-family:Arial,Helvetica,sans-serif;font-size:15px;color:#222;max-width:600px;margin:auto;padding:16px\">" +
               $"<h2 style=\"font-size:18px\">{E(title)}</h2>{inner}" +
               $"<hr style=\"border:none;border-top:1px solid #eee\"><p style=\"color:#999;font-size:12px\">{E(footer)}</p></body></html>";
    }

    public static string Button(string href, string label) =>
        $"<p style=\"margin:24px 0\"><a href=\"{E(href)}\" style=\"background:#3949ab;color:#fff;padding:12px 20px;border-radius:4px;text-decoration:none;font-weight:bold\">{E(label)}</a></p>";

    private static string E(string? s) => WebUtility.HtmlEncode(s ?? "");

    /// <summary>A subject as one line (line breaks and other control characters become spaces); null when blank.</summary>
    public static string? OneLine(string? subject)
    {
        if (string.IsNullOrWhiteSpace(subject)) return null;
        var line = string.Join(' ', new string(subject.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return line.Length == 0 ? null : line;
    }
}
