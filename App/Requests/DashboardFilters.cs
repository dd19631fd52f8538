using System.Globalization;
using System.Text;
using ESignWeb.Domain;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace ESignWeb.Requests;

/// <summary>
/// What the dashboard shows: statuses (several; none = all), categories (several; a request with any of them), the
/// created date range (whole days, UTC, both ends included), the search text, the page and its size. It lives in the
/// URL's query string (<c>/?status=incomplete&amp;category=NDA&amp;from=2026-01-01&amp;page=2</c>), so a filtered view
/// can be bookmarked and Back works; <see cref="FromQuery"/> reads it back. Values that make no sense there (an unknown
/// status, a date that is not <c>yyyy-MM-dd</c>, a page that is not a positive number, a page size not offered, a
/// category the rule refuses) are dropped, never an error: a URL is anybody's input.
/// </summary>
public sealed record DashboardFilters
{
    /// <summary>The page sizes offered; any other <c>size</c> in a URL is the default.</summary>
    public static readonly IReadOnlyList<int> PageSizes = Data.PageRequest.PageSizes;
    public const int DefaultPageSize = Data.PageRequest.DefaultPageSize;
    /// <summary>A page number beyond any list (10,000 requests at 10 a page is 1,000 pages) is read as this.</summary>
    public const int MaxPage = Data.PageRequest.MaxPage;
    public const int MaxSearchLength = 200;

    /// <summary>The statuses one can filter by, in the order the chips show them.</summary>
    public static readonly IReadOnlyList<RequestStatus> FilterStatuses =
        [RequestStatus.Draft, RequestStatus.Incomplete, RequestStatus.Complete, RequestStatus.RecipientDeclined, RequestStatus.Canceled, RequestStatus.Expired];

    private const string DateFormat = "yyyy-MM-dd";

    /// <summary>The statuses shown (in <see cref="FilterStatuses"/> order, no duplicates); empty: every status.</summary>
    public IReadOnlyList<RequestStatus> Statuses { get; init; } = [];
    /// <summary>The categories (normalised by <see cref="Domain.Categories"/>, no duplicates); empty: any or none.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];
    /// <summary>Created on or after this day (UTC).</summary>
    public DateOnly? From { get; init; }
    /// <summary>Created on or before this day (UTC).</summary>
    public DateOnly? To { get; init; }
    /// <summary>By name (anywhere in it) or external id (prefix); null: no search.</summary>
    public string? Search { get; init; }
    /// <summary>1-based.</summary>
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = DefaultPageSize;

    /// <summary>Anything narrows the list (the page and its size do not count).</summary>
    public bool IsFiltered => Statuses.Count > 0 || Categories.Count > 0 || From is not null || To is not null || Search is not null;

    /// <summary>Every filter off, back to page 1; the page size stays.</summary>
    public DashboardFilters Cleared() => new() { PageSize = PageSize };

    // A change of what is shown starts again at page 1; only paging keeps the filters and moves the page.
    public DashboardFilters WithStatuses(IEnumerable<RequestStatus>? statuses) =>
        this with { Statuses = FilterStatuses.Where(s => statuses?.Contains(s) == true).ToList(), Page = 1 };
    public DashboardFilters WithCategories(IEnumerable<string?>? categories) => this with { Categories = CleanCategories(categories), Page = 1 };
    public DashboardFilters WithRange(DateOnly? from, DateOnly? to) =>
        from is { } f && to is { } t && f > t ? this with { From = t, To = f, Page = 1 } : this with { From = from, To = to, Page = 1 };
    public DashboardFilters WithSearch(string? search) => this with { Search = CleanSearch(search), Page = 1 };
    public DashboardFilters WithPage(int page) => this with { Page = Math.Clamp(page, 1, MaxPage) };
    public DashboardFilters WithPageSize(int size) => this with { PageSize = PageSizes.Contains(size) ? size : DefaultPageSize, Page = 1 };

    /// <summary>The first and last day as UTC instants: [From 00:00, To+1 00:00).</summary>
    public DateTimeOffset? CreatedFrom => From is { } f ? new DateTimeOffset(f.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null;
    public DateTimeOffset? CreatedBefore => To is { } t && t < DateOnly.MaxValue ? new DateTimeOffset(t.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null;

    /// <summary>
    /// The query string ("?status=…&amp;page=2", or "" for the default view): only what differs from the default, in a
    /// fixed order, so one view has one URL.
    /// </summary>
    public string ToQueryString()
    {
        var parts = new List<KeyValuePair<string, string?>>();
        parts.AddRange(Statuses.Select(s => new KeyValuePair<string, string?>("status", WireNames.Of(s))));
        parts.AddRange(Categories.Select(c => new KeyValuePair<string, string?>("category", c)));
        if (From is { } f) parts.Add(new("from", f.ToString(DateFormat, CultureInfo.InvariantCulture)));
        if (To is { } t) parts.Add(new("to", t.ToString(DateFormat, CultureInfo.InvariantCulture)));
        if (Search is { } q) parts.Add(new("q", q));
        if (Page != 1) parts.Add(new("page", Page.ToString(CultureInfo.InvariantCulture)));
        if (PageSize != DefaultPageSize) parts.Add(new("size", PageSize.ToString(CultureInfo.InvariantCulture)));
        return QueryString.Create(parts).ToUriComponent();
    }

    /// <summary>Reads a query string ("?a=b&amp;…", with or without "?") or a whole URL; hostile values are dropped.</summary>
    public static DashboardFilters FromQuery(string? queryOrUri)
    {
        var s = queryOrUri ?? "";
        var q = s.IndexOf('?');
        if (q >= 0) s = s[(q + 1)..];
        else if (s.Contains("://", StringComparison.Ordinal)) s = "";
        var hash = s.IndexOf('#');
        if (hash >= 0) s = s[..hash];
        var values = QueryHelpers.ParseQuery(s);
        StringValues Get(string key) => values.TryGetValue(key, out var v) ? v : StringValues.Empty;
        return Parse(Get("status"), Get("category"), Get("from"), Get("to"), Get("q"), Get("page"), Get("size"));
    }

    /// <summary>The same reading from the query's values one by one (what a page gets from <c>[SupplyParameterFromQuery]</c>).</summary>
    public static DashboardFilters Parse(IEnumerable<string?>? status, IEnumerable<string?>? category, IEnumerable<string?>? from,
        IEnumerable<string?>? to, IEnumerable<string?>? search, IEnumerable<string?>? page, IEnumerable<string?>? size)
    {
        var statuses = new HashSet<RequestStatus>();
        foreach (var s in (status ?? []).Take(FilterStatuses.Count * 2))
            if (WireNames.TryParseRequestStatus(s?.Trim(), out var parsed)) statuses.Add(parsed);
        var filters = new DashboardFilters
        {
            Statuses = FilterStatuses.Where(statuses.Contains).ToList(),
            Categories = CleanCategories(category),
            Search = CleanSearch(First(search)),
            Page = int.TryParse(First(page), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p >= 1 ? Math.Min(p, MaxPage) : 1,
            PageSize = int.TryParse(First(size), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && PageSizes.Contains(n) ? n : DefaultPageSize,
        };
        var f = ParseDate(First(from));
        var t = ParseDate(First(to));
        return f is { } a && t is { } b && a > b ? filters with { From = b, To = a } : filters with { From = f, To = t };
    }

    private static string? First(IEnumerable<string?>? values) => values?.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    private static DateOnly? ParseDate(string? s) =>
        DateOnly.TryParseExact(s?.Trim(), DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    /// <summary>Each category through the one rule (<see cref="Domain.Categories.Normalize"/>); one it refuses is dropped alone.</summary>
    private static List<string> CleanCategories(IEnumerable<string?>? given)
    {
        var result = new List<string>();
        foreach (var raw in (given ?? []).Take(Domain.Categories.MaxPerRequest * 2))
        {
            try
            {
                foreach (var c in Domain.Categories.Normalize([raw]))
                    if (!result.Contains(c, StringComparer.OrdinalIgnoreCase) && result.Count < Domain.Categories.MaxPerRequest) result.Add(c);
            }
            catch (AppException) { }
        }
        return result;
    }

    private static string? CleanSearch(string? s)
    {
        if (s is null) return null;
        var b = new StringBuilder(Math.Min(s.Length, MaxSearchLength));
        foreach (var ch in s)
        {
            if (b.Length >= MaxSearchLength) break;
            b.Append(char.IsControl(ch) ? ' ' : ch);
        }
        var clean = b.ToString().Trim();
        return clean.Length == 0 ? null : clean;
    }
}
