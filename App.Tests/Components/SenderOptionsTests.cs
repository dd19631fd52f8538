using Bunit;
using ESignWeb.Components.FieldEditor;
using ESignWeb.Components.Pdf;
using ESignWeb.Components.Requests;
using ESignWeb.Domain;
using ESignWeb.Requests;
using MudBlazor;
using FieldType = ESignWeb.Domain.FieldType;

namespace ESignWeb.Tests.Components;

/// <summary>
/// The sender's options (issue 11): the request options panel and the per-signer options in the signer list. Values
/// reach the draft; a refused value leaves the draft as it was and shows the message of RequestOptionRules.
/// </summary>
public class SenderOptionsTests : ComponentTestBase
{
    private int _changed;

    private IRenderedComponent<RequestOptionsPanel> RenderPanel(RequestDraft d, bool open = true) =>
        Render<RequestOptionsPanel>(ps => ps.Add(p => p.Draft, d).Add(p => p.Open, open).Add(p => p.OnChanged, () => _changed++));

    private IRenderedComponent<SignerEditor> RenderSigners(RequestDraft d)
    {
        Render<MudPopoverProvider>();
        return Render<SignerEditor>(ps => ps.Add(p => p.Draft, d).Add(p => p.OnChanged, () => _changed++));
    }

    private static AngleSharp.Dom.IElement Row(IRenderedComponent<SignerEditor> cut, string email) =>
        cut.Find($"li.signer-row[data-email='{email}']");

    private static void OpenOptions(IRenderedComponent<SignerEditor> cut, string email) =>
        Row(cut, email).QuerySelector(".signer-options-toggle")!.Click();

    // ---- the request options panel ----

    [Fact]
    public void The_panel_is_collapsed_at_first_and_opens_on_More_options()
    {
        var cut = RenderPanel(NewDraft(), open: false);

        Assert.Empty(cut.FindAll("#option-days-valid"));
        Assert.Equal("false", cut.Find("#options-toggle").GetAttribute("aria-expanded"));
        cut.Find("#options-toggle").Click();

        Assert.Single(cut.FindAll("input#option-days-valid"));
        Assert.Equal("true", cut.Find("#options-toggle").GetAttribute("aria-expanded"));
    }

    [Fact]
    public void Expiry_reaches_the_draft_and_empty_means_never()
    {
        var d = NewDraft();
        var cut = RenderPanel(d);

        cut.Find("input#option-days-valid").Change("5");
        Assert.Equal(5, d.Options.DaysValid);
        Assert.Equal(1, _changed);

        cut.Find("input#option-days-valid").Change("");
        Assert.Null(d.Options.DaysValid);
        Assert.Equal(2, _changed);
    }

    [Fact]
    public void A_refused_expiry_shows_the_rules_message_and_changes_nothing()
    {
        var d = NewDraft();
        d.Options.DaysValid = 7;
        var cut = RenderPanel(d);

        cut.Find("input#option-days-valid").Change("800");

        Assert.Equal(7, d.Options.DaysValid);
        Assert.Equal(0, _changed);
        Assert.Equal("days_valid must be between 0 and 730 (it is 800).", cut.Find("#option-days-valid-error").TextContent.Trim());

        cut.Find("input#option-days-valid").Change("abc");
        Assert.Equal("Enter a number of days (0 to 730), or leave it empty for no expiry.", cut.Find("#option-days-valid-error").TextContent.Trim());

        cut.Find("input#option-days-valid").Change("30");
        Assert.Equal(30, d.Options.DaysValid);
        Assert.Empty(cut.FindAll("#option-days-valid-error"));
    }

    [Fact]
    public void Redirects_subject_and_external_reference_reach_the_draft_and_a_bad_URL_is_refused_with_its_message()
    {
        var d = NewDraft();
        var cut = RenderPanel(d);

        cut.Find("input#option-redirect").Change("javascript:alert(1)");
        Assert.Null(d.Options.RedirectUrl);
        Assert.Equal("redirect_url must be an absolute http or https URL.", cut.Find("#option-redirect-error").TextContent.Trim());

        cut.Find("input#option-redirect").Change("https://example.com/thanks");
        cut.Find("input#option-declined-redirect").Change(" https://example.com/sorry ");
        cut.Find("input#option-subject").Change("Please sign the NDA");
        cut.Find("input#option-external-id").Change("CRM-42");

        Assert.Equal("https://example.com/thanks", d.Options.RedirectUrl);
        Assert.Equal("https://example.com/sorry", d.Options.DeclinedRedirectUrl);
        Assert.Equal("Please sign the NDA", d.Options.EmailSubject);
        Assert.Equal("CRM-42", d.Options.ExternalId);
        Assert.Empty(cut.FindAll("#option-redirect-error"));
        Assert.Equal(4, _changed);
    }

    [Fact]
    public async Task Colour_reminders_typed_signatures_and_phone_verification_reach_the_draft()
    {
        var d = NewDraft();
        var cut = RenderPanel(d);

        // Three named swatches.
        Assert.Equal(["Black", "Blue", "Red"], cut.FindAll(".ink-swatch").Select(s => s.ParentElement!.TextContent.Trim()).ToList());
        var colour = cut.FindComponent<MudRadioGroup<SignatureColor>>();
        await cut.InvokeAsync(() => colour.Instance.ValueChanged.InvokeAsync(SignatureColor.Red));
        Assert.Equal(SignatureColor.Red, d.Options.SignatureColor);
        await cut.InvokeAsync(() => cut.FindComponent<MudRadioGroup<SignatureColor>>().Instance.ValueChanged.InvokeAsync(SignatureColor.Black));
        Assert.Null(d.Options.SignatureColor); // black is the default: nothing stored

        await cut.InvokeAsync(() => cut.FindComponent<MudSwitch<bool>>().Instance.ValueChanged.InvokeAsync(true));
        Assert.True(d.Options.RemindersEnabled);
        Assert.Contains(OptionWords.Reminders, cut.Markup);

        var boxes = cut.FindComponents<MudCheckBox<bool>>();
        await cut.InvokeAsync(() => boxes.Single(b => b.Instance.Label == OptionWords.TextSignatures).Instance.ValueChanged.InvokeAsync(false));
        await cut.InvokeAsync(() => boxes.Single(b => b.Instance.Label == OptionWords.PhoneVerification).Instance.ValueChanged.InvokeAsync(true));
        Assert.False(d.Options.TextSignaturesEnabled);
        Assert.True(d.Options.PhoneVerificationRequired);
        Assert.Equal(5, _changed);
    }

    // ---- per-signer options ----

    [Fact]
    public async Task In_groups_numbers_the_signers_and_their_group_numbers_reach_the_draft()
    {
        var d = NewDraft();
        AddSigner(d, "a@example.com");
        AddSigner(d, "b@example.com");
        AddSigner(d, "c@example.com");
        var cut = RenderSigners(d);
        Assert.Empty(cut.FindAll(".signer-group"));

        await cut.InvokeAsync(() => cut.FindComponent<MudRadioGroup<SigningOrder>>().Instance.ValueChanged.InvokeAsync(SigningOrder.InGroups));

        Assert.True(d.Options.OrderGroups);
        Assert.True(d.IsOrdered);
        Assert.Equal([1, 2, 3], d.Signers.Select(s => s.Options.Order));
        Assert.Equal(3, cut.FindAll(".signer-group").Count);
        Assert.Contains(OptionWords.InGroupsExplained, cut.Markup);

        var groups = cut.FindComponents<MudNumericField<int>>();
        await cut.InvokeAsync(() => groups[1].Instance.ValueChanged.InvokeAsync(1));
        Assert.Equal([1, 1, 3], RequestOptionRules.EffectiveOrders(d));

        await cut.InvokeAsync(() => cut.FindComponent<MudRadioGroup<SigningOrder>>().Instance.ValueChanged.InvokeAsync(SigningOrder.AllAtOnce));
        Assert.False(d.Options.OrderGroups);
        Assert.False(d.IsOrdered);
        Assert.Empty(cut.FindAll(".signer-group"));
    }

    [Fact]
    public async Task A_role_reaches_the_draft_and_the_palette_then_says_why_it_takes_no_fields()
    {
        var d = NewDraft();
        var ann = AddSigner(d, "ann@example.com");
        AddSigner(d, "bob@example.com", "Bob");
        var cut = RenderSigners(d);

        OpenOptions(cut, "bob@example.com");
        var role = cut.FindComponent<MudSelect<RecipientRole>>();
        await cut.InvokeAsync(() => role.Instance.ValueChanged.InvokeAsync(RecipientRole.Approver));

        Assert.Equal(RecipientRole.Approver, d.Signers[1].Options.Role);
        Assert.Equal("Approves", Row(cut, "bob@example.com").QuerySelector(".signer-options-summary")!.TextContent.Trim());

        var palette = Render<FieldPalette>(ps => ps.Add(p => p.Parties, FieldParty.ForRequest(d)).Add(p => p.PageCount, 1)
            .Add(p => p.SignerKey, d.Signers[1].Key));
        Assert.Equal(OptionWords.NoFields(RecipientRole.Approver), palette.Find(".palette-no-fields").TextContent.Trim());
        Assert.All(palette.FindAll("button[data-palette-type]"), b => Assert.True(b.HasAttribute("disabled")));
        var forAnn = Render<FieldPalette>(ps => ps.Add(p => p.Parties, FieldParty.ForRequest(d)).Add(p => p.PageCount, 1).Add(p => p.SignerKey, ann.Key));
        Assert.Empty(forAnn.FindAll(".palette-no-fields"));
    }

    [Fact]
    public async Task A_signer_with_fields_cannot_become_a_copy_reader_and_sees_the_rules_message()
    {
        var d = NewDraft();
        var ann = AddSigner(d, "ann@example.com");
        AddSigner(d, "bob@example.com", "Bob");
        d.Fields.Add(new DraftField { SignerKey = ann.Key, Type = FieldType.Signature, PageNumber = 1, X = 100, Y = 100, Width = 120, Height = 40 });
        var cut = RenderSigners(d);

        OpenOptions(cut, "ann@example.com");
        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<RecipientRole>>().Instance.ValueChanged.InvokeAsync(RecipientRole.FinalCopyReader));

        Assert.Equal(RecipientRole.Signer, ann.Options.Role);
        Assert.Equal(0, _changed);
        Assert.Equal("ann@example.com: a final_copy_reader has no fields; assign the fields to a signer.",
            Row(cut, "ann@example.com").QuerySelector(".signer-option-error")!.TextContent.Trim());
    }

    [Fact]
    public void A_password_is_write_only_refused_when_too_short_and_can_be_removed()
    {
        var d = NewDraft();
        var ann = AddSigner(d, "ann@example.com");
        var cut = RenderSigners(d);
        OpenOptions(cut, "ann@example.com");

        cut.Find(".password-add").Click();
        cut.Find(".password-input input").Change("abc");
        cut.Find(".password-set").Click();
        Assert.Null(ann.Options.NewPassword);
        Assert.Equal("ann@example.com: the password must be 4 to 100 characters.", cut.Find(".signer-option-error").TextContent.Trim());

        cut.Find(".password-input input").Change("open sesame");
        cut.Find(".password-set").Click();
        Assert.Equal("open sesame", ann.Options.NewPassword);
        Assert.Equal("Password set", cut.Find(".password-state").TextContent.Trim());
        Assert.DoesNotContain("open sesame", cut.Markup); // write-only: never shown again
        Assert.Contains("password", Row(cut, "ann@example.com").QuerySelector(".signer-options-summary")!.TextContent);

        // As loaded after the save: the hash is stored, the draft knows only that there is one.
        ann.Options.NewPassword = null;
        ann.Options.HasPassword = true;
        cut.Find(".password-remove").Click();
        Assert.Equal("", ann.Options.NewPassword);
        Assert.False(ann.Options.WillHavePassword);
        Assert.Single(cut.FindAll(".password-add"));
    }

    [Fact]
    public void Phone_is_kept_in_international_form_masked_in_the_summary_and_a_bad_one_is_refused()
    {
        var d = NewDraft();
        var ann = AddSigner(d, "ann@example.com");
        var cut = RenderSigners(d);
        OpenOptions(cut, "ann@example.com");

        cut.Find(".signer-phone input").Change("030 12ab");
        Assert.Null(ann.Options.VerificationPhone);
        Assert.Equal("ann@example.com: \"030 12ab\" is not a phone number (use the international form, e.g. +4930123456).",
            cut.Find(".signer-option-error").TextContent.Trim());

        cut.Find(".signer-phone input").Change("+49 30 1234 5656");
        Assert.Equal("+493012345656", ann.Options.VerificationPhone);
        Assert.Empty(cut.FindAll(".signer-option-error"));
        Assert.Equal("SMS code to +49 ••• 56", Row(cut, "ann@example.com").QuerySelector(".signer-options-summary")!.TextContent.Trim());
    }

    [Fact]
    public async Task Login_required_in_person_and_own_redirect_reach_the_draft()
    {
        var d = NewDraft();
        var ann = AddSigner(d, "ann@example.com");
        var cut = RenderSigners(d);
        OpenOptions(cut, "ann@example.com");

        var boxes = cut.FindComponents<MudCheckBox<bool>>();
        await cut.InvokeAsync(() => boxes.Single(b => b.Instance.Class!.Contains("signer-login-required")).Instance.ValueChanged.InvokeAsync(true));
        await cut.InvokeAsync(() => cut.FindComponents<MudCheckBox<bool>>().Single(b => b.Instance.Class!.Contains("signer-in-person")).Instance.ValueChanged.InvokeAsync(true));
        cut.Find(".signer-redirect input").Change("ftp://example.com");
        Assert.Null(ann.Options.RedirectUrl);
        Assert.Equal("ann@example.com: redirect_url must be an absolute http or https URL.", cut.Find(".signer-option-error").TextContent.Trim());
        cut.Find(".signer-redirect input").Change("https://example.com/ann");

        Assert.True(ann.Options.LoginRequired);
        Assert.True(ann.Options.IsInPerson);
        Assert.Equal("https://example.com/ann", ann.Options.RedirectUrl);
        Assert.Equal("must sign in · in person · own redirect", Row(cut, "ann@example.com").QuerySelector(".signer-options-summary")!.TextContent.Trim());
        Assert.Equal(3, _changed);
    }

    [Fact]
    public void A_signer_added_while_in_groups_joins_the_last_group()
    {
        var d = NewDraft();
        AddSigner(d, "a@example.com");
        AddSigner(d, "b@example.com");
        RequestOptionsEditor.SetOrder(d, SigningOrder.InGroups);
        var cut = RenderSigners(d);

        cut.Find("input#signer-email").Change("c@example.com");
        cut.Find("input#signer-first").Change("Cy");
        cut.Find("form").Submit();

        Assert.Equal([1, 2, 2], d.Signers.Select(s => s.Options.Order));
    }

    [Fact]
    public void The_options_button_names_whose_options_they_are_even_before_an_email_is_typed()
    {
        var d = new RequestDraft();
        d.Signers.Add(new DraftSigner { Email = "" });
        d.Options.OrderGroups = true;
        var unnamed = Render<SignerOptionsEditor>(ps => ps.Add(p => p.Draft, d).Add(p => p.Signer, d.Signers[0]));
        Assert.Equal("Options of this signer", unnamed.Find(".signer-options-toggle").GetAttribute("aria-label"));
        var role = Render<SignerOptionsEditor>(ps => ps.Add(p => p.Draft, d).Add(p => p.Signer, d.Signers[0]).Add(p => p.Who, "Client"));
        Assert.Equal("Options of Client", role.Find(".signer-options-toggle").GetAttribute("aria-label"));
        Assert.Equal("Group of Client", role.Find(".signer-group input").GetAttribute("aria-label"));
    }
}
