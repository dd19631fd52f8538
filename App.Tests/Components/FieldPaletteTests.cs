using System.Globalization;
using Bunit;
using ESignWeb.Components.FieldEditor;
using ESignWeb.Components.Pdf;
using ESignWeb.Domain;
using ESignWeb.Requests;
using MudPopoverProvider = MudBlazor.MudPopoverProvider;

namespace ESignWeb.Tests.Components;

public class FieldPaletteTests : ComponentTestBase
{
    private static readonly string[] AllWireTypes = ["signature", "initials", "text", "date", "checkbox", "name", "email"];

    private IRenderedComponent<FieldPalette> RenderPalette(RequestDraft draft, Guid? signerKey,
        Action<FieldType>? onAdd = null, int targetPage = 1, Action<int>? onTargetPage = null)
    {
        Render<MudPopoverProvider>();
        return Render<FieldPalette>(ps =>
        {
            ps.Add(p => p.Parties, FieldParty.ForRequest(draft))
              .Add(p => p.PageCount, draft.PageCount)
              .Add(p => p.SignerKey, signerKey)
              .Add(p => p.TargetPage, targetPage);
            if (onAdd is not null) ps.Add(p => p.OnAdd, onAdd);
            if (onTargetPage is not null) ps.Add(p => p.TargetPageChanged, onTargetPage);
        });
    }

    [Fact]
    public void Renders_one_button_per_field_type()
    {
        var d = NewDraft();
        var s = AddSigner(d, "ann@example.com");

        var cut = RenderPalette(d, s.Key);

        var types = cut.FindAll("button[data-palette-type]").Select(b => b.GetAttribute("data-palette-type")).ToList();
        Assert.Equal(7, types.Count);
        Assert.Equal(AllWireTypes.Order(), types.Order());
    }

    [Fact]
    public void Buttons_are_disabled_when_no_signer_is_chosen()
    {
        var d = NewDraft();
        AddSigner(d, "ann@example.com");

        var cut = RenderPalette(d, signerKey: null);

        var buttons = cut.FindAll("button[data-palette-type]");
        Assert.Equal(7, buttons.Count);
        Assert.All(buttons, b => Assert.True(b.HasAttribute("disabled"), $"{b.GetAttribute("data-palette-type")} should be disabled"));
    }

    [Fact]
    public void Buttons_are_enabled_once_a_signer_is_chosen()
    {
        var d = NewDraft();
        var s = AddSigner(d, "ann@example.com");

        var cut = RenderPalette(d, s.Key);

        Assert.All(cut.FindAll("button[data-palette-type]"), b => Assert.False(b.HasAttribute("disabled")));
    }

    [Fact]
    public void Without_signers_the_palette_asks_to_add_one_first()
    {
        var cut = RenderPalette(NewDraft(), signerKey: null);

        Assert.Contains("Add a signer first.", cut.Markup);
        Assert.All(cut.FindAll("button[data-palette-type]"), b => Assert.True(b.HasAttribute("disabled")));
    }

    [Theory]
    [InlineData(FieldType.Signature)]
    [InlineData(FieldType.Initials)]
    [InlineData(FieldType.Text)]
    [InlineData(FieldType.Date)]
    [InlineData(FieldType.Checkbox)]
    [InlineData(FieldType.Name)]
    [InlineData(FieldType.Email)]
    public void Pressing_a_type_with_a_signer_chosen_raises_OnAdd_with_that_type(FieldType type)
    {
        var d = NewDraft();
        var s = AddSigner(d, "ann@example.com");
        var added = new List<FieldType>();

        var cut = RenderPalette(d, s.Key, onAdd: added.Add);
        cut.Find($"button[data-palette-type='{WireNames.Of(type)}']").Click();

        Assert.Equal([type], added);
    }

    [Fact]
    public void Default_sizes_are_at_least_the_minimum_field_size_and_match_the_rules()
    {
        var d = NewDraft();
        var s = AddSigner(d, "ann@example.com");

        var cut = RenderPalette(d, s.Key);

        foreach (var b in cut.FindAll("button[data-palette-type]"))
        {
            var w = double.Parse(b.GetAttribute("data-default-w")!, CultureInfo.InvariantCulture);
            var h = double.Parse(b.GetAttribute("data-default-h")!, CultureInfo.InvariantCulture);
            Assert.True(w >= 45, $"{b.GetAttribute("data-palette-type")} default width {w} < 45");
            Assert.True(h >= 32, $"{b.GetAttribute("data-palette-type")} default height {h} < 32");

            Assert.True(WireNames.TryParseFieldType(b.GetAttribute("data-palette-type"), out var type));
            Assert.Equal(FieldRules.DefaultSize(type), (w, h));
        }
    }

    [Fact]
    public void Button_titles_name_the_target_page()
    {
        var d = NewDraft(pages: 3);
        var s = AddSigner(d, "ann@example.com");

        var cut = RenderPalette(d, s.Key, targetPage: 3);

        Assert.All(cut.FindAll("button[data-palette-type]"),
            b => Assert.EndsWith("press to add on page 3", b.GetAttribute("title")));
    }

    [Fact]
    public void Add_on_page_field_is_bounded_by_the_page_count()
    {
        var d = NewDraft(pages: 3);
        var s = AddSigner(d, "ann@example.com");

        var cut = RenderPalette(d, s.Key);

        var input = cut.Find("input#palette-page");
        Assert.Equal("1", input.GetAttribute("min"));
        Assert.Equal("3", input.GetAttribute("max"));
        Assert.Equal("1", input.GetAttribute("value"));
        Assert.Contains("Add on page", cut.Markup);
    }

    [Fact]
    public void Changing_the_add_on_page_field_raises_TargetPageChanged()
    {
        var d = NewDraft(pages: 3);
        var s = AddSigner(d, "ann@example.com");
        var pages = new List<int>();

        var cut = RenderPalette(d, s.Key, onTargetPage: pages.Add);
        cut.Find("input#palette-page").Change("2");

        Assert.Equal([2], pages);
    }
}
