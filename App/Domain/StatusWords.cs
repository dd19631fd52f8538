namespace ESignWeb.Domain;

/// <summary>
/// The one mapping from statuses and audit events to the words a person reads on screen ("Waiting for others", not
/// <c>incomplete</c>). The API, webhooks and the database keep the seed's wire names (<see cref="WireNames"/>); every
/// page that shows a status, a status filter or a timeline entry takes its words from here.
/// </summary>
public static class StatusWords
{
    public static string Of(RequestStatus s) => s switch
    {
        RequestStatus.Draft => "Draft",
        RequestStatus.Incomplete => "Waiting for others",
        RequestStatus.Complete => "Completed",
        RequestStatus.RecipientDeclined => "Declined",
        RequestStatus.Canceled => "Voided",
        RequestStatus.Expired => "Expired",
        _ => throw new ArgumentOutOfRangeException(nameof(s)),
    };

    public static string Of(RecipientStatus s) => s switch
    {
        RecipientStatus.NotViewed => "Not opened",
        RecipientStatus.Viewed => "Opened",
        RecipientStatus.Finalized => "Signed",
        RecipientStatus.Declined => "Declined",
        _ => throw new ArgumentOutOfRangeException(nameof(s)),
    };

    /// <summary>Everyone has signed and the seal job has not landed yet (the request is still <c>incomplete</c> on the wire).</summary>
    public const string Sealing = "Sealing…";

    /// <summary>Everyone has signed and the seal job failed for good (still <c>incomplete</c> on the wire).</summary>
    public const string SealFailed = "Sealing failed";

    /// <summary>What the sender can do about a seal that gave up: the error is on the Outbox page.</summary>
    public const string SealFailedAdvice =
        "Everyone has signed, but the signed document could not be made and it will not be retried by itself. " +
        "The Outbox page shows the error: send it to your administrator (the signatures are kept).";

    /// <summary>A request's status in words, with where its seal stands (<see cref="SealPhase"/>): "Sealing…", "Sealing failed".</summary>
    public static string Of(RequestStatus s, SealPhase seal) => (s, seal) switch
    {
        (RequestStatus.Incomplete, SealPhase.Sealing) => Sealing,
        (RequestStatus.Incomplete, SealPhase.GaveUp) => SealFailed,
        _ => Of(s),
    };

    /// <summary>
    /// Whose turn it is on a request that waits for others: a sequential request names the signer whose turn it is
    /// ("Fiona First's turn"), a parallel one counts who has not finished ("Waiting for 2 signers"). Null when nobody is.
    /// </summary>
    public static string? WaitingFor(bool isOrdered, string? nextSignerName, int signersNotFinished) =>
        isOrdered
            ? string.IsNullOrWhiteSpace(nextSignerName) ? null : $"{nextSignerName}'s turn"
            : signersNotFinished <= 0 ? null : $"Waiting for {Plural.Count(signersNotFinished, "signer")}";

    /// <summary>An audit event type (<c>mail_delivered</c>) as a person reads it ("Mail delivered"); the audit trail PDF uses the same words.</summary>
    public static string OfEvent(string type) => type switch
    {
        "created" => "Request created",
        "sent" => "Sent for signature",
        "mail_delivered" => "Mail delivered",
        "viewed" => "Document viewed",
        "consented" => "Agreed to sign electronically",
        "signed" => "Signed",
        "declined" => "Declined",
        "voided" => "Voided by the sender",
        "reminded" => "Reminder sent",
        "completed" => "Completed and sealed",
        _ => type.Replace('_', ' '),
    };
}

/// <summary>
/// Where the seal of a request everyone has signed stands (the request is still <c>incomplete</c> on the wire until the
/// seal lands): <see cref="None"/> when not everyone has signed or it is not incomplete.
/// </summary>
public enum SealPhase
{
    None,
    /// <summary>The seal job is queued, running or waiting to retry.</summary>
    Sealing,
    /// <summary>The seal job failed for good: it will not be retried by itself.</summary>
    GaveUp,
}

/// <summary>Counts in words: "1 page", "3 pages" — never "3 page(s)".</summary>
public static class Plural
{
    /// <summary><paramref name="count"/> and the noun, in the plural unless the count is one (<paramref name="plural"/>: irregular plural).</summary>
    public static string Count(long count, string singular, string? plural = null) =>
        $"{count} {(count == 1 ? singular : plural ?? singular + "s")}";
}
