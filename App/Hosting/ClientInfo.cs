using Microsoft.AspNetCore.Components.Server.Circuits;

namespace ESignWeb.Hosting;

/// <summary>
/// Where the person using this circuit connects from (IP address, user agent), for audit events. Interactive
/// components have no HttpContext; the circuit handler below copies these from the circuit's own connection.
/// </summary>
public sealed class ClientInfo
{
    public string? Ip { get; set; }
    public string? UserAgent { get; set; }
}

public sealed class ClientInfoCircuitHandler(ClientInfo client, IHttpContextAccessor accessor) : CircuitHandler
{
    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        if (accessor.HttpContext is { } http)
        {
            client.Ip = http.Connection.RemoteIpAddress?.ToString();
            var ua = http.Request.Headers.UserAgent.ToString();
            client.UserAgent = ua.Length > 512 ? ua[..512] : ua;
        }
        return Task.CompletedTask;
    }
}
