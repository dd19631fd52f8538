using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ESignWeb.Hosting;
using ESignWeb.Secrets;
using ESignWeb.Storage;
using Microsoft.Extensions.Options;

namespace ESignWeb.Sealing;

/// <summary>
/// The instance certificate that digitally signs sealed PDFs: the PKCS#12 file named in
/// <c>ESign:Certificate:Path</c> (with <c>ESign:Certificate:Password</c>), or else a self-signed RSA certificate
/// made on first start and shared by every instance as the secret <see cref="SecretNames.InstanceCertificate"/>
/// (InstanceSecrets: in the database, encrypted). An instance upgraded from files imports
/// <c>&lt;DataPath&gt;/keys/instance-certificate.pfx</c> once, so its sealed PDFs keep one certificate chain.
/// </summary>
public sealed class SigningCertificate
{
    private readonly Lazy<X509Certificate2> _certificate;
    private readonly Lazy<IReadOnlyList<X509Certificate2>> _chain;

    public SigningCertificate(IOptions<ESignOptions> options, InstanceSecrets secrets, DataPaths paths, TimeProvider clock)
    {
        var o = options.Value.Certificate;
        _chain = new Lazy<IReadOnlyList<X509Certificate2>>(() => string.IsNullOrWhiteSpace(o.Path)
            ? [Certificate]
            : ChainOf(Certificate, X509CertificateLoader.LoadPkcs12CollectionFromFile(o.Path, o.Password)));
        _certificate = new Lazy<X509Certificate2>(() => string.IsNullOrWhiteSpace(o.Path)
            ? LoadPfx(secrets.GetOrCreate(SecretNames.InstanceCertificate,
                () => InstanceSecrets.ReadLegacyFile(Path.Combine(paths.Keys, "instance-certificate.pfx")),
                () => NewSelfSignedPfx(options.Value.ProductName, clock)))
            : Load(o.Path, o.Password));
    }

    /// <summary>A certificate given as it is (tests).</summary>
    public SigningCertificate(X509Certificate2 certificate)
    {
        _certificate = new Lazy<X509Certificate2>(certificate);
        _chain = new Lazy<IReadOnlyList<X509Certificate2>>([certificate]);
    }

    public X509Certificate2 Certificate => _certificate.Value;

    /// <summary>The certificate, then its issuers as far as the PKCS#12 file holds them (embedded for long-term validation).</summary>
    public IReadOnlyList<X509Certificate2> Chain => _chain.Value;

    /// <summary><paramref name="leaf"/>, then each issuer found in <paramref name="others"/>, up to a self-signed one.</summary>
    internal static IReadOnlyList<X509Certificate2> ChainOf(X509Certificate2 leaf, IEnumerable<X509Certificate2> others)
    {
        var pool = others.Where(c => c.Thumbprint != leaf.Thumbprint).ToList();
        var chain = new List<X509Certificate2> { leaf };
        for (var current = leaf; current.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData) is false;)
        {
            var issuer = pool.FirstOrDefault(c => c.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData));
            if (issuer is null) break;
            chain.Add(issuer);
            pool.Remove(issuer);
            current = issuer;
        }
        return chain;
    }

    private static X509Certificate2 Load(string path, string? password)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"ESign:Certificate:Path names {path}, which does not exist.", path);
        var cert = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.Exportable);
        if (!cert.HasPrivateKey) throw new InvalidOperationException($"The certificate in {path} has no private key.");
        return cert;
    }

    /// <summary>A PKCS#12 without password, with its private key.</summary>
    public static X509Certificate2 LoadPfx(byte[] pfx)
    {
        var cert = X509CertificateLoader.LoadPkcs12(pfx, null, X509KeyStorageFlags.Exportable);
        if (!cert.HasPrivateKey) throw new InvalidOperationException("The instance certificate has no private key.");
        return cert;
    }

    /// <summary>A new self-signed seal certificate (RSA 3072, ten years), as PKCS#12 without password.</summary>
    public static byte[] NewSelfSignedPfx(string productName, TimeProvider clock)
    {
        using var rsa = RSA.Create(3072);
        var subject = new X500DistinguishedName($"CN={productName} instance seal ({Environment.MachineName}), O={productName}");
        var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, critical: true));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = clock.GetUtcNow();
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
        return created.Export(X509ContentType.Pfx);
    }
}
