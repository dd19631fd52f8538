using System.Text.RegularExpressions;
using ESignWeb.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using MimeKit;
using Xunit.Abstractions;
using static ESignWeb.Tests.E2E.SigningJourneyTests;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// Templates end to end in Debian's Chromium against the real app: upload a PDF as a template, name two roles, place
/// a signature for each and a merge field, use it (people per role, the merge value), both signers sign from their
/// mails, and the merge value is in the sealed PDF (pdftotext), which verifies (pdfsig).
/// </summary>
[Collection(E2ECollection.Name)]
public class TemplateJourneyTests(ITestOutputHelper output)
{
    private const string Sender = "tara.templates@example.com";

    [Fact]
    public async Task A_template_with_two_roles_and_a_merge_field_is_sent_signed_and_sealed_with_the_merge_value()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Smtp__Host"] = "127.0.0.1", ["Smtp__Port"] = smtp.Port.ToString(), ["Smtp__Security"] = "None",
            ["ESign__RequireConfirmedAccount"] = "false",
        });
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;
        try
        {
            await Steps.RegisterAsync(page, Sender, "Tara", "Templates");
            await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();

            // 1. A template from an uploaded PDF.
            await page.GotoAsync("/templates");
            await Steps.WaitInteractiveAsync(page);
            var path = Path.Combine(app.DataDir, "Service agreement.pdf");
            await File.WriteAllBytesAsync(path, TestPdf.Pages(2));
            var chooser = await page.RunAndWaitForFileChooserAsync(() => page.ClickAsync("#template-upload"));
            await chooser.SetFilesAsync(path);
            await page.WaitForURLAsync(new Regex(@"/templates/\d+/edit"));
            var templateId = int.Parse(Regex.Match(page.Url, @"/templates/(\d+)/").Groups[1].Value);
            await Steps.WaitInteractiveAsync(page);
            await Assertions.Expect(page.Locator("#pdf-viewer[data-loaded=true]")).ToBeVisibleAsync();

            // 2. Name it, two roles (Client, Manager), sequential.
            await page.FillAsync("#template-name", "Service agreement template");
            await page.PressAsync("#template-name", "Tab");
            var firstRole = page.Locator(".template-role .role-name input").First;
            await firstRole.FillAsync("Client");
            await firstRole.PressAsync("Tab");
            await Assertions.Expect(page.Locator(".template-role[data-role-name=Client]")).ToBeVisibleAsync();
            await page.FillAsync("#new-role-name", "Mgr");
            await page.ClickAsync("#add-role");
            await Assertions.Expect(page.Locator(".template-role[data-role-name=Mgr]")).ToHaveAttributeAsync("data-role-id", "2");

            // 3. A signature for each role and a merge field, dragged onto page 1.
            var target = page.Locator(".pdf-page[data-page='1']");
            async Task DropAsync(string owner, string type, double fx, double fy)
            {
                await page.Locator(".palette-signers .mud-chip", new() { HasText = owner }).ClickAsync();
                var box = (await target.BoundingBoxAsync())!;
                var before = await page.Locator(".field-box").CountAsync();
                await Steps.DragFieldAsync(page, type, box.X + box.Width * fx, box.Y + box.Height * fy);
                await Assertions.Expect(page.Locator(".field-box")).ToHaveCountAsync(before + 1);
            }
            await DropAsync("Client", "signature", 0.3, 0.6);
            await DropAsync("Mgr", "signature", 0.3, 0.75);
            await DropAsync("Merge fields", "text", 0.5, 0.3);
            var label = page.Locator(".merge-field .merge-label input").First;
            await label.FillAsync("Company Name");
            await label.PressAsync("Tab");
            await Assertions.Expect(page.Locator(".merge-field[data-label='Company Name']")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator(".field-box", new() { HasText = "Company Name" })).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#save-state")).ToContainTextAsync("Saved");
            await browser.Shots.TakeAsync("template-edited");

            // The template editor is the prepare page's field editor: x/y/width/height boxes and Fit width.
            var mergeBox = page.Locator(".field-box", new() { HasText = "Company Name" });
            await mergeBox.FocusAsync();
            await page.FillAsync("#field-x", "100");
            await page.PressAsync("#field-x", "Tab");
            await Assertions.Expect(mergeBox).ToHaveAttributeAsync("style", new Regex(@"left:16\.339869%")); // 100 pt of 612
            await page.ClickAsync("#zoom-fit");
            var viewerWidth = await page.Locator("#pdf-viewer").EvaluateAsync<double>("e => e.clientWidth");
            await Assertions.Expect(page.Locator("#zoom-label")).ToHaveTextAsync($"{Math.Round((viewerWidth - 32) / 612 * 100)}%");
            await Assertions.Expect(page.Locator("#save-state")).ToContainTextAsync("Saved");

            // 4. A role renamed and Done pressed at once (no Tab, no wait): the rename is stored before the page leaves.
            await page.Locator(".template-role[data-role-id='2'] .role-name input").FillAsync("Manager");
            await page.ClickAsync("#template-done");
            await page.WaitForURLAsync(new Regex(@"/templates$"));
            // Listed with its roles; use it.
            var row = page.Locator("#templates-table tr", new() { HasText = "Service agreement template" });
            await Assertions.Expect(row).ToContainTextAsync("Client, Manager");
            await row.Locator(".use-template").ClickAsync();
            await page.WaitForURLAsync(new Regex($@"/templates/{templateId}/use"));
            await Steps.WaitInteractiveAsync(page);
            async Task PersonAsync(string role, string email, string first, string last)
            {
                var r = page.Locator($".use-role[data-role-name={role}]");
                await r.Locator(".role-email input").FillAsync(email);
                await r.Locator(".role-first input").FillAsync(first);
                await r.Locator(".role-last input").FillAsync(last);
            }
            await PersonAsync("Client", "carla.client@example.com", "Carla", "Client");
            await PersonAsync("Manager", "mike.manager@example.com", "Mike", "Manager");
            await page.Locator(".use-merge[data-label='Company Name'] input").FillAsync("ACME Rockets Ltd");
            await page.FillAsync("#use-name", "Service agreement ACME");
            await browser.Shots.TakeAsync("template-use");
            await page.ClickAsync("#use-send");
            await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#requests-table tr", new() { HasText = "Service agreement ACME" })).ToBeVisibleAsync();

            // 5. Sequential in role order: the client signs first, then the manager.
            foreach (var email in new[] { "carla.client@example.com", "mike.manager@example.com" })
            {
                var signer = await OpenLinkFromMailAsync(browser, smtp, email);
                await ConsentAsync(signer);
                await Assertions.Expect(signer.Locator(".sign-field:not(.other)")).ToHaveCountAsync(1); // merge values are no field of anyone
                await Assertions.Expect(signer.Locator(".sign-field")).ToHaveCountAsync(2);
                await FillSignatureAsync(signer, draw: false);
                await signer.ClickAsync("#finish-button");
                await Assertions.Expect(signer.Locator("#sign-status")).ToBeVisibleAsync();
            }

            // 6. The sealed PDF carries the merge value and verifies.
            var done = await smtp.WaitForMessageToAsync(Sender, m => (m.Subject ?? "").StartsWith("Completed"), 60);
            var sealedPdf = Bytes(done.Attachments.OfType<MimePart>().First(a => !(a.FileName ?? "").Contains("audit")));
            Assert.Contains("ACME Rockets Ltd", await PdfTextAsync(sealedPdf));
            Assert.Contains("Signature is Valid", await Poppler.PdfSigAsync(sealedPdf));

            // The template itself is unchanged by the request: no value stamped into its PDF, still two roles.
            await using var c = new SqliteConnection($"Data Source={app.DatabasePath};Mode=ReadOnly");
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM TemplateRoles WHERE TemplateId = $id";
            cmd.Parameters.AddWithValue("$id", templateId);
            Assert.Equal(2L, (long)cmd.ExecuteScalar()!);
            await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            await browser.Shots.TakeAsync("template-failure");
            throw;
        }
    }

    [Fact]
    public async Task A_password_protected_template_is_shown_with_its_password_and_sent_unprotected()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Smtp__Host"] = "127.0.0.1", ["Smtp__Port"] = smtp.Port.ToString(), ["Smtp__Security"] = "None",
            ["ESign__RequireConfirmedAccount"] = "false",
        });
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;
        try
        {
            await Steps.RegisterAsync(page, Sender, "Tara", "Templates");
            await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();
            await page.GotoAsync("/templates");
            await Steps.WaitInteractiveAsync(page);
            var path = Path.Combine(app.DataDir, "Protected.pdf");
            await File.WriteAllBytesAsync(path, TestPdf.PasswordProtected("s3cret", aes256: true)); // PDF.js opens it with the user password

            // Without the password: refused, with the reason.
            var chooser = await page.RunAndWaitForFileChooserAsync(() => page.ClickAsync("#template-upload"));
            await chooser.SetFilesAsync(path);
            await Assertions.Expect(page.Locator("#templates-error")).ToContainTextAsync("password-protected");

            // With it: the editor asks for the password to show the pages (a wrong one asks again).
            await page.FillAsync("#template-upload-password", "s3cret");
            chooser = await page.RunAndWaitForFileChooserAsync(() => page.ClickAsync("#template-upload"));
            await chooser.SetFilesAsync(path);
            await page.WaitForURLAsync(new Regex(@"/templates/\d+/edit"));
            await Steps.WaitInteractiveAsync(page);
            await page.FillAsync("#template-pdf-password", "wrong");
            await page.ClickAsync("#template-pdf-open");
            await Assertions.Expect(page.GetByText("That password does not open the PDF.")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#template-password-form")).ToBeVisibleAsync();
            await page.FillAsync("#template-pdf-password", "s3cret");
            await page.ClickAsync("#template-pdf-open");
            await Assertions.Expect(page.Locator("#pdf-viewer[data-loaded=true]")).ToBeVisibleAsync();
            await Steps.DragFieldAsync(page, "signature", 0, 0); // off the page: nothing is added
            var target = page.Locator(".pdf-page[data-page='1']");
            var box = (await target.BoundingBoxAsync())!;
            await Steps.DragFieldAsync(page, "signature", box.X + box.Width * 0.4, box.Y + box.Height * 0.5);
            await Assertions.Expect(page.Locator(".field-box")).ToHaveCountAsync(1);

            // Use it: the password is asked again; a wrong one is refused with the reason.
            await page.ClickAsync("#template-use");
            await Steps.WaitInteractiveAsync(page);
            var role = page.Locator(".use-role").First;
            await role.Locator(".role-email input").FillAsync("pat@example.com");
            await role.Locator(".role-first input").FillAsync("Pat");
            await page.FillAsync("#use-password", "nope");
            await page.ClickAsync("#use-send");
            await Assertions.Expect(page.Locator("#use-error")).ToContainTextAsync("file_password is wrong");
            await page.FillAsync("#use-password", "s3cret");
            await page.ClickAsync("#use-send");
            await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();

            // The signer opens an unprotected copy.
            var signer = await OpenLinkFromMailAsync(browser, smtp, "pat@example.com");
            await ConsentAsync(signer);
            await FillSignatureAsync(signer, draw: false);
            await signer.ClickAsync("#finish-button");
            var done = await smtp.WaitForMessageToAsync(Sender, m => (m.Subject ?? "").StartsWith("Completed"), 60);
            var sealedPdf = Bytes(done.Attachments.OfType<MimePart>().First(a => !(a.FileName ?? "").Contains("audit")));
            Assert.Contains("Signature is Valid", await Poppler.PdfSigAsync(sealedPdf));
            await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            await browser.Shots.TakeAsync("template-password-failure");
            throw;
        }
    }
}
