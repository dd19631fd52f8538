using ESignWeb.Requests;
using ESignWeb.Signing;

namespace ESignWeb.Tests.Unit;

/// <summary>The request page's "Set new password" dialog: typed twice, with the signer password's length rule.</summary>
public class SignerPasswordFormTests
{
    [Theory]
    [InlineData("", "", "Enter the new password.")]
    [InlineData("abc", "abc", "The password must be 4 to 100 characters.")]
    [InlineData("daisy 77", "daisy 78", "The two passwords are not the same.")]
    public void A_form_that_cannot_be_saved_says_why(string password, string again, string expected) =>
        Assert.Equal(expected, new SignerPasswordForm { Password = password, Again = again }.Problem());

    [Fact]
    public void The_length_rule_is_the_request_options_rule()
    {
        var longest = new string('x', RequestOptionRules.MaxPasswordLength);
        Assert.Null(new SignerPasswordForm { Password = longest, Again = longest }.Problem());
        var tooLong = longest + "x";
        Assert.NotNull(new SignerPasswordForm { Password = tooLong, Again = tooLong }.Problem());
        var shortest = new string('x', RequestOptionRules.MinPasswordLength);
        Assert.Null(new SignerPasswordForm { Password = shortest, Again = shortest }.Problem());
    }

    [Fact]
    public void The_service_allows_setting_only_while_a_signer_can_still_act()
    {
        var signer = new Domain.Recipient { Email = "a@example.com", FirstName = "A", LastName = "B" };
        Assert.True(SignerPasswordReset.CanSet(Domain.RequestStatus.Incomplete, signer));
        Assert.False(SignerPasswordReset.CanSet(Domain.RequestStatus.Complete, signer));
        Assert.False(SignerPasswordReset.CanSet(Domain.RequestStatus.Canceled, signer));
        signer.Status = Domain.RecipientStatus.Finalized;
        Assert.False(SignerPasswordReset.CanSet(Domain.RequestStatus.Incomplete, signer));
    }
}
