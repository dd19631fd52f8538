using ESignWeb.Domain;
using ESignWeb.Mail;
using ESignWeb.Requests;
using ESignWeb.Signing;

namespace ESignWeb.Tests.Unit;

/// <summary>What signers see and receive: redirect targets, ink, the sender's message rule, the invitation subject.</summary>
public class SignerLookTests
{
    [Fact]
    public void The_signers_redirect_wins_over_the_requests()
    {
        var t = RedirectTargets.Resolve("https://req.example/done", "https://req.example/no", "https://me.example/done", "https://me.example/no");
        Assert.Equal("https://me.example/done", t.AfterSigning);
        Assert.Equal("https://me.example/no", t.AfterDeclining);
    }

    [Fact]
    public void The_requests_urls_apply_when_the_signer_has_none()
    {
        var t = RedirectTargets.Resolve("https://req.example/done", "https://req.example/no", null, " ");
        Assert.Equal("https://req.example/done", t.AfterSigning);
        Assert.Equal("https://req.example/no", t.AfterDeclining);
    }

    [Theory]
    [InlineData("https://req.example/r", null, "https://me.example/r", null, "https://me.example/r")] // signer's redirect
    [InlineData("https://req.example/r", null, null, null, "https://req.example/r")] // request's redirect
    [InlineData("https://req.example/r", "https://req.example/d", "https://me.example/r", null, "https://req.example/d")] // a declined URL first
    [InlineData(null, null, null, null, null)]
    public void A_missing_declined_url_falls_back_to_the_redirect_url(string? rr, string? rd, string? sr, string? sd, string? expected) =>
        Assert.Equal(expected, RedirectTargets.Resolve(rr, rd, sr, sd).AfterDeclining);

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("data:text/html,hi")]
    [InlineData("/relative")]
    [InlineData("ftp://files.example/x")]
    public void Only_http_and_https_are_followed(string url)
    {
        var t = RedirectTargets.Resolve(url, url, null, null);
        Assert.Null(t.AfterSigning);
        Assert.Null(t.AfterDeclining);
    }

    [Fact]
    public void The_target_depends_on_how_the_signer_left()
    {
        var t = new RedirectTargets("https://a.example/", "https://b.example/");
        Assert.Equal("https://a.example/", t.After(SigningState.AlreadySigned));
        Assert.Equal("https://a.example/", t.After(SigningState.Complete));
        Assert.Equal("https://b.example/", t.After(SigningState.Declined));
        Assert.Null(t.After(SigningState.Voided));
    }

    [Fact]
    public void Ink_is_black_unless_chosen()
    {
        Assert.Equal("#000000", Ink.Css(null));
        Assert.Equal("#000000", Ink.Css(SignatureColor.Black));
        Assert.Equal("#1a3fa8", Ink.Css(SignatureColor.Blue));
        Assert.Equal("#b3261e", Ink.Css(SignatureColor.Red));
    }

    [Theory]
    [InlineData("Hi <script>alert(1)</script>", "<script>")]
    [InlineData("<img src=x onerror=alert(1)>", "onerror")]
    [InlineData("<a href=\"javascript:alert(1)\">click</a>", "javascript:")]
    [InlineData("<a href=\" java\tscript:alert(1)\">click</a>", "javascript:")]
    [InlineData("<style>body{display:none}</style>Hi", "<style>")]
    [InlineData("<b onclick=\"x()\">bold</b>", "onclick")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe>", "<iframe>")]
    public void Active_content_is_refused_with_a_precise_message(string message, string named)
    {
        var problem = SenderMessage.Problem(message);
        Assert.NotNull(problem);
        Assert.Contains(named, problem);
    }

    [Fact]
    public void Allowed_tags_are_kept()
    {
        const string message = "<b>b</b> <strong>s</strong> <i>i</i> <em>e</em> <code>c</code> <abbr>a</abbr> <acronym>ac</acronym> " +
                               "<blockquote>q</blockquote><ul><li>one</li></ul><ol><li>two</li></ol> <a href=\"https://example.com/x\">link</a>";
        Assert.Null(SenderMessage.Problem(message));
        Assert.Equal(message, SenderMessage.Clean(message));
    }

    [Theory]
    [InlineData("<p style=\"color:red\">Hello</p>", "Hello")] // a styled paragraph: its text stays
    [InlineData("<b style=\"color:red\" class=\"x\" title=\"t\">Hi</b>", "<b>Hi</b>")] // no attributes but href on a
    [InlineData("<span>Hi</span> <div>there</div>", "Hi there")]
    [InlineData("<a href=\"/relative\">here</a>", "<a>here</a>")]
    [InlineData("<a href=\"mailto:me@example.com\">mail</a>", "<a href=\"mailto:me@example.com\">mail</a>")]
    public void Harmless_markup_is_cleaned_silently(string message, string cleaned)
    {
        Assert.Null(SenderMessage.Problem(message));
        Assert.Equal(cleaned, SenderMessage.Clean(message));
    }

    [Fact]
    public void Plain_links_become_clickable()
    {
        var html = SenderMessage.Clean("See https://example.com/terms?a=1&b=2. And <b>http://x.example</b>!");
        Assert.Equal("See <a href=\"https://example.com/terms?a=1&amp;b=2\">https://example.com/terms?a=1&amp;b=2</a>. " +
                     "And <b><a href=\"http://x.example\">http://x.example</a></b>!", html);
        Assert.Equal("See https://example.com/terms?a=1&b=2. And http://x.example!", SenderMessage.ToText(html));
    }

    [Fact]
    public void Text_of_a_message_keeps_lines_links_and_list_items()
    {
        var html = SenderMessage.Clean("Dear Ann,\nplease sign:<ul><li>page 1</li><li>page 2</li></ul><a href=\"https://example.com/faq\">FAQ</a>");
        Assert.Equal("Dear Ann,\nplease sign:\n• page 1\n• page 2\nFAQ (https://example.com/faq)", SenderMessage.ToText(html));
    }

    [Fact]
    public void A_message_is_stored_as_typed_and_cleaned_when_shown()
    {
        const string typed = "  A & B <b>x</b> https://x.test\n";
        Assert.Null(SenderMessage.Problem(typed));
        Assert.Equal("A & B <b>x</b> https://x.test", SenderMessage.AsTyped(typed));
        Assert.Equal("A &amp; B <b>x</b> <a href=\"https://x.test\">https://x.test</a>", SenderMessage.Clean(SenderMessage.AsTyped(typed)));
        Assert.Null(SenderMessage.AsTyped(" \n "));
    }

    [Theory] // rows saved before messages were stored as typed hold cleaned HTML: shown exactly as before
    [InlineData("A &amp; B <b>x</b> <a href=\"https://x.test\">https://x.test</a>")]
    [InlineData("Hello <b>Una</b>,\nsee <a href=\"https://example.com/q3\">https://example.com/q3</a> now")]
    [InlineData("See <a href=\"https://example.com/terms?a=1&amp;b=2\">https://example.com/terms?a=1&amp;b=2</a>.")]
    public void An_already_cleaned_message_cleans_to_itself(string stored) => Assert.Equal(stored, SenderMessage.Clean(stored));

    [Fact]
    public void A_blank_message_is_none() => Assert.Null(SenderMessage.Clean("  \n "));

    [Theory]
    [InlineData(null, null)]
    [InlineData("  ", null)]
    [InlineData("Please sign\r\nthe NDA", "Please sign the NDA")]
    [InlineData(" Q3 contract ", "Q3 contract")]
    public void A_subject_is_one_line(string? subject, string? expected) => Assert.Equal(expected, MailComposer.OneLine(subject));

    [Theory]
    [InlineData("type:Ann Lee", true)]
    [InlineData("type", true)]
    [InlineData("draw", false)]
    [InlineData("upload", false)]
    [InlineData(null, false)]
    public void A_typed_signature_is_known_by_its_source(string? source, bool typed) => Assert.Equal(typed, SigningService.IsTyped(source));
}
