using Bunit;
using ESignWeb.Components.Requests;
using ESignWeb.Domain;
using ESignWeb.Requests;

namespace ESignWeb.Tests.Components;

/// <summary>The request page's "Expires on …" and "Reminders on" (issue 11: days_valid, are_reminders_enabled).</summary>
public class RequestTimingNoteTests : ComponentTestBase
{
    private static readonly DateTimeOffset At = new(2026, 12, 24, 17, 5, 0, TimeSpan.Zero);

    private IRenderedComponent<RequestTimingNote> Note(RequestStatus status, RequestTiming? timing, bool sealing = false) =>
        Render<RequestTimingNote>(ps => ps.Add(p => p.Status, status).Add(p => p.Timing, timing).Add(p => p.Sealing, sealing));

    [Fact]
    public void An_open_request_shows_when_it_expires_and_that_it_reminds()
    {
        var note = Note(RequestStatus.Incomplete, new RequestTiming(At, RemindersEnabled: true));
        Assert.Equal("Expires on 24 Dec 2026, 17:05 UTC", note.Find("#expires-on").TextContent);
        Assert.Equal("Reminders on", note.Find("#reminders-on").TextContent);
        Assert.Contains("3, 8, 13 and 18 days", note.Find("#reminders-on").GetAttribute("title"));
    }

    [Fact]
    public void Nothing_is_shown_without_the_options_or_once_the_request_is_no_longer_waiting()
    {
        Assert.Empty(Note(RequestStatus.Incomplete, new RequestTiming(null, false)).FindAll(".expires-on, .reminders-on"));
        Assert.Empty(Note(RequestStatus.Incomplete, new RequestTiming(At, true), sealing: true).FindAll(".expires-on, .reminders-on"));
        Assert.Empty(Note(RequestStatus.Complete, new RequestTiming(At, true)).FindAll(".expires-on, .reminders-on"));
        Assert.Empty(Note(RequestStatus.Draft, null).FindAll(".expires-on, .reminders-on"));
    }

    [Fact]
    public void An_expired_request_says_when()
    {
        var note = Note(RequestStatus.Expired, new RequestTiming(At, true));
        Assert.Equal("Expired on 24 Dec 2026, 17:05 UTC", note.Find("#expired-on").TextContent);
        Assert.Empty(note.FindAll(".reminders-on"));
    }
}
