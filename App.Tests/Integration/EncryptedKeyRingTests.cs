using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Requests;
using ESignWeb.Tests.E2E;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Issue 15: <c>ESign:DataProtection:CertificatePath</c> encrypts the key ring in the database (App/Secrets/SharedKeyRing).
/// An instance started with a PKCS#12 made here (CertificateRequest) stores only encrypted keys (no plain
/// <c>&lt;masterKey&gt;</c> value); a second instance on the same database with the same file reads what the first
/// protected (a cookie payload, an Identity password-reset token, the signing-link key); the app started as a process
/// on that database WITHOUT the certificate, or with another one, refuses to start (exit 1) with an error naming the
/// setting and the ring's certificate — and adds no key of its own.
/// Runs on the default provider (<c>ESIGN_TEST_DATABASE=PostgreSql</c>: PostgreSQL).
/// </summary>
public class EncryptedKeyRingTests
{
    private const string CookiePurpose = "Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationMiddleware";

    private static string NewPkcs12(string dir, string name, string password)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(5));
        var path = Path.Combine(dir, name + ".pfx");
        File.WriteAllBytes(path, cert.Export(X509ContentType.Pkcs12, password));
        return path;
    }

    /// <summary>Another instance on <paramref name="first"/>'s database with a data folder of its own (SQLite: the file, linked).</summary>
    private static ESignAppFactory OnSameDatabase(ESignAppFactory first, Dictionary<string, string> settings)
    {
        var dir = Directory.CreateTempSubdirectory("esign-it-ring-").FullName;
        if (first.Provider == DatabaseProviderKind.Sqlite)
            File.CreateSymbolicLink(Path.Combine(dir, "esign.db"), Path.Combine(first.DataDir, "esign.db"));
        return new ESignAppFactory { Provider = first.Provider, ConnectionString = first.ConnectionString, DataDir = dir, KeepData = true, Settings = settings };
    }

    private static Dictionary<string, string> WithCertificate(string path, string password) => new()
    {
        ["ESign:DataProtection:CertificatePath"] = path, ["ESign:DataProtection:CertificatePassword"] = password,
    };

    private static async Task<List<string>> KeyXmlAsync(ESignAppFactory app)
    {
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.DataProtectionKeys.AsNoTracking().OrderBy(k => k.Id).Select(k => k.Xml!).ToListAsync();
    }

    [Fact]
    public async Task A_ring_encrypted_to_a_certificate_is_read_by_instances_with_it_and_refused_by_one_without()
    {
        var certs = Directory.CreateTempSubdirectory("esign-it-ringcert-").FullName;
        var pfx = NewPkcs12(certs, "esign-keyring", "ring-pass");
        var otherPfx = NewPkcs12(certs, "another-keyring", "other-pass");
        await using var first = new ESignAppFactory { Settings = WithCertificate(pfx, "ring-pass") };
        var others = new List<ESignAppFactory>();
        var dirs = new List<string> { certs };
        try
        {
            var cookie = first.Get<IDataProtectionProvider>().CreateProtector(CookiePurpose, "Identity.Application", "v2").Protect("a session ticket");
            var recipient = new Recipient();
            var link = first.Get<RecipientTokens>().Issue(recipient); // the signing-link key: an InstanceSecret, protected by the ring
            var email = $"ring-{Guid.NewGuid():N}@example.com";
            var userId = await first.CreateUserAsync(email);
            string resetToken;
            using (var scope = first.Services.CreateScope())
            {
                var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
                resetToken = await users.GeneratePasswordResetTokenAsync((await users.FindByIdAsync(userId))!);
            }

            // At rest: every key encrypted to the certificate, no plaintext master key.
            var keys = await KeyXmlAsync(first);
            Assert.NotEmpty(keys);
            var thumbprint = X509CertificateLoader.LoadPkcs12FromFile(pfx, "ring-pass").Thumbprint;
            Assert.All(keys, xml =>
            {
                Assert.Contains("<encryptedSecret", xml);
                Assert.Contains("EncryptedData", xml);
                Assert.DoesNotContain("<masterKey", xml);
                Assert.DoesNotContain("unencrypted form", xml);
                Assert.Contains(Convert.ToBase64String(X509CertificateLoader.LoadPkcs12FromFile(pfx, "ring-pass").RawData), xml);
            });

            // A second instance with the same PKCS#12: reads the cookie, the reset token and the link key.
            var second = OnSameDatabase(first, WithCertificate(pfx, "ring-pass"));
            others.Add(second);
            Assert.Equal("a session ticket", second.Get<IDataProtectionProvider>().CreateProtector(CookiePurpose, "Identity.Application", "v2").Unprotect(cookie));
            Assert.Equal(link, second.Get<RecipientTokens>().TokenFor(recipient));
            using (var scope = second.Services.CreateScope())
            {
                var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
                Assert.True(await users.VerifyUserTokenAsync((await users.FindByIdAsync(userId))!, users.Options.Tokens.PasswordResetTokenProvider,
                    UserManager<ApplicationUser>.ResetPasswordTokenPurpose, resetToken));
            }

            // Without the certificate, or with another one: the app (a real process on the same database) refuses to
            // start, exit 1, naming the setting and the ring's certificate — and writes no key of its own.
            var sharedDir = Directory.CreateTempSubdirectory("esign-it-ring-refused-").FullName;
            dirs.Add(sharedDir);
            var environment = new Dictionary<string, string> { ["ESign__DataPath"] = sharedDir };
            if (first.Provider == DatabaseProviderKind.Sqlite)
                File.CreateSymbolicLink(Path.Combine(sharedDir, "esign.db"), Path.Combine(first.DataDir, "esign.db"));
            else
            {
                environment["ESign__Database__Provider"] = "PostgreSql";
                environment["ConnectionStrings__ESign"] = first.ConnectionString!;
            }
            foreach (var certificate in new[] { new Dictionary<string, string>(), new() { ["ESign__DataProtection__CertificatePath"] = otherPfx, ["ESign__DataProtection__CertificatePassword"] = "other-pass" } })
            {
                var refused = await AppCommand.RunAsync(new Dictionary<string, string>(environment.Concat(certificate)), TimeSpan.FromMinutes(2),
                    "--urls", $"http://127.0.0.1:{FreePort.Next()}");
                Assert.True(refused.ExitCode == 1, refused.Output);
                Assert.Contains("ESignWeb cannot start: 1 Data Protection key(s) in the database cannot be decrypted by this instance", refused.Output);
                Assert.Contains("ESign:DataProtection:CertificatePath", refused.Output);
                Assert.Contains(thumbprint, refused.Output);
                Assert.Equal(keys, await KeyXmlAsync(first));
            }

            // The instances with the certificate carry on.
            Assert.Equal("a session ticket", first.Get<IDataProtectionProvider>().CreateProtector(CookiePurpose, "Identity.Application", "v2").Unprotect(cookie));
        }
        finally
        {
            foreach (var other in others)
            {
                await other.DisposeAsync();
                dirs.Add(other.DataDir);
            }
            foreach (var dir in dirs) Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>What a stored key must look like with a certificate: its secret encrypted to it, nothing in plaintext.</summary>
    private static void AssertEncrypted(string xml, string pfx, string password)
    {
        Assert.Contains("<encryptedSecret", xml);
        Assert.Contains("EncryptedData", xml);
        Assert.DoesNotContain("<masterKey", xml);
        Assert.DoesNotContain("requiresEncryption", xml);
        Assert.DoesNotContain("unencrypted form", xml);
        Assert.Contains(Convert.ToBase64String(X509CertificateLoader.LoadPkcs12FromFile(pfx, password).RawData), xml);
    }

    [Fact]
    public async Task Keys_imported_from_the_old_keys_folder_are_encrypted_to_the_certificate_once_and_keep_working()
    {
        var certs = Directory.CreateTempSubdirectory("esign-it-ringcert-").FullName;
        var pfx = NewPkcs12(certs, "esign-keyring", "ring-pass");
        // The layout before issue 15: a plaintext file ring in keys/dataprotection.
        var dataDir = Directory.CreateTempSubdirectory("esign-it-upgrade-ring-").FullName;
        var ringDir = Path.Combine(dataDir, "keys", "dataprotection");
        var oldRing = DataProtectionProvider.Create(new DirectoryInfo(ringDir), b => b.SetApplicationName("ESignWeb"));
        var cookie = oldRing.CreateProtector(CookiePurpose).Protect("an old session");
        var plaintext = Directory.GetFiles(ringDir, "*.xml").Select(File.ReadAllText).ToList();
        Assert.Contains(plaintext, x => x.Contains("<masterKey", StringComparison.Ordinal)); // what was imported as it was before
        try
        {
            await using var app = new ESignAppFactory { DataDir = dataDir, KeepData = true, Settings = WithCertificate(pfx, "ring-pass") };
            Assert.Equal("an old session", app.Get<IDataProtectionProvider>().CreateProtector(CookiePurpose).Unprotect(cookie));
            var keys = await KeyXmlAsync(app);
            Assert.NotEmpty(keys);
            Assert.All(keys, xml => AssertEncrypted(xml, pfx, "ring-pass"));
            // Idempotent: the next start finds nothing to encrypt (and logs nothing) and leaves the rows as they are.
            Assert.Equal(0, ESignWeb.Secrets.SharedKeyRing.EncryptPlaintextKeys(app.Services));
            Assert.Equal(keys, await KeyXmlAsync(app));
            // The files stay as the backup they were.
            Assert.Equal(plaintext, Directory.GetFiles(ringDir, "*.xml").Select(File.ReadAllText).ToList());
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
            Directory.Delete(certs, recursive: true);
        }
    }

    [Fact]
    public async Task Plaintext_keys_in_the_database_as_migrate_data_copies_them_are_encrypted_when_an_instance_starts_with_the_certificate()
    {
        var certs = Directory.CreateTempSubdirectory("esign-it-ringcert-").FullName;
        var pfx = NewPkcs12(certs, "esign-keyring", "ring-pass");
        // An instance without a certificate writes its keys in plaintext (migrate-data copies such rows as they are).
        await using var plain = new ESignAppFactory();
        var cookie = plain.Get<IDataProtectionProvider>().CreateProtector(CookiePurpose, "Identity.Application", "v2").Protect("a session ticket");
        var recipient = new Recipient();
        var link = plain.Get<RecipientTokens>().Issue(recipient); // an InstanceSecret protected with the plaintext key
        var before = await KeyXmlAsync(plain);
        Assert.All(before, xml => Assert.Contains("<masterKey", xml));

        var encrypted = OnSameDatabase(plain, WithCertificate(pfx, "ring-pass"));
        try
        {
            Assert.Equal("a session ticket", encrypted.Get<IDataProtectionProvider>().CreateProtector(CookiePurpose, "Identity.Application", "v2").Unprotect(cookie));
            Assert.Equal(link, encrypted.Get<RecipientTokens>().TokenFor(recipient));
            var after = await KeyXmlAsync(encrypted);
            Assert.Equal(before.Count, after.Count); // the same keys, re-written: no new key
            Assert.All(after, xml => AssertEncrypted(xml, pfx, "ring-pass"));
            Assert.Equal(0, ESignWeb.Secrets.SharedKeyRing.EncryptPlaintextKeys(encrypted.Services));
            Assert.Equal(after, await KeyXmlAsync(encrypted));
        }
        finally
        {
            await encrypted.DisposeAsync();
            Directory.Delete(encrypted.DataDir, recursive: true);
            Directory.Delete(certs, recursive: true);
        }
    }
}
