using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ESignWeb.Tests.Fixtures;
using Microsoft.Playwright;
using MimeKit;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// How the signer's screens behave (issue 10 §5), in Debian's Chromium against the real app: the page takes the signer
/// to their first field and a premature Finish to the next one; on a 390×844 phone the toolbar is one row and values
/// fit their boxes exactly as they are sealed; a date field that names no format takes the signer's locale, and the
/// sealed PDF holds exactly the string the signer saw.
/// </summary>
[Collection(E2ECollection.Name)]
public class SignerScreensTests(ITestOutputHelper output)
{
    private const string Sender = "sol.sender@example.com";

    private sealed record Field(string Email, string Type, int Page, double X, double Y, double W, double H, bool Required = true);

    [Fact]
    public async Task Opening_takes_the_signer_to_their_first_field_and_a_premature_finish_to_the_next_one()
    {
        var smtp = await SmtpSink.StartAsync();
        await using var _ = smtp;
        await using var app = await StartAsync(smtp);
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        try
        {
            // Both fields lie below the first screenful: a text field low on page 1, a signature low on page 2.
            await CreateRequestAsync(app, ordered: true, [("gus@example.com", "Gus", "Grant")],
                new Field("gus@example.com", "signature", 2, 72, 90, 160, 48),
                new Field("gus@example.com", "text", 1, 72, 80, 150, 32));
            var page = await OpenAsync(browser, smtp, "gus@example.com", null);
            await SigningJourneyTests.ConsentAsync(page);

            // The first field in page order is scrolled into view, highlighted and focused.
            var text = page.Locator(".sign-field[data-field-type=text]");
            await Assertions.Expect(text).ToHaveClassAsync(new Regex(@"\bactive\b"));
            await Poll.UntilAsync(async () => await IsFocusedAndInViewAsync(page, ".sign-field[data-field-type=text]") ? "focused, on screen" : null, 10);

            // Enter opens it (keyboard alone), the value is kept.
            await page.Keyboard.PressAsync("Enter");
            await page.Locator("#value-input").FillAsync("Guided");
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.Locator(".sign-field[data-field-type=text].filled")).ToContainTextAsync("Guided");

            // Finish too early: the message is in the toolbar, on screen; focus goes to the signature on page 2.
            await page.ClickAsync("#finish-button");
            var hint = page.Locator("#finish-hint");
            await Assertions.Expect(hint).ToContainTextAsync("1 left");
            await Poll.UntilAsync(async () => await IsFocusedAndInViewAsync(page, ".sign-field[data-field-type=signature]") ? "focused, on screen" : null, 10);
            Assert.True(await InViewAsync(page, "#finish-hint"), "the message is where the signer looks");
            Assert.Equal(0, await page.Locator("#sign-status").CountAsync()); // not finished

            // The same by keyboard: Enter on the focused signature opens the dialog.
            await page.Keyboard.PressAsync("Enter");
            await page.ClickAsync(".signature-mode[data-mode=type]");
            await Assertions.Expect(page.Locator("#signature-typed")).Not.ToHaveValueAsync("");
            await page.ClickAsync("#signature-apply");
            await Assertions.Expect(page.Locator(".sign-field[data-field-type=signature] img")).ToBeVisibleAsync();
            await Assertions.Expect(hint).ToBeHiddenAsync(); // nothing is missing any more
            await page.ClickAsync("#finish-button");
            await Assertions.Expect(page.Locator("#sign-status")).ToHaveAttributeAsync("data-state", "AlreadySigned");
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            await browser.Shots.TakeAsync("signer-guide-failure");
            throw;
        }
    }

    [Fact]
    public async Task On_a_phone_the_toolbar_is_one_row_values_fit_their_boxes_and_dates_follow_each_signers_locale_into_the_seal()
    {
        var smtp = await SmtpSink.StartAsync();
        await using var _ = smtp;
        await using var app = await StartAsync(smtp);
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        try
        {
            // Parallel: a German signer on a phone (long name in a narrow name box, a narrow date) and an American one on
            // a desktop; date fields name no format. Each sees the other's narrow date box greyed.
            await CreateRequestAsync(app, ordered: false,
                [("max@example.com", "Maximilian Alexander", "von Hohenberg-Wittelsbach"), ("una@example.com", "Una", "Usher")],
                new Field("max@example.com", "signature", 1, 72, 600, 160, 48),
                new Field("max@example.com", "name", 1, 72, 540, 60, 32),
                new Field("max@example.com", "date", 1, 150, 540, 45, 32),
                new Field("una@example.com", "signature", 1, 320, 600, 160, 48),
                new Field("una@example.com", "date", 1, 320, 540, 45, 32));

            // --- The phone (de-DE) ---
            var phone = await OpenAsync(browser, smtp, "max@example.com", "de-DE", new ViewportSize { Width = 390, Height = 844 });
            await SigningJourneyTests.ConsentAsync(phone);

            // The toolbar's actions share one row, inside the screen; Decline is in the menu.
            var german = CultureInfo.GetCultureInfo("de");
            var texts = new System.Resources.ResourceManager("ESignWeb.Localization.SignerText", typeof(ESignWeb.Localization.SignerText).Assembly);
            var moreActions = $"button[aria-label='{texts.GetString("MoreActions", german)}']";
            var boxes = new List<LocatorBoundingBoxResult>();
            foreach (var selector in new[] { "#next-field", "#finish-button", $"#more-actions button, {moreActions}" })
            {
                var box = await phone.Locator(selector).First.BoundingBoxAsync();
                Assert.NotNull(box);
                boxes.Add(box);
            }
            var rowTop = boxes.Min(b => b.Y);
            Assert.All(boxes, b => Assert.InRange(b.Y + b.Height / 2, rowTop, rowTop + boxes.Min(x => x.Height)));
            Assert.All(boxes, b => Assert.InRange(b.X + b.Width, 0, 390));
            Assert.Equal(texts.GetString("NextField", german), await phone.Locator("#next-field").GetAttributeAsync("aria-label"));
            await Assertions.Expect(phone.Locator("#decline-button")).ToBeHiddenAsync();
            await phone.Locator(moreActions).ClickAsync();
            await Assertions.Expect(phone.Locator("#decline-menu-item")).ToBeVisibleAsync();
            await phone.Mouse.ClickAsync(20, 800); // outside the menu closes it
            await Assertions.Expect(phone.Locator(".mud-popover-open #decline-menu-item")).ToHaveCountAsync(0);

            // The pre-filled long name fits its box (shrunk, then cut as the seal cuts it).
            var name = ".sign-field[data-field-type=name]";
            await Assertions.Expect(phone.Locator($"{name} .sign-text")).ToBeVisibleAsync();
            await AssertFitsAsync(phone, name);
            var shownName = await phone.Locator($"{name} .sign-text text").TextContentAsync() ?? "";

            // The date: the German short date, pre-filled as today, fits its narrow box.
            var germanDate = DateTime.Today.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture);
            await phone.Locator(".sign-field[data-field-type=date]").ClickAsync();
            await Assertions.Expect(phone.Locator("#value-input")).ToHaveValueAsync(germanDate);
            await phone.ClickAsync("#value-apply");
            await Assertions.Expect(phone.Locator(".sign-field[data-field-type=date] .sign-text text")).ToHaveTextAsync(germanDate);
            await AssertFitsAsync(phone, ".sign-field[data-field-type=date]");

            // The other signer's narrow box keeps its label inside (shrunk or cut with an ellipsis, named in a tooltip).
            var other = await phone.EvaluateAsync<JsonElement>(@"() => {
                const f = document.querySelector('.sign-field.other'), s = f.querySelector('.sign-placeholder');
                const a = f.getBoundingClientRect(), b = s.getBoundingClientRect(), css = getComputedStyle(s);
                return { inside: b.left >= a.left - 0.5 && b.right <= a.right + 0.5, fits: s.scrollWidth <= s.clientWidth,
                         ellipsis: css.textOverflow === 'ellipsis' && css.overflow === 'hidden', title: f.title };
            }");
            Assert.True(other.GetProperty("inside").GetBoolean(), other.ToString());
            Assert.True(other.GetProperty("fits").GetBoolean() || other.GetProperty("ellipsis").GetBoolean(), other.ToString());
            Assert.Equal(texts.GetString("AnotherSigner", german), other.GetProperty("title").GetString());
            await browser.Shots.TakeAsync("signer-phone-fitted", phone);

            await SigningJourneyTests.FillSignatureAsync(phone, draw: false);
            await phone.ClickAsync("#finish-button");
            await Assertions.Expect(phone.Locator("#sign-status")).ToHaveAttributeAsync("data-state", "AlreadySigned");

            // --- The desktop (en-US) ---
            var desk = await OpenAsync(browser, smtp, "una@example.com", "en-US");
            await SigningJourneyTests.ConsentAsync(desk);
            var american = DateTime.Today.ToString("M/d/yyyy", CultureInfo.InvariantCulture);
            await desk.Locator(".sign-field[data-field-type=date]").ClickAsync();
            await Assertions.Expect(desk.Locator("#value-input")).ToHaveValueAsync(american);
            await desk.ClickAsync("#value-apply");
            await Assertions.Expect(desk.Locator(".sign-field[data-field-type=date] .sign-text text")).ToHaveTextAsync(american);
            await AssertFitsAsync(desk, ".sign-field[data-field-type=date]");
            await SigningJourneyTests.FillSignatureAsync(desk, draw: false);
            await desk.ClickAsync("#finish-button");
            await Assertions.Expect(desk.Locator("#sign-status")).ToBeVisibleAsync();

            // The sealed PDF holds exactly what each signer saw: both dates, and the name as cut on the screen.
            var done = await smtp.WaitForMessageToAsync("una@example.com", m => (m.Subject ?? "").StartsWith("Completed"), 90);
            var sealedPdf = SigningJourneyTests.Bytes(done.Attachments.OfType<MimePart>().First(a => !(a.FileName ?? "").Contains("audit")));
            var words = Regex.Split(await SigningJourneyTests.PdfTextAsync(sealedPdf), @"\s+");
            Assert.Contains(germanDate, words);
            Assert.Contains(american, words);
            var sealedText = Regex.Replace(await SigningJourneyTests.PdfTextAsync(sealedPdf), @"\s+", " ");
            Assert.Contains(Regex.Replace(shownName, @"\s+", " ").Trim(), sealedText);
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            await browser.Shots.TakeAsync("signer-phone-failure");
            throw;
        }
    }

    private static async Task<AppProcess> StartAsync(SmtpSink smtp) =>
        await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Smtp__Host"] = "127.0.0.1", ["Smtp__Port"] = smtp.Port.ToString(), ["Smtp__Security"] = "None",
            ["ESign__RequireConfirmedAccount"] = "false",
        });

    /// <summary>A request made over the API (a key from the command line), sent at once; fields in PDF points on Letter pages.</summary>
    private static async Task CreateRequestAsync(AppProcess app, bool ordered, (string Email, string First, string Last)[] signers, params Field[] fields)
    {
        var key = Regex.Match(await app.RunCommandAsync("apikey", "create", "--email", Sender), @"esk_\S+").Value;
        using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var upload = new MultipartFormDataContent
        {
            { new StringContent("Screens.pdf"), "name" },
            { new ByteArrayContent(TestPdf.Pages(2)) { Headers = { ContentType = new("application/pdf") } }, "file", "Screens.pdf" },
        };
        var uploaded = await api.PostAsync("/v1/files/original/", upload);
        var fileId = JsonDocument.Parse(await uploaded.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt32();
        var created = await api.PostAsJsonAsync("/v1/files/pending/fields/", new
        {
            original_file_id = fileId, name = "Screens", is_ordered = ordered,
            recipients = signers.Select(s => new { email = s.Email, first_name = s.First, last_name = s.Last }),
            fields_payload = fields.Select(f => new
            {
                email = f.Email, type = f.Type, required = f.Required, page_number = f.Page, x = f.X, y = f.Y, width = f.W, height = f.H,
                additional_info = new { },
            }),
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
    }

    private static async Task<IPage> OpenAsync(BrowserSession browser, SmtpSink smtp, string email, string? locale, ViewportSize? viewport = null)
    {
        var invite = await smtp.WaitForMessageToAsync(email, m => (m.Subject ?? "").Contains("sent you"), 60);
        var link = Regex.Match(invite.TextBody ?? "", @"http://127\.0\.0\.1:\d+/sign/[A-Za-z0-9_-]{43}").Value;
        Assert.False(string.IsNullOrEmpty(link), invite.TextBody);
        var context = locale is null ? await browser.NewContextAsync(viewport) : await browser.NewContextAsync(viewport, locale);
        var page = await context.NewPageAsync();
        await page.GotoAsync(link);
        await Steps.WaitInteractiveAsync(page);
        return page;
    }

    private static Task<bool> InViewAsync(IPage page, string selector) => page.EvaluateAsync<bool>(@"s => {
        const r = document.querySelector(s).getBoundingClientRect();
        return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth && r.height > 0;
    }", selector);

    private static async Task<bool> IsFocusedAndInViewAsync(IPage page, string selector) =>
        await page.EvaluateAsync<bool>("s => document.activeElement === document.querySelector(s)", selector) &&
        await InViewAsync(page, selector);

    /// <summary>
    /// The value is not wider than its box (scrollWidth ≤ clientWidth, for the value and the field) and the drawn text
    /// lies inside the field, its padding included, as in the seal.
    /// </summary>
    private static async Task AssertFitsAsync(IPage page, string field)
    {
        var r = await page.EvaluateAsync<JsonElement>(@"s => {
            const f = document.querySelector(s), v = f.querySelector('.sign-text'), t = v.querySelector('text');
            const a = f.getBoundingClientRect(), ink = t.getBoundingClientRect();
            return { sw: v.scrollWidth, cw: v.clientWidth, fieldSw: f.scrollWidth, fieldCw: f.clientWidth,
                     inkLeft: ink.left, inkRight: ink.right, inkTop: ink.top, inkBottom: ink.bottom,
                     left: a.left, right: a.right, top: a.top, bottom: a.bottom, text: t.textContent };
        }", field);
        double P(string name) => r.GetProperty(name).GetDouble();
        Assert.True(P("sw") <= P("cw") && P("cw") > 0, $"{field}: {r}");
        Assert.True(P("fieldSw") <= P("fieldCw"), $"{field}: {r}");
        Assert.True(P("inkLeft") >= P("left") - 0.5 && P("inkRight") <= P("right") + 0.5, $"{field}: {r}");
        Assert.True(P("inkTop") >= P("top") - 0.5 && P("inkBottom") <= P("bottom") + 0.5, $"{field}: {r}");
    }
}
