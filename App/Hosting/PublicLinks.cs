using System.Net;
using ESignWeb.Domain;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace ESignWeb.Hosting;

/// <summary>
/// The one place that builds links the app hands out (mail, API answers, pages). A request's <c>Host</c> header never
/// decides where a link points: the base is <c>ESign:PublicBaseUrl</c>, or — when it is empty — the loopback address
/// the app listens on, and then only for requests that came to a loopback host (local use). An instance that
/// listens beyond loopback without <c>ESign:PublicBaseUrl</c> refuses to start (<see cref="StartedAsync"/>).
/// </summary>
public sealed class PublicLinks(IOptions<ESignOptions> options, IServer server) : IHostedLifecycleService
{
    public const string Setting = "ESign:PublicBaseUrl";

    /// <summary>Used when the server reports no address (the in-process test server).</summary>
    private const string FallbackBase = "http://localhost/";

    private readonly string? _configured = Normalize(options.Value.PublicBaseUrl);
    private string? _listening;

    /// <summary>The base every link starts with, ending in '/'.</summary>
    public string Base => _configured ?? _listening ?? (ListeningBase(Addresses()) is { } b ? _listening = b : FallbackBase);

    /// <summary>
    /// The base for links made while serving a request that came to <paramref name="requestHost"/> (a host name, or a
    /// base URI such as <c>NavigationManager.BaseUri</c>). With no <c>ESign:PublicBaseUrl</c>, only a loopback host is
    /// served; anything else (a proxy's or an attacker's Host header) is refused.
    /// </summary>
    public string BaseFor(string? requestHost)
    {
        if (_configured is not null) return _configured;
        var host = requestHost is not null && Uri.TryCreate(requestHost, UriKind.Absolute, out var u) ? u.Host : requestHost;
        if (host is null || !IsLoopbackHost(host))
            throw AppException.BadRequest($"This server cannot make links for the address \"{host}\": its operator must set {Setting} " +
                                          "(without it, links are only made for the loopback address the server listens on).");
        return Base;
    }

    /// <summary>An absolute link to <paramref name="path"/> (relative to the base, e.g. <c>sign/abc</c>).</summary>
    public string To(string path) => Base + path.TrimStart('/');

    public string Signing(string token) => To("sign/" + token);

    public string RequestPage(int requestId) => To($"requests/{requestId}");

    /// <summary>The prepare page of a draft (Box <c>prepare_url</c>): the sender finishes and sends it there.</summary>
    public string PreparePage(int requestId) => To($"requests/{requestId}/prepare");

    public string Copy(int requestId, string copyToken) => To($"copy/{requestId}/{copyToken}");

    /// <summary>A mailed report's download link (<c>Reports/ReportDownloads</c>).</summary>
    public string ReportDownload(string token) => To("reports/" + token);

    /// <summary>An account page link (confirmation, password reset) made while serving a request to <paramref name="requestHost"/>.</summary>
    public string Account(string? requestHost, string page, IEnumerable<KeyValuePair<string, string?>> query) =>
        QueryHelpers.AddQueryString(BaseFor(requestHost) + page.TrimStart('/'), query.Where(kv => kv.Value is not null));

    /// <summary>Why a <c>ESign:PublicBaseUrl</c> value is unusable, or null when it is fine (empty is fine).</summary>
    public static string? Problem(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return $"{Setting} must be an absolute http:// or https:// address, e.g. https://sign.example.com (got \"{value}\").";
        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || value.Contains('?') || value.Contains('#'))
            return $"{Setting} must not have a query or fragment (got \"{value}\").";
        if (!string.IsNullOrEmpty(uri.UserInfo))
            return $"{Setting} must not contain a user name or password (got \"{value}\").";
        return null;
    }

    private static string? Normalize(string? value) =>
        string.IsNullOrWhiteSpace(value) || Problem(value) is not null ? null : new Uri(value.Trim()).AbsoluteUri.TrimEnd('/') + "/";

    /// <summary>127.0.0.0/8, ::1 and <c>localhost</c> (Kestrel binds that to loopback only).</summary>
    public static bool IsLoopbackHost(string host)
    {
        host = host.Trim('[', ']');
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);
    }

    /// <summary>The first listening address when all of them are loopback; null when there is none or one is not.</summary>
    internal static string? ListeningBase(IReadOnlyCollection<string> addresses)
    {
        if (addresses.Count == 0 || NonLoopback(addresses).Any()) return null;
        var first = addresses.OrderBy(a => a.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? 1 : 0).First();
        return first.TrimEnd('/') + "/";
    }

    internal static IEnumerable<string> NonLoopback(IEnumerable<string> addresses) =>
        addresses.Where(a => !Uri.TryCreate(a.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"), UriKind.Absolute, out var u) || !IsLoopbackHost(u.Host));

    private IReadOnlyCollection<string> Addresses() =>
        server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    /// <summary>After the server has bound its addresses: refuse to run on a non-loopback address without a public base.</summary>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (_configured is not null) return Task.CompletedTask;
        var addresses = Addresses();
        var outside = NonLoopback(addresses).ToList();
        if (outside.Count > 0)
            throw new InvalidOperationException(
                $"{Setting} is not set and the app listens on {string.Join(", ", outside)}, beyond loopback: links in mail would have " +
                $"no trustworthy address. Set {Setting} to the address people use (e.g. ESign__PublicBaseUrl=https://sign.example.com), " +
                "or listen on 127.0.0.1 only.");
        _listening = ListeningBase(addresses);
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
