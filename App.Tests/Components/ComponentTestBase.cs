using Bunit;
using ESignWeb.Domain;
using ESignWeb.Requests;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace ESignWeb.Tests.Components;

/// <summary>
/// bUnit context with MudBlazor registered and JS interop in loose mode (MudBlazor calls JS freely).
/// Some MudBlazor services are only IAsyncDisposable, so the context is disposed asynchronously through
/// <see cref="IAsyncLifetime"/> (xunit 2 would otherwise call the synchronous Dispose, which throws).
/// </summary>
public abstract class ComponentTestBase : BunitContext, IAsyncLifetime
{
    protected ComponentTestBase()
    {
        Services.AddMudServices();
        Services.AddLocalization(); // the signer's components speak through IStringLocalizer (English resources)
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();

    protected static PageGeometry Letter(int rotate = 0) => new(0, 0, 612, 792, rotate);

    protected static RequestDraft NewDraft(int pages = 1) => new()
    {
        RequestId = 1,
        Name = "NDA",
        Pages = Enumerable.Range(0, pages).Select(_ => Letter()).ToList(),
    };

    protected static DraftSigner AddSigner(RequestDraft d, string email, string first = "Ann", string last = "Lee")
    {
        var s = new DraftSigner { Email = email, FirstName = first, LastName = last };
        d.Signers.Add(s);
        return s;
    }

    protected static DraftField AddField(RequestDraft d, DraftSigner s, PdfRect rect, int page = 1,
        FieldType type = FieldType.Signature, bool required = true)
    {
        var f = new DraftField { SignerKey = s.Key, Type = type, PageNumber = page, Rect = rect, Required = required };
        d.Fields.Add(f);
        return f;
    }
}
