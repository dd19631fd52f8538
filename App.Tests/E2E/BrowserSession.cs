using Microsoft.Playwright;

namespace ESignWeb.Tests.E2E;

/// <summary>One Chromium (Debian's) with one page on the app's base URL; collects browser console errors.</summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly List<string> _consoleErrors = [];

    private readonly string _baseUrl;

    private BrowserSession(IPlaywright playwright, IBrowser browser, IPage page, string baseUrl)
    {
        _playwright = playwright;
        _browser = browser;
        _baseUrl = baseUrl;
        Page = page;
        Shots = new Screenshots(page);
        Watch(page);
    }

    private void Watch(IPage page) =>
        page.Console += (_, m) => { if (m.Type == "error") lock (_consoleErrors) _consoleErrors.Add(m.Text); };

    /// <summary>Another person's browser (separate cookies), e.g. a signer opening their link.</summary>
    /// <param name="locale">The browser's language (Accept-Language and navigator.language), e.g. <c>de-DE</c>; default en-US.</param>
    /// <param name="timezoneId">The browser's time zone (IANA, e.g. "Pacific/Kiritimati"); null: the machine's.</param>
    public async Task<IBrowserContext> NewContextAsync(ViewportSize? viewport = null, string? locale = null, float deviceScaleFactor = 1,
        string? timezoneId = null)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = _baseUrl,
            Locale = locale,
            TimezoneId = timezoneId,
            ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 900 },
            DeviceScaleFactor = deviceScaleFactor,
            IsMobile = viewport is { Width: < 600 },
            HasTouch = viewport is { Width: < 600 },
        });
        context.Page += (_, p) => { p.SetDefaultTimeout(20_000); Watch(p); };
        return context;
    }

    /// <summary>Another person's browser in a language of their own (navigator.language and Accept-Language), e.g. "de-DE".</summary>
    public async Task<IBrowserContext> NewContextAsync(ViewportSize? viewport, string locale)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = _baseUrl,
            ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 900 },
            IsMobile = viewport is { Width: < 600 },
            HasTouch = viewport is { Width: < 600 },
            Locale = locale,
        });
        context.Page += (_, p) => { p.SetDefaultTimeout(20_000); Watch(p); };
        return context;
    }

    public IPage Page { get; }
    public Screenshots Shots { get; }

    public string ConsoleErrors { get { lock (_consoleErrors) return string.Join("\n", _consoleErrors); } }

    public static async Task<BrowserSession> OpenAsync(string baseUrl)
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        Assertions.SetDefaultExpectTimeout(15_000);
        return new BrowserSession(playwright, browser, page, baseUrl);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}

/// <summary>The steps a person takes, shared by the journeys.</summary>
public static class Steps
{
    public const string Password = "Correct-Horse-9";

    /// <summary>Fills and submits the registration form.</summary>
    public static async Task RegisterAsync(IPage page, string email, string first, string last = "")
    {
        await page.GotoAsync("/Account/Register");
        await page.FillAsync("#Input\\.FirstName", first);
        await page.FillAsync("#Input\\.LastName", last);
        await page.FillAsync("#Input\\.Email", email);
        await page.FillAsync("#Input\\.Password", Password);
        await page.FillAsync("#Input\\.ConfirmPassword", Password);
        await page.ClickAsync("button[type=submit]");
    }

    public static async Task LogInAsync(IPage page, string email)
    {
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#Input\\.Email", email);
        await page.FillAsync("#Input\\.Password", Password);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();
    }

    /// <summary>The circuit is live (the marker is absent from prerendered HTML).</summary>
    public static Task WaitInteractiveAsync(IPage page) =>
        page.Locator("#app-interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    /// <summary>Press "Upload PDF" and pick the file in the chooser that opens.</summary>
    public static async Task UploadAsync(IPage page, string path)
    {
        var chooser = await page.RunAndWaitForFileChooserAsync(() => page.ClickAsync("#upload-button"));
        await chooser.SetFilesAsync(path);
    }

    /// <summary>A real pointer drag from the palette item of <paramref name="fieldType"/> to (x, y).</summary>
    public static async Task DragFieldAsync(IPage page, string fieldType, double x, double y)
    {
        var b = (await page.Locator($"[data-palette-type='{fieldType}']").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(b.X + b.Width / 2, b.Y + b.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(b.X + b.Width / 2 + 10, b.Y + b.Height / 2 + 10, new() { Steps = 3 });
        await page.Mouse.MoveAsync((float)x, (float)y, new() { Steps = 12 });
        await page.Mouse.UpAsync();
    }
}
