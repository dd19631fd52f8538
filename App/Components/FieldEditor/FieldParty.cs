using ESignWeb.Components.Pdf;
using ESignWeb.Requests;
using ESignWeb.Templates;

namespace ESignWeb.Components.FieldEditor;

/// <summary>
/// Whom a field belongs to in the field editor: a request's signer, a template's role, or a template's merge fields.
/// The editor, its palette and its field boxes know only this (key, name, colour), never which kind of draft it is.
/// </summary>
/// <param name="Key">The draft signer's key (<see cref="DraftField.SignerKey"/>).</param>
/// <param name="Name">As shown on the field boxes, the palette and the properties panel.</param>
/// <param name="Color">CSS colour of the party's fields (<see cref="SignerColors"/>, by position).</param>
/// <param name="Email">A signer's address (<c>data-signer-email</c> on the palette chip); null for roles.</param>
/// <param name="FieldNote">
/// Set when the party's fields are edited elsewhere (a template's merge fields: label, type, required): the properties
/// panel shows this note instead of the party, required and date-format controls, and no field can be moved to or
/// from the party.
/// </param>
/// <param name="NoFieldsReason">Set when the party can be given no fields (an approver, a copy reader): the palette says why.</param>
public sealed record FieldParty(Guid Key, string Name, string Color, string? Email = null, string? FieldNote = null, string? NoFieldsReason = null)
{
    /// <summary>Fields can be assigned to this party and their properties are edited in the panel.</summary>
    public bool Assignable => FieldNote is null;

    /// <summary>A request's signers, in signing order, a colour each by position.</summary>
    public static IReadOnlyList<FieldParty> ForRequest(RequestDraft draft) =>
        draft.Signers.Select((s, i) => new FieldParty(s.Key, s.DisplayName, SignerColors.For(i), s.Email,
            NoFieldsReason: Domain.OptionWords.NoFields(s.Options.Role))).ToList();

    /// <summary>A template's roles in order (a colour each by position), then the merge-field owner (last, its own colour).</summary>
    public static IReadOnlyList<FieldParty> ForTemplate(TemplateDraft draft) =>
        draft.Layout.Signers.Select((s, i) => s.Key == TemplateDraft.MergeKey
            ? new FieldParty(s.Key, TemplateDraft.MergeOwnerName, SignerColors.For(i),
                FieldNote: "A merge field: its label, type and whether it is required are edited above.")
            : new FieldParty(s.Key, s.DisplayName, SignerColors.For(i), NoFieldsReason: Domain.OptionWords.NoFields(s.Options.Role))).ToList();
}
