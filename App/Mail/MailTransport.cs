using ESignWeb.Hosting;
using ESignWeb.Storage;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ESignWeb.Mail;

/// <summary>Hands a finished message to the world. Throws when it could not (the outbox retries).</summary>
public interface IMailTransport
{
    /// <summary>True when mail really leaves the machine (SMTP); false when it is written to the outbox folder.</summary>
    bool DeliversExternally { get; }

    Task<string> SendAsync(MimeMessage message, CancellationToken ct);
}

/// <summary>Sends through the SMTP server in the <c>Smtp</c> settings (MailKit).</summary>
public sealed class SmtpMailTransport(IOptions<SmtpOptions> options) : IMailTransport
{
    public bool DeliversExternally => true;

    public async Task<string> SendAsync(MimeMessage message, CancellationToken ct)
    {
        var o = options.Value;
        using var client = new SmtpClient { Timeout = o.TimeoutSeconds * 1000 };
        var security = Enum.TryParse<SecureSocketOptions>(o.Security, ignoreCase: true, out var s) ? s : SecureSocketOptions.Auto;
        await client.ConnectAsync(o.Host, o.Port, security, ct);
        if (!string.IsNullOrEmpty(o.UserName)) await client.AuthenticateAsync(o.UserName, o.Password, ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(true, ct);
        return $"smtp://{o.Host}:{o.Port}";
    }
}

/// <summary>No SMTP server configured: each message becomes an .eml file in <c>&lt;DataPath&gt;/outbox</c>.</summary>
public sealed class PickupFolderMailTransport(DataPaths paths) : IMailTransport
{
    public bool DeliversExternally => false;

    public async Task<string> SendAsync(MimeMessage message, CancellationToken ct)
    {
        var name = $"{DateTime.UtcNow:yyyyMMdd-HHmmss-fff}-{Guid.NewGuid():N}.eml";
        var temp = Path.Combine(paths.Temp, name + ".part");
        var target = Path.Combine(paths.Outbox, name);
        await using (var fs = File.Create(temp))
            await message.WriteToAsync(fs, ct);
        File.Move(temp, target);
        return target;
    }
}
