using ESignWeb.Components.Pdf;
using ESignWeb.Components.Shared;
using ESignWeb.Domain;
using ESignWeb.Requests;

namespace ESignWeb.Components.FieldEditor;

/// <summary>Adds a field of a type for a party on a page (at a rectangle, or centred); the template editor routes its merge party elsewhere.</summary>
public delegate (DraftField? Field, string? Error) AddFieldRule(FieldType type, Guid partyKey, int page, PdfRect? rect);

/// <summary>
/// The state and rules of the one field editor (<see cref="FieldEditor"/>), shared by the prepare page and the template
/// editor: which field is selected, for whom the palette places fields and on which page, the zoom, and every edit of a
/// field (place from the palette, drop, move, resize, keyboard, x/y/width/height, party, required, date format). Each
/// accepted edit is saved through one <see cref="SaveQueue"/> (one save at a time, the last edit last); pages save
/// their own edits (name, signers, roles) through <see cref="SaveAsync"/> too and wait for <see cref="IdleAsync"/>
/// before they leave or send. Plain C#: the component only renders it and shows the errors it returns.
/// </summary>
public sealed class FieldEditorModel
{
    public const double MinZoom = 0.25, MaxZoom = 4;

    private readonly SaveQueue _queue;
    private readonly Func<IReadOnlyList<FieldParty>> _parties;
    private readonly AddFieldRule? _addField;
    private RequestDraft _layout = new();

    /// <param name="save">Saves the page's whole draft as it is now (called one at a time).</param>
    /// <param name="parties">The parties of the current draft, in order (read at every use: signers and roles change).</param>
    /// <param name="partyNoun">"signer" or "role", for the editor's words.</param>
    /// <param name="addField">How a field is added; default <see cref="DraftEditor.AddField"/> on the layout.</param>
    public FieldEditorModel(Func<Task> save, Func<IReadOnlyList<FieldParty>> parties, string partyNoun = "signer", AddFieldRule? addField = null)
    {
        _queue = new SaveQueue(save);
        _parties = parties;
        _addField = addField;
        PartyNoun = partyNoun;
    }

    /// <summary>The pages and fields being edited (a request draft, or a template's layout).</summary>
    public RequestDraft Layout => _layout;

    public IReadOnlyList<FieldParty> Parties => _parties();

    /// <summary>"signer" or "role".</summary>
    public string PartyNoun { get; }

    public Guid? SelectedKey { get; set; }

    /// <summary>The party the palette places fields for.</summary>
    public Guid? PartyKey { get; set; }

    /// <summary>The page a field pressed in the palette goes on (1-based).</summary>
    public int TargetPage { get; set; } = 1;

    public double Zoom { get; private set; } = 1.0;

    public DraftField? Selected => SelectedKey is { } k ? _layout.Fields.SingleOrDefault(f => f.Key == k) : null;

    public FieldParty? PartyOf(DraftField f) => Parties.FirstOrDefault(p => p.Key == f.SignerKey);

    /// <summary>Takes a freshly loaded layout: the selection stays if its field is still there, the palette's party if it still exists.</summary>
    public void Load(RequestDraft layout)
    {
        _layout = layout;
        PartiesChanged();
    }

    /// <summary>After signers or roles changed: the palette falls back to the first party, a removed field's selection is dropped.</summary>
    public void PartiesChanged()
    {
        var parties = Parties;
        if (PartyKey is not { } k || parties.All(p => p.Key != k)) PartyKey = parties.FirstOrDefault()?.Key;
        if (Selected is null) SelectedKey = null;
        TargetPage = Math.Clamp(TargetPage, 1, Math.Max(1, _layout.PageCount));
    }

    /// <summary>Saves the draft as it is now, after any save still running (the last edit is saved last).</summary>
    public Task SaveAsync() => _queue.SaveAsync();

    /// <summary>Completes when every edit is stored (before leaving, sending or copying the draft).</summary>
    public Task IdleAsync() => _queue.IdleAsync();

    private (DraftField? Field, string? Error) AddRaw(FieldType type, Guid party, int page, PdfRect? rect) =>
        Parties.FirstOrDefault(p => p.Key == party)?.NoFieldsReason is { } why ? (null, why)
        : _addField is not null ? _addField(type, party, page, rect) : DraftEditor.AddField(_layout, type, party, page, rect);

    /// <summary>The palette's button: a field of this type in the middle of <see cref="TargetPage"/> for the palette's party.</summary>
    public async Task<string?> AddAsync(FieldType type)
    {
        if (PartyKey is not { } party) return NoPartyMessage;
        var (field, error) = AddRaw(type, party, Math.Clamp(TargetPage, 1, Math.Max(1, _layout.PageCount)), null);
        if (error is not null) return error;
        SelectedKey = field!.Key;
        await SaveAsync();
        return null;
    }

    /// <summary>A palette item dropped on a page (its rectangle in fractions of the shown page).</summary>
    public async Task<string?> DropAsync(FieldDrop drop)
    {
        if (PartyKey is not { } party) return NoPartyMessage;
        if (drop.PageNumber < 1 || drop.PageNumber > _layout.PageCount) return null;
        var rect = _layout.Pages[drop.PageNumber - 1].ToPdf(drop.Rect);
        var (field, error) = AddRaw(drop.Type, party, drop.PageNumber, rect);
        if (error is not null) return error;
        SelectedKey = field!.Key;
        TargetPage = drop.PageNumber;
        await SaveAsync();
        return null;
    }

    public string NoPartyMessage => $"Add a {PartyNoun} first, then place fields for {(PartyNoun == "signer" ? "them" : "it")}.";

    /// <summary>A field moved or resized with the pointer: where it ends up as stored (fitted into the page), or null when refused.</summary>
    public async Task<(ViewRect? Rect, string? Error)> MoveAsync(FieldMove move)
    {
        if (move.PageNumber < 1 || move.PageNumber > _layout.PageCount) return (null, null);
        var geometry = _layout.Pages[move.PageNumber - 1];
        var error = DraftEditor.PlaceField(_layout, move.FieldKey, move.PageNumber, geometry.ToPdf(move.Rect));
        if (error is not null) return (null, error);
        SelectedKey = move.FieldKey;
        await SaveAsync();
        var f = _layout.Fields.SingleOrDefault(x => x.Key == move.FieldKey);
        return (f is null ? null : _layout.Pages[f.PageNumber - 1].ToView(f.Rect), null);
    }

    /// <summary>
    /// A key pressed on a focused field: arrows move it in the direction the page is shown (Shift: 10 pt), Alt+arrows
    /// resize it, Delete/Backspace remove it. Returns whether anything changed.
    /// </summary>
    public async Task<bool> KeyAsync(Guid fieldKey, string key, bool shift, bool alt)
    {
        var f = _layout.Fields.SingleOrDefault(x => x.Key == fieldKey);
        if (f is null) return false;
        SelectedKey = f.Key;
        if (key is "Delete" or "Backspace") { await DeleteAsync(f.Key); return true; }
        var step = shift ? 10.0 : 1.0;
        (double dx, double dy) screen = key switch
        {
            "ArrowLeft" => (-step, 0), "ArrowRight" => (step, 0), "ArrowUp" => (0, -step), "ArrowDown" => (0, step), _ => (0, 0),
        };
        if (screen == (0, 0)) return false;
        var g = _layout.Pages[f.PageNumber - 1];
        var view = g.ToView(f.Rect);
        var moved = alt
            ? view with { Width = view.Width + screen.dx / g.DisplayWidth, Height = view.Height + screen.dy / g.DisplayHeight }
            : view with { Left = view.Left + screen.dx / g.DisplayWidth, Top = view.Top + screen.dy / g.DisplayHeight };
        DraftEditor.PlaceField(_layout, f.Key, f.PageNumber, g.ToPdf(moved));
        await SaveAsync();
        return true;
    }

    public async Task DeleteAsync(Guid fieldKey)
    {
        DraftEditor.RemoveField(_layout, fieldKey);
        if (SelectedKey == fieldKey) SelectedKey = null;
        await SaveAsync();
    }

    /// <summary>Gives a field to another party (only between parties whose fields are edited here).</summary>
    public async Task<string?> AssignAsync(Guid fieldKey, Guid partyKey)
    {
        var f = _layout.Fields.SingleOrDefault(x => x.Key == fieldKey);
        if (f is null) return "That field no longer exists.";
        var parties = Parties;
        if (parties.FirstOrDefault(p => p.Key == partyKey) is not { Assignable: true } || PartyOf(f) is { Assignable: false })
            return $"That {PartyNoun} is no longer there.";
        var error = DraftEditor.AssignField(_layout, fieldKey, partyKey);
        if (error is not null) return error;
        await SaveAsync();
        return null;
    }

    public async Task SetRequiredAsync(Guid fieldKey, bool required)
    {
        var f = _layout.Fields.SingleOrDefault(x => x.Key == fieldKey);
        if (f is null) return;
        f.Required = required;
        await SaveAsync();
    }

    /// <summary>"" (the signer's locale) or one of <see cref="FieldRules.DateFormats"/>; anything else is ignored.</summary>
    public async Task SetDateFormatAsync(Guid fieldKey, string? format)
    {
        var f = _layout.Fields.SingleOrDefault(x => x.Key == fieldKey);
        if (f is null || format is null || format != "" && !FieldRules.DateFormats.Contains(format)) return;
        f.DateFormat = format == "" ? null : format;
        await SaveAsync();
    }

    /// <summary>The x/y/width/height boxes (points from the page's bottom-left): a rectangle outside the rules is fitted, with a warning.</summary>
    public async Task<string?> SetGeometryAsync(Guid fieldKey, double x, double y, double width, double height)
    {
        var f = _layout.Fields.SingleOrDefault(k => k.Key == fieldKey);
        if (f is null) return null;
        var rect = new PdfRect(x, y, width, height);
        var error = FieldRules.Validate(rect, _layout.Pages[f.PageNumber - 1], f.PageNumber, _layout.PageCount);
        DraftEditor.PlaceField(_layout, fieldKey, f.PageNumber, rect);
        await SaveAsync();
        return error is null ? null : error + " The field was kept inside the page at the minimum size.";
    }

    public void SetZoom(double zoom) => Zoom = Math.Clamp(double.IsFinite(zoom) ? zoom : 1, MinZoom, MaxZoom);

    public void ZoomIn() => SetZoom(Zoom * 1.2);

    public void ZoomOut() => SetZoom(Zoom / 1.2);

    /// <summary>The widest page fills the space the viewer has (its CSS width, less the pages' padding).</summary>
    public void FitWidth(double availablePixels)
    {
        if (availablePixels <= 0 || _layout.PageCount == 0) return;
        SetZoom((availablePixels - 32) / _layout.Pages.Max(p => p.DisplayWidth));
    }
}
