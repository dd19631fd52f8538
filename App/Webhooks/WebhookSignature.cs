using System.Security.Cryptography;
using System.Text;

namespace ESignWeb.Webhooks;

/// <summary>
/// How a delivery proves it came from us: <c>X-ESign-Signature: v1=hex(HMAC-SHA256(secret, timestamp + "." + body))</c>,
/// where the timestamp is the <c>X-ESign-Timestamp</c> header (Unix seconds) and the key is the secret's UTF-8 bytes.
/// </summary>
public static class WebhookSignature
{
    public const string EventIdHeader = "X-ESign-Event-Id";
    public const string EventTypeHeader = "X-ESign-Event-Type";
    public const string TimestampHeader = "X-ESign-Timestamp";
    public const string SignatureHeader = "X-ESign-Signature";
    public const string Scheme = "v1=";

    public static string Sign(string secret, long timestamp, string body) =>
        Scheme + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret),
            Encoding.UTF8.GetBytes(timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture) + "." + body)));

    /// <summary>What a receiver does: recompute and compare in constant time, and refuse stale timestamps.</summary>
    public static bool Verify(string secret, string? timestampHeader, string body, string? signatureHeader, DateTimeOffset now,
        TimeSpan tolerance)
    {
        if (!long.TryParse(timestampHeader, out var ts) || signatureHeader is null) return false;
        if (Math.Abs(now.ToUnixTimeSeconds() - ts) > tolerance.TotalSeconds) return false;
        var expected = Encoding.ASCII.GetBytes(Sign(secret, ts, body));
        return signatureHeader.Split(',', StringSplitOptions.TrimEntries)
            .Any(s => CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(s)));
    }
}
