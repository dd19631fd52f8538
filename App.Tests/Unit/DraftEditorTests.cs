using ESignWeb.Domain;
using ESignWeb.Requests;

namespace ESignWeb.Tests.Unit;

public class DraftEditorTests
{
    private static RequestDraft Draft(params PageGeometry[] pages) => new()
    {
        RequestId = 1, Name = "NDA",
        Pages = pages.Length > 0 ? pages : [new PageGeometry(0, 0, 612, 792, 0), new PageGeometry(0, 0, 612, 792, 0)],
    };

    [Theory]
    [InlineData("", "Ann", "e-mail")]
    [InlineData("not-an-email", "Ann", "not a valid")]
    [InlineData("ann@", "Ann", "not a valid")]
    [InlineData("ann@example", "Ann", "not a valid")]
    [InlineData("ann@example.com", "", "first name")]
    public void Invalid_signers_are_refused_with_a_specific_message(string email, string first, string expected)
    {
        var d = Draft();
        var error = DraftEditor.AddSigner(d, email, first, "Lee");
        Assert.Contains(expected, error);
        Assert.Empty(d.Signers);
    }

    [Fact]
    public void Duplicate_emails_are_refused_whatever_the_case()
    {
        var d = Draft();
        Assert.Null(DraftEditor.AddSigner(d, "ann@example.com", "Ann", "Lee"));
        var error = DraftEditor.AddSigner(d, " ANN@Example.com ", "Ann", "Other");
        Assert.Contains("already a signer", error);
        Assert.Single(d.Signers);
    }

    [Fact]
    public void Removing_a_signer_removes_their_fields_and_reorder_moves_them()
    {
        var d = Draft();
        DraftEditor.AddSigner(d, "a@example.com", "A", "");
        DraftEditor.AddSigner(d, "b@example.com", "B", "");
        var (a, b) = (d.Signers[0], d.Signers[1]);
        DraftEditor.AddField(d, FieldType.Signature, a.Key, 1);
        DraftEditor.AddField(d, FieldType.Date, b.Key, 2);
        DraftEditor.MoveSigner(d, b.Key, -1);
        Assert.Equal([b, a], d.Signers);
        DraftEditor.RemoveSigner(d, a.Key);
        Assert.All(d.Fields, f => Assert.Equal(b.Key, f.SignerKey));
        Assert.Single(d.Fields);
    }

    [Fact]
    public void Keyboard_add_centres_the_default_size_on_the_page()
    {
        var d = Draft();
        DraftEditor.AddSigner(d, "a@example.com", "A", "");
        var (f, error) = DraftEditor.AddField(d, FieldType.Signature, d.Signers[0].Key, 2);
        Assert.Null(error);
        Assert.Equal(2, f!.PageNumber);
        Assert.Equal((612 - 160) / 2.0, f.X, 2);
        Assert.Equal((792 - 48) / 2.0, f.Y, 2);
        Assert.Equal(FieldType.Date, DraftEditor.AddField(d, FieldType.Date, d.Signers[0].Key, 1).Field!.Type);
        Assert.Null(d.Fields[1].DateFormat); // none: the signer's locale decides
    }

    [Fact]
    public void On_a_quarter_turned_page_the_default_field_turns_too_and_stays_valid()
    {
        var d = Draft(new PageGeometry(0, 0, 595.28, 841.89, 90));
        DraftEditor.AddSigner(d, "a@example.com", "A", "");
        foreach (var t in Enum.GetValues<FieldType>())
        {
            var (f, _) = DraftEditor.AddField(d, t, d.Signers[0].Key, 1);
            Assert.Null(FieldRules.Validate(f!.Rect, d.Pages[0], 1, 1));
            var view = d.Pages[0].ToView(f.Rect);
            // As shown, the field is at least as wide as tall (like on an upright page).
            Assert.True(view.Width * d.Pages[0].DisplayWidth >= view.Height * d.Pages[0].DisplayHeight - 1e-6, t.ToString());
        }
    }

    [Fact]
    public void Fields_need_a_signer_and_an_existing_page()
    {
        var d = Draft();
        Assert.Contains("Add a signer", DraftEditor.AddField(d, FieldType.Text, Guid.NewGuid(), 1).Error);
        DraftEditor.AddSigner(d, "a@example.com", "A", "");
        Assert.Contains("does not exist", DraftEditor.AddField(d, FieldType.Text, d.Signers[0].Key, 3).Error);
    }

    [Fact]
    public void Placing_a_field_clamps_it_to_the_page_and_the_minimum()
    {
        var d = Draft();
        DraftEditor.AddSigner(d, "a@example.com", "A", "");
        var (f, _) = DraftEditor.AddField(d, FieldType.Text, d.Signers[0].Key, 1);
        DraftEditor.PlaceField(d, f!.Key, 2, new PdfRect(-50, 780, 10, 10));
        Assert.Equal(2, f.PageNumber);
        Assert.Equal(new PdfRect(0, 760, 45, 32), f.Rect);
    }

    [Fact]
    public void Problems_before_send_list_missing_signers_and_bad_fields()
    {
        var d = Draft();
        Assert.Contains("Add at least one signer.", DraftEditor.ProblemsBeforeSend(d));
        DraftEditor.AddSigner(d, "a@example.com", "A", "");
        d.Fields.Add(new DraftField { SignerKey = d.Signers[0].Key, Type = FieldType.Text, PageNumber = 1, X = 10, Y = 10, Width = 20, Height = 10 });
        Assert.Contains(DraftEditor.ProblemsBeforeSend(d), p => p.Contains("at least 45"));
    }

    [Fact]
    public void Signers_without_fields_are_reported()
    {
        var d = Draft();
        DraftEditor.AddSigner(d, "a@example.com", "A", "");
        DraftEditor.AddSigner(d, "b@example.com", "B", "");
        DraftEditor.AddField(d, FieldType.Signature, d.Signers[0].Key, 1);
        Assert.Equal(["b@example.com"], DraftEditor.SignersWithoutFields(d).Select(s => s.Email));
    }

    [Fact]
    public void Cc_addresses_are_validated_deduplicated_and_not_signers()
    {
        var d = Draft();
        DraftEditor.AddSigner(d, "a@example.com", "A", "");
        Assert.Contains("not a valid", DraftEditor.SetCc(d, ["boss@example.com", "nope"]));
        Assert.Empty(d.Cc);
        Assert.Contains("already a signer", DraftEditor.SetCc(d, ["A@example.com"]));
        Assert.Null(DraftEditor.SetCc(d, ["boss@example.com", "BOSS@example.com", "law@example.org"]));
        Assert.Equal(["boss@example.com", "law@example.org"], d.Cc);
    }
}
