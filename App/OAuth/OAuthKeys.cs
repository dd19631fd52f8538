using System.Security.Cryptography;
using System.Text.Json;
using ESignWeb.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.IdentityModel.Tokens;

namespace ESignWeb.OAuth;

/// <summary>
/// The authorisation server's token keys, in one place: an RSA signing key and an AES-256 encryption key, made once
/// into <c>{DataPath}/keys/oauth-keys.bin</c>, protected with the app's Data Protection keys (so a copied file is
/// useless without <c>keys/dataprotection</c>), and loaded at every start — tokens survive a restart. Issue 15 moves
/// shared keys into the database: replace <see cref="LoadOrCreate"/> only.
/// </summary>
public sealed class OAuthKeys(DataPaths paths, IDataProtectionProvider dataProtection)
{
    private readonly Lazy<(SigningCredentials Signing, EncryptingCredentials Encrypting)> _keys = new(() => LoadOrCreate(paths, dataProtection));

    public SigningCredentials Signing => _keys.Value.Signing;
    public EncryptingCredentials Encrypting => _keys.Value.Encrypting;

    private sealed record Stored(string KeyId, byte[] RsaPkcs8, byte[] Aes);

    private static (SigningCredentials, EncryptingCredentials) LoadOrCreate(DataPaths paths, IDataProtectionProvider dataProtection)
    {
        var protector = dataProtection.CreateProtector("ESignWeb.OAuth.Keys.v1");
        var file = Path.Combine(paths.Keys, "oauth-keys.bin");
        Stored stored;
        if (File.Exists(file))
            stored = JsonSerializer.Deserialize<Stored>(protector.Unprotect(File.ReadAllBytes(file)))!;
        else
        {
            using var rsa = RSA.Create(2048);
            stored = new Stored(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), rsa.ExportPkcs8PrivateKey(), RandomNumberGenerator.GetBytes(32));
            var temp = file + ".tmp";
            File.WriteAllBytes(temp, protector.Protect(JsonSerializer.SerializeToUtf8Bytes(stored)));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            // Two processes starting at once: the first one's key wins, the other reads it.
            try { File.Move(temp, file, overwrite: false); }
            catch (IOException) { File.Delete(temp); return LoadOrCreate(paths, dataProtection); }
        }
        var key = RSA.Create();
        key.ImportPkcs8PrivateKey(stored.RsaPkcs8, out _);
        var signing = new SigningCredentials(new RsaSecurityKey(key) { KeyId = "sig-" + stored.KeyId }, SecurityAlgorithms.RsaSha256);
        var encrypting = new EncryptingCredentials(new SymmetricSecurityKey(stored.Aes) { KeyId = "enc-" + stored.KeyId },
            SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512);
        return (signing, encrypting);
    }
}
