using Bunit;
using ESignWeb.Components.Requests;
using ESignWeb.Domain;
using ESignWeb.Requests;

namespace ESignWeb.Tests.Components;

/// <summary>
/// The dashboard's filters as a plain view model (<see cref="DashboardFilters"/>: the URL round trip, hostile query
/// values, clear) and the one filter bar that edits it (<see cref="RequestFilterBar"/>).
/// </summary>
public class RequestFilterBarTests : ComponentTestBase
{
    [Fact]
    public void Every_filter_round_trips_through_the_query_string()
    {
        var filters = new DashboardFilters()
            .WithStatuses([RequestStatus.Complete, RequestStatus.Incomplete])
            .WithCategories(["NDA", "Sales & Legal"])
            .WithRange(new DateOnly(2026, 1, 1), new DateOnly(2026, 3, 31))
            .WithSearch("ACME 100%")
            .WithPageSize(50)
            .WithPage(3);

        var query = filters.ToQueryString();
        Assert.Equal("?status=incomplete&status=complete&category=NDA&category=Sales%20%26%20Legal&from=2026-01-01&to=2026-03-31&q=ACME%20100%25&page=3&size=50", query);
        var back = DashboardFilters.FromQuery("http://localhost/" + query);
        Assert.Equal([RequestStatus.Incomplete, RequestStatus.Complete], back.Statuses);
        Assert.Equal(["NDA", "Sales & Legal"], back.Categories);
        Assert.Equal(new DateOnly(2026, 1, 1), back.From);
        Assert.Equal(new DateOnly(2026, 3, 31), back.To);
        Assert.Equal("ACME 100%", back.Search);
        Assert.Equal(3, back.Page);
        Assert.Equal(50, back.PageSize);
        Assert.Equal(query, back.ToQueryString());
        Assert.True(back.IsFiltered);
    }

    [Fact]
    public void The_default_view_has_no_query_and_the_briefs_example_reads_as_written()
    {
        Assert.Equal("", new DashboardFilters().ToQueryString());
        Assert.Equal(new DashboardFilters().ToQueryString(), DashboardFilters.FromQuery("http://localhost/").ToQueryString());
        Assert.False(DashboardFilters.FromQuery("").IsFiltered);

        var f = DashboardFilters.FromQuery("/?status=incomplete&category=NDA&from=2026-01-01&page=2");
        Assert.Equal([RequestStatus.Incomplete], f.Statuses);
        Assert.Equal(["NDA"], f.Categories);
        Assert.Equal(new DateOnly(2026, 1, 1), f.From);
        Assert.Null(f.To);
        Assert.Equal(2, f.Page);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), f.CreatedFrom);
        Assert.Null(f.CreatedBefore);
    }

    [Theory]
    [InlineData("?status=bogus&status=DROP%20TABLE&status=1", "")]
    [InlineData("?page=0", "")]
    [InlineData("?page=-4", "")]
    [InlineData("?page=abc", "")]
    [InlineData("?page=1e3", "")]
    [InlineData("?page=99999999999999999999", "")]
    [InlineData("?page=2147483647", "?page=1000000")]
    [InlineData("?size=7", "")]
    [InlineData("?size=100000", "")]
    [InlineData("?from=2026-13-01&to=yesterday", "")]
    [InlineData("?from=01/02/2026", "")]
    [InlineData("?q=%20%20%20", "")]
    [InlineData("?category=a,b&category=" + "%00x", "")]
    [InlineData("?to=2026-01-01&from=2026-02-01", "?from=2026-01-01&to=2026-02-01")]
    [InlineData("?status=complete&status=COMPLETE&status=complete", "?status=complete")]
    [InlineData("?category=nda&category=NDA&category=%20NDA%20", "?category=nda")]
    [InlineData("?unknown=1&status=draft#fragment", "?status=draft")]
    public void Hostile_or_senseless_query_values_are_dropped_not_refused(string query, string expected)
    {
        Assert.Equal(expected, DashboardFilters.FromQuery(query).ToQueryString());
    }

    [Fact]
    public void A_huge_search_and_too_many_categories_are_cut_to_the_limits()
    {
        var f = DashboardFilters.FromQuery("?q=" + new string('x', 5000) + "&" + string.Join("&", Enumerable.Range(0, 100).Select(i => $"category=c{i}")));
        Assert.Equal(DashboardFilters.MaxSearchLength, f.Search!.Length);
        Assert.Equal(Categories.MaxPerRequest, f.Categories.Count);
        Assert.Equal("c0", f.Categories[0]);
    }

    [Fact]
    public void Changing_a_filter_goes_back_to_page_one_and_clear_keeps_only_the_page_size()
    {
        var f = DashboardFilters.FromQuery("?status=draft&category=NDA&q=x&page=4&size=10");
        Assert.Equal(1, f.WithSearch("y").Page);
        Assert.Equal(1, f.WithStatuses([]).Page);
        Assert.Equal(1, f.WithCategories(["Other"]).Page);
        Assert.Equal(1, f.WithPageSize(50).Page);
        Assert.Equal(5, f.WithPage(5).Page);
        Assert.Equal("?status=draft&category=NDA&q=x&page=5&size=10", f.WithPage(5).ToQueryString());

        var cleared = f.Cleared();
        Assert.False(cleared.IsFiltered);
        Assert.Equal("?size=10", cleared.ToQueryString());
    }

    [Fact]
    public void The_bar_shows_the_filters_and_sends_a_status_change_as_new_filters_on_page_one()
    {
        DashboardFilters? sent = null;
        var cut = Render<RequestFilterBar>(p => p
            .Add(x => x.Filters, DashboardFilters.FromQuery("?status=complete&page=3"))
            .Add(x => x.Categories, ["Agreement", "NDA"])
            .Add(x => x.FiltersChanged, f => sent = f));

        Assert.Equal(DashboardFilters.FilterStatuses.Select(WireNames.Of), cut.FindAll("#status-filter [data-status]").Select(e => e.GetAttribute("data-status")));
        Assert.NotNull(cut.Find("#search-box"));
        Assert.NotNull(cut.Find("#category-select"));
        Assert.NotNull(cut.Find("#clear-filters"));

        cut.Find("#status-filter [data-status=incomplete]").Click();
        Assert.NotNull(sent);
        Assert.Equal([RequestStatus.Incomplete, RequestStatus.Complete], sent!.Statuses);
        Assert.Equal(1, sent.Page);
    }

    [Fact]
    public void Clear_filters_sends_the_default_view_and_is_not_offered_when_nothing_is_filtered()
    {
        DashboardFilters? sent = null;
        var cut = Render<RequestFilterBar>(p => p
            .Add(x => x.Filters, DashboardFilters.FromQuery("?category=NDA&q=lease&from=2026-01-01&page=2"))
            .Add(x => x.Categories, ["NDA"])
            .Add(x => x.FiltersChanged, f => sent = f));

        cut.Find("#clear-filters").Click();
        Assert.Equal("", sent!.ToQueryString());

        cut.Render(p => p.Add(x => x.Filters, sent));
        Assert.Empty(cut.FindAll("#clear-filters"));
    }

    [Fact]
    public void Without_categories_of_its_own_the_owner_gets_no_category_select()
    {
        var cut = Render<RequestFilterBar>(p => p.Add(x => x.Filters, new DashboardFilters()));
        Assert.Empty(cut.FindAll("#category-select"));
        Assert.NotNull(cut.Find("#created-range"));
    }
}
