using ESignWeb.Audit;

namespace ESignWeb.Webhooks;

/// <summary>Every webhook event ESignWeb sends, closed (see <see cref="WebhookEventTypes"/> for the wire names).</summary>
public enum WebhookEventType
{
    Initiated,
    Viewed,
    Signed,
    Declined,
    Voided,
    Reminded,
    Completed,
    DocumentSigned,
    /// <summary>Our addition to SignEasy's set: a request's time (days_valid) ran out.</summary>
    Expired,
}

/// <summary>The one place a webhook event is named on the wire, and the one mapping from audit events to webhooks.</summary>
public static class WebhookEventTypes
{
    public static IReadOnlyList<WebhookEventType> All { get; } = Enum.GetValues<WebhookEventType>();

    /// <summary>The seed's event name: <c>metadata.event_type</c>, the <c>X-ESign-Event-Type</c> header and the stored delivery row.</summary>
    public static string WireName(this WebhookEventType t) => t switch
    {
        WebhookEventType.Initiated => "rs.initiated",
        WebhookEventType.Viewed => "rs.viewed",
        WebhookEventType.Signed => "rs.signed",
        WebhookEventType.Declined => "rs.declined",
        WebhookEventType.Voided => "rs.voided",
        WebhookEventType.Reminded => "rs.reminded",
        WebhookEventType.Completed => "rs.completed",
        WebhookEventType.DocumentSigned => "document.signed",
        WebhookEventType.Expired => "rs.expired",
    };

    /// <summary>
    /// Which webhook a request's audit event raises (null: none). <c>document.signed</c> is raised by self-signing,
    /// which has no request and no stored audit event.
    /// </summary>
    public static WebhookEventType? RaisedBy(AuditEventType t) => t switch
    {
        AuditEventType.Created => null,
        AuditEventType.Sent => WebhookEventType.Initiated,
        AuditEventType.MailDelivered => null,
        AuditEventType.Viewed => WebhookEventType.Viewed,
        AuditEventType.Consented => null,
        AuditEventType.Signed => WebhookEventType.Signed,
        AuditEventType.Declined => WebhookEventType.Declined,
        AuditEventType.Voided => WebhookEventType.Voided,
        AuditEventType.Reminded => WebhookEventType.Reminded,
        AuditEventType.Completed => WebhookEventType.Completed,
        AuditEventType.Expired => WebhookEventType.Expired,
        // An approval finishes the approver's part: the same event as a signer finishing (the seed names no other).
        AuditEventType.Approved => WebhookEventType.Signed,
        AuditEventType.InPerson => null,
        AuditEventType.PasswordFailed or AuditEventType.PasswordVerified or AuditEventType.PhoneCodeSent
            or AuditEventType.PhoneCodeFailed or AuditEventType.PhoneVerified => null,
        AuditEventType.SignerPasswordSet => null,
    };
}
