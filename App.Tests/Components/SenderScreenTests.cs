using Bunit;
using ESignWeb.Components.Requests;
using ESignWeb.Components.Shared;
using ESignWeb.Domain;

namespace ESignWeb.Tests.Components;

/// <summary>Plain words on the sender's screens: status chips, the empty dashboard, upload progress, linked mail text.</summary>
public class SenderScreenTests : ComponentTestBase
{
    private static readonly string[] WireWords =
        [.. Enum.GetValues<RequestStatus>().Select(WireNames.Of), .. Enum.GetValues<RecipientStatus>().Select(WireNames.Of)];

    [Theory]
    [InlineData(RequestStatus.Draft, "Draft")]
    [InlineData(RequestStatus.Incomplete, "Waiting for others")]
    [InlineData(RequestStatus.Complete, "Completed")]
    [InlineData(RequestStatus.RecipientDeclined, "Declined")]
    [InlineData(RequestStatus.Canceled, "Voided")]
    [InlineData(RequestStatus.Expired, "Expired")]
    public void A_request_chip_shows_the_word_and_keeps_the_wire_name_in_data_status(RequestStatus status, string word)
    {
        var chip = Render<StatusChip>(ps => ps.Add(p => p.Request, status)).Find(".status-chip");

        Assert.Equal(word, chip.TextContent.Trim());
        Assert.Equal(WireNames.Of(status), chip.GetAttribute("data-status"));
    }

    [Theory]
    [InlineData(RecipientStatus.NotViewed, "Not opened")]
    [InlineData(RecipientStatus.Viewed, "Opened")]
    [InlineData(RecipientStatus.Finalized, "Signed")]
    [InlineData(RecipientStatus.Declined, "Declined")]
    public void A_signer_chip_shows_the_word_and_keeps_the_wire_name_in_data_status(RecipientStatus status, string word)
    {
        var chip = Render<StatusChip>(ps => ps.Add(p => p.Recipient, status)).Find(".status-chip");

        Assert.Equal(word, chip.TextContent.Trim());
        Assert.Equal(WireNames.Of(status), chip.GetAttribute("data-status"));
    }

    [Fact]
    public void Every_status_has_a_word_that_is_not_an_api_name()
    {
        var words = Enum.GetValues<RequestStatus>().Select(StatusWords.Of)
            .Concat(Enum.GetValues<RecipientStatus>().Select(StatusWords.Of)).ToList();
        Assert.Equal(Enum.GetValues<RequestStatus>().Length + Enum.GetValues<RecipientStatus>().Length, words.Count);
        foreach (var w in words)
        {
            Assert.False(string.IsNullOrWhiteSpace(w));
            Assert.DoesNotContain("_", w);
            Assert.True(char.IsUpper(w[0]), w);
            Assert.DoesNotContain(w, WireWords); // "Declined" ≠ "declined": a word, not the wire name
        }
        // Distinct within each vocabulary, so a filter never offers two equal words.
        Assert.Equal(Enum.GetValues<RequestStatus>().Length, Enum.GetValues<RequestStatus>().Select(StatusWords.Of).Distinct().Count());
        Assert.Equal(Enum.GetValues<RecipientStatus>().Length, Enum.GetValues<RecipientStatus>().Select(StatusWords.Of).Distinct().Count());
    }

    [Fact]
    public void A_request_being_sealed_reads_Sealing_and_stays_incomplete_on_the_wire()
    {
        var chip = Render<StatusChip>(ps => ps.Add(p => p.Request, RequestStatus.Incomplete).Add(p => p.Seal, SealPhase.Sealing)).Find(".status-chip");

        Assert.Equal("Sealing…", chip.TextContent.Trim());
        Assert.Equal("incomplete", chip.GetAttribute("data-status"));
    }

    [Fact]
    public void A_seal_that_gave_up_reads_Sealing_failed_and_says_where_the_error_is()
    {
        var chip = Render<StatusChip>(ps => ps.Add(p => p.Request, RequestStatus.Incomplete).Add(p => p.Seal, SealPhase.GaveUp)).Find(".status-chip");

        Assert.Equal("Sealing failed", chip.TextContent.Trim());
        Assert.Equal("true", chip.GetAttribute("data-seal-failed"));
        Assert.Null(chip.GetAttribute("data-sealing"));
        Assert.Contains("Outbox page", chip.GetAttribute("title"));
        Assert.Equal("incomplete", chip.GetAttribute("data-status"));
    }

    [Fact]
    public void The_empty_dashboard_offers_upload_and_template_creation_pointing_to_their_pages()
    {
        var cut = Render<FirstSteps>();

        var upload = cut.Find("#start-upload");
        var template = cut.Find("#start-template");
        Assert.Equal("Upload a document", upload.TextContent.Trim());
        Assert.Equal("documents", upload.GetAttribute("href"));
        Assert.Equal("Create a template", template.TextContent.Trim());
        Assert.Equal("templates", template.GetAttribute("href"));
        Assert.Contains("Nothing sent for signature yet", cut.Find("[data-testid=dashboard-empty]").TextContent);
    }

    [Fact]
    public void Empty_state_shows_its_title_text_and_actions()
    {
        var cut = Render<EmptyState>(ps => ps.Add(p => p.Title, "No documents yet").Add(p => p.Text, "Upload a PDF.").Add(p => p.TestId, "x")
            .AddChildContent("<a id='next' href='documents'>Go</a>"));

        var root = cut.Find("[data-testid=x]");
        Assert.Contains("No documents yet", root.TextContent);
        Assert.Contains("Upload a PDF.", root.TextContent);
        Assert.Equal("documents", cut.Find("#next").GetAttribute("href"));
    }

    [Theory]
    [InlineData(0, 1000, "0%")]
    [InlineData(256, 1024, "25%")]
    [InlineData(999, 1000, "99%")]
    public void Upload_progress_shows_the_percentage_sent(long sent, long total, string shown)
    {
        var cut = Render<UploadProgress>(ps => ps.Add(p => p.Active, true).Add(p => p.FileName, "Big.pdf").Add(p => p.Sent, sent).Add(p => p.Total, total));

        Assert.Contains($"Uploading Big.pdf… {shown}", cut.Find("#upload-progress").TextContent);
        Assert.Equal(shown.TrimEnd('%'), cut.Find("#upload-progress").GetAttribute("data-percent"));
    }

    [Fact]
    public void Upload_progress_says_checking_once_everything_is_sent_and_nothing_when_idle()
    {
        var cut = Render<UploadProgress>(ps => ps.Add(p => p.Active, true).Add(p => p.FileName, "Big.pdf").Add(p => p.Sent, 10L).Add(p => p.Total, 10L));
        Assert.Contains("Checking Big.pdf", cut.Find("#upload-progress").TextContent);

        cut.Render(ps => ps.Add(p => p.Active, false));
        Assert.Empty(cut.FindAll("#upload-progress"));
    }

    [Fact]
    public void Linked_text_makes_web_addresses_clickable_and_keeps_markup_as_text()
    {
        const string text = "Hello <b>Ann</b>,\nsign here: https://sign.example.com/sign/abc_DEF-123.\n<script>alert(1)</script> javascript:alert(2) mailto:x@y.z";

        var cut = Render<LinkedText>(ps => ps.Add(p => p.Text, text).Add(p => p.Class, "outbox-text"));

        var link = Assert.Single(cut.FindAll("a"));
        Assert.Equal("https://sign.example.com/sign/abc_DEF-123", link.GetAttribute("href"));
        Assert.Equal("noopener noreferrer", link.GetAttribute("rel"));
        Assert.Empty(cut.FindAll("b"));
        Assert.Empty(cut.FindAll("script"));
        Assert.Equal(text, cut.Find("pre.outbox-text").TextContent); // every character is still there, as text
        Assert.Contains("&lt;script&gt;", cut.Markup);
    }
}
