using Bunit;
using ESignWeb.Components.Requests;
using ESignWeb.Components.Signing;
using ESignWeb.Signing;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ESignWeb.Tests.Components;

/// <summary>The signature dialog follows the request's options: no Type tab when text signatures are off; the ink goes to the pad.</summary>
public class SignatureDialogLookTests : ComponentTestBase
{
    private async Task<IRenderedComponent<MudDialogProvider>> OpenAsync(string ink, bool allowTyped)
    {
        var provider = Render<MudDialogProvider>();
        var dialogs = Services.GetService(typeof(IDialogService)) as IDialogService;
        await provider.InvokeAsync(() => dialogs!.ShowAsync<SignatureDialog>("Your signature",
            new DialogParameters<SignatureDialog> { { x => x.SignerName, "Ann Lee" }, { x => x.Ink, ink }, { x => x.AllowTyped, allowTyped } }));
        provider.WaitForElement("#signature-pad");
        return provider;
    }

    [Fact]
    public async Task Without_text_signatures_there_is_no_Type_tab()
    {
        var provider = await OpenAsync(Ink.Black, allowTyped: false);
        var modes = provider.FindAll(".signature-mode").Select(b => b.GetAttribute("data-mode")).ToList();
        Assert.Equal(["draw", "upload"], modes);
        Assert.Empty(provider.FindAll("#signature-typed"));
    }

    [Fact]
    public async Task With_text_signatures_all_three_ways_are_offered()
    {
        var provider = await OpenAsync(Ink.Black, allowTyped: true);
        Assert.Equal(["draw", "type", "upload"], provider.FindAll(".signature-mode").Select(b => b.GetAttribute("data-mode")).ToList());
        Assert.Single(provider.FindAll("#signature-typed"));
    }

    [Fact]
    public async Task The_ink_is_passed_to_the_pad()
    {
        var module = JSInterop.SetupModule("./Components/Signing/SignatureDialog.razor.js");
        module.SetupVoid("initPad", _ => true).SetVoidResult();
        await OpenAsync(Ink.Red, allowTyped: true);
        var call = module.VerifyInvoke("initPad");
        Assert.Equal("#b3261e", call.Arguments[1]);
    }

    [Fact]
    public void The_senders_message_is_shown_as_cleaned_html()
    {
        var cut = Render<SenderMessageView>(p => p.Add(x => x.Message, "Hi <b>Ann</b> <span style=\"color:red\">see</span> https://example.com"));
        var box = cut.Find("[data-testid=sender-message]");
        Assert.Equal("Hi <b>Ann</b> see <a href=\"https://example.com\">https://example.com</a>", box.InnerHtml);
    }

    [Fact]
    public void A_message_with_active_content_is_not_shown()
    {
        var cut = Render<SenderMessageView>(p => p.Add(x => x.Message, "<img src=x onerror=alert(1)>"));
        Assert.Empty(cut.FindAll("[data-testid=sender-message]"));
    }
}
