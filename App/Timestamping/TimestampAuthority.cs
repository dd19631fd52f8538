using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using ESignWeb.Hosting;
using Microsoft.Extensions.Options;

namespace ESignWeb.Timestamping;

/// <summary>
/// The RFC 3161 time-stamp authority named in <c>ESign:Timestamping:Url</c>: posts a <c>application/timestamp-query</c>
/// and checks the reply (status, nonce, message imprint) — asynchronously, bounded by
/// <c>ESign:Timestamping:TimeoutSeconds</c>. A failure is an answer (null plus a reason), never an exception: a seal
/// goes on without a timestamp.
/// </summary>
public sealed class TimestampAuthority(IOptions<ESignOptions> options, IHttpClientFactory http, TimeProvider clock)
{
    public const string HttpClientName = "timestamping";

    public bool Enabled => !string.IsNullOrWhiteSpace(options.Value.Timestamping.Url);

    /// <summary>Scheme, host and port of the authority — what a log line may say (no path, query or credentials).</summary>
    public string Where => Uri.TryCreate(options.Value.Timestamping.Url, UriKind.Absolute, out var u) ? $"{u.Scheme}://{u.Host}:{u.Port}" : "(none)";

    /// <summary>Why <paramref name="url"/> cannot be an authority's address, or null when it can (empty: off).</summary>
    public static string? UrlProblem(string? url) =>
        string.IsNullOrWhiteSpace(url) ? null
        : Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps) ? null
        : "not an absolute http(s) address";

    /// <summary>A token over <paramref name="signer"/>'s signature value, or null and why not.</summary>
    public async Task<(Rfc3161TimestampToken? Token, string? Problem)> TimestampAsync(SignerInfo signer, CancellationToken ct)
    {
        if (!Enabled) return (null, "timestamping is off");
        var request = Rfc3161TimestampRequest.CreateFromSignerInfo(signer, HashAlgorithmName.SHA256,
            requestSignerCertificates: true, nonce: RandomNumberGenerator.GetBytes(16));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(options.Value.Timestamping.TimeoutSeconds), clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            var client = http.CreateClient(HttpClientName);
            client.Timeout = Timeout.InfiniteTimeSpan; // bounded by the token above
            using var content = new ReadOnlyMemoryContent(request.Encode());
            content.Headers.ContentType = new MediaTypeHeaderValue("application/timestamp-query");
            using var response = await client.PostAsync(options.Value.Timestamping.Url, content, linked.Token);
            if (!response.IsSuccessStatusCode) return (null, $"HTTP {(int)response.StatusCode}");
            if (response.Content.Headers.ContentType?.MediaType != "application/timestamp-reply")
                return (null, $"reply of type {response.Content.Headers.ContentType?.MediaType ?? "(none)"}");
            var reply = await response.Content.ReadAsByteArrayAsync(linked.Token);
            return (request.ProcessResponse(reply, out _), null); // checks status, nonce and the imprint
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return (null, $"no answer within {options.Value.Timestamping.TimeoutSeconds} s");
        }
        catch (HttpRequestException ex)
        {
            return (null, ex.HttpRequestError.ToString());
        }
        catch (CryptographicException ex)
        {
            return (null, "invalid reply: " + ex.Message);
        }
    }
}
