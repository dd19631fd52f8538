using System.Text.Json;
using ESignWeb.Domain;

namespace ESignWeb.Audit;

/// <summary>
/// The audit chain as a file anyone can recompute (<c>audit-chain.json</c>, attached to the signed audit trail PDF):
/// for each event its seq, type, time, actor, the exact canonical string that was hashed, the previous hash and its
/// hash; plus the genesis value and the algorithm in words. A third party needs only SHA-256 to check it
/// (docs/evidence.md, tools/verify-evidence.sh).
/// </summary>
public static class AuditChainFile
{
    /// <summary>The attachment's name inside the audit trail PDF.</summary>
    public const string FileName = "audit-chain.json";

    /// <summary>This file's format, so that a checker knows what it reads.</summary>
    public const string Format = "esignweb-audit-chain/1";

    public const string Algorithm =
        "hash = SHA-256 of the UTF-8 bytes of prev_hash immediately followed by canonical (no separator), written as " +
        "64 lowercase hexadecimal characters; prev_hash is the previous event's hash, and the genesis value for the " +
        "first event; events are numbered 1, 2, 3, ... without gaps.";

    /// <summary>The file's bytes (UTF-8 JSON) for <paramref name="events"/>, in chain order.</summary>
    public static byte[] Json(IReadOnlyList<AuditEvent> events, string reference)
    {
        var ordered = events.OrderBy(e => e.Seq).ToList();
        var file = new
        {
            format = Format,
            reference,
            hash_algorithm = "SHA-256",
            algorithm = Algorithm,
            genesis = AuditLog.Genesis,
            head = ordered.LastOrDefault()?.Hash ?? AuditLog.Genesis,
            events = ordered.Select(e => new
            {
                seq = e.Seq,
                type = e.Type.StoredName(),
                at = e.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
                actor = e.ActorEmail,
                canonical = AuditLog.Canonical(e),
                prev_hash = e.PrevHash,
                hash = e.Hash,
            }),
        };
        return JsonSerializer.SerializeToUtf8Bytes(file, new JsonSerializerOptions { WriteIndented = true });
    }
}
