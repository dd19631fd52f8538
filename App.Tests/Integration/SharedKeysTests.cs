using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Duende.IdentityModel.Client;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.OAuth;
using ESignWeb.Requests;
using ESignWeb.Sealing;
using ESignWeb.Secrets;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Issue 15: the keys every instance must share live in the database (App/Secrets): two instances with different
/// data folders on one database mint and accept the same links, cookies (Data Protection) and OAuth tokens and seal
/// with one certificate; an instance upgraded from the old <c>keys/</c> files imports them once and keeps them.
/// Runs on the default provider (<c>ESIGN_TEST_DATABASE=PostgreSql</c>: PostgreSQL).
/// </summary>
public class SharedKeysTests
{
    /// <summary>A second instance on the first one's database with a data folder of its own (SQLite: the file, linked).</summary>
    private static ESignAppFactory SecondInstance(ESignAppFactory first)
    {
        var dir = Directory.CreateTempSubdirectory("esign-it-second-").FullName;
        if (first.Provider == DatabaseProviderKind.Sqlite)
            File.CreateSymbolicLink(Path.Combine(dir, "esign.db"), Path.Combine(first.DataDir, "esign.db"));
        return new ESignAppFactory { Provider = first.Provider, ConnectionString = first.ConnectionString, DataDir = dir, KeepData = true };
    }

    private static async Task<string> ClientCredentialsTokenAsync(ESignAppFactory app, string clientId)
    {
        var owner = await app.CreateUserAsync($"keys-{Guid.NewGuid():N}@example.com");
        using (var scope = app.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>()
                .CreateAsync(OAuthApps.Describe(owner, "Keys app", [new Uri("https://client.example.com/callback")], confidential: true, clientId, "keys-secret"));
        var token = await app.CreateClient().RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
            { Address = "http://localhost/oauth/token", ClientId = clientId, ClientSecret = "keys-secret", Scope = "documents.read" });
        Assert.False(token.IsError, token.Error);
        return token.AccessToken!;
    }

    private static async Task<HttpStatusCode> ApiStatusAsync(ESignAppFactory app, string accessToken)
    {
        var api = app.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return (await api.GetAsync("/v1/files/original")).StatusCode;
    }

    [Fact]
    public async Task Two_instances_on_one_database_share_link_key_key_ring_oauth_keys_and_certificate()
    {
        await using var first = new ESignAppFactory();
        _ = first.Services; // started: migrated
        var second = SecondInstance(first);
        try
        {
            // Created at once by both (race): one value wins, both read it.
            var both = await Task.WhenAll(
                first.Get<InstanceSecrets>().GetOrCreateAsync("test-race", () => null, () => RandomNumberGenerator.GetBytes(32)),
                second.Get<InstanceSecrets>().GetOrCreateAsync("test-race", () => null, () => RandomNumberGenerator.GetBytes(32)));
            Assert.Equal(both[0], both[1]);

            // A signing link minted on one is the link the other computes (and a copy link too).
            var recipient = new Recipient();
            var token = first.Get<RecipientTokens>().Issue(recipient);
            Assert.Equal(token, second.Get<RecipientTokens>().TokenFor(recipient));
            Assert.Equal(first.Get<RecipientTokens>().CopyToken(7, "cc@example.com"), second.Get<RecipientTokens>().CopyToken(7, "cc@example.com"));

            // Data Protection (cookies, antiforgery): protected on one, read on the other.
            var cookie = first.Get<IDataProtectionProvider>().CreateProtector("Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationMiddleware", "Identity.Application", "v2")
                .Protect("a session ticket");
            Assert.Equal("a session ticket", second.Get<IDataProtectionProvider>()
                .CreateProtector("Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationMiddleware", "Identity.Application", "v2").Unprotect(cookie));

            // An OAuth access token issued by one is accepted by the other.
            var access = await ClientCredentialsTokenAsync(first, $"keys-{Guid.NewGuid():N}");
            Assert.Equal(HttpStatusCode.OK, await ApiStatusAsync(second, access));

            // Both seal with one certificate.
            Assert.Equal(first.Get<SigningCertificate>().Certificate.Thumbprint, second.Get<SigningCertificate>().Certificate.Thumbprint);
            Assert.True(second.Get<SigningCertificate>().Certificate.HasPrivateKey);

            // Nothing of it in either data folder; in the database only encrypted.
            foreach (var dir in new[] { first.DataDir, second.DataDir })
                Assert.Empty(Directory.Exists(Path.Combine(dir, "keys")) ? Directory.GetFiles(Path.Combine(dir, "keys"), "*", SearchOption.AllDirectories) : []);
            await using var db = await first.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            var rows = await db.InstanceSecrets.AsNoTracking().ToListAsync();
            Assert.Equal([SecretNames.InstanceCertificate, SecretNames.OAuthKeys, SecretNames.SigningLinkKey, "test-race"], rows.Select(r => r.Name).Order(StringComparer.Ordinal));
            Assert.DoesNotContain(rows, r => r.Name == "test-race" && r.Protected.AsSpan().IndexOf(both[0]) >= 0);
            Assert.NotEmpty(await db.DataProtectionKeys.AsNoTracking().ToListAsync());
        }
        finally
        {
            await second.DisposeAsync();
            Directory.Delete(second.DataDir, recursive: true);
        }
    }

    [Fact]
    public async Task An_instance_on_the_old_keys_folder_imports_it_once_and_everything_keeps_working()
    {
        // The layout before issue 15, written as the old code wrote it.
        var dataDir = Directory.CreateTempSubdirectory("esign-it-upgrade-").FullName;
        var keys = Directory.CreateDirectory(Path.Combine(dataDir, "keys")).FullName;
        var linkKey = RandomNumberGenerator.GetBytes(32);
        await File.WriteAllBytesAsync(Path.Combine(keys, "signing-token.key"), linkKey);
        var pfx = SigningCertificate.NewSelfSignedPfx("ESignWeb", TimeProvider.System);
        await File.WriteAllBytesAsync(Path.Combine(keys, "instance-certificate.pfx"), pfx);
        var oldRing = DataProtectionProvider.Create(new DirectoryInfo(Path.Combine(keys, "dataprotection")), b => b.SetApplicationName("ESignWeb"));
        var cookie = oldRing.CreateProtector("cookie-purpose").Protect("kept session");
        using (var rsa = RSA.Create(2048))
        {
            var stored = JsonSerializer.SerializeToUtf8Bytes(new { KeyId = "0011223344556677", RsaPkcs8 = rsa.ExportPkcs8PrivateKey(), Aes = RandomNumberGenerator.GetBytes(32) });
            await File.WriteAllBytesAsync(Path.Combine(keys, "oauth-keys.bin"), oldRing.CreateProtector("ESignWeb.OAuth.Keys.v1").Protect(stored));
        }
        var recipient = new Recipient();
        var oldLink = new RecipientTokens(linkKey).Issue(recipient);
        var files = Directory.GetFiles(keys, "*", SearchOption.AllDirectories).Order().ToArray();

        string access;
        string? connection;
        await using (var upgraded = new ESignAppFactory { DataDir = dataDir, KeepData = true })
        {
            Assert.Equal(oldLink, upgraded.Get<RecipientTokens>().TokenFor(recipient));
            Assert.Equal("kept session", upgraded.Get<IDataProtectionProvider>().CreateProtector("cookie-purpose").Unprotect(cookie));
            Assert.Equal(X509Thumbprint(pfx), upgraded.Get<SigningCertificate>().Certificate.Thumbprint);
            Assert.Equal("sig-0011223344556677", upgraded.Get<OAuthKeys>().Signing.Key.KeyId);
            access = await ClientCredentialsTokenAsync(upgraded, $"upgrade-{Guid.NewGuid():N}");
            connection = upgraded.ConnectionString;
        }
        // The files stay as a backup, untouched.
        Assert.Equal(files, Directory.GetFiles(keys, "*", SearchOption.AllDirectories).Order().ToArray());

        // Restarted with the old files gone: everything comes from the database now.
        Directory.Move(keys, keys + ".backup");
        await using var restarted = new ESignAppFactory { DataDir = dataDir, ConnectionString = connection };
        Assert.Equal(oldLink, restarted.Get<RecipientTokens>().TokenFor(recipient));
        Assert.Equal("kept session", restarted.Get<IDataProtectionProvider>().CreateProtector("cookie-purpose").Unprotect(cookie));
        Assert.Equal(X509Thumbprint(pfx), restarted.Get<SigningCertificate>().Certificate.Thumbprint);
        Assert.Equal(HttpStatusCode.OK, await ApiStatusAsync(restarted, access));
        await using var db = await restarted.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.DataProtectionKeys.CountAsync());
    }

    private static string X509Thumbprint(byte[] pfx) => SigningCertificate.LoadPfx(pfx).Thumbprint;
}
