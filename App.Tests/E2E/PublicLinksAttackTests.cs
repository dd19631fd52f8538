using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ESignWeb.Accounts;
using ESignWeb.Data;
using ESignWeb.Tests.Fixtures;
using ESignWeb.Tests.Integration;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// Attacks on where mailed links point and on who may confirm an address, against the real app process with mail over
/// real SMTP: a forged <c>Host</c> header never reaches a link, a public instance without <c>ESign:PublicBaseUrl</c>
/// does not start, and <c>admin grant</c> works from the command line.
/// </summary>
public class PublicLinksAttackTests
{
    private const string Evil = "evil.example";

    private static HttpClient Client(AppProcess app) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = new Uri(app.BaseUrl),
        };

    private static string Body(MimeMessage m) => (m.TextBody ?? "") + "\n" + (m.HtmlBody ?? "");

    [Fact]
    public async Task Forged_host_headers_never_change_the_links_in_reset_confirmation_and_signing_mail()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Smtp__Host"] = "127.0.0.1",
            ["Smtp__Port"] = smtp.Port.ToString(),
            ["Smtp__Security"] = "None",
            ["ESign__PublicBaseUrl"] = "http://127.0.0.1:{port}",
        });
        var linkBase = Regex.Escape(app.BaseUrl + "/");

        // The first account (the administrator) — every request carries the attacker's Host header.
        using var admin = Client(app);
        var (path, _) = await AccountForms.RegisterAsync(admin, "ada@example.com", "Ada", Evil);
        Assert.DoesNotContain("RegisterConfirmation", path);

        // 1. Password reset asked for with Host: evil.example.
        await AccountForms.ForgotPasswordAsync(Client(app), "ada@example.com", Evil);
        var reset = await smtp.WaitForMessageToAsync("ada@example.com", m => (m.Subject ?? "").Contains("Reset"));
        Assert.Matches($@"{linkBase}Account/ResetPassword\?code=[A-Za-z0-9_-]+", reset.TextBody);
        Assert.DoesNotContain(Evil, Body(reset));

        // 2. A second account registered with Host: evil.example: no link on the page; the mailed one keeps the
        // configured host and confirms the account.
        using var second = Client(app);
        var (confirmPage, html) = await AccountForms.RegisterAsync(second, "bo@example.com", "Bo", Evil);
        Assert.Contains("RegisterConfirmation", confirmPage);
        Assert.DoesNotContain("ConfirmEmail", html);
        var confirmation = await smtp.WaitForMessageToAsync("bo@example.com", m => (m.Subject ?? "").Contains("Confirm"));
        Assert.DoesNotContain(Evil, Body(confirmation));
        var confirmLink = Regex.Match(confirmation.TextBody ?? "", $@"{linkBase}Account/ConfirmEmail\?\S+").Value;
        Assert.NotEmpty(confirmLink);
        // A never-confirmed account: the link asks the mailbox's holder for the password before it confirms.
        Assert.Contains("choose-password", await second.GetStringAsync(new Uri(confirmLink).PathAndQuery));
        var (_, confirmed) = await AccountForms.ConfirmWithPasswordAsync(second, new Uri(confirmLink).PathAndQuery, "Another-Horse-7");
        Assert.Contains("Thank you for confirming your email", confirmed);

        // 3. A signing invitation sent over the API with Host: evil.example.
        var key = await AppCommand.RunAsync(new Dictionary<string, string> { ["ESign__DataPath"] = app.DataDir }, TimeSpan.FromSeconds(60),
            "apikey", "create", "--email", "ada@example.com");
        Assert.Equal(0, key.ExitCode);
        using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Regex.Match(key.Output, @"esk_\S+").Value);
        api.DefaultRequestHeaders.Host = Evil;
        var upload = new MultipartFormDataContent { { new StringContent("NDA.pdf"), "name" }, { new ByteArrayContent(TestPdf.Pages(1)), "file", "NDA.pdf" } };
        var file = JsonDocument.Parse(await (await api.PostAsync("/v1/files/original/", upload)).Content.ReadAsStringAsync()).RootElement;
        var created = await api.PostAsync("/v1/files/pending/fields/", new StringContent(JsonSerializer.Serialize(new
        {
            original_file_id = file.GetProperty("id").GetInt32(), name = "NDA", is_ordered = true,
            recipients = new[] { new { email = "jack@example.com", first_name = "Jack", last_name = "W" } },
            cc = new[] { new { email = "boss@example.com" } },
            fields_payload = new[] { new { email = "jack@example.com", type = "signature", required = true, page_number = 1, x = 72, y = 100, width = 160, height = 48, additional_info = new { } } },
        }), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var invite = await smtp.WaitForMessageToAsync("jack@example.com");
        Assert.Matches($@"{linkBase}sign/[A-Za-z0-9_-]{{43}}", invite.TextBody);
        Assert.DoesNotContain(Evil, Body(invite));
        Assert.DoesNotContain(Evil, Body(await smtp.WaitForMessageToAsync("boss@example.com")));
    }

    [Theory]
    [InlineData("", "listens on http://0.0.0.0")]
    [InlineData("https://sign.example.com/?next=evil", "query")]
    [InlineData("sign.example.com", "absolute")]
    public async Task An_instance_refuses_to_start_without_a_usable_public_base_url(string publicBaseUrl, string reason)
    {
        var dataDir = Directory.CreateTempSubdirectory("esign-e2e-").FullName;
        try
        {
            var env = new Dictionary<string, string> { ["ESign__DataPath"] = dataDir };
            if (publicBaseUrl.Length > 0) env["ESign__PublicBaseUrl"] = publicBaseUrl;
            var run = await AppCommand.RunAsync(env, TimeSpan.FromSeconds(90), "--urls", $"http://0.0.0.0:{FreePort.Next()}");
            Assert.Equal(1, run.ExitCode); // a plain refusal, not a crash
            Assert.Contains("ESign:PublicBaseUrl", run.Output);
            Assert.Contains(reason, run.Output);
        }
        finally
        {
            try { Directory.Delete(dataDir, true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task Admin_grant_and_revoke_work_from_the_command_line()
    {
        var dataDir = Directory.CreateTempSubdirectory("esign-e2e-").FullName;
        var env = new Dictionary<string, string> { ["ESign__DataPath"] = dataDir };
        var timeout = TimeSpan.FromSeconds(60);
        Assert.Equal(0, (await AppCommand.RunAsync(env, timeout, "apikey", "create", "--email", "bob@example.com")).ExitCode);

        var grant = await AppCommand.RunAsync(env, timeout, "admin", "grant", "--email", "BOB@example.com");
        Assert.Equal(0, grant.ExitCode);
        Assert.Contains("is an administrator", grant.Output);
        var unknown = await AppCommand.RunAsync(env, timeout, "admin", "grant", "--email", "nobody@example.com");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no account with the e-mail address nobody@example.com", unknown.Output);
        Assert.Equal(2, (await AppCommand.RunAsync(env, timeout, "admin", "promote")).ExitCode);

        await using (var app = new ESignAppFactory { DataDir = dataDir, KeepData = true })
        {
            var bob = await UserIdAsync(app, "bob@example.com");
            Assert.True(await app.Get<Administrators>().IsAdministratorAsync(bob));
        }
        Assert.Equal(0, (await AppCommand.RunAsync(env, timeout, "admin", "revoke", "--email", "bob@example.com")).ExitCode);
        await using (var app = new ESignAppFactory { DataDir = dataDir })
            Assert.False(await app.Get<Administrators>().IsAdministratorAsync(await UserIdAsync(app, "bob@example.com")));
    }

    private static async Task<string> UserIdAsync(ESignAppFactory app, string email)
    {
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
    }
}
