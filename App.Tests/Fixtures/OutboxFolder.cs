using System.Text.RegularExpressions;
using MimeKit;

namespace ESignWeb.Tests.Fixtures;

/// <summary>The mail an app with no SMTP server wrote to <c>&lt;DataPath&gt;/outbox</c> (.eml files).</summary>
public static class OutboxFolder
{
    /// <summary>The signing link (<c>/sign/{token}</c>) of the first message to <paramref name="email"/> that has one; waits for it.</summary>
    public static Task<string> SigningLinkAsync(string dataDir, string email, int seconds = 60) =>
        Poll.UntilAsync(() =>
        {
            var outbox = Path.Combine(dataDir, "outbox");
            if (!Directory.Exists(outbox)) return Task.FromResult<string?>(null);
            foreach (var file in Directory.GetFiles(outbox, "*.eml").Order())
            {
                MimeMessage message;
                try { message = MimeMessage.Load(file); }
                catch (Exception e) when (e is IOException or FormatException) { continue; } // still being written
                if (!message.To.Mailboxes.Any(m => string.Equals(m.Address, email, StringComparison.OrdinalIgnoreCase))) continue;
                var link = Regex.Match(message.TextBody ?? "", @"http://127\.0\.0\.1:\d+/sign/[A-Za-z0-9_-]{43}").Value;
                if (link.Length > 0) return Task.FromResult<string?>(link);
            }
            return Task.FromResult<string?>(null);
        }, seconds);
}
