using System.Globalization;
using System.Resources;
using ESignWeb.Domain;
using ESignWeb.Hosting;
using ESignWeb.Localization;
using ESignWeb.Mail;
using ESignWeb.Signing;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ESignWeb.Tests.Unit;

/// <summary>
/// The words of each role (<see cref="RoleWords"/>) in the mails, in every language: an approver is asked to review and
/// approve — never with the signer's words — and a final-copy reader is never invited and gets "your copy".
/// </summary>
public class RoleWordsTests
{
    private static readonly string[] Languages = ["en", "de", "fr", "es"];
    private static readonly ResourceManager Mail = new("ESignWeb.Localization.SignerMailText", typeof(SignerMailText).Assembly);

    private static MailComposer Composer() => new(Options.Create(new SmtpOptions()), Options.Create(new ESignOptions()),
        new StringLocalizer<SignerMailText>(new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance)));

    private static string Text(string key, string language, params object[] args) =>
        string.Format(CultureInfo.GetCultureInfo(language), Mail.GetString(key, CultureInfo.GetCultureInfo(language))!, args);

    [Fact]
    public void Each_role_has_its_own_keys_and_the_reader_is_never_invited()
    {
        Assert.Same(RoleWords.Approver, RoleWords.For(RecipientRole.Approver));
        Assert.Same(RoleWords.Signer, RoleWords.For(RecipientRole.Signer));
        Assert.True(RoleWords.Signer.IsInvited);
        Assert.True(RoleWords.Approver.IsInvited);
        Assert.False(RoleWords.For(RecipientRole.FinalCopyReader).IsInvited);
        // Nothing an approver reads about the invitation or the consent is a signer's key.
        Assert.Empty(new[] { RoleWords.Approver.InviteSubject, RoleWords.Approver.ReminderSubject, RoleWords.Approver.InviteIntro,
                RoleWords.Approver.ReviewHere, RoleWords.Approver.ReviewButton, RoleWords.Approver.ConsentHeading, RoleWords.Approver.ConsentText,
                RoleWords.Approver.ConsentAgree, RoleWords.Approver.DeclineToAct, RoleWords.Approver.PageTitle, RoleWords.Approver.TitleDone }
            .Intersect(new[] { RoleWords.Signer.InviteSubject, RoleWords.Signer.ReminderSubject, RoleWords.Signer.InviteIntro,
                RoleWords.Signer.ReviewHere, RoleWords.Signer.ReviewButton, RoleWords.Signer.ConsentHeading, RoleWords.Signer.ConsentText,
                RoleWords.Signer.ConsentAgree, RoleWords.Signer.DeclineToAct, RoleWords.Signer.PageTitle, RoleWords.Signer.TitleDone }));
        var refused = Assert.Throws<ArgumentException>(() => Composer().SignerInvite("f@example.com", "Fred", "Sara", "s@example.com", "NDA", null,
            "http://x/sign/t", role: RecipientRole.FinalCopyReader));
        Assert.Contains("never invited", refused.Message);
    }

    [Theory]
    [InlineData("en", "Sara Sender sent you \"NDA\" to review and approve", "Review and approve")]
    [InlineData("de", "Sara Sender hat Ihnen „NDA“ zur Prüfung und Genehmigung geschickt", "Prüfen und genehmigen")]
    [InlineData("fr", "Sara Sender vous a envoyé « NDA » à relire et approuver", "Relire et approuver")]
    [InlineData("es", "Sara Sender le ha enviado «NDA» para revisar y aprobar", "Revisar y aprobar")]
    public void An_approvers_invitation_and_reminder_ask_to_review_and_approve_in_their_language(string language, string subject, string button)
    {
        var composer = Composer();
        var invite = composer.SignerInvite("a@example.com", "Apu", "Sara Sender", "sara@example.com", "NDA", null, "http://x/sign/t",
            language: language, role: RecipientRole.Approver);
        var reminder = composer.SignerInvite("a@example.com", "Apu", "Sara Sender", "sara@example.com", "NDA", null, "http://x/sign/t",
            reminder: true, language: language, role: RecipientRole.Approver);
        var signer = composer.SignerInvite("a@example.com", "Ann", "Sara Sender", "sara@example.com", "NDA", null, "http://x/sign/t", language: language);

        Assert.Equal(subject, invite.Subject);
        Assert.Contains(">" + System.Net.WebUtility.HtmlEncode(button) + "</a>", invite.Html);
        Assert.Contains(Text("InviteIntroApprover", language, "Sara Sender", "sara@example.com", "NDA"), invite.Text);
        Assert.Contains(Text("ReviewHereApprover", language), invite.Text);
        Assert.Equal(Text("ReminderSubjectApprover", language, "Sara Sender", "NDA"), reminder.Subject);
        // None of the signer's invitation words reach the approver (the signer's mail has them).
        foreach (var key in new[] { "InviteIntro", "ReviewHere", "ReviewButton" })
        {
            var words = key == "InviteIntro" ? Text(key, language, "Sara Sender", "sara@example.com", "NDA") : Text(key, language);
            Assert.Contains(words, signer.Text + System.Net.WebUtility.HtmlDecode(signer.Html));
            Assert.DoesNotContain(words, System.Net.WebUtility.HtmlDecode(invite.Html));
            Assert.DoesNotContain(words, invite.Text);
        }
        Assert.NotEqual(Text("ReminderSubject", language, "Sara Sender", "NDA"), reminder.Subject);
    }

    [Theory]
    [InlineData("en", "Your copy of \"NDA\": signed by everyone")]
    [InlineData("de", "Ihre Kopie von „NDA“: von allen unterschrieben")]
    [InlineData("fr", "Votre copie de « NDA » : signé par tous")]
    [InlineData("es", "Su copia de «NDA»: firmado por todos")]
    public void A_final_copy_readers_completion_mail_says_it_is_their_copy(string language, string subject)
    {
        var composer = Composer();
        var reader = composer.Completed("f@example.com", "Fred", "NDA", ["Ann", "Apu"], "http://x/copy", attached: true, language, RecipientRole.FinalCopyReader);
        var signer = composer.Completed("a@example.com", "Ann", "NDA", ["Ann", "Apu"], "http://x/sign/t", attached: true, language, RecipientRole.Signer);

        Assert.Equal(subject, reader.Subject);
        Assert.EndsWith(" " + Text("CompletedCopyReader", language), reader.Text.Split("\n\n")[1]);
        Assert.Equal(Text("CompletedSubject", language, "NDA"), signer.Subject);
        Assert.DoesNotContain(Text("CompletedCopyReader", language), signer.Text);
    }
}
