using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ESignWeb.Tests.Fixtures;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// Issue 11 option 13 end to end, in Debian's Chromium against the real app: a PDF with Box text tags is sent over the
/// SignEasy API with <c>prefill_tags</c> (text, checkbox, date); the signer opens the mailed link, sees the detected
/// fields holding the prefilled values, signs and finishes; the sealed PDF (downloaded over the API) has the prefilled
/// text where the tag was (<c>pdftotext -bbox</c>), no tag text anywhere, and a valid signature (<c>pdfsig</c>).
/// </summary>
[Collection(E2ECollection.Name)]
public class TextTagPrefillJourneyTests(ITestOutputHelper output)
{
    private const string Signer = "tara.tagged@example.com";

    /// <summary>One Letter page: a text tag with an id, a signature, a checkbox with an id and a date with an id (Helvetica 12).</summary>
    private const string Content = """
        BT /F1 12 Tf 72 700 Td (Company: [[t|1|id:company]] end) Tj ET
        BT /F1 12 Tf 72 600 Td (Sign here: [[s|1]]) Tj ET
        BT /F1 12 Tf 72 500 Td (Agree [[c|1|id:agree]]) Tj ET
        BT /F1 12 Tf 72 400 Td (Start [[d|1|id:start]]) Tj ET
        """;

    [Fact]
    public async Task Tagged_pdf_sent_with_prefill_is_signed_in_the_browser_and_sealed_with_the_values_where_the_tags_were()
    {
        var clock = Stopwatch.StartNew();
        await using var app = await AppProcess.StartAsync();
        var keyOutput = await app.RunCommandAsync("apikey", "create", "--email", "tom.tagger@example.com", "--name", "tags");
        var key = keyOutput.Split('\n').Select(l => l.Trim()).Last(l => l.StartsWith("esk_", StringComparison.Ordinal));
        using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        var original = TaggedPdf.Create(Content);
        var tagBoxes = await WordsAsync(original);
        var companyTag = tagBoxes.Single(w => w.Text == "[[t|1|id:company]]");
        var dateTag = tagBoxes.Single(w => w.Text == "[[d|1|id:start]]");

        var fileId = (await JsonOf(await api.PostAsync("/v1/files/original/", new MultipartFormDataContent
        {
            { new StringContent("Tagged.pdf"), "name" },
            { new ByteArrayContent(original) { Headers = { ContentType = new("application/pdf") } }, "file", "Tagged.pdf" },
        }))).GetProperty("id").GetInt32();
        var created = await JsonOf(await api.PostAsJsonAsync("/v1/files/pending/", new
        {
            original_file_id = fileId, name = "Tagged contract", is_ordered = true,
            recipients = new[] { new { email = Signer, first_name = "Tara", last_name = "Tagged" } },
            prefill_tags = new object[]
            {
                new { document_tag_id = "company", text_value = "Acme Ltd" },
                new { document_tag_id = "agree", checkbox_value = true },
                new { document_tag_id = "start", date_value = "2026-04-26" },
            },
        }));
        var pendingId = created.GetProperty("pending_file_id").GetInt32();
        Assert.False(created.TryGetProperty("warnings", out var warnings) && warnings.GetArrayLength() > 0, $"Unexpected warnings: {created}");

        var link = await OutboxFolder.SigningLinkAsync(app.DataDir, Signer);
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;
        try
        {
            await page.GotoAsync(link);
            await Steps.WaitInteractiveAsync(page);
            await SigningJourneyTests.ConsentAsync(page);

            // The detected fields: one per tag, the prefilled three already filled with their values, the signature empty.
            var mine = page.Locator(".sign-field[data-field-id]");
            await Assertions.Expect(mine).ToHaveCountAsync(4);
            await Assertions.Expect(page.Locator(".sign-field[data-field-type=text].filled svg text")).ToHaveTextAsync("Acme Ltd");
            await Assertions.Expect(page.Locator(".sign-field[data-field-type=checkbox].filled .sign-check")).ToHaveTextAsync("✔");
            await Assertions.Expect(page.Locator(".sign-field[data-field-type=date].filled svg text")).ToHaveTextAsync("26/04/2026");
            await Assertions.Expect(page.Locator(".sign-field[data-field-type=signature].empty")).ToHaveCountAsync(1);

            await SigningJourneyTests.FillSignatureAsync(page, draw: true);
            await page.ClickAsync("#finish-button");
            await Assertions.Expect(page.Locator("#sign-status")).ToHaveAttributeAsync("data-state", "AlreadySigned");
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            await browser.Shots.TakeAsync("text-tags-failure");
            throw;
        }

        // The sealed PDF over the API: the signed file whose pending file is ours.
        var signedId = await Poll.UntilAsync(async () =>
        {
            var list = await JsonOf(await api.GetAsync("/v1/files/signed/"));
            return list.GetProperty("files").EnumerateArray()
                .Where(f => f.GetProperty("pending_file").ValueKind == JsonValueKind.Object
                            && f.GetProperty("pending_file").GetProperty("id").GetInt32() == pendingId)
                .Select(f => (int?)f.GetProperty("id").GetInt32()).FirstOrDefault();
        }, 90);
        var download = await api.GetAsync($"/v1/files/signed/{signedId}/download/");
        Assert.True(download.IsSuccessStatusCode, $"download: {(int)download.StatusCode}");
        var sealedPdf = await download.Content.ReadAsByteArrayAsync();

        var sig = await Poppler.PdfSigAsync(sealedPdf);
        Assert.True(sig.Contains("Signature is Valid"), "pdfsig on the sealed PDF:\n" + sig);

        var text = await Poppler.PdfToTextAsync(sealedPdf);
        Assert.False(text.Contains("[["), "Tag text is still in the sealed PDF:\n" + text);
        Assert.Contains("Company:", text); // the rest of the line stays
        Assert.Contains("Agree", text);

        // The prefilled values sit where their tags were: each word's box overlaps the tag's original box.
        var words = await WordsAsync(sealedPdf);
        var acme = words.Where(w => w.Page == 1 && w.Text == "Acme").ToList();
        Assert.True(acme.Count == 1, $"\"Acme\" on page 1 of the sealed PDF: {acme.Count} times. Words: {string.Join(" ", words.Where(w => w.Page == 1).Select(w => w.Text))}");
        Assert.True(acme[0].Overlaps(companyTag), $"\"Acme\" at {acme[0]} does not overlap the company tag's box {companyTag}");
        var date = words.Where(w => w.Page == 1 && w.Text == "26/04/2026").ToList();
        Assert.True(date.Count == 1, $"\"26/04/2026\" on page 1 of the sealed PDF: {date.Count} times");
        Assert.True(date[0].Overlaps(dateTag), $"the date at {date[0]} does not overlap the date tag's box {dateTag}");
        output.WriteLine($"company tag {companyTag} → Acme {acme[0]}; date tag {dateTag} → {date[0]}; total {clock.Elapsed.TotalSeconds:0.0} s");
    }

    internal sealed record Word(int Page, double XMin, double YMin, double XMax, double YMax, string Text)
    {
        public bool Overlaps(Word o) => Page == o.Page && XMin < o.XMax && o.XMin < XMax && YMin < o.YMax && o.YMin < YMax;

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"p{Page} [{XMin:0.0}, {YMin:0.0} – {XMax:0.0}, {YMax:0.0}]");
    }

    /// <summary>Every word with its box, as <c>pdftotext -bbox</c> reports it (points, y from the page's top).</summary>
    internal static async Task<List<Word>> WordsAsync(byte[] pdf)
    {
        var path = Path.Combine(Path.GetTempPath(), $"esign-bbox-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        try
        {
            var (code, html) = await Poppler.RunAsync("pdftotext", "-bbox", path, "-");
            Assert.True(code == 0, html);
            var xml = XDocument.Parse(Regex.Replace(html, "<!DOCTYPE[^>]*>", ""));
            XNamespace ns = "http://www.w3.org/1999/xhtml";
            return xml.Descendants(ns + "page").SelectMany((p, i) => p.Elements(ns + "word").Select(w => new Word(i + 1,
                (double)w.Attribute("xMin")!, (double)w.Attribute("yMin")!, (double)w.Attribute("xMax")!, (double)w.Attribute("yMax")!, w.Value))).ToList();
        }
        finally { File.Delete(path); }
    }

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{response.RequestMessage?.RequestUri?.AbsolutePath}: {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
