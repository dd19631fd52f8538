using Microsoft.Extensions.Localization;
using MudBlazor;

namespace ESignWeb.Localization;

/// <summary>Resource marker: MudBlazor's own texts that the signer's pages show (close buttons' aria labels, …) in de, fr, es.</summary>
public sealed class MudText;

/// <summary>
/// MudBlazor's localizer (<see cref="MudLocalizer"/>): MudBlazor's default interceptor keeps its built-in English and
/// asks this for other cultures; a key not in <c>MudText.*.resx</c> is "not found", so MudBlazor falls back to English.
/// </summary>
public sealed class SignerMudLocalizer(IStringLocalizer<MudText> text) : MudLocalizer
{
    public override LocalizedString this[string key] => text[key];

    public override LocalizedString this[string key, params object[] arguments] => text[key, arguments];
}
