using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ESignWeb.Tests.Fixtures;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// Embedded signing in real Chromium: an integrator's page on another loopback origin (on the sender's allow-list)
/// frames the signing URL; the signer signs inside the iframe; the host page hears "loaded" and "signed"; the frame goes
/// to the redirect URL with pending_file_id; the sealed PDF validates with pdfsig. A host not on the list cannot frame it.
/// </summary>
[Collection(E2ECollection.Name)]
public class EmbeddedSigningJourneyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_signer_signs_inside_an_allowed_iframe_and_other_origins_cannot_frame_the_page()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["ESign__RequireConfirmedAccount"] = "false" });
        await using var host = await EmbedHost.StartAsync();
        await using var stranger = await EmbedHost.StartAsync();
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;
        try
        {
            // The sender allows the integrator's origin and makes an API key, in Settings.
            await Steps.RegisterAsync(page, "ida@example.com", "Ida");
            await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();
            await page.GotoAsync("/settings");
            await Steps.WaitInteractiveAsync(page);
            await page.FillAsync("#embed-origin", "http://127.0.0.1:1/path");
            await page.ClickAsync("#embed-origin-add");
            await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("no path");
            await page.FillAsync("#embed-origin", host.Origin);
            await page.ClickAsync("#embed-origin-add");
            await Assertions.Expect(page.Locator("#embed-origin-list")).ToContainTextAsync(host.Origin);
            await page.FillAsync("#apikey-name", "crm");
            await page.ClickAsync("#apikey-create");
            var key = (await page.Locator("#apikey-value").InnerTextAsync()).Trim();

            // The integrator creates an embedded request and asks for the signer's URL.
            using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var upload = new MultipartFormDataContent
            {
                { new StringContent("Embedded.pdf"), "name" },
                { new ByteArrayContent(TestPdf.Pages(1)) { Headers = { ContentType = new("application/pdf") } }, "file", "Embedded.pdf" },
            };
            var fileId = (await Json(await api.PostAsync("/v1/files/original/", upload))).GetProperty("id").GetInt32();
            var created = await api.PostAsJsonAsync("/v1/files/pending/fields/", new
            {
                original_file_id = fileId, name = "Embedded contract", is_ordered = true, embedded_signing = true,
                recipients = new[] { new { email = "frank@example.com", first_name = "Frank", last_name = "Framed" } },
                fields_payload = new[] { new { email = "frank@example.com", type = "signature", required = true, page_number = 1, x = 72, y = 600, width = 180, height = 48, additional_info = new { } } },
            });
            var requestId = (await Json(created)).GetProperty("pending_file_id").GetInt32();
            async Task<string> SigningUrlAsync() => (await Json(await api.PostAsync($"/v1/files/pending/{requestId}/signing/url/",
                new FormUrlEncodedContent([new("recipient_email", "frank@example.com"), new("redirect_url", host.Origin + "/done")])))).GetProperty("url").GetString()!;
            var url = await SigningUrlAsync();
            Assert.StartsWith(app.BaseUrl + "/embed/sign/emb_", url);

            // The signer, in their own browser, on the integrator's page.
            var signerContext = await browser.NewContextAsync();
            var hostPage = await signerContext.NewPageAsync();
            await hostPage.GotoAsync(host.HostPage(url));
            var frame = hostPage.FrameLocator("#signer");
            await Assertions.Expect(frame.Locator("#consent")).ToBeVisibleAsync();
            Assert.Equal(0, await frame.Locator(".mud-appbar").CountAsync()); // no app chrome inside the frame
            await WaitForEventAsync(hostPage, "loaded", requestId);
            await frame.GetByRole(AriaRole.Checkbox, new() { Name = "I agree to use electronic records and signatures." }).CheckAsync();
            await frame.Locator("#consent-continue").ClickAsync();
            await Assertions.Expect(frame.Locator("#pdf-viewer[data-loaded=true]")).ToBeVisibleAsync();
            await frame.Locator(".sign-field[data-field-type=signature]").First.ClickAsync();
            await frame.Locator(".signature-mode[data-mode=type]").ClickAsync();
            await Assertions.Expect(frame.Locator("#signature-typed")).Not.ToHaveValueAsync("");
            await frame.Locator("#signature-apply").ClickAsync();
            await Assertions.Expect(frame.Locator(".sign-field[data-field-type=signature] img").First).ToBeVisibleAsync();
            await frame.Locator("#finish-button").ClickAsync();

            var signed = await WaitForEventAsync(hostPage, "signed", requestId);
            Assert.Equal(app.BaseUrl, signed.GetProperty("origin").GetString());
            await Assertions.Expect(frame.Locator("#done")).ToContainTextAsync($"Request {requestId}");
            Assert.Contains(hostPage.Frames, f => f.Url == $"{host.Origin}/done?pending_file_id={requestId}");

            // Sealed: the signed PDF from the API validates.
            var signedFileId = await Poll.UntilAsync<int?>(async () =>
            {
                var list = await Json(await api.GetAsync("/v1/files/signed/"));
                return list.GetProperty("count").GetInt32() > 0 ? list.GetProperty("files")[0].GetProperty("id").GetInt32() : null;
            }, seconds: 30);
            var pdf = await api.GetByteArrayAsync($"/v1/files/signed/{signedFileId}/download/");
            Assert.Contains("Signature is Valid", await Poppler.PdfSigAsync(pdf));

            // Another site cannot frame a signing page: the browser refuses, nothing loads, nothing is posted.
            var second = await api.PostAsJsonAsync("/v1/files/pending/fields/", new
            {
                original_file_id = fileId, name = "Second", is_ordered = true, embedded_signing = true,
                recipients = new[] { new { email = "frank@example.com", first_name = "Frank", last_name = "Framed" } },
                fields_payload = new[] { new { email = "frank@example.com", type = "signature", required = true, page_number = 1, x = 72, y = 600, width = 180, height = 48, additional_info = new { } } },
            });
            requestId = (await Json(second)).GetProperty("pending_file_id").GetInt32();
            var strangerPage = await signerContext.NewPageAsync();
            await strangerPage.GotoAsync(stranger.HostPage(await SigningUrlAsync()));
            // Wait for the refusal itself: Chromium replaces a frame it may not show with its error page.
            await Poll.UntilTrueAsync(() => strangerPage.Frames.Any(f => f != strangerPage.MainFrame && f.Url.StartsWith("chrome-error://")),
                "the browser refused to show the signing page in the stranger's frame", 30);
            Assert.Equal(0, await strangerPage.FrameLocator("#signer").Locator("#consent").CountAsync());
            Assert.Equal(0, await strangerPage.EvaluateAsync<int>("window.esignEvents.length"));
            await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            await browser.Shots.TakeAsync("embedded-failure");
            throw;
        }
    }

    private static async Task<JsonElement> Json(HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement;
    }

    private static async Task<JsonElement> WaitForEventAsync(IPage hostPage, string type, int requestId)
    {
        var e = await WaitForEventAsync(hostPage, type);
        Assert.Equal(requestId, e.GetProperty("pending_file_id").GetInt32());
        return e;
    }

    /// <summary>The first message of that type the host page heard from the frame (waits up to 15 s).</summary>
    internal static async Task<JsonElement> WaitForEventAsync(IPage hostPage, string type)
    {
        JsonElement? heard = null;
        await Poll.UntilTrueAsync(async () =>
        {
            var events = JsonDocument.Parse(await hostPage.EvaluateAsync<string>("JSON.stringify(window.esignEvents)")).RootElement;
            heard = events.EnumerateArray().Where(e => e.GetProperty("event").GetString() == type).Select(e => (JsonElement?)e.Clone()).FirstOrDefault();
            return heard is not null;
        }, $"the host page heard \"{type}\"", 15);
        return heard!.Value;
    }
}
