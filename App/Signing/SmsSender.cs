using System.Text;
using ESignWeb.Hosting;
using ESignWeb.Requests;
using ESignWeb.Storage;
using Microsoft.Extensions.Options;

namespace ESignWeb.Signing;

/// <summary>Sends one text message. Throws when it could not.</summary>
public interface ISmsSender
{
    /// <summary>True when the SMS really leaves the machine (Twilio); false when it is written to the SMS folder.</summary>
    bool DeliversExternally { get; }

    /// <summary>Sends <paramref name="text"/> to <paramref name="to"/> (E.164) for a request; returns where it went.</summary>
    Task<string> SendAsync(string to, string text, int requestId, CancellationToken ct);
}

/// <summary>
/// No SMS provider configured (the default): each SMS becomes a text file in <c>&lt;DataPath&gt;/sms</c>, named
/// <c>{utc time}-r{request id}-{random}.txt</c> (first line <c>To: +…</c>, then the text), like the mail pickup folder.
/// </summary>
public sealed class SmsOutboxFolder(DataPaths paths, TimeProvider clock) : ISmsSender
{
    public bool DeliversExternally => false;

    public string Folder => Path.Combine(paths.Root, "sms");

    public async Task<string> SendAsync(string to, string text, int requestId, CancellationToken ct)
    {
        Directory.CreateDirectory(Folder);
        var name = $"{clock.GetUtcNow():yyyyMMdd-HHmmss-fff}-r{requestId}-{Guid.NewGuid():N}.txt";
        var temp = Path.Combine(paths.Temp, name + ".part");
        await File.WriteAllTextAsync(temp, $"To: {to}\n\n{text}\n", Encoding.UTF8, ct);
        var target = Path.Combine(Folder, name);
        File.Move(temp, target);
        return target;
    }

    /// <summary>
    /// One page of the SMS of some requests, newest first (for the Outbox page): every matching file is counted by its
    /// name; only the page's files are read.
    /// </summary>
    public Data.ListPage<SmsFile> List(IReadOnlySet<int> requestIds, Data.PageRequest page)
    {
        if (!Directory.Exists(Folder)) return new([], 0, page.Page, page.PageSize);
        var matching = new List<(string Path, string Name, int RequestId)>();
        foreach (var path in Directory.EnumerateFiles(Folder, "*.txt"))
        {
            var name = Path.GetFileName(path);
            var parts = name.Split('-');
            if (parts.Length < 5 || !parts[3].StartsWith('r') || !int.TryParse(parts[3][1..], out var rid) || !requestIds.Contains(rid)) continue;
            matching.Add((path, name, rid));
        }
        var rows = new List<SmsFile>();
        foreach (var (path, name, rid) in matching.OrderByDescending(m => m.Name, StringComparer.Ordinal).Skip((int)Math.Min(page.Skip, int.MaxValue)).Take(page.PageSize))
        {
            var lines = File.ReadAllLines(path);
            var to = lines.FirstOrDefault()?.Replace("To: ", "") ?? "";
            var written = File.GetLastWriteTimeUtc(path);
            rows.Add(new SmsFile(name, rid, to, string.Join('\n', lines.Skip(2)).Trim(), new DateTimeOffset(written, TimeSpan.Zero)));
        }
        return new(rows, matching.Count, page.Page, page.PageSize);
    }
}

public sealed record SmsFile(string Name, int RequestId, string To, string Text, DateTimeOffset WrittenAt);

/// <summary>Sends through Twilio (<c>Sms:Twilio:*</c>) with Twilio's C# library. The auth token is used only as its credential, never logged.</summary>
public sealed class TwilioSmsSender(IHttpClientFactory http, IOptions<SmsOptions> options) : ISmsSender
{
    public const string HttpClientName = "twilio";

    public bool DeliversExternally => true;

    /// <summary>Through Twilio's own library (its REST client over our named HttpClient); the token never reaches a log or an exception message.</summary>
    public async Task<string> SendAsync(string to, string text, int requestId, CancellationToken ct)
    {
        var o = options.Value.Twilio;
        var client = new Twilio.Clients.TwilioRestClient(o.AccountSid, o.AuthToken,
            httpClient: new Twilio.Http.SystemNetHttpClient(http.CreateClient(HttpClientName)));
        try
        {
            await Twilio.Rest.Api.V2010.Account.MessageResource.CreateAsync(
                to: new Twilio.Types.PhoneNumber(to), from: new Twilio.Types.PhoneNumber(o.From), body: text, client: client).WaitAsync(ct);
        }
        catch (Twilio.Exceptions.ApiException ex)
        {
            throw new InvalidOperationException($"Twilio refused the SMS: HTTP {ex.Status} (Twilio code {ex.Code}).");
        }
        return "twilio:" + PhoneNumber.Masked(to);
    }
}
