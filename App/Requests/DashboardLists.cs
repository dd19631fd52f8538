using System.Globalization;
using ESignWeb.Data;
using ESignWeb.Domain;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Requests;

/// <summary>One page of the dashboard: its rows, the total over every page, and the words under the table.</summary>
public sealed record DashboardList(IReadOnlyList<RequestSummary> Rows, int Total, int Page, int PageSize)
{
    /// <summary>Pages in the whole list (0 when nothing matches).</summary>
    public int PageCount => (int)((Total + (long)PageSize - 1) / PageSize);

    /// <summary>"1–25 of 10,000" (the rows shown, then the total); "0 of 0" on a page past the end.</summary>
    public string RangeText => Range(Page, PageSize, Rows.Count, Total);

    public static string Range(int page, int pageSize, int rowsShown, int total) => ListPages.Range(page, pageSize, rowsShown, total);
}

/// <summary>
/// The dashboard's list: <see cref="DashboardFilters"/> → <see cref="RequestListQuery"/> (the one paged query: one
/// COUNT and one row projection, filtered, sorted and paged in the database) → <see cref="RequestSummary"/> rows (whose
/// turn, order groups, seal state). Nothing beyond the page is read.
/// </summary>
public sealed class DashboardLists(RequestListQuery query, IDbContextFactory<AppDbContext> dbFactory)
{
    /// <summary>
    /// Database commands one page costs: the COUNT and the page's rows (with their categories and recipients, in the
    /// same query). One more only when a row on the page has every signer done and is still incomplete (is its seal job
    /// given up? <see cref="RequestFailures.SealsGivenUpAsync"/>).
    /// </summary>
    public const int CommandsPerPage = 2;

    public async Task<DashboardList> PageAsync(string ownerId, DashboardFilters filters, CancellationToken ct = default)
    {
        var page = await query.RunAsync(new RequestListFilter(ownerId)
        {
            Scope = RequestListScope.Owned,
            Statuses = filters.Statuses.ToList(),
            Categories = filters.Categories.ToList(),
            CreatedFrom = filters.From,
            CreatedTo = filters.To,
            Search = filters.Search,
            Sort = RequestListSort.NewestFirst, // the (OwnerId, CreatedAt) index: no sort of all the owner's rows
            Page = filters.Page,
            PageSize = filters.PageSize,
        }, ct);
        var requests = page.Rows.Select(AsRequest).ToList();
        HashSet<int> gaveUp;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            gaveUp = await RequestFailures.SealsGivenUpAsync(db, requests, ct); // sends nothing when no row is being sealed
        var rows = page.Rows.Zip(requests, (row, r) => RequestService.ToSummary(r) with { SealGaveUp = gaveUp.Contains(r.Id), Categories = row.Categories }).ToList();
        return new DashboardList(rows, page.Total, page.Page, page.PageSize);
    }

    /// <summary>The categories the owner's requests carry, by name (the filter bar's choices): the category box's one
    /// query (<see cref="CategoryRows.SuggestionsAsync"/>), every name up to a generous limit.</summary>
    public async Task<IReadOnlyList<string>> CategoriesAsync(string ownerId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var names = await CategoryRows.SuggestionsAsync(db, ownerId, MaxFilterCategories, ct);
        return names.Order(StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>More names than a select can usefully offer; the most used ones are kept.</summary>
    public const int MaxFilterCategories = 500;

    /// <summary>The row as the workflow reads a request (status, order, recipients) so whose turn it is comes from
    /// <see cref="RequestWorkflow"/>, the one rule.</summary>
    private static SignatureRequest AsRequest(RequestListRow row) => new()
    {
        Id = row.Id, Name = row.Name, Status = row.Status, IsOrdered = row.IsOrdered, CreatedAt = row.CreatedAt,
        ModifiedAt = row.ModifiedAt, SentAt = row.SentAt, Document = new Document { Name = row.DocumentName },
        Recipients = row.Recipients.Select(x => new Recipient
        {
            Id = x.Id, RequestId = row.Id, Email = x.Email, FirstName = x.FirstName, LastName = x.LastName, OrderId = x.OrderId,
            Status = x.Status, Role = x.Role, IsInPerson = x.IsInPerson,
        }).ToList(),
    };
}
