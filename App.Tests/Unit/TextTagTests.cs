using System.Globalization;
using System.Text.RegularExpressions;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Requests;
using ESignWeb.Sealing;
using ESignWeb.Tests.Fixtures;
using PdfSharp.Pdf.IO;

namespace ESignWeb.Tests.Unit;

/// <summary>Box Sign text tags: the grammar, detection with PdfPig, fields and prefill on a draft, removal at seal.</summary>
public class TextTagTests
{
    private static readonly PageGeometry Letter = new(0, 0, 612, 792, 0);

    [Theory]
    [InlineData("[[s|1]]", FieldType.Signature, 1, null)]
    [InlineData("[[i|2]]", FieldType.Initials, 2, null)]
    [InlineData("[[d|1]]", FieldType.Date, 1, null)]
    [InlineData("[[t|1|id:company]]", FieldType.Text, 1, "company")]
    [InlineData("[[c|12|id:agree_1]]", FieldType.Checkbox, 12, "agree_1")]
    [InlineData("[[n|1]]", FieldType.Name, 1, null)]
    [InlineData("[[e|3|id:mail.work-2]]", FieldType.Email, 3, "mail.work-2")]
    [InlineData("[[s| 1    ]]", FieldType.Signature, 1, null)]
    [InlineData("[[t|1|id:tag_full_name|n:enter your complete name]]", FieldType.Text, 1, "tag_full_name")]
    public void Valid_tags_parse(string text, FieldType type, int signer, string? id)
    {
        var tag = TextTagGrammar.Parse(text);
        Assert.NotNull(tag);
        Assert.Equal((type, signer, id), (tag.Value.Type, tag.Value.Signer, tag.Value.Id));
    }

    [Theory]
    [InlineData("[[x|1]]")]          // unknown letter
    [InlineData("[[s|0]]")]          // 0 is Box's sender, not a signer
    [InlineData("[[s|]]")]           // no signer
    [InlineData("[[s]]")]
    [InlineData("[[s|51]]")]         // more signers than a request can have
    [InlineData("[[s|-1]]")]
    [InlineData("[[s|1|id:]]")]      // empty id
    [InlineData("[[s|1|id:a b]]")]   // id with a space
    [InlineData("[[s|1|id:a|id:b]]")]
    [InlineData("[[s|1|garbage]]")]  // an option without key:value
    [InlineData("[[S|1]]")]
    [InlineData("[s|1]")]
    public void Bad_tags_are_ignored(string text) => Assert.Null(TextTagGrammar.Parse(text));

    [Fact]
    public void Nested_and_tripled_brackets_are_text_not_tags()
    {
        Assert.Empty(TextTagGrammar.Find("[[s|[[t|1]]]]"));
        Assert.Empty(TextTagGrammar.Find("[[[s|1]]"));
        Assert.Empty(TextTagGrammar.Find("[[s|1]]]"));
        var found = TextTagGrammar.Find("Sign [[s|1]] and [[d|1|id:when]], then [[x|2]] [[i|2]].");
        Assert.Equal(["[[s|1]]", "[[d|1|id:when]]", "[[i|2]]"],
            found.Select(m => "Sign [[s|1]] and [[d|1|id:when]], then [[x|2]] [[i|2]].".Substring(m.Start, m.Length)));
    }

    [Fact]
    public void A_tag_field_is_at_least_the_minimum_and_inside_the_page()
    {
        var small = TextTagGrammar.FieldFor(new PdfRect(100, 500, 30, 10), Letter);
        Assert.Equal((100, 489, 45, 32), (small.X, small.Y, small.Width, small.Height)); // grown around the middle (y 505)
        var edge = TextTagGrammar.FieldFor(new PdfRect(600, 2, 20, 10), Letter);
        Assert.True(Letter.Contains(edge));
        Assert.Null(FieldRules.Validate(edge, Letter, 1, 1));
    }

    private static List<TextTag> Detect(byte[] pdf)
    {
        var path = Path.Combine(Path.GetTempPath(), $"esign-tags-{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(path, pdf);
        try { return TextTagDetector.Detect(path, [Letter]); }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Detection_reads_tags_with_their_positions_also_split_over_two_text_runs()
    {
        var tags = Detect(TaggedPdf.Create(TaggedPdf.Contract));
        Assert.Equal(["[[t|1|id:company]]", "[[s|1]]", "[[s|2]]", "[[c|1|id:agree]]", "[[d|2|id:start]]", "[[t|3|id:third]]"],
            tags.Select(t => t.Text));
        var company = tags[0];
        Assert.Equal((FieldType.Text, 1, "company", 1), (company.Type, company.Signer, company.Id, company.Page));
        // Helvetica 12 pt: "Company: " is 58.02 pt wide, so the tag starts at 72 + 58.02 on the baseline y = 700.
        Assert.InRange(company.Glyphs.X, 129.5, 130.6);
        Assert.InRange(company.Glyphs.Y, 695.0, 700.0);
        Assert.InRange(company.Glyphs.Top, 708.0, 712.0);
        Assert.True(company.Field.Width >= 45 && company.Field.Height >= 32);
        Assert.Equal(company.Glyphs.X, company.Field.X, 3);
        var split = tags[1];
        Assert.Equal((FieldType.Signature, 1, (string?)null), (split.Type, split.Signer, split.Id));
        Assert.InRange(split.Glyphs.X, 71.5, 72.5); // the first run's start
        Assert.InRange(tags[5].Glyphs.Y, 280.0, 286.0); // ' moved to the next line (TL 14)
        Assert.Empty(Detect(TaggedPdf.Create(TaggedPdf.NotTags)));
    }

    [Fact]
    public void Detection_past_its_deadline_stops_and_says_it_is_partial()
    {
        var path = Path.Combine(Path.GetTempPath(), $"esign-tags-{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(path, TaggedPdf.Create(TaggedPdf.Contract));
        try
        {
            Assert.Empty(TextTagDetector.Detect(path, [Letter], DateTime.UtcNow.AddSeconds(-1), out var partial));
            Assert.True(partial);
            Assert.Equal(6, TextTagDetector.Detect(path, [Letter], DateTime.UtcNow.AddMinutes(5), out partial).Count);
            Assert.False(partial);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Fields_come_from_tags_for_each_signer_added_and_missing_signers_are_warnings()
    {
        var tags = Detect(TaggedPdf.Create(TaggedPdf.Contract));
        var d = new RequestDraft { Name = "Contract", Pages = [Letter], TextTags = tags };
        Assert.Null(DraftEditor.AddSigner(d, "ann@example.com", "Ann", "A"));
        Assert.Equal(["company", null, "agree"], d.Fields.Select(f => f.DocumentTagId));
        Assert.All(d.Fields, f => Assert.Equal(d.Signers[0].Key, f.SignerKey));
        Assert.Null(DraftEditor.AddSigner(d, "bob@example.com", "Bob", "B"));
        var bobs = d.Fields.Where(f => f.SignerKey == d.Signers[1].Key).ToList();
        Assert.Equal([FieldType.Signature, FieldType.Date], bobs.Select(f => f.Type));
        Assert.Equal(tags[2].Field, bobs[0].Rect);
        Assert.False(d.Fields.Single(f => f.DocumentTagId == "agree").Required); // checkboxes are optional, as on the prepare page
        Assert.Empty(DraftEditor.ProblemsBeforeSend(d));
        var warning = Assert.Single(TextTags.Warnings(d, tags));
        Assert.Contains("signer 3", warning);
    }

    [Fact]
    public void Prefill_sets_values_by_tag_id_and_refuses_unknown_ids_and_wrong_types_precisely()
    {
        var d = new RequestDraft { Name = "Contract", Pages = [Letter], TextTags = Detect(TaggedPdf.Create(TaggedPdf.Contract)) };
        DraftEditor.AddSigner(d, "ann@example.com", "Ann", "A");
        DraftEditor.AddSigner(d, "bob@example.com", "Bob", "B");
        Assert.Null(TextTags.Prefill(d, [new TagPrefill("company", Text: "Acme Ltd"), new TagPrefill("agree", Checked: true),
            new TagPrefill("start", Date: new DateOnly(2026, 4, 26))]));
        Assert.Equal("Acme Ltd", d.Fields.Single(f => f.DocumentTagId == "company").Value);
        Assert.Equal("true", d.Fields.Single(f => f.DocumentTagId == "agree").Value);
        var start = d.Fields.Single(f => f.DocumentTagId == "start");
        Assert.Equal(("26/04/2026", "DD/MM/YYYY"), (start.Value, start.DateFormat));

        var unknown = TextTags.Prefill(d, [new TagPrefill("nope", Text: "x")]);
        Assert.Equal("prefill_tags[1]: no field has document_tag_id \"nope\" (the tags are \"company\", \"agree\", \"start\").", unknown);
        Assert.Equal("prefill_tags[2]: the tag \"agree\" is a checkbox field; it takes checkbox_value (true or false).",
            TextTags.Prefill(d, [new TagPrefill("company", Text: "y"), new TagPrefill("agree", Text: "yes")]));
        Assert.Equal("prefill_tags[1]: the tag \"company\" is a text field; it takes text_value.",
            TextTags.Prefill(d, [new TagPrefill("company", Date: new DateOnly(2026, 1, 1))]));
    }

    [Fact]
    public async Task Erasing_removes_the_tag_glyphs_and_keeps_the_rest_of_the_line_in_place()
    {
        var original = TaggedPdf.Create(TaggedPdf.Contract + "\n" + TaggedPdf.NotTags);
        var tags = Detect(original);
        using var doc = PdfReader.Open(new MemoryStream(original), PdfDocumentOpenMode.Modify);
        var covered = TextTagEraser.Erase(doc, tags);
        Assert.Empty(covered);
        using var ms = new MemoryStream();
        doc.Save(ms);
        var erased = ms.ToArray();

        var text = await Poppler.PdfToTextAsync(erased);
        const string notTags = "Ignored [[x|1]] [[s|0]] [[s|]] [[s|[[t|1]]]] [[[s|1]]";
        Assert.Contains(notTags, text); // not tags: untouched
        Assert.DoesNotContain("[[", text.Replace(notTags, ""));
        Assert.Contains("Company:", text);
        Assert.Contains("Agree", text);
        Assert.Contains("Notes", text);
        Assert.Equal(await XOfAsync(original, "end"), await XOfAsync(erased, "end"), 1);
    }

    [Theory]
    [InlineData("BT /F1 12 Tf 14 TL 72 700 Td (Before) Tj 1 0.5 (Sign [[s|1]] tail) \" ET")] // " sets Tw and Tc
    [InlineData("BT /F1 12 Tf 72 700 Td <5369676E205B5B737C315D5D207461696C> Tj ET")]           // a hex string
    [InlineData("q BT /F1 12 Tf 72 700 Td [(Sign [) -20 ([s|) 50 (1]] tail)] TJ ET Q")]           // kerned TJ, inside q…Q
    public async Task Erasing_handles_the_quote_operators_hex_strings_and_kerned_arrays(string content)
    {
        var original = TaggedPdf.Create(content);
        var tags = Detect(original);
        Assert.Equal("[[s|1]]", Assert.Single(tags).Text);
        using var doc = PdfReader.Open(new MemoryStream(original), PdfDocumentOpenMode.Modify);
        Assert.Empty(TextTagEraser.Erase(doc, tags));
        using var ms = new MemoryStream();
        doc.Save(ms);
        var text = await Poppler.PdfToTextAsync(ms.ToArray());
        Assert.DoesNotContain("[[", text);
        Assert.Contains("tail", text);
        Assert.Equal(await XOfAsync(original, "tail"), await XOfAsync(ms.ToArray(), "tail"), 1);
    }

    [Fact]
    public void A_tag_in_a_font_that_cannot_be_rewritten_is_covered_and_reported()
    {
        var original = TaggedPdf.Create("BT /F9 12 Tf 72 700 Td ([[s|1]]) Tj ET"); // /F9 is not in the resources
        var tag = new TextTag(FieldType.Signature, 1, null, 1, new PdfRect(72, 684, 45, 32), new PdfRect(72, 697, 30, 13), "[[s|1]]");
        using var doc = PdfReader.Open(new MemoryStream(original), PdfDocumentOpenMode.Modify);
        Assert.Equal([tag], TextTagEraser.Erase(doc, [tag]));
    }

    /// <summary>The left edge of a word as pdftotext -bbox reports it.</summary>
    private static async Task<double> XOfAsync(byte[] pdf, string word)
    {
        var path = Path.Combine(Path.GetTempPath(), $"esign-bbox-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        try
        {
            var html = (await Poppler.RunAsync("pdftotext", "-bbox", path, "-")).Output;
            var m = Regex.Match(html, $"<word xMin=\"([0-9.]+)\"[^>]*>{Regex.Escape(word)}</word>");
            Assert.True(m.Success, $"{word} not found in {html}");
            return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        }
        finally { File.Delete(path); }
    }
}
