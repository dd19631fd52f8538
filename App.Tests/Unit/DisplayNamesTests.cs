using System.IO.Compression;
using System.Text.Json.Nodes;
using ESignWeb.Api;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Hosting;
using ESignWeb.Requests;
using Microsoft.AspNetCore.Http;

namespace ESignWeb.Tests.Unit;

/// <summary>The one name cleaning (bidi controls, line breaks) and the API's use of the prepare page's limits.</summary>
public class DisplayNamesTests
{
    [Theory]
    [InlineData("invoice\u202Efdp.exe", "invoicefdp.exe")]
    [InlineData("\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069x\u200E\u200F\u061C", "x")]
    [InlineData("Q3\nreport\r\n", "Q3 report")]
    [InlineData("  Ann \t\u2028 Lee\u0000\u0007 ", "Ann Lee")]
    [InlineData("Line\u0085Next\u2029Para", "Line Next Para")]
    [InlineData(null, "")]
    [InlineData("\u202E\n", "")]
    public void Strips_bidi_controls_and_turns_breaks_into_one_space(string? raw, string expected) =>
        Assert.Equal(expected, DisplayNames.Clean(raw));

    [Theory]
    [InlineData("عقد الإيجار")] // Arabic: "lease contract"
    [InlineData("חוזה שכירות")] // Hebrew
    [InlineData("Contrat d'été — 2025 (copie)")]
    [InlineData("می\u200Cخواهم")] // Persian with a zero-width non-joiner, which is part of the spelling
    [InlineData("👩\u200D💻 Dev")] // a zero-width joiner inside an emoji sequence
    public void Keeps_right_to_left_and_other_real_text(string text) => Assert.Equal(text, DisplayNames.Clean(text));

    [Fact]
    public void Document_names_request_names_and_signer_names_use_it()
    {
        Assert.Equal("Evilfdp.exe A.pdf", FileNames.Clean("Evil\u202Efdp.exe\nA.pdf"));
        Assert.Equal("عقد.pdf", FileNames.Clean("عقد"));
        var d = new RequestDraft();
        Assert.Null(DraftEditor.SetName(d, "Q3\u202E\nreport"));
        Assert.Equal("Q3 report", d.Name);
        Assert.Null(DraftEditor.AddSigner(d, "nina@example.com", "Ni\u202Ena\nX", "\u2066Doe\u2069"));
        Assert.Equal(("Nina X", "Doe"), (d.Signers[0].FirstName, d.Signers[0].LastName));
        Assert.Equal("Enter the signer's first name.", DraftEditor.AddSigner(d, "o@example.com", "\u202E\n", "Only"));
        Assert.Equal("The request needs a name.", DraftEditor.SetName(d, "\u2066\r\n\u2069"));
    }

    private static JsonObject Body(object pageNumber, object x, int fields = 1) => JsonNode.Parse($$"""
        {"original_file_id": 1, "name": "N", "recipients": [{"email": "a@example.com", "first_name": "A", "last_name": "B"}],
         "fields_payload": [{{string.Join(",", Enumerable.Repeat($$"""{"email": "a@example.com", "type": "text", "page_number": {{pageNumber}}, "x": {{x}}, "y": 1, "width": 50, "height": 40}""", fields))}}]}
        """)!.AsObject();

    [Theory]
    [InlineData("1.5", "72", "fields_payload[1].page_number")]
    [InlineData("\"two\"", "72", "fields_payload[1].page_number")]
    [InlineData("true", "72", "fields_payload[1].page_number")]
    [InlineData("1", "1e400", "fields_payload[1].x")]
    [InlineData("1", "\"NaN\"", "fields_payload[1].x")]
    [InlineData("1", "\"-Infinity\"", "fields_payload[1].x")]
    [InlineData("1", "null", "fields_payload[1].x")]
    public void Page_numbers_are_integers_and_coordinates_finite(string page, string x, string named)
    {
        var ex = Assert.Throws<FormatException>(() => PendingInput.Parse(Body(page, x), withFields: true));
        Assert.StartsWith(named, ex.Message);
    }

    [Fact]
    public void The_api_field_limit_is_the_prepare_pages()
    {
        Assert.Equal(2, PendingInput.Parse(Body("\"2\"", "72"), withFields: true).Fields[0].PageNumber);
        Assert.Equal(-1, PendingInput.Parse(Body("-1", "72.5"), withFields: true).Fields[0].PageNumber);
        Assert.Equal(DraftEditor.MaxFields, PendingInput.Parse(Body("1", "72", DraftEditor.MaxFields), withFields: true).Fields.Count);
        var ex = Assert.Throws<FormatException>(() => PendingInput.Parse(Body("1", "72", DraftEditor.MaxFields + 1), withFields: true));
        Assert.Contains($"at most {DraftEditor.MaxFields} fields", ex.Message);
        // The same rule on the page's path.
        var d = new RequestDraft { Pages = [new PageGeometry(0, 0, 612, 792, 0)] };
        DraftEditor.AddSigner(d, "a@example.com", "A", "B");
        for (var i = 0; i < DraftEditor.MaxFields; i++) Assert.Null(DraftEditor.AddField(d, FieldType.Text, d.Signers[0].Key, 1).Error);
        Assert.Contains($"at most {DraftEditor.MaxFields} fields", DraftEditor.AddField(d, FieldType.Text, d.Signers[0].Key, 1).Error);
    }

    [Fact]
    public async Task The_limited_body_stream_stops_an_inflating_stream_at_the_limit()
    {
        using var packed = new MemoryStream();
        await using (var gz = new GZipStream(packed, CompressionLevel.SmallestSize, leaveOpen: true)) gz.Write(new byte[10 * 1024 * 1024]);
        packed.Position = 0;
        await using var limited = new LimitedBodyStream(new GZipStream(packed, CompressionMode.Decompress), 1024 * 1024);
        var ex = await Assert.ThrowsAsync<BadHttpRequestException>(() => limited.CopyToAsync(Stream.Null));
        Assert.True(BodyLimits.IsTooLarge(ex));
        Assert.InRange(limited.Position, 1024 * 1024 + 1, 2 * 1024 * 1024); // stopped right after the limit, not at 10 MiB

        await using var small = new LimitedBodyStream(new MemoryStream(new byte[1000]), 1000);
        await small.CopyToAsync(Stream.Null); // exactly the limit is fine
        Assert.Equal(1000, small.Position);
    }
}
