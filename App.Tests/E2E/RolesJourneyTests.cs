using System.Text.RegularExpressions;
using ESignWeb.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using MimeKit;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// Roles and order groups in Debian's Chromium against the real app with a real SMTP sink: groups 1, 1, 2 with an
/// in-person signer hosted by the sender and an approver, down to the sealed PDF's certificate page.
/// </summary>
[Collection(E2ECollection.Name)]
public class RolesJourneyTests
{
    private const string Sender = "sara.sender@example.com";

    [Fact]
    public async Task Sender_hosts_an_in_person_signer_and_an_approver_approves_in_groups_1_1_2()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Smtp__Host"] = "127.0.0.1", ["Smtp__Port"] = smtp.Port.ToString(), ["Smtp__Security"] = "None",
            ["ESign__RequireConfirmedAccount"] = "false",
        });
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;

        var requestId = await SigningJourneyTests.PrepareAsync(page, app, TestPdf.Pages(1), ordered: true,
            ("ann@example.com", "Ann", "Able", ["signature"]),
            ("ivy@example.com", "Ivy", "Inperson", ["signature"]),
            ("apu@example.com", "Apu", "Approver", []));
        // The prepare page's role and in-person controls belong to another part of this issue: the draft's rows get
        // them here, once the editor has saved everything and the page has been left.
        await Poll.UntilAsync(() => Task.FromResult(Count(app.DatabasePath, requestId) == (3, 2) ? "saved" : null), 30);
        await page.GotoAsync($"/requests/{requestId}");
        await Steps.WaitInteractiveAsync(page);
        Execute(app.DatabasePath, requestId,
            "UPDATE Recipients SET OrderId = CASE Email WHEN 'apu@example.com' THEN 2 ELSE 1 END, " +
            "Role = CASE Email WHEN 'apu@example.com' THEN 1 ELSE 0 END, IsInPerson = (Email = 'ivy@example.com') WHERE RequestId = $id",
            "UPDATE Requests SET IsOrdered = 1 WHERE Id = $id");
        await page.GotoAsync($"/requests/{requestId}/prepare");
        await Steps.WaitInteractiveAsync(page);
        await Assertions.Expect(page.Locator("#pdf-viewer[data-loaded=true]")).ToBeVisibleAsync();
        await page.ClickAsync("#send-button");
        await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();

        // The request page shows the groups, whose turn it is (the whole first group) and the in-person button.
        await page.GotoAsync($"/requests/{requestId}");
        await Steps.WaitInteractiveAsync(page);
        await Assertions.Expect(page.Locator("#order-groups")).ToHaveTextAsync("1 · Ann Able, Ivy Inperson — 2 · Apu Approver");
        await Assertions.Expect(page.Locator("#waiting-for")).ToHaveTextAsync("Ann Able and Ivy Inperson's turn");
        var ivyId = RecipientId(app.DatabasePath, requestId, "ivy@example.com");
        var inPerson = page.Locator($"#sign-in-person-{ivyId}");
        await Assertions.Expect(inPerson).ToHaveTextAsync("Sign in person");

        // Another user cannot open the in-person page.
        var strangerContext = await browser.NewContextAsync();
        var stranger = await strangerContext.NewPageAsync();
        await Steps.RegisterAsync(stranger, "stan.stranger@example.com", "Stan", "Stranger");
        await Assertions.Expect(stranger.GetByText("Signature requests")).ToBeVisibleAsync();
        // (With the stranger's cookies; Chromium shows an empty 404 as an error page, so ask over the context's API.)
        var refused = await strangerContext.APIRequest.GetAsync($"/requests/{requestId}/in-person/{ivyId}", new() { MaxRedirects = 0 });
        Assert.Equal(404, refused.Status);

        // The sender hosts Ivy: the button opens her page in the sender's session; she signs there.
        await inPerson.ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/sign/emb_[A-Za-z0-9_-]{43}$"));
        var inPersonUrl = page.Url;
        await Steps.WaitInteractiveAsync(page);
        await SigningJourneyTests.ConsentAsync(page);
        await SigningJourneyTests.FillSignatureAsync(page, draw: true);
        await page.ClickAsync("#finish-button");
        await Assertions.Expect(page.Locator("#sign-status")).ToHaveAttributeAsync("data-state", "AlreadySigned");
        // Her page, opened in someone else's session, only says it is hosted by the sender.
        await stranger.GotoAsync(inPersonUrl);
        await Steps.WaitInteractiveAsync(stranger);
        await Assertions.Expect(stranger.Locator("#sign-status")).ToHaveAttributeAsync("data-state", "InPersonOnly");

        // Ann signs from her mail; only then is the approver (group 2) asked.
        Assert.Empty(smtp.MessagesTo("apu@example.com"));
        var ann = await SigningJourneyTests.OpenLinkFromMailAsync(browser, smtp, "ann@example.com");
        await SigningJourneyTests.ConsentAsync(ann);
        await SigningJourneyTests.FillSignatureAsync(ann, draw: false);
        await ann.ClickAsync("#finish-button");
        await Assertions.Expect(ann.Locator("#sign-status")).ToHaveAttributeAsync("data-state", "AlreadySigned");

        // The approver sees the whole document with Approve and Decline, and approves.
        var apu = await SigningJourneyTests.OpenLinkFromMailAsync(browser, smtp, "apu@example.com");
        await Assertions.Expect(apu.Locator("#consent h1")).ToContainTextAsync("asks you to review and approve"); // RoleWords, never "to sign"
        await Assertions.Expect(apu).ToHaveTitleAsync("Approve · ESignWeb");
        await SigningJourneyTests.ConsentAsync(apu);
        await Assertions.Expect(apu.Locator("#approval-bar")).ToBeVisibleAsync();
        await Assertions.Expect(apu.Locator("#finish-button")).ToHaveCountAsync(0);
        await Assertions.Expect(apu.Locator("#decline-button")).ToBeVisibleAsync();
        await apu.ClickAsync("#approve-button");
        await Assertions.Expect(apu.Locator("#sign-status")).ToHaveAttributeAsync("data-state", "AlreadySigned");
        await Assertions.Expect(apu.Locator("#sign-status h1")).ToHaveTextAsync("Thank you: you have approved");

        // The sealed PDF's certificate page says who approved and who signed in person, hosted by whom.
        var done = await smtp.WaitForMessageToAsync(Sender, m => (m.Subject ?? "").StartsWith("Completed"), 90);
        var sealedPdf = done.Attachments.OfType<MimePart>().Where(a => !(a.FileName ?? "").Contains("audit trail")).Select(SigningJourneyTests.Bytes).Single();
        var certificate = Regex.Replace(await SigningJourneyTests.PdfTextAsync(sealedPdf), @"\s+", " ");
        Assert.Matches(@"Approved by Apu Approver at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", certificate);
        Assert.Contains($"Signed in person, hosted by {Sender}", certificate);
        Assert.Empty(smtp.MessagesTo("ivy@example.com")); // in person: no mail at all

        await page.GotoAsync($"/requests/{requestId}");
        await Steps.WaitInteractiveAsync(page);
        await Assertions.Expect(page.Locator("#request-status")).ToContainTextAsync("Completed");
        await Assertions.Expect(page.Locator("#timeline [data-event=approved]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#timeline [data-event=in_person]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".recipient-line[data-email='apu@example.com'] .status-chip")).ToHaveTextAsync("Approved");
    }

    private static (long Recipients, long Fields) Count(string db, int requestId)
    {
        using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT (SELECT COUNT(*) FROM Recipients WHERE RequestId = $id), (SELECT COUNT(*) FROM Fields WHERE RequestId = $id)";
        cmd.Parameters.AddWithValue("$id", requestId);
        using var r = cmd.ExecuteReader();
        r.Read();
        return (r.GetInt64(0), r.GetInt64(1));
    }

    private static int RecipientId(string db, int requestId, string email)
    {
        using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT Id FROM Recipients WHERE RequestId = $id AND Email = $email";
        cmd.Parameters.AddWithValue("$id", requestId);
        cmd.Parameters.AddWithValue("$email", email);
        return Convert.ToInt32(cmd.ExecuteScalar());
    }

    private static void Execute(string db, int requestId, params string[] statements)
    {
        using var c = new SqliteConnection($"Data Source={db}");
        c.Open();
        foreach (var sql in statements)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            cmd.Parameters.AddWithValue("$id", requestId);
            Assert.True(cmd.ExecuteNonQuery() > 0, sql);
        }
    }
}
