using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ESignWeb.Tests.Fixtures;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// Categories end to end in Debian's Chromium against the real app: the sender adds two categories on the prepare page
/// with the keyboard (Enter, then a comma), saves the draft as a template whose editor and use page show them
/// (inherited), sends, sees them on the request page and changes one there (kept after a reload and over the API).
/// </summary>
[Collection(E2ECollection.Name)]
public class CategoryJourneyTests(ITestOutputHelper output)
{
    private const string Sender = "cleo.categories@example.com";

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static ILocator Chips(IPage page, string id) => page.Locator($"#{id} li.category-chip");

    [Fact]
    public async Task Categories_added_with_the_keyboard_on_the_prepare_page_reach_the_template_the_request_page_and_the_API()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["ESign__RequireConfirmedAccount"] = "false" });
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;
        try
        {
            await Steps.RegisterAsync(page, Sender, "Cleo", "Categories");
            await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();

            // A draft to prepare (one signer, one signature field), made over the API.
            var keyOutput = await app.RunCommandAsync("apikey", "create", "--email", Sender, "--name", "categories");
            var key = keyOutput.Split('\n').Select(l => l.Trim()).Last(l => l.StartsWith("esk_", StringComparison.Ordinal));
            using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl), Timeout = TimeSpan.FromMinutes(2) };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var upload = new MultipartFormDataContent
            {
                { new StringContent("Lease.pdf"), "name" },
                { new ByteArrayContent(TestPdf.Pages(1)) { Headers = { ContentType = new("application/pdf") } }, "file", "Lease.pdf" },
            };
            var fileId = (await JsonOf(await api.PostAsync("/v1/files/original/", upload))).GetProperty("id").GetInt32();
            var id = (await JsonOf(await api.PostAsJsonAsync("/v1/files/pending/fields/", new
            {
                original_file_id = fileId, name = "Flat lease", is_ordered = true, is_document_preparation_needed = true,
                recipients = new[] { new { email = "tom.tenant@example.com", first_name = "Tom", last_name = "Tenant" } },
                fields_payload = new[] { new { email = "tom.tenant@example.com", type = "signature", required = true, page_number = 1, x = 72, y = 80, width = 180, height = 48 } },
            }))).GetProperty("pending_file_id").GetInt32();

            // 1. Two categories with the keyboard: Enter adds one, a comma another.
            await page.GotoAsync($"/requests/{id}/prepare");
            await Steps.WaitInteractiveAsync(page);
            var box = page.Locator("#request-categories-text");
            await box.FocusAsync();
            await box.PressSequentiallyAsync("NDA");
            await box.PressAsync("Enter");
            await Assertions.Expect(Chips(page, "request-categories")).ToHaveCountAsync(1);
            await box.PressSequentiallyAsync("Lease,");
            await Assertions.Expect(Chips(page, "request-categories")).ToHaveCountAsync(2);
            await Assertions.Expect(box).ToHaveValueAsync("");
            await Assertions.Expect(page.Locator("#request-categories li[data-category='NDA']")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#request-categories li[data-category='Lease']")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#save-state")).ToContainTextAsync("Draft saved");
            await browser.Shots.TakeAsync("categories-prepare");

            // 2. Saved as a template: the editor shows them, and its use page starts with them (inherited).
            await page.ClickAsync("#save-as-template");
            await page.WaitForURLAsync(new Regex(@"/templates/\d+/edit"));
            var templateId = int.Parse(Regex.Match(page.Url, @"/templates/(\d+)/").Groups[1].Value);
            await Steps.WaitInteractiveAsync(page);
            await Assertions.Expect(Chips(page, "template-categories")).ToHaveCountAsync(2);
            await page.ClickAsync("#template-use");
            await page.WaitForURLAsync(new Regex($@"/templates/{templateId}/use"));
            await Steps.WaitInteractiveAsync(page);
            await Assertions.Expect(page.Locator("#use-categories li[data-category='NDA']")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#use-categories li[data-category='Lease']")).ToBeVisibleAsync();
            await browser.Shots.TakeAsync("categories-template-use");

            // 3. Back on the prepare page: still there; send.
            await page.GotoAsync($"/requests/{id}/prepare");
            await Steps.WaitInteractiveAsync(page);
            await Assertions.Expect(Chips(page, "request-categories")).ToHaveCountAsync(2);
            await page.ClickAsync("#send-button");
            await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();

            // 4. The request page shows them; the owner removes one with the keyboard and adds another.
            await page.GotoAsync($"/requests/{id}");
            await Steps.WaitInteractiveAsync(page);
            await Assertions.Expect(Chips(page, "request-categories")).ToHaveCountAsync(2);
            var remove = page.GetByRole(AriaRole.Button, new() { Name = "Remove category Lease" });
            await remove.FocusAsync();
            await remove.PressAsync("Enter");
            await Assertions.Expect(Chips(page, "request-categories")).ToHaveCountAsync(1);
            var detailBox = page.Locator("#request-categories-text");
            await detailBox.FocusAsync();
            await detailBox.PressSequentiallyAsync("Agreement");
            await detailBox.PressAsync("Enter");
            await Assertions.Expect(page.Locator("#request-categories li[data-category='Agreement']")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#categories-save-state")).ToHaveTextAsync("Categories saved.");

            await page.ReloadAsync();
            await Steps.WaitInteractiveAsync(page);
            await Assertions.Expect(Chips(page, "request-categories")).ToHaveCountAsync(2);
            await Assertions.Expect(page.Locator("#request-categories li[data-category='NDA']")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#request-categories li[data-category='Agreement']")).ToBeVisibleAsync();
            var pending = await JsonOf(await api.GetAsync($"/v1/files/pending/{id}/"));
            Assert.Equal(["NDA", "Agreement"], pending.GetProperty("categories").EnumerateArray().Select(x => x.GetString()));
            Assert.Equal("incomplete", pending.GetProperty("status").GetString());
            await browser.Shots.TakeAsync("categories-request-page");
            await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        }
        catch
        {
            foreach (var id in new[] { "request-categories", "template-categories", "use-categories" })
                if (await page.Locator($"#{id}").CountAsync() > 0) output.WriteLine($"#{id}: " + await page.Locator($"#{id}").InnerHTMLAsync());
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            await browser.Shots.TakeAsync("categories-failure");
            throw;
        }
    }
}
