using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Sealing;
using ESignWeb.Storage;
using ESignWeb.Tests.E2E;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// The audit trail lists the request's options ("Request options"), each recipient's with them — role, order group,
/// password required (never the password or its hash), the phone number masked, sign-in, in person — read back with
/// pdftotext: once from a real seal (folder path, redirects, subject), once rendered for every role.
/// </summary>
[Collection(E2ECollection.Name)]
public class AuditTrailOptionsTests
{
    private const string Password = "Tr0ub4dor&3-secret";
    private const string Phone = "+4915112345678";

    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    [Fact]
    public async Task A_sealed_requests_trail_lists_every_option_and_never_the_password()
    {
        await using var app = new ESignAppFactory();
        _ = app.Server;
        var s = new SigningScenario(app);
        s.Owner = await app.CreateUserAsync($"trail-{Guid.NewGuid():N}@example.com", "Tess", "Trail");
        int folderId;
        await using (var db = await s.Db.CreateDbContextAsync())
        {
            var now = DateTimeOffset.UtcNow;
            var parent = new Folder { OwnerId = s.Owner, Name = "Clients", CreatedAt = now, ModifiedAt = now };
            db.Folders.Add(parent);
            await db.SaveChangesAsync();
            var child = new Folder { OwnerId = s.Owner, Name = "Acme 2026", ParentId = parent.Id, CreatedAt = now, ModifiedAt = now };
            db.Folders.Add(child);
            await db.SaveChangesAsync();
            folderId = child.Id;
        }
        s.Configure = d =>
        {
            d.Options.RemindersEnabled = true;
            d.Options.TextSignaturesEnabled = false;
            d.Options.SignatureColor = SignatureColor.Blue;
            d.Options.DaysValid = 30;
            d.Options.RedirectUrl = "https://example.com/thanks";
            d.Options.DeclinedRedirectUrl = "https://example.com/sorry";
            d.Options.ExternalId = "CRM-4711";
            d.Options.FolderId = folderId;
            d.Options.EmailSubject = "Please sign the Acme contract";
            d.Signers[0].Options.NewPassword = Password;
            d.Signers[0].Options.VerificationPhone = Phone;
        };
        await s.SendAsync(true, "ann@example.com", "bob@example.com");
        var hash = (await s.LoadAsync()).Recipients.Single(x => x.Email == "ann@example.com").PasswordHash;
        Assert.NotNull(hash);
        await s.SignAsync("ann@example.com");
        await s.SignAsync("bob@example.com");
        var done = await s.WaitForStatusAsync(RequestStatus.Complete, seconds: 90);

        await using var read = await s.Db.CreateDbContextAsync();
        var signed = await read.SignedFiles.AsNoTracking().SingleAsync(f => f.RequestId == s.RequestId);
        var trail = Flat(await SigningFlowTests.PdfTextAsync(await app.Get<IBlobStore>().ReadAllBytesAsync(signed.AuditTrailBlobKey)));

        Assert.Contains("Request options", trail);
        Assert.Contains($"Signing order {StatusWords.OneAfterAnother}", trail);
        Assert.Contains($"Reminders On: {OptionWords.Reminders}", trail);
        Assert.Contains($"Expiry {done.AutoExpireAt!.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC (auto_expire_at)", trail);
        Assert.Contains("After signing Goes to https://example.com/thanks", trail);
        Assert.Contains("After declining Goes to https://example.com/sorry", trail);
        Assert.Contains("Typed signatures Not allowed", trail);
        Assert.Contains("Signature colour Blue", trail);
        Assert.Contains("External reference CRM-4711", trail);
        Assert.Contains("Destination folder Clients / Acme 2026", trail);
        Assert.Contains("E-mail subject Please sign the Acme contract", trail);
        Assert.Contains("ann Signer <ann@example.com>", trail);
        Assert.Contains($"Signer · Group 1 · password required · SMS code to {ESignWeb.Requests.PhoneNumber.Masked(Phone)}", trail);
        Assert.Contains("Signer · Group 2 · no password · no SMS code · no sign-in required · not in person", trail);

        Assert.DoesNotContain(Password, trail);
        Assert.DoesNotContain(hash!, trail);
        Assert.DoesNotContain(Phone, trail);
        Assert.DoesNotContain("12345678", trail);
    }

    [Fact]
    public async Task The_trail_says_each_role_group_sign_in_and_in_person_and_the_approval()
    {
        var approvedAt = new DateTimeOffset(2026, 11, 20, 9, 30, 0, TimeSpan.Zero);
        var r = new SignatureRequest
        {
            Id = 7, IsOrdered = true, RemindersEnabled = false, TextSignaturesEnabled = true,
            Recipients =
            [
                new Recipient { Id = 1, Email = "ann@example.com", FirstName = "Ann", LastName = "A", OrderId = 1, LoginRequired = true },
                new Recipient { Id = 2, Email = "ian@example.com", FirstName = "Ian", LastName = "I", OrderId = 1, IsInPerson = true },
                new Recipient { Id = 3, Email = "apu@example.com", FirstName = "Apu", LastName = "P", OrderId = 2, Role = RecipientRole.Approver },
                new Recipient { Id = 4, Email = "fred@example.com", FirstName = "Fred", LastName = "F", OrderId = 3, Role = RecipientRole.FinalCopyReader },
            ],
        };
        var info = new AuditTrailInfo("Contract.pdf", 7, "abc123", "Olga Owner", "olga@example.com", new string('a', 64), new string('b', 64),
            [new AuditSigner("Apu P", "apu@example.com", "finalized", approvedAt, null, null, null, RecipientRole.Approver)], [], "ESignWeb")
        {
            Options = AuditTrailOptions.Of(r, []),
        };
        using var certificate = SigningCertificate.LoadPfx(SigningCertificate.NewSelfSignedPfx("ESignWeb", TimeProvider.System));
        var trail = Flat(await SigningFlowTests.PdfTextAsync(AuditTrailPdf.Render(info, certificate)));

        Assert.Contains($"Signing order {OptionWords.InGroups}", trail);
        Assert.Contains("Reminders Off", trail);
        Assert.Contains("Expiry Never", trail);
        Assert.Contains("After signing Not set", trail);
        Assert.Contains("Typed signatures Allowed", trail);
        Assert.Contains("Signature colour Black", trail);
        Assert.Contains("External reference Not set", trail);
        Assert.Contains($"Destination folder {OptionWords.TopFolder}", trail);
        Assert.Contains("E-mail subject Default subject", trail);
        Assert.Contains("Signer · Group 1 · no password · no SMS code · must sign in · not in person", trail);
        Assert.Contains("Signer · Group 1 · no password · no SMS code · no sign-in required · in person", trail);
        Assert.Contains("Approver · Group 2", trail);
        Assert.Contains("Final-copy reader (receives a copy) · Group 3", trail);
        Assert.Contains("Fred F <fred@example.com>", trail);
        Assert.Contains("Approved by Apu P at 2026-11-20 09:30:00 UTC", trail);
        Assert.True(trail.IndexOf("Request options", StringComparison.Ordinal) < trail.IndexOf("Signers", StringComparison.Ordinal),
            "the options block comes before the signers");

        // A self-signed document has no request options.
        var selfSigned = Flat(await SigningFlowTests.PdfTextAsync(AuditTrailPdf.Render(info with { Options = null }, certificate)));
        Assert.DoesNotContain("Request options", selfSigned);
    }
}
