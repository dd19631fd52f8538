using ESignWeb.Domain;
using Microsoft.JSInterop;

namespace ESignWeb.Localization;

/// <summary>
/// The language and UTC offset of the browser at the other end of a circuit (<c>wwwroot/js/browser-locale.js</c>),
/// read once: the date format of a date field that names none (<see cref="DateFormats.ForLocale"/>) and "today" as
/// the person at that browser sees it, on the app's <see cref="TimeProvider"/>. Both the signer's page and the
/// self-signing page use it, so a date is pre-filled and checked the same way on both. Scoped (one per circuit);
/// call <see cref="LoadAsync"/> from an interactive render or event (not while prerendering): until it has read
/// the browser, or if it cannot, the language is unknown and the offset is UTC.
/// </summary>
public sealed class BrowserLocale(IJSRuntime js, TimeProvider clock) : IAsyncDisposable
{
    /// <summary>The module's address, relative to the page's base.</summary>
    public const string ModulePath = "./js/browser-locale.js";

    /// <summary>The furthest a real time zone lies from UTC (Pacific/Kiritimati, UTC+14; Etc/GMT+12, UTC−12).</summary>
    public static readonly TimeSpan MaxOffset = TimeSpan.FromHours(14);

    private IJSObjectReference? _module;
    private bool _loaded;

    /// <summary>The browser's preferred language (BCP 47, e.g. <c>en-US</c>); null until read or when it gave none.</summary>
    public string? Language { get; private set; }

    /// <summary>The browser's offset from UTC (east positive); zero until read.</summary>
    public TimeSpan UtcOffset { get; private set; }

    /// <summary>The short date format of <see cref="Language"/> in the seed's tokens (<c>en-US</c> → <c>M/D/YYYY</c>), or null.</summary>
    public string? DateFormat => DateFormats.ForLocale(Language);

    /// <summary>Today at the browser: the app's clock seen at the browser's UTC offset.</summary>
    public DateOnly Today => TodayAt(clock, UtcOffset);

    /// <summary>Reads the browser's language and offset (once per circuit; later calls return at once).</summary>
    public async Task LoadAsync()
    {
        if (_loaded) return;
        try
        {
            _module ??= await js.InvokeAsync<IJSObjectReference>("import", ModulePath);
            var language = await _module.InvokeAsync<string?>("language");
            var minutes = await _module.InvokeAsync<double>("utcOffsetMinutes");
            Language = string.IsNullOrWhiteSpace(language) ? null : language.Trim();
            UtcOffset = OffsetFrom(minutes);
            _loaded = true;
        }
        catch (JSException) { }
        catch (JSDisconnectedException) { }
        catch (TaskCanceledException) { }
    }

    /// <summary>
    /// A browser's reported offset in minutes as an offset: rounded to whole minutes; zero (UTC) for a value no
    /// time zone has (not a number, beyond ±14 hours).
    /// </summary>
    public static TimeSpan OffsetFrom(double minutes) =>
        double.IsFinite(minutes) && Math.Abs(minutes) <= MaxOffset.TotalMinutes ? TimeSpan.FromMinutes(Math.Round(minutes)) : TimeSpan.Zero;

    /// <summary>The calendar day at <paramref name="offset"/> from UTC, now on <paramref name="clock"/>.</summary>
    public static DateOnly TodayAt(TimeProvider clock, TimeSpan offset) =>
        DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(offset).DateTime);

    public async ValueTask DisposeAsync()
    {
        try { if (_module is not null) await _module.DisposeAsync(); }
        catch (JSDisconnectedException) { }
        catch (JSException) { }
    }
}
