using ESignWeb.Domain;

namespace ESignWeb.Api.Box;

/// <summary>What the Box status of a request depends on, read from the domain (the outbox's verdicts: <see cref="Requests.RequestFailures"/>).</summary>
/// <param name="Status">The request's status.</param>
/// <param name="AnyViewed">At least one recipient has opened the document.</param>
/// <param name="Downloaded">The sender has downloaded the document (<see cref="SignatureRequest.DownloadedAt"/>).</param>
/// <param name="SealFailed">Everyone finished but the seal (stamping the values into the document and signing it)
/// gave up for good: the request page's "Sealing failed".</param>
/// <param name="SendFailed">A recipient still to act has no working link: the latest mail with it (invitation or
/// reminder) gave up for good.</param>
public readonly record struct BoxStatusFacts(RequestStatus Status, bool AnyViewed, bool Downloaded, bool SealFailed, bool SendFailed);

/// <summary>
/// Box Sign's request statuses (seed <c>status</c>), from the domain, in one mapping. <c>converting</c> is never
/// produced: an upload is inspected (and refused with a 4xx when it cannot be read) before any request exists, and
/// text tags that cannot be read are no error (the document simply has none). The one conversion of a request's
/// document after it exists is the seal, which turns it with its values into the signed PDF; so
/// <c>error_converting</c> is a seal that gave up for good, and <c>error_sending</c> an invitation that did. Both are
/// states of a request still <c>incomplete</c>; the two cannot meet (a seal needs everyone finished, a dead invitation
/// someone still to act).
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

    /// <summary>
    /// The status of Box's sign request object (<see cref="BoxSignRequestDto"/>): <see cref="Of"/> without the two
    /// "downloaded" words. The seed lists <c>downloaded</c> and <c>signed and downloaded</c>, but Box's current API
    /// reference and its own SDK do not: box-node-sdk 10's status enumeration is closed and throws on them, so one such
    /// request would make every page of the SDK's list unreadable. The object answers the state underneath instead
    /// (<c>sent</c>/<c>viewed</c>, <c>signed</c>); SignEasy's <c>box_status</c> keeps the seed's full list.
    /// </summary>
    public static string OfSignRequest(BoxStatusFacts f) => Of(f with { Downloaded = false });

    /// <summary>Every status <see cref="OfSignRequest"/> can answer: each is in box-node-sdk's enumeration (E2E/BoxSdkTests checks the pinned SDK).</summary>
    public static readonly IReadOnlyList<string> SignRequestStatuses =
        ["created", "sent", "viewed", "signed", "cancelled", "declined", "error_converting", "error_sending", "expired"];

    /// <summary>Every status the mapping can answer (the seed's list minus <c>converting</c>).</summary>
    public static readonly IReadOnlyList<string> All =
        ["created", "sent", "viewed", "signed", "cancelled", "declined", "error_converting", "error_sending", "expired", "downloaded", "signed and downloaded"];
}
