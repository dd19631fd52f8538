using System.Globalization;
using ESignWeb.Domain;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace ESignWeb.Components.Pdf;

/// <summary>A field dropped from the palette: its type, page and rectangle as fractions of the displayed page.</summary>
public sealed record FieldDrop(FieldType Type, int PageNumber, ViewRect Rect);

/// <summary>A field moved or resized by pointer: its key, its (possibly new) page and rectangle as fractions.</summary>
public sealed record FieldMove(Guid FieldKey, int PageNumber, ViewRect Rect);

/// <summary>
/// Shows a PDF with PDF.js (pages rendered lazily as they scroll into view) and an overlay per page for fields.
/// Page boxes are sized here from the stored page geometry, so layout and field positions never wait for PDF.js.
/// Pointer gestures (drop from the palette, move, resize) arrive once per gesture, already as page fractions.
/// </summary>
public partial class PdfViewer
{
    [Inject] private IJSRuntime JS { get; set; } = default!;

    /// <summary>URL of the PDF (same origin; the auth cookie goes with it).</summary>
    [Parameter, EditorRequired] public string Source { get; set; } = "";

    [Parameter, EditorRequired] public IReadOnlyList<PageGeometry> Pages { get; set; } = [];

    /// <summary>CSS pixels per PDF point.</summary>
    [Parameter] public double Zoom { get; set; } = 1;

    [Parameter] public RenderFragment<int>? PageOverlay { get; set; }

    /// <summary>Handles a drop; the component converts to points and validates.</summary>
    [Parameter] public EventCallback<FieldDrop> OnFieldDropped { get; set; }

    /// <summary>Handles a move/resize; returns the rectangle kept (fractions), or null when refused.</summary>
    [Parameter] public Func<FieldMove, Task<ViewRect?>>? OnFieldMoved { get; set; }

    [Parameter] public EventCallback<string> OnLoadError { get; set; }

    /// <summary>Password of a password-protected PDF (a template's), given to PDF.js only.</summary>
    [Parameter] public string? Password { get; set; }

    private ElementReference _root;
    private IJSObjectReference? _module;
    private IJSObjectReference? _viewer;
    private DotNetObjectReference<PdfViewer>? _self;
    private double _renderedZoom;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        try
        {
            if (firstRender)
            {
                _self = DotNetObjectReference.Create(this);
                _module = await JS.InvokeAsync<IJSObjectReference>("import", "./Components/Pdf/PdfViewer.razor.js");
                _viewer = await _module.InvokeAsync<IJSObjectReference>("init", _root, _self, Source, "lib/pdfjs/", Password);
                _renderedZoom = Zoom;
            }
            else if (_viewer is not null && Math.Abs(_renderedZoom - Zoom) > 1e-9)
            {
                _renderedZoom = Zoom;
                await _viewer.InvokeVoidAsync("rerender");
            }
        }
        catch (JSDisconnectedException) { }
        catch (TaskCanceledException) { }
    }

    /// <summary>Width available for pages, in CSS pixels (for "fit width").</summary>
    public async Task<double> AvailableWidthAsync()
    {
        if (_viewer is null) return 0;
        try { return await _viewer.InvokeAsync<double>("availableWidth"); }
        catch (JSDisconnectedException) { return 0; }
    }

    [JSInvokable("OnFieldDropped")]
    public async Task OnFieldDroppedJs(string type, int page, double left, double top, double width, double height)
    {
        if (!WireNames.TryParseFieldType(type, out var t) || !IsFinite(left, top, width, height)) return;
        await OnFieldDropped.InvokeAsync(new FieldDrop(t, page, new ViewRect(left, top, width, height)));
    }

    [JSInvokable("OnFieldMoved")]
    public async Task<ViewRect?> OnFieldMovedJs(string fieldKey, int page, double left, double top, double width, double height)
    {
        if (OnFieldMoved is null || !Guid.TryParse(fieldKey, out var key) || !IsFinite(left, top, width, height)) return null;
        var result = await OnFieldMoved(new FieldMove(key, page, new ViewRect(left, top, width, height)));
        StateHasChanged();
        return result;
    }

    [JSInvokable("OnLoadError")]
    public Task OnLoadErrorJs(string message) => OnLoadError.InvokeAsync(message);

    /// <summary>The seed's minimum size applies to the user-space width/height; on a quarter-turned page they swap.</summary>
    public static double MinViewWidth(PageGeometry g) => (g.IsQuarterTurned ? FieldRules.MinHeight : FieldRules.MinWidth) / g.DisplayWidth;

    public static double MinViewHeight(PageGeometry g) => (g.IsQuarterTurned ? FieldRules.MinWidth : FieldRules.MinHeight) / g.DisplayHeight;

    internal static string Css(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

    private static bool IsFinite(params double[] values) => values.All(double.IsFinite);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_viewer is not null)
            {
                await _viewer.InvokeVoidAsync("dispose");
                await _viewer.DisposeAsync();
            }
            if (_module is not null) await _module.DisposeAsync();
        }
        catch (JSDisconnectedException) { }
        catch (TaskCanceledException) { }
        catch (JSException) { } // leaving the page must never break the circuit
        _self?.Dispose();
    }
}
