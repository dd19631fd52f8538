using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Resources;
using System.Text.Json;
using System.Text.RegularExpressions;
using ESignWeb.Localization;
using ESignWeb.Tests.Fixtures;
using Microsoft.Playwright;
using MimeKit;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// Languages, on the real app in Chromium with a real SMTP sink: the sender gives each signer a language in the API
/// create call (an unsupported one is refused in the API's error shape); the invitation arrives in it; the signing
/// page follows the browser's language (en, de, fr, es: every expected text is the resource's); the language menu
/// switches it (a form POST with an antiforgery token, by mouse or keyboard; a GET changes nothing), the choice survives
/// a reload, and the signer's later mail (a reminder) comes in the language they chose. The embedded signing page has
/// the same menu and switches without a cookie.
/// </summary>
[Collection(E2ECollection.Name)]
public class SignerLanguageJourneyTests(ITestOutputHelper output)
{
    private static readonly ResourceManager PageText = new("ESignWeb.Localization.SignerText", typeof(SignerText).Assembly);
    private static readonly ResourceManager MailText = new("ESignWeb.Localization.SignerMailText", typeof(SignerText).Assembly);
    private static readonly (string Locale, string Language)[] Browsers = [("en-US", "en"), ("de-DE", "de"), ("fr-FR", "fr"), ("es-ES", "es")];

    private static string P(string key, string language) => PageText.GetString(key, CultureInfo.GetCultureInfo(language))!;
    private static string M(string key, string language) => MailText.GetString(key, CultureInfo.GetCultureInfo(language))!;

    /// <summary>A subject made from a resource: the sender's name free, the document's name exact.</summary>
    private static Regex Subject(string template, string document) =>
        new("^" + Regex.Escape(template).Replace(@"\{0}", ".+").Replace(@"\{1}", Regex.Escape(document)) + "$");

    [Fact]
    public async Task Invitation_page_switcher_and_later_mail_follow_the_signers_language()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Smtp__Host"] = "127.0.0.1", ["Smtp__Port"] = smtp.Port.ToString(), ["Smtp__Security"] = "None",
            ["ESign__RequireConfirmedAccount"] = "false",
        });
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        try
        {
            var key = (await app.RunCommandAsync("apikey", "create", "--email", "sara@example.com")).Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("esk_"));
            using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var fileId = (await Json(await api.PostAsync("/v1/files/original/", new MultipartFormDataContent
            {
                { new StringContent("Vertrag.pdf"), "name" },
                { new ByteArrayContent(TestPdf.Pages(1)) { Headers = { ContentType = new("application/pdf") } }, "file", "Vertrag.pdf" },
            }))).GetProperty("id").GetInt32();
            object Create(string? doraLanguage) => new
            {
                original_file_id = fileId, name = "Vertrag", is_ordered = false,
                recipients = new object[]
                {
                    new { email = "dora@example.com", first_name = "Dora", last_name = "Deutsch", language = doraLanguage },
                    new { email = "evan@example.com", first_name = "Evan", last_name = "English" },
                },
                fields_payload = new[] { "dora@example.com", "evan@example.com" }.Select((email, i) => new
                {
                    email, type = "signature", required = true, page_number = 1, x = 72, y = 500 + 80 * i, width = 180, height = 48, additional_info = new { },
                }),
            };

            // 1. An unsupported language is refused in the API's error shape, naming the field; nothing is sent.
            var refused = await api.PostAsJsonAsync("/v1/files/pending/fields/", Create("it"));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var error = await Json(refused);
            Assert.Equal("bad_request", error.GetProperty("error_code").GetString());
            Assert.Equal("recipients[1].language: Language \"it\" is not supported (supported: en, de, fr, es).", error.GetProperty("message").GetString());

            // 2. Dora gets German (the sender's choice), Evan English (no language given).
            var created = await api.PostAsJsonAsync("/v1/files/pending/fields/", Create("de"));
            var requestId = (await Json(created)).GetProperty("pending_file_id").GetInt32();
            var dora = await smtp.WaitForMessageToAsync("dora@example.com", null, 60);
            output.WriteLine($"Dora's invitation: {dora.Subject}");
            Assert.Matches(Subject(M("InviteSubject", "de"), "Vertrag"), dora.Subject);
            Assert.Contains(M("ReviewButton", "de"), WebUtility.HtmlDecode(dora.HtmlBody));
            Assert.Contains(M("PersonalLink", "de"), dora.TextBody);
            Assert.Contains("Guten Tag Dora Deutsch,", dora.TextBody);
            Assert.Equal("de", dora.Body.Headers[HeaderId.ContentLanguage]);
            var evan = await smtp.WaitForMessageToAsync("evan@example.com", null, 60);
            Assert.Matches(Subject("{0} sent you \"{1}\" to sign", "Vertrag"), evan.Subject);
            Assert.Equal("en", evan.Body.Headers[HeaderId.ContentLanguage]);
            string LinkIn(MimeMessage m) => Regex.Match(m.TextBody ?? "", @"http://127\.0\.0\.1:\d+/sign/[A-Za-z0-9_-]{43}").Value;

            // 3. The consent page (Dora's link) in each browser language: every text is that language's resource.
            var seen = new Dictionary<string, string>();
            foreach (var (locale, language) in Browsers)
            {
                var context = await browser.NewContextAsync(locale: locale);
                var page = await context.NewPageAsync();
                await page.GotoAsync(LinkIn(dora));
                await Steps.WaitInteractiveAsync(page);
                Assert.Equal(language, await page.Locator("html").GetAttributeAsync("lang"));
                await Assertions.Expect(page.Locator("#consent-continue")).ToHaveTextAsync(P("Continue", language));
                await Assertions.Expect(page.Locator("#consent-text")).ToHaveTextAsync(P("ConsentText", language));
                await Assertions.Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = P("ConsentAgree", language) })).ToBeVisibleAsync();
                seen[language] = (await page.Locator("#consent-continue").TextContentAsync())!.Trim();
                await context.CloseAsync();
            }
            Assert.Equal(4, seen.Values.Distinct().Count());

            // 4. The signing page itself (Evan agrees in English, then opens it in every language): Finish, Next field,
            //    the field's accessible name and the progress line are each language's.
            seen.Clear();
            foreach (var (locale, language) in Browsers)
            {
                var context = await browser.NewContextAsync(locale: locale);
                var page = await context.NewPageAsync();
                await page.GotoAsync(LinkIn(evan));
                await Steps.WaitInteractiveAsync(page);
                if (language == "en") await SigningJourneyTests.ConsentAsync(page);
                await Assertions.Expect(page.Locator("#finish-button")).ToHaveTextAsync(P("Finish", language));
                await Assertions.Expect(page.Locator("#next-field")).ToHaveTextAsync(P("NextField", language));
                await Assertions.Expect(page.Locator("#sign-progress")).ToHaveTextAsync(string.Format(P("ProgressOne", language), 0, 1));
                await Assertions.Expect(page.Locator(".sign-field[data-field-type=signature]")).ToHaveAttributeAsync("aria-label",
                    string.Format(P("FieldAria", language), P("FieldTypeSignature", language), P("AriaRequired", language), 1, P("AriaNotFilled", language)));
                seen[language] = (await page.Locator("#finish-button").TextContentAsync())!.Trim();
                output.WriteLine($"{locale}: Finish = {seen[language]}");
                await context.CloseAsync();
            }
            Assert.Equal(4, seen.Values.Distinct().Count());

            // 5. The language menu: Evan, in an English browser, picks Deutsch with the mouse, then Français by keyboard
            //    alone (Enter opens the menu, Tab reaches each language, Enter posts its form); the page reloads in
            //    French and stays so.
            var evanContext = await browser.NewContextAsync(locale: "en-US");
            var evanPage = await evanContext.NewPageAsync();
            await evanPage.GotoAsync(LinkIn(evan));
            await Steps.WaitInteractiveAsync(evanPage);
            await Assertions.Expect(evanPage.Locator("#finish-button")).ToHaveTextAsync(P("Finish", "en"));
            await Assertions.Expect(evanPage.Locator(".language-menu-button")).ToHaveAttributeAsync("aria-label", $"{P("Language", "en")}: English");
            await evanPage.Locator(".language-menu-button").ClickAsync();
            var post = evanPage.WaitForRequestAsync(r => r.Method == "POST" && r.Url.EndsWith("/language"));
            await evanPage.Locator("[data-language=de]").ClickAsync();
            Assert.Contains("__RequestVerificationToken=", (await post).PostData); // a form POST with its antiforgery token
            await Assertions.Expect(evanPage.Locator("#finish-button")).ToHaveTextAsync(P("Finish", "de"));
            await Steps.WaitInteractiveAsync(evanPage);
            await evanPage.Locator(".language-menu-button").FocusAsync();
            await evanPage.Keyboard.PressAsync("Enter");
            await Assertions.Expect(evanPage.Locator("#language-menu")).ToHaveAttributeAsync("open", "");
            for (var i = 0; i < 3; i++) await evanPage.Keyboard.PressAsync("Tab"); // English, Deutsch, Français
            await Assertions.Expect(evanPage.Locator("[data-language=fr]")).ToBeFocusedAsync();
            await evanPage.Keyboard.PressAsync("Enter");
            await Assertions.Expect(evanPage.Locator("#finish-button")).ToHaveTextAsync(P("Finish", "fr"));
            Assert.Equal("fr", await evanPage.Locator("html").GetAttributeAsync("lang"));
            Assert.Contains(await evanContext.CookiesAsync(), c => c.Name == ".AspNetCore.Culture" && WebUtility.UrlDecode(c.Value) == "c=fr|uic=fr");
            await evanPage.ReloadAsync();
            await Steps.WaitInteractiveAsync(evanPage);
            await Assertions.Expect(evanPage.Locator("#finish-button")).ToHaveTextAsync(P("Finish", "fr"));

            // 5b. A GET (a link, a prefetch) changes nothing, nor does a POST without the antiforgery token: no cookie,
            //     no stored language (the reminder below still comes in French).
            using (var plain = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(app.BaseUrl) })
            {
                var get = await plain.GetAsync(new Uri(LinkIn(evan)).AbsolutePath + "/language?culture=de");
                output.WriteLine($"GET …/language: {(int)get.StatusCode}");
                Assert.InRange((int)get.StatusCode, 400, 499);
                Assert.False(get.Headers.Contains("Set-Cookie"));
                var forged = await plain.PostAsync(new Uri(LinkIn(evan)).AbsolutePath + "/language", new FormUrlEncodedContent([new("culture", "de")]));
                output.WriteLine($"POST …/language without antiforgery token: {(int)forged.StatusCode}");
                Assert.InRange((int)forged.StatusCode, 400, 499); // refused (the status page answers it)
                Assert.False(forged.Headers.Contains("Set-Cookie"));
            }

            // 6. Later mails use the language the signer last chose: a reminder reaches Evan in French, Dora in German.
            var remind = await api.PostAsync($"/v1/files/pending/{requestId}/remind/", null);
            Assert.True(remind.IsSuccessStatusCode, await remind.Content.ReadAsStringAsync());
            var evanReminder = await smtp.WaitForMessageToAsync("evan@example.com", m => Subject(M("ReminderSubject", "fr"), "Vertrag").IsMatch(m.Subject ?? ""), 60);
            Assert.Contains(M("ReviewButton", "fr"), WebUtility.HtmlDecode(evanReminder.HtmlBody));
            Assert.Equal("fr", evanReminder.Body.Headers[HeaderId.ContentLanguage]);
            var doraReminder = await smtp.WaitForMessageToAsync("dora@example.com", m => Subject(M("ReminderSubject", "de"), "Vertrag").IsMatch(m.Subject ?? ""), 60);
            output.WriteLine($"Reminders: {evanReminder.Subject} / {doraReminder.Subject}");

            // 7. Embedded signing has the same menu. Its page lives in another site's iframe (no cookie there): the
            //    choice is stored through the circuit and the frame reloads as ?culture=fr, in French, circuit included.
            var embedded = await api.PostAsJsonAsync("/v1/files/pending/fields/", new
            {
                original_file_id = fileId, name = "Vertrag eingebettet", is_ordered = true, embedded_signing = true,
                recipients = new[] { new { email = "emma@example.com", first_name = "Emma", last_name = "Embedded" } },
                fields_payload = new[] { new { email = "emma@example.com", type = "signature", required = true, page_number = 1, x = 72, y = 500, width = 180, height = 48, additional_info = new { } } },
            });
            var embeddedId = (await Json(embedded)).GetProperty("pending_file_id").GetInt32();
            var embedUrl = (await Json(await api.PostAsync($"/v1/files/pending/{embeddedId}/signing/url/",
                new FormUrlEncodedContent([new("recipient_email", "emma@example.com")])))).GetProperty("url").GetString()!;
            var emmaContext = await browser.NewContextAsync(locale: "en-US");
            var emmaPage = await emmaContext.NewPageAsync();
            await emmaPage.GotoAsync(embedUrl);
            await Steps.WaitInteractiveAsync(emmaPage);
            await Assertions.Expect(emmaPage.Locator("#consent-continue")).ToHaveTextAsync(P("Continue", "en"));
            await emmaPage.Locator(".language-menu-button").ClickAsync();
            await emmaPage.Locator("[data-language=fr]").ClickAsync();
            await emmaPage.WaitForURLAsync(u => u.EndsWith("?culture=fr"));
            await Steps.WaitInteractiveAsync(emmaPage);
            await Assertions.Expect(emmaPage.Locator("#consent-continue")).ToHaveTextAsync(P("Continue", "fr"));
            Assert.Equal("fr", await emmaPage.Locator("html").GetAttributeAsync("lang"));
            await Assertions.Expect(emmaPage.Locator(".language-menu-button")).ToHaveAttributeAsync("aria-label", $"{P("Language", "fr")}: Français");
            Assert.DoesNotContain(await emmaContext.CookiesAsync(), c => c.Name == ".AspNetCore.Culture");
            // An event after the first render (the consent checkbox's label, re-rendered on check) is French too.
            await emmaPage.GetByRole(AriaRole.Checkbox, new() { Name = P("ConsentAgree", "fr") }).CheckAsync();
            await emmaPage.Locator("#consent-continue").ClickAsync();
            await Assertions.Expect(emmaPage.Locator("#finish-button")).ToHaveTextAsync(P("Finish", "fr"));
            Assert.Empty(browser.ConsoleErrors);
        }
        catch
        {
            output.WriteLine(app.Log);
            throw;
        }
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
