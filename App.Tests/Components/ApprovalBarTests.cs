using System.Globalization;
using Bunit;
using ESignWeb.Components.Signing;

namespace ESignWeb.Tests.Components;

/// <summary>The approver's bar on the signer page: their words (translated), Approve and Decline, and nothing to fill.</summary>
public class ApprovalBarTests : ComponentTestBase
{
    private IRenderedComponent<ApprovalBar> RenderBar(Action approve, Action decline, bool busy = false) =>
        Render<ApprovalBar>(ps => ps
            .Add(p => p.Token, "tok")
            .Add(p => p.RequestName, "Supply contract")
            .Add(p => p.SenderName, "Olga Owner")
            .Add(p => p.Busy, busy)
            .Add(p => p.OnApprove, approve)
            .Add(p => p.OnDecline, decline));

    [Fact]
    public void Approve_and_decline_call_back_and_the_sender_is_named()
    {
        var (approved, declined) = (0, 0);
        var cut = RenderBar(() => approved++, () => declined++);

        Assert.Contains("Olga Owner asks you to approve this document", cut.Find("#approve-help").TextContent);
        Assert.Contains("Supply contract", cut.Find("h1").TextContent);
        Assert.Equal("sign/tok/document", cut.Find("#download-document").GetAttribute("href"));
        Assert.Empty(cut.FindAll(".sign-field"));

        cut.Find("#approve-button").Click();
        cut.Find("#decline-button").Click();
        Assert.Equal((1, 1), (approved, declined));
    }

    [Fact]
    public void While_an_action_runs_both_buttons_wait()
    {
        var cut = RenderBar(() => { }, () => { }, busy: true);
        Assert.True(cut.Find("#approve-button").HasAttribute("disabled"));
        Assert.True(cut.Find("#decline-button").HasAttribute("disabled"));
    }

    [Fact]
    public void The_bar_speaks_the_signer_pages_language()
    {
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = new CultureInfo("de");
            var cut = RenderBar(() => { }, () => { });
            Assert.Equal("Genehmigen", cut.Find("#approve-button").TextContent.Trim());
            Assert.Contains("Olga Owner bittet Sie", cut.Find("#approve-help").TextContent);
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}
