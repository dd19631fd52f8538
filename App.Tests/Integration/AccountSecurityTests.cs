using System.Net;
using System.Text.Json;
using ESignWeb.Accounts;
using ESignWeb.Data;
using ESignWeb.Outbox;
using ESignWeb.Tests.Fixtures;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Without SMTP nobody confirms an address they do not own: the first account is the administrator, later accounts'
/// confirmation mail is readable only by the administrator, and an unconfirmed account sees nothing sent to its address.
/// Each test runs on a fresh instance (the first account matters).
/// </summary>
public class AccountSecurityTests
{
    private static HttpClient Browser(ESignAppFactory app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task<ApplicationUser> UserAsync(ESignAppFactory app, string email)
    {
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Users.AsNoTracking().SingleAsync(u => u.Email == email);
    }

    [Fact]
    public async Task The_first_account_is_the_confirmed_administrator_and_later_accounts_get_no_link_on_the_page()
    {
        await using var app = new ESignAppFactory();
        var admins = app.Get<Administrators>();

        var (firstPath, _) = await AccountForms.RegisterAsync(Browser(app), "owner@example.com", "Olive");
        Assert.DoesNotContain("RegisterConfirmation", firstPath); // signed in at once, no mail needed
        var first = await UserAsync(app, "owner@example.com");
        Assert.True(first.EmailConfirmed);
        Assert.True(await admins.IsAdministratorAsync(first.Id));

        var (path, html) = await AccountForms.RegisterAsync(Browser(app), "victim@example.com", "Mallory");
        Assert.Contains("RegisterConfirmation", path);
        Assert.Contains("waits in its outbox", html);
        Assert.DoesNotContain("ConfirmEmail", html);
        var second = await UserAsync(app, "victim@example.com");
        Assert.False(second.EmailConfirmed);
        Assert.False(await admins.IsAdministratorAsync(second.Id));

        // Its confirmation mail: the administrator reads it on the Outbox page; nobody else, not even that account.
        var outbox = app.Get<OutboxQueries>();
        var row = await Poll.UntilAsync(async () => (await outbox.ListAsync(first.Id, ESignWeb.Data.PageRequest.First)).Rows.FirstOrDefault(m => m.Summary.Contains("victim@example.com") && m.HasEml));
        var mail = await outbox.ReadMailAsync(first.Id, row.Id);
        Assert.Contains("/Account/ConfirmEmail?userId=", mail!.Text);
        Assert.Contains("http://localhost/", mail.Text); // ESign:PublicBaseUrl of the test instance
        Assert.DoesNotContain((await outbox.ListAsync(second.Id, ESignWeb.Data.PageRequest.First)).Rows, m => m.Id == row.Id);
        Assert.Null(await outbox.ReadMailAsync(second.Id, row.Id));
        var bystander = await app.CreateUserAsync("bystander@example.com");
        Assert.DoesNotContain((await outbox.ListAsync(bystander, ESignWeb.Data.PageRequest.First)).Rows, m => m.Id == row.Id);
        Assert.Null(await outbox.ReadMailAsync(bystander, row.Id));
    }

    [Fact]
    public async Task A_sender_keeps_seeing_the_mail_of_their_own_requests_but_not_their_own_account_mail()
    {
        await using var app = new ESignAppFactory();
        var s = await new SigningScenario(app).SendAsync(false, "signer@example.com");
        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var owner = await users.FindByIdAsync(s.Owner);
            // An e-mail change to someone else's address: its confirmation must not show to the one who asked for it.
            await scope.ServiceProvider.GetRequiredService<AccountMail>().SendEmailChangeAsync(owner!, "ceo@example.com", "http://localhost/");
        }
        var outbox = app.Get<OutboxQueries>();
        var mine = await Poll.UntilAsync(async () => (await outbox.ListAsync(s.Owner, ESignWeb.Data.PageRequest.First)).Rows is { Count: > 0 } l && l.All(m => m.DoneAt != null) ? l : null);
        Assert.Contains(mine, m => m.Summary.Contains("signer@example.com"));
        Assert.DoesNotContain(mine, m => m.Summary.Contains("ceo@example.com"));
    }

    [Fact]
    public async Task Simultaneous_first_registrations_make_exactly_one_administrator()
    {
        await using var app = new ESignAppFactory();
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            using var scope = app.Services.CreateScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var u = new ApplicationUser { UserName = $"u{i}@example.com", Email = $"u{i}@example.com", FirstName = "U" };
            Assert.True((await users.CreateAsync(u, "Passw0rd!long")).Succeeded);
            ids.Add(u.Id);
        }
        var admins = app.Get<Administrators>();
        var claims = await Task.WhenAll(ids.Select(id => Task.Run(() => admins.ClaimFirstAccountAsync(id))));
        Assert.Single(claims, c => c);
        Assert.True(claims[0]); // the earliest account
        Assert.Equal(1, (await Task.WhenAll(ids.Select(id => admins.IsAdministratorAsync(id)))).Count(a => a));
        Assert.False(await admins.ClaimFirstAccountAsync(ids[0])); // idempotent: never a second one
    }

    [Fact]
    public async Task An_unconfirmed_account_lists_and_reads_nothing_sent_to_its_address_until_confirmed()
    {
        await using var app = new ESignAppFactory();
        var s = await new SigningScenario(app).SendAsync(false, "victim@example.com");
        string squatter;
        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var u = new ApplicationUser { UserName = "victim@example.com", Email = "victim@example.com", FirstName = "Mallory" };
            Assert.True((await users.CreateAsync(u, "Passw0rd!long")).Succeeded);
            squatter = u.Id;
        }
        var (api, _) = await app.ApiClientAsync(squatter);

        var list = JsonDocument.Parse(await api.GetStringAsync("/v1/files/pending/")).RootElement;
        Assert.Equal(0, list.GetProperty("count").GetInt32());
        var one = await api.GetAsync($"/v1/files/pending/{s.RequestId}/");
        Assert.Equal(HttpStatusCode.Unauthorized, one.StatusCode);
        Assert.Equal("unauthorized_resource", JsonDocument.Parse(await one.Content.ReadAsStringAsync()).RootElement.GetProperty("error_code").GetString());

        // Once the address is proven (the mailed token), the recipient's requests are listed.
        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var u = (await users.FindByIdAsync(squatter))!;
            Assert.True((await users.ConfirmEmailAsync(u, await users.GenerateEmailConfirmationTokenAsync(u))).Succeeded);
        }
        list = JsonDocument.Parse(await api.GetStringAsync("/v1/files/pending/")).RootElement;
        Assert.Equal(1, list.GetProperty("count").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/v1/files/pending/{s.RequestId}/")).StatusCode);
    }

    [Fact]
    public async Task Without_a_public_base_a_forged_host_gets_no_link_and_a_clear_refusal()
    {
        await using var app = new ESignAppFactory { Settings = { ["ESign:PublicBaseUrl"] = "" } };
        var owner = await app.CreateUserAsync("sender@example.com");
        var doc = await app.Get<Documents.DocumentService>().ImportAsync(owner, "NDA.pdf", new MemoryStream(TestPdf.Pages(1)), false);
        var (api, _) = await app.ApiClientAsync(owner);
        string Body() => JsonSerializer.Serialize(new
        {
            original_file_id = doc.Id, name = "NDA",
            recipients = new[] { new { email = "jack@example.com", first_name = "Jack", last_name = "W" } },
        });

        using var forged = new HttpRequestMessage(HttpMethod.Post, "/v1/files/pending/") { Content = new StringContent(Body(), System.Text.Encoding.UTF8, "application/json") };
        forged.Headers.Host = "evil.example";
        var refused = await api.SendAsync(forged);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("bad_request", error.GetProperty("error_code").GetString());
        Assert.Contains("ESign:PublicBaseUrl", error.GetProperty("message").GetString());
        await using (var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
            Assert.Equal(0, await db.Requests.CountAsync(r => r.OwnerId == owner)); // nothing half-created

        // The same call to the loopback host it serves works, and its mail points at the listening address.
        var ok = await api.PostAsync("/v1/files/pending/", new StringContent(Body(), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

}
