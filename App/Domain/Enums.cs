namespace ESignWeb.Domain;

/// <summary>Status of a signature request. Wire names follow the SignEasy seed (see <see cref="WireNames"/>).</summary>
public enum RequestStatus
{
    Draft = 0,
    Incomplete = 1,
    Complete = 2,
    RecipientDeclined = 3,
    Canceled = 4,
    Expired = 5,
}

/// <summary>Status of one recipient of a request (seed: not_viewed, viewed, finalized, declined).</summary>
public enum RecipientStatus
{
    NotViewed = 0,
    Viewed = 1,
    Finalized = 2,
    Declined = 3,
}

/// <summary>The seed's field types: text, signature, date, initials, email, name, checkbox.</summary>
public enum FieldType
{
    Signature = 0,
    Initials = 1,
    Text = 2,
    Date = 3,
    Checkbox = 4,
    Name = 5,
    Email = 6,
}

public static class WireNames
{
    public static string Of(RequestStatus s) => s switch
    {
        RequestStatus.Draft => "draft",
        RequestStatus.Incomplete => "incomplete",
        RequestStatus.Complete => "complete",
        RequestStatus.RecipientDeclined => "recipient_declined",
        RequestStatus.Canceled => "canceled",
        RequestStatus.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(s)),
    };

    public static string Of(RecipientStatus s) => s switch
    {
        RecipientStatus.NotViewed => "not_viewed",
        RecipientStatus.Viewed => "viewed",
        RecipientStatus.Finalized => "finalized",
        RecipientStatus.Declined => "declined",
        _ => throw new ArgumentOutOfRangeException(nameof(s)),
    };

    public static string Of(FieldType t) => t switch
    {
        FieldType.Signature => "signature",
        FieldType.Initials => "initials",
        FieldType.Text => "text",
        FieldType.Date => "date",
        FieldType.Checkbox => "checkbox",
        FieldType.Name => "name",
        FieldType.Email => "email",
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    public static bool TryParseFieldType(string? wire, out FieldType type)
    {
        foreach (var t in Enum.GetValues<FieldType>())
        {
            if (string.Equals(Of(t), wire, StringComparison.OrdinalIgnoreCase)) { type = t; return true; }
        }
        type = default;
        return false;
    }

    public static bool TryParseRequestStatus(string? wire, out RequestStatus status)
    {
        foreach (var s in Enum.GetValues<RequestStatus>())
        {
            if (string.Equals(Of(s), wire, StringComparison.OrdinalIgnoreCase)) { status = s; return true; }
        }
        status = default;
        return false;
    }
}
