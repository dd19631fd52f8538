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

/// <summary>What a recipient does in a request (Box <c>role</c>).</summary>
public enum RecipientRole
{
    /// <summary>Fills their fields and signs.</summary>
    Signer = 0,
    /// <summary>Reviews the whole document and approves or declines; has no fields.</summary>
    Approver = 1,
    /// <summary>Takes no part; receives the sealed PDF and the audit trail.</summary>
    FinalCopyReader = 2,
}

/// <summary>Ink of drawn and typed signatures (Box <c>signature_color</c>).</summary>
public enum SignatureColor
{
    Black = 0,
    Blue = 1,
    Red = 2,
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

    /// <summary>Box's wire names (<c>signer</c>, <c>approver</c>, <c>final_copy_reader</c>).</summary>
    public static string Of(RecipientRole r) => r switch
    {
        RecipientRole.Signer => "signer",
        RecipientRole.Approver => "approver",
        RecipientRole.FinalCopyReader => "final_copy_reader",
        _ => throw new ArgumentOutOfRangeException(nameof(r)),
    };

    public static string Of(SignatureColor c) => c switch
    {
        SignatureColor.Black => "black",
        SignatureColor.Blue => "blue",
        SignatureColor.Red => "red",
        _ => throw new ArgumentOutOfRangeException(nameof(c)),
    };

    public static bool TryParseRole(string? wire, out RecipientRole role) => TryParse(wire, Of, out role);

    public static bool TryParseSignatureColor(string? wire, out SignatureColor color) => TryParse(wire, Of, out color);

    private static bool TryParse<T>(string? wire, Func<T, string> name, out T value) where T : struct, Enum
    {
        foreach (var v in Enum.GetValues<T>())
        {
            if (string.Equals(name(v), wire, StringComparison.OrdinalIgnoreCase)) { value = v; return true; }
        }
        value = default;
        return false;
    }

    public static bool TryParseFieldType(string? wire, out FieldType type) => TryParse(wire, Of, out type);

    public static bool TryParseRequestStatus(string? wire, out RequestStatus status) => TryParse(wire, Of, out status);
}
