namespace ESignWeb.Domain;

/// <summary>
/// The one mapping from statuses and audit events to the words a person reads on screen ("Waiting for others", not
/// <c>incomplete</c>). The API, webhooks and the database keep the seed's wire names (<see cref="WireNames"/>); every
/// page that shows a status or a status filter takes its words from here (an audit event's words:
/// <c>Audit/AuditEventTypes.Describe</c>).
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

    /// <summary>Signing order as every screen says it: the editors' choice, the dashboard's column, the request page.</summary>
    public static string Order(bool isOrdered) => isOrdered ? OneAfterAnother : AllAtOnce;

    /// <summary>Sequential signing (<c>is_ordered</c>): each signer is asked when the one before has signed.</summary>
    public const string OneAfterAnother = "One after another";

    /// <summary>Parallel signing: every signer is asked at once.</summary>
    public const string AllAtOnce = "All at once";

    /// <summary>What the order means for the people asked, under the choice.</summary>
    public static string OrderExplained(bool isOrdered) => isOrdered
        ? "Signers are asked one after another, in this order."
        : "Every signer is asked at once and can sign in any order.";

    /// <summary>Beside the signer whose turn it is in a sequential request.</summary>
    public const string TheirTurn = "their turn";

    /// <summary>A request out for signature with a time limit [days_valid] (UTC, like the request page's timeline).</summary>
    public static string ExpiresOn(DateTimeOffset at) => $"Expires on {Utc(at)}";

    /// <summary>A request whose time ran out.</summary>
    public static string ExpiredOn(DateTimeOffset at) => $"Expired on {Utc(at)}";

    /// <summary>A request out for signature with automatic reminders [are_reminders_enabled].</summary>
    public const string RemindersOn = "Reminders on";

    /// <summary>What automatic reminders do, beside <see cref="RemindersOn"/>.</summary>
    public const string RemindersExplained = "Signers who have not signed are reminded 3, 8, 13 and 18 days after they were asked.";

    private static string Utc(DateTimeOffset at) =>
        at.UtcDateTime.ToString("d MMM yyyy, HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Whose turn it is when a group signs at once: "Ann's turn", "Ann and Bob's turn", "Ann, Bob and Carl's turn";
    /// null when nobody's.
    /// </summary>
    public static string? Turn(IReadOnlyList<string> names) => names.Count switch
    {
        0 => null,
        1 => $"{names[0]}'s turn",
        _ => $"{string.Join(", ", names.Take(names.Count - 1))} and {names[^1]}'s turn",
    };

    /// <summary>Order groups in one line: "1 · Ann, Bob — 2 · Carl" (groups ascending, names in their order).</summary>
    public static string Groups(IEnumerable<(int Group, string Name)> members) =>
        string.Join(" — ", members.GroupBy(m => m.Group).OrderBy(g => g.Key).Select(g => $"{g.Key} · {string.Join(", ", g.Select(m => m.Name))}"));

    /// <summary>A recipient's status in words, by role: an approver who finished "Approved".</summary>
    public static string Of(RecipientStatus s, RecipientRole role) =>
        role == RecipientRole.Approver && s == RecipientStatus.Finalized ? "Approved" : Of(s);

    /// <summary>The sender's button that opens an in-person signer's page on the sender's device.</summary>
    public const string SignInPerson = "Sign in person";
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
