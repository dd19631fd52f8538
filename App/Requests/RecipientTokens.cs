using System.Security.Cryptography;
using System.Text;
using ESignWeb.Domain;
using ESignWeb.Secrets;
using ESignWeb.Storage;

namespace ESignWeb.Requests;

/// <summary>
/// Signing-link tokens. A token is HMAC-SHA256(instance key, recipient nonce): 256 bits that cannot be told apart
/// from random without the key, which every instance shares as the secret <see cref="SecretNames.SigningLinkKey"/>
/// (InstanceSecrets: in the database, encrypted with Data Protection, whose key ring is a separate table). The
/// database keeps the per-recipient random nonce and SHA-256(token) for look-up, so a leaked Requests/Recipients
/// table yields no working link, while mail (first invite, retries, reminders) can rebuild the same link without
/// ever storing it.
/// </summary>
public sealed class RecipientTokens
{
    private readonly byte[] _key;

    public RecipientTokens(byte[] key)
    {
        if (key.Length < 32) throw new InvalidOperationException("The signing-link key is damaged (shorter than 32 bytes).");
        _key = key;
    }

    /// <summary>The shared key from the database; an instance upgraded from files imports <c>keys/signing-token.key</c> once.</summary>
    public static RecipientTokens FromSharedKey(InstanceSecrets secrets, DataPaths paths) =>
        new(secrets.GetOrCreate(SecretNames.SigningLinkKey,
            () => InstanceSecrets.ReadLegacyFile(Path.Combine(paths.Keys, "signing-token.key")),
            () => RandomNumberGenerator.GetBytes(32)));

    /// <summary>Gives the recipient a fresh nonce and token hash; returns the token for the link.</summary>
    public string Issue(Recipient r)
    {
        r.TokenNonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var token = TokenFor(r)!;
        r.TokenHash = Hash(token);
        return token;
    }

    /// <summary>Rebuilds a recipient's current token (for mail), or null when none was issued.</summary>
    public string? TokenFor(Recipient r) =>
        r.TokenNonce is null ? null : Base64Url(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes("sign:" + r.TokenNonce)));

    /// <summary>
    /// The token of a read-only link to a completed request's signed copy, for one address (used for CCs, who have
    /// neither an account nor a signing link). Derived like signing tokens; nothing is stored.
    /// </summary>
    public string CopyToken(int requestId, string email) =>
        Base64Url(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"copy:{requestId}:{email.Trim().ToLowerInvariant()}")));

    /// <summary>Whether <paramref name="token"/> is the copy token of one of <paramref name="emails"/> (constant time).</summary>
    public bool IsCopyToken(int requestId, IEnumerable<string> emails, string token) =>
        LooksValid(token) && emails.Any(e => CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(CopyToken(requestId, e)), Encoding.ASCII.GetBytes(token)));

    /// <summary>The look-up hash of a token presented in a link. Malformed tokens hash too (and match nothing).</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Cheap shape check before any database look-up: 43 base64url characters.</summary>
    public static bool LooksValid(string? token) =>
        token is { Length: 43 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>A fresh random secret: <paramref name="prefix"/> + 256 random bits in base64url (43 characters).</summary>
    public static string NewSecret(string prefix) => prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
