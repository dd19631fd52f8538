using Microsoft.Playwright;

namespace ESignWeb.Tests.E2E;

/// <summary>Debian's Chromium driven by Playwright (Playwright's own browser download is not used).</summary>
public static class Browser
{
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("ESIGN_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    public static async Task<(IPlaywright, IBrowser)> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-quic"],
        });
        return (playwright, browser);
    }
}
