using System.Data.Common;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Requests;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// The dashboard's list (<see cref="DashboardLists"/> on the shared <c>RequestListQuery</c>): server-side pages that
/// together hold every request exactly once, filters by status, category, created range and search, only the owner's
/// requests, and a fixed number of database commands per page however deep or large the page.
/// </summary>
public class DashboardListTests : IClassFixture<DashboardListTests.Seeded>
{
    /// <summary>One app and database for the class: an owner with 103 requests, a stranger with 10.</summary>
    public sealed class Seeded : IAsyncLifetime
    {
        public static readonly DateTimeOffset Newest = new(2026, 1, 10, 12, 0, 0, TimeSpan.Zero);
        public const int Count = 103;
        public CommandCounter Commands { get; } = new();
        public ESignAppFactory App { get; }
        public string Owner { get; private set; } = "";
        public string Stranger { get; private set; } = "";
        public List<int> Ids { get; private set; } = [];
        public List<int> StrangerIds { get; private set; } = [];

        public Seeded() => App = new ESignAppFactory { TestServices = s => s.ConfigureDbContext<AppDbContext>(o => o.AddInterceptors(Commands)) };

        /// <summary>Request i (0 = newest) is "NDA" when i % 3 == 0, else "Agreement"; every fifth also "Sales".</summary>
        public static string[] CategoriesOf(int i) => (i % 3 == 0 ? new[] { "NDA" } : ["Agreement"]).Concat(i % 5 == 0 ? ["Sales"] : Array.Empty<string>()).ToArray();

        public async Task InitializeAsync()
        {
            _ = App.Server;
            Owner = await App.CreateUserAsync("dana.dash@example.com");
            Stranger = await App.CreateUserAsync("sid.stranger@example.com");
            await using var db = await App.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            Ids = await RequestSeed.AddRequestsAsync(db, Owner, Count, Newest, CategoriesOf, "Lease");
            StrangerIds = await RequestSeed.AddRequestsAsync(db, Stranger, 10, Newest, _ => ["NDA", "Secret"], "Lease");
        }

        public async Task DisposeAsync() => await App.DisposeAsync();
    }

    /// <summary>
    /// Counts the commands EF sends (readers, scalars, non-queries) while <see cref="Counting"/> is on — in the test's
    /// own async flow only (an AsyncLocal): the app's background work (the outbox processor's polling) runs meanwhile and
    /// is not the page's cost.
    /// </summary>
    public sealed class CommandCounter : DbCommandInterceptor
    {
        private int _count;
        private readonly AsyncLocal<bool> _counting = new();
        public bool Counting { get => _counting.Value; set => _counting.Value = value; }
        public List<string> Texts { get; } = [];
        public int Count => _count;
        public void Start() { Interlocked.Exchange(ref _count, 0); lock (Texts) Texts.Clear(); Counting = true; }
        private void Seen(DbCommand c)
        {
            if (!Counting) return;
            Interlocked.Increment(ref _count);
            lock (Texts) Texts.Add(c.CommandText);
        }
        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand c, CommandEventData e, InterceptionResult<DbDataReader> r, CancellationToken ct = default) { Seen(c); return ValueTask.FromResult(r); }
        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand c, CommandEventData e, InterceptionResult<object> r, CancellationToken ct = default) { Seen(c); return ValueTask.FromResult(r); }
        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand c, CommandEventData e, InterceptionResult<int> r, CancellationToken ct = default) { Seen(c); return ValueTask.FromResult(r); }
        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand c, CommandEventData e, InterceptionResult<DbDataReader> r) { Seen(c); return r; }
        public override InterceptionResult<object> ScalarExecuting(DbCommand c, CommandEventData e, InterceptionResult<object> r) { Seen(c); return r; }
        public override InterceptionResult<int> NonQueryExecuting(DbCommand c, CommandEventData e, InterceptionResult<int> r) { Seen(c); return r; }
    }

    private readonly Seeded _s;
    private readonly DashboardLists _lists;

    public DashboardListTests(Seeded s)
    {
        _s = s;
        _lists = s.App.Get<DashboardLists>();
    }

    /// <summary>Every page of the view, walked forward; checks the total on each page.</summary>
    private async Task<List<RequestSummary>> AllPagesAsync(DashboardFilters filters, int expectedTotal)
    {
        var rows = new List<RequestSummary>();
        var first = await _lists.PageAsync(_s.Owner, filters.WithPage(1));
        Assert.Equal(expectedTotal, first.Total);
        Assert.Equal(Math.Max(1, (expectedTotal + filters.PageSize - 1) / filters.PageSize), first.PageCount);
        for (var p = 1; p <= first.PageCount; p++)
        {
            var page = await _lists.PageAsync(_s.Owner, filters.WithPage(p));
            Assert.Equal(expectedTotal, page.Total);
            Assert.Equal(p < first.PageCount ? filters.PageSize : expectedTotal - (first.PageCount - 1) * filters.PageSize, page.Rows.Count);
            rows.AddRange(page.Rows);
        }
        return rows;
    }

    [Theory]
    [InlineData(10)]
    [InlineData(25)]
    [InlineData(100)]
    public async Task Pages_together_hold_every_request_of_the_owner_exactly_once_newest_first(int size)
    {
        var rows = await AllPagesAsync(new DashboardFilters().WithPageSize(size), Seeded.Count);
        Assert.Equal(_s.Ids, rows.Select(r => r.Id)); // the seed returns them newest first; no duplicates, none missing
        Assert.DoesNotContain(rows, r => _s.StrangerIds.Contains(r.Id));

        var beyond = await _lists.PageAsync(_s.Owner, new DashboardFilters().WithPageSize(size).WithPage(1000));
        Assert.Empty(beyond.Rows);
        Assert.Equal(Seeded.Count, beyond.Total);
    }

    [Fact]
    public async Task A_category_filter_pages_through_exactly_the_requests_with_that_category_and_shows_their_categories()
    {
        var expected = Enumerable.Range(0, Seeded.Count).Where(i => i % 3 == 0).Select(i => _s.Ids[i]).ToList();
        var rows = await AllPagesAsync(new DashboardFilters().WithCategories(["nda"]).WithPageSize(10), expected.Count);
        Assert.Equal(expected, rows.Select(r => r.Id));
        Assert.All(rows, r => Assert.Contains("NDA", r.Categories));
        var tagged = rows.Single(r => r.Id == _s.Ids[15]); // 15: NDA and Sales
        Assert.Equal(["NDA", "Sales"], tagged.Categories.Order());

        // Several categories: a request with any of them, once.
        var either = Enumerable.Range(0, Seeded.Count).Where(i => i % 3 == 0 || i % 5 == 0).Select(i => _s.Ids[i]).ToList();
        Assert.Equal(either, (await AllPagesAsync(new DashboardFilters().WithCategories(["NDA", "Sales"]).WithPageSize(25), either.Count)).Select(r => r.Id));
    }

    [Fact]
    public async Task Statuses_created_range_and_search_filter_on_the_server()
    {
        var statuses = new[] { RequestStatus.Complete, RequestStatus.Canceled };
        var byStatus = Enumerable.Range(0, Seeded.Count).Where(i => statuses.Contains(RequestSeed.Cycle[i % RequestSeed.Cycle.Length])).Select(i => _s.Ids[i]).ToList();
        Assert.Equal(byStatus, (await AllPagesAsync(new DashboardFilters().WithStatuses(statuses), byStatus.Count)).Select(r => r.Id));

        // Created on 9 January (UTC), both ends of the range included.
        var day = new DateOnly(2026, 1, 9);
        var onDay = Enumerable.Range(0, Seeded.Count).Where(i => DateOnly.FromDateTime(Seeded.Newest.AddHours(-i).UtcDateTime) == day).Select(i => _s.Ids[i]).ToList();
        Assert.Equal(24, onDay.Count);
        Assert.Equal(onDay, (await AllPagesAsync(new DashboardFilters().WithRange(day, day), onDay.Count)).Select(r => r.Id));

        // Search: by name anywhere in it ("Lease 0042").
        var found = await _lists.PageAsync(_s.Owner, new DashboardFilters().WithSearch("0042"));
        Assert.Equal("Lease 0042", Assert.Single(found.Rows).Name);
        Assert.Equal(1, found.Total);
    }

    [Fact]
    public async Task The_category_choices_are_the_owners_own_in_order()
    {
        Assert.Equal(["Agreement", "NDA", "Sales"], await _lists.CategoriesAsync(_s.Owner));
        Assert.Equal(["NDA", "Secret"], await _lists.CategoriesAsync(_s.Stranger));
    }

    [Fact]
    public async Task One_page_costs_the_same_few_commands_on_page_one_on_a_deep_page_with_a_category_and_at_100_a_page()
    {
        var counts = new List<int>();
        foreach (var filters in new[]
                 {
                     new DashboardFilters(), new DashboardFilters().WithPage(4), new DashboardFilters().WithCategories(["NDA"]).WithPage(2),
                     new DashboardFilters().WithPageSize(100), new DashboardFilters().WithStatuses([RequestStatus.Incomplete]).WithSearch("Lease"),
                 })
        {
            _s.Commands.Start();
            var page = await _lists.PageAsync(_s.Owner, filters);
            _s.Commands.Counting = false;
            Assert.NotEmpty(page.Rows);
            counts.Add(_s.Commands.Count);
        }
        Assert.All(counts, c => Assert.Equal(DashboardLists.CommandsPerPage, c));
    }
}
