using Bunit;
using ESignWeb.Components.Requests;
using ESignWeb.Domain;
using ESignWeb.Requests;

namespace ESignWeb.Tests.Components;

public class SignerEditorTests : ComponentTestBase
{
    private int _changed;

    private IRenderedComponent<SignerEditor> RenderEditor(RequestDraft draft) =>
        Render<SignerEditor>(ps => ps
            .Add(p => p.Draft, draft)
            .Add(p => p.OnChanged, () => _changed++));

    private static void FillAndSubmit(IRenderedComponent<SignerEditor> cut, string email, string first, string last)
    {
        cut.Find("input#signer-email").Change(email);
        cut.Find("input#signer-first").Change(first);
        cut.Find("input#signer-last").Change(last);
        cut.Find("form").Submit();
    }

    private static List<string> RowEmails(IRenderedComponent<SignerEditor> cut) =>
        cut.FindAll("li.signer-row").Select(li => li.GetAttribute("data-email")!).ToList();

    [Fact]
    public void Adding_a_valid_signer_adds_it_to_the_draft_and_raises_OnChanged()
    {
        var d = NewDraft();
        var cut = RenderEditor(d);

        FillAndSubmit(cut, "ann@example.com", "Ann", "Lee");

        var s = Assert.Single(d.Signers);
        Assert.Equal(("ann@example.com", "Ann", "Lee"), (s.Email, s.FirstName, s.LastName));
        Assert.Equal(1, _changed);
        Assert.Equal(["ann@example.com"], RowEmails(cut));
        Assert.Empty(cut.FindAll("#signer-error"));
    }

    [Fact]
    public void After_adding_the_form_is_cleared()
    {
        var cut = RenderEditor(NewDraft());

        FillAndSubmit(cut, "ann@example.com", "Ann", "Lee");

        Assert.Equal("", cut.Find("input#signer-email").GetAttribute("value"));
        Assert.Equal("", cut.Find("input#signer-first").GetAttribute("value"));
    }

    [Fact]
    public void Invalid_email_shows_the_error_and_neither_adds_nor_raises_OnChanged()
    {
        var d = NewDraft();
        var cut = RenderEditor(d);

        FillAndSubmit(cut, "not-an-email", "Ann", "Lee");

        Assert.Contains("not a valid e-mail address", cut.Find("#signer-error").TextContent);
        Assert.Empty(d.Signers);
        Assert.Equal(0, _changed);
        Assert.Empty(cut.FindAll("li.signer-row"));
    }

    [Fact]
    public void Missing_first_name_is_refused()
    {
        var d = NewDraft();
        var cut = RenderEditor(d);

        FillAndSubmit(cut, "ann@example.com", "", "Lee");

        Assert.Contains("first name", cut.Find("#signer-error").TextContent);
        Assert.Empty(d.Signers);
        Assert.Equal(0, _changed);
    }

    [Fact]
    public void Duplicate_email_is_refused_whatever_the_case()
    {
        var d = NewDraft();
        AddSigner(d, "ann@example.com");
        var cut = RenderEditor(d);

        FillAndSubmit(cut, "ANN@Example.com", "Annie", "Lee");

        Assert.Contains("already a signer", cut.Find("#signer-error").TextContent);
        Assert.Single(d.Signers);
        Assert.Equal(0, _changed);
    }

    [Fact]
    public void A_valid_submission_after_an_error_clears_the_error()
    {
        var d = NewDraft();
        var cut = RenderEditor(d);
        FillAndSubmit(cut, "bad", "Ann", "Lee");
        Assert.NotEmpty(cut.FindAll("#signer-error"));

        FillAndSubmit(cut, "ann@example.com", "Ann", "Lee");

        Assert.Empty(cut.FindAll("#signer-error"));
        Assert.Single(d.Signers);
        Assert.Equal(1, _changed);
    }

    [Fact]
    public void Remove_button_removes_the_signer_and_their_fields()
    {
        var d = NewDraft();
        var ann = AddSigner(d, "ann@example.com");
        var bob = AddSigner(d, "bob@example.com", "Bob", "Ray");
        AddField(d, ann, new PdfRect(100, 100, 100, 40));
        var bobsField = AddField(d, bob, new PdfRect(300, 100, 100, 40));
        var cut = RenderEditor(d);

        cut.Find("button[aria-label='Remove ann@example.com']").Click();

        Assert.Equal([bob.Key], d.Signers.Select(s => s.Key));
        Assert.Equal([bobsField.Key], d.Fields.Select(f => f.Key));
        Assert.Equal(1, _changed);
        Assert.Equal(["bob@example.com"], RowEmails(cut));
    }

    [Theory]
    [InlineData("Move ann@example.com down", "bob@example.com,ann@example.com,cat@example.com")]
    [InlineData("Move cat@example.com up", "ann@example.com,cat@example.com,bob@example.com")]
    public void Move_buttons_reorder_the_signers(string button, string expectedOrder)
    {
        var d = NewDraft();
        AddSigner(d, "ann@example.com");
        AddSigner(d, "bob@example.com", "Bob", "Ray");
        AddSigner(d, "cat@example.com", "Cat", "Sun");
        var cut = RenderEditor(d);

        cut.Find($"button[aria-label='{button}']").Click();

        var expected = expectedOrder.Split(',');
        Assert.Equal(expected, d.Signers.Select(s => s.Email));
        Assert.Equal(expected, RowEmails(cut));
        Assert.Equal(1, _changed);
    }

    [Fact]
    public void First_cannot_move_up_and_last_cannot_move_down()
    {
        var d = NewDraft();
        AddSigner(d, "ann@example.com");
        AddSigner(d, "bob@example.com", "Bob", "Ray");
        var cut = RenderEditor(d);

        Assert.True(cut.Find("button[aria-label='Move ann@example.com up']").HasAttribute("disabled"));
        Assert.False(cut.Find("button[aria-label='Move ann@example.com down']").HasAttribute("disabled"));
        Assert.False(cut.Find("button[aria-label='Move bob@example.com up']").HasAttribute("disabled"));
        Assert.True(cut.Find("button[aria-label='Move bob@example.com down']").HasAttribute("disabled"));
    }

    [Fact]
    public void Sequential_order_numbers_the_signers()
    {
        var d = NewDraft();
        AddSigner(d, "ann@example.com", "Ann", "Lee");
        AddSigner(d, "bob@example.com", "Bob", "Ray");
        var cut = RenderEditor(d);

        Assert.Equal(["1. Ann Lee", "2. Bob Ray"], cut.FindAll(".signer-name").Select(e => e.TextContent));
        Assert.True(cut.Find("input#order-sequential").HasAttribute("checked"));
    }

    [Fact]
    public void Switching_to_parallel_clears_IsOrdered_and_raises_OnChanged()
    {
        var d = NewDraft();
        AddSigner(d, "ann@example.com", "Ann", "Lee");
        var cut = RenderEditor(d);
        Assert.True(d.IsOrdered);

        cut.Find("input#order-parallel").Click();

        Assert.False(d.IsOrdered);
        Assert.Equal(1, _changed);
        Assert.Contains("can sign in any order", cut.Markup);
        Assert.Equal("Ann Lee", cut.Find(".signer-name").TextContent);
    }

    [Fact]
    public void A_signer_just_added_without_fields_shows_no_warning()
    {
        var d = NewDraft();
        var cut = RenderEditor(d);

        FillAndSubmit(cut, "bob@example.com", "Bob", "Ray");

        Assert.Equal(["bob@example.com"], RowEmails(cut));
        Assert.Empty(cut.FindAll(".signer-warning"));
    }

    [Fact]
    public void A_flagged_signer_without_fields_is_marked_in_plain_words_and_one_with_a_field_is_not()
    {
        var d = NewDraft();
        var ann = AddSigner(d, "ann@example.com");
        var bob = AddSigner(d, "bob@example.com", "Bob", "Ray");
        AddField(d, ann, new PdfRect(100, 100, 100, 40));

        var cut = Render<SignerEditor>(ps => ps.Add(p => p.Draft, d).Add(p => p.Flagged, new HashSet<Guid> { ann.Key, bob.Key }));

        Assert.Empty(cut.Find("li.signer-row[data-email='ann@example.com']").QuerySelectorAll(".signer-warning"));
        var warning = Assert.Single(cut.Find("li.signer-row[data-email='bob@example.com']").QuerySelectorAll(".signer-warning"));
        Assert.Contains("places their own fields", warning.TextContent);
        Assert.DoesNotContain("free-fill", cut.Markup);
    }

    [Fact]
    public void Edit_fills_the_form_and_saving_updates_the_signer()
    {
        var d = NewDraft();
        var ann = AddSigner(d, "ann@example.com", "Ann", "Lee");
        var cut = RenderEditor(d);

        cut.Find("button[aria-label='Edit ann@example.com']").Click();
        Assert.Equal("ann@example.com", cut.Find("input#signer-email").GetAttribute("value"));
        Assert.Contains("Save signer", cut.Find("#signer-add").TextContent);

        cut.Find("input#signer-first").Change("Anna");
        cut.Find("form").Submit();

        var s = Assert.Single(d.Signers);
        Assert.Equal((ann.Key, "Anna"), (s.Key, s.FirstName));
        Assert.Equal(1, _changed);
        Assert.Contains("Add signer", cut.Find("#signer-add").TextContent);
    }

    [Fact]
    public void Invalid_cc_shows_an_error_and_does_not_raise_OnChanged()
    {
        var d = NewDraft();
        var cut = RenderEditor(d);

        cut.Find("input#request-cc").Change("boss@example.com, nope");

        Assert.Contains("\"nope\" is not a valid e-mail address.", cut.Markup);
        Assert.Empty(d.Cc);
        Assert.Equal(0, _changed);
    }

    [Fact]
    public void Valid_cc_is_stored_and_raises_OnChanged()
    {
        var d = NewDraft();
        var cut = RenderEditor(d);

        cut.Find("input#request-cc").Change("boss@example.com, hr@example.com");

        Assert.Equal(["boss@example.com", "hr@example.com"], d.Cc);
        Assert.Equal(1, _changed);
    }

    [Fact]
    public void Message_is_stored_and_raises_OnChanged()
    {
        var d = NewDraft();
        var cut = RenderEditor(d);

        cut.Find("textarea#request-message").Input("  Please sign by Friday.  ");
        Assert.Null(d.Message); // typing only previews; the draft takes the text when the box is left
        Assert.Equal(0, _changed);
        cut.Find("textarea#request-message").Blur();

        Assert.Equal("Please sign by Friday.", d.Message);
        Assert.Equal(1, _changed);
    }

    [Fact]
    public void The_preview_under_the_message_box_follows_typing_and_explains_a_refused_tag()
    {
        var d = NewDraft();
        var cut = RenderEditor(d);

        cut.Find("textarea#request-message").Input("A & B <b>x</b> https://x.test");
        var shown = cut.Find("#request-message-preview [data-testid=sender-message]");
        Assert.Equal("A &amp; B <b>x</b> <a href=\"https://x.test\">https://x.test</a>", shown.InnerHtml);
        cut.Find("textarea#request-message").Blur();
        Assert.Equal("A & B <b>x</b> https://x.test", d.Message); // the draft keeps exactly what was typed

        cut.Find("textarea#request-message").Input("Hi <script>alert(1)</script>");
        Assert.Contains("<script>", cut.Find("#request-message-preview-problem").TextContent);
        Assert.Empty(cut.FindAll("#request-message-preview [data-testid=sender-message]"));
    }
}
