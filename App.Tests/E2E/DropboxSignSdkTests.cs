using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CsvHelper;
using ESignWeb.Tests.Fixtures;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// Issue 13's real-client test: Dropbox Sign's own Node SDK (<c>@dropbox/sign</c> 1.11.0, pinned in
/// <c>App.Tests/Sdk/dropbox/package-lock.json</c>, installed by <c>.ci/test</c> with <c>npm ci</c>), unchanged — only
/// <c>basePath = &lt;app&gt;/v3</c> and <c>username = &lt;API key&gt;</c> — drives the real app process through
/// <c>App.Tests/Sdk/dropbox/dropbox-sign-sdk-test.mjs</c>, which prints what the SDK parsed. A report request: the
/// SDK's parsed answer equals what was sent, and one mail per type arrives at the real SMTP sink with a link that
/// downloads (without a session) a CSV that parses and holds the request made before. A refused date: the SDK throws,
/// and its parsed error body names <c>bad_request</c> and <c>start_date</c>.
/// </summary>
[Collection(E2ECollection.Name)]
public class DropboxSignSdkTests(ITestOutputHelper output)
{
    private const string Sender = "dana.dropbox@example.com";

    public static string SdkFolder => Path.Combine(RepoPaths.Root, "App.Tests", "Sdk", "dropbox");

    [Fact]
    public async Task Dropbox_sign_node_sdk_creates_a_report_that_arrives_by_mail_as_CSV_and_gets_its_refusal_as_an_HttpError()
    {
        Assert.True(File.Exists(Path.Combine(SdkFolder, "node_modules", "@dropbox", "sign", "package.json")),
            $"@dropbox/sign is not installed: run `npm ci` in {SdkFolder} (.ci/test does).");
        await using var smtp = await SmtpSink.StartAsync();
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Smtp__Host"] = "127.0.0.1", ["Smtp__Port"] = smtp.Port.ToString(), ["Smtp__Security"] = "None",
            ["ESign__PublicBaseUrl"] = "http://127.0.0.1:{port}",
        });
        var key = (await app.RunCommandAsync("apikey", "create", "--email", Sender, "--name", "dropbox-sdk"))
            .Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("esk_"));

        // A request made before the report, through the SignEasy API, so the document_status report has a row to show.
        var run = Guid.NewGuid().ToString("N")[..8];
        var requestName = $"Report contract {run}";
        using (var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) })
        {
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var upload = await api.PostAsync("/v1/files/original/", new MultipartFormDataContent
            {
                { new StringContent(requestName + ".pdf"), "name" },
                { new ByteArrayContent(TestPdf.Pages(1)) { Headers = { ContentType = new("application/pdf") } }, "file", requestName + ".pdf" },
            });
            var fileId = JsonDocument.Parse(await upload.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt32();
            var created = await api.PostAsJsonAsync("/v1/files/pending/fields/", new
            {
                original_file_id = fileId, name = requestName, is_ordered = false,
                recipients = new[] { new { email = "sid.signer@example.com", first_name = "Sid", last_name = "Signer" } },
                fields_payload = new[] { new { email = "sid.signer@example.com", type = "signature", required = true, page_number = 1, x = 72, y = 500, width = 180, height = 48, additional_info = new { } } },
            });
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var (start, end) = (Wire(today.AddDays(-7)), Wire(today));
        var clock = Stopwatch.StartNew();
        var (code, stdout, stderr) = await NodeScript.RunAsync(SdkFolder, "dropbox-sign-sdk-test.mjs", new Dictionary<string, string>
        {
            ["DS_BASE_URL"] = app.BaseUrl, ["DS_KEY"] = key, ["DS_START"] = start, ["DS_END"] = end,
        }, TimeSpan.FromMinutes(2));
        output.WriteLine($"node dropbox-sign-sdk-test.mjs: exit {code} in {clock.Elapsed.TotalSeconds:0.0} s");
        output.WriteLine(stdout);
        if (stderr.Length > 0) output.WriteLine("stderr: " + stderr);
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith('{'));
        Assert.True(line is not null, $"The script printed no JSON (exit {code}).\nstdout: {stdout}\nstderr: {stderr}\nApp log:\n{NodeScript.Tail(app.Log)}");
        using var report = JsonDocument.Parse(line);
        var steps = report.RootElement.GetProperty("steps");

        // 1. The report: the SDK parsed a ReportCreateResponse whose fields are what was sent; no warnings; rate-limit headers.
        var ok = steps.GetProperty("reportApi.reportCreate");
        Assert.True(ok.GetProperty("ok").GetBoolean(), $"{ok}\nApp log:\n{NodeScript.Tail(app.Log)}");
        Assert.Equal(200, ok.GetProperty("status").GetInt32());
        Assert.Equal("Your request is being processed. You will receive an email when the report is ready.", ok.GetProperty("success").GetString());
        Assert.Equal(start, ok.GetProperty("startDate").GetString());
        Assert.Equal(end, ok.GetProperty("endDate").GetString());
        Assert.Equal(["user_activity", "document_status"], ok.GetProperty("reportType").EnumerateArray().Select(t => t.GetString()!).ToArray());
        Assert.Equal(JsonValueKind.Null, ok.GetProperty("warnings").ValueKind);
        Assert.True(int.Parse(ok.GetProperty("rateLimit").GetString()!) > 0, ok.ToString());
        Assert.True(int.Parse(ok.GetProperty("rateRemaining").GetString()!) >= 0, ok.ToString());
        Assert.True(long.Parse(ok.GetProperty("rateReset").GetString()!) > DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), ok.ToString());

        // 2. The refusal: the SDK threw its HttpError with a parsed ErrorResponse naming bad_request and start_date.
        var bad = steps.GetProperty("reportApi.reportCreate (bad start_date)");
        Assert.True(bad.GetProperty("ok").GetBoolean(), bad.ToString());
        Assert.True(bad.GetProperty("threw").GetBoolean());
        Assert.Equal(400, bad.GetProperty("status").GetInt32());
        Assert.True(bad.GetProperty("parsed").GetBoolean(), bad.ToString());
        Assert.Equal("bad_request", bad.GetProperty("errorName").GetString());
        Assert.Equal("start_date", bad.GetProperty("errorPath").GetString());
        Assert.Contains("MM/DD/YYYY", bad.GetProperty("errorMsg").GetString());
        Assert.Equal(0, code);

        // 3. One mail per report type, each with a link that downloads a CSV without a session.
        await Poll.UntilTrueAsync(() => smtp.MessagesTo(Sender).Count(m => ReportLink.IsMatch(m.TextBody ?? "")) >= 2,
            $"two report mails with a download link to {Sender}", 120,
            () => Task.FromResult(string.Join(" | ", smtp.Messages().Select(m => $"{m.To}: {m.Subject}"))));
        var mails = smtp.MessagesTo(Sender).Where(m => ReportLink.IsMatch(m.TextBody ?? "")).ToList();
        Assert.Equal(2, mails.Count);
        using var anonymous = new HttpClient();
        var tables = new List<List<string[]>>();
        foreach (var mail in mails)
        {
            var link = ReportLink.Match(mail.TextBody!).Value;
            var r = await anonymous.GetAsync(link);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.StartsWith("text/csv", r.Content.Headers.ContentType?.ToString());
            using var csv = CsvReader.Create(await r.Content.ReadAsByteArrayAsync(), CsvReaderOptions.Default with { Separator = ',' });
            var rows = new List<string[]>();
            while (csv.Read()) rows.Add(Enumerable.Range(0, csv.Headers.ToArray().Length).Select(i => csv.GetString(i) ?? "").ToArray());
            Assert.True(csv.Headers.ToArray().Length >= 3, $"{mail.Subject}: a header row expected");
            Assert.True(rows.Count >= 1, $"{mail.Subject}: at least one row expected");
            tables.Add(rows);
        }
        // document_status holds the request; user_activity holds the sender.
        Assert.Contains(tables, t => t.Any(row => row.Contains(requestName)));
        Assert.Contains(tables, t => t.Any(row => row.Contains(Sender)));
    }

    private static string Wire(DateOnly d) => d.ToString("MM/dd/yyyy", CultureInfo.InvariantCulture);

    private static readonly Regex ReportLink = new(@"http://127\.0\.0\.1:\d+/[^\s""<>]*report[^\s""<>]*", RegexOptions.IgnoreCase);

}
