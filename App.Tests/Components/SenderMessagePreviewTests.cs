using Bunit;
using ESignWeb.Components.Requests;
using ESignWeb.Requests;

namespace ESignWeb.Tests.Components;

/// <summary>The live preview under a message box: allowed tags rendered, links clickable, refused and dropped tags explained.</summary>
public class SenderMessagePreviewTests : ComponentTestBase
{
    private IRenderedComponent<SenderMessagePreview> Preview(string? message) =>
        Render<SenderMessagePreview>(p => p.Add(x => x.Message, message).Add(x => x.Id, "pv"));

    [Fact]
    public void Allowed_tags_are_rendered_and_plain_links_become_clickable()
    {
        var cut = Preview("Dear Ann,\n<b>please</b> sign: <ul><li>page 1</li></ul>See https://example.com/faq");
        var box = cut.Find("#pv [data-testid=sender-message]");
        Assert.Equal("B", box.QuerySelector("b")!.TagName);
        Assert.Equal("page 1", box.QuerySelector("ul > li")!.TextContent);
        Assert.Equal("https://example.com/faq", box.QuerySelector("a")!.GetAttribute("href"));
        Assert.Empty(cut.FindAll("#pv-problem"));
        Assert.Empty(cut.FindAll("#pv-dropped"));
    }

    [Fact]
    public void A_refused_tag_is_explained_and_nothing_is_rendered()
    {
        var cut = Preview("Hi <iframe src=\"https://evil.example\"></iframe>");
        Assert.Equal(SenderMessage.Problem("Hi <iframe src=\"https://evil.example\"></iframe>"), cut.Find("#pv-problem").TextContent.Replace("Not accepted: ", "").Trim());
        Assert.Contains("<iframe>", cut.Find("#pv-problem").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=sender-message]"));
    }

    [Fact]
    public void Tags_cleaned_away_are_named()
    {
        var cut = Preview("<p>Hello</p> <span style=\"color:red\">there</span> <b>you</b>");
        Assert.Equal("Hello there <b>you</b>", cut.Find("#pv [data-testid=sender-message]").InnerHtml);
        var dropped = cut.Find("#pv-dropped").TextContent;
        Assert.Contains("<p>", dropped);
        Assert.Contains("<span>", dropped);
        Assert.DoesNotContain("<b>", dropped.Split("Allowed:")[0]);
    }

    [Fact]
    public void A_blank_message_shows_no_preview() => Assert.Empty(Preview("  \n ").FindAll("#pv"));
}
