using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ESignWeb.Tests.Fixtures;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// The webhook set-up a sender does in the browser, against the real app process and a real receiver on loopback:
/// add a callback URL, read the secret, watch a delivery fail then succeed, look at its payload, redeliver it,
/// rotate the secret.
/// </summary>
[Collection(E2ECollection.Name)]
public class WebhooksPageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_sender_adds_a_url_sees_deliveries_and_redelivers_one_signed_with_the_shown_secret()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["ESign__RequireConfirmedAccount"] = "false",
            ["Webhooks__AllowPrivateNetworks"] = "true",
        });
        await using var receiver = await WebhookReceiver.StartAsync(500);
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;
        try
        {
            await Steps.RegisterAsync(page, "wendy@example.com", "Wendy");
            await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();

            // Callback URLs: a bad one is refused with the reason, the receiver's is listed.
            await page.GotoAsync("/webhooks");
            await Steps.WaitInteractiveAsync(page);
            await Assertions.Expect(page.Locator("#callback-table")).ToContainTextAsync("No callback URLs yet");
            await page.FillAsync("#callback-url", "ftp://files.example.com/hook");
            await page.ClickAsync("#callback-add");
            await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("not an http or https URL");
            await page.FillAsync("#callback-url", receiver.Url);
            await page.ClickAsync("#callback-add");
            await Assertions.Expect(page.Locator("#callback-table")).ToContainTextAsync(receiver.Url);

            // Settings: the secret, and an API key to cause an event with.
            await page.GotoAsync("/settings");
            await Steps.WaitInteractiveAsync(page);
            await Assertions.Expect(page.Locator("#webhook-secret")).Not.ToContainTextAsync("whsec_");
            await page.ClickAsync("#webhook-secret-show");
            await Assertions.Expect(page.Locator("#webhook-secret")).ToContainTextAsync("whsec_");
            var secret = (await page.Locator("#webhook-secret").InnerTextAsync()).Trim();
            await page.FillAsync("#apikey-name", "webhook test");
            await page.ClickAsync("#apikey-create");
            var key = (await page.Locator("#apikey-value").InnerTextAsync()).Trim();

            using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var form = new MultipartFormDataContent
            {
                { new StringContent("Hook.pdf"), "name" },
                { new ByteArrayContent(TestPdf.Pages(1)) { Headers = { ContentType = new("application/pdf") } }, "file", "Hook.pdf" },
            };
            var original = JsonDocument.Parse(await (await api.PostAsync("/v1/files/original/", form)).Content.ReadAsStringAsync()).RootElement;
            var created = await api.PostAsJsonAsync("/v1/files/pending/", new
            {
                original_file_id = original.GetProperty("id").GetInt32(), name = "Hooked",
                recipients = new[] { new { email = "signer@example.com", first_name = "Sig", last_name = "Ner" } },
            });
            created.EnsureSuccessStatusCode();

            // The receiver answers 500, then 200: two attempts of one event, both signed with the shown secret.
            var got = await receiver.WaitForAsync(2, seconds: 40);
            Assert.Equal(got[0].Header("X-ESign-Event-Id"), got[1].Header("X-ESign-Event-Id"));
            foreach (var w in got) Assert.Equal(Signature(secret, w), w.Header("X-ESign-Signature"));

            await page.GotoAsync("/webhooks");
            await Steps.WaitInteractiveAsync(page);
            var row = page.Locator("#delivery-table tbody tr", new() { HasText = "rs.initiated" });
            await Assertions.Expect(row).ToContainTextAsync("delivered");
            await Assertions.Expect(row.Locator("td[data-label='Attempts']")).ToHaveTextAsync("2");
            await Assertions.Expect(row.Locator("td[data-label='Last status']")).ToHaveTextAsync("200");
            await row.GetByRole(AriaRole.Button, new() { Name = "Payload" }).ClickAsync();
            await Assertions.Expect(page.Locator("#delivery-body")).ToContainTextAsync("\"event_type\": \"rs.initiated\"");
            await Assertions.Expect(page.Locator("#delivery-body")).ToContainTextAsync("\"name\": \"Hooked\"");

            // Rotate the secret, then redeliver: the same event, signed with the new secret.
            await page.GotoAsync("/settings");
            await Steps.WaitInteractiveAsync(page);
            await page.ClickAsync("#webhook-secret-rotate");
            await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Rotate" }).ClickAsync();
            await Assertions.Expect(page.Locator("#webhook-secret")).ToContainTextAsync("whsec_");
            var rotated = (await page.Locator("#webhook-secret").InnerTextAsync()).Trim();
            Assert.NotEqual(secret, rotated);

            await page.GotoAsync("/webhooks");
            await Steps.WaitInteractiveAsync(page);
            await page.Locator("#delivery-table tbody tr", new() { HasText = "rs.initiated" }).Locator(".redeliver").ClickAsync();
            var again = await receiver.WaitForAsync(3);
            Assert.Equal(got[0].Header("X-ESign-Event-Id"), again[2].Header("X-ESign-Event-Id"));
            Assert.Equal(Signature(rotated, again[2]), again[2].Header("X-ESign-Signature"));
            await page.ClickAsync("#deliveries-refresh");
            await Assertions.Expect(page.Locator("#delivery-table tbody tr", new() { HasText = "rs.initiated" }).Locator("td[data-label='Attempts']"))
                .ToHaveTextAsync("3");
            await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            await browser.Shots.TakeAsync("webhooks-failure");
            throw;
        }
    }

    private static string Signature(string secret, ReceivedWebhook w) =>
        "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret),
            Encoding.UTF8.GetBytes(w.Header("X-ESign-Timestamp") + "." + w.Body)));
}
