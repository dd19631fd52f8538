using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Data;

/// <summary>
/// The page of a browser list a person asked for: 1-based <see cref="Page"/> and <see cref="PageSize"/> (one of
/// <see cref="PageSizes"/>). It lives in the URL's query string (<c>?page=3&amp;size=50</c>) so a page can be bookmarked
/// and Back works; <see cref="Parse"/> reads it from anybody's input and drops what makes no sense (never an error).
/// The dashboard (<c>Requests/DashboardFilters</c>), the Signed files, Outbox and Webhooks pages share it.
/// </summary>
public sealed record PageRequest
{
    /// <summary>The page sizes offered; any other <c>size</c> in a URL is the default.</summary>
    public static readonly IReadOnlyList<int> PageSizes = [10, 25, 50, 100];
    public const int DefaultPageSize = 25;
    /// <summary>A page number beyond any list is read as this.</summary>
    public const int MaxPage = 1_000_000;

    public static readonly PageRequest First = new();

    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = DefaultPageSize;

    /// <summary>Rows before this page.</summary>
    public long Skip => (Page - 1L) * PageSize;

    public PageRequest WithPage(int page) => this with { Page = Math.Clamp(page, 1, MaxPage) };
    /// <summary>Another size starts again at page 1.</summary>
    public PageRequest WithPageSize(int size) => new() { PageSize = PageSizes.Contains(size) ? size : DefaultPageSize };

    /// <summary>From the query's <c>page</c> and <c>size</c> values; anything else is page 1 / the default size.</summary>
    public static PageRequest Parse(string? page, string? size) => new()
    {
        Page = int.TryParse(page?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p >= 1 ? Math.Min(p, MaxPage) : 1,
        PageSize = int.TryParse(size?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && PageSizes.Contains(n) ? n : DefaultPageSize,
    };

    /// <summary>The query values (null: the default, left out of the URL), for <c>NavigationManager.GetUriWithQueryParameters</c>.</summary>
    public IReadOnlyDictionary<string, object?> QueryValues(string pageName = "page", string sizeName = "size") => new Dictionary<string, object?>
    {
        [pageName] = Page == 1 ? null : Page,
        [sizeName] = PageSize == DefaultPageSize ? null : PageSize,
    };
}

/// <summary>One page of a list: its rows, the total over every page, and the words under the table.</summary>
public sealed record ListPage<T>(IReadOnlyList<T> Rows, int Total, int Page, int PageSize)
{
    /// <summary>Pages in the whole list (0 when it is empty).</summary>
    public int PageCount => (int)((Total + (long)PageSize - 1) / PageSize);

    /// <summary>"1–25 of 1,234" (the rows shown, then the total).</summary>
    public string RangeText => ListPages.Range(Page, PageSize, Rows.Count, Total);

    public ListPage<TOut> Map<TOut>(Func<T, TOut> map) => new(Rows.Select(map).ToList(), Total, Page, PageSize);
}

public static class ListPages
{
    /// <summary>"1–25 of 10,000" (the rows shown, then the total); "0 of 1,234" on a page past the end.</summary>
    public static string Range(int page, int pageSize, int rowsShown, int total)
    {
        var inv = CultureInfo.InvariantCulture;
        if (rowsShown == 0) return $"0 of {total.ToString("N0", inv)}";
        var first = (page - 1L) * pageSize + 1;
        return $"{first.ToString("N0", inv)}–{(first + rowsShown - 1).ToString("N0", inv)} of {total.ToString("N0", inv)}";
    }

    /// <summary>
    /// One page of <paramref name="matching"/> in the database: one COUNT, then one query for the page's rows in
    /// <paramref name="order"/> (which must be total — end with the id — so no row lands on two pages). A page past the
    /// end costs only the COUNT.
    /// </summary>
    public static Task<ListPage<T>> ReadAsync<T>(IQueryable<T> matching, Func<IQueryable<T>, IOrderedQueryable<T>> order,
        PageRequest page, CancellationToken ct = default) => ReadAsync(matching, order, x => x, page, ct);

    /// <summary>The same, each row projected in the database by <paramref name="select"/>.</summary>
    public static async Task<ListPage<TRow>> ReadAsync<T, TRow>(IQueryable<T> matching, Func<IQueryable<T>, IOrderedQueryable<T>> order,
        System.Linq.Expressions.Expression<Func<T, TRow>> select, PageRequest page, CancellationToken ct = default)
    {
        var total = await matching.CountAsync(ct);
        if (page.Skip >= total) return new ListPage<TRow>([], total, page.Page, page.PageSize);
        var rows = await order(matching).Skip((int)page.Skip).Take(page.PageSize).Select(select).ToListAsync(ct);
        return new ListPage<TRow>(rows, total, page.Page, page.PageSize);
    }
}
