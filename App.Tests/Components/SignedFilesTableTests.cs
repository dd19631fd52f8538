using Bunit;
using ESignWeb.Components.SignedFiles;
using ESignWeb.Domain;
using Microsoft.AspNetCore.Components;

namespace ESignWeb.Tests.Components;

/// <summary>The one signed-files table (the Signed files page and the Documents page's folder view).</summary>
public class SignedFilesTableTests : ComponentTestBase
{
    private static readonly SignedFile[] Files =
    [
        new() { Id = 7, Name = "NDA.pdf", RequestId = 42, CreatedAt = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero) },
        new() { Id = 8, Name = "Lease.pdf", RequestId = null, CreatedAt = new DateTimeOffset(2026, 11, 26, 9, 30, 0, TimeSpan.Zero) },
    ];

    [Fact]
    public void Lists_each_file_with_where_it_came_from_and_its_download_and_audit_trail_links_then_the_row_actions()
    {
        var cut = Render<SignedFilesTable>(p => p
            .Add(x => x.Id, "signed-table").Add(x => x.Items, Files)
            .Add(x => x.RowActions, (RenderFragment<SignedFile>)(f => b =>
            {
                b.OpenElement(0, "button");
                b.AddAttribute(1, "class", "extra");
                b.AddContent(2, $"Move {f.Name}");
                b.CloseElement();
            })));

        Assert.NotNull(cut.Find("#signed-table"));
        Assert.Equal(["NDA.pdf", "Lease.pdf"], cut.FindAll("td.signed-name").Select(e => e.TextContent.Trim()));
        var rows = cut.FindAll("tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Equal("requests/42", rows[0].QuerySelector("a[href^='requests/']")!.GetAttribute("href"));
        Assert.Contains("Signed by you", rows[1].TextContent);
        Assert.Null(rows[1].QuerySelector("a[href^='requests/']"));
        Assert.Equal(["signed-files/7/file", "signed-files/7/audit-trail"],
            rows[0].QuerySelectorAll("a[href^='signed-files/']").Select(a => a.GetAttribute("href")));
        Assert.Equal(["signed-files/8/file", "signed-files/8/audit-trail"],
            rows[1].QuerySelectorAll("a[href^='signed-files/']").Select(a => a.GetAttribute("href")));
        Assert.Equal(["Move NDA.pdf", "Move Lease.pdf"], cut.FindAll("button.extra").Select(e => e.TextContent));
    }

    [Fact]
    public void An_empty_list_shows_the_callers_empty_state_and_no_row_actions()
    {
        var cut = Render<SignedFilesTable>(p => p
            .Add(x => x.Id, "signed-table").Add(x => x.Items, Array.Empty<SignedFile>())
            .Add(x => x.NoRecordsContent, (RenderFragment)(b =>
            {
                b.OpenElement(0, "p");
                b.AddAttribute(1, "id", "nothing");
                b.AddContent(2, "Nothing signed yet");
                b.CloseElement();
            })));

        Assert.Equal("Nothing signed yet", cut.Find("#nothing").TextContent);
        Assert.Empty(cut.FindAll("td.signed-name"));
    }
}
