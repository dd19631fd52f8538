using Bunit;
using ESignWeb.Components.Folders;
using ESignWeb.Folders;

namespace ESignWeb.Tests.Components;

/// <summary>The folder picker: the top level first, the tree indented in order, a moved folder's sub-tree disabled.</summary>
public class FolderPickerTests : ComponentTestBase
{
    private static readonly FolderNode[] Tree =
    [
        new(1, "Contracts", null, 1), new(2, "2026", 1, 2), new(3, "Archive", 2, 3), new(4, "Invoices", null, 1),
    ];

    [Fact]
    public void Lists_the_top_level_and_every_folder_in_tree_order_and_disables_the_moved_folder_and_below()
    {
        int? chosen = -1;
        var cut = Render<FolderPicker>(p => p
            .Add(x => x.OwnerId, "me").Add(x => x.Tree, Tree).Add(x => x.Value, 4).Add(x => x.ExcludeSubtreeOf, 2)
            .Add(x => x.ValueChanged, v => chosen = v));
        var radios = cut.FindAll("input[type=radio]");
        Assert.Equal(5, radios.Count);
        Assert.Equal(["Documents (top level)", "Contracts", "2026", "Archive", "Invoices"],
            cut.FindAll(".folder-choice").Select(e => e.TextContent.Trim()));
        Assert.Equal([false, false, true, true, false], radios.Select(r => r.HasAttribute("disabled")));
        Assert.True(radios[4].HasAttribute("checked")); // the current value, Invoices
        Assert.Equal("padding-left:2.5rem", cut.FindAll(".folder-picker-list div[style]")[2].GetAttribute("style"));

        radios[1].Click();
        Assert.Equal(1, chosen);
        cut.FindAll("input[type=radio]")[0].Click();
        Assert.Null(chosen);
    }
}
