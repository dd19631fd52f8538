using ESignWeb.Components.FieldEditor;
using ESignWeb.Components.Pdf;
using ESignWeb.Domain;
using ESignWeb.Requests;
using ESignWeb.Templates;

namespace ESignWeb.Tests.Unit;

/// <summary>The field editor's view model, used alone: with a request draft and with a template draft (its merge party).</summary>
public class FieldEditorModelTests
{
    private static readonly PageGeometry Letter = new(0, 0, 612, 792, 0);

    private sealed class Saves
    {
        public int Count;
        public Task SaveAsync() { Count++; return Task.CompletedTask; }
    }

    private static (FieldEditorModel Model, RequestDraft Draft, Saves Saves) ForRequest(int pages = 2, params string[] emails)
    {
        var draft = new RequestDraft { RequestId = 1, Name = "NDA", Pages = Enumerable.Repeat(Letter, pages).ToList() };
        foreach (var e in emails) draft.Signers.Add(new DraftSigner { Email = e, FirstName = e.Split('@')[0] });
        var saves = new Saves();
        var model = new FieldEditorModel(saves.SaveAsync, () => FieldParty.ForRequest(draft));
        model.Load(draft);
        return (model, draft, saves);
    }

    private static (FieldEditorModel Model, TemplateDraft Draft, Saves Saves) ForTemplate(params string[] roles)
    {
        var draft = new TemplateDraft { Name = "T", Layout = new RequestDraft { Pages = [Letter] } };
        foreach (var r in roles) draft.Layout.Signers.Add(new DraftSigner { FirstName = r });
        draft.EnsureMergeOwner();
        var saves = new Saves();
        var model = new FieldEditorModel(saves.SaveAsync, () => FieldParty.ForTemplate(draft), "role",
            (t, k, p, r) => k == TemplateDraft.MergeKey ? TemplateEditor.AddMergeField(draft, t, p, r) : DraftEditor.AddField(draft.Layout, t, k, p, r));
        model.Load(draft.Layout);
        return (model, draft, saves);
    }

    [Fact]
    public void The_palette_starts_on_the_first_party_and_falls_back_when_it_is_removed()
    {
        var (m, d, _) = ForRequest(2, "ann@example.com", "bob@example.com");
        Assert.Equal(d.Signers[0].Key, m.PartyKey);

        m.PartyKey = d.Signers[1].Key;
        DraftEditor.RemoveSigner(d, d.Signers[1].Key);
        m.PartiesChanged();
        Assert.Equal(d.Signers[0].Key, m.PartyKey);

        DraftEditor.RemoveSigner(d, d.Signers[0].Key);
        m.PartiesChanged();
        Assert.Null(m.PartyKey);
    }

    [Fact]
    public async Task Pressing_a_type_adds_it_centred_on_the_target_page_selects_and_saves_it()
    {
        var (m, d, saves) = ForRequest(3, "ann@example.com");
        m.TargetPage = 2;

        Assert.Null(await m.AddAsync(FieldType.Date));

        var f = Assert.Single(d.Fields);
        Assert.Equal((2, FieldType.Date, d.Signers[0].Key), (f.PageNumber, f.Type, f.SignerKey));
        Assert.Equal(612 / 2.0, f.X + f.Width / 2, 3);
        Assert.Equal(f.Key, m.SelectedKey);
        Assert.Same(f, m.Selected);
        Assert.Equal(1, saves.Count);
    }

    [Fact]
    public async Task Without_a_party_nothing_is_added_and_the_reason_names_the_party_noun()
    {
        var (m, d, saves) = ForRequest(1);
        Assert.Equal("Add a signer first, then place fields for them.", await m.AddAsync(FieldType.Signature));
        var (t, td, _) = ForTemplate();
        t.PartyKey = null;
        Assert.Equal("Add a role first, then place fields for it.",
            await t.DropAsync(new FieldDrop(FieldType.Text, 1, new ViewRect(0.1, 0.1, 0.2, 0.05))));
        Assert.Empty(d.Fields);
        Assert.Empty(td.Layout.Fields);
        Assert.Equal(0, saves.Count);
    }

    [Fact]
    public async Task A_drop_lands_where_it_was_dropped_in_points_and_becomes_the_target_page()
    {
        var (m, d, _) = ForRequest(2, "ann@example.com");

        Assert.Null(await m.DropAsync(new FieldDrop(FieldType.Signature, 2, new ViewRect(0.1, 0.5, 0.25, 0.05))));

        var f = Assert.Single(d.Fields);
        Assert.Equal(2, f.PageNumber);
        Assert.Equal(61.2, f.X, 3);
        Assert.Equal(792 * 0.45, f.Y, 3); // top at half the page, 5 % high, origin bottom-left
        Assert.Equal(153, f.Width, 3);
        Assert.Equal(2, m.TargetPage);
    }

    [Fact]
    public async Task A_move_is_fitted_into_the_page_and_answered_with_the_stored_rectangle()
    {
        var (m, d, saves) = ForRequest(1, "ann@example.com");
        await m.AddAsync(FieldType.Signature);
        var key = d.Fields[0].Key;

        var (rect, error) = await m.MoveAsync(new FieldMove(key, 1, new ViewRect(0.95, 0.5, 0.2, 0.05)));

        Assert.Null(error);
        Assert.NotNull(rect);
        Assert.Equal(1.0, rect!.Value.Left + rect.Value.Width, 6); // pushed back inside the right edge
        Assert.True(Letter.Contains(d.Fields[0].Rect));
        Assert.Equal(2, saves.Count);
    }

    [Theory]
    [InlineData("ArrowRight", false, false, 1, 0, 0, 0)]
    [InlineData("ArrowLeft", true, false, -10, 0, 0, 0)]
    [InlineData("ArrowUp", false, false, 0, 1, 0, 0)] // up on screen is +y in PDF space
    [InlineData("ArrowRight", false, true, 0, 0, 1, 0)]
    [InlineData("ArrowDown", true, true, 0, -10, 0, 10)] // taller downwards: the bottom edge moves down
    public async Task Arrow_keys_move_and_alt_arrows_resize_in_points(string key, bool shift, bool alt, double dx, double dy, double dw, double dh)
    {
        var (m, d, _) = ForRequest(1, "ann@example.com");
        await m.AddAsync(FieldType.Signature);
        var f = d.Fields[0];
        var before = f.Rect;

        Assert.True(await m.KeyAsync(f.Key, key, shift, alt));

        Assert.Equal(before.X + dx, f.X, 6);
        Assert.Equal(before.Y + dy, f.Y, 6);
        Assert.Equal(before.Width + dw, f.Width, 6);
        Assert.Equal(before.Height + dh, f.Height, 6);
    }

    [Fact]
    public async Task Delete_removes_the_selected_field_and_other_keys_change_nothing()
    {
        var (m, d, saves) = ForRequest(1, "ann@example.com");
        await m.AddAsync(FieldType.Text);
        var key = d.Fields[0].Key;

        Assert.False(await m.KeyAsync(key, "a", false, false));
        Assert.Equal(1, saves.Count);
        Assert.True(await m.KeyAsync(key, "Delete", false, false));

        Assert.Empty(d.Fields);
        Assert.Null(m.SelectedKey);
        Assert.Equal(2, saves.Count);
    }

    [Fact]
    public async Task Geometry_boxes_place_the_field_and_warn_when_it_had_to_be_fitted()
    {
        var (m, d, _) = ForRequest(1, "ann@example.com");
        await m.AddAsync(FieldType.Text);
        var key = d.Fields[0].Key;

        Assert.Null(await m.SetGeometryAsync(key, 100, 200, 150, 40));
        Assert.Equal(new PdfRect(100, 200, 150, 40), d.Fields[0].Rect);

        var warning = await m.SetGeometryAsync(key, 100, 200, 10, 40);
        Assert.EndsWith("The field was kept inside the page at the minimum size.", warning);
        Assert.Equal(FieldRules.MinWidth, d.Fields[0].Width);
    }

    [Fact]
    public async Task Required_and_date_format_are_set_and_an_unknown_format_is_ignored()
    {
        var (m, d, _) = ForRequest(1, "ann@example.com");
        await m.AddAsync(FieldType.Date);
        var f = d.Fields[0];

        await m.SetRequiredAsync(f.Key, false);
        await m.SetDateFormatAsync(f.Key, FieldRules.DateFormats[0]);
        Assert.False(f.Required);
        Assert.Equal(FieldRules.DateFormats[0], f.DateFormat);
        await m.SetDateFormatAsync(f.Key, "yyyy/evil");
        Assert.Equal(FieldRules.DateFormats[0], f.DateFormat);
        await m.SetDateFormatAsync(f.Key, "");
        Assert.Null(f.DateFormat); // the signer's locale
    }

    [Fact]
    public async Task A_template_merge_party_adds_labelled_merge_fields_and_never_takes_or_gives_fields()
    {
        var (m, d, _) = ForTemplate("Client", "Manager");
        var parties = m.Parties;
        Assert.Equal(["Client", "Manager", "Merge fields"], parties.Select(p => p.Name));
        Assert.Equal([true, true, false], parties.Select(p => p.Assignable));
        Assert.Equal(SignerColors.For(2), parties[2].Color);
        Assert.Equal(d.Layout.Signers[0].Key, m.PartyKey); // the first role, not the merge fields

        m.PartyKey = TemplateDraft.MergeKey;
        Assert.Null(await m.AddAsync(FieldType.Signature));
        var merge = Assert.Single(d.MergeFields);
        Assert.Equal((FieldType.Text, "Merge field 1"), (merge.Type, merge.Label)); // other types become text

        m.PartyKey = d.Layout.Signers[0].Key;
        await m.AddAsync(FieldType.Signature);
        var roleField = d.RoleFields.Single();

        Assert.NotNull(await m.AssignAsync(merge.Key, d.Layout.Signers[1].Key));
        Assert.NotNull(await m.AssignAsync(roleField.Key, TemplateDraft.MergeKey));
        Assert.Null(await m.AssignAsync(roleField.Key, d.Layout.Signers[1].Key));
        Assert.Equal(d.Layout.Signers[1].Key, roleField.SignerKey);
        Assert.Equal(TemplateDraft.MergeKey, merge.SignerKey);
    }

    [Fact]
    public async Task Reloading_keeps_the_selection_while_its_field_exists()
    {
        var (m, d, _) = ForRequest(1, "ann@example.com");
        await m.AddAsync(FieldType.Text);
        var key = m.SelectedKey;

        var copy = new RequestDraft { Pages = d.Pages, Signers = d.Signers, Fields = [.. d.Fields] };
        m.Load(copy);
        Assert.Equal(key, m.SelectedKey);

        m.Load(new RequestDraft { Pages = d.Pages, Signers = d.Signers });
        Assert.Null(m.SelectedKey);
    }

    [Fact]
    public void Zoom_is_kept_between_a_quarter_and_four_and_fit_width_fills_the_viewer()
    {
        var (m, _, _) = ForRequest(1);
        for (var i = 0; i < 20; i++) m.ZoomIn();
        Assert.Equal(FieldEditorModel.MaxZoom, m.Zoom);
        for (var i = 0; i < 40; i++) m.ZoomOut();
        Assert.Equal(FieldEditorModel.MinZoom, m.Zoom);

        m.FitWidth(612 * 1.5 + 32);
        Assert.Equal(1.5, m.Zoom, 6);
        m.FitWidth(0); // not measured yet: unchanged
        Assert.Equal(1.5, m.Zoom, 6);
    }

    [Fact]
    public async Task Edits_made_while_a_save_runs_are_saved_once_after_it_and_idle_waits_for_them()
    {
        var draft = new RequestDraft { Pages = [Letter] };
        draft.Signers.Add(new DraftSigner { Email = "ann@example.com" });
        var gate = new TaskCompletionSource();
        var saved = new List<int>();
        var model = new FieldEditorModel(async () =>
        {
            var snapshot = draft.Fields.Count;
            if (saved.Count == 0) await gate.Task;
            saved.Add(snapshot);
        }, () => FieldParty.ForRequest(draft));
        model.Load(draft);

        var first = model.AddAsync(FieldType.Text);
        var second = model.AddAsync(FieldType.Date);
        var third = model.AddAsync(FieldType.Checkbox);
        var idle = model.IdleAsync();
        Assert.False(idle.IsCompleted);
        gate.SetResult();
        await Task.WhenAll(first, second, third, idle);

        Assert.Equal([1, 3], saved); // the last edit is the last thing saved
    }
}
