using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// The account pages as a new person meets them, in Debian's Chromium against the real app process opened on
/// http://127.0.0.1 (an IP address, where WebAuthn refuses to work), with mail over real SMTP: the sign-in page in the
/// app's own frame with its welcome and no template leftovers, the passkey button replaced by a note, a second account
/// registered → confirmed from the mailed link → "Sign in" → signed in, and the manage pages — all without a console
/// error.
/// </summary>
[Collection(E2ECollection.Name)]
public class AccountPagesJourneyTests
{
    /// <summary>Texts and classes of the ASP.NET Core Identity template that must not come back.</summary>
    private static readonly string[] TemplateLeftovers =
    [
        "There are no external authentication services configured", "See this", "go.microsoft.com",
        "Use a local account to log in", "Use another service to log in",
    ];

    private static readonly string[] BootstrapClasses = ["form-floating", "btn-primary", "form-control", "col-lg-6", "nav-pills"];

    [Fact]
    public async Task Register_confirm_from_the_mail_sign_in_and_manage_in_the_apps_own_look_without_console_errors()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Smtp__Host"] = "127.0.0.1", ["Smtp__Port"] = smtp.Port.ToString(), ["Smtp__Security"] = "None",
        });
        Assert.StartsWith("http://127.0.0.1:", app.BaseUrl);
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;

        // 1. The sign-in page on an IP address: the app bar, the welcome, the card; the passkey button gives way to a
        // note (no "SecurityError: invalid domain" in the console); MudBlazor's stylesheet, no Bootstrap.
        await page.GotoAsync("/Account/Login");
        await AssertAppLookAsync(page, "Sign in");
        await Assertions.Expect(page.GetByText("Get documents signed, without the paper.")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".account-welcome-steps li")).ToHaveCountAsync(4);
        await Assertions.Expect(page.Locator(".passkey-note")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".passkey-note")).ToContainTextAsync("not by an IP address");
        await Assertions.Expect(page.Locator("button[name=__passkeySubmit]")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("button[name=__passkeySubmit]")).ToBeDisabledAsync();
        Assert.Equal(1, await page.Locator("link[href*='MudBlazor.min']").CountAsync());
        Assert.Equal(0, await page.Locator("link[href*='bootstrap']").CountAsync());
        Assert.Equal("", browser.ConsoleErrors);
        await browser.Shots.TakeAsync("account-sign-in");

        // 2. The first account (the administrator) registers in the same look and lands on the dashboard.
        await page.GotoAsync("/Account/Register");
        await AssertAppLookAsync(page, "Create your account");
        await Steps.RegisterAsync(page, "ada@example.com", "Ada", "Admin");
        await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();

        // 3. A second person registers in their own browser: "check your email", then the mailed link asks them to
        // choose the password, confirms, and offers a clear "Sign in" button that leads to a working sign-in.
        var other = await (await browser.NewContextAsync()).NewPageAsync();
        await Steps.RegisterAsync(other, "bo@example.com", "Bo", "Second");
        await other.WaitForURLAsync(new Regex("/Account/RegisterConfirmation"));
        await AssertAppLookAsync(other, "Check your email");
        var mail = await smtp.WaitForMessageToAsync("bo@example.com", m => (m.Subject ?? "").Contains("Confirm"));
        var link = Regex.Match(mail.TextBody ?? "", $@"{Regex.Escape(app.BaseUrl)}/Account/ConfirmEmail\?\S+").Value;
        Assert.NotEmpty(link);

        await other.GotoAsync(link);
        await AssertAppLookAsync(other, "Confirm your email");
        await other.FillAsync("#Input\\.Password", Steps.Password);
        await other.FillAsync("#Input\\.ConfirmPassword", Steps.Password);
        await other.GetByRole(AriaRole.Button, new() { Name = "Set password and confirm" }).ClickAsync();
        await Assertions.Expect(other.GetByText("Thank you for confirming your email")).ToBeVisibleAsync();
        var signIn = other.Locator("#sign-in-button");
        await Assertions.Expect(signIn).ToBeVisibleAsync();
        await Assertions.Expect(signIn).ToHaveTextAsync(new Regex("Sign in", RegexOptions.IgnoreCase));
        await browser.Shots.TakeAsync("account-confirmed", other);

        await signIn.ClickAsync();
        await other.WaitForURLAsync(new Regex("/Account/Login"));
        await AssertAppLookAsync(other, "Sign in");
        await other.FillAsync("#Input\\.Email", "bo@example.com");
        await other.FillAsync("#Input\\.Password", Steps.Password);
        await other.Locator("#sign-in-submit").ClickAsync();
        await Assertions.Expect(other.GetByText("Signature requests")).ToBeVisibleAsync();

        // 4. The manage pages: the same app bar, a MudBlazor navigation beside the content; the passkey page on an IP
        // address shows the note instead of a button that could only fail.
        await other.GotoAsync("/Account/Manage");
        await AssertAppLookAsync(other, "Your account");
        var nav = other.Locator(".mud-navmenu");
        foreach (var item in new[] { "Profile", "Email", "Password", "Two-factor authentication", "Passkeys", "Personal data" })
            await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = item, Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(other.Locator("#username")).ToHaveValueAsync("bo@example.com");
        await nav.GetByRole(AriaRole.Link, new() { Name = "Passkeys", Exact = true }).ClickAsync();
        await other.WaitForURLAsync(new Regex("/Account/Manage/Passkeys"));
        await AssertAppLookAsync(other, "Your account");
        await Assertions.Expect(other.Locator(".passkey-note")).ToContainTextAsync("not by an IP address");
        await Assertions.Expect(other.Locator("button[name=__passkeySubmit]")).ToBeHiddenAsync();
        await browser.Shots.TakeAsync("account-manage", other);

        Assert.Equal("", browser.ConsoleErrors);
    }

    /// <summary>The app's own frame (app bar with the product name, MudBlazor), the page's heading, no template text.</summary>
    private static async Task AssertAppLookAsync(IPage page, string heading)
    {
        await Assertions.Expect(page.Locator("header.mud-appbar")).ToContainTextAsync("ESignWeb");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(heading);
        var html = await page.ContentAsync();
        foreach (var leftover in TemplateLeftovers) Assert.DoesNotContain(leftover, html);
        foreach (var cls in BootstrapClasses) Assert.Equal(0, await page.Locator("." + cls).CountAsync());
    }
}
