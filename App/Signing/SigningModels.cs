using ESignWeb.Domain;

namespace ESignWeb.Signing;

/// <summary>What a signing link leads to.</summary>
public enum SigningState
{
    /// <summary>This recipient can view and sign now.</summary>
    Ready,
    UnknownLink,
    Voided,
    Declined,
    Complete,
    Expired,
    /// <summary>Sequential signing: someone earlier in the order has not signed yet.</summary>
    NotYourTurn,
    /// <summary>This recipient has finished; the request is still out for others.</summary>
    AlreadySigned,
    /// <summary>A final-copy reader: nothing to sign; the signed copy comes by mail.</summary>
    NotASigner,
    /// <summary>An in-person signer's page, opened by someone other than the request's sender.</summary>
    InPersonOnly,
}

/// <summary>A field as the signer's page shows it. Other signers' fields come without their values.</summary>
public sealed record SignerField(
    int Id, FieldType Type, bool Required, int PageNumber, PdfRect Rect, string? DateFormat, bool Mine, bool Filled,
    string? Text, bool AddedBySigner);

/// <summary>Everything the signer's page needs, for one token.</summary>
public sealed record SigningSession(
    SigningState State,
    string Message,
    int RequestId = 0,
    int RecipientId = 0,
    string RequestName = "",
    int DocumentId = 0,
    string SenderName = "",
    string SenderEmail = "",
    string? SenderMessage = null,
    string RecipientName = "",
    string RecipientEmail = "",
    bool Consented = false,
    IReadOnlyList<PageGeometry>? Pages = null,
    IReadOnlyList<SignerField>? Fields = null,
    bool FreeFill = false,
    int? SignedFileId = null,
    bool IsApprover = false,
    SignatureColor? Ink = null,
    bool TextSignatures = true,
    RedirectTargets? Redirects = null,
    RecipientRole Role = RecipientRole.Signer)
{
    /// <summary>The page's words for what this recipient is asked to do (sign, or review and approve).</summary>
    public RoleWords Words => RoleWords.For(Role);

    /// <summary>The pen's CSS colour for this request's signatures (<see cref="Signing.Ink"/>).</summary>
    public string InkCss => Signing.Ink.Css(Ink);

    public IReadOnlyList<PageGeometry> PageList => Pages ?? [];
    public IReadOnlyList<SignerField> FieldList => Fields ?? [];
    public IEnumerable<SignerField> MyFields => FieldList.Where(f => f.Mine);
    public IEnumerable<SignerField> MissingRequired => MyFields.Where(f => f.Required && !f.Filled);

    /// <summary>Where the page guides the signer (on opening, Next field, a premature Finish): the first empty required field, else the first empty one, in page order.</summary>
    public SignerField? NextToFill => MissingRequired.FirstOrDefault() ?? MyFields.FirstOrDefault(f => !f.Filled);
}

/// <summary>A value a signer enters: text (text, name, email, date), a tick, or an image (signature, initials).</summary>
/// <param name="DateFormat">The signer's locale format (<see cref="DateFormats.ForLocale"/>), used for a date field that names none.</param>
public sealed record FieldInput(string? Text = null, bool? Checked = null, byte[]? Image = null, string? Source = null, string? DateFormat = null);

/// <summary>The ESIGN-style agreement shown before any field can be filled; its version is recorded with consent.</summary>
public static class Consent
{
    public const string Version = "2026-11-esign-1";

    public const string Text =
        "I agree to use electronic records and signatures for this document. I understand that my electronic signature " +
        "is the legal equivalent of my handwritten signature, that I can ask the sender for a paper copy, and that I " +
        "can withdraw this consent by declining to sign before I finish.";
}
