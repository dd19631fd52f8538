using ESignWeb.Tests.Fixtures;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// Settings → Developer apps in the real app process: register an app, see its secret once (gone after a reload),
/// rotate it (a new secret, shown once), delete the app.
/// </summary>
[Collection(E2ECollection.Name)]
public class DeveloperAppsJourneyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_developer_registers_an_app_sees_the_secret_once_rotates_it_and_deletes_the_app()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["ESign__RequireConfirmedAccount"] = "false" });
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;
        try
        {
            await Steps.RegisterAsync(page, "devon@example.com", "Devon");
            await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();
            await page.GotoAsync("/settings");
            await Steps.WaitInteractiveAsync(page);
            await Assertions.Expect(page.Locator("#devapp-table")).ToContainTextAsync("No apps yet");

            // Register: a refused redirect URI keeps the dialog open with the reason; a good one registers.
            await page.ClickAsync("#devapp-register");
            await page.FillAsync("#devapp-name", "Invoice robot");
            await page.FillAsync("#devapp-redirects", "http://robot.example.com/cb");
            await page.ClickAsync("#devapp-save");
            await Assertions.Expect(page.Locator(".mud-dialog")).ToContainTextAsync("must use https");
            await page.FillAsync("#devapp-redirects", "https://robot.example.com/cb\nhttp://127.0.0.1:8765/cb");
            await page.ClickAsync("#devapp-save");
            await Assertions.Expect(page.Locator("#devapp-secret-value")).ToContainTextAsync("escs_");
            var secret = (await page.Locator("#devapp-secret-value").InnerTextAsync()).Trim();
            await Assertions.Expect(page.Locator("#devapp-secret")).ToContainTextAsync("will not be shown again");
            await Assertions.Expect(page.Locator("#devapp-secret-copy")).ToBeVisibleAsync();
            var clientId = (await page.Locator("[data-testid=devapp-client-id]").InnerTextAsync()).Trim();
            Assert.StartsWith("esa_", clientId);
            await Assertions.Expect(page.Locator("#devapp-table")).ToContainTextAsync("http://127.0.0.1:8765/cb");

            // A reload: the app and its client id stay, the secret is gone for good.
            await page.ReloadAsync();
            await Steps.WaitInteractiveAsync(page);
            await Assertions.Expect(page.Locator("[data-testid=devapp-client-id]")).ToHaveTextAsync(clientId);
            await Assertions.Expect(page.Locator("#devapp-secret")).ToHaveCountAsync(0);
            Assert.DoesNotContain(secret, await page.ContentAsync());

            // Rotate: asks first, then shows a new secret once.
            await page.ClickAsync("[data-testid=devapp-rotate]");
            await Assertions.Expect(page.Locator(".mud-dialog")).ToContainTextAsync("stops working at once");
            await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Rotate", Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("#devapp-secret-value")).ToContainTextAsync("escs_");
            var rotated = (await page.Locator("#devapp-secret-value").InnerTextAsync()).Trim();
            Assert.NotEqual(secret, rotated);

            // Delete: asks first, then the list is empty and the secret gone.
            await page.ClickAsync("[data-testid=devapp-delete]");
            await Assertions.Expect(page.Locator(".mud-dialog")).ToContainTextAsync("Delete \"Invoice robot\"?");
            await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("#devapp-table")).ToContainTextAsync("No apps yet");
            await Assertions.Expect(page.Locator("#devapp-secret")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("#authapp-table")).ToContainTextAsync("No apps can act for you");
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            throw;
        }
    }
}
