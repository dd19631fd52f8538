using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using CsvHelper;
using ESignWeb.Accounts;
using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Outbox;
using ESignWeb.Reports;
using ESignWeb.Requests;
using ESignWeb.Signing;
using ESignWeb.Templates;
using ESignWeb.Tests.E2E;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Reports end to end on the real app: asked for through <see cref="ReportService"/>, built by the app's own outbox
/// processors, mailed to a real SMTP sink, downloaded from the mailed link without cookies, parsed with CsvHelper;
/// the scope rule (administrator: everyone; anyone else: their own account), expiry on a fake clock, formula
/// injection, and the two facts reports need that the app now records (last sign-in, template use).
/// </summary>
[Collection(E2ECollection.Name)]
public class ReportMailTests : IAsyncLifetime
{
    private SmtpSink _smtp = null!;
    private ESignAppFactory _app = null!;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    public async Task InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();
        _app = new ESignAppFactory
        {
            Settings = new() { ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = _smtp.Port.ToString(), ["Smtp:Security"] = "None" },
            TestServices = s => s.AddSingleton<TimeProvider>(_clock),
        };
        _ = _app.Server;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private string Today => ReportRange.Format(DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime));

    private async Task<int> SendAsync(string owner, string ownerEmail, string name, params string[] signers)
    {
        var requests = _app.Get<RequestService>();
        var doc = await _app.Get<DocumentService>().ImportAsync(owner, $"{Guid.NewGuid():N}.pdf", new MemoryStream(TestPdf.Pages(1)), false);
        var id = await requests.CreateDraftAsync(owner, doc.Id, new Actor(ownerEmail));
        var draft = await requests.LoadDraftAsync(owner, id);
        Assert.Null(DraftEditor.SetName(draft, name));
        var y = 700.0;
        foreach (var email in signers)
        {
            Assert.Null(DraftEditor.AddSigner(draft, email, email.Split('@')[0], "Signer"));
            DraftEditor.AddField(draft, FieldType.Signature, draft.Signers[^1].Key, 1, new PdfRect(72, y, 160, 40));
            y -= 60;
        }
        await requests.SaveDraftAsync(owner, draft);
        if (signers.Length > 0) await requests.SendAsync(owner, id, new Actor(ownerEmail));
        return id;
    }

    private async Task SignAsync(int requestId, string email)
    {
        await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var r = await db.Recipients.AsNoTracking().SingleAsync(x => x.RequestId == requestId && x.Email == email);
        var token = _app.Get<RecipientTokens>().TokenFor(r)!;
        var signing = _app.Get<SigningService>();
        var actor = new Actor(null, "127.0.0.1", "test-agent/1.0");
        var session = await signing.OpenAsync(token, actor);
        await signing.ConsentAsync(token, actor);
        foreach (var f in session.MyFields)
            await signing.FillAsync(token, f.Id, new FieldInput(Image: TestImages.SignaturePng(), Source: "draw"));
        await signing.FinishAsync(token, actor);
    }

    private async Task<MimeKit.MimeMessage> ReportMailAsync(string to, string words) =>
        await _smtp.WaitForMessageToAsync(to, m => m.Subject == $"Your {words} report is ready");

    private static string LinkIn(MimeKit.MimeMessage mail)
    {
        var m = Regex.Match(mail.TextBody, @"http://localhost/reports/[A-Za-z0-9_-]+");
        Assert.True(m.Success, mail.TextBody);
        return new Uri(m.Value).PathAndQuery;
    }

    /// <summary>Downloads a link with a fresh client (no cookies, no credentials) and parses the CSV.</summary>
    private async Task<(HttpResponseMessage Response, byte[] Body, List<Dictionary<string, string>> Rows, string[] Header)> DownloadAsync(string path)
    {
        var client = _app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });
        var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.OK) return (response, body, [], []);
        var (rows, header) = Parse(body);
        return (response, body, rows, header);
    }

    private static (List<Dictionary<string, string>>, string[]) Parse(byte[] body)
    {
        using var csv = CsvReader.Create(body, CsvReaderOptions.Default with { Separator = ',' });
        var rows = new List<Dictionary<string, string>>();
        string[] header = [];
        while (csv.Read())
        {
            header = csv.Headers.ToArray();
            var row = new Dictionary<string, string>();
            for (var i = 0; i < header.Length; i++) row[header[i]] = csv.GetString(i) ?? "";
            rows.Add(row);
        }
        if (header.Length == 0) header = csv.Headers.ToArray();
        return (rows, header);
    }

    [Fact]
    public async Task A_member_gets_one_mail_per_type_with_links_that_download_only_their_own_data_without_a_session()
    {
        var adminId = await _app.CreateUserAsync("ada@example.com", "Ada", "Admin");
        await _app.Get<Administrators>().GrantAsync("ada@example.com");
        var bob = await _app.CreateUserAsync("bob@example.com", "Bob", "Member");
        await _app.CreateUserAsync("cy@example.com", "Cy", "Signer");
        var bobs = await SendAsync(bob, "bob@example.com", "Bob's lease", "cy@example.com");
        await SignAsync(bobs, "cy@example.com");
        var adas = await SendAsync(adminId, "ada@example.com", "Ada's contract", "zed@example.com");
        await SendAsync(bob, "bob@example.com", "Bob's draft"); // never sent: not in document_status

        var queued = await _app.Get<ReportService>().RequestAsync(bob, Today, Today, ["user_activity", "document_status"], new Actor("bob@example.com"));
        Assert.Equal([ReportType.UserActivity, ReportType.DocumentStatus], queued);

        var statusMail = await ReportMailAsync("bob@example.com", "document status");
        var activityMail = await ReportMailAsync("bob@example.com", "user activity");
        var (response, body, rows, header) = await DownloadAsync(LinkIn(statusMail));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var day = _clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd");
        Assert.Equal($"attachment; filename=\"document_status_{day}_{day}.csv\"", response.Content.Headers.GetValues("Content-Disposition").Single());
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString());
        Assert.Equal([0xEF, 0xBB, 0xBF], body[..3]); // UTF-8 with BOM (for Excel)
        Assert.Equal(ReportCsv.DocumentStatusColumns, header);
        var row = Assert.Single(rows); // Bob's sent request only: not Ada's, not the draft
        Assert.Equal(bobs.ToString(), row["id"]);
        Assert.Equal("Bob's lease", row["name"]);
        Assert.Equal(("Bob Member", "bob@example.com"), (row["sender_name"], row["sender_email"]));
        Assert.Equal("complete", row["status"]);
        Assert.Equal("cy Signer <cy@example.com>: finalized", row["signers"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", row["created_utc"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", row["completed_utc"]);

        var activity = await DownloadAsync(LinkIn(activityMail));
        Assert.Equal(ReportCsv.UserActivityColumns, activity.Header);
        var me = Assert.Single(activity.Rows); // only Bob's own account
        Assert.Equal(("bob@example.com", "Bob Member", "1", "2"), (me["email"], me["name"], me["requests_sent"], me["documents_uploaded"]));

        // A retried job does not mail again.
        var job = (await JobsAsync(OutboxKinds.ReportBuild)).First();
        var before = _smtp.MessagesTo("bob@example.com").Count;
        var again = await _app.Services.GetServices<IOutboxHandler>().Single(h => h.Kind == OutboxKinds.ReportBuild).HandleAsync(job, default);
        Assert.StartsWith("skipped", again);
        Assert.Equal(before, _smtp.MessagesTo("bob@example.com").Count);

        // The administrator's report covers every account.
        await _app.Get<ReportService>().RequestAsync(adminId, Today, Today, ["document_status", "user_activity"], new Actor("ada@example.com"));
        var all = await DownloadAsync(LinkIn(await ReportMailAsync("ada@example.com", "document status")));
        Assert.Equal([bobs.ToString(), adas.ToString()], all.Rows.Select(r => r["id"])); // creation order, every sender
        var everyone = await DownloadAsync(LinkIn(await ReportMailAsync("ada@example.com", "user activity")));
        Assert.Equal(["ada@example.com", "bob@example.com", "cy@example.com"], everyone.Rows.Select(r => r["email"]));
        Assert.Equal("1", everyone.Rows.Single(r => r["email"] == "cy@example.com")["signatures_completed"]);
        Assert.Equal("0", everyone.Rows.Single(r => r["email"] == "cy@example.com")["requests_sent"]); // idle senders are listed too
    }

    private async Task<List<OutboxMessage>> JobsAsync(string kind)
    {
        await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Outbox.AsNoTracking().Where(m => m.Kind == kind).OrderBy(m => m.Id).ToListAsync();
    }

    [Fact]
    public async Task A_link_expires_after_the_configured_days_and_its_file_is_deleted_and_an_unknown_link_is_404()
    {
        var owner = await _app.CreateUserAsync("eve@example.com", "Eve", "Expiry");
        await _app.Get<ReportService>().RequestAsync(owner, Today, Today, ["document_status"], new Actor("eve@example.com"));
        var link = LinkIn(await ReportMailAsync("eve@example.com", "document status"));
        Assert.Equal(HttpStatusCode.OK, (await DownloadAsync(link)).Response.StatusCode);

        _clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        _app.Get<OutboxSignal>().Notify();
        var gone = await DownloadAsync(link);
        Assert.Equal(HttpStatusCode.Gone, gone.Response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", gone.Response.Content.Headers.ContentType!.ToString());
        Assert.Contains("This report link has expired", Encoding.UTF8.GetString(gone.Body));
        await Poll.UntilTrueAsync(async () =>
        {
            await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            return await db.Set<ReportFile>().AllAsync(f => f.BlobKey == null);
        }, "the expired report's file is deleted");

        var unknown = await DownloadAsync("/reports/" + new string('A', 43));
        Assert.Equal(HttpStatusCode.NotFound, unknown.Response.StatusCode);
        Assert.Contains("This report link is not valid", Encoding.UTF8.GetString(unknown.Body));
    }

    [Fact]
    public async Task An_account_asking_for_more_than_twenty_reports_an_hour_is_refused_until_the_hour_has_passed()
    {
        var owner = await _app.CreateUserAsync("rex@example.com", "Rex", "Repeat");
        var reports = _app.Get<ReportService>();
        var actor = new Actor("rex@example.com");
        for (var i = 0; i < ReportService.BuildsPerWindow / 2; i++)
            await reports.RequestAsync(owner, Today, Today, ["document_status", "user_activity"], actor); // 2 builds each
        var refused = await Assert.ThrowsAsync<AppException>(() => reports.RequestAsync(owner, Today, Today, ["document_status"], actor));
        Assert.Equal(Api.ApiErrorCode.RateLimitExceeded, refused.Code);
        Assert.Contains($"At most {ReportService.BuildsPerWindow} reports an hour", refused.Message);
        Assert.Equal(ReportService.Window, refused.RetryAfter); // all twenty were asked for just now
        Assert.Equal(ReportService.BuildsPerWindow, (await JobsAsync(OutboxKinds.ReportBuild)).Count(m => m.OwnerId == owner)); // nothing queued

        var other = await _app.CreateUserAsync("ria@example.com", "Ria", "Other");
        await reports.RequestAsync(other, Today, Today, ["document_status"], new Actor("ria@example.com")); // per account

        _clock.Advance(ReportService.Window + TimeSpan.FromSeconds(1));
        await reports.RequestAsync(owner, Today, Today, ["document_status"], actor);
    }

    [Fact]
    public async Task Cells_that_a_spreadsheet_would_run_as_formulas_are_written_as_text()
    {
        var owner = await _app.CreateUserAsync("mal@example.com", "=cmd|' /C calc'!A0", "Mallory");
        var id = await SendAsync(owner, "mal@example.com", "=HYPERLINK(\"http://evil.example\",\"Click\")", "tom@example.com");
        var range = ReportRange.Parse(Today, Today, _clock);
        var scope = await _app.Get<ReportScopes>().OfAsync(owner);
        using var statusCsv = new MemoryStream();
        await _app.Get<ReportCsv>().WriteAsync(ReportType.DocumentStatus, scope, range, statusCsv);
        var row = Assert.Single(Parse(statusCsv.ToArray()).Item1);
        Assert.Equal(id.ToString(), row["id"]);
        Assert.Equal("'=HYPERLINK(\"http://evil.example\",\"Click\")", row["name"]);
        Assert.StartsWith("'=cmd", row["sender_name"]);
        using var activityCsv = new MemoryStream();
        await _app.Get<ReportCsv>().WriteAsync(ReportType.UserActivity, scope, range, activityCsv);
        Assert.StartsWith("'=cmd", Assert.Single(Parse(activityCsv.ToArray()).Item1)["name"]);
    }

    [Fact]
    public async Task A_real_sign_in_records_the_last_sign_in_and_an_api_key_call_does_not()
    {
        var id = await _app.CreateUserAsync("lara@example.com", "Lara", "Login");
        using (var scope = _app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<ApplicationUser>>();
            var u = await users.FindByIdAsync(id);
            await users.RemovePasswordAsync(u!);
            await users.AddPasswordAsync(u!, AccountForms.Password);
        }
        async Task<DateTimeOffset?> LastAsync()
        {
            await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            return await db.Users.Where(u => u.Id == id).Select(u => u.LastSignInAt).SingleAsync();
        }
        Assert.Null(await LastAsync());
        var (api, _) = await _app.ApiClientAsync(id);
        Assert.True((await api.GetAsync("/v1/files/pending/")).IsSuccessStatusCode);
        Assert.Null(await LastAsync());

        var browser = _app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var (path, _) = await AccountForms.LogInAsync(browser, "lara@example.com");
        Assert.NotEqual("/Account/Login", path);
        Assert.Equal(_clock.GetUtcNow(), await LastAsync());

        var activity = new MemoryStream();
        var self = await _app.Get<ReportScopes>().OfAsync(id);
        await _app.Get<ReportCsv>().WriteAsync(ReportType.UserActivity, self, ReportRange.Parse(Today, Today, _clock), activity);
        Assert.Equal(ReportCsv.Utc(_clock.GetUtcNow()), Assert.Single(Parse(activity.ToArray()).Item1)["last_sign_in_utc"]);
    }

    [Fact]
    public async Task A_request_made_from_a_template_records_the_template_and_counts_as_template_use()
    {
        var owner = await _app.CreateUserAsync("tia@example.com", "Tia", "Template");
        var doc = await _app.Get<DocumentService>().ImportAsync(owner, "Form.pdf", new MemoryStream(TestPdf.Pages(1)), false);
        var templates = _app.Get<TemplateService>();
        var templateId = await templates.CreateFromDocumentAsync(owner, doc.Id);
        var requestId = await templates.UseAsync(owner, new TemplateUse
        {
            TemplateId = templateId, Name = "From the form", People = [new RolePerson(1, "sig@example.com", "Sig", "Ner")],
        }, new Actor("tia@example.com"));
        var plain = await SendAsync(owner, "tia@example.com", "Not from a template", "sig@example.com");

        await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.Equal(templateId, await db.Requests.Where(r => r.Id == requestId).Select(r => r.TemplateId).SingleAsync());
        Assert.Null(await db.Requests.Where(r => r.Id == plain).Select(r => r.TemplateId).SingleAsync());

        var activity = new MemoryStream();
        var scope = await _app.Get<ReportScopes>().OfAsync(owner);
        await _app.Get<ReportCsv>().WriteAsync(ReportType.UserActivity, scope, ReportRange.Parse(Today, Today, _clock), activity);
        var row = Assert.Single(Parse(activity.ToArray()).Item1);
        Assert.Equal(("1", "2"), (row["templates_used"], row["requests_sent"]));
    }
}
