using System.Globalization;
using AngleSharp.Dom;
using Bunit;
using ESignWeb.Components.FieldEditor;
using ESignWeb.Components.Pdf;
using ESignWeb.Domain;
using ESignWeb.Requests;
using Microsoft.AspNetCore.Components.Web;

namespace ESignWeb.Tests.Components;

public class FieldLayerTests : ComponentTestBase
{
    private static readonly PdfRect TenPercentRect = new(61.2, 633.6, 122.4, 79.2);

    private IRenderedComponent<FieldLayer> RenderLayer(RequestDraft draft, int page = 1, Guid? selected = null,
        Action<Guid>? onSelect = null, Action<(Guid Key, KeyboardEventArgs Args)>? onKey = null) =>
        Render<FieldLayer>(ps =>
        {
            ps.Add(p => p.Draft, draft)
              .Add(p => p.Parties, FieldParty.ForRequest(draft))
              .Add(p => p.PageNumber, page)
              .Add(p => p.Geometry, draft.Pages[page - 1])
              .Add(p => p.SelectedKey, selected);
            if (onSelect is not null) ps.Add(p => p.OnSelect, onSelect);
            if (onKey is not null) ps.Add(p => p.OnKey, onKey);
        });

    /// <summary>Parses "left:10%;top:10%;..." into numbers (percent), ignoring the non-% declarations.</summary>
    private static Dictionary<string, double> PercentStyle(IElement box) =>
        box.GetAttribute("style")!
            .Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(decl => decl.Split(':', 2))
            .Where(kv => kv.Length == 2 && kv[1].Trim().EndsWith('%'))
            .ToDictionary(kv => kv[0].Trim(), kv => double.Parse(kv[1].Trim().TrimEnd('%'), CultureInfo.InvariantCulture));

    private static void AssertBox(IElement box, double left, double top, double width, double height)
    {
        var s = PercentStyle(box);
        Assert.Equal(left, s["left"], 4);
        Assert.Equal(top, s["top"], 4);
        Assert.Equal(width, s["width"], 4);
        Assert.Equal(height, s["height"], 4);
    }

    [Fact]
    public void Field_is_positioned_in_percent_of_the_page()
    {
        var d = NewDraft();
        var s = AddSigner(d, "ann@example.com");
        AddField(d, s, TenPercentRect);

        var cut = RenderLayer(d);

        AssertBox(cut.Find(".field-box"), left: 10, top: 10, width: 20, height: 10);
    }

    [Fact]
    public void Fields_on_other_pages_are_not_rendered()
    {
        var d = NewDraft(pages: 2);
        var s = AddSigner(d, "ann@example.com");
        var onPage1 = AddField(d, s, TenPercentRect, page: 1);
        var onPage2 = AddField(d, s, TenPercentRect, page: 2);

        var cut = RenderLayer(d, page: 1);

        var box = Assert.Single(cut.FindAll(".field-box"));
        Assert.Equal(onPage1.Key.ToString(), box.GetAttribute("data-field-key"));
        Assert.DoesNotContain(onPage2.Key.ToString(), cut.Markup);
    }

    [Fact]
    public void Field_on_a_page_rotated_90_is_placed_as_PageGeometry_ToView_says()
    {
        var d = NewDraft();
        d.Pages = [Letter(rotate: 90)];
        var s = AddSigner(d, "ann@example.com");
        AddField(d, s, TenPercentRect);

        var cut = RenderLayer(d);

        var v = d.Pages[0].ToView(TenPercentRect);
        var box = cut.Find(".field-box");
        AssertBox(box, v.Left * 100, v.Top * 100, v.Width * 100, v.Height * 100);
        // Shown turned a quarter clockwise: user-space y runs left→right, x top→bottom (792 × 612 display).
        AssertBox(box, left: 80, top: 10, width: 10, height: 20);
    }

    [Fact]
    public void Only_the_selected_field_has_a_resize_handle()
    {
        var d = NewDraft();
        var s = AddSigner(d, "ann@example.com");
        var selected = AddField(d, s, TenPercentRect);
        var other = AddField(d, s, new PdfRect(300, 100, 100, 40));

        var cut = RenderLayer(d, selected: selected.Key);

        var selectedBox = cut.Find($".field-box[data-field-key='{selected.Key}']");
        var otherBox = cut.Find($".field-box[data-field-key='{other.Key}']");
        Assert.Single(selectedBox.QuerySelectorAll(".field-resize"));
        Assert.Empty(otherBox.QuerySelectorAll(".field-resize"));
        Assert.Contains("selected", selectedBox.ClassList);
        Assert.DoesNotContain("selected", otherBox.ClassList);
    }

    [Fact]
    public void No_field_has_a_resize_handle_when_none_is_selected()
    {
        var d = NewDraft();
        var s = AddSigner(d, "ann@example.com");
        AddField(d, s, TenPercentRect);

        var cut = RenderLayer(d, selected: null);

        Assert.Empty(cut.FindAll(".field-resize"));
    }

    [Fact]
    public void Focusing_a_field_by_click_or_tab_raises_OnSelect_once_with_its_key()
    {
        var d = NewDraft();
        var s = AddSigner(d, "ann@example.com");
        AddField(d, s, TenPercentRect);
        var second = AddField(d, s, new PdfRect(300, 100, 100, 40));
        var selected = new List<Guid>();

        var cut = RenderLayer(d, onSelect: selected.Add);
        var box = cut.Find($".field-box[data-field-key='{second.Key}']");
        box.Focus();

        Assert.Equal([second.Key], selected);
        Assert.Null(box.GetAttribute("blazor:onclick")); // a click focuses; selecting twice would be redundant
    }

    [Fact]
    public void Keydown_on_a_field_raises_OnKey_with_its_key_and_the_key_pressed()
    {
        var d = NewDraft();
        var s = AddSigner(d, "ann@example.com");
        var f = AddField(d, s, TenPercentRect);
        var keys = new List<(Guid Key, KeyboardEventArgs Args)>();

        var cut = RenderLayer(d, onKey: keys.Add);
        cut.Find(".field-box").KeyDown(new KeyboardEventArgs { Key = "ArrowLeft", ShiftKey = true });

        var (key, args) = Assert.Single(keys);
        Assert.Equal(f.Key, key);
        Assert.Equal("ArrowLeft", args.Key);
        Assert.True(args.ShiftKey);
    }

    [Fact]
    public void Aria_label_names_the_type_signer_page_and_required()
    {
        var d = NewDraft();
        var s = AddSigner(d, "ann@example.com", "Ann", "Lee");
        AddField(d, s, TenPercentRect, type: FieldType.Signature, required: true);

        var cut = RenderLayer(d);

        var label = cut.Find(".field-box").GetAttribute("aria-label")!;
        Assert.Contains("Signature", label);
        Assert.Contains("Ann Lee", label);
        Assert.Contains("page 1", label);
        Assert.Contains("required", label);
        Assert.DoesNotContain("optional", label);
    }

    [Fact]
    public void Aria_label_says_optional_for_an_optional_field()
    {
        var d = NewDraft();
        var s = AddSigner(d, "bob@example.com", "Bob", "Ray");
        AddField(d, s, TenPercentRect, type: FieldType.Checkbox, required: false);

        var cut = RenderLayer(d);

        var box = cut.Find(".field-box");
        var label = box.GetAttribute("aria-label")!;
        Assert.Contains("Bob Ray", label);
        Assert.Contains("optional", label);
        Assert.DoesNotContain("required", label);
        Assert.Contains("optional", box.ClassList);
    }

    [Fact]
    public void Field_box_carries_its_type_and_signer_name()
    {
        var d = NewDraft();
        var s = AddSigner(d, "ann@example.com", "Ann", "Lee");
        AddField(d, s, TenPercentRect, type: FieldType.Date);

        var cut = RenderLayer(d);

        var box = cut.Find(".field-box");
        Assert.Equal("date", box.GetAttribute("data-field-type"));
        Assert.Equal("Date*", box.QuerySelector(".field-label")!.TextContent);
        Assert.Equal("Ann Lee", box.QuerySelector(".field-signer")!.TextContent);
    }
}
