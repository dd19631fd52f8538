namespace ESignWeb.Audit;

/// <summary>
/// Every kind of audit event, closed. Adding one is one line here; the compiler then asks for its stored name, its
/// words and its webhook (the switches below and in <c>Webhooks/WebhookEventTypes.RaisedBy</c> have no default arm,
/// and CS8509 is an error in App.csproj).
/// </summary>
public enum AuditEventType
{
    Created,
    Sent,
    MailDelivered,
    Viewed,
    Consented,
    Signed,
    Declined,
    Voided,
    Reminded,
    Completed,
    Expired,
    /// <summary>An approver approved (role <c>approver</c>): finishes their part like <see cref="Signed"/>.</summary>
    Approved,
    /// <summary>An in-person signer's page was opened by the sender, who hosts the signing on their device.</summary>
    InPerson,
    PasswordFailed,
    PasswordVerified,
    PhoneCodeSent,
    PhoneCodeFailed,
    PhoneVerified,
    /// <summary>The sender set a new password for a signer's link (or removed it); a locked link opens again.</summary>
    SignerPasswordSet,
}

/// <summary>The one place an audit event type is named: as stored (and hashed) and as a person reads it.</summary>
public static class AuditEventTypes
{
    public static IReadOnlyList<AuditEventType> All { get; } = Enum.GetValues<AuditEventType>();

    /// <summary>
    /// The name in <c>AuditEvents.Type</c>, and so in every event's hash: never change one, or stored chains stop
    /// verifying.
    /// </summary>
    public static string StoredName(this AuditEventType t) => t switch
    {
        AuditEventType.Created => "created",
        AuditEventType.Sent => "sent",
        AuditEventType.MailDelivered => "mail_delivered",
        AuditEventType.Viewed => "viewed",
        AuditEventType.Consented => "consented",
        AuditEventType.Signed => "signed",
        AuditEventType.Declined => "declined",
        AuditEventType.Voided => "voided",
        AuditEventType.Reminded => "reminded",
        AuditEventType.Completed => "completed",
        AuditEventType.Expired => "expired",
        AuditEventType.Approved => "approved",
        AuditEventType.InPerson => "in_person",
        AuditEventType.PasswordFailed => "password_failed",
        AuditEventType.PasswordVerified => "password_verified",
        AuditEventType.PhoneCodeSent => "phone_code_sent",
        AuditEventType.PhoneCodeFailed => "phone_code_failed",
        AuditEventType.PhoneVerified => "phone_verified",
        AuditEventType.SignerPasswordSet => "signer_password_set",
    };

    /// <summary>The words for an event on the request page's history and in the audit trail PDF.</summary>
    public static string Describe(this AuditEventType t) => t switch
    {
        AuditEventType.Created => "Request created",
        AuditEventType.Sent => "Sent for signature",
        AuditEventType.MailDelivered => "Mail delivered",
        AuditEventType.Viewed => "Document viewed",
        AuditEventType.Consented => "Agreed to sign electronically",
        AuditEventType.Signed => "Signed",
        AuditEventType.Declined => "Declined",
        AuditEventType.Voided => "Voided by the sender",
        AuditEventType.Reminded => "Reminder sent",
        AuditEventType.Completed => "Completed and sealed",
        AuditEventType.Expired => "Expired (its time ran out)",
        AuditEventType.Approved => "Approved",
        AuditEventType.InPerson => "Signing in person, hosted by the sender",
        AuditEventType.PasswordFailed => "Wrong signer password given",
        AuditEventType.PasswordVerified => "Signer password accepted",
        AuditEventType.PhoneCodeSent => "SMS code sent",
        AuditEventType.PhoneCodeFailed => "Wrong SMS code given",
        AuditEventType.PhoneVerified => "Phone verified by SMS code",
        AuditEventType.SignerPasswordSet => "New signer password set by the sender",
    };

    private static readonly Dictionary<string, AuditEventType> ByStoredName = All.ToDictionary(t => t.StoredName(), StringComparer.Ordinal);

    /// <summary>The type a stored name stands for; a name no type has is a corrupt row, not a new event.</summary>
    public static AuditEventType FromStoredName(string name) =>
        ByStoredName.TryGetValue(name, out var t) ? t : throw new FormatException($"\"{name}\" is not an audit event type.");
}
