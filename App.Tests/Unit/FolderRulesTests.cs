using ESignWeb.Api;
using ESignWeb.Domain;
using ESignWeb.Folders;

namespace ESignWeb.Tests.Unit;

/// <summary>Folder names, cycles, depth and the picker's choices, as pure functions.</summary>
public class FolderRulesTests
{
    // 1 ─ 2 ─ 3
    //   └ 4
    // 5
    private static readonly Dictionary<int, int?> Tree = new() { [1] = null, [2] = 1, [3] = 2, [4] = 1, [5] = null };

    [Theory]
    [InlineData("  Contracts\u202E 2026 ", "Contracts 2026")]
    [InlineData("Line\nbreak", "Line break")]
    [InlineData("Ünïcödé", "Ünïcödé")]
    public void Names_are_cleaned_like_every_name(string raw, string expected) =>
        Assert.Equal(expected, FolderRules.CleanName(raw));

    [Theory]
    [InlineData("", "item_name_invalid")]
    [InlineData("   \u200E ", "item_name_invalid")]
    [InlineData(".", "item_name_invalid")]
    [InlineData("..", "item_name_invalid")]
    [InlineData("a/b", "item_name_invalid")]
    [InlineData("a\\b", "item_name_invalid")]
    public void Bad_names_are_refused(string raw, string code) =>
        Assert.Equal(code, Assert.Throws<AppException>(() => FolderRules.CleanName(raw)).Code.WireCode());

    [Fact]
    public void A_name_is_at_most_255_characters()
    {
        Assert.Equal(255, FolderRules.CleanName(new string('x', 255)).Length);
        Assert.Equal("item_name_too_long", Assert.Throws<AppException>(() => FolderRules.CleanName(new string('x', 256))).Code.WireCode());
    }

    [Fact]
    public void Sibling_names_clash_case_insensitively_also_beyond_ascii()
    {
        Assert.True(FolderRules.NameTaken(["Contracts"], "CONTRACTS"));
        Assert.True(FolderRules.NameTaken(["Übersicht"], "übersicht"));
        Assert.False(FolderRules.NameTaken(["Contracts"], "Contracts 2"));
    }

    [Fact]
    public void A_folder_cannot_move_into_itself_or_below_itself()
    {
        Assert.NotNull(FolderRules.MoveProblem(Tree, 1, 1));
        Assert.NotNull(FolderRules.MoveProblem(Tree, 1, 3));
        Assert.NotNull(FolderRules.MoveProblem(Tree, 2, 3));
        Assert.Null(FolderRules.MoveProblem(Tree, 2, 5));
        Assert.Null(FolderRules.MoveProblem(Tree, 3, null));
        Assert.Null(FolderRules.MoveProblem(Tree, 5, 3));
    }

    [Fact]
    public void Depth_and_height_count_levels()
    {
        Assert.Equal(0, FolderRules.Depth(Tree, null));
        Assert.Equal(1, FolderRules.Depth(Tree, 1));
        Assert.Equal(3, FolderRules.Depth(Tree, 3));
        Assert.Equal(3, FolderRules.Height(Tree, 1));
        Assert.Equal(1, FolderRules.Height(Tree, 5));
    }

    [Fact]
    public void A_move_that_would_nest_deeper_than_the_limit_is_refused()
    {
        // A chain 1..20 (full depth) and a two-level folder 100 ─ 101 at the root.
        var chain = Enumerable.Range(1, FolderRules.MaxDepth).ToDictionary(i => i, i => i == 1 ? (int?)null : i - 1);
        chain[100] = null;
        chain[101] = 100;
        Assert.Null(FolderRules.MoveProblem(chain, 100, FolderRules.MaxDepth - 2)); // 18 + 2 = 20
        Assert.Contains("at most", FolderRules.MoveProblem(chain, 100, FolderRules.MaxDepth - 1)); // 19 + 2 > 20
    }

    [Fact]
    public void A_corrupt_tree_with_a_cycle_never_loops()
    {
        var cycle = new Dictionary<int, int?> { [1] = 2, [2] = 1 };
        Assert.Throws<InvalidOperationException>(() => FolderRules.Depth(cycle, 1));
    }

    [Fact]
    public void The_picker_lists_the_root_then_the_tree_and_disables_a_moved_folder_with_everything_below_it()
    {
        var folders = new[]
        {
            new Folder { Id = 1, Name = "b" }, new Folder { Id = 2, Name = "c", ParentId = 1 },
            new Folder { Id = 3, Name = "A" }, new Folder { Id = 4, Name = "d", ParentId = 2 },
        };
        var tree = FolderRules.Tree(folders);
        Assert.Equal([(3, 1), (1, 1), (2, 2), (4, 3)], tree.Select(n => (n.Id, n.Depth)));
        var choices = FolderChoice.For(tree, excludeSubtreeOf: 2);
        Assert.Equal(["0", "3", "1", "2", "4"], choices.Select(c => c.Key));
        Assert.Equal([false, false, false, true, true], choices.Select(c => c.Disabled));
        Assert.Null(FolderChoice.IdOf("0"));
        Assert.Equal(4, FolderChoice.IdOf("4"));
        Assert.Equal("0", FolderRules.WireId(null));
    }
}
