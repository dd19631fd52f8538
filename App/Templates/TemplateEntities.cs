using ESignWeb.Domain;

namespace ESignWeb.Templates;

/// <summary>
/// A reusable prepared document (SignEasy "template"): its own copy of the PDF (kept exactly as uploaded, possibly
/// password-protected), roles instead of people, fields per role and merge fields the sender fills at use.
/// </summary>
public class Template
{
    public int Id { get; set; }
    public string OwnerId { get; set; } = "";
    public string Name { get; set; } = "";
    public bool IsOrdered { get; set; } = true;
    /// <summary>Default message of requests made from it (seed: <c>message</c>; may be changed at use).</summary>
    public string? Message { get; set; }
    /// <summary>File name of the PDF (the request's document gets it).</summary>
    public string DocumentName { get; set; } = "";
    public string BlobKey { get; set; } = "";
    public string Sha256 { get; set; } = "";
    public int PageCount { get; set; }
    public List<PageGeometry> Pages { get; set; } = [];
    /// <summary>The PDF needs a password to open; it is never stored, the sender gives it at use (seed: <c>file_password</c>).</summary>
    public bool PasswordProtected { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ModifiedAt { get; set; }
    public List<TemplateRole> Roles { get; set; } = [];
    public List<TemplateField> Fields { get; set; } = [];
    public List<MergeField> MergeFields { get; set; } = [];
    /// <summary>Categories every request made from it starts with (jSign <c>categories</c>; the sender may change them at use).</summary>
    public List<string> Categories { get; set; } = [];
}

/// <summary>A role ("client", "manager"): filled with a person when the template is used. <see cref="Number"/> is the seed's role id (from 1, the signing order).</summary>
public class TemplateRole
{
    public int Id { get; set; }
    public int TemplateId { get; set; }
    public int Number { get; set; }
    public string Name { get; set; } = "";
    /// <summary>The seed's colour text, e.g. <c>[255, 165, 0, 0.35]</c>.</summary>
    public string Color { get; set; } = "";
    /// <summary>What the person in this role does (signer, approver, final-copy reader).</summary>
    public RecipientRole Kind { get; set; } = RecipientRole.Signer;
    /// <summary>
    /// The role's order group (≥ 0, a recipient's <c>order</c>): equal groups act at once, groups in ascending order
    /// (<see cref="Domain.RequestWorkflow.GroupOf"/>). <see cref="Number"/> when the template is one after another, all
    /// equal (1) when it is all at once; anything else is "in groups" (<see cref="TemplateOrder"/>).
    /// </summary>
    public int Order { get; set; } = 1;
}

/// <summary>A field for a role, in PDF user space (as <see cref="Field"/>). <see cref="Number"/> is the seed's field id within the template.</summary>
public class TemplateField
{
    public int Id { get; set; }
    public int TemplateId { get; set; }
    public int Number { get; set; }
    public int RoleNumber { get; set; }
    public FieldType Type { get; set; }
    public bool Required { get; set; } = true;
    public int PageNumber { get; set; }
    public double X { get; set; }
    public double Y { get; set; }
    public double Width { get; set; }
    public double Height { get; set; }
    public string AdditionalInfo { get; set; } = "{}";
}

/// <summary>A value the sender fills when using the template, stamped into the request's PDF before anyone sees it.</summary>
public class MergeField
{
    public int Id { get; set; }
    public int TemplateId { get; set; }
    public int Number { get; set; }
    public string Label { get; set; } = "";
    public bool Required { get; set; } = true;
    /// <summary>text, date (stamped as given) or checkbox (a check mark for true).</summary>
    public FieldType Type { get; set; } = FieldType.Text;
    public int PageNumber { get; set; }
    public double X { get; set; }
    public double Y { get; set; }
    public double Width { get; set; }
    public double Height { get; set; }
}
