using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using ESignWeb.Data;
using ESignWeb.Hosting;
using ESignWeb.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Secrets;

/// <summary>
/// The Data Protection key ring (cookies, antiforgery, Identity tokens, OpenIddict's data-protection parts, and the
/// encryption of <see cref="InstanceSecrets"/>) in the database's DataProtectionKeys table, so every instance reads
/// and writes one ring. At rest each key's XML is plaintext unless <c>ESign:DataProtection:CertificatePath</c> names a
/// PKCS#12 file: then new keys are encrypted to that certificate (and it decrypts them), and keys stored in plaintext
/// before are re-written encrypted at start (<see cref="EncryptPlaintextKeys"/>). The old ring in
/// <c>keys/dataprotection/</c> is imported at start (<see cref="ImportLegacyKeys"/>), so cookies survive the upgrade.
/// </summary>
public static class SharedKeyRing
{
    /// <summary>
    /// The key ring in the database; encrypted at rest with the certificate of <c>ESign:DataProtection:CertificatePath</c>
    /// when set (read here, at start, from the host's configuration: environment, appsettings, command line).
    /// </summary>
    public static void AddSharedKeyRing(this IServiceCollection services, IConfiguration configuration)
    {
        var builder = services.AddDataProtection().SetApplicationName("ESignWeb").PersistKeysToDbContext<AppDbContext>();
        var settings = configuration.GetSection(ESignOptions.Section).GetSection(nameof(ESignOptions.DataProtection)).Get<DataProtectionSettings>() ?? new();
        if (LoadCertificate(settings) is { } cert)
            builder.ProtectKeysWithCertificate(cert).UnprotectKeysWithAnyCertificate(cert);
    }

    /// <summary>The certificate of <c>ESign:DataProtection:CertificatePath</c>; null when none is configured.</summary>
    public static X509Certificate2? LoadCertificate(DataProtectionSettings settings)
    {
        if (string.IsNullOrWhiteSpace(settings.CertificatePath)) return null;
        if (!File.Exists(settings.CertificatePath))
            throw new FileNotFoundException($"ESign:DataProtection:CertificatePath names {settings.CertificatePath}, which does not exist.", settings.CertificatePath);
        var cert = X509CertificateLoader.LoadPkcs12FromFile(settings.CertificatePath, settings.CertificatePassword, X509KeyStorageFlags.Exportable);
        return cert.HasPrivateKey ? cert : throw new InvalidOperationException($"The certificate in {settings.CertificatePath} has no private key.");
    }

    /// <summary>
    /// Upgrade path: copies the keys of the old file ring (<c>keys/dataprotection/key-*.xml</c>) into the database,
    /// those not there yet (by friendly name, which is unique), in one write. Runs at every start after the
    /// migrations; the files stay as a backup and are never read again.
    /// </summary>
    public static void ImportLegacyKeys(IServiceProvider services)
    {
        var dir = Path.Combine(services.GetRequiredService<DataPaths>().Keys, "dataprotection");
        var files = Directory.Exists(dir) ? Directory.GetFiles(dir, "*.xml") : [];
        if (files.Length == 0) return;
        var imported = services.GetRequiredService<IDbContextFactory<AppDbContext>>().WriteAsync(async db =>
        {
            var known = (await db.DataProtectionKeys.AsNoTracking().Select(k => k.FriendlyName).ToListAsync()).ToHashSet(StringComparer.Ordinal);
            var added = 0;
            foreach (var file in files.Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileNameWithoutExtension(file);
                if (known.Contains(name)) continue;
                db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = name, Xml = XElement.Load(file).ToString(SaveOptions.DisableFormatting) });
                added++;
            }
            return added;
        }).GetAwaiter().GetResult();
        if (imported > 0)
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SharedKeyRing)).LogInformation(
                "Imported {Count} Data Protection key(s) from {Folder} into the database; the files stay as a backup and are no longer read.", imported, dir);
    }

    /// <summary>
    /// With a certificate (<c>ESign:DataProtection:CertificatePath</c>): re-writes every key of the ring that is still
    /// stored in plaintext — imported from an old <c>keys/dataprotection/</c> (<see cref="ImportLegacyKeys"/>), copied by
    /// <c>migrate-data</c> from an instance without a certificate, or written before the certificate was configured —
    /// encrypted to that certificate, exactly as Data Protection encrypts a new key (each element marked
    /// <c>requiresEncryption</c> becomes an <c>&lt;encryptedSecret&gt;</c>). The key itself (its id, dates and secret) does
    /// not change, so cookies, tokens and the instance secrets protected with it stay readable. Idempotent: an encrypted
    /// key has nothing marked any more; runs at every start after the import, before <see cref="EnsureReadable"/>, and
    /// logs (count and key ids, never a secret) only when it re-wrote something. Returns how many keys it re-wrote.
    /// </summary>
    public static int EncryptPlaintextKeys(IServiceProvider services)
    {
        if (services.GetRequiredService<Microsoft.Extensions.Options.IOptions<KeyManagementOptions>>().Value.XmlEncryptor is not { } encryptor)
            return 0; // no certificate: the ring stays as it is (see docs/operations.md, "Keys and secrets in the database")
        var rewritten = services.GetRequiredService<IDbContextFactory<AppDbContext>>().WriteAsync(async db =>
        {
            var ids = new List<string>();
            foreach (var row in await db.DataProtectionKeys.OrderBy(k => k.Id).ToListAsync())
            {
                if (row.Xml is null || !row.Xml.Contains("requiresEncryption", StringComparison.Ordinal)) continue;
                XElement key;
                try { key = XElement.Parse(row.Xml); }
                catch (System.Xml.XmlException) { continue; } // not a key Data Protection could read either; EnsureReadable speaks
                if (Encrypt(key, encryptor) is not { } encrypted) continue;
                row.Xml = encrypted.ToString(SaveOptions.DisableFormatting);
                ids.Add((string?)key.Attribute("id") ?? row.FriendlyName ?? row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            await db.SaveChangesAsync();
            return ids;
        }).GetAwaiter().GetResult();
        if (rewritten.Count > 0)
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SharedKeyRing)).LogInformation(
                "Encrypted {Count} Data Protection key(s) that were stored in plaintext (imported from keys/ or copied by migrate-data) to the certificate of ESign:DataProtection:CertificatePath: {Keys}",
                rewritten.Count, string.Join(", ", rewritten));
        return rewritten.Count;
    }

    private static readonly XNamespace DataProtectionXml = "http://schemas.asp.net/2015/03/dataProtection";
    private static readonly XName RequiresEncryption = DataProtectionXml + "requiresEncryption";

    /// <summary>
    /// <paramref name="key"/> with each element marked <c>requiresEncryption="true"</c> replaced by
    /// <c>&lt;encryptedSecret decryptorType="…"&gt;</c> holding what <paramref name="encryptor"/> made of it (the shape
    /// Data Protection's key manager writes and reads), and the "unencrypted form" warning comments dropped; null when
    /// nothing is marked.
    /// </summary>
    internal static XElement? Encrypt(XElement key, Microsoft.AspNetCore.DataProtection.XmlEncryption.IXmlEncryptor encryptor)
    {
        var copy = new XElement(key);
        var marked = copy.Descendants().Where(e => (bool?)e.Attribute(RequiresEncryption) == true).ToList();
        if (marked.Count == 0) return null;
        foreach (var element in marked)
        {
            var info = encryptor.Encrypt(new XElement(element));
            if (info.EncryptedElement.Attribute(RequiresEncryption) is not null)
                throw new InvalidOperationException("The key ring's encryptor returned the key unencrypted.");
            element.ReplaceWith(new XElement(DataProtectionXml + "encryptedSecret",
                new XAttribute("decryptorType", info.DecryptorType.AssemblyQualifiedName!), info.EncryptedElement));
        }
        copy.DescendantNodes().OfType<XComment>().Where(c => c.Value.Contains("unencrypted form", StringComparison.Ordinal)).ToList()
            .ForEach(c => c.Remove());
        return copy;
    }

    /// <summary>
    /// Refuses to start (an <see cref="InvalidOperationException"/>: "ESignWeb cannot start: …", exit 1) when a key of the
    /// ring that is still in use (not expired, not revoked) cannot be decrypted here — the ring was encrypted with a
    /// certificate (<c>ESign:DataProtection:CertificatePath</c>) this instance does not have, or has another one.
    /// Left alone, Data Protection would log the failure, find no usable default key and write a NEW key (unencrypted
    /// without a certificate) that every instance then adopts: everybody signed out, antiforgery and Identity tokens
    /// invalid, and the instance secrets (signing-link key, certificate, OAuth keys), encrypted with the old ring,
    /// unreadable. Runs after the migrations and the legacy import, before anything protects or unprotects.
    /// </summary>
    public static void EnsureReadable(IServiceProvider services)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var unreadable = new List<(Guid Id, string Error)>();
        foreach (var key in services.GetRequiredService<IKeyManager>().GetAllKeys())
        {
            if (key.IsRevoked || key.ExpirationDate <= now) continue;
            try
            {
                _ = key.Descriptor; // decrypts the key's XML (throws when it cannot)
            }
            catch (Exception ex)
            {
                unreadable.Add((key.KeyId, ex.GetBaseException().Message));
            }
        }
        if (unreadable.Count == 0) return;
        var configured = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ESignOptions>>().Value.DataProtection.CertificatePath;
        var thumbprints = EncryptingCertificates(services);
        throw new InvalidOperationException(
            $"{unreadable.Count} Data Protection key(s) in the database cannot be decrypted by this instance " +
            $"(key {unreadable[0].Id}: {unreadable[0].Error}). " +
            (thumbprints.Count > 0 ? $"The key ring is encrypted to the certificate(s) {string.Join(", ", thumbprints)}; " : "") +
            (string.IsNullOrWhiteSpace(configured)
                ? "set ESign:DataProtection:CertificatePath (and CertificatePassword) to that PKCS#12 file, as on the other instances. "
                : $"ESign:DataProtection:CertificatePath ({configured}) is not that certificate (or lacks its private key). ") +
            "Refusing to start rather than create new keys, which would sign every user out and make the instance secrets unreadable. " +
            "See docs/operations.md, \"Keys and secrets in the database\".");
    }

    /// <summary>Thumbprints of the certificates the stored keys were encrypted to (read from the keys' XML; for the error message).</summary>
    private static List<string> EncryptingCertificates(IServiceProvider services)
    {
        using var db = services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();
        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var xml in db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToList())
        {
            if (xml is null) continue;
            try
            {
                foreach (var element in XElement.Parse(xml).Descendants().Where(e => e.Name.LocalName == "X509Certificate"))
                    result.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(element.Value.Trim())).Thumbprint);
            }
            catch (Exception) { } // a key that is not XML or holds no certificate: nothing to name
        }
        return result.ToList();
    }
}
