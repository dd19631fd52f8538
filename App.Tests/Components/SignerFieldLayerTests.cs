using System.Globalization;
using System.Text.RegularExpressions;
using Bunit;
using ESignWeb.Components.Signing;
using ESignWeb.Domain;
using ESignWeb.Sealing;
using ESignWeb.Signing;
using ESignWeb.Tests.Fixtures;

namespace ESignWeb.Tests.Components;

/// <summary>The signer's field boxes: values drawn by the seal's fit rule, placeholders that never spill.</summary>
public class SignerFieldLayerTests : ComponentTestBase
{
    public SignerFieldLayerTests() => Fonts.Install();

    private IRenderedComponent<SignerFieldLayer> RenderLayer(params SignerField[] fields) =>
        Render<SignerFieldLayer>(ps => ps
            .Add(p => p.Fields, fields)
            .Add(p => p.PageNumber, 1)
            .Add(p => p.Geometry, Letter())
            .Add(p => p.Token, "t"));

    private static double Num(string? s) => double.Parse(s!, CultureInfo.InvariantCulture);

    [Fact]
    public void A_filled_value_is_drawn_in_the_boxs_points_with_the_seals_text_size_and_width()
    {
        const string name = "Maximilian Alexander von Hohenberg-Wittelsbach";
        var rect = new PdfRect(72, 540, 60, 32);
        var cut = RenderLayer(new SignerField(1, FieldType.Name, true, 1, rect, null, true, true, name, false));
        var expected = TextFit.Fit(name, 60, 32);

        var svg = cut.Find(".sign-field[data-field-id='1'] svg.sign-text");
        Assert.Equal("0 0 60 32", svg.GetAttribute("viewBox"));
        var text = svg.QuerySelector("text")!;
        Assert.Equal(expected.Text, text.TextContent);
        Assert.EndsWith("…", text.TextContent);
        Assert.Equal(expected.FontSize, Num(text.GetAttribute("font-size")), 5);
        Assert.Equal(expected.Width, Num(text.GetAttribute("textLength")), 5);
        Assert.InRange(Num(text.GetAttribute("x")) + Num(text.GetAttribute("textLength")), 0, 60 - TextFit.Padding + 1e-6);
        Assert.Equal(name, svg.QuerySelector("title")!.TextContent); // the whole value, as a tooltip
    }

    [Fact]
    public void A_value_that_fits_is_not_cut_and_has_no_tooltip()
    {
        var cut = RenderLayer(new SignerField(2, FieldType.Date, true, 1, new PdfRect(150, 540, 110, 32), null, true, true, "27.11.2026", false));
        var svg = cut.Find("svg.sign-text");
        Assert.Equal("27.11.2026", svg.QuerySelector("text")!.TextContent);
        Assert.Null(svg.QuerySelector("title"));
    }

    [Fact]
    public void Placeholders_shrink_with_their_box_and_name_themselves_in_a_tooltip()
    {
        var cut = RenderLayer(
            new SignerField(3, FieldType.Date, true, 1, new PdfRect(320, 540, 45, 32), null, false, false, null, false),
            new SignerField(4, FieldType.Initials, true, 1, new PdfRect(72, 400, 45, 32), null, true, false, null, false));
        var other = cut.Find(".sign-field.other");
        Assert.Equal("Another signer", other.GetAttribute("title"));
        Assert.Matches(@"^font-size:clamp\(7px, [\d.]+cqw, 12px\)$", other.QuerySelector(".sign-placeholder")!.GetAttribute("style"));
        var mine = cut.Find(".sign-field[data-field-id='4'] .sign-placeholder");
        Assert.Equal("Initials *", mine.GetAttribute("title"));
        Assert.Equal("Initials *", mine.TextContent);
    }

    [Fact]
    public void A_field_the_signer_added_has_its_remove_button_beside_it_at_its_top_right_corner_not_inside_it()
    {
        SignerField? removed = null, activated = null;
        var rect = new PdfRect(72, 540, 180, 48);
        var field = new SignerField(5, FieldType.Signature, true, 1, rect, null, true, false, null, true);
        var cut = Render<SignerFieldLayer>(ps => ps
            .Add(p => p.Fields, [field])
            .Add(p => p.PageNumber, 1)
            .Add(p => p.Geometry, Letter())
            .Add(p => p.Token, "")
            .Add(p => p.OnRemove, f => removed = f)
            .Add(p => p.OnActivate, f => activated = f));

        // A button may not hold another control (axe nested-interactive): the field (role=button) holds none.
        var box = cut.Find(".sign-field[data-field-id='5']");
        Assert.Empty(box.QuerySelectorAll("button, a, input, [tabindex]"));
        var remove = cut.Find("button.sign-remove");
        Assert.Same(box.ParentElement, remove.ParentElement);
        Assert.Equal("Remove this field", remove.GetAttribute("aria-label"));
        var v = Letter().ToView(rect);
        var style = remove.GetAttribute("style")!;
        Assert.Equal((v.Left + v.Width) * 100, Num(Regex.Match(style, @"left:([\d.]+)%").Groups[1].Value), 3);
        Assert.Equal(v.Top * 100, Num(Regex.Match(style, @"top:([\d.]+)%").Groups[1].Value), 3);

        remove.Click();
        Assert.Equal(field, removed);
        Assert.Null(activated);
    }

    [Fact]
    public void Other_signers_boxes_are_plain_read_only_elements_placed_like_the_signers_own_and_only_on_their_page()
    {
        // 40 other signers (the 40-signer shape of bench/circuits) and one field of the signer's own.
        var others = Enumerable.Range(1, 40).Select(i =>
            new SignerField(100 + i, FieldType.Signature, true, i % 2 == 0 ? 1 : 2, new PdfRect(72, 80 + (i % 10) * 60, 180, 48), null, false, false, null, false)).ToArray();
        var mine = new SignerField(7, FieldType.Signature, true, 1, new PdfRect(300, 80, 180, 48), null, true, false, null, false);
        var cut = RenderLayer([.. others, mine]);

        var boxes = cut.FindAll(".sign-field.other");
        Assert.Equal(20, boxes.Count); // page 1's only
        var v = Letter().ToView(others[1].Rect); // id 102, page 1: the first box drawn
        var style = boxes[0].GetAttribute("style")!;
        Assert.Equal(v.Left * 100, Num(Regex.Match(style, @"left:([\d.]+)%").Groups[1].Value), 3);
        Assert.Equal(v.Top * 100, Num(Regex.Match(style, @"top:([\d.]+)%").Groups[1].Value), 3);
        Assert.Equal(v.Width * 100, Num(Regex.Match(style, @"width:([\d.]+)%").Groups[1].Value), 3);
        Assert.Equal(v.Height * 100, Num(Regex.Match(style, @"height:([\d.]+)%").Groups[1].Value), 3);
        foreach (var box in boxes)
        {
            // Not focusable, hidden from assistive technology, no handler (bUnit shows a handler as blazor:on…).
            Assert.Equal("true", box.GetAttribute("aria-hidden"));
            Assert.Null(box.GetAttribute("tabindex"));
            Assert.DoesNotContain(box.Attributes, a => a.Name.StartsWith("blazor:", StringComparison.Ordinal));
            Assert.Equal("Another signer", box.QuerySelector(".sign-placeholder")!.TextContent);
        }
        // The signer's own box is still a button with its handler, drawn above (after) the others.
        var own = cut.Find(".sign-field[data-field-id='7']");
        Assert.Equal("button", own.GetAttribute("role"));
        Assert.Contains(own.Attributes, a => a.Name == "blazor:onclick");
        Assert.Null(own.NextElementSibling);
    }

    [Fact]
    public void Other_signers_markup_encodes_its_label_and_is_absent_when_there_are_none()
    {
        var field = new SignerField(1, FieldType.Text, false, 1, new PdfRect(72, 80, 120, 24), null, false, false, null, false);
        var markup = OtherSignerBoxes.Markup([field], 1, Letter(), "<b>\"A&B\"</b>")!.Value.Value;
        Assert.DoesNotContain("<b>", markup);
        Assert.Contains("&lt;b&gt;", markup);
        Assert.Null(OtherSignerBoxes.Markup([field], 2, Letter(), "x"));
        Assert.Null(OtherSignerBoxes.Markup([field with { Mine = true }], 1, Letter(), "x"));
    }
}
