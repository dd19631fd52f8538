using Bunit;
using ESignWeb.Components.FieldEditor;
using ESignWeb.Components.Pdf;
using ESignWeb.Domain;
using ESignWeb.Requests;
using ESignWeb.Templates;
using Microsoft.AspNetCore.Components;
using MudPopoverProvider = MudBlazor.MudPopoverProvider;

namespace ESignWeb.Tests.Components;

/// <summary>The one field editor, rendered with a request draft (signers) and with a template draft (roles + merge fields).</summary>
public class FieldEditorTests : ComponentTestBase
{
    private int _saves;
    private bool _popovers;

    private IRenderedComponent<FieldEditor> RenderEditor(FieldEditorModel model, RenderFragment? cover = null)
    {
        if (!_popovers) Render<MudPopoverProvider>();
        _popovers = true;
        return Render<FieldEditor>(ps =>
        {
            ps.Add(p => p.Model, model).Add(p => p.Source, "documents/1/file")
              .Add(p => p.Header, b => b.AddMarkupContent(0, "<p id=\"page-header\">header</p>"))
              .Add(p => p.Actions, b => b.AddMarkupContent(0, "<button id=\"page-action\">Send</button>"));
            if (cover is not null) ps.Add(p => p.Cover, cover);
        });
    }

    private (FieldEditorModel Model, RequestDraft Draft) RequestEditor()
    {
        var d = NewDraft(pages: 2);
        d.DocumentName = "NDA.pdf";
        var ann = AddSigner(d, "ann@example.com");
        AddSigner(d, "bob@example.com", "Bob", "Stone");
        AddField(d, ann, new PdfRect(100, 600, 150, 40));
        var model = new FieldEditorModel(() => { _saves++; return Task.CompletedTask; }, () => FieldParty.ForRequest(d));
        model.Load(d);
        return (model, d);
    }

    private (FieldEditorModel Model, TemplateDraft Draft) TemplateEditor_()
    {
        var t = new TemplateDraft { TemplateId = 1, Name = "T", Layout = NewDraft(pages: 1) };
        t.Layout.Signers.Add(new DraftSigner { FirstName = "Client" });
        t.EnsureMergeOwner();
        DraftEditor.AddField(t.Layout, FieldType.Signature, t.Layout.Signers[0].Key, 1, new PdfRect(100, 100, 150, 40));
        TemplateEditor.AddMergeField(t, FieldType.Text, 1, new PdfRect(100, 500, 150, 40), "Company Name");
        var model = new FieldEditorModel(() => { _saves++; return Task.CompletedTask; }, () => FieldParty.ForTemplate(t), "role",
            (type, k, p, r) => k == TemplateDraft.MergeKey ? TemplateEditor.AddMergeField(t, type, p, r) : DraftEditor.AddField(t.Layout, type, k, p, r));
        model.Load(t.Layout);
        return (model, t);
    }

    [Fact]
    public void With_a_request_draft_it_shows_the_page_parts_the_signers_in_the_palette_and_the_fields_with_their_colours()
    {
        var (model, d) = RequestEditor();
        var cut = RenderEditor(model);

        Assert.Single(cut.FindAll("#page-header"));
        Assert.Single(cut.FindAll("#prepare-tools #page-action")); // the actions sit in the bar that stays in view
        Assert.Equal(["ann@example.com", "bob@example.com"], cut.FindAll(".palette-signers [data-signer-email]").Select(c => c.GetAttribute("data-signer-email")));
        Assert.Contains("NDA.pdf · 2 pages", cut.Markup);
        var box = cut.Find(".field-box");
        Assert.Contains($"--signer-color:{SignerColors.For(0)}", box.GetAttribute("style"));
        Assert.Equal("Ann Lee", box.QuerySelector(".field-signer")!.TextContent);
        Assert.Empty(cut.FindAll("#field-properties")); // nothing selected yet
        Assert.Single(cut.FindAll("#zoom-fit"));
    }

    [Fact]
    public void Selecting_a_signer_field_shows_signer_required_and_geometry_and_the_x_box_moves_it()
    {
        var (model, d) = RequestEditor();
        var cut = RenderEditor(model);

        cut.Find(".field-box").Focus();

        var panel = cut.Find("#field-properties");
        Assert.Single(panel.QuerySelectorAll("#field-signer"));
        Assert.Single(panel.QuerySelectorAll("#field-required"));
        Assert.Equal(["field-x", "field-y", "field-width", "field-height"], panel.QuerySelectorAll(".field-geometry input").Select(i => i.Id));

        cut.Find("input#field-x").Change("120");
        Assert.Equal(120, d.Fields[0].X);
        Assert.Equal(1, _saves);
    }

    [Fact]
    public void Pressing_a_palette_type_adds_a_field_for_the_chosen_party_and_selects_it()
    {
        var (model, d) = RequestEditor();
        var cut = RenderEditor(model);
        model.PartyKey = d.Signers[1].Key;

        cut.Find("button[data-palette-type='text']").Click();

        var added = d.Fields[^1];
        Assert.Equal((FieldType.Text, d.Signers[1].Key), (added.Type, added.SignerKey));
        Assert.Equal(added.Key, model.SelectedKey);
        Assert.Contains("Text field", cut.Find("#field-properties").TextContent);
        Assert.Equal(2, cut.FindAll(".field-box").Count);
        Assert.Equal(1, _saves);
    }

    [Fact]
    public void With_a_template_draft_roles_and_merge_fields_are_parties_and_a_merge_field_has_geometry_but_no_role()
    {
        var (model, t) = TemplateEditor_();
        var cut = RenderEditor(model);

        Assert.Equal(["Client", "Merge fields"], cut.FindAll(".palette-signers .mud-chip").Select(c => c.TextContent.Trim()));
        var merge = cut.FindAll(".field-box").Single(b => b.TextContent.Contains("Company Name"));
        merge.Focus();

        var panel = cut.Find("#field-properties");
        Assert.Contains("Company Name field", panel.TextContent);
        Assert.Contains("edited above", panel.TextContent);
        Assert.Empty(panel.QuerySelectorAll("#field-role"));
        Assert.Single(panel.QuerySelectorAll("#field-x")); // the template editor has x/y/width/height too

        cut.Find("input#field-width").Change("200");
        Assert.Equal(200, t.MergeFields.Single().Width);

        cut.FindAll(".field-box").Single(b => b.TextContent.Contains("Client")).Focus();
        Assert.Single(cut.FindAll("#field-properties #field-role"));
    }

    [Fact]
    public void Zoom_buttons_change_the_zoom_and_a_cover_replaces_the_pages()
    {
        var (model, _) = TemplateEditor_();
        var cut = RenderEditor(model);
        cut.Find("#zoom-in").Click();
        Assert.Equal("120%", cut.Find("#zoom-label").TextContent);

        var covered = RenderEditor(model, b => b.AddMarkupContent(0, "<div id=\"cover\">password</div>"));
        Assert.Single(covered.FindAll("#cover"));
        Assert.Empty(covered.FindAll("#pdf-viewer"));
        Assert.True(covered.Find("#zoom-fit").HasAttribute("disabled"));
    }
}
