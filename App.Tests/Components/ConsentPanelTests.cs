using System.Globalization;
using Bunit;
using ESignWeb.Components.Signing;
using ESignWeb.Domain;
using ESignWeb.Signing;

namespace ESignWeb.Tests.Components;

/// <summary>The consent before the document opens: in the words of the recipient's role, in the page's language.</summary>
public class ConsentPanelTests : ComponentTestBase
{
    private IRenderedComponent<ConsentPanel> RenderPanel(RecipientRole role, Action? consent = null, Action? decline = null) =>
        Render<ConsentPanel>(ps => ps
            .Add(p => p.Session, new SigningSession(SigningState.Ready, "", RequestName: "Supply contract", SenderName: "Olga Owner",
                SenderEmail: "olga@example.com", RecipientName: "Apu Approver", RecipientEmail: "apu@example.com", Role: role,
                IsApprover: role == RecipientRole.Approver))
            .Add(p => p.OnConsent, consent ?? (() => { }))
            .Add(p => p.OnDecline, decline ?? (() => { })));

    [Fact]
    public void An_approver_agrees_to_approve_electronically_and_is_never_asked_to_sign()
    {
        var (consented, declined) = (0, 0);
        var cut = RenderPanel(RecipientRole.Approver, () => consented++, () => declined++);

        Assert.Equal("Olga Owner asks you to review and approve “Supply contract”", cut.Find("h1").TextContent.Trim());
        Assert.StartsWith("I agree to use electronic records for this document and to give my approval electronically.", cut.Find("#consent-text").TextContent.Trim());
        Assert.Equal("Decline to approve", cut.Find("#decline-button").TextContent.Trim());
        Assert.Contains("I agree to use electronic records and to approve electronically.", cut.Markup);
        Assert.DoesNotContain("sign", cut.Find("#consent").TextContent, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("approver", cut.Find("#consent").GetAttribute("data-role"));

        // Continue waits for the tick.
        Assert.True(cut.Find("#consent-continue").HasAttribute("disabled"));
        cut.Find("input[type=checkbox]").Change(true);
        Assert.False(cut.Find("#consent-continue").HasAttribute("disabled"));
        cut.Find("#consent-continue").Click();
        cut.Find("#decline-button").Click();
        Assert.Equal((1, 1), (consented, declined));
    }

    [Fact]
    public void A_signer_agrees_to_sign_electronically_as_before()
    {
        var cut = RenderPanel(RecipientRole.Signer);
        Assert.Equal("Olga Owner asks you to sign “Supply contract”", cut.Find("h1").TextContent.Trim());
        Assert.Equal(Consent.Text, cut.Find("#consent-text").TextContent.Trim());
        Assert.Equal("Decline to sign", cut.Find("#decline-button").TextContent.Trim());
        Assert.Equal("signer", cut.Find("#consent").GetAttribute("data-role"));
    }

    [Theory]
    [InlineData("de", "Olga Owner bittet Sie, „Supply contract“ zu prüfen und zu genehmigen", "Genehmigung ablehnen")]
    [InlineData("fr", "Olga Owner vous demande de relire et d'approuver « Supply contract »", "Refuser d'approuver")]
    [InlineData("es", "Olga Owner le pide que revise y apruebe «Supply contract»", "Rechazar la aprobación")]
    public void The_approvers_consent_speaks_the_pages_language(string language, string heading, string decline)
    {
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = new CultureInfo(language);
            var cut = RenderPanel(RecipientRole.Approver);
            Assert.Equal(heading, cut.Find("h1").TextContent.Trim());
            Assert.Equal(decline, cut.Find("#decline-button").TextContent.Trim());
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}
