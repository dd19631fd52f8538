using System.Text.Json;
using ESignWeb.Data;
using ESignWeb.Domain;

namespace ESignWeb.Outbox;

/// <summary>Kinds of outbox work. Each has one <see cref="IOutboxHandler"/>.</summary>
public static class OutboxKinds
{
    /// <summary>Mail a signer their signing link. Payload: <see cref="SignerInvite"/>.</summary>
    public const string SignerInvite = "mail.signer_invite";

    /// <summary>Tell a CC address that a request was sent. Payload: <see cref="CcNotice"/>.</summary>
    public const string CcNotice = "mail.cc_notice";

    /// <summary>
    /// A ready-made account message (confirmation, password reset; Identity's mail). Payload: <see cref="PlainMail"/>.
    /// Its links let someone take an account or an address, so the Outbox page shows it to administrators only.
    /// </summary>
    public const string PlainMail = "mail.plain";

    /// <summary>Stamp, sign and store the final PDF of a request everyone has signed. Payload: <see cref="SealRequest"/>.</summary>
    public const string Seal = "seal.request";

    /// <summary>Tell the sender a signer declined, with the reason. Payload: <see cref="DeclinedNotice"/>.</summary>
    public const string DeclinedNotice = "mail.declined";

    /// <summary>Tell a signer the request was voided. Payload: <see cref="VoidNotice"/>.</summary>
    public const string VoidNotice = "mail.voided";

    /// <summary>The signed document is ready (to the sender, a signer or a CC). Payload: <see cref="CompletedNotice"/>.</summary>
    public const string CompletedNotice = "mail.completed";

    /// <summary>POST one webhook event to one callback URL. Payload: <see cref="Webhooks.WebhookDeliveryJob"/>.</summary>
    public const string Webhook = "webhook.deliver";

    /// <summary>
    /// Scheduled: remind one signer on day 3, 8, 13 or 18 after their invitation (<c>Requests/ReminderSchedule</c>);
    /// re-checked when it runs. Payload: <see cref="AutoReminder"/>.
    /// </summary>
    public const string AutoReminder = "request.auto_remind";

    /// <summary>Scheduled at <c>AutoExpireAt</c>: expire a request still out for signature. Payload: <see cref="AutoExpiry"/>.</summary>
    public const string AutoExpiry = "request.auto_expire";

    /// <summary>Tell the sender their request expired. Payload: <see cref="ExpiredNotice"/>.</summary>
    public const string ExpiredNotice = "mail.expired";

    /// <summary>Build one report as CSV and mail its download link (<c>Reports/ReportBuildHandler</c>). Payload: <see cref="ReportBuild"/>.</summary>
    public const string ReportBuild = "report.build";

    /// <summary>Scheduled at a report's expiry: delete its file (the link then answers 410). Payload: <see cref="ReportExpiry"/>.</summary>
    public const string ReportExpiry = "report.expire";
}

/// <param name="Reminder">A reminder rather than the first invitation.</param>
/// <remarks>The link is built at send time by <c>Hosting.PublicLinks</c> (older payloads' <c>baseUrl</c> is ignored).</remarks>
public sealed record SignerInvite(int RecipientId, bool Reminder = false);

public sealed record SealRequest(int RequestId);

public sealed record DeclinedNotice(int RequestId, int RecipientId);

public sealed record VoidNotice(int RecipientId);

/// <param name="RecipientId">Set for a signer (their link leads to the signed copy); null for the sender or a CC.</param>
public sealed record CompletedNotice(int RequestId, string Email, int? RecipientId);

public sealed record CcNotice(int RequestId, string Email);

/// <param name="InvitedAt">The invitation this reminder belongs to (<c>Recipient.NotifiedAt</c>); a later invitation makes it void.</param>
/// <param name="Day">Which reminder: day 3, 8, 13 or 18 after the invitation.</param>
public sealed record AutoReminder(int RecipientId, DateTimeOffset InvitedAt, int Day);

public sealed record AutoExpiry(int RequestId);

public sealed record ExpiredNotice(int RequestId);

/// <param name="UserId">Who asked (the mail goes to them; their <c>Reports/ReportScope</c> decides whose data).</param>
/// <param name="Type">The report type's wire name (<c>user_activity</c>, <c>document_status</c>).</param>
/// <param name="StartDate">First day, MM/DD/YYYY (UTC, inclusive).</param>
/// <param name="EndDate">Last day, MM/DD/YYYY (UTC, inclusive).</param>
public sealed record ReportBuild(string UserId, string Type, string StartDate, string EndDate);

public sealed record ReportExpiry(long ReportFileId);

public sealed record PlainMail(string To, string Subject, string Html, string Text);

/// <summary>Adds outbox messages to the caller's unit of work, so they commit with the state change.</summary>
public static class OutboxWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The payload column of a message carrying <paramref name="payload"/> (to find a job by what it is about).</summary>
    public static string PayloadOf<T>(T payload) => JsonSerializer.Serialize(payload, Json);

    public static OutboxMessage Enqueue<T>(AppDbContext db, string kind, T payload, string summary, string? ownerId,
        DateTimeOffset now)
    {
        var m = new OutboxMessage
        {
            Kind = kind,
            Payload = JsonSerializer.Serialize(payload, Json),
            Summary = summary.Length > 300 ? summary[..300] : summary,
            OwnerId = ownerId,
            CreatedAt = now,
            NextAttemptAt = now,
        };
        db.Outbox.Add(m);
        return m;
    }

    /// <summary>
    /// Like <see cref="Enqueue{T}"/>, but the message is not due before <paramref name="due"/> (the processors claim
    /// only messages whose <c>NextAttemptAt</c> has come, on the app's <see cref="TimeProvider"/>).
    /// </summary>
    public static OutboxMessage Schedule<T>(AppDbContext db, string kind, T payload, string summary, string? ownerId,
        DateTimeOffset now, DateTimeOffset due)
    {
        var m = Enqueue(db, kind, payload, summary, ownerId, now);
        m.NextAttemptAt = due > now ? due : now;
        return m;
    }

    public static T Read<T>(OutboxMessage m) =>
        JsonSerializer.Deserialize<T>(m.Payload, Json) ?? throw new InvalidOperationException($"Outbox message {m.Id} has no payload.");
}

/// <summary>Carries out one kind of outbox message. Throwing means "try again later".</summary>
public interface IOutboxHandler
{
    string Kind { get; }

    /// <summary>Does the work; returns where it went (for the Outbox page), e.g. an .eml path or "smtp".</summary>
    Task<string?> HandleAsync(OutboxMessage message, CancellationToken ct);

    /// <summary>How many attempts before the message is marked failed.</summary>
    int MaxAttempts => OutboxProcessor.MaxAttempts;

    /// <summary>How long to wait after the given number of failed attempts.</summary>
    TimeSpan RetryDelay(int attempts) => OutboxProcessor.Backoff(attempts);
}

/// <summary>A message whose work can never succeed (e.g. its recipient was deleted): do not retry it.</summary>
public sealed class PermanentOutboxFailure(string message) : Exception(message);
