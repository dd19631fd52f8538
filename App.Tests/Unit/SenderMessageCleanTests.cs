using ESignWeb.Requests;

namespace ESignWeb.Tests.Unit;

/// <summary>
/// Issue 15: <see cref="SenderMessage.Clean"/> runs for every row of the pending list, so plain text skips the sanitizer
/// and other messages are remembered. Both must give exactly the sanitizer's answer.
/// </summary>
public class SenderMessageCleanTests
{
    public static TheoryData<string> Messages => new()
    {
        "Please sign.",
        "Bitte unterschreiben: Vertrag „Miete“ — 3 % Nachlass, 'quoted' and \"double\".",
        "Line one\nline two\n\n\tindented",
        "Emoji 👋🏽 and CJK 契約書 and RTL שלום",
        "Tom & Jerry",
        "a < b > c",
        "No\u00A0break",
        "Windows\r\nline ends\rand a lone CR",
        "A NUL \0 inside",
        "Control \u0007 and \u0085 next line",
        "Lone surrogate \uD83D here",
        "See https://example.com/terms, please.",
        "HTTP://EXAMPLE.COM/UP and http://x",
        "httpx://not-a-link and http:/half",
        "<b>bold</b> <i>it</i> <script>alert(1)</script> <a href=\"javascript:x\">j</a>",
        "&amp; already &lt;escaped&gt; &copy; &#169;",
        "   padded with spaces   ",
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void Clean_gives_exactly_what_the_sanitizer_gives(string message)
    {
        var expected = SenderMessage.Sanitized(message.Trim());
        Assert.Equal(expected, SenderMessage.Clean(message));
        Assert.Equal(expected, SenderMessage.Clean(message)); // again: remembered or plain, the same answer
        if (SenderMessage.IsPlain(message.Trim())) Assert.Equal(message.Trim(), expected);
    }

    [Fact]
    public void Plain_text_is_recognised_and_markup_urls_and_rewritten_characters_are_not()
    {
        Assert.True(SenderMessage.IsPlain("Please sign. Thanks — “Ana” 👋"));
        Assert.True(SenderMessage.IsPlain("two\nlines\twith tab"));
        foreach (var notPlain in new[] { "a<b", "a>b", "a&b", "a\u00A0b", "a\rb", "a\0b", "a\uD83Db", "go to https://x.example", "HTTP://X.EXAMPLE" })
            Assert.False(SenderMessage.IsPlain(notPlain), notPlain);
    }

    [Fact]
    public void Blank_messages_are_null()
    {
        Assert.Null(SenderMessage.Clean(null));
        Assert.Null(SenderMessage.Clean("  \n "));
        Assert.Null(SenderMessage.Clean("<img src=\"x.png\">")); // cleaned to nothing
    }
}
