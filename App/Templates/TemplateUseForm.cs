using ESignWeb.Domain;
using ESignWeb.Requests;

namespace ESignWeb.Templates;

/// <summary>
/// The template use page's state and rules (plain C#; the page only renders it): a <see cref="RequestDraft"/> whose
/// signers are the template's roles in order — the person typed for each, and their <see cref="SignerOptions"/>
/// edited by the prepare page's <c>SignerOptionsEditor</c> — whose options are edited by the same
/// <c>RequestOptionsPanel</c>, and whose fields are the roles' fields (so the option rules see who has fields). Its
/// signing order starts as the template's (groups included). <see cref="ToUse"/> turns it into the same
/// <see cref="TemplateUse"/> (<see cref="RequestOptions"/> / <see cref="SignerOptions"/>) the API's template use fills.
/// </summary>
public sealed class TemplateUseForm
{
    private readonly Dictionary<int, Guid> _keys = [];

    public TemplateUseForm(Template template, string language)
    {
        Template = template;
        Name = template.Name;
        Message = template.Message;
        Draft = new RequestDraft
        {
            Name = template.Name, Pages = template.Pages, DocumentName = template.DocumentName,
            Categories = [.. template.Categories], // inherited; the sender may change them here
        };
        foreach (var r in template.Roles.OrderBy(r => r.Number))
        {
            var s = new DraftSigner { Id = r.Number, Language = language, Options = new SignerOptions { Role = r.Kind, Order = r.Order } };
            _keys[r.Number] = s.Key;
            Draft.Signers.Add(s);
        }
        foreach (var f in template.Fields.Where(f => _keys.ContainsKey(f.RoleNumber)))
            Draft.Fields.Add(new DraftField
            {
                SignerKey = _keys[f.RoleNumber], Type = f.Type, Required = f.Required, PageNumber = f.PageNumber,
                X = f.X, Y = f.Y, Width = f.Width, Height = f.Height,
            });
        var order = TemplateOrder.Of(template);
        Draft.IsOrdered = order != SigningOrder.AllAtOnce;
        Draft.Options.OrderGroups = order == SigningOrder.InGroups;
        foreach (var m in template.MergeFields) Merge[m.Number] = m.Type == FieldType.Checkbox ? "false" : "";
    }

    public Template Template { get; }

    /// <summary>The people (one signer per role, in role order), their options, the request's options and the order.</summary>
    public RequestDraft Draft { get; }

    public string Name { get; set; }
    public string? Message { get; set; }
    /// <summary>CC as typed (comma-separated).</summary>
    public string? Cc { get; set; }
    /// <summary>The template PDF's password, when it is protected (never stored).</summary>
    public string? FilePassword { get; set; }
    /// <summary>Merge values by merge field number ("true"/"false" for a checkbox).</summary>
    public Dictionary<int, string?> Merge { get; } = [];

    /// <summary>The roles in order, each with the person who takes it.</summary>
    public IEnumerable<(TemplateRole Role, DraftSigner Person)> Roles =>
        Template.Roles.OrderBy(r => r.Number).Select(r => (r, Draft.Signers.Single(s => s.Key == _keys[r.Number])));

    public DraftSigner PersonFor(int roleNumber) => Draft.Signers.Single(s => s.Key == _keys[roleNumber]);

    public SigningOrder Order => RequestOptionsEditor.OrderOf(Draft);

    /// <summary>As on the prepare page; choosing groups numbers the people 1, 2, … unless the template had groups already.</summary>
    public void SetOrder(SigningOrder order) => RequestOptionsEditor.SetOrder(Draft, order);

    /// <summary>What the role's line says before its name: its place (one after another) or its group (in groups).</summary>
    public string PlaceOf(TemplateRole role) => Order switch
    {
        SigningOrder.OneAfterAnother => $"{role.Number}. ",
        _ => "",
    };

    public void SetCheck(int number, bool value) => Merge[number] = value ? "true" : "false";

    /// <summary>
    /// An embedded sending link's prefill: its recipients take the roles in order (their options too; the role's kind
    /// stays the template's), its message replaces the template's when given, its request options and CC apply.
    /// </summary>
    public void Apply(Embedding.EmbedPrefill p)
    {
        foreach (var ((role, person), given) in Roles.ToList().Zip(p.Recipients))
        {
            person.Email = given.Email;
            person.FirstName = given.FirstName;
            person.LastName = given.LastName;
            person.Language = given.Language ?? Localization.SignerLanguages.Default; // as the API call said (no language: English)
            if (given.Options is { } o)
            {
                var copy = o.Copy();
                copy.Role = role.Kind;
                copy.Order = person.Options.Order;
                person.Options = copy;
            }
        }
        if (p.Options is { } options)
        {
            var copy = options.Copy();
            copy.OrderGroups = Draft.Options.OrderGroups;
            Draft.Options = copy;
        }
        if (!string.IsNullOrWhiteSpace(p.Message)) Message = p.Message;
        if (p.Cc.Count > 0) Cc = string.Join(", ", p.Cc);
    }

    /// <summary>The use as <see cref="TemplateService.UseAsync"/> takes it: every role's person with their options (copies).</summary>
    public TemplateUse ToUse() => new()
    {
        TemplateId = Template.Id, Name = Name, Message = Message ?? "", Order = Order, FilePassword = FilePassword,
        Cc = (Cc ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
        People = Roles.Select(x => new RolePerson(x.Role.Number, x.Person.Email, x.Person.FirstName, x.Person.LastName, x.Person.Language,
            x.Person.Options.Copy(), RoleGiven: true)).ToList(),
        MergeValues = Template.MergeFields.Select(m => new MergeValue(m.Label, Merge[m.Number])).ToList(),
        Options = Draft.Options.Copy(),
        Categories = [.. Draft.Categories],
    };
}
