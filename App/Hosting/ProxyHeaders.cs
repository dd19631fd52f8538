using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace ESignWeb.Hosting;

/// <summary>
/// Behind a reverse proxy: <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed only on connections from
/// the proxies listed in <c>ESign:ForwardedHeaders</c>; with no list they are ignored (ASP.NET Core's default trust of
/// loopback is cleared). <c>X-Forwarded-Host</c> is never used: the Host header decides nothing. After this middleware,
/// <c>Connection.RemoteIpAddress</c> is the client's address everywhere (audit events from the API and from a Blazor
/// circuit's connection, see <see cref="ClientInfo"/>, and the per-IP limits in <see cref="Throttling"/>).
/// </summary>
public static class ProxyHeaders
{
    public static IServiceCollection AddESignForwardedHeaders(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ESignOptions>>((o, esign) =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            // Walk X-Forwarded-For from the right while the hop is a listed proxy (chains of listed proxies work;
            // anything a client wrote to the left of the first unlisted address is never believed).
            o.ForwardLimit = null;
            var (proxies, networks) = Parse(esign.Value.ForwardedHeaders);
            foreach (var p in proxies) o.KnownProxies.Add(p);
            foreach (var n in networks) o.KnownIPNetworks.Add(n);
        });
        return services;
    }

    /// <summary>First in the pipeline, so everything after it sees the client's address.</summary>
    public static IApplicationBuilder UseESignForwardedHeaders(this IApplicationBuilder app)
    {
        var settings = app.ApplicationServices.GetRequiredService<IOptions<ESignOptions>>().Value.ForwardedHeaders;
        var (proxies, networks) = Parse(settings); // fails at start-up on a bad entry
        return proxies.Count + networks.Count == 0 ? app : app.UseForwardedHeaders();
    }

    /// <summary>The listed proxies and networks (entries may also be comma- or space-separated); throws naming the setting.</summary>
    public static (List<IPAddress> Proxies, List<System.Net.IPNetwork> Networks) Parse(ForwardedHeadersSettings settings)
    {
        var proxies = new List<IPAddress>();
        foreach (var entry in Split(settings.KnownProxies))
        {
            if (!IPAddress.TryParse(entry, out var ip))
                throw new InvalidOperationException($"ESign:ForwardedHeaders:KnownProxies: \"{entry}\" is not an IP address.");
            proxies.Add(ip);
            // A dual-stack listener reports IPv4 peers as ::ffff:a.b.c.d.
            if (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) proxies.Add(ip.MapToIPv6());
        }
        var networks = new List<System.Net.IPNetwork>();
        foreach (var entry in Split(settings.KnownNetworks))
        {
            if (!System.Net.IPNetwork.TryParse(entry, out var net))
                throw new InvalidOperationException($"ESign:ForwardedHeaders:KnownNetworks: \"{entry}\" is not a network in CIDR notation (e.g. 10.0.0.0/24).");
            networks.Add(net);
            if (net.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
                networks.Add(new System.Net.IPNetwork(net.BaseAddress.MapToIPv6(), 96 + net.PrefixLength));
        }
        return (proxies, networks);
    }

    private static IEnumerable<string> Split(string[]? entries) =>
        (entries ?? []).SelectMany(e => (e ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
