using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ESignWeb.Secrets;

/// <summary>
/// One named secret every instance shares (the signing-link key, the instance certificate, the OAuth keys): its value
/// encrypted with Data Protection under a purpose of its own (<see cref="InstanceSecrets"/>). Created once; never
/// updated (rotation: docs/operations.md, "Keys and secrets").
/// </summary>
public class InstanceSecret
{
    /// <summary>One of <see cref="SecretNames"/>; the primary key, so two instances creating it at once clash.</summary>
    public string Name { get; set; } = "";

    /// <summary>The value as <c>IDataProtector.Protect</c> returned it (purpose: <see cref="InstanceSecrets.Purpose"/> + name).</summary>
    public byte[] Protected { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class InstanceSecretConfiguration : IEntityTypeConfiguration<InstanceSecret>
{
    public void Configure(EntityTypeBuilder<InstanceSecret> e)
    {
        e.HasKey(x => x.Name);
        e.Property(x => x.Name).HasMaxLength(64);
        e.Property(x => x.Protected).IsRequired();
    }
}

/// <summary>Data Protection's key ring rows: one row per key, so a key's friendly name (key-{id}) is unique.</summary>
internal sealed class DataProtectionKeyConfiguration : IEntityTypeConfiguration<DataProtectionKey>
{
    public void Configure(EntityTypeBuilder<DataProtectionKey> e) => e.HasIndex(x => x.FriendlyName).IsUnique();
}

/// <summary>The names of the shared secrets (the only vocabulary for them).</summary>
public static class SecretNames
{
    /// <summary>The HMAC key of signing and copy links (32 random bytes); was <c>keys/signing-token.key</c>.</summary>
    public const string SigningLinkKey = "signing-link-key";

    /// <summary>The self-signed seal certificate as PKCS#12 (used when ESign:Certificate:Path is empty); was <c>keys/instance-certificate.pfx</c>.</summary>
    public const string InstanceCertificate = "instance-certificate";

    /// <summary>The OAuth token signing and encryption keys (JSON); was <c>keys/oauth-keys.bin</c>.</summary>
    public const string OAuthKeys = "oauth-keys";
}
