using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using ESignWeb.Domain;
using ESignWeb.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// Issue 11 on the sender's screens, in Debian's Chromium against the real app: prepare a request in groups 1, 1, 2
/// with an approver and a copy reader, red ink, a password, an expiry of 5 days and a redirect (a refused expiry
/// shows the rule's message first); send; the request page shows the options in words and the API's pending file
/// has the groups.
/// </summary>
[Collection(E2ECollection.Name)]
public class RequestOptionsJourneyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Prepare_with_groups_roles_ink_password_expiry_and_redirect_then_the_request_page_and_the_API_show_them()
    {
        await using var app = await AppProcess.StartAsync();
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;
        try
        {
            await Steps.RegisterAsync(page, "sam.sender@example.com", "Sam", "Sender");
            await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();

            var pdfPath = Path.Combine(app.DataDir, "Contract.pdf");
            await File.WriteAllBytesAsync(pdfPath, TestPdf.Pages(1));
            await page.GotoAsync("/documents");
            await Steps.WaitInteractiveAsync(page);
            await Steps.UploadAsync(page, pdfPath);
            var row = page.Locator("#documents-table tr", new() { HasText = "Contract.pdf" });
            await row.Locator(".request-signatures").ClickAsync();
            await page.WaitForURLAsync(new Regex(@"/requests/\d+/prepare"));
            await Steps.WaitInteractiveAsync(page);
            var requestId = int.Parse(Regex.Match(page.Url, @"/requests/(\d+)/").Groups[1].Value);
            await Assertions.Expect(page.Locator("#pdf-viewer[data-loaded=true]")).ToBeVisibleAsync();

            const string ann = "ann@example.com", ben = "ben@example.com", amy = "amy.approver@example.com", carl = "carl.copy@example.com";
            await AddSignerAsync(page, ann, "Ann", "One");
            await AddSignerAsync(page, ben, "Ben", "Two");
            await AddSignerAsync(page, amy, "Amy", "Approver");
            await AddSignerAsync(page, carl, "Carl", "Copy");

            // In groups: everyone gets their own group (1..4); then Ben joins Ann's group and Carl Amy's: 1, 1, 2, 2.
            await page.GetByRole(AriaRole.Radio, new() { Name = OptionWords.InGroups }).CheckAsync();
            await Assertions.Expect(page.Locator(".signer-group")).ToHaveCountAsync(4);
            await SetGroupAsync(page, ben, 1);
            await SetGroupAsync(page, amy, 2);
            await SetGroupAsync(page, carl, 2);

            // Roles: Amy approves, Carl receives a copy.
            await SetRoleAsync(page, amy, OptionWords.Of(RecipientRole.Approver));
            await SetRoleAsync(page, carl, OptionWords.Of(RecipientRole.FinalCopyReader));
            await Assertions.Expect(Row(page, amy).Locator(".signer-options-summary")).ToHaveTextAsync("Approves");
            await Assertions.Expect(Row(page, carl).Locator(".signer-options-summary")).ToHaveTextAsync("Receives a copy");

            // The palette says why Amy gets no fields.
            await page.Locator($".palette-signers [data-signer-email='{amy}']").ClickAsync();
            await Assertions.Expect(page.Locator(".palette-no-fields")).ToHaveTextAsync(OptionWords.NoFields(RecipientRole.Approver)!);
            await Assertions.Expect(page.Locator(".palette-item[data-palette-type=signature]")).ToBeDisabledAsync();

            // A signature field each for Ann and Ben (pressed: added in the middle of page 1).
            foreach (var email in new[] { ann, ben })
            {
                await page.Locator($".palette-signers [data-signer-email='{email}']").ClickAsync();
                var before = await page.Locator(".field-box").CountAsync();
                await page.Locator(".palette-item[data-palette-type=signature]").ClickAsync();
                await Assertions.Expect(page.Locator(".field-box")).ToHaveCountAsync(before + 1);
            }

            // Ann must give a password (write-only).
            await Row(page, ann).Locator(".signer-options-toggle").ClickAsync();
            await Row(page, ann).Locator(".password-add").ClickAsync();
            await Row(page, ann).Locator(".password-input input").FillAsync("open sesame");
            await Row(page, ann).Locator(".password-set").ClickAsync();
            await Assertions.Expect(Row(page, ann).Locator(".password-state")).ToHaveTextAsync("Password set");

            // More options: red ink, 5 days (after a refused 800), a redirect.
            await page.ClickAsync("#options-toggle");
            await page.GetByRole(AriaRole.Radio, new() { Name = OptionWords.Of(SignatureColor.Red) }).CheckAsync();
            await page.FillAsync("#option-days-valid", "800");
            await page.PressAsync("#option-days-valid", "Tab");
            await Assertions.Expect(page.Locator("#option-days-valid-error")).ToHaveTextAsync("days_valid must be between 0 and 730 (it is 800).");
            await page.FillAsync("#option-days-valid", "5");
            await page.PressAsync("#option-days-valid", "Tab");
            await Assertions.Expect(page.Locator("#option-days-valid-error")).ToHaveCountAsync(0);
            await page.FillAsync("#option-redirect", "https://example.com/thanks");
            await page.PressAsync("#option-redirect", "Tab");
            await Assertions.Expect(page.Locator("#save-state")).ToContainTextAsync("Draft saved");

            // Stored as chosen before sending.
            await Poll.UntilAsync(() => Task.FromResult(Stored(app.DatabasePath, requestId) is { Color: 2, Days: 5 } s ? s : null));

            await page.ClickAsync("#send-button");
            await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();

            // The request page says them in words.
            await page.GotoAsync($"/requests/{requestId}");
            await Steps.WaitInteractiveAsync(page);
            var options = page.Locator("#request-options");
            await Assertions.Expect(options.Locator("[data-option='Expiry']")).ToContainTextAsync("Expires on");
            await Assertions.Expect(options.Locator("[data-option='Signature colour']")).ToContainTextAsync("Red");
            await Assertions.Expect(options.Locator("[data-option='After signing']")).ToContainTextAsync("Goes to https://example.com/thanks");
            await Assertions.Expect(page.Locator(".signing-order")).ToHaveTextAsync(OptionWords.InGroups);
            await Assertions.Expect(Line(page, ann).Locator(".recipient-options")).ToHaveTextAsync("Group 1 · password");
            await Assertions.Expect(Line(page, ben).Locator(".recipient-options")).ToHaveTextAsync("Group 1");
            await Assertions.Expect(Line(page, amy).Locator(".recipient-options")).ToHaveTextAsync("Approves · Group 2");
            // A final-copy reader takes no part: listed once, under "Receives a copy", not among those who sign.
            await Assertions.Expect(Line(page, carl)).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("#receives-copy")).ToContainTextAsync("Carl Copy <carl.copy@example.com>");
            var stored = Stored(app.DatabasePath, requestId)!;
            var expiresAt = new DateTimeOffset(stored.AutoExpireAt!.Value, TimeSpan.Zero);
            Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromDays(5) - TimeSpan.FromMinutes(5), TimeSpan.FromDays(5));

            // The API's pending file has the groups and the status.
            await page.GotoAsync("/settings");
            await Steps.WaitInteractiveAsync(page);
            await page.FillAsync("#apikey-name", "check");
            await page.ClickAsync("#apikey-create");
            var key = (await page.Locator("#apikey-value").InnerTextAsync()).Trim();
            using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var json = JsonDocument.Parse(await api.GetStringAsync($"/v1/files/pending/{requestId}"));
            var pending = json.RootElement;
            Assert.Equal("incomplete", pending.GetProperty("status").GetString());
            var orders = pending.GetProperty("recipients").EnumerateArray()
                .ToDictionary(r => r.GetProperty("email").GetString()!, r => r.GetProperty("order_id").GetInt32());
            Assert.Equal(new Dictionary<string, int> { [ann] = 1, [ben] = 1, [amy] = 2, [carl] = 2 }, orders);
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            await browser.Shots.TakeAsync("failure");
            throw;
        }
    }

    internal static ILocator Row(IPage page, string email) => page.Locator($".signer-row[data-email='{email}']");

    private static ILocator Line(IPage page, string email) => page.Locator($".recipient-line[data-email='{email}']");

    private static async Task AddSignerAsync(IPage page, string email, string first, string last)
    {
        await page.FillAsync("#signer-email", email);
        await page.FillAsync("#signer-first", first);
        await page.FillAsync("#signer-last", last);
        await page.ClickAsync("#signer-add");
        await Assertions.Expect(Row(page, email)).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#signer-email")).ToHaveValueAsync("");
    }

    internal static async Task SetGroupAsync(IPage page, string email, int group)
    {
        var input = Row(page, email).Locator(".signer-group input");
        await input.FillAsync(group.ToString());
        await input.PressAsync("Tab");
        await Assertions.Expect(input).ToHaveValueAsync(group.ToString());
    }

    internal static async Task SetRoleAsync(IPage page, string email, string words)
    {
        await Row(page, email).Locator(".signer-options-toggle").ClickAsync();
        await Row(page, email).Locator(".signer-role").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = words }).ClickAsync();
    }

    private sealed record StoredOptions(int? Color, int? Days, long? AutoExpireAt);

    private static StoredOptions? Stored(string dbPath, int requestId)
    {
        using var c = new SqliteConnection($"Data Source={dbPath};Mode=ReadOnly");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT SignatureColor, DaysValid, AutoExpireAt FROM Requests WHERE Id = $id";
        cmd.Parameters.AddWithValue("$id", requestId);
        using var reader = cmd.ExecuteReader();
        if (!reader.Read()) return null;
        return new StoredOptions(reader.IsDBNull(0) ? null : reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetInt32(1),
            reader.IsDBNull(2) ? null : reader.GetInt64(2));
    }
}
