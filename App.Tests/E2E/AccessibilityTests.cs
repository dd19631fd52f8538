using ESignWeb.Domain;
using System.Text.RegularExpressions;
using ESignWeb.Tests.Fixtures;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// Accessibility, measured (issue 10 §8): axe-core from npm runs on every main screen of the real app in Debian's
/// Chromium — sign-in, dashboard (empty and with requests), templates, documents, prepare, the request page and the
/// signer's page on a 1280×800 desktop and a 390×844 phone (the consent step, the document, the signature dialog
/// open); a second walk covers every other screen (see its test). No screen may have a <c>serious</c> or <c>critical</c>
/// violation, and each has exactly one <c>h1</c>, one <c>main</c> landmark and a title naming it; every violation found
/// is written to the test output, and the failure message lists rule, impact, help and the offending elements.
/// </summary>
[Collection(E2ECollection.Name)]
public class AccessibilityTests(ITestOutputHelper output)
{
    private static readonly ViewportSize Desktop = new() { Width = 1280, Height = 800 };
    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    /// <summary>
    /// What each screen is checked for: axe-core's violations, and what a screen-reader user navigates by — exactly one
    /// <c>h1</c>, exactly one <c>main</c> landmark, and a <c>&lt;title&gt;</c> that names the page (not empty, not only
    /// the product's name).
    /// </summary>
    private sealed class Walk(ITestOutputHelper output)
    {
        public List<Axe.Violation> Found { get; } = [];
        public List<string> Structure { get; } = [];

        public Task CheckAsync(IPage page, string screen) => CheckAsync(page.MainFrame, screen);

        public async Task CheckAsync(IFrame frame, string screen)
        {
            var violations = await Axe.RunAsync(frame, screen);
            Found.AddRange(violations);
            var shape = await frame.EvaluateAsync<System.Text.Json.JsonElement>(@"() => ({
                h1: [...document.querySelectorAll('h1')].map(h => h.textContent.trim()),
                main: document.querySelectorAll('main, [role=main]').length,
                title: document.title.trim(),
            })");
            var h1 = shape.GetProperty("h1").EnumerateArray().Select(h => h.GetString()).ToList();
            var main = shape.GetProperty("main").GetInt32();
            var title = shape.GetProperty("title").GetString() ?? "";
            if (h1.Count != 1)
                Structure.Add($"[{screen}] {h1.Count} h1 elements ({string.Join(" | ", h1)}): a page has exactly one h1, its subject (MudText HtmlTag=\"h1\").");
            if (main != 1)
                Structure.Add($"[{screen}] {main} main landmarks: a page has exactly one <main> (the layout's).");
            if (title.Length == 0 || title == "ESignWeb")
                Structure.Add($"[{screen}] title \"{title}\" does not name the page: set <PageTitle>.");
            output.WriteLine($"{screen}: {violations.Count} axe violation(s); title \"{title}\"; h1 {string.Join(" | ", h1)}");
        }

        public void AssertClean()
        {
            foreach (var v in Found) output.WriteLine(v.ToString());
            foreach (var s in Structure) output.WriteLine(s);
            var serious = Found.Where(v => v.IsSeriousOrCritical).ToList();
            Assert.True(serious.Count == 0 && Structure.Count == 0,
                $"{serious.Count} serious or critical axe violation(s):\n" + string.Join("\n", serious)
                + $"\n{Structure.Count} page(s) without one h1, one main landmark and a title:\n" + string.Join("\n", Structure));
        }

        public void Dump()
        {
            foreach (var v in Found) output.WriteLine(v.ToString());
            foreach (var s in Structure) output.WriteLine(s);
        }
    }

    [Fact]
    public async Task Every_main_screen_has_no_serious_or_critical_axe_violation_on_desktop_and_phone()
    {
        await using var app = await AppProcess.StartAsync();
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;
        await page.SetViewportSizeAsync(Desktop.Width, Desktop.Height);
        var walk = new Walk(output);
        Task CheckAsync(IPage p, string screen) => walk.CheckAsync(p, screen);
        try
        {
            // --- The sender, at 1280×800 ---
            await page.GotoAsync("/Account/Login");
            await Assertions.Expect(page.Locator("#Input\\.Email")).ToBeVisibleAsync();
            await CheckAsync(page, "sign-in");
            var phoneContext = await browser.NewContextAsync(Phone);
            var phoneSignIn = await phoneContext.NewPageAsync();
            await phoneSignIn.GotoAsync("/Account/Login");
            await Assertions.Expect(phoneSignIn.Locator("#Input\\.Email")).ToBeVisibleAsync();
            await CheckAsync(phoneSignIn, "sign-in (phone)");
            await phoneContext.CloseAsync();

            await Steps.RegisterAsync(page, "ada.access@example.com", "Ada", "Access");
            await Assertions.Expect(page.Locator("[data-testid=dashboard-empty]")).ToBeVisibleAsync();
            await Steps.WaitInteractiveAsync(page);
            await CheckAsync(page, "dashboard (empty)");

            await page.GotoAsync("/templates");
            await Assertions.Expect(page.Locator("[data-testid=templates-empty]")).ToBeVisibleAsync();
            await Steps.WaitInteractiveAsync(page);
            await CheckAsync(page, "templates (empty)");

            await page.GotoAsync("/documents");
            await Assertions.Expect(page.Locator("[data-testid=documents-empty]")).ToBeVisibleAsync();
            await Steps.WaitInteractiveAsync(page);
            await CheckAsync(page, "documents (empty)");

            var pdfPath = Path.Combine(app.DataDir, "Access.pdf");
            await File.WriteAllBytesAsync(pdfPath, TestPdf.Pages(2));
            await Steps.UploadAsync(page, pdfPath);
            var row = page.Locator("#documents-table tr", new() { HasText = "Access.pdf" });
            await Assertions.Expect(row).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#upload-button")).ToBeEnabledAsync(); // the upload is over
            await CheckAsync(page, "documents");

            await row.Locator(".request-signatures").ClickAsync();
            await page.WaitForURLAsync(new Regex(@"/requests/\d+/prepare"));
            var requestId = int.Parse(Regex.Match(page.Url, @"/requests/(\d+)/").Groups[1].Value);
            await Steps.WaitInteractiveAsync(page);
            await Assertions.Expect(page.Locator("#pdf-viewer[data-loaded=true]")).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Radio, new() { Name = StatusWords.AllAtOnce }).CheckAsync();
            string[] signers = ["dora.desk@example.com", "pim.phone@example.com"];
            foreach (var email in signers)
            {
                await page.FillAsync("#signer-email", email);
                await page.FillAsync("#signer-first", email[..email.IndexOf('.')]);
                await page.FillAsync("#signer-last", "Tester");
                await page.ClickAsync("#signer-add");
                await Assertions.Expect(page.Locator($".signer-row[data-email='{email}']")).ToBeAttachedAsync();
            }
            var target = page.Locator(".pdf-page[data-page='1']");
            foreach (var (email, i) in signers.Select((e, i) => (e, i)))
            {
                await page.Locator($".palette-signers [data-signer-email='{email}']").ClickAsync();
                foreach (var (type, j) in new[] { "signature", "text" }.Select((t, j) => (t, j)))
                {
                    var box = (await target.BoundingBoxAsync())!;
                    var before = await page.Locator(".field-box").CountAsync();
                    await Steps.DragFieldAsync(page, type, box.X + box.Width * (0.25 + 0.4 * j), box.Y + box.Height * (0.4 + 0.2 * i));
                    await Assertions.Expect(page.Locator(".field-box")).ToHaveCountAsync(before + 1);
                }
            }
            await CheckAsync(page, "prepare (a field selected)");

            await page.ClickAsync("#send-button");
            await Assertions.Expect(page.Locator("#requests-table")).ToBeVisibleAsync();
            await Steps.WaitInteractiveAsync(page);
            await CheckAsync(page, "dashboard (with requests)");

            await page.GotoAsync($"/requests/{requestId}");
            await Assertions.Expect(page.Locator("#request-status")).ToBeVisibleAsync();
            await Steps.WaitInteractiveAsync(page);
            await CheckAsync(page, "request page");

            // --- The signers: one at a desktop, one on a phone, each from their own invitation ---
            foreach (var (email, viewport, device) in new[] { (signers[0], Desktop, "desktop"), (signers[1], Phone, "phone") })
            {
                var link = await OutboxFolder.SigningLinkAsync(app.DataDir, email);
                var context = await browser.NewContextAsync(viewport);
                var signer = await context.NewPageAsync();
                await signer.GotoAsync(link);
                await Steps.WaitInteractiveAsync(signer);
                await Assertions.Expect(signer.Locator("#consent-continue")).ToBeVisibleAsync();
                await CheckAsync(signer, $"signer's page, consent ({device})");

                await SigningJourneyTests.ConsentAsync(signer);
                await CheckAsync(signer, $"signer's page ({device})");

                // Keyboard: the page puts focus on the first field, and the focus is visible (a solid outline).
                var focus = await Poll.UntilAsync(() => signer.EvaluateAsync<string?>(@"() => {
                    const a = document.activeElement;
                    if (!a || !a.matches('.sign-field')) return null;
                    const s = getComputedStyle(a);
                    return s.outlineStyle + ' ' + s.outlineWidth;
                }"), 10);
                Assert.Matches(@"^solid [2-9](\.\d+)?px$", focus);

                await signer.Locator(".sign-field[data-field-type=signature]").First.ClickAsync();
                await signer.Locator("#signature-pad[data-ready=true]").WaitForAsync();
                await CheckAsync(signer, $"signer's page, signature dialog ({device})");
                await browser.Shots.TakeAsync($"a11y-signature-dialog-{device}", signer);
            }
        }
        catch
        {
            walk.Dump();
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            await browser.Shots.TakeAsync("a11y-failure");
            throw;
        }
        walk.AssertClean();
    }

    /// <summary>
    /// The rest of the app in one process, at 1280×800: register and forgot password (signed out); the template editor and
    /// use page; self-signing (placing, then done) and signed files; Settings (a new API key, an allowed origin);
    /// Webhooks; the Outbox with a message open; every Account/Manage page; and the embedded signing page inside an
    /// integrator's iframe (consent and the document).
    /// </summary>
    [Fact]
    public async Task Every_other_screen_has_no_serious_or_critical_axe_violation_one_h1_one_main_and_a_title()
    {
        await using var app = await AppProcess.StartAsync();
        await using var host = await EmbedHost.StartAsync();
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;
        await page.SetViewportSizeAsync(Desktop.Width, Desktop.Height);
        var walk = new Walk(output);
        try
        {
            // --- Signed out ---
            await page.GotoAsync("/Account/Register");
            await Assertions.Expect(page.Locator("#Input\\.ConfirmPassword")).ToBeVisibleAsync();
            await walk.CheckAsync(page, "register");
            await page.GotoAsync("/Account/ForgotPassword");
            await Assertions.Expect(page.Locator("#Input\\.Email")).ToBeVisibleAsync();
            await walk.CheckAsync(page, "forgot password");
            await page.FillAsync("#Input\\.Email", "nobody@example.com");
            await page.ClickAsync("button[type=submit]");
            await page.WaitForURLAsync(new Regex("/Account/ForgotPasswordConfirmation"));
            await walk.CheckAsync(page, "forgot password, mail sent");

            // --- The sender (the first account: the administrator) ---
            await Steps.RegisterAsync(page, "ada.more@example.com", "Ada", "More");
            await Assertions.Expect(page.Locator("[data-testid=dashboard-empty]")).ToBeVisibleAsync();
            await page.GotoAsync("/documents");
            await Steps.WaitInteractiveAsync(page);
            var pdfPath = Path.Combine(app.DataDir, "Walk.pdf");
            await File.WriteAllBytesAsync(pdfPath, TestPdf.Pages(2));
            await Steps.UploadAsync(page, pdfPath);
            var row = page.Locator("#documents-table tr", new() { HasText = "Walk.pdf" });
            await Assertions.Expect(row).ToBeVisibleAsync();

            // Self-signing: a signature placed, then signed and sealed; the signed files list.
            await row.Locator(".self-sign").ClickAsync();
            await page.WaitForURLAsync(new Regex(@"/documents/\d+/self-sign"));
            await Steps.WaitInteractiveAsync(page);
            await Assertions.Expect(page.Locator("#pdf-viewer[data-loaded=true]")).ToBeVisibleAsync();
            await page.Locator(".palette-item[data-palette-type=signature]").ClickAsync();
            await Assertions.Expect(page.Locator(".sign-field[data-field-type=signature]")).ToHaveCountAsync(1);
            await walk.CheckAsync(page, "self-sign (a field placed)");
            await page.Locator(".sign-field[data-field-type=signature]").ClickAsync();
            await page.Locator(".signature-mode[data-mode=type]").ClickAsync();
            await Assertions.Expect(page.Locator("#signature-typed")).Not.ToHaveValueAsync("");
            await page.Locator("#signature-apply").ClickAsync();
            await page.GetByLabel("I agree to use electronic records and signatures for this document.").CheckAsync();
            await page.ClickAsync("#self-finish");
            await Assertions.Expect(page.Locator("#self-sign-done")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await walk.CheckAsync(page, "self-sign (done)");
            await page.GotoAsync("/signed");
            await Steps.WaitInteractiveAsync(page);
            await Assertions.Expect(page.Locator("#signed-table tbody tr", new() { HasText = "Walk" })).ToBeVisibleAsync();
            await walk.CheckAsync(page, "signed files");

            // A template from an uploaded PDF: the editor with a field placed, then the use page; sent from there.
            await page.GotoAsync("/templates");
            await Steps.WaitInteractiveAsync(page);
            var chooser = await page.RunAndWaitForFileChooserAsync(() => page.ClickAsync("#template-upload"));
            await chooser.SetFilesAsync(pdfPath);
            await page.WaitForURLAsync(new Regex(@"/templates/\d+/edit"));
            await Steps.WaitInteractiveAsync(page);
            await Assertions.Expect(page.Locator("#pdf-viewer[data-loaded=true]")).ToBeVisibleAsync();
            var target = page.Locator(".pdf-page[data-page='1']");
            var box = (await target.BoundingBoxAsync())!;
            await Steps.DragFieldAsync(page, "signature", box.X + box.Width * 0.3, box.Y + box.Height * 0.6);
            await Assertions.Expect(page.Locator(".field-box")).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator("#save-state")).ToContainTextAsync("Saved");
            await walk.CheckAsync(page, "template editor (a field selected)");
            await page.ClickAsync("#template-use");
            await page.WaitForURLAsync(new Regex(@"/templates/\d+/use"));
            await Steps.WaitInteractiveAsync(page);
            var role = page.Locator(".use-role").First;
            await role.Locator(".role-email input").FillAsync("rita.role@example.com");
            await role.Locator(".role-first input").FillAsync("Rita");
            await role.Locator(".role-last input").FillAsync("Role");
            await walk.CheckAsync(page, "template use");
            await page.ClickAsync("#use-send");
            await Assertions.Expect(page.Locator("#requests-table")).ToBeVisibleAsync();

            // Settings: an API key just made (its value shown once) and an allowed origin for embedded pages.
            await page.GotoAsync("/settings");
            await Steps.WaitInteractiveAsync(page);
            await page.FillAsync("#embed-origin", host.Origin);
            await page.ClickAsync("#embed-origin-add");
            await Assertions.Expect(page.Locator("#embed-origin-list")).ToContainTextAsync(host.Origin);
            await page.FillAsync("#apikey-name", "walk");
            await page.ClickAsync("#apikey-create");
            var key = (await page.Locator("#apikey-value").InnerTextAsync()).Trim();
            await walk.CheckAsync(page, "settings (a new key)");

            // Webhooks with one URL; the outbox with the invitation open.
            await page.GotoAsync("/webhooks");
            await Steps.WaitInteractiveAsync(page);
            await page.FillAsync("#callback-url", "https://hooks.example.com/esign");
            await page.ClickAsync("#callback-add");
            await Assertions.Expect(page.Locator("#callback-table")).ToContainTextAsync("hooks.example.com/esign");
            await walk.CheckAsync(page, "webhooks");
            await page.GotoAsync("/reports");
            await Steps.WaitInteractiveAsync(page);
            await Assertions.Expect(page.Locator("[data-testid=report-figures]")).ToBeVisibleAsync();
            await walk.CheckAsync(page, "reports (the administrator's figures)");
            await page.GotoAsync("/outbox");
            await Poll.UntilAsync(async () =>
            {
                await page.ReloadAsync();
                await Assertions.Expect(page.Locator("#outbox-table")).ToBeVisibleAsync();
                return await page.Locator("#outbox-table [data-state=written]").CountAsync() > 0 ? "written" : null;
            }, seconds: 30);
            await Steps.WaitInteractiveAsync(page);
            await page.Locator("#outbox-table tr", new() { Has = page.Locator("[data-state=written]") }).First
                .GetByRole(AriaRole.Button, new() { Name = "View" }).ClickAsync();
            await Assertions.Expect(page.Locator("#outbox-message")).ToBeVisibleAsync();
            await walk.CheckAsync(page, "outbox (a message open)");

            // The account pages (static forms).
            foreach (var (path, screen) in new[]
            {
                ("/Account/Manage", "account: profile"), ("/Account/Manage/Email", "account: e-mail"),
                ("/Account/Manage/ChangePassword", "account: password"),
                ("/Account/Manage/TwoFactorAuthentication", "account: two-factor"),
                ("/Account/Manage/EnableAuthenticator", "account: authenticator app"),
                ("/Account/Manage/Passkeys", "account: passkeys"), ("/Account/Manage/PersonalData", "account: personal data"),
                ("/Account/Manage/DeletePersonalData", "account: delete personal data"),
            })
            {
                var response = await page.GotoAsync(path);
                Assert.True(response is { Ok: true }, $"{path}: {response?.Status}");
                await Assertions.Expect(page.Locator(".mud-navmenu")).ToBeVisibleAsync();
                await walk.CheckAsync(page, screen);
            }

            // --- The embedded signing page, inside the integrator's iframe ---
            using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
            api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            var upload = new MultipartFormDataContent
            {
                { new StringContent("Embedded.pdf"), "name" },
                { new ByteArrayContent(TestPdf.Pages(1)) { Headers = { ContentType = new("application/pdf") } }, "file", "Embedded.pdf" },
            };
            var fileId = (await JsonOf(await api.PostAsync("/v1/files/original/", upload))).GetProperty("id").GetInt32();
            var created = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(api, "/v1/files/pending/fields/", new
            {
                original_file_id = fileId, name = "Embedded contract", is_ordered = true, embedded_signing = true,
                recipients = new[] { new { email = "emma.embed@example.com", first_name = "Emma", last_name = "Embed" } },
                fields_payload = new[] { new { email = "emma.embed@example.com", type = "signature", required = true, page_number = 1, x = 72, y = 600, width = 180, height = 48, additional_info = new { } } },
            });
            var pendingId = (await JsonOf(created)).GetProperty("pending_file_id").GetInt32();
            var url = (await JsonOf(await api.PostAsync($"/v1/files/pending/{pendingId}/signing/url/",
                new FormUrlEncodedContent([new("recipient_email", "emma.embed@example.com"), new("redirect_url", host.Origin + "/done")]))))
                .GetProperty("url").GetString()!;
            var context = await browser.NewContextAsync(Desktop);
            var hostPage = await context.NewPageAsync();
            await hostPage.GotoAsync(host.HostPage(url));
            var frameLocator = hostPage.FrameLocator("#signer");
            await Assertions.Expect(frameLocator.Locator("#consent-continue")).ToBeVisibleAsync();
            var frame = hostPage.Frames.Single(f => f.Url.Contains("/embed/sign/"));
            await walk.CheckAsync(frame, "embedded signing, consent");
            await frameLocator.Locator("#consent").GetByRole(AriaRole.Checkbox).CheckAsync();
            await frameLocator.Locator("#consent-continue").ClickAsync();
            await Assertions.Expect(frameLocator.Locator("#pdf-viewer[data-loaded=true]")).ToBeVisibleAsync();
            await walk.CheckAsync(frame, "embedded signing");
        }
        catch
        {
            walk.Dump();
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            await browser.Shots.TakeAsync("a11y-more-failure");
            throw;
        }
        walk.AssertClean();
    }

    private static async Task<System.Text.Json.JsonElement> JsonOf(HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, text);
        return System.Text.Json.JsonDocument.Parse(text).RootElement;
    }
}
