using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ESignWeb.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// kill -9 while seals run: the real app (its own process, real SMTP sink, real webhook receiver) gets several
/// requests over the API, every signer signs in Chromium from the mailed link, and the process is killed with SIGKILL
/// while a seal is held between its stored PDF and its commit (<c>ESign:Testing:SealDelayMilliseconds</c>), after at
/// least one other seal committed. Started again on the same data directory and port, every request completes within
/// seconds, and each has exactly one signed file, one <c>completed</c> event, one <c>rs.completed</c> delivery and one
/// completion mail per person.
/// </summary>
[Collection(E2ECollection.Name)]
public class KillRecoveryTests(ITestOutputHelper output)
{
    private const int RequestCount = 4;
    private const string Sender = "kim.sender@example.com";
    private static string Signer(int i) => $"signer{i}@example.com";
    private static string RequestName(int i) => $"Kill test {i}";

    [Fact]
    public async Task Seals_interrupted_by_kill_9_complete_exactly_once_within_seconds_after_a_restart()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var first = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Smtp__Host"] = "127.0.0.1", ["Smtp__Port"] = smtp.Port.ToString(), ["Smtp__Security"] = "None",
            ["ESign__RequireConfirmedAccount"] = "false", ["Webhooks__AllowPrivateNetworks"] = "true",
            ["ESign__Testing__SealDelayMilliseconds"] = "3000", ["Api__RateLimitPerMinute"] = "100000", // the test polls
        });
        AppProcess? second = null;
        BrowserSession? browser = null;
        try
        {
            // The sender's API key (command line, same data directory), a callback URL and the requests.
            var key = (await first.RunCommandAsync("apikey", "create", "--email", Sender)).Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("esk_"));
            using var api = new HttpClient { BaseAddress = new Uri(first.BaseUrl) }; // the same address after the restart
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var register = new HttpRequestMessage(HttpMethod.Post, "/v1/callback/urls/") { Content = new FormUrlEncodedContent([new("urls", receiver.Url)]) };
            register.Headers.Add("X-Client-ID", "kill-test");
            await Json(await api.SendAsync(register));
            var upload = new MultipartFormDataContent
            {
                { new StringContent("Kill.pdf"), "name" },
                { new ByteArrayContent(TestPdf.Pages(1)) { Headers = { ContentType = new("application/pdf") } }, "file", "Kill.pdf" },
            };
            var fileId = (await Json(await api.PostAsync("/v1/files/original/", upload))).GetProperty("id").GetInt32();
            var ids = new List<int>();
            for (var i = 0; i < RequestCount; i++)
            {
                var created = await api.PostAsJsonAsync("/v1/files/pending/fields/", new
                {
                    original_file_id = fileId, name = RequestName(i), is_ordered = true,
                    recipients = new[] { new { email = Signer(i), first_name = "Signer", last_name = $"No{i}" } },
                    fields_payload = new[] { new { email = Signer(i), type = "signature", required = true, page_number = 1, x = 72, y = 600, width = 180, height = 48, additional_info = new { } } },
                });
                ids.Add((await Json(created)).GetProperty("pending_file_id").GetInt32());
            }

            // Every signer signs from the mailed link; all press Finish one right after the other.
            browser = await BrowserSession.OpenAsync(first.BaseUrl);
            var pages = new List<IPage>();
            for (var i = 0; i < RequestCount; i++)
            {
                var page = await SigningJourneyTests.OpenLinkFromMailAsync(browser, smtp, Signer(i));
                await SigningJourneyTests.ConsentAsync(page);
                await SigningJourneyTests.FillSignatureAsync(page, draw: false);
                pages.Add(page);
            }
            foreach (var page in pages) await page.ClickAsync("#finish-button");
            foreach (var page in pages) await Assertions.Expect(page.Locator("#sign-status")).ToHaveAttributeAsync("data-state", "AlreadySigned");

            // Kill -9 while a seal is held before its commit, after at least one committed, with no webhook in flight
            // (a delivery cut off mid-request is retried after a restart: at least once, by design; see docs/security.md).
            var deadline = DateTime.UtcNow.AddSeconds(90);
            int held, sealedBeforeKill;
            while (true)
            {
                var log = first.Log;
                held = Regex.Matches(log, "Testing: holding the seal of request").Count;
                sealedBeforeKill = Regex.Matches(log, @"sealed as signed file \d+").Count;
                if (held >= 2 && held == sealedBeforeKill + 1 && Scalar(first.DatabasePath,
                        "SELECT COUNT(*) FROM Outbox WHERE Kind = 'webhook.deliver' AND DoneAt IS NULL AND Failed = 0") == 0) break;
                Assert.True(sealedBeforeKill < RequestCount, "every seal finished before the kill");
                Assert.True(DateTime.UtcNow < deadline, $"no seal was caught mid-way (held {held}, sealed {sealedBeforeKill}).\n{log}");
                await Task.Delay(50);
            }
            await first.KillAsync();
            var sinceKill = Stopwatch.StartNew();
            output.WriteLine($"Killed with {sealedBeforeKill} of {RequestCount} requests sealed and seal #{held} held before its commit.");

            second = await first.StartAgainAsync(new Dictionary<string, string> { ["ESign__Testing__SealDelayMilliseconds"] = "0" });
            var started = sinceKill.Elapsed;
            deadline = DateTime.UtcNow.AddSeconds(120);
            while (true)
            {
                var statuses = new List<string>();
                foreach (var id in ids)
                    statuses.Add((await Json(await api.GetAsync($"/v1/files/pending/{id}/"))).GetProperty("status").GetString()!);
                if (statuses.All(s => s == "complete")) break;
                Assert.True(DateTime.UtcNow < deadline, $"not complete after the restart: {string.Join(", ", statuses)}\n{second.Log}");
                await Task.Delay(200);
            }
            var recovery = sinceKill.Elapsed;
            output.WriteLine($"Recovery after kill -9: restart took {started.TotalSeconds:0.0} s, all {RequestCount} requests complete {recovery.TotalSeconds:0.0} s after the kill.");
            Assert.True(recovery < TimeSpan.FromSeconds(60), $"recovery took {recovery}");

            // Everything the completions produced is delivered; nothing failed.
            deadline = DateTime.UtcNow.AddSeconds(60);
            while (Scalar(second.DatabasePath, "SELECT COUNT(*) FROM Outbox WHERE DoneAt IS NULL AND Failed = 0") > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "the outbox never drained\n" + second.Log);
                await Task.Delay(100);
            }
            Assert.Equal(0, Scalar(second.DatabasePath, "SELECT COUNT(*) FROM Outbox WHERE Failed = 1"));
            Assert.Equal(RequestCount, Scalar(second.DatabasePath, "SELECT COUNT(*) FROM Outbox WHERE Kind = 'seal.request'"));

            var completedHooks = receiver.Received.Select(w => JsonDocument.Parse(w.Body).RootElement)
                .Where(b => b.GetProperty("metadata").GetProperty("event_type").GetString() == "rs.completed").ToList();
            var senderMails = smtp.MessagesTo(Sender).Where(m => (m.Subject ?? "").StartsWith("Completed")).ToList();
            for (var i = 0; i < RequestCount; i++)
            {
                var id = ids[i];
                Assert.Equal(1, Scalar(second.DatabasePath, $"SELECT COUNT(*) FROM SignedFiles WHERE RequestId = {id}"));
                Assert.Equal(1, Scalar(second.DatabasePath, $"SELECT COUNT(*) FROM AuditEvents WHERE RequestId = {id} AND Type = 'completed'"));
                Assert.Single(completedHooks, b => b.GetProperty("data").GetProperty("id").GetInt32() == id);
                Assert.Single(smtp.MessagesTo(Signer(i)), m => (m.Subject ?? "").StartsWith("Completed"));
                Assert.Single(senderMails, m => m.Subject!.Contains($"\"{RequestName(i)}\""));
            }
            Assert.Equal(RequestCount, completedHooks.Count);
            Assert.Equal(RequestCount, senderMails.Count);

            // The sealed PDFs verify.
            var signedId = (await Json(await api.GetAsync("/v1/files/signed/"))).GetProperty("files")[0].GetProperty("id").GetInt32();
            Assert.Contains("Signature is Valid", await Poppler.PdfSigAsync(await api.GetByteArrayAsync($"/v1/files/signed/{signedId}/download/")));
        }
        catch
        {
            output.WriteLine("First app log:\n" + first.Log);
            if (second is not null) output.WriteLine("Second app log:\n" + second.Log);
            throw;
        }
        finally
        {
            if (browser is not null) await browser.DisposeAsync();
            await first.DisposeAsync();
            if (second is not null) await second.DisposeAsync();
        }
    }

    private static long Scalar(string database, string sql)
    {
        using var c = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return (long)cmd.ExecuteScalar()!;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"{(int)r.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }
}
