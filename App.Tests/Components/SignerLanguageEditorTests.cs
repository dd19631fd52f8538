using System.Globalization;
using Bunit;
using ESignWeb.Components.Requests;

namespace ESignWeb.Tests.Components;

/// <summary>The prepare page's per-signer mail language: defaults to the sender's browser language when it is one of ours.</summary>
public class SignerLanguageEditorTests : ComponentTestBase
{
    [Theory]
    [InlineData("de-DE", "de", "Deutsch")]
    [InlineData("fr-CA", "fr", "Français")]
    [InlineData("es-MX", "es", "Español")]
    [InlineData("en-GB", "en", "English")]
    [InlineData("it-IT", "en", "English")]
    public void A_new_signer_gets_the_senders_browser_language_if_supported_else_English(string browser, string expected, string shown)
    {
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(browser);
        try
        {
            var d = NewDraft();
            var cut = Render<SignerEditor>(ps => ps.Add(p => p.Draft, d));
            cut.Find("input#signer-email").Change("ann@example.com");
            cut.Find("input#signer-first").Change("Ann");
            cut.Find("form").Submit();

            cut.WaitForAssertion(() => Assert.Single(d.Signers)); // the submit's handler may finish after Submit returns (a loaded machine)
            Assert.Equal(expected, Assert.Single(d.Signers).Language);
            // The row names a language other than English (the default goes without saying).
            var row = cut.FindAll("li.signer-row .signer-language");
            var expectedRow = expected == "en" ? new List<string>() : [$"{expected}: {shown}"];
            Assert.Equal(expectedRow, row.Select(r => $"{r.GetAttribute("data-language")}: {r.TextContent.Trim()}").ToList());
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }

    [Fact]
    public void Editing_a_signer_keeps_their_language()
    {
        var d = NewDraft();
        var s = AddSigner(d, "bo@example.com", "Bo");
        s.Language = "fr";
        var cut = Render<SignerEditor>(ps => ps.Add(p => p.Draft, d));
        cut.Find("li.signer-row button[aria-label='Edit bo@example.com']").Click();
        cut.Find("input#signer-first").Change("Bob");
        cut.Find("form").Submit();

        Assert.Equal(("Bob", "fr"), (d.Signers[0].FirstName, d.Signers[0].Language));
    }
}
