using ESignWeb.Domain;
using ESignWeb.Requests;
using ESignWeb.Templates;

namespace ESignWeb.Tests.Unit;

/// <summary>The pure rules of templates: editing (roles, merge fields) and using (people per role, merge values).</summary>
public class TemplateRulesTests
{
    private static TemplateDraft Draft(params string[] roles)
    {
        var d = new TemplateDraft { Name = "NDA", Layout = new RequestDraft { Pages = [new PageGeometry(0, 0, 612, 792, 0)] } };
        foreach (var r in roles) d.Layout.Signers.Add(new DraftSigner { FirstName = r });
        d.EnsureMergeOwner();
        return d;
    }

    private static Template Nda() => new()
    {
        Roles = [new() { Number = 1, Name = "client" }, new() { Number = 2, Name = "manager" }],
        MergeFields =
        [
            new() { Number = 3, Label = "Company Name", Required = true, Type = FieldType.Text },
            new() { Number = 4, Label = "Agreed", Required = false, Type = FieldType.Checkbox },
        ],
    };

    private static TemplateUse Use(params RolePerson[] people) => new() { People = [.. people], MergeValues = [new("Company Name", "ACME")] };

    private static readonly RolePerson Client = new(1, "c@example.com", "C", "C");
    private static readonly RolePerson Manager = new(2, "m@example.com", "M", "M");

    [Fact]
    public void A_template_needs_a_name_and_a_role_and_its_merge_fields_unique_labels()
    {
        var d = Draft();
        d.Name = " ";
        Assert.Equal(["The template needs a name.", "Add at least one role."], TemplateEditor.Problems(d));

        d = Draft("Client");
        TemplateEditor.AddMergeField(d, FieldType.Text, 1, label: "Company");
        Assert.Equal("There is already a merge field labelled \"company\".", TemplateEditor.AddMergeField(d, FieldType.Text, 1, label: "company").Error);
        Assert.Empty(TemplateEditor.Problems(d));
    }

    [Fact]
    public void Merge_fields_are_text_date_or_checkbox_and_added_as_required()
    {
        var d = Draft("Client");
        var (f, _) = TemplateEditor.AddMergeField(d, FieldType.Signature, 1);
        Assert.Equal((FieldType.Text, true, "Merge field 1", TemplateDraft.MergeKey), (f!.Type, f.Required, f.Label, f.SignerKey));
        Assert.Null(TemplateEditor.SetMergeType(d, f.Key, FieldType.Date));
        Assert.Equal("A merge field is text, date or checkbox.", TemplateEditor.SetMergeType(d, f.Key, FieldType.Initials));
        Assert.Equal(FieldType.Date, f.Type);
    }

    [Fact]
    public void Roles_keep_the_merge_owner_last_when_added_or_moved()
    {
        var d = Draft("A", "B");
        TemplateEditor.AddRole(d, "C");
        TemplateEditor.MoveRole(d, d.Roles.Last().Key, 1); // already last among roles: no move past the merge owner
        TemplateEditor.MoveRole(d, d.Roles.First().Key, 1);
        Assert.Equal(["B", "A", "C", TemplateDraft.MergeOwnerName], d.Layout.Signers.Select(s => s.FirstName));
    }

    [Fact]
    public void A_use_takes_every_role_exactly_once_and_every_required_merge_value()
    {
        var t = Nda();
        Assert.Null(MergeRules.Check(t, Use(Client, Manager)));
        Assert.Equal("Role 2 (manager) has no recipient: add one with role_id 2.", MergeRules.Check(t, Use(Client)));
        Assert.Equal("recipients[3]: role_id 0 is not a role of this template (its roles are 1 (client), 2 (manager)).",
            MergeRules.Check(t, Use(Client, Manager, Client with { RoleId = 0 })));
        var noValue = Use(Client, Manager);
        noValue.MergeValues.Clear();
        Assert.Equal("merge_fields: \"Company Name\" is required; give it a value.", MergeRules.Check(t, noValue));
        var twice = Use(Client, Manager);
        twice.MergeValues.Add(new MergeValue("company name", "B"));
        Assert.Equal("merge_fields[1]: \"Company Name\" is given more than once.", MergeRules.Check(t, twice));
        var checkbox = Use(Client, Manager);
        checkbox.MergeValues.Add(new MergeValue("Agreed", "maybe"));
        Assert.Equal("merge_fields[2]: \"Agreed\" is a checkbox; its value is true or false.", MergeRules.Check(t, checkbox));
    }

    [Fact]
    public void Seed_colours_are_the_editor_colours_as_rgba_text()
    {
        Assert.Equal("[57, 73, 171, 0.35]", TemplateService.SeedColor(0));
        Assert.Equal("[230, 81, 0, 0.35]", TemplateService.SeedColor(1));
    }
}
