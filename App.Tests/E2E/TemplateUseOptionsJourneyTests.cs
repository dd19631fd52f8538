using System.Text.RegularExpressions;
using ESignWeb.Domain;
using ESignWeb.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// The template use page has the prepare page's per-signer options and request options (issue 11): in Debian's
/// Chromium against the real app, a role's person is asked for a password and the ink is red; the request sent from
/// the template has both (read from the app's database).
/// </summary>
[Collection(E2ECollection.Name)]
public class TemplateUseOptionsJourneyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_password_for_a_role_and_red_ink_chosen_on_the_use_page_are_on_the_sent_request()
    {
        await using var app = await AppProcess.StartAsync();
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;
        try
        {
            await Steps.RegisterAsync(page, "uma.use@example.com", "Uma", "Use");
            await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();

            // A template with its one role ("Signer") and a signature for it (pressed: added in the middle of page 1).
            await page.GotoAsync("/templates");
            await Steps.WaitInteractiveAsync(page);
            var path = Path.Combine(app.DataDir, "Lease.pdf");
            await File.WriteAllBytesAsync(path, TestPdf.Pages(1));
            var chooser = await page.RunAndWaitForFileChooserAsync(() => page.ClickAsync("#template-upload"));
            await chooser.SetFilesAsync(path);
            await page.WaitForURLAsync(new Regex(@"/templates/\d+/edit"));
            var templateId = int.Parse(Regex.Match(page.Url, @"/templates/(\d+)/").Groups[1].Value);
            await Steps.WaitInteractiveAsync(page);
            await Assertions.Expect(page.Locator("#pdf-viewer[data-loaded=true]")).ToBeVisibleAsync();
            await page.Locator(".palette-item[data-palette-type=signature]").ClickAsync();
            await Assertions.Expect(page.Locator(".field-box")).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator("#save-state")).ToContainTextAsync("Saved");

            await page.GotoAsync($"/templates/{templateId}/use");
            await Steps.WaitInteractiveAsync(page);
            var role = page.Locator(".use-role").First;
            await role.Locator(".role-email input").FillAsync("lena.lessee@example.com");
            await role.Locator(".role-first input").FillAsync("Lena");
            await role.Locator(".role-last input").FillAsync("Lessee");

            // The prepare page's signer options: a password (write-only).
            await role.Locator(".signer-options-toggle").ClickAsync();
            await role.Locator(".password-add").ClickAsync();
            await role.Locator(".password-input input").FillAsync("open sesame");
            await role.Locator(".password-set").ClickAsync();
            await Assertions.Expect(role.Locator(".password-state")).ToHaveTextAsync("Password set");
            await Assertions.Expect(role.Locator(".signer-options-summary")).ToHaveTextAsync("password");

            // The prepare page's request options: red ink.
            await page.ClickAsync("#options-toggle");
            await page.GetByRole(AriaRole.Radio, new() { Name = OptionWords.Of(SignatureColor.Red) }).CheckAsync();
            await browser.Shots.TakeAsync("template-use-options");

            await page.FillAsync("#use-name", "Lease for Lena");
            await page.ClickAsync("#use-send");
            await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#requests-table tr", new() { HasText = "Lease for Lena" })).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();

            var (color, hasPassword) = Stored(app.DatabasePath, "Lease for Lena");
            Assert.Equal((int)SignatureColor.Red, color);
            Assert.True(hasPassword);
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            throw;
        }
    }

    /// <summary>The request's stored colour and whether its one recipient has a password hash.</summary>
    private static (int? Color, bool HasPassword) Stored(string dbPath, string name)
    {
        using var c = new SqliteConnection($"Data Source={dbPath};Mode=ReadOnly");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT r.SignatureColor, x.PasswordHash IS NOT NULL FROM Requests r JOIN Recipients x ON x.RequestId = r.Id
            WHERE r.Name = $name
            """;
        cmd.Parameters.AddWithValue("$name", name);
        using var reader = cmd.ExecuteReader();
        Assert.True(reader.Read(), $"No request named {name}.");
        return (reader.IsDBNull(0) ? null : reader.GetInt32(0), reader.GetInt64(1) == 1);
    }
}
