using ESignWeb.Domain;
using ESignWeb.Requests;
using ESignWeb.Templates;

namespace ESignWeb.Tests.Unit;

/// <summary>The words of the options (request page, palette) and the template role's kind.</summary>
public class OptionWordsTests
{
    [Fact]
    public void A_request_lists_only_the_options_that_are_set_in_words()
    {
        var r = new SignatureRequest();
        Assert.Empty(OptionWords.Describe(r));

        r.DaysValid = 5;
        r.AutoExpireAt = new DateTimeOffset(2026, 12, 2, 9, 30, 0, TimeSpan.Zero);
        r.RemindersEnabled = true;
        r.SignatureColor = SignatureColor.Red;
        r.RedirectUrl = "https://example.com/thanks";
        r.ExternalId = "CRM-42";
        r.TextSignaturesEnabled = false;

        var lines = OptionWords.Describe(r).ToDictionary(x => x.Label, x => x.Text);
        Assert.Equal("Expires on 2 Dec 2026, 09:30 UTC", lines["Expiry"]);
        Assert.Equal("Remind on day 3, 8, 13 and 18", lines["Reminders"]);
        Assert.Equal("Red", lines["Signature colour"]);
        Assert.Equal("Goes to https://example.com/thanks", lines["After signing"]);
        Assert.Equal("CRM-42", lines["External reference"]);
        Assert.StartsWith("Not allowed", lines["Typed signatures"]);
        Assert.Equal(6, lines.Count);

        Assert.Equal("Expires 5 days after it is sent", OptionWords.Expiry(5, null));
        Assert.Null(OptionWords.Expiry(null, null));
    }

    [Fact]
    public void A_recipient_says_role_group_password_masked_phone_sign_in_and_in_person()
    {
        var x = new Recipient
        {
            Role = RecipientRole.Approver, OrderId = 2, PasswordHash = "h", VerificationPhone = "+493012345656",
            LoginRequired = true, IsInPerson = true,
        };
        Assert.Equal(["Approves", "Group 2", "password", "SMS code to +49 ••• 56", "must sign in", "in person"], OptionWords.Describe(x, inGroups: true));
        Assert.Empty(OptionWords.Describe(new Recipient { OrderId = 1 }, inGroups: false));
    }

    [Fact]
    public void Groups_are_seen_when_acting_recipients_share_an_order()
    {
        var r = new SignatureRequest { IsOrdered = true };
        r.Recipients.AddRange([new Recipient { OrderId = 1 }, new Recipient { OrderId = 2 }]);
        Assert.False(OptionWords.InGroupsOf(r));
        r.Recipients.Add(new Recipient { OrderId = 2 });
        Assert.True(OptionWords.InGroupsOf(r));
    }

    [Fact]
    public void A_template_role_gets_a_kind_unless_it_has_fields()
    {
        var d = new TemplateDraft { Name = "NDA", Layout = new RequestDraft { Pages = [new PageGeometry(0, 0, 612, 792, 0)] } };
        d.Layout.Signers.Add(new DraftSigner { FirstName = "Client" });
        d.Layout.Signers.Add(new DraftSigner { FirstName = "Manager" });
        d.EnsureMergeOwner();
        var (client, manager) = (d.Roles.First(), d.Roles.Last());
        d.Layout.Fields.Add(new DraftField { SignerKey = client.Key, Type = FieldType.Signature, PageNumber = 1, X = 10, Y = 10, Width = 120, Height = 40 });

        Assert.Null(TemplateEditor.SetRoleKind(d, manager.Key, RecipientRole.Approver));
        Assert.Equal(RecipientRole.Approver, manager.Options.Role);
        Assert.Equal("Role \"Client\" has fields; a role that approves or receives a copy gets none. Move or remove its fields first.",
            TemplateEditor.SetRoleKind(d, client.Key, RecipientRole.FinalCopyReader));
        Assert.Equal(RecipientRole.Signer, client.Options.Role);
        Assert.Empty(TemplateEditor.Problems(d));
    }

    [Fact]
    public void The_order_choice_maps_to_the_draft()
    {
        var d = new RequestDraft();
        d.Signers.AddRange([new DraftSigner(), new DraftSigner()]);
        RequestOptionsEditor.SetOrder(d, SigningOrder.InGroups);
        Assert.Equal(SigningOrder.InGroups, RequestOptionsEditor.OrderOf(d));
        Assert.Equal([1, 2], d.Signers.Select(s => s.Options.Order));
        RequestOptionsEditor.SetOrder(d, SigningOrder.OneAfterAnother);
        Assert.Equal((true, false), (d.IsOrdered, d.Options.OrderGroups));
        RequestOptionsEditor.SetOrder(d, SigningOrder.AllAtOnce);
        Assert.Equal(SigningOrder.AllAtOnce, RequestOptionsEditor.OrderOf(d));
    }
}
