using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ESignWeb.Accounts;
using ESignWeb.Api;
using ESignWeb.Data;
using ESignWeb.Outbox;
using ESignWeb.Tests.Fixtures;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// An attacker registers someone else's address with their own password. Whoever holds the mailbox takes the account
/// back: the confirmation link makes them choose the password, and the attacker's password and API keys stop working.
/// </summary>
public class AccountTakeoverTests
{
    private const string Victim = "victim@corp.com";
    private const string PasswordA = "Attacker-Pass-1"; // the squatter's
    private const string PasswordB = "Owner-Chosen-2"; // chosen through the mailed link
    private const string PasswordC = "Second-Try-3"; // the owner's own registration attempt

    private static HttpClient Browser(ESignAppFactory app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task<ApplicationUser> UserAsync(ESignAppFactory app, string email)
    {
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Users.AsNoTracking().SingleAsync(u => u.Email == email);
    }

    private static async Task<bool> ChecksAsync(ESignAppFactory app, string email, string password)
    {
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return await users.CheckPasswordAsync((await users.FindByEmailAsync(email))!, password);
    }

    private static async Task<int> PendingCountAsync(HttpClient api) =>
        JsonDocument.Parse(await api.GetStringAsync("/v1/files/pending/")).RootElement.GetProperty("count").GetInt32();

    [Theory]
    [InlineData(true, "resend")]
    [InlineData(false, "forgot")] // without required confirmation the squatter can sign in and make keys at once
    public async Task The_mailbox_takes_back_an_address_someone_else_registered_and_the_squatters_password_and_keys_stop_working(
        bool requireConfirmed, string howAsked)
    {
        await using var app = new ESignAppFactory { Settings = { ["ESign:RequireConfirmedAccount"] = requireConfirmed.ToString() } };
        var admin = await app.CreateUserAsync("admin@corp.com");
        await app.Get<Administrators>().GrantAsync("admin@corp.com"); // reads account mail on the Outbox page
        var sent = await new SigningScenario(app).SendAsync(false, Victim); // a request for the victim

        // 1. The attacker registers the victim's address with password A.
        var (registered, _) = await AccountForms.RegisterAsync(Browser(app), Victim, "Mallory", password: PasswordA);
        var squatter = await UserAsync(app, Victim);
        Assert.False(squatter.EmailConfirmed);
        var (loginPath, loginHtml) = await AccountForms.LogInAsync(Browser(app), Victim, PasswordA);
        if (requireConfirmed)
        {
            Assert.Contains("RegisterConfirmation", registered);
            Assert.Equal("/Account/Login", loginPath); // unconfirmed: no sign-in, so no key from the Settings page
            Assert.Contains("Invalid login attempt", loginHtml);
        }
        else
        {
            Assert.DoesNotContain("/Account/", loginPath); // signed in
        }
        // A key held by the squatter (the Settings page makes them the same way); it sees nothing for the address yet.
        var (attackerApi, _) = await app.ApiClientAsync(squatter.Id, "mallory");
        Assert.Equal(0, await PendingCountAsync(attackerApi));

        // 2. The owner finds the address "taken"? No: registering it again answers like a new registration, mails the
        // confirmation again and does not take the owner's password C (nor keep anything of this attempt).
        var (again, againHtml) = await AccountForms.RegisterAsync(Browser(app), Victim, "Victoria", password: PasswordC);
        Assert.Contains("RegisterConfirmation", again);
        Assert.DoesNotContain("already taken", againHtml);
        Assert.True(await ChecksAsync(app, Victim, PasswordA));
        Assert.False(await ChecksAsync(app, Victim, PasswordC));
        Assert.Equal(squatter.Id, (await UserAsync(app, Victim)).Id);

        // 3. The owner asks for the mail (Resend confirmation, or Forgot password — which for a never-confirmed
        // address sends the same confirmation mail); the administrator passes the link on.
        var (_, askedHtml) = howAsked == "resend"
            ? await AccountForms.ResendConfirmationAsync(Browser(app), Victim)
            : await AccountForms.ForgotPasswordAsync(Browser(app), Victim);
        Assert.DoesNotContain("Error", askedHtml);
        var outbox = app.Get<OutboxQueries>();
        var mails = await Poll.UntilAsync(async () =>
            (await outbox.ListAsync(admin, ESignWeb.Data.PageRequest.First)).Rows.Where(m => m.Summary.Contains(Victim) && m.Summary.Contains("Confirm") && m.HasEml).ToList()
            is { Count: 3 } l ? l : null);
        var links = new List<string>();
        foreach (var m in mails.OrderBy(m => m.Id))
            links.Add(new Uri(Regex.Match((await outbox.ReadMailAsync(admin, m.Id))!.Text, @"http://localhost/Account/ConfirmEmail\?\S+").Value).PathAndQuery);
        var owner = Browser(app);

        // 4. Opening the link does not confirm: it asks for the password first.
        var (_, opened) = await AccountForms.SubmitAsync(owner, links[^1], new Dictionary<string, string>()); // an empty form: refused
        Assert.Contains("choose-password", opened);
        Assert.False((await UserAsync(app, Victim)).EmailConfirmed);
        Assert.True(await ChecksAsync(app, Victim, PasswordA));

        var (_, done) = await AccountForms.ConfirmWithPasswordAsync(owner, links[^1], PasswordB);
        Assert.Contains("Thank you for confirming your email", done);
        Assert.Contains("keys-revoked", done);
        var confirmed = await UserAsync(app, Victim);
        Assert.True(confirmed.EmailConfirmed);
        Assert.NotEqual(squatter.SecurityStamp, confirmed.SecurityStamp); // other sessions end

        // 5. Password A no longer signs in, B does; the squatter's key is revoked.
        Assert.False(await ChecksAsync(app, Victim, PasswordA));
        var (refusedPath, refusedHtml) = await AccountForms.LogInAsync(Browser(app), Victim, PasswordA);
        Assert.Equal("/Account/Login", refusedPath);
        Assert.Contains("Invalid login attempt", refusedHtml);
        var (okPath, _) = await AccountForms.LogInAsync(Browser(app), Victim, PasswordB);
        Assert.DoesNotContain("/Account/", okPath);
        var revoked = await attackerApi.GetAsync("/v1/files/pending/");
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.All(await app.Get<ApiKeyService>().ListAsync(confirmed.Id), k => Assert.NotNull(k.RevokedAt));

        // 6. The other (earlier) links are spent; the owner's own new key lists the request sent to them.
        var stale = await (await Browser(app).GetAsync(links[0])).Content.ReadAsStringAsync();
        Assert.Contains("Error confirming your email", stale);
        Assert.DoesNotContain("choose-password", stale);
        Assert.False(await ChecksAsync(app, Victim, PasswordA));
        var (ownerApi, _) = await app.ApiClientAsync(confirmed.Id, "victoria");
        Assert.Equal(1, await PendingCountAsync(ownerApi));
        Assert.Equal(HttpStatusCode.OK, (await ownerApi.GetAsync($"/v1/files/pending/{sent.RequestId}/")).StatusCode);
    }

    [Fact]
    public async Task A_password_reset_revokes_the_accounts_api_keys_and_says_so()
    {
        await using var app = new ESignAppFactory();
        var id = await app.CreateUserAsync("sam@corp.com");
        var (api, _) = await app.ApiClientAsync(id);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/v1/files/pending/")).StatusCode);
        string code;
        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(await users.GeneratePasswordResetTokenAsync((await users.FindByIdAsync(id))!)));
        }

        var (path, html) = await AccountForms.SubmitAsync(Browser(app), $"/Account/ResetPassword?code={code}", new Dictionary<string, string>
        {
            ["Input.Email"] = "sam@corp.com", ["Input.Password"] = PasswordB, ["Input.ConfirmPassword"] = PasswordB,
            ["Input.Code"] = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code)),
        });
        Assert.StartsWith("/Account/ResetPasswordConfirmation", path);
        Assert.Contains("keys-revoked", html);
        Assert.Contains("1 API key(s)", html);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/v1/files/pending/")).StatusCode);
        Assert.True(await ChecksAsync(app, "sam@corp.com", PasswordB));
    }

}
