namespace ESignWeb.Timestamping;

/// <summary>
/// Whether a sealed PDF's signature carries an RFC 3161 timestamp, as recorded in the request's <c>completed</c> audit
/// event (<c>"timestamp"</c>, present only while <c>ESign:Timestamping:Url</c> is set).
/// </summary>
public enum TrustedTimestamp
{
    /// <summary>Timestamping is on, but the authority did not answer in time (or answered nonsense): sealed without one.</summary>
    None,

    /// <summary>The signature carries the authority's token (unsigned attribute id-aa-signatureTimeStampToken: PAdES B-T).</summary>
    Rfc3161,
}

public static class TrustedTimestamps
{
    /// <summary>The key in the <c>completed</c> event's data.</summary>
    public const string DataKey = "timestamp";

    public static string WireName(this TrustedTimestamp t) => t switch
    {
        TrustedTimestamp.Rfc3161 => "rfc3161",
        _ => "none",
    };

    /// <summary>The value recorded in a <c>completed</c> event's data, or null when the event records none (timestamping off).</summary>
    public static TrustedTimestamp? OfCompletedData(string? data)
    {
        if (string.IsNullOrEmpty(data)) return null;
        try
        {
            using var d = System.Text.Json.JsonDocument.Parse(data);
            if (d.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object
                || !d.RootElement.TryGetProperty(DataKey, out var v) || v.ValueKind != System.Text.Json.JsonValueKind.String) return null;
            return v.GetString() == TrustedTimestamp.Rfc3161.WireName() ? TrustedTimestamp.Rfc3161 : TrustedTimestamp.None;
        }
        catch (System.Text.Json.JsonException) { return null; }
    }

    /// <summary>What the request's page says about a seal with a timestamp.</summary>
    public const string PresentNotice = "Trusted timestamp (RFC 3161) on the signed document's signature.";

    /// <summary>What the request's page says about a seal without a timestamp.</summary>
    public const string MissingNotice = "Sealed without a trusted timestamp: the time-stamp authority did not answer.";
}
