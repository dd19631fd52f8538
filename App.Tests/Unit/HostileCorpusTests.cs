using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using ESignWeb.Tests.Fixtures;
using PigDocument = UglyToad.PdfPig.PdfDocument;

namespace ESignWeb.Tests.Unit;

/// <summary>The corpus itself: big enough, every class present, valid files valid, bombs really bombs.</summary>
public class HostileCorpusTests
{
    [Fact]
    public void The_corpus_has_at_least_50_hostile_files_in_every_class()
    {
        var hostile = HostileCorpus.All.Where(f => f.Class != HostileClass.BenignUnusual).ToList();
        Assert.True(hostile.Count >= 50, $"{hostile.Count} hostile files");
        foreach (var c in Enum.GetValues<HostileClass>())
            Assert.True(HostileCorpus.All.Count(f => f.Class == c) >= 3, $"{c}: fewer than 3 files");
        Assert.InRange(HostileCorpus.All.Count(f => f.Verdict == Verdict.Accepted), 3, 4);
    }

    [Theory]
    [MemberData(nameof(HostileCorpus.Names), MemberType = typeof(HostileCorpus))]
    public void Each_file_builds_the_same_bytes_every_time_and_stays_small(string name)
    {
        var file = HostileCorpus.Get(name);
        var bytes = file.Build();
        if (file.Class != HostileClass.OwnerPasswordOnly) Assert.Equal(bytes, file.Build()); // encryption salts at random
        Assert.True(bytes.Length < 10 << 20, $"{bytes.Length} bytes");
        if (file.Class == HostileClass.DecompressionBomb) Assert.True(bytes.Length < 64 << 10, $"bomb of {bytes.Length} bytes");
        if (file.Verdict != Verdict.Refused)
        {
            using var pig = PigDocument.Open(bytes);
            Assert.Equal(file.Pages, pig.NumberOfPages);
        }
    }

    [Theory]
    [InlineData("benign-object-streams.pdf")]
    [InlineData("benign-incremental-update.pdf")]
    [InlineData("javascript-openaction.pdf")]
    [InlineData("prev-loop-of-two.pdf")]
    [InlineData("length-2pow63.pdf")]
    public void Classic_and_stream_cross_references_point_exactly_at_their_objects(string name)
    {
        var bytes = HostileCorpus.Get(name).Build();
        var text = Encoding.Latin1.GetString(bytes);
        var startxref = long.Parse(Regex.Match(text, @"startxref\s+(\d+)\s+%%EOF\s*$").Groups[1].Value);
        if (text.AsSpan((int)startxref).StartsWith("xref"))
        {
            foreach (Match section in Regex.Matches(text, @"xref\n((?:\d+ \d+\n(?:\d{10} \d{5} [nf] \n)+)+)"))
            foreach (Match sub in Regex.Matches(section.Groups[1].Value, @"(\d+) (\d+)\n((?:\d{10} \d{5} [nf] \n)+)"))
            {
                var first = int.Parse(sub.Groups[1].Value);
                var entries = sub.Groups[3].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                for (var i = 0; i < entries.Length; i++)
                    if (entries[i].EndsWith('n'))
                        Assert.StartsWith($"{first + i} 0 obj", text[(int)long.Parse(entries[i][..10])..]);
            }
        }
        else
        {
            Assert.Matches(@"^\d+ 0 obj\s*<< /Type /XRef", text[(int)startxref..]);
        }
        Assert.Contains("Page 1", PdfScan.Text(bytes));
    }

    [Fact]
    public void A_bomb_of_a_few_kilobytes_inflates_to_a_gibibyte()
    {
        var bytes = HostileCorpus.Get("bomb-content-stream-1gib.pdf").Build();
        var filter = bytes.AsSpan().IndexOf("/Filter [/FlateDecode /FlateDecode]"u8);
        var start = filter + bytes.AsSpan(filter).IndexOf("stream\n"u8) + 7;
        var end = bytes.AsSpan().LastIndexOf("\nendstream"u8);
        using var outer = new ZLibStream(new MemoryStream(bytes, start, end - start), CompressionMode.Decompress);
        using var inner = new ZLibStream(outer, CompressionMode.Decompress);
        var buffer = new byte[1 << 20];
        long total = 0;
        int n;
        while ((n = inner.Read(buffer)) > 0) total += n;
        Assert.Equal(1L << 30, total);
        Assert.True(end - start < 16 << 10, $"{end - start} compressed bytes");
    }
}

/// <summary>The raw pre-check the worker runs before PDFsharp: loops and absurd lengths refused, every valid file passes.</summary>
public class RawStructureTests
{
    [Theory]
    [MemberData(nameof(HostileCorpus.Names), MemberType = typeof(HostileCorpus))]
    public void Looping_chains_and_absurd_lengths_are_refused_before_pdfsharp_and_nothing_acceptable_is(string name)
    {
        var file = HostileCorpus.Get(name);
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, file.Build());
            var refusal = Record.Exception(() => ESignWeb.Documents.RawStructure.Check(path));
            if (file.Verdict != Verdict.Refused)
                Assert.Null(refusal);
            else if (file.Name.StartsWith("prev-", StringComparison.Ordinal) || file.Name.StartsWith("xref-stream", StringComparison.Ordinal)
                     || file.Name is "length-negative.pdf" or "length-2pow63.pdf" or "length-2pow64.pdf" or "length-beyond-end-of-file.pdf")
            {
                var e = Assert.IsType<ESignWeb.Domain.AppException>(refusal);
                Assert.StartsWith(ESignWeb.Documents.PdfRefusal.Prefix, e.Message);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Ordinary_pdfs_pass()
    {
        var path = Path.GetTempFileName();
        try
        {
            foreach (var bytes in new[] { TestPdf.Pages(1), TestPdf.Pages(12) })
            {
                File.WriteAllBytes(path, bytes);
                ESignWeb.Documents.RawStructure.Check(path);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
