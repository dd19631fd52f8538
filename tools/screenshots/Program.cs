// Screenshots of the main screens for docs/screenshots (run with tools/screenshots/run.sh).
// The real app (its Release build) on 127.0.0.1 with a fresh data folder and no SMTP server (mail goes to its outbox
// folder), Debian's Chromium through the E2E helpers of App.Tests. Seeds one account (the administrator) with three
// documents, a sequential request waiting for its signers, a completed one and a draft, then photographs each screen.
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ESignWeb.Tests.E2E;
using ESignWeb.Tests.Fixtures;
using Microsoft.Playwright;

var outDir = Path.GetFullPath(args.Length > 0 ? args[0] : Path.Combine(RepoPaths.Root, "docs", "screenshots"));
Directory.CreateDirectory(outDir);
var desktop = new ViewportSize { Width = 1280, Height = 800 };
var phone = new ViewportSize { Width = 390, Height = 844 };
const string SenderEmail = "maria.schneider@northwind.example";

await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["ESign__RequireConfirmedAccount"] = "false" });
await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
var shots = new List<string>();

async Task ShotAsync(IPage page, string name)
{
    await page.EvaluateAsync("() => document.fonts.ready");
    await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    var path = Path.Combine(outDir, name + ".png");
    await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, Type = ScreenshotType.Png });
    shots.Add($"{name}.png ({new FileInfo(path).Length / 1024} KB)");
}

try
{
    // Sign-in, as a stranger sees it (desktop and phone).
    foreach (var (viewport, prefix) in new[] { (desktop, "desktop"), (phone, "phone") })
    {
        var context = await browser.NewContextAsync(viewport);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.Locator("#Input\\.Email").WaitForAsync();
        await ShotAsync(page, $"{prefix}-sign-in");
        await context.CloseAsync();
    }

    // The sender registers (the first account: administrator, signed in at once) and gets an API key for seeding.
    var sender = await browser.NewContextAsync(desktop);
    var ui = await sender.NewPageAsync();
    await Steps.RegisterAsync(ui, SenderEmail, "Maria", "Schneider");
    await Steps.WaitInteractiveAsync(ui);
    var key = (await app.RunCommandAsync("apikey", "create", "--email", SenderEmail, "--name", "screenshots"))
        .Split('\n').Select(l => l.Trim()).Last(l => l.StartsWith("esk_", StringComparison.Ordinal));
    using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
    api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

    var employment = await UploadAsync(api, "Employment contract - Julia Ortega.pdf", ContractPdf.Create("Employment Contract",
        "Northwind Traders GmbH and Julia Ortega", 2));
    var nda = await UploadAsync(api, "Mutual NDA - Contoso Ltd.pdf", ContractPdf.Create("Mutual Non-Disclosure Agreement",
        "Northwind Traders GmbH and Contoso Ltd.", 1));
    await UploadAsync(api, "Office lease 2026.pdf", ContractPdf.Create("Office Lease Agreement",
        "Parkside Estates AG and Northwind Traders GmbH", 3));

    // Waiting for others: sequential, Julia signs first, then Tom countersigns.
    var waiting = await SendAsync(api, employment, "Employment contract - Julia Ortega", ordered: true,
        ("julia.ortega@example.com", "Julia", "Ortega"), ("tom.becker@northwind.example", "Tom", "Becker"));
    // Completed: Liam signs it (typed signature, today's date) and the seal lands.
    var completed = await SendAsync(api, nda, "Mutual NDA - Contoso", ordered: false, ("liam.chen@contoso.example", "Liam", "Chen"));
    {
        var context = await browser.NewContextAsync(desktop);
        var page = await context.NewPageAsync();
        await OpenAsSignerAsync(page, await OutboxFolder.SigningLinkAsync(app.DataDir, "liam.chen@contoso.example"));
        await page.Locator(".sign-field[data-field-type=signature]").First.ClickAsync();
        await page.ClickAsync(".signature-mode[data-mode=type]");
        await Assertions.Expect(page.Locator("#signature-typed")).Not.ToHaveValueAsync("");
        await page.ClickAsync("#signature-apply");
        await Assertions.Expect(page.Locator(".sign-field[data-field-type=signature] img").First).ToBeVisibleAsync();
        await page.Locator(".sign-field[data-field-type=date]").First.ClickAsync();
        await page.ClickAsync("#value-apply");
        await page.ClickAsync("#finish-button");
        await Assertions.Expect(page.Locator("#sign-status")).ToHaveAttributeAsync("data-state", "AlreadySigned");
        await context.CloseAsync();
    }
    await ui.GotoAsync($"/requests/{completed}");
    await Steps.WaitInteractiveAsync(ui);
    await Poll.UntilAsync(async () =>
    {
        await ui.ReloadAsync();
        await Steps.WaitInteractiveAsync(ui);
        return await ui.Locator("#download-signed").CountAsync() > 0 ? "sealed" : null;
    }, 90);

    // The signer's page: Julia opens her link (desktop and phone).
    var juliaLink = await OutboxFolder.SigningLinkAsync(app.DataDir, "julia.ortega@example.com");
    foreach (var (viewport, prefix) in new[] { (desktop, "desktop"), (phone, "phone") })
    {
        var context = await browser.NewContextAsync(viewport);
        var page = await context.NewPageAsync();
        await OpenAsSignerAsync(page, juliaLink);
        await ShotAsync(page, $"{prefix}-signer");
        await context.CloseAsync();
    }

    // A draft on the prepare page: Documents → Request signatures, one signer, a signature and a date field.
    await ui.GotoAsync("/documents");
    await Steps.WaitInteractiveAsync(ui);
    await Assertions.Expect(ui.Locator("#documents-table tr", new() { HasText = "Office lease 2026" })).ToBeVisibleAsync();
    await ShotAsync(ui, "desktop-documents");
    await ui.Locator("#documents-table tr", new() { HasText = "Office lease 2026" }).Locator(".request-signatures").ClickAsync();
    await ui.WaitForURLAsync(new Regex(@"/requests/\d+/prepare"), new() { WaitUntil = WaitUntilState.Commit });
    await Steps.WaitInteractiveAsync(ui);
    await Assertions.Expect(ui.Locator("#pdf-viewer[data-loaded=true]")).ToBeVisibleAsync();
    await ui.FillAsync("#signer-email", "anna.keller@parkside.example");
    await ui.FillAsync("#signer-first", "Anna");
    await ui.FillAsync("#signer-last", "Keller");
    await ui.ClickAsync("#signer-add");
    await Assertions.Expect(ui.Locator(".signer-row[data-email='anna.keller@parkside.example']")).ToBeVisibleAsync();
    // Dragging needs the palette and the page on screen together: a taller window while placing the fields.
    await ui.SetViewportSizeAsync(1400, 1100);
    var target = ui.Locator(".pdf-page[data-page='1']");
    foreach (var (type, fx, fy) in new[] { ("signature", 0.3, 0.5), ("date", 0.62, 0.5) })
    {
        var box = (await target.BoundingBoxAsync())!;
        var before = await ui.Locator(".field-box").CountAsync();
        await Steps.DragFieldAsync(ui, type, box.X + box.Width * fx, box.Y + box.Height * fy);
        await Assertions.Expect(ui.Locator(".field-box")).ToHaveCountAsync(before + 1);
    }
    await ui.SetViewportSizeAsync(desktop.Width, desktop.Height);
    await ui.EvaluateAsync("() => window.scrollTo(0, 0)");
    await ShotAsync(ui, "desktop-prepare");

    // The sender's other screens.
    await ui.GotoAsync($"/requests/{waiting}");
    await Steps.WaitInteractiveAsync(ui);
    await Assertions.Expect(ui.Locator("[data-event]").First).ToBeVisibleAsync();
    await ShotAsync(ui, "desktop-request-waiting");
    await ui.GotoAsync($"/requests/{completed}");
    await Steps.WaitInteractiveAsync(ui);
    await Assertions.Expect(ui.Locator("#download-signed")).ToBeVisibleAsync();
    await ShotAsync(ui, "desktop-request-completed");
    await ui.GotoAsync("/");
    await Steps.WaitInteractiveAsync(ui);
    await Assertions.Expect(ui.GetByText("Mutual NDA - Contoso").First).ToBeVisibleAsync();
    await ShotAsync(ui, "desktop-dashboard");
    {
        var context = await browser.NewContextAsync(phone);
        await context.AddCookiesAsync((await sender.CookiesAsync()).Select(c => new Cookie
        {
            Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, Expires = c.Expires, HttpOnly = c.HttpOnly,
            Secure = c.Secure, SameSite = c.SameSite,
        }));
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await Steps.WaitInteractiveAsync(page);
        await Assertions.Expect(page.GetByText("Mutual NDA - Contoso").First).ToBeVisibleAsync();
        await ShotAsync(page, "phone-dashboard");
        await context.CloseAsync();
    }

    Console.WriteLine($"{shots.Count} screenshots in {outDir}:");
    foreach (var s in shots) Console.WriteLine("  " + s);
    if (browser.ConsoleErrors.Length > 0) Console.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
    return 0;
}
catch (Exception e)
{
    Console.Error.WriteLine(e);
    Console.Error.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
    Console.Error.WriteLine("App log:\n" + app.Log);
    return 1;
}

static async Task OpenAsSignerAsync(IPage page, string link)
{
    await page.GotoAsync(link);
    await Steps.WaitInteractiveAsync(page);
    var consent = page.Locator("#consent input[type=checkbox]");
    if (await consent.CountAsync() > 0)
    {
        await consent.CheckAsync();
        await page.ClickAsync("#consent-continue");
    }
    await Assertions.Expect(page.Locator("#pdf-viewer[data-loaded=true]")).ToBeVisibleAsync();
    await Assertions.Expect(page.Locator(".sign-field").First).ToBeVisibleAsync();
    await page.Locator(".sign-field").First.EvaluateAsync("el => el.scrollIntoView({ block: 'center' })");
}

static async Task<int> UploadAsync(HttpClient api, string name, byte[] pdf)
{
    var form = new MultipartFormDataContent
    {
        { new StringContent(name), "name" },
        { new ByteArrayContent(pdf) { Headers = { ContentType = new("application/pdf") } }, "file", "upload.pdf" },
    };
    using var response = await api.PostAsync("/v1/files/original/", form);
    var text = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Upload of {name}: {text}");
    return JsonDocument.Parse(text).RootElement.GetProperty("id").GetInt32();
}

/// Creates and sends a request; each signer gets a signature and a date field on the last page, side by side.
static async Task<int> SendAsync(HttpClient api, int fileId, string name, bool ordered, params (string Email, string First, string Last)[] signers)
{
    using var response = await api.PostAsJsonAsync("/v1/files/pending/fields/", new
    {
        original_file_id = fileId, name, is_ordered = ordered,
        message = "Please review and sign. Thank you!",
        recipients = signers.Select(s => new { email = s.Email, first_name = s.First, last_name = s.Last }),
        fields_payload = signers.SelectMany((s, i) => new object[]
        {
            new { email = s.Email, type = "signature", required = true, page_number = ContractPdf.SignaturePage, x = 72 + 270 * i, y = 422, width = 180, height = 48, additional_info = new { } },
            new { email = s.Email, type = "date", required = true, page_number = ContractPdf.SignaturePage, x = 72 + 270 * i, y = 374, width = 120, height = 32, additional_info = new { } },
        }),
    });
    var text = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Request {name}: {text}");
    return JsonDocument.Parse(text).RootElement.GetProperty("pending_file_id").GetInt32();
}

/// <summary>A plausible contract (Letter pages of Helvetica text, signature lines on the last page), written by hand.</summary>
static class ContractPdf
{
    /// <summary>Signature fields go on page 1 (every document here has its signature block there).</summary>
    public const int SignaturePage = 1;

    private static readonly string[] Clauses =
    [
        "1. Purpose. The parties wish to set out the terms on which they will work together and the obligations each of them accepts under this agreement.",
        "2. Term. This agreement takes effect on the date of the last signature below and continues for twenty-four months unless ended earlier in writing.",
        "3. Confidentiality. Each party keeps the other's confidential information secret, uses it only for the purpose above and returns or destroys it on request.",
        "4. Payment. Invoices are payable within thirty days of receipt. Late payments bear interest at the statutory rate.",
        "5. Liability. Neither party is liable for indirect or consequential loss. Nothing in this agreement limits liability for fraud or wilful misconduct.",
        "6. Governing law. This agreement is governed by the laws of the place of the first party's registered office.",
    ];

    public static byte[] Create(string title, string parties, int pages)
    {
        var contents = new List<string>();
        for (var p = 1; p <= pages; p++)
        {
            var s = new StringBuilder();
            var y = 720.0;
            void Line(string text, int size, double x = 72, bool bold = false)
            {
                s.Append(CultureInfo.InvariantCulture, $"BT /{(bold ? "F2" : "F1")} {size} Tf {x} {y:0.##} Td ({Escape(text)}) Tj ET\n");
                y -= size * 1.45;
            }
            Line(title, 20, bold: true);
            y -= 6;
            Line(p == 1 ? $"between {parties}" : $"{title}, page {p} of {pages}", 11);
            y -= 14;
            foreach (var clause in p == 1 ? Clauses.Take(4) : Clauses.Skip(2))
            {
                foreach (var l in Wrap(clause, 92)) Line(l, 10);
                y -= 8;
            }
            if (p == SignaturePage)
            {
                s.Append("0.4 w 72 420 m 252 420 l S 342 420 m 522 420 l S\n");
                y = 406; Line("Signature", 9);
                y = 406; Line("Signature", 9, 342);
                s.Append("72 372 m 192 372 l S 342 372 m 462 372 l S\n");
                y = 360; Line("Date", 9);
                y = 360; Line("Date", 9, 342);
            }
            contents.Add(s.ToString());
        }

        var objects = new List<string>
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            $"<< /Type /Pages /Kids [{string.Join(' ', Enumerable.Range(0, pages).Select(i => $"{5 + i * 2} 0 R"))}] /Count {pages} >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        };
        for (var i = 0; i < pages; i++)
        {
            objects.Add($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {6 + i * 2} 0 R >>");
            objects.Add($"<< /Length {Encoding.Latin1.GetByteCount(contents[i])} >>\nstream\n{contents[i]}endstream");
        }
        return RawPdf.Build(objects.ToArray());
    }

    private static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new StringBuilder();
        foreach (var word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width) { yield return line.ToString(); line.Clear(); }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0) yield return line.ToString();
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("(", "\\(").Replace(")", "\\)");
}
