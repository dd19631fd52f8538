using ESignWeb.Components.Shared;
using ESignWeb.Domain;

namespace ESignWeb.Tests.Unit;

public class StatusWordsTests
{
    [Theory]
    [InlineData(0, "0 pages")]
    [InlineData(1, "1 page")]
    [InlineData(3, "3 pages")]
    public void Counts_read_as_words(long n, string expected) => Assert.Equal(expected, Plural.Count(n, "page"));

    [Fact]
    public void Irregular_plurals_can_be_given() => Assert.Equal("2 people", Plural.Count(2, "person", "people"));

    [Fact]
    public void Whose_turn_names_the_next_sequential_signer_or_counts_parallel_ones()
    {
        Assert.Equal("Fiona First's turn", StatusWords.WaitingFor(true, "Fiona First", 2));
        Assert.Null(StatusWords.WaitingFor(true, null, 2));
        Assert.Equal("Waiting for 2 signers", StatusWords.WaitingFor(false, null, 2));
        Assert.Equal("Waiting for 1 signer", StatusWords.WaitingFor(false, null, 1));
        Assert.Null(StatusWords.WaitingFor(false, null, 0));
    }

    [Fact]
    public void Request_summary_says_whose_turn_and_when_it_is_being_sealed()
    {
        static Requests.RecipientSummary R(int id, RecipientStatus s) => new(id, $"r{id}@example.com", $"Signer {id}", id, s);
        var now = DateTimeOffset.UnixEpoch;
        var sequential = new Requests.RequestSummary(1, "NDA", RequestStatus.Incomplete, true, now, now, now, "NDA.pdf",
            [R(1, RecipientStatus.Finalized), R(2, RecipientStatus.Viewed)], 2);
        Assert.Equal("Signer 2's turn", sequential.WaitingFor);
        Assert.False(sequential.IsSealing);

        var parallel = sequential with { IsOrdered = false, NextRecipientId = null, Recipients = [R(1, RecipientStatus.NotViewed), R(2, RecipientStatus.Viewed)] };
        Assert.Equal("Waiting for 2 signers", parallel.WaitingFor);

        var sealing = sequential with { Recipients = [R(1, RecipientStatus.Finalized), R(2, RecipientStatus.Finalized)], NextRecipientId = null };
        Assert.True(sealing.IsSealing);
        Assert.Null(sealing.WaitingFor);
        Assert.False((sealing with { Status = RequestStatus.Complete }).IsSealing);
        Assert.Equal(SealPhase.Sealing, sealing.Seal);
        Assert.Equal("Sealing…", StatusWords.Of(sealing.Status, sealing.Seal));

        // A seal that gave up is no longer "Sealing…": one rule, in the summary.
        var gaveUp = sealing with { SealGaveUp = true };
        Assert.Equal(SealPhase.GaveUp, gaveUp.Seal);
        Assert.False(gaveUp.IsSealing);
        Assert.Null(gaveUp.WaitingFor);
        Assert.Equal("Sealing failed", StatusWords.Of(gaveUp.Status, gaveUp.Seal));
        Assert.Equal(SealPhase.None, (sequential with { SealGaveUp = true }).Seal);
        Assert.Equal("Completed", StatusWords.Of(RequestStatus.Complete, SealPhase.GaveUp));
    }

    [Fact]
    public void Text_links_split_addresses_from_text_and_drop_trailing_punctuation()
    {
        var parts = TextLinks.Split("Open https://a.example/sign/x1, or (http://b.example/p?q=1). Not ftp://c.example or javascript:alert(1)");

        Assert.Equal(["https://a.example/sign/x1", "http://b.example/p?q=1"], parts.Where(p => p.IsLink).Select(p => p.Text));
        Assert.Equal("Open https://a.example/sign/x1, or (http://b.example/p?q=1). Not ftp://c.example or javascript:alert(1)",
            string.Concat(parts.Select(p => p.Text)));
        Assert.Empty(TextLinks.Split(null));
        Assert.Equal([new TextSegment("no links", false)], TextLinks.Split("no links"));
    }

    [Fact]
    public async Task Progress_stream_reports_bytes_read_in_steps_and_at_the_end()
    {
        var data = new byte[1000];
        var reports = new List<long>();
        await using var s = new ProgressStream(new MemoryStream(data), reports.Add, step: 300);
        var buffer = new byte[128];
        var total = 0;
        int n;
        while ((n = await s.ReadAsync(buffer)) > 0) total += n;

        Assert.Equal(1000, total);
        Assert.Equal([384, 768, 1000], reports);
        Assert.Equal(1000, s.Position);
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(50, 100, 50)]
    [InlineData(150, 100, 100)]
    [InlineData(1, 3, 33)]
    public void Upload_percent_is_whole_and_bounded(long sent, long total, int expected) => Assert.Equal(expected, UploadPercent.Of(sent, total));
}

public class OrderWordsTests
{
    [Fact]
    public void Signing_order_has_one_pair_of_plain_words()
    {
        Assert.Equal("One after another", StatusWords.Order(true));
        Assert.Equal("All at once", StatusWords.Order(false));
        Assert.Contains("one after another", StatusWords.OrderExplained(true));
        Assert.Contains("at once", StatusWords.OrderExplained(false));
    }
}
