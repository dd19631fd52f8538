using ESignWeb.Domain;

namespace ESignWeb.Api.Box;

/// <summary>What the Box status of a request depends on, read from the domain.</summary>
/// <param name="Status">The request's status.</param>
/// <param name="AnyViewed">At least one recipient has opened the document.</param>
/// <param name="Downloaded">The sender has downloaded the document (<see cref="SignatureRequest.DownloadedAt"/>).</param>
/// <param name="SealFailed">Everyone finished but the seal gave up for good.</param>
/// <param name="SendFailed">An invitation could not be delivered (its mail gave up for good).</param>
public readonly record struct BoxStatusFacts(RequestStatus Status, bool AnyViewed, bool Downloaded, bool SealFailed, bool SendFailed);

/// <summary>
/// Box Sign's request statuses (seed <c>status</c>), from the domain, in one mapping. <c>converting</c> is never
/// produced: an upload is inspected before the request exists.
/// </summary>
public static class BoxStatus
{
    public static string Of(BoxStatusFacts f) => f.Status switch
    {
        RequestStatus.Draft => "created",
        RequestStatus.Incomplete when f.SealFailed => "error_converting",
        RequestStatus.Incomplete when f.SendFailed => "error_sending",
        RequestStatus.Incomplete when f.Downloaded => "downloaded",
        RequestStatus.Incomplete when f.AnyViewed => "viewed",
        RequestStatus.Incomplete => "sent",
        RequestStatus.Complete when f.Downloaded => "signed and downloaded",
        RequestStatus.Complete => "signed",
        RequestStatus.RecipientDeclined => "declined",
        RequestStatus.Canceled => "cancelled",
        RequestStatus.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(f)),
    };

    /// <summary>Every status the mapping can answer (the seed's list minus <c>converting</c>).</summary>
    public static readonly IReadOnlyList<string> All =
        ["created", "sent", "viewed", "signed", "cancelled", "declined", "error_converting", "error_sending", "expired", "downloaded", "signed and downloaded"];
}
