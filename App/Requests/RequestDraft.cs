using ESignWeb.Domain;

namespace ESignWeb.Requests;

/// <summary>A signer being set up in the editor. <see cref="Key"/> identifies it before it has a database id.</summary>
public sealed class DraftSigner
{
    public int Id { get; set; }
    public Guid Key { get; set; } = Guid.NewGuid();
    public string Email { get; set; } = "";
    public string FirstName { get; set; } = "";
    public string LastName { get; set; } = "";
    /// <summary>The language of this signer's mails and (until they pick one) nothing else: en, de, fr or es.</summary>
    public string Language { get; set; } = Localization.SignerLanguages.Default;
    /// <summary>Role, order group, redirects, password, phone, … (Box signer options).</summary>
    public SignerOptions Options { get; set; } = new();

    public string DisplayName => $"{FirstName} {LastName}".Trim() is { Length: > 0 } n ? n : Email;
}

/// <summary>A field being placed: PDF user-space rectangle (points, bottom-left origin) on a 1-based page.</summary>
public sealed class DraftField
{
    public int Id { get; set; }
    public Guid Key { get; set; } = Guid.NewGuid();
    public Guid SignerKey { get; set; }
    public FieldType Type { get; set; }
    public bool Required { get; set; } = true;
    public int PageNumber { get; set; }
    public double X { get; set; }
    public double Y { get; set; }
    public double Width { get; set; }
    public double Height { get; set; }
    /// <summary>Date format for date fields (seed additional_info.format).</summary>
    public string? DateFormat { get; set; }
    /// <summary>A template's merge field: its label (shown on the box instead of the type); null for signer fields.</summary>
    public string? Label { get; set; }
    /// <summary>The text tag the field came from [document_tag_id]; prefill values refer to it.</summary>
    public string? DocumentTagId { get; set; }
    /// <summary>A value set before sending (prefill_tags); the signer sees it filled in and may change it.</summary>
    public string? Value { get; set; }

    public PdfRect Rect
    {
        get => new(X, Y, Width, Height);
        set => (X, Y, Width, Height) = (value.X, value.Y, value.Width, value.Height);
    }
}

/// <summary>Everything the sender edits on the prepare page, independent of EF.</summary>
public sealed class RequestDraft
{
    public int RequestId { get; set; }
    public int DocumentId { get; set; }
    public string DocumentName { get; set; } = "";
    public IReadOnlyList<PageGeometry> Pages { get; set; } = [];
    public string Name { get; set; } = "";
    public bool IsOrdered { get; set; } = true;
    /// <summary>Seed embedded_signing: signers are not mailed (they sign in the integrator's page).</summary>
    public bool EmbeddedSigning { get; set; }
    public string? Message { get; set; }
    public List<string> Cc { get; set; } = [];
    /// <summary>Signers in signing order.</summary>
    public List<DraftSigner> Signers { get; set; } = [];
    public List<DraftField> Fields { get; set; } = [];
    /// <summary>Reminders, expiry, redirects, colour, … (Box request options).</summary>
    public RequestOptions Options { get; set; } = new();
    /// <summary>
    /// The sender's labels ("NDA", "Agreement"; jSign <c>categories</c>), as stored: normalised by
    /// <see cref="Domain.Categories.Normalize"/> (set them through <see cref="DraftEditor.SetCategories"/>).
    /// </summary>
    public List<string> Categories { get; set; } = [];
    /// <summary>
    /// The document's text tags (<see cref="TextTags"/>): a signer added as number N gets a field for each tag of N.
    /// Empty when the fields are given explicitly (the API's fields_payload).
    /// </summary>
    public IReadOnlyList<TextTag> TextTags { get; set; } = [];

    public int PageCount => Pages.Count;
}
