using ESignWeb.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Secrets;

/// <summary>
/// The secrets every instance must share, in the database's InstanceSecrets table, each encrypted with Data Protection
/// under its own purpose (so a row copied under another name does not decrypt). <see cref="GetOrCreate"/> is the only
/// way in: read the row; if there is none, take the value from the old <c>keys/</c> file (the upgrade path: imported
/// once, the file stays as a backup) or make a new one, and insert it — two instances starting at once both try, the
/// primary key lets one win and the other reads the winner's value back (<see cref="Transactions.WriteAsync{T}"/>
/// retries a write that lost to a concurrent commit). Values are read once per process by their owners
/// (RecipientTokens, SigningCertificate, OAuthKeys).
/// </summary>
public sealed class InstanceSecrets(IDbContextFactory<AppDbContext> dbFactory, IDataProtectionProvider dataProtection, TimeProvider clock,
    ILogger<InstanceSecrets> log)
{
    /// <summary>The Data Protection purpose of every secret; the secret's name is the sub-purpose.</summary>
    public const string Purpose = "ESignWeb.InstanceSecrets.v1";

    /// <summary>
    /// Synchronous <see cref="GetOrCreateAsync"/>, for the lazily built singletons that own a secret. It runs on the
    /// thread pool: the first use may come from a caller with a single-threaded synchronization context (a Blazor
    /// renderer, e.g. the verify page reading the instance certificate), and blocking there on work whose continuations
    /// are posted back to that context never ends once the database driver is truly asynchronous (Npgsql; SQLite's
    /// completes synchronously, which hid it).
    /// </summary>
    public byte[] GetOrCreate(string name, Func<byte[]?> legacy, Func<byte[]> create) =>
        Task.Run(() => GetOrCreateAsync(name, legacy, create)).GetAwaiter().GetResult();

    /// <param name="name">One of <see cref="SecretNames"/>.</param>
    /// <param name="legacy">The value kept in the old <c>keys/</c> file, or null when there is none.</param>
    /// <param name="create">Makes a new value (first start of a new installation).</param>
    public async Task<byte[]> GetOrCreateAsync(string name, Func<byte[]?> legacy, Func<byte[]> create, CancellationToken ct = default)
    {
        var protector = dataProtection.CreateProtector(Purpose, name);
        if (await ReadAsync(name, ct) is { } stored) return protector.Unprotect(stored);

        var imported = legacy();
        var value = imported ?? create();
        // Protected before the write transaction: protecting may add a key to the key ring (its own write).
        var mine = protector.Protect(value);
        var kept = await dbFactory.WriteAsync(async db =>
        {
            var row = await db.InstanceSecrets.AsNoTracking().Where(s => s.Name == name).Select(s => s.Protected).SingleOrDefaultAsync(ct);
            if (row is not null) return row; // another instance made it first: use that one
            db.InstanceSecrets.Add(new InstanceSecret { Name = name, Protected = mine, CreatedAt = clock.GetUtcNow() });
            return mine;
        }, ct);
        if (!ReferenceEquals(kept, mine))
        {
            if (imported is not null)
                log.LogWarning("The shared secret {Name} already exists in the database; the old file in keys/ was not imported (it is not used).", name);
            return protector.Unprotect(kept);
        }
        if (imported is not null)
            log.LogInformation("Imported the shared secret {Name} from keys/ into the database; the file stays as a backup and is no longer read.", name);
        else
            log.LogInformation("Created the shared secret {Name} in the database.", name);
        return value;
    }

    /// <summary>Whether the secret exists (tests, diagnostics); never its value.</summary>
    public async Task<bool> ExistsAsync(string name, CancellationToken ct = default) => await ReadAsync(name, ct) is not null;

    private async Task<byte[]?> ReadAsync(string name, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.InstanceSecrets.AsNoTracking().Where(s => s.Name == name).Select(s => s.Protected).SingleOrDefaultAsync(ct);
    }

    /// <summary>The bytes of an old <c>keys/</c> file, or null when it does not exist.</summary>
    public static byte[]? ReadLegacyFile(string path) => File.Exists(path) ? File.ReadAllBytes(path) : null;
}
