using System.Net.Http.Headers;
using System.Text.Json;
using ESignWeb.Tests.Fixtures;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// Embedded sending and self-signing (POST /v2/signing/url/) in real Chromium, inside an iframe on an allowed origin with
/// no sign-in cookie: the prepare page comes with the recipients and message filled in, the sender places a field and
/// sends; the self-signing page signs and seals. Each time the host page hears the outcome and the frame is redirected.
/// </summary>
[Collection(E2ECollection.Name)]
public class EmbeddedSendingJourneyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task An_integrator_sends_and_self_signs_through_embedded_urls()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["ESign__RequireConfirmedAccount"] = "false" });
        await using var host = await EmbedHost.StartAsync();
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;
        try
        {
            await Steps.RegisterAsync(page, "sal@example.com", "Sal", "Sender");
            await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();
            await page.GotoAsync("/settings");
            await Steps.WaitInteractiveAsync(page);
            await page.FillAsync("#embed-origin", host.Origin);
            await page.ClickAsync("#embed-origin-add");
            await Assertions.Expect(page.Locator("#embed-origin-list")).ToContainTextAsync(host.Origin);
            await page.FillAsync("#apikey-name", "crm");
            await page.ClickAsync("#apikey-create");
            var key = (await page.Locator("#apikey-value").InnerTextAsync()).Trim();

            using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var upload = new MultipartFormDataContent
            {
                { new StringContent("Offer.pdf"), "name" },
                { new ByteArrayContent(TestPdf.Pages(1)) { Headers = { ContentType = new("application/pdf") } }, "file", "Offer.pdf" },
            };
            var fileId = (await Json(await api.PostAsync("/v1/files/original/", upload))).GetProperty("id").GetInt32();

            // Embedded sending: a fresh browser (no cookie), the integrator's page, the prepare page inside it.
            var url = (await Json(await api.PostAsync("/v2/signing/url/", new FormUrlEncodedContent(
            [
                new("file_id", fileId.ToString()), new("type", "rs"), new("message", "Please sign the offer"),
                new("recipients", """[{"email":"olive@example.com","first_name":"Olive","last_name":"Offer"}]"""),
                new("redirect_url", host.Origin + "/done"),
            ])))).GetProperty("url").GetString()!;
            var outsider = await browser.NewContextAsync();
            var hostPage = await outsider.NewPageAsync();
            await hostPage.GotoAsync(host.HostPage(url));
            var frame = hostPage.FrameLocator("#signer");
            await Assertions.Expect(frame.Locator(".signer-row[data-email='olive@example.com']")).ToBeVisibleAsync();
            await Assertions.Expect(frame.Locator("#request-message")).ToHaveValueAsync("Please sign the offer");
            await Assertions.Expect(frame.Locator("#pdf-viewer[data-loaded=true]")).ToBeVisibleAsync();
            var loaded = await EmbeddedSigningJourneyTests.WaitForEventAsync(hostPage, "loaded");
            var requestId = loaded.GetProperty("pending_file_id").GetInt32();
            await frame.Locator(".palette-item[data-palette-type=signature]").ClickAsync();
            await Assertions.Expect(frame.Locator(".field-box")).ToHaveCountAsync(1);
            await frame.Locator("#send-button").ClickAsync();
            var sent = await EmbeddedSigningJourneyTests.WaitForEventAsync(hostPage, "sent");
            Assert.Equal(requestId, sent.GetProperty("pending_file_id").GetInt32());
            await Assertions.Expect(frame.Locator("#done")).ToContainTextAsync($"Request {requestId}");
            var pending = await Json(await api.GetAsync($"/v1/files/pending/{requestId}/"));
            Assert.Equal("incomplete", pending.GetProperty("status").GetString());
            Assert.Equal("olive@example.com", pending.GetProperty("recipients")[0].GetProperty("email").GetString());
            Assert.Equal(1, pending.GetProperty("has_markers").GetInt32());

            // The used link opens nothing more.
            var again = await outsider.NewPageAsync();
            await again.GotoAsync(host.HostPage(url));
            await Assertions.Expect(again.FrameLocator("#signer").Locator("#embed-done")).ToBeVisibleAsync();

            // "…or use templates" (seed): the sender has a template with one role; the embedded page offers it, the link's
            // recipient takes the role, and sending from it posts "sent" with the new request.
            await page.GotoAsync("/templates");
            await Steps.WaitInteractiveAsync(page);
            var templatePdf = Path.Combine(app.DataDir, "Offer template.pdf");
            await File.WriteAllBytesAsync(templatePdf, TestPdf.Pages(1));
            var chooser = await page.RunAndWaitForFileChooserAsync(() => page.ClickAsync("#template-upload"));
            await chooser.SetFilesAsync(templatePdf);
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex(@"/templates/\d+/edit"));
            await Steps.WaitInteractiveAsync(page);
            await Assertions.Expect(page.Locator("#pdf-viewer[data-loaded=true]")).ToBeVisibleAsync();
            var role = page.Locator(".template-role .role-name input").First;
            await role.FillAsync("Candidate");
            await role.PressAsync("Tab");
            await Assertions.Expect(page.Locator(".template-role[data-role-name=Candidate]")).ToBeVisibleAsync();
            await page.Locator(".palette-signers .mud-chip", new() { HasText = "Candidate" }).ClickAsync();
            var target = (await page.Locator(".pdf-page[data-page='1']").BoundingBoxAsync())!;
            await Steps.DragFieldAsync(page, "signature", target.X + target.Width * 0.3, target.Y + target.Height * 0.6);
            await Assertions.Expect(page.Locator(".field-box")).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator("#save-state")).ToContainTextAsync("Saved");

            var templateUrl = (await Json(await api.PostAsync("/v2/signing/url/", new FormUrlEncodedContent(
            [
                new("file_id", fileId.ToString()), new("type", "rs"), new("message", "Offer from the template"),
                new("recipients", """[{"email":"tom@example.com","first_name":"Tom","last_name":"Template"}]"""),
                new("redirect_url", host.Origin + "/done"),
            ])))).GetProperty("url").GetString()!;
            var templatePage = await outsider.NewPageAsync();
            await templatePage.GotoAsync(host.HostPage(templateUrl));
            var templateFrame = templatePage.FrameLocator("#signer");
            await templateFrame.Locator("#embed-source .mud-input-control.mud-select").ClickAsync();
            await templateFrame.GetByRole(AriaRole.Option, new() { Name = "Offer template" }).ClickAsync();
            var candidate = templateFrame.Locator(".use-role[data-role-name=Candidate]");
            await Assertions.Expect(candidate.Locator(".role-email input")).ToHaveValueAsync("tom@example.com");
            await Assertions.Expect(templateFrame.Locator("#use-message")).ToHaveValueAsync("Offer from the template");
            await templateFrame.Locator("#use-send").ClickAsync();
            var fromTemplate = await EmbeddedSigningJourneyTests.WaitForEventAsync(templatePage, "sent");
            var templateRequest = await Json(await api.GetAsync($"/v1/files/pending/{fromTemplate.GetProperty("pending_file_id").GetInt32()}/"));
            Assert.Equal("tom@example.com", templateRequest.GetProperty("recipients")[0].GetProperty("email").GetString());
            Assert.Equal(1, templateRequest.GetProperty("has_markers").GetInt32());
            await Assertions.Expect(templateFrame.Locator("#done")).ToBeVisibleAsync();

            // Embedded self-signing: place a signature, sign, seal.
            var selfUrl = (await Json(await api.PostAsync("/v2/signing/url/", new FormUrlEncodedContent(
                [new("file_id", fileId.ToString()), new("type", "self_sign"), new("redirect_url", host.Origin + "/done")])))).GetProperty("url").GetString()!;
            var selfPage = await outsider.NewPageAsync();
            await selfPage.GotoAsync(host.HostPage(selfUrl));
            var selfFrame = selfPage.FrameLocator("#signer");
            await Assertions.Expect(selfFrame.Locator("#pdf-viewer[data-loaded=true]")).ToBeVisibleAsync();
            await selfFrame.Locator(".palette-item[data-palette-type=signature]").ClickAsync();
            await selfFrame.Locator(".sign-field[data-field-type=signature]").First.ClickAsync();
            await selfFrame.Locator(".signature-mode[data-mode=type]").ClickAsync();
            await Assertions.Expect(selfFrame.Locator("#signature-typed")).ToHaveValueAsync("Sal Sender");
            await selfFrame.Locator("#signature-apply").ClickAsync();
            await selfFrame.Locator("body").EvaluateAsync("() => window.scrollTo(0, 0)"); // back up to the consent box
            await selfFrame.GetByLabel("I agree to use electronic records and signatures for this document.").CheckAsync();
            await selfFrame.Locator("#self-finish").ClickAsync();
            var signed = await EmbeddedSigningJourneyTests.WaitForEventAsync(selfPage, "signed");
            var signedFileId = signed.GetProperty("signed_file_id").GetInt32();
            await Assertions.Expect(selfFrame.Locator("#done")).ToBeVisibleAsync();
            Assert.Contains(selfPage.Frames, f => f.Url == $"{host.Origin}/done?signed_file_id={signedFileId}");
            var pdf = await api.GetByteArrayAsync($"/v1/files/signed/{signedFileId}/download/");
            Assert.Contains("Signature is Valid", await Poppler.PdfSigAsync(pdf));
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            await browser.Shots.TakeAsync("embedded-sending-failure");
            throw;
        }
    }

    private static async Task<JsonElement> Json(HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement;
    }
}
