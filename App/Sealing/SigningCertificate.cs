using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ESignWeb.Hosting;
using ESignWeb.Storage;
using Microsoft.Extensions.Options;

namespace ESignWeb.Sealing;

/// <summary>
/// The instance certificate that digitally signs sealed PDFs: the PKCS#12 file named in
/// <c>ESign:Certificate:Path</c> (with <c>ESign:Certificate:Password</c>), or else a self-signed RSA certificate
/// generated on first start and kept in <c>&lt;DataPath&gt;/keys/instance-certificate.pfx</c>.
/// </summary>
public sealed class SigningCertificate
{
    private readonly Lazy<X509Certificate2> _certificate;

    public SigningCertificate(IOptions<ESignOptions> options, DataPaths paths, TimeProvider clock)
    {
        var o = options.Value.Certificate;
        _certificate = new Lazy<X509Certificate2>(() => string.IsNullOrWhiteSpace(o.Path)
            ? LoadOrCreate(Path.Combine(paths.Keys, "instance-certificate.pfx"), options.Value.ProductName, clock)
            : Load(o.Path, o.Password));
    }

    public X509Certificate2 Certificate => _certificate.Value;

    private static X509Certificate2 Load(string path, string? password)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"ESign:Certificate:Path names {path}, which does not exist.", path);
        var cert = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.Exportable);
        if (!cert.HasPrivateKey) throw new InvalidOperationException($"The certificate in {path} has no private key.");
        return cert;
    }

    private static X509Certificate2 LoadOrCreate(string path, string productName, TimeProvider clock)
    {
        if (File.Exists(path)) return Load(path, null);
        using var rsa = RSA.Create(3072);
        var subject = new X500DistinguishedName($"CN={productName} instance seal ({Environment.MachineName}), O={productName}");
        var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, critical: true));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = clock.GetUtcNow();
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
        var pfx = created.Export(X509ContentType.Pfx);
        var temp = path + ".part";
        File.WriteAllBytes(temp, pfx);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp); // another process created it first: use that one
        }
        return Load(path, null);
    }
}
