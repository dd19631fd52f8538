using Microsoft.JSInterop;

namespace ESignWeb.Embedding;

/// <summary>
/// Tells the page that frames an embedded page what happened: <c>{ source: "esignweb", event, … }</c> posted to the
/// parent window, addressed to each of the owner's allowed origins (so no other origin can read it). One per page.
/// </summary>
public sealed class EmbedMessenger(IJSRuntime js) : IAsyncDisposable
{
    private IJSObjectReference? _module;

    public async Task PostAsync(IReadOnlyList<string> origins, string type, Dictionary<string, object?> data)
    {
        if (origins.Count == 0) return;
        data["source"] = "esignweb";
        data["event"] = type;
        try
        {
            _module ??= await js.InvokeAsync<IJSObjectReference>("import", "./Components/Signing/EmbedSign.razor.js");
            await _module.InvokeAsync<bool>("post", origins, data);
        }
        catch (JSDisconnectedException) { }
    }

    public async ValueTask DisposeAsync()
    {
        try { if (_module is not null) await _module.DisposeAsync(); }
        catch (JSDisconnectedException) { }
    }
}
