using ESignWeb.Domain;
using ESignWeb.Requests;

namespace ESignWeb.Api.JSign;

/// <summary>
/// jSign's envelope statuses, relative to the caller (see docs/api.md "jSign"). The wire name is the member's name.
/// </summary>
public enum JSignStatus
{
    /// <summary>Not sent yet (only the owner sees their drafts).</summary>
    Draft,
    /// <summary>Out for signature and the caller must sign or approve now (their group's turn, not finished).</summary>
    AwaitingMySignature,
    /// <summary>Out for signature and not waiting for the caller now: others must act first, or it is being sealed.</summary>
    AwaitingOthers,
    /// <summary>Everyone signed; the sealed PDF exists.</summary>
    Completed,
    /// <summary>A recipient declined.</summary>
    Declined,
    /// <summary>The sender voided (cancelled) it.</summary>
    Voided,
    /// <summary>Its time ran out before everyone signed.</summary>
    Expired,
}

/// <summary>The mapping between the domain and jSign's statuses, both ways, in one place.</summary>
public static class JSignStatuses
{
    public static IReadOnlyList<JSignStatus> All { get; } = Enum.GetValues<JSignStatus>();

    public static string Wire(JSignStatus s) => s.ToString();

    /// <summary>A wire name (without regard to case, as clients spell it loosely); false for anything else.</summary>
    public static bool TryParse(string? wire, out JSignStatus status)
    {
        foreach (var s in All)
            if (string.Equals(Wire(s), wire, StringComparison.OrdinalIgnoreCase)) { status = s; return true; }
        status = default;
        return false;
    }

    /// <summary>A row's status as the caller sees it.</summary>
    public static JSignStatus Of(RequestListRow row) => row.Status switch
    {
        RequestStatus.Draft => JSignStatus.Draft,
        RequestStatus.Incomplete => row.AwaitingCaller ? JSignStatus.AwaitingMySignature : JSignStatus.AwaitingOthers,
        RequestStatus.Complete => JSignStatus.Completed,
        RequestStatus.RecipientDeclined => JSignStatus.Declined,
        RequestStatus.Canceled => JSignStatus.Voided,
        RequestStatus.Expired => JSignStatus.Expired,
        _ => throw new ArgumentOutOfRangeException(nameof(row), row.Status, "A request status jSign does not name."),
    };

    /// <summary>The list filter for these statuses (any of them): the inverse of <see cref="Of"/>.</summary>
    public static RequestListFilter Filter(RequestListFilter f, IReadOnlyCollection<JSignStatus> statuses)
    {
        if (statuses.Count == 0) return f;
        var domain = new List<RequestStatus>();
        var relative = new List<CallerRelativeStatus>();
        foreach (var s in statuses.Distinct())
        {
            switch (s)
            {
                case JSignStatus.Draft: domain.Add(RequestStatus.Draft); break;
                case JSignStatus.AwaitingMySignature: relative.Add(CallerRelativeStatus.AwaitingCaller); break;
                case JSignStatus.AwaitingOthers: relative.Add(CallerRelativeStatus.AwaitingOthers); break;
                case JSignStatus.Completed: domain.Add(RequestStatus.Complete); break;
                case JSignStatus.Declined: domain.Add(RequestStatus.RecipientDeclined); break;
                case JSignStatus.Voided: domain.Add(RequestStatus.Canceled); break;
                case JSignStatus.Expired: domain.Add(RequestStatus.Expired); break;
                default: throw new ArgumentOutOfRangeException(nameof(statuses), s, null);
            }
        }
        return f with { Statuses = domain, CallerStatuses = relative };
    }
}
