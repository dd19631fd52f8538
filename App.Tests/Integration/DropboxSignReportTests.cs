using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ESignWeb.Api.DropboxSign;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// <c>POST /v3/report/create</c> (issue 13) over plain HTTP: the seed's answer for JSON (what <c>@dropbox/sign</c> sends)
/// and both form encodings, warnings, every rule's refusal with its <c>error_path</c>, hostile bodies, 401s, rate-limit
/// headers and the family's 404 for anything else under <c>/v3</c>.
/// </summary>
public class DropboxSignReportTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public DropboxSignReportTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);
    private static string Wire(DateOnly d) => d.ToString("MM/dd/yyyy", CultureInfo.InvariantCulture);

    private async Task<HttpClient> ClientAsync() => (await OwnerClientAsync()).Client;

    private async Task<(HttpClient Client, string Owner)> OwnerClientAsync()
    {
        var owner = await _app.CreateUserAsync($"ds-{Guid.NewGuid():N}@example.com", "Dee", "Ess");
        return ((await _app.ApiClientAsync(owner)).Client, owner);
    }

    /// <summary>The report jobs queued for an account (done or not), by their payload.</summary>
    private async Task<List<string>> ReportJobsAsync(string owner)
    {
        await using var db = await _app.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<ESignWeb.Data.AppDbContext>>().CreateDbContextAsync();
        return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            db.Outbox.Where(m => m.OwnerId == owner && m.Kind == ESignWeb.Outbox.OutboxKinds.ReportBuild).OrderBy(m => m.Id).Select(m => m.Payload));
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static Task<HttpResponseMessage> CreateAsync(HttpClient c, HttpContent body) => c.PostAsync("/v3/report/create", body);

    /// <summary>Dropbox Sign's error object: error_msg, error_name and (when the refusal names an input) error_path.</summary>
    internal static async Task AssertErrorAsync(HttpResponseMessage r, HttpStatusCode status, string name, string? path)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(status == r.StatusCode, $"{(int)r.StatusCode}: {text}");
        Assert.StartsWith("application/json", r.Content.Headers.ContentType?.ToString());
        var e = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.Equal(name, e.GetProperty("error_name").GetString());
        Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("error_msg").GetString()));
        if (path is null) Assert.False(e.TryGetProperty("error_path", out _), text);
        else Assert.Equal(path, e.GetProperty("error_path").GetString());
    }

    /// <summary>The seed's answer: the success sentence, the dates and types as judged, warnings only when there are any.</summary>
    private static async Task<JsonElement> AssertReportAsync(HttpResponseMessage r, string start, string end, string[] types, bool warnings = false)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.OK, $"{(int)r.StatusCode}: {text}");
        var root = JsonDocument.Parse(text).RootElement;
        var report = root.GetProperty("report");
        Assert.Equal("Your request is being processed. You will receive an email when the report is ready.", report.GetProperty("success").GetString());
        Assert.Equal(start, report.GetProperty("start_date").GetString());
        Assert.Equal(end, report.GetProperty("end_date").GetString());
        Assert.Equal(types, report.GetProperty("report_type").EnumerateArray().Select(t => t.GetString()!).ToArray());
        Assert.Equal(warnings, root.TryGetProperty("warnings", out _));
        return root;
    }

    [Fact]
    public async Task Json_as_the_SDK_sends_it_gets_the_seed_answer_with_rate_limit_headers()
    {
        var c = await ClientAsync();
        var (start, end) = (Wire(Today.AddDays(-30)), Wire(Today));
        var r = await CreateAsync(c, Json($$"""{"start_date":"{{start}}","end_date":"{{end}}","report_type":["user_activity","document_status"]}"""));
        await AssertReportAsync(r, start, end, ["user_activity", "document_status"]);
        Assert.True(int.Parse(r.Headers.GetValues("X-RateLimit-Limit").Single()) > 0);
        var remaining = int.Parse(r.Headers.GetValues("X-RateLimit-Remaining").Single());
        Assert.True(remaining >= 0);
        var reset = long.Parse(r.Headers.GetValues("X-RateLimit-Reset").Single());
        Assert.InRange(reset, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 5, DateTimeOffset.UtcNow.AddHours(25).ToUnixTimeSeconds());

        // A single string is taken as one type; the next call has one fewer remaining.
        var again = await CreateAsync(c, Json($$"""{"start_date":"{{start}}","end_date":"{{end}}","report_type":"document_status"}"""));
        await AssertReportAsync(again, start, end, ["document_status"]);
        Assert.Equal(remaining - 1, int.Parse(again.Headers.GetValues("X-RateLimit-Remaining").Single()));
    }

    [Fact]
    public async Task An_accepted_request_queues_one_report_job_per_type_for_the_caller_and_a_refused_one_none()
    {
        var (c, owner) = await OwnerClientAsync();
        var (start, end) = (Wire(Today.AddDays(-10)), Wire(Today.AddDays(-1)));
        await AssertErrorAsync(await CreateAsync(c, Json($$"""{"start_date":"{{end}}","end_date":"{{start}}","report_type":["user_activity"]}""")),
            HttpStatusCode.BadRequest, "bad_request", "end_date");
        Assert.Empty(await ReportJobsAsync(owner));
        await AssertReportAsync(await CreateAsync(c, Json($$"""{"start_date":"{{start}}","end_date":"{{end}}","report_type":["document_status","user_activity","document_status"]}""")),
            start, end, ["document_status", "user_activity"], warnings: true);
        var jobs = await ReportJobsAsync(owner);
        Assert.Equal(2, jobs.Count);
        Assert.Contains("document_status", jobs[0]);
        Assert.Contains("user_activity", jobs[1]);
        Assert.All(jobs, j => Assert.Contains(start, j.Replace("\\u002F", "/")));
    }

    [Fact]
    public async Task Form_fields_urlencoded_and_multipart_with_brackets_indexes_and_plain_names()
    {
        var c = await ClientAsync();
        var (start, end) = (Wire(Today.AddMonths(-2)), Wire(Today.AddDays(-1)));
        // The seed's curl: -F 'report_type[]=…' (multipart).
        var multipart = new MultipartFormDataContent
        {
            { new StringContent(start), "start_date" }, { new StringContent(end), "end_date" },
            { new StringContent("user_activity"), "report_type[]" }, { new StringContent("document_status"), "report_type[]" },
        };
        await AssertReportAsync(await CreateAsync(c, multipart), start, end, ["user_activity", "document_status"]);

        FormUrlEncodedContent Form(params (string, string)[] fields) =>
            new(fields.Select(f => KeyValuePair.Create(f.Item1, f.Item2)));
        await AssertReportAsync(await CreateAsync(c, Form(("start_date", start), ("end_date", end), ("report_type[]", "document_status"))),
            start, end, ["document_status"]);
        // report_type[N] in N's order, whatever the order on the wire.
        await AssertReportAsync(await CreateAsync(c, Form(("start_date", start), ("end_date", end),
            ("report_type[1]", "user_activity"), ("report_type[0]", "document_status"))), start, end, ["document_status", "user_activity"]);
        // Plain name, repeated or comma-separated.
        await AssertReportAsync(await CreateAsync(c, Form(("start_date", start), ("end_date", end), ("report_type", "user_activity"), ("report_type", "document_status"))),
            start, end, ["user_activity", "document_status"]);
        await AssertReportAsync(await CreateAsync(c, Form(("start_date", start), ("end_date", end), ("report_type", "user_activity,document_status"))),
            start, end, ["user_activity", "document_status"]);
    }

    [Fact]
    public async Task A_type_given_twice_and_an_end_date_after_today_are_warnings_not_refusals()
    {
        var c = await ClientAsync();
        var (start, end) = (Wire(Today.AddDays(-3)), Wire(Today.AddDays(3)));
        var r = await CreateAsync(c, Json($$"""{"start_date":"{{start}}","end_date":"{{end}}","report_type":["user_activity","user_activity"]}"""));
        var root = await AssertReportAsync(r, start, end, ["user_activity"], warnings: true);
        var names = root.GetProperty("warnings").EnumerateArray().Select(w =>
        {
            Assert.False(string.IsNullOrWhiteSpace(w.GetProperty("warning_msg").GetString()));
            return w.GetProperty("warning_name").GetString();
        }).ToArray();
        Assert.Equal([ReportEndpoints.DuplicateTypeWarning, ReportEndpoints.FutureEndDateWarning], names);
    }

    public static TheoryData<string, string, string, string> Rules()
    {
        var today = Today;
        return new()
        {
            // start, end, types (JSON array body), the error_path
            { "2020-09-01", Wire(today), "\"user_activity\"", "start_date" },
            { "9/1/2020x", Wire(today), "\"user_activity\"", "start_date" },
            { Wire(today), "13/01/2020", "\"user_activity\"", "end_date" },
            { Wire(today), "02/30/2024", "\"user_activity\"", "end_date" },
            { "", Wire(today), "\"user_activity\"", "start_date" },
            { Wire(today), "", "\"user_activity\"", "end_date" },
            { Wire(today), Wire(today.AddDays(-1)), "\"user_activity\"", "end_date" }, // end before start
            { Wire(today.AddMonths(-12)), Wire(today), "\"user_activity\"", "end_date" }, // more than 12 months
            { Wire(today.AddYears(-10).AddDays(-1)), Wire(today.AddYears(-10).AddDays(5)), "\"user_activity\"", "start_date" }, // > 10 years back
            { Wire(today), Wire(today), "\"sms_activity\"", "report_type" }, // in the SDK's enum, not a report ESignWeb makes
            { Wire(today), Wire(today), "\"nonsense\"", "report_type" },
            { Wire(today), Wire(today), "", "report_type" }, // none
        };
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public async Task Every_rule_is_a_bad_request_naming_its_input(string start, string end, string types, string path)
    {
        var c = await ClientAsync();
        var r = await CreateAsync(c, Json($$"""{"start_date":"{{start}}","end_date":"{{end}}","report_type":[{{types}}]}"""));
        await AssertErrorAsync(r, HttpStatusCode.BadRequest, "bad_request", path);
    }

    [Fact]
    public async Task The_longest_ranges_the_rules_allow_are_accepted()
    {
        var c = await ClientAsync();
        var (start, end) = (Wire(Today.AddMonths(-12).AddDays(1)), Wire(Today));
        await AssertReportAsync(await CreateAsync(c, Json($$"""{"start_date":"{{start}}","end_date":"{{end}}","report_type":["user_activity"]}""")),
            start, end, ["user_activity"]);
        var tenYears = Wire(Today.AddYears(-10));
        await AssertReportAsync(await CreateAsync(c, Json($$"""{"start_date":"{{tenYears}}","end_date":"{{tenYears}}","report_type":["user_activity"]}""")),
            tenYears, tenYears, ["user_activity"]);
    }

    public static TheoryData<string, string, string?> HostileJson() => new()
    {
        // body (application/json), error_path (null: about the body as a whole)
        { "not json at all", "bad_request", null },
        { "", "bad_request", null },
        { "[1,2,3]", "bad_request", null },
        { "\"just a string\"", "bad_request", null },
        { """{"start_date":20200901,"end_date":"09/01/2020","report_type":["user_activity"]}""", "bad_request", "start_date" },
        { """{"start_date":"09/01/2020","end_date":{"m":9},"report_type":["user_activity"]}""", "bad_request", "end_date" },
        { """{"start_date":"09/01/2020","end_date":"09/01/2020","report_type":{"a":"user_activity"}}""", "bad_request", "report_type" },
        { """{"start_date":"09/01/2020","end_date":"09/01/2020","report_type":[1]}""", "bad_request", "report_type" },
        { """{"start_date":"09/01/2020","end_date":"09/01/2020","report_type":[["user_activity"]]}""", "bad_request", "report_type" },
        { """{"start_date":"09/01/2020","end_date":"09/01/2020","report_type":true}""", "bad_request", "report_type" },
        { "{\"start_date\":\"09/01/2020\",\"end_date\":\"09/01/2020\",\"report_type\":[" + string.Join(",", Enumerable.Repeat("\"user_activity\"", 5000)) + "]}", "bad_request", "report_type" },
        { "{\"start_date\":\"" + new string('9', 20000) + "\",\"end_date\":\"09/01/2020\",\"report_type\":[\"user_activity\"]}", "bad_request", "start_date" },
        { new string('[', 5000) + new string(']', 5000), "bad_request", null },
    };

    [Theory]
    [MemberData(nameof(HostileJson))]
    public async Task Hostile_JSON_is_a_Dropbox_error_never_a_500(string body, string name, string? path)
    {
        var c = await ClientAsync();
        await AssertErrorAsync(await CreateAsync(c, Json(body)), HttpStatusCode.BadRequest, name, path);
    }

    [Fact]
    public async Task Other_hostile_bodies_are_Dropbox_errors_never_500s()
    {
        var c = await ClientAsync();
        var ok = Wire(Today);
        // Wrong content type, none at all.
        await AssertErrorAsync(await CreateAsync(c, new StringContent($"start_date={ok}", Encoding.UTF8, "text/plain")), HttpStatusCode.BadRequest, "bad_request", null);
        var bare = new ByteArrayContent("{}"u8.ToArray());
        await AssertErrorAsync(await CreateAsync(c, bare), HttpStatusCode.BadRequest, "bad_request", null);
        await AssertErrorAsync(await c.PostAsync("/v3/report/create", null), HttpStatusCode.BadRequest, "bad_request", null);
        // A date twice in a form, too many types in a form, a broken multipart body.
        var twice = new FormUrlEncodedContent([new("start_date", ok), new("start_date", ok), new("end_date", ok), new("report_type[]", "user_activity")]);
        await AssertErrorAsync(await CreateAsync(c, twice), HttpStatusCode.BadRequest, "bad_request", "start_date");
        var many = new FormUrlEncodedContent(new[] { KeyValuePair.Create("start_date", ok), KeyValuePair.Create("end_date", ok) }
            .Concat(Enumerable.Range(0, 200).Select(i => KeyValuePair.Create($"report_type[{i}]", "user_activity"))));
        await AssertErrorAsync(await CreateAsync(c, many), HttpStatusCode.BadRequest, "bad_request", "report_type");
        var broken = new StringContent("--xyz\r\nContent-Disposition: form-data; name=\"start_date\"\r\n\r\n09/01", Encoding.UTF8);
        broken.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");
        var brokenAnswer = await CreateAsync(c, broken);
        Assert.InRange((int)brokenAnswer.StatusCode, 400, 499);
        Assert.True((await JsonAsync(brokenAnswer)).TryGetProperty("error", out _));
        // A body over the JSON limit: 413 in Dropbox's shape.
        var huge = Json("{\"start_date\":\"" + new string('x', 2 * 1024 * 1024) + "\"}");
        await AssertErrorAsync(await CreateAsync(c, huge), HttpStatusCode.RequestEntityTooLarge, "bad_request", null);
    }

    [Fact]
    public async Task Without_a_key_or_with_a_wrong_one_it_is_Dropbox_401_and_Basic_key_as_user_works()
    {
        var body = $$"""{"start_date":"{{Wire(Today)}}","end_date":"{{Wire(Today)}}","report_type":["user_activity"]}""";
        var anonymous = _app.CreateClient();
        await AssertErrorAsync(await CreateAsync(anonymous, Json(body)), HttpStatusCode.Unauthorized, "unauthorized", null);
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "esk_not-a-real-key");
        await AssertErrorAsync(await CreateAsync(anonymous, Json(body)), HttpStatusCode.Unauthorized, "unauthorized", null);
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("esk_not-a-real-key:"u8.ToArray()));
        await AssertErrorAsync(await CreateAsync(anonymous, Json(body)), HttpStatusCode.Unauthorized, "unauthorized", null);

        var owner = await _app.CreateUserAsync($"ds-{Guid.NewGuid():N}@example.com");
        var (_, key) = await _app.ApiClientAsync(owner);
        var basic = _app.CreateClient();
        basic.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":")));
        await AssertReportAsync(await CreateAsync(basic, Json(body)), Wire(Today), Wire(Today), ["user_activity"]);
    }

    [Fact]
    public async Task Anything_else_under_v3_is_a_Dropbox_404_not_a_page()
    {
        var c = await ClientAsync();
        await AssertErrorAsync(await c.GetAsync("/v3/signature_request/list"), HttpStatusCode.NotFound, "not_found", null);
        await AssertErrorAsync(await c.PostAsync("/v3/report/nothing", Json("{}")), HttpStatusCode.NotFound, "not_found", null);
        await AssertErrorAsync(await c.GetAsync("/v3"), HttpStatusCode.NotFound, "not_found", null);
    }

    [Fact]
    public void Every_domain_refusal_has_a_Dropbox_status_and_name()
    {
        foreach (var code in ESignWeb.Api.ApiErrorCodes.All)
        {
            var (status, name) = DropboxSignErrors.Of(code);
            Assert.InRange(status, 400, 499);
            Assert.Matches("^[a-z_]+$", name);
        }
        Assert.Equal((401, "unauthorized"), DropboxSignErrors.Of(ESignWeb.Api.ApiErrorCode.InvalidToken));
    }
}
