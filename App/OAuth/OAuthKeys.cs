using System.Security.Cryptography;
using System.Text.Json;
using ESignWeb.Secrets;
using ESignWeb.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.IdentityModel.Tokens;

namespace ESignWeb.OAuth;

/// <summary>
/// The authorisation server's token keys, in one place: an RSA signing key and an AES-256 encryption key, made once
/// and shared by every instance as the secret <see cref="SecretNames.OAuthKeys"/> (InstanceSecrets: in the database,
/// encrypted with Data Protection) — tokens survive a restart and work on any instance. An instance upgraded from
/// files imports <c>{DataPath}/keys/oauth-keys.bin</c> (protected under the old purpose) once.
/// </summary>
public sealed class OAuthKeys(InstanceSecrets secrets, DataPaths paths, IDataProtectionProvider dataProtection)
{
    private readonly Lazy<(SigningCredentials Signing, EncryptingCredentials Encrypting)> _keys = new(() => LoadOrCreate(secrets, paths, dataProtection));

    public SigningCredentials Signing => _keys.Value.Signing;
    public EncryptingCredentials Encrypting => _keys.Value.Encrypting;

    private sealed record Stored(string KeyId, byte[] RsaPkcs8, byte[] Aes);

    private static (SigningCredentials, EncryptingCredentials) LoadOrCreate(InstanceSecrets secrets, DataPaths paths, IDataProtectionProvider dataProtection)
    {
        var json = secrets.GetOrCreate(SecretNames.OAuthKeys,
            () => InstanceSecrets.ReadLegacyFile(Path.Combine(paths.Keys, "oauth-keys.bin")) is { } file
                ? dataProtection.CreateProtector("ESignWeb.OAuth.Keys.v1").Unprotect(file) // the file's own purpose (before issue 15)
                : null,
            () =>
            {
                using var rsa = RSA.Create(2048);
                return JsonSerializer.SerializeToUtf8Bytes(new Stored(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), rsa.ExportPkcs8PrivateKey(),
                    RandomNumberGenerator.GetBytes(32)));
            });
        var stored = JsonSerializer.Deserialize<Stored>(json)!;
        var key = RSA.Create();
        key.ImportPkcs8PrivateKey(stored.RsaPkcs8, out _);
        var signing = new SigningCredentials(new RsaSecurityKey(key) { KeyId = "sig-" + stored.KeyId }, SecurityAlgorithms.RsaSha256);
        var encrypting = new EncryptingCredentials(new SymmetricSecurityKey(stored.Aes) { KeyId = "enc-" + stored.KeyId },
            SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512);
        return (signing, encrypting);
    }
}
