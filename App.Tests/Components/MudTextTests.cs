using Bunit;
using ESignWeb.Localization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace ESignWeb.Tests.Components;

/// <summary>
/// MudBlazor's own words on the signer's pages (a close button's accessible name) come in the signer's language
/// through the app's MudLocalizer, registered by <c>AddSignerLocalization</c>; English stays MudBlazor's own.
/// </summary>
public class MudTextTests : ComponentTestBase
{
    public MudTextTests() => SignerLocalization.AddSignerLocalization(Services);

    [Theory]
    [InlineData("en", "Close Alert")]
    [InlineData("de", "Hinweis schließen")]
    [InlineData("fr", "Fermer l'alerte")]
    [InlineData("es", "Cerrar alerta")]
    public void A_closable_alerts_close_button_is_named_in_the_signers_language(string language, string expected)
    {
        using var _ = SignerLanguages.Use(language);
        var cut = Render<MudAlert>(ps => ps.Add(p => p.ShowCloseIcon, true).AddChildContent("Something went wrong"));

        Assert.Equal(expected, cut.Find("button").GetAttribute("aria-label"));
    }

    [Fact]
    public void A_key_without_a_translation_falls_back_to_MudBlazors_English()
    {
        using var _ = SignerLanguages.Use("de");
        var localizer = Services.GetRequiredService<MudLocalizer>();

        Assert.True(localizer["MudDataGrid_Apply"].ResourceNotFound);
        Assert.Equal("Meldung schließen", localizer["MudSnackbar_Close"].Value);
    }
}
