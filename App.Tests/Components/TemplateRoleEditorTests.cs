using Bunit;
using ESignWeb.Components.Templates;
using ESignWeb.Domain;
using ESignWeb.Requests;
using ESignWeb.Templates;

namespace ESignWeb.Tests.Components;

/// <summary>The template editor's roles (named, ordered, ids from 1, one colour each) and merge fields (label, type, required).</summary>
public class TemplateRoleEditorTests : ComponentTestBase
{
    private int _changed;

    private static TemplateDraft NewTemplate(params string[] roles)
    {
        var d = new TemplateDraft { TemplateId = 1, Name = "NDA", Layout = NewDraft(pages: 2) };
        foreach (var r in roles) d.Layout.Signers.Add(new DraftSigner { FirstName = r });
        d.EnsureMergeOwner();
        return d;
    }

    private IRenderedComponent<TemplateRoleEditor> RenderEditor(TemplateDraft d, int targetPage = 1) =>
        Render<TemplateRoleEditor>(ps => ps
            .Add(p => p.Draft, d)
            .Add(p => p.TargetPage, targetPage)
            .Add(p => p.OnChanged, () => _changed++));

    private static List<(string Id, string Name)> Rows(IRenderedComponent<TemplateRoleEditor> cut) =>
        cut.FindAll("li.template-role").Select(li => (li.GetAttribute("data-role-id")!, li.GetAttribute("data-role-name")!)).ToList();

    private static void AddRole(IRenderedComponent<TemplateRoleEditor> cut, string name)
    {
        cut.Find("input#new-role-name").Change(name);
        cut.Find("form").Submit();
    }

    [Fact]
    public void Adding_roles_numbers_them_from_1_in_order_with_a_colour_each_and_keeps_merge_fields_last()
    {
        var d = NewTemplate("Client");
        var cut = RenderEditor(d);

        AddRole(cut, "Manager");
        AddRole(cut, "Witness");

        Assert.Equal([("1", "Client"), ("2", "Manager"), ("3", "Witness")], Rows(cut));
        Assert.Equal(3, cut.FindAll("li.template-role .signer-dot").Select(x => x.GetAttribute("style")).Distinct().Count());
        Assert.Equal(["Client", "Manager", "Witness", TemplateDraft.MergeOwnerName], d.Layout.Signers.Select(s => s.FirstName));
        Assert.Equal(2, _changed);
        Assert.Equal("", cut.Find("input#new-role-name").GetAttribute("value"));
    }

    [Fact]
    public void A_duplicate_empty_or_reserved_role_name_is_refused_with_a_message_and_changes_nothing()
    {
        var d = NewTemplate("Client");
        var cut = RenderEditor(d);

        AddRole(cut, "client");
        Assert.Equal("There is already a role named \"client\".", cut.Find("#template-editor-error").TextContent);
        AddRole(cut, "  ");
        Assert.Contains("A role needs a name", cut.Find("#template-editor-error").TextContent);
        AddRole(cut, "Merge fields");
        Assert.Contains("is reserved", cut.Find("#template-editor-error").TextContent);

        Assert.Equal([("1", "Client")], Rows(cut));
        Assert.Equal(0, _changed);
    }

    [Fact]
    public void Renaming_moving_and_removing_roles_updates_the_order_and_removes_the_roles_fields()
    {
        var d = NewTemplate("Client", "Manager", "Witness");
        var manager = d.Roles.ElementAt(1);
        DraftEditor.AddField(d.Layout, FieldType.Signature, manager.Key, 1);
        var cut = RenderEditor(d);

        cut.FindAll("li.template-role .role-name input")[0].Change("Customer");
        Assert.Equal("Customer", d.Roles.First().FirstName);

        cut.FindAll("li.template-role")[1].QuerySelector("button.role-up")!.Click();
        Assert.Equal([("1", "Manager"), ("2", "Customer"), ("3", "Witness")], Rows(cut));

        cut.FindAll("li.template-role")[0].QuerySelector("button.role-remove")!.Click();
        Assert.Equal([("1", "Customer"), ("2", "Witness")], Rows(cut));
        Assert.Empty(d.Layout.Fields);
        Assert.Equal(3, _changed);
    }

    [Fact]
    public void The_last_role_cannot_be_removed()
    {
        var d = NewTemplate("Client");
        var cut = RenderEditor(d);
        Assert.True(cut.Find("li.template-role button.role-remove").HasAttribute("disabled"));
    }

    [Fact]
    public void Merge_fields_are_added_on_the_target_page_with_unique_labels_and_their_label_type_and_required_can_be_edited()
    {
        var d = NewTemplate("Client");
        var cut = RenderEditor(d, targetPage: 2);

        cut.Find("#add-merge-field").Click();
        cut.WaitForAssertion(() => Assert.Single(d.MergeFields)); // the click's handler may finish after Click returns (a loaded machine)
        cut.Find("#add-merge-field").Click();
        cut.WaitForAssertion(() => Assert.Equal(2, d.MergeFields.Count()));
        var merges = d.MergeFields.ToList();
        Assert.Equal(["Merge field 1", "Merge field 2"], merges.Select(m => m.Label));
        Assert.All(merges, m => Assert.Equal((2, FieldType.Text, true), (m.PageNumber, m.Type, m.Required)));
        Assert.Equal(2, cut.FindAll("div.merge-field").Count);

        cut.FindAll("div.merge-field .merge-label input")[0].Change("Company Name");
        Assert.Equal("Company Name", merges[0].Label);
        cut.FindAll("div.merge-field .merge-label input")[1].Change("company name");
        Assert.Equal("There is already a merge field labelled \"company name\".", cut.Find("#template-editor-error").TextContent);
        Assert.Equal("Merge field 2", merges[1].Label);

        cut.FindAll("div.merge-field .merge-required input")[1].Change(false);
        cut.WaitForAssertion(() => Assert.False(merges[1].Required)); // MudCheckBox applies the change asynchronously

        cut.FindAll("div.merge-field button.merge-remove")[0].Click();
        Assert.Equal(["Merge field 2"], d.MergeFields.Select(m => m.Label));
        Assert.Empty(TemplateEditor.Problems(d));
    }

    [Fact]
    public void Switching_to_parallel_is_kept_on_the_template()
    {
        var d = NewTemplate("Client");
        var cut = RenderEditor(d);
        cut.Find("input#template-parallel").Click();
        Assert.False(d.IsOrdered);
        Assert.Equal(1, _changed);
    }

    [Fact]
    public async Task In_groups_numbers_the_roles_from_1_and_a_roles_group_reaches_the_draft()
    {
        var d = NewTemplate("Client", "Manager", "Witness");
        var cut = RenderEditor(d);
        Assert.Empty(cut.FindAll(".role-group"));

        await cut.InvokeAsync(() => cut.FindComponent<MudBlazor.MudRadioGroup<SigningOrder>>().Instance.ValueChanged.InvokeAsync(SigningOrder.InGroups));

        Assert.Equal(SigningOrder.InGroups, TemplateEditor.OrderOf(d));
        Assert.Equal([1, 2, 3], d.Roles.Select(r => r.Options.Order));
        Assert.Equal(3, cut.FindAll(".role-group").Count);
        var groups = cut.FindComponents<MudBlazor.MudNumericField<int>>();
        await cut.InvokeAsync(() => groups[1].Instance.ValueChanged.InvokeAsync(1));
        Assert.Equal([1, 1, 3], d.Roles.Select(r => r.Options.Order));
        Assert.Equal(2, _changed);

        await cut.InvokeAsync(() => cut.FindComponent<MudBlazor.MudRadioGroup<SigningOrder>>().Instance.ValueChanged.InvokeAsync(SigningOrder.AllAtOnce));
        Assert.False(d.IsOrdered);
        Assert.Empty(cut.FindAll(".role-group"));
    }

    [Fact]
    public async Task A_roles_kind_reaches_the_draft_and_a_role_with_fields_keeps_signing_with_the_reason_shown()
    {
        var d = NewTemplate("Client", "Manager");
        var (client, manager) = (d.Roles.First(), d.Roles.Last());
        d.Layout.Fields.Add(new DraftField { SignerKey = client.Key, Type = FieldType.Signature, PageNumber = 1, X = 10, Y = 10, Width = 120, Height = 40 });
        Render<MudBlazor.MudPopoverProvider>();
        var cut = RenderEditor(d);

        var kinds = cut.FindComponents<MudBlazor.MudSelect<RecipientRole>>();
        Assert.Equal(2, kinds.Count);
        await cut.InvokeAsync(() => kinds[1].Instance.ValueChanged.InvokeAsync(RecipientRole.Approver));
        Assert.Equal(RecipientRole.Approver, manager.Options.Role);
        Assert.Equal(1, _changed);

        await cut.InvokeAsync(() => cut.FindComponents<MudBlazor.MudSelect<RecipientRole>>()[0].Instance.ValueChanged.InvokeAsync(RecipientRole.FinalCopyReader));
        Assert.Equal(RecipientRole.Signer, client.Options.Role);
        Assert.Equal(1, _changed);
        Assert.Contains("a role that approves or receives a copy gets none", cut.Find("#template-editor-error").TextContent);
    }
}
