using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using ESignWeb.Domain;
using ESignWeb.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using MimeKit;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// Issue 11's combined journey, in Debian's Chromium against the real app with a real SMTP sink. The sender prepares
/// one request on the prepare page: group 1 = a signer with a password and an SMS code (required to view) and an
/// approver, group 2 = a second signer and a final-copy reader; red ink; a redirect after signing. Group 1 is invited
/// at once, group 2 only after both acted, the reader never; the gated signer gives a wrong password, the right one
/// and the code from the SMS outbox (the folder, and the sender's Outbox page shows it), draws, finishes and lands on the redirect URL; the approver approves; the
/// second signer signs; the reader's mail carries the sealed PDF (pdfsig valid, red ink) and the audit trail.
/// </summary>
[Collection(E2ECollection.Name)]
public class BoxSignRequestJourneyTests(ITestOutputHelper output)
{
    private const string Sender = "sara.sender@example.com"; // SigningJourneyTests.PrepareAsync registers her
    private const string Gwen = "gwen.gated@example.com", Apu = "apu.approver@example.com", Bob = "bob.second@example.com", Carl = "carl.copy@example.com";
    private const string SignerPassword = "tulip 42";

    [Fact]
    public async Task Groups_1_1_2_with_a_gated_signer_an_approver_and_a_copy_reader_red_ink_and_a_redirect()
    {
        var clock = Stopwatch.StartNew();
        await using var smtp = await SmtpSink.StartAsync();
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Smtp__Host"] = "127.0.0.1", ["Smtp__Port"] = smtp.Port.ToString(), ["Smtp__Security"] = "None",
            ["ESign__RequireConfirmedAccount"] = "false",
        });
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var page = browser.Page;
        IPage? current = page;
        // The redirect: the app itself, with a marker the test recognises.
        var redirect = app.BaseUrl + "/healthz?e2e=after-signing";
        try
        {
            // ---- The sender prepares the request on the prepare page.
            var requestId = await SigningJourneyTests.PrepareAsync(page, app, TestPdf.Pages(1), ordered: true,
                (Gwen, "Gwen", "Gated", ["signature"]),
                (Apu, "Apu", "Approver", []),
                (Bob, "Bob", "Second", ["signature"]),
                (Carl, "Carl", "Copy", []));
            await page.GetByRole(AriaRole.Radio, new() { Name = OptionWords.InGroups }).CheckAsync();
            await Assertions.Expect(page.Locator(".signer-group")).ToHaveCountAsync(4);
            await RequestOptionsJourneyTests.SetGroupAsync(page, Apu, 1);
            await RequestOptionsJourneyTests.SetGroupAsync(page, Bob, 2);
            await RequestOptionsJourneyTests.SetGroupAsync(page, Carl, 2);
            await RequestOptionsJourneyTests.SetRoleAsync(page, Apu, OptionWords.Of(RecipientRole.Approver));
            await RequestOptionsJourneyTests.SetRoleAsync(page, Carl, OptionWords.Of(RecipientRole.FinalCopyReader));

            var gwenRow = RequestOptionsJourneyTests.Row(page, Gwen);
            await gwenRow.Locator(".signer-options-toggle").ClickAsync();
            await gwenRow.Locator(".password-add").ClickAsync();
            await gwenRow.Locator(".password-input input").FillAsync(SignerPassword);
            await gwenRow.Locator(".password-set").ClickAsync();
            await Assertions.Expect(gwenRow.Locator(".password-state")).ToHaveTextAsync("Password set");
            await gwenRow.Locator(".signer-phone input").FillAsync("+44 20 7946 0958");
            await gwenRow.Locator(".signer-phone input").PressAsync("Tab");
            await Assertions.Expect(gwenRow.Locator(".signer-options-summary")).ToContainTextAsync("SMS code to +44 ••• 58");

            await page.ClickAsync("#options-toggle");
            await page.GetByRole(AriaRole.Radio, new() { Name = OptionWords.Of(SignatureColor.Red) }).CheckAsync();
            await page.GetByRole(AriaRole.Checkbox, new() { Name = OptionWords.PhoneVerification }).CheckAsync();
            await page.FillAsync("#option-redirect", redirect);
            await page.PressAsync("#option-redirect", "Tab");
            await Assertions.Expect(page.Locator("#save-state")).ToContainTextAsync("Draft saved");
            await browser.Shots.TakeAsync("i11-prepare-options");
            // Stored as chosen before sending (the editor saves on its own).
            var stored = await Poll.UntilAsync(() => Task.FromResult(Stored(app.DatabasePath, requestId) is { Color: 2, PhoneRequired: true } s
                && s.Redirect == redirect ? s : null));
            output.WriteLine($"stored before sending: {stored}");

            await page.ClickAsync("#send-button");
            await Assertions.Expect(page.GetByText("Signature requests")).ToBeVisibleAsync();
            Assert.Equal(
                new Dictionary<string, (int, int)> { [Gwen] = (1, 0), [Apu] = (1, 1), [Bob] = (2, 0), [Carl] = (2, 2) },
                Recipients(app.DatabasePath, requestId));

            // ---- Group 1 (Gwen and Apu) is invited at once; nobody of group 2.
            await smtp.WaitForMessageToAsync(Gwen, Invitation, 60);
            await smtp.WaitForMessageToAsync(Apu, Invitation, 60);
            Assert.Empty(smtp.MessagesTo(Bob));
            Assert.Empty(smtp.MessagesTo(Carl));

            // ---- Gwen: a wrong password (refused, audited), the right one, the SMS code, red ink, Finish → the redirect.
            var gwen = await SigningJourneyTests.OpenLinkFromMailAsync(browser, smtp, Gwen);
            current = gwen;
            var gate = gwen.Locator("#signer-gate");
            await Assertions.Expect(gate).ToHaveAttributeAsync("data-step", "Password");
            await browser.Shots.TakeAsync("i11-gate-password", gwen);
            await gwen.Locator("#gate-password").FillAsync("not the password");
            await gwen.Locator("#gate-password-submit").ClickAsync();
            await Assertions.Expect(gwen.Locator("#gate-error")).ToContainTextAsync("Attempts left: 4");
            await browser.Shots.TakeAsync("i11-gate-password-wrong", gwen);
            await Assertions.Expect(gate).ToHaveAttributeAsync("data-step", "Password");
            Assert.Equal(["password_failed"], AuditTypes(app.DatabasePath, requestId, Gwen).Where(t => t.StartsWith("password")));
            await gwen.Locator("#gate-password").FillAsync(SignerPassword);
            await gwen.Locator("#gate-password-submit").ClickAsync();
            await Assertions.Expect(gate).ToHaveAttributeAsync("data-step", "PhoneCode");
            await Assertions.Expect(gate).ToContainTextAsync("+44 ••• 58");
            await browser.Shots.TakeAsync("i11-gate-phone", gwen);
            var smsFolder = Path.Combine(app.DataDir, "sms");
            await gwen.Locator("#gate-send-code").ClickAsync();
            await Assertions.Expect(gwen.Locator("#gate-code-sent")).ToBeVisibleAsync();
            var sms = await Poll.UntilAsync(() => Task.FromResult(Newest(smsFolder)), 30);
            Assert.StartsWith("To: +442079460958", sms);
            var code = Regex.Match(sms, @"\b\d{6}\b");
            Assert.True(code.Success, "No 6-digit code in the SMS file:\n" + sms);
            // The SMS outbox is shown next to the mail on the sender's Outbox page: the same code, to the same number.
            await page.GotoAsync("/outbox");
            await Steps.WaitInteractiveAsync(page);
            var smsRow = page.Locator("#sms-table tbody tr", new() { HasText = code.Value });
            await Assertions.Expect(smsRow).ToHaveCountAsync(1);
            await Assertions.Expect(smsRow).ToContainTextAsync("+442079460958");
            await browser.Shots.TakeAsync("i11-outbox-sms");
            await gwen.Locator("#gate-code").FillAsync(code.Value);
            await gwen.Locator("#gate-code-submit").ClickAsync();
            await SigningJourneyTests.ConsentAsync(gwen);
            await gwen.Locator(".sign-field[data-field-type=signature]").First.ClickAsync();
            await Assertions.Expect(gwen.Locator("#signature-pad[data-ink='#b3261e']")).ToBeVisibleAsync(); // red ink in the pad
            await browser.Shots.TakeAsync("i11-pad-red", gwen);
            await gwen.Locator(".signature-mode[data-mode=draw]").ClickAsync();
            await gwen.Locator("#signature-pad[data-ready=true]").WaitForAsync();
            var pad = (await gwen.Locator("#signature-pad").BoundingBoxAsync())!;
            await gwen.Mouse.MoveAsync(pad.X + 30, pad.Y + pad.Height * 0.6f);
            await gwen.Mouse.DownAsync();
            for (var i = 0; i <= 20; i++)
                await gwen.Mouse.MoveAsync(pad.X + 30 + i * 12, pad.Y + pad.Height * (0.5f + 0.25f * MathF.Sin(i / 2f)));
            await gwen.Mouse.UpAsync();
            await gwen.ClickAsync("#signature-apply");
            await Assertions.Expect(gwen.Locator(".sign-field[data-field-type=signature] img").First).ToBeVisibleAsync();
            await browser.Shots.TakeAsync("i11-signed-red", gwen);
            await gwen.ClickAsync("#finish-button");
            await gwen.WaitForURLAsync(redirect, new() { Timeout = 30_000 });
            Assert.Equal(redirect, gwen.Url);

            // Group 2 still waits: Apu has not approved.
            Assert.Empty(smtp.MessagesTo(Bob));

            // ---- Apu approves from his mail.
            var apu = await SigningJourneyTests.OpenLinkFromMailAsync(browser, smtp, Apu);
            current = apu;
            await SigningJourneyTests.ConsentAsync(apu);
            await Assertions.Expect(apu.Locator("#approval-bar")).ToBeVisibleAsync();
            await Assertions.Expect(apu.Locator("#finish-button")).ToHaveCountAsync(0);
            await browser.Shots.TakeAsync("i11-approver", apu);
            await apu.ClickAsync("#approve-button");
            await Assertions.Expect(apu.Locator("#sign-status h1")).ToHaveTextAsync("Thank you: you have approved");
            await browser.Shots.TakeAsync("i11-approved", apu);

            // ---- Only now is group 2's signer invited; the reader still not.
            var bob = await SigningJourneyTests.OpenLinkFromMailAsync(browser, smtp, Bob);
            current = bob;
            Assert.DoesNotContain(smtp.MessagesTo(Carl), Invitation);
            await SigningJourneyTests.ConsentAsync(bob);
            await SigningJourneyTests.FillSignatureAsync(bob, draw: true);
            await bob.ClickAsync("#finish-button");
            await bob.WaitForURLAsync(redirect, new() { Timeout = 30_000 });
            current = page;

            // ---- Completion: the reader's one mail carries the sealed PDF and the audit trail.
            var copy = await smtp.WaitForMessageToAsync(Carl, m => m.Attachments.Any(), 120);
            var carlMail = smtp.MessagesTo(Carl);
            Assert.True(carlMail.Count == 1, $"Carl (final_copy_reader) got {carlMail.Count} mails: {string.Join(" | ", carlMail.Select(m => m.Subject))}");
            var attachments = copy.Attachments.OfType<MimePart>().ToList();
            Assert.True(attachments.Count == 2, $"attachments: {string.Join(", ", attachments.Select(a => a.FileName))}");
            var trailPart = attachments.Single(a => (a.FileName ?? "").Contains("audit trail"));
            var sealedPdf = SigningJourneyTests.Bytes(attachments.Single(a => a != trailPart));
            var trailPdf = SigningJourneyTests.Bytes(trailPart);

            var sig = await Poppler.PdfSigAsync(sealedPdf);
            Assert.True(sig.Contains("Signature is Valid"), "pdfsig on the reader's sealed PDF:\n" + sig);
            await page.GotoAsync($"/requests/{requestId}");
            await Steps.WaitInteractiveAsync(page);
            await browser.Shots.TakeAsync("i11-request-completed");

            // The ink in Gwen's field is red: the mean colour of its non-white pixels has R high, G and B low.
            var (r, g, b, n) = await InkColourAsync(sealedPdf, FieldRect(app.DatabasePath, requestId, Gwen));
            output.WriteLine($"Gwen's field in the sealed PDF: {n} ink pixels, mean colour ({r:0}, {g:0}, {b:0})");
            Assert.True(n > 50, $"Only {n} ink pixels in Gwen's signature field");
            Assert.True(r > 120 && g < 100 && b < 100, $"Ink colour ({r:0}, {g:0}, {b:0}) is not red");

            // The audit trail: the gates, the approval and the roles.
            var trail = Regex.Replace(await SigningJourneyTests.PdfTextAsync(trailPdf), @"\s+", " ");
            output.WriteLine(trail);
            foreach (var words in new[]
                     {
                         "Wrong signer password given", "Signer password accepted", "SMS code sent", "Phone verified by SMS code",
                         "Approved by Apu Approver",
                     })
                Assert.True(trail.Contains(words), $"The audit trail does not say \"{words}\":\n{trail}");
            Assert.True(trail.IndexOf("Wrong signer password given", StringComparison.Ordinal) < trail.IndexOf("Signer password accepted", StringComparison.Ordinal),
                "The wrong password should come before the accepted one");
            Assert.Matches(@"Approved by Apu Approver at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", trail);
            Assert.Equal(["password_failed", "password_verified", "phone_code_sent", "phone_verified", "viewed", "consented", "signed"],
                AuditTypes(app.DatabasePath, requestId, Gwen).Where(t => t is "password_failed" or "password_verified" or "phone_code_sent"
                    or "phone_verified" or "viewed" or "consented" or "signed"));
            Assert.Contains("approved", AuditTypes(app.DatabasePath, requestId, Apu));
            output.WriteLine($"Journey: {clock.Elapsed.TotalSeconds:0.0} s");
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("Mail: " + string.Join(" | ", smtp.Messages().Select(m => $"{m.To}: {m.Subject}")));
            output.WriteLine("App log:\n" + app.Log);
            if (current is not null) await current.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "box-sign-request-failure.png") });
            throw;
        }
    }

    private static bool Invitation(MimeMessage m) => (m.Subject ?? "").Contains("sent you");

    /// <summary>The newest file's text in the SMS outbox folder (names start with the UTC time), or null.</summary>
    private static string? Newest(string folder)
    {
        if (!Directory.Exists(folder)) return null;
        var file = Directory.GetFiles(folder, "*.txt").Order().LastOrDefault();
        return file is null ? null : File.ReadAllText(file);
    }

    /// <summary>
    /// Renders the field's rectangle of page 1 at 100 dpi (pdftoppm, binary PPM) and averages the pixels that are not
    /// near-white (min channel &lt; 200).
    /// </summary>
    private static async Task<(double R, double G, double B, int Count)> InkColourAsync(byte[] pdf, PdfRect field)
    {
        var dir = Directory.CreateTempSubdirectory("esign-ink-").FullName;
        try
        {
            var file = Path.Combine(dir, "sealed.pdf");
            await File.WriteAllBytesAsync(file, pdf);
            const double scale = 100 / 72.0, pageHeight = 792;
            var (x, y) = ((int)(field.X * scale), (int)((pageHeight - field.Top) * scale));
            var (w, h) = ((int)(field.Width * scale), (int)(field.Height * scale));
            var (code, text) = await Poppler.RunAsync("pdftoppm", "-r", "100", "-f", "1", "-l", "1", "-x", $"{x}", "-y", $"{y}",
                "-W", $"{w}", "-H", $"{h}", file, Path.Combine(dir, "field"));
            Assert.True(code == 0, text);
            var ppm = await File.ReadAllBytesAsync(Directory.GetFiles(dir, "field*.ppm").Single());
            var offset = 0;
            var header = new List<string>();
            while (header.Count < 4)
            {
                while (char.IsWhiteSpace((char)ppm[offset])) offset++;
                var start = offset;
                while (!char.IsWhiteSpace((char)ppm[offset])) offset++;
                header.Add(Encoding.ASCII.GetString(ppm, start, offset - start));
            }
            offset++;
            Assert.Equal("P6", header[0]);
            double r = 0, g = 0, b = 0;
            var n = 0;
            for (var i = offset; i + 2 < ppm.Length; i += 3)
            {
                if (Math.Min(ppm[i], Math.Min(ppm[i + 1], ppm[i + 2])) >= 200) continue;
                r += ppm[i]; g += ppm[i + 1]; b += ppm[i + 2]; n++;
            }
            return n == 0 ? (0, 0, 0, 0) : (r / n, g / n, b / n, n);
        }
        finally { Directory.Delete(dir, true); }
    }

    private sealed record StoredOptions(int? Color, bool PhoneRequired, string? Redirect);

    private static SqliteConnection Open(string db)
    {
        var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        c.Open();
        return c;
    }

    private static StoredOptions? Stored(string db, int requestId)
    {
        using var c = Open(db);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT SignatureColor, PhoneVerificationRequired, RedirectUrl FROM Requests WHERE Id = $id";
        cmd.Parameters.AddWithValue("$id", requestId);
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return null;
        return new StoredOptions(r.IsDBNull(0) ? null : r.GetInt32(0), !r.IsDBNull(1) && r.GetBoolean(1), r.IsDBNull(2) ? null : r.GetString(2));
    }

    /// <summary>Each recipient's order group and role (0 signer, 1 approver, 2 final-copy reader) as stored.</summary>
    private static Dictionary<string, (int Order, int Role)> Recipients(string db, int requestId)
    {
        using var c = Open(db);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT Email, OrderId, Role FROM Recipients WHERE RequestId = $id";
        cmd.Parameters.AddWithValue("$id", requestId);
        using var r = cmd.ExecuteReader();
        var result = new Dictionary<string, (int, int)>();
        while (r.Read()) result[r.GetString(0)] = (r.GetInt32(1), r.GetInt32(2));
        return result;
    }

    private static PdfRect FieldRect(string db, int requestId, string email)
    {
        using var c = Open(db);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT f.X, f.Y, f.Width, f.Height FROM Fields f JOIN Recipients r ON r.Id = f.RecipientId " +
                          "WHERE f.RequestId = $id AND r.Email = $email AND f.Type = $type";
        cmd.Parameters.AddWithValue("$id", requestId);
        cmd.Parameters.AddWithValue("$email", email);
        cmd.Parameters.AddWithValue("$type", (int)FieldType.Signature);
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read(), $"No signature field for {email}");
        return new PdfRect(r.GetDouble(0), r.GetDouble(1), r.GetDouble(2), r.GetDouble(3));
    }

    /// <summary>The types of one recipient's audit events (by their e-mail as actor), in order.</summary>
    private static List<string> AuditTypes(string db, int requestId, string email)
    {
        using var c = Open(db);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT Type FROM AuditEvents WHERE RequestId = $id AND ActorEmail = $email ORDER BY Seq";
        cmd.Parameters.AddWithValue("$id", requestId);
        cmd.Parameters.AddWithValue("$email", email);
        using var r = cmd.ExecuteReader();
        var types = new List<string>();
        while (r.Read()) types.Add(r.GetString(0));
        return types;
    }
}
