using ESignWeb.Audit;
using ESignWeb.Localization;
using Microsoft.Extensions.Time.Testing;
using Microsoft.JSInterop;

namespace ESignWeb.Tests.Unit;

/// <summary>"Today" and the date format at the browser (BrowserLocale), on a fake clock and a fake browser.</summary>
public class BrowserLocaleTests
{
    [Theory]
    // 11:30 UTC on 11 March: already 12 March at UTC+14 (Kiritimati), still 11 March at UTC−11 and UTC.
    [InlineData("2026-03-11T11:30:00Z", 14 * 60, "2026-03-12")]
    [InlineData("2026-03-11T11:30:00Z", 0, "2026-03-11")]
    [InlineData("2026-03-11T11:30:00Z", -11 * 60, "2026-03-11")]
    // 05:00 UTC on 12 March: still 11 March at UTC−8 (Los Angeles in winter).
    [InlineData("2026-03-12T05:00:00Z", -8 * 60, "2026-03-11")]
    // Half-hour zones count too: 18:45 UTC is 00:15 the next day at UTC+5:30.
    [InlineData("2026-03-11T18:45:00Z", 330, "2026-03-12")]
    public void Today_is_the_clocks_day_at_the_browsers_offset(string utcNow, double offsetMinutes, string expected)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse(utcNow));
        Assert.Equal(DateOnly.Parse(expected), BrowserLocale.TodayAt(clock, BrowserLocale.OffsetFrom(offsetMinutes)));
    }

    [Theory]
    [InlineData(840.0, 840)]
    [InlineData(-720.0, -720)]
    [InlineData(329.6, 330)]
    [InlineData(841.0, 0)] // no time zone is that far: UTC
    [InlineData(-100000.0, 0)]
    [InlineData(double.NaN, 0)]
    [InlineData(double.PositiveInfinity, 0)]
    public void A_reported_offset_is_whole_minutes_within_fourteen_hours_else_UTC(double minutes, int expected) =>
        Assert.Equal(TimeSpan.FromMinutes(expected), BrowserLocale.OffsetFrom(minutes));

    [Fact]
    public async Task Loading_reads_the_browser_once_and_the_day_follows_the_clock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-03-11T11:30:00Z"));
        var js = new FakeBrowser("en-US", 840);
        await using var locale = new BrowserLocale(js, clock);
        Assert.Null(locale.DateFormat); // nothing read yet: the caller's default applies
        Assert.Equal(new DateOnly(2026, 3, 11), locale.Today); // UTC until read

        await locale.LoadAsync();
        await locale.LoadAsync();
        Assert.Equal(1, js.Imports); // read once per circuit
        Assert.Equal([BrowserLocale.ModulePath], js.ImportedPaths);
        Assert.Equal("en-US", locale.Language);
        Assert.Equal("M/D/YYYY", locale.DateFormat);
        Assert.Equal(TimeSpan.FromHours(14), locale.UtcOffset);
        Assert.Equal(new DateOnly(2026, 3, 12), locale.Today);
        clock.Advance(TimeSpan.FromHours(23)); // 10:30 UTC on 12 March = 00:30 on 13 March at UTC+14
        Assert.Equal(new DateOnly(2026, 3, 13), locale.Today);
    }

    [Fact]
    public async Task A_browser_that_cannot_answer_leaves_UTC_and_no_language_and_is_asked_again_later()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-03-11T23:30:00Z"));
        var js = new FakeBrowser("de-DE", 60) { Fail = true };
        await using var locale = new BrowserLocale(js, clock);
        await locale.LoadAsync();
        Assert.Null(locale.Language);
        Assert.Equal(TimeSpan.Zero, locale.UtcOffset);
        Assert.Equal(new DateOnly(2026, 3, 11), locale.Today);

        js.Fail = false;
        await locale.LoadAsync();
        Assert.Equal("DD.MM.YYYY", locale.DateFormat);
        Assert.Equal(new DateOnly(2026, 3, 12), locale.Today); // 00:30 in Berlin
    }

    /// <summary>The two functions of wwwroot/js/browser-locale.js, answered without a browser.</summary>
    private sealed class FakeBrowser(string language, double offsetMinutes) : IJSRuntime, IJSObjectReference
    {
        public bool Fail { get; set; }
        public int Imports { get; private set; }
        public List<string> ImportedPaths { get; } = [];

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => InvokeAsync<TValue>(identifier, CancellationToken.None, args);

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args)
        {
            if (Fail) throw new JSException("the browser went away");
            object? result = identifier switch
            {
                "import" => this,
                "language" => language,
                "utcOffsetMinutes" => offsetMinutes,
                _ => throw new JSException($"no such function: {identifier}"),
            };
            if (identifier == "import")
            {
                Imports++;
                ImportedPaths.Add((string)args![0]!);
            }
            return ValueTask.FromResult((TValue)result!);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

public class SignedDatesTests
{
    [Fact]
    public void The_dates_of_a_signed_event_are_read_from_a_signers_fields_and_a_self_signers_dates()
    {
        const string signer = """{"recipient_id":1,"fields":[{"id":1,"type":"signature","source":"draw","value_sha256":"ab"},{"id":2,"type":"date","value":"12/03/2026","date_format":"MM/DD/YYYY"}]}""";
        Assert.Equal(["12/03/2026 (MM/DD/YYYY)"], SignedDates.In(signer));
        const string self = """{"fields":3,"dates":[{"page_number":1,"value":"3.12.2026","date_format":"D.M.YYYY"},{"page_number":2,"value":"2026-12-03","date_format":"YYYY-MM-DD"}]}""";
        Assert.Equal(["3.12.2026 (D.M.YYYY)", "2026-12-03 (YYYY-MM-DD)"], SignedDates.In(self));
    }

    [Theory]
    [InlineData("""{"fields":[{"id":2,"type":"date","value_sha256":"ab"}]}""")] // recorded before formats were
    [InlineData("""{"fields":2}""")]
    [InlineData("""{"to":"ann@example.com"}""")]
    [InlineData("""[1,2]""")]
    [InlineData("not json")]
    [InlineData("")]
    public void Events_without_recorded_dates_have_none(string data) => Assert.Empty(SignedDates.In(data));
}
