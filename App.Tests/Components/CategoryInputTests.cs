using Bunit;
using ESignWeb.Components.Shared;
using ESignWeb.Domain;
using Microsoft.AspNetCore.Components.Web;

namespace ESignWeb.Tests.Components;

/// <summary>The one category box: Enter and comma add, remove buttons, case-insensitive duplicates, the rule's message, suggestions.</summary>
public class CategoryInputTests : ComponentTestBase
{
    private IReadOnlyList<string> _values = [];
    private int _changes;
    private IRenderedComponent<CategoryInput>? _cut;

    /// <summary>Renders the box as a page does: the page keeps the categories and passes them back in.</summary>
    private IRenderedComponent<CategoryInput> RenderBox(IReadOnlyList<string>? values = null, IReadOnlyList<string>? suggestions = null)
    {
        _values = values ?? [];
        _cut = Render<CategoryInput>(ps => ps
            .Add(p => p.Values, _values)
            .Add(p => p.Suggestions, suggestions ?? [])
            .Add(p => p.Id, "cats")
            .Add(p => p.ValuesChanged, v =>
            {
                _values = v;
                _changes++;
                _cut!.Render(ps2 => ps2.Add(p => p.Values, v));
            }));
        return _cut;
    }

    private static List<string> Chips(IRenderedComponent<CategoryInput> cut) =>
        cut.FindAll("li.category-chip").Select(li => li.GetAttribute("data-category")!).ToList();

    private static void Type(IRenderedComponent<CategoryInput> cut, string text) => cut.Find("input#cats-text").Input(text);

    private static void Enter(IRenderedComponent<CategoryInput> cut) => cut.Find("input#cats-text").KeyDown(new KeyboardEventArgs { Key = "Enter" });

    [Fact]
    public void Enter_adds_what_is_typed_and_clears_the_box()
    {
        var cut = RenderBox();
        Type(cut, "  NDA ");
        Enter(cut);

        Assert.Equal(["NDA"], _values);
        Assert.Equal(["NDA"], Chips(cut));
        Assert.Equal("", cut.Find("input#cats-text").GetAttribute("value"));
        Assert.Contains("Added NDA.", cut.Find("[aria-live=polite]").TextContent);
    }

    [Fact]
    public void A_comma_adds_the_names_before_it_and_keeps_the_rest_in_the_box()
    {
        var cut = RenderBox(["NDA"]);
        Type(cut, "Lease, Real estate,Sal");

        Assert.Equal(["NDA", "Lease", "Real estate"], _values);
        Assert.Equal(["NDA", "Lease", "Real estate"], Chips(cut));
        Assert.Equal("Sal", cut.Find("input#cats-text").GetAttribute("value"));
        Enter(cut);
        Assert.Equal(["NDA", "Lease", "Real estate", "Sal"], _values);
    }

    [Fact]
    public void The_remove_button_of_a_chip_removes_that_category_and_is_labelled_with_its_name()
    {
        var cut = RenderBox(["NDA", "Lease"]);
        var remove = cut.Find("li.category-chip[data-category='NDA'] button.category-remove");
        Assert.Equal("Remove category NDA", remove.GetAttribute("aria-label"));
        remove.Click();

        Assert.Equal(["Lease"], _values);
        Assert.Equal(["Lease"], Chips(cut));
    }

    [Fact]
    public void A_name_that_differs_only_in_case_from_one_there_is_not_added_again()
    {
        var cut = RenderBox(["NDA"]);
        Type(cut, "nda");
        Enter(cut);

        Assert.Equal(0, _changes);
        Assert.Equal(["NDA"], Chips(cut));
        Assert.Equal("", cut.Find("input#cats-text").GetAttribute("value"));
        Assert.Contains("Already there.", cut.Find("[aria-live=polite]").TextContent);
    }

    [Fact]
    public void A_too_long_name_shows_the_rules_message_under_the_box_and_adds_nothing()
    {
        var cut = RenderBox(["NDA"]);
        var tooLong = new string('x', Categories.MaxLength + 1);
        Type(cut, tooLong);
        Enter(cut);

        Assert.Equal(0, _changes);
        var error = cut.Find("#cats-help.category-error");
        Assert.Equal("alert", error.GetAttribute("role"));
        Assert.Contains($"is too long (at most {Categories.MaxLength} characters)", error.TextContent);
        Assert.Equal("true", cut.Find("input#cats-text").GetAttribute("aria-invalid"));
        Assert.Equal(tooLong, cut.Find("input#cats-text").GetAttribute("value")); // kept, to be shortened

        Type(cut, "Lease");
        Enter(cut);
        Assert.Empty(cut.FindAll(".category-error"));
        Assert.Equal(["NDA", "Lease"], _values);
    }

    [Fact]
    public void Suggestions_offer_the_owners_names_not_chosen_yet_most_used_first()
    {
        var cut = RenderBox(["nda"], suggestions: ["NDA", "Lease", "Sales"]);
        var input = cut.Find("input#cats-text");
        Assert.Equal("cats-suggestions", input.GetAttribute("list"));
        Assert.Equal(["Lease", "Sales"], cut.FindAll("datalist#cats-suggestions option").Select(o => o.GetAttribute("value")!));

        Type(cut, "Sales");
        Enter(cut);
        Assert.Equal(["Lease"], cut.FindAll("datalist#cats-suggestions option").Select(o => o.GetAttribute("value")!));
    }

    [Fact]
    public void The_box_has_a_label_and_shown_only_it_has_neither_box_nor_remove_buttons()
    {
        var cut = RenderBox(["NDA"]);
        Assert.Equal("cats-text", cut.Find("label.category-label").GetAttribute("for"));

        var shown = Render<CategoryInput>(ps => ps.Add(p => p.Values, ["NDA"]).Add(p => p.Disabled, true));
        Assert.Equal(["NDA"], Chips(shown));
        Assert.Empty(shown.FindAll("input"));
        Assert.Empty(shown.FindAll("button"));
    }
}
