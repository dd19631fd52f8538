using ESignWeb.Data;
using Microsoft.AspNetCore.Components;

namespace ESignWeb.Components.Shared;

public static class PageNavigation
{
    /// <summary>
    /// Goes to <paramref name="page"/> of the current page's list: the same URL with its <c>page</c>/<c>size</c> values
    /// changed (others kept), a new history entry, so Back returns to the page before and the URL can be bookmarked.
    /// </summary>
    public static void GoToPage(this NavigationManager nav, PageRequest page, string pageName = "page", string sizeName = "size") =>
        nav.NavigateTo(nav.GetUriWithQueryParameters(page.QueryValues(pageName, sizeName)));
}
