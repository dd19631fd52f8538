using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CsvHelper;
using ESignWeb.Tests.Fixtures;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// The Reports page in the real app and Chromium: a user (not the administrator) with requests sees the charts — bars
/// drawn for exactly the non-zero counts of their own requests — downloads the document status CSV, which holds their
/// requests and none of another user's, and the page has no serious axe violation.
/// </summary>
[Collection(E2ECollection.Name)]
public class ReportsPageJourneyTests(ITestOutputHelper output)
{
    private const string Rita = "rita.reports@example.com", Otto = "otto.other@example.com";

    [Fact]
    public async Task A_user_sees_charts_of_their_requests_and_downloads_a_CSV_of_them_alone()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["ESign__RequireConfirmedAccount"] = "false" });
        // Otto exists first (made by the command line, so he takes no administrator role); Rita registers after him.
        await SendAsync(app, Otto, ["Otto's secret deal"]);
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;
        await Steps.RegisterAsync(page, Rita, "Rita", "Reports");
        await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();
        var ids = await SendAsync(app, Rita, ["Rita lease", "Rita loan", "Rita NDA"]);
        await CancelAsync(app, Rita, ids[2]); // one voided, two waiting: two statuses in today's bar

        await page.GotoAsync("/reports");
        await Steps.WaitInteractiveAsync(page);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Reports");
        await Assertions.Expect(page.Locator("[data-testid=total-created] .report-total-value")).ToHaveTextAsync("3");
        await Assertions.Expect(page.Locator("[data-testid=report-scope-all]")).ToHaveCountAsync(0); // not the administrator
        await Assertions.Expect(page.Locator("a.mud-nav-link[href='reports']")).ToBeVisibleAsync();

        // The screen-reader table says what the chart draws: today's row has 2 waiting and 1 voided, nothing else.
        var table = await NonZeroCellsAsync(page, "table-status");
        output.WriteLine("status table non-zero cells: " + string.Join(", ", table));
        Assert.Equal(3, table.Sum(c => c.Value));
        Assert.Equal(2, table.Count);
        var bars = await DrawnBarsAsync(page, "chart-status");
        output.WriteLine($"status chart: {bars.Drawn} drawn bar(s) of {bars.All}");
        if (bars.Drawn != table.Count) output.WriteLine(await page.Locator("[data-testid=chart-status]").InnerHTMLAsync());
        Assert.Equal(table.Count, bars.Drawn);
        // Nothing completed yet: the median table says so for every day and the line chart draws no point (no zeros).
        var medianCells = await page.Locator("[data-testid=table-median] tbody td:last-child").AllTextContentsAsync();
        Assert.Equal(30, medianCells.Count); // the default range: the last 30 days
        Assert.All(medianCells, c => Assert.Equal("none completed", c.Trim()));
        Assert.Equal(0, await page.Locator("[data-testid=chart-median] svg circle.mud-chart-point").CountAsync());
        var volume = await DrawnBarsAsync(page, "chart-volume");
        Assert.Equal(1, volume.Drawn); // 3 from a document, 0 from a template
        Assert.Equal(2, volume.All);

        // Download the document status CSV (Playwright's download event) and read it with CsvHelper.
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-testid=download-document_status]").ClickAsync());
        output.WriteLine("downloaded " + download.SuggestedFilename);
        Assert.Matches(@"^document_status_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$", download.SuggestedFilename);
        var path = Path.Combine(app.DataDir, download.SuggestedFilename);
        await download.SaveAsAsync(path);
        using (var csv = CsvReader.Create(await File.ReadAllBytesAsync(path), CsvReaderOptions.Default with { Separator = ',' }))
        {
            var rows = new List<Dictionary<string, string>>();
            string[] header = [];
            while (csv.Read())
            {
                header = csv.Headers.ToArray();
                rows.Add(Enumerable.Range(0, header.Length).ToDictionary(i => header[i], i => csv.GetString(i) ?? ""));
            }
            Assert.Contains("name", header);
            Assert.Equal(["Rita NDA", "Rita lease", "Rita loan"], rows.Select(r => r["name"]).Order(StringComparer.Ordinal));
            Assert.DoesNotContain(rows, r => r.Values.Any(v => v.Contains("Otto", StringComparison.OrdinalIgnoreCase)));
        }

        // "E-mail me the reports": the page says the mails are on their way, and two mails (one per type) arrive with a
        // link to the CSV that works without a session.
        await page.Locator("[data-testid=report-email]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=report-email-note]")).ToContainTextAsync("On its way: 2 mails");
        var links = await Poll.UntilAsync(() => Task.FromResult(ReportLinks(app) is { Count: 2 } found ? found : null), 90);
        using (var anonymous = new HttpClient { BaseAddress = new Uri(app.BaseUrl) })
        {
            foreach (var link in links)
            {
                using var response = await anonymous.GetAsync(new Uri(link).PathAndQuery);
                Assert.True(response.IsSuccessStatusCode, $"{link}: {response.StatusCode}");
                Assert.StartsWith("text/csv", response.Content.Headers.ContentType?.ToString());
            }
        }

        // A bad range: the rule's message under the end date and no download.
        await page.FillAsync("#report-end", "2001-01-01");
        await page.Locator("#report-end").BlurAsync();
        await Assertions.Expect(page.GetByText("is before the start date")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=download-document_status]")).ToBeDisabledAsync();

        // The page with its figures shown has no serious or critical axe violation.
        await page.GotoAsync("/reports");
        await Steps.WaitInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=total-created] .report-total-value")).ToHaveTextAsync("3");
        var violations = await Axe.RunAsync(page, "reports");
        foreach (var v in violations) output.WriteLine(v.ToString());
        Assert.DoesNotContain(violations, v => v.IsSeriousOrCritical);
    }

    /// <summary>The report links (<c>/reports/{token}</c>) in the mails written to the outbox folder.</summary>
    private static List<string> ReportLinks(AppProcess app)
    {
        var outbox = Path.Combine(app.DataDir, "outbox");
        if (!Directory.Exists(outbox)) return [];
        return Directory.GetFiles(outbox, "*.eml")
            .Select(f => { using var m = MimeKit.MimeMessage.Load(f); return m.TextBody ?? m.HtmlBody ?? ""; })
            .SelectMany(body => System.Text.RegularExpressions.Regex.Matches(body, @"https?://[^\s""<>]+/reports/[A-Za-z0-9_-]{20,}").Select(m => m.Value))
            .Distinct().ToList();
    }

    /// <summary>Creates and sends one request per name for <paramref name="email"/> through the SignEasy API; their ids.</summary>
    private static async Task<List<int>> SendAsync(AppProcess app, string email, string[] names)
    {
        using var api = await ApiAsync(app, email);
        var upload = new MultipartFormDataContent
        {
            { new StringContent("Report.pdf"), "name" },
            { new ByteArrayContent(TestPdf.Pages(1)) { Headers = { ContentType = new("application/pdf") } }, "file", "Report.pdf" },
        };
        using var uploaded = await api.PostAsync("/v1/files/original/", upload);
        var uploadText = await uploaded.Content.ReadAsStringAsync();
        Assert.True(uploaded.IsSuccessStatusCode, uploadText);
        var fileId = JsonDocument.Parse(uploadText).RootElement.GetProperty("id").GetInt32();
        var ids = new List<int>();
        foreach (var name in names)
        {
            using var created = await api.PostAsJsonAsync("/v1/files/pending/fields/", new
            {
                original_file_id = fileId, name, is_ordered = true,
                recipients = new[] { new { email = "sam.signer@example.com", first_name = "Sam", last_name = "Signer" } },
                fields_payload = new[] { new { email = "sam.signer@example.com", type = "signature", required = true, page_number = 1, x = 72, y = 80, width = 180, height = 48, additional_info = new { } } },
            });
            var text = await created.Content.ReadAsStringAsync();
            Assert.True(created.IsSuccessStatusCode, text);
            ids.Add(JsonDocument.Parse(text).RootElement.GetProperty("pending_file_id").GetInt32());
        }
        return ids;
    }

    private static async Task CancelAsync(AppProcess app, string email, int id)
    {
        using var api = await ApiAsync(app, email);
        using var canceled = await api.PostAsJsonAsync($"/v1/files/pending/{id}/cancel", new { });
        Assert.True(canceled.IsSuccessStatusCode, await canceled.Content.ReadAsStringAsync());
    }

    private static async Task<HttpClient> ApiAsync(AppProcess app, string email)
    {
        var key = await ProxyAndThrottlingTests.CreateApiKeyAsync(app, email);
        var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl), Timeout = TimeSpan.FromMinutes(2) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return api;
    }

    /// <summary>The table's non-zero counts as "row/column" → value.</summary>
    private static async Task<Dictionary<string, int>> NonZeroCellsAsync(IPage page, string testId) =>
        (await page.EvaluateAsync<Dictionary<string, int>>(@"id => {
            const t = document.querySelector(`[data-testid=${id}]`);
            const heads = [...t.querySelectorAll('thead th')].map(th => th.textContent.trim());
            const out = {};
            for (const tr of t.querySelectorAll('tbody tr')) {
                const row = tr.querySelector('th').textContent.trim();
                [...tr.querySelectorAll('td')].forEach((td, i) => {
                    const n = parseInt(td.textContent.trim(), 10);
                    if (n > 0) out[`${row}/${heads[i + 1]}`] = n;
                });
            }
            return out;
        }", testId));

    /// <summary>The chart's bars (MudChart draws each value as a <c>path.mud-chart-bar</c> stroke) and how many show a non-zero value.</summary>
    private static async Task<(int All, int Drawn)> DrawnBarsAsync(IPage page, string testId)
    {
        var counts = await page.EvaluateAsync<int[]>(@"id => {
            const bars = [...document.querySelectorAll(`[data-testid=${id}] svg path.mud-chart-bar`)];
            const drawn = bars.filter(b => b.getBBox().height > 1); // a zero is drawn as a 0.5-unit stub
            return [bars.length, drawn.length];
        }", testId);
        return (counts[0], counts[1]);
    }
}
