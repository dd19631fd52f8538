using System.Net;
using System.Net.Sockets;

namespace ESignWeb.Webhooks;

/// <summary>Thrown when a callback URL points at an address webhooks may not reach.</summary>
public sealed class DestinationRefusedException(string message) : Exception(message);

/// <summary>
/// Where webhooks may go. Callback URLs are absolute http(s) URLs without credentials; unless
/// <c>Webhooks:AllowPrivateNetworks</c> is on, every address the host resolves to must be a public one, checked when
/// connecting (so a DNS answer that changes after registration cannot reach the server's own network).
/// </summary>
public static class CallbackDestination
{
    public const int MaxUrlLength = 2048;

    /// <summary>Checks the URL's form (and literal addresses); returns the problem, or null when it is acceptable.</summary>
    public static string? Problem(string url, bool allowPrivate)
    {
        if (url.Length > MaxUrlLength) return $"A callback URL is too long (at most {MaxUrlLength} characters).";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
            return $"\"{Shorten(url)}\" is not an http or https URL.";
        if (uri.UserInfo.Length > 0) return "A callback URL must not carry a user name or password.";
        if (uri.Fragment.Length > 0) return "A callback URL must not have a #fragment.";
        if (!allowPrivate)
        {
            if (uri.IsLoopback || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ||
                uri.Host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
                return $"\"{uri.Host}\" is this server itself; callback URLs must be public addresses.";
            if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && !IsPublic(ip))
                return $"{uri.Host} is a private or reserved address; callback URLs must be public addresses.";
        }
        return null;
    }

    /// <summary>False for loopback, private (RFC 1918, unique local), link-local (incl. cloud metadata), carrier-grade NAT,
    /// multicast, unspecified and other reserved ranges.</summary>
    public static bool IsPublic(IPAddress ip)
    {
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (IPAddress.IsLoopback(ip)) return false;
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = ip.GetAddressBytes();
            return !(b[0] == 0 || b[0] == 10 || b[0] == 127 || b[0] >= 224 ||
                     b[0] == 100 && b[1] >= 64 && b[1] <= 127 ||   // 100.64/10 carrier-grade NAT
                     b[0] == 169 && b[1] == 254 ||                 // link-local, cloud metadata
                     b[0] == 172 && b[1] >= 16 && b[1] <= 31 ||
                     b[0] == 192 && b[1] == 168 ||
                     b[0] == 192 && b[1] == 0 && b[2] is 0 or 2 ||  // IETF protocol assignments, TEST-NET-1
                     b[0] == 198 && b[1] is 18 or 19 ||            // benchmarking
                     b[0] == 198 && b[1] == 51 && b[2] == 100 ||
                     b[0] == 203 && b[1] == 0 && b[2] == 113);
        }
        if (ip.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (ip.Equals(IPAddress.IPv6Any) || ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6Multicast) return false;
            var b = ip.GetAddressBytes();
            if ((b[0] & 0xFE) == 0xFC) return false;                  // fc00::/7 unique local
            if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) return false; // documentation
            if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B) // 64:ff9b::/96 NAT64: judge the IPv4 inside
                return IsPublic(new IPAddress(b[12..16]));
            return true;
        }
        return false;
    }

    /// <summary>The handler every delivery goes through: no proxy, no redirects, addresses checked at connect time.</summary>
    public static SocketsHttpHandler CreateHandler(bool allowPrivate) => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        ConnectCallback = async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
            var usable = allowPrivate ? addresses : addresses.Where(IsPublic).ToArray();
            if (usable.Length == 0)
                throw new DestinationRefusedException(
                    $"{host} resolves to no public address ({string.Join(", ", addresses.Select(a => a.ToString()))}); " +
                    "set Webhooks:AllowPrivateNetworks to deliver to private networks.");
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(usable, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    private static string Shorten(string s) => s.Length > 80 ? s[..80] + "…" : s;
}
