using Microsoft.AspNetCore.Components.Server.Circuits;

namespace ESignWeb.Hosting;

/// <summary>
/// How many Blazor circuits this process holds: <see cref="Open"/> counts connected ones and those retained after a
/// disconnect (see <c>ESign:Circuits</c>), <see cref="Connected"/> only the connected.
/// </summary>
public sealed class CircuitCount
{
    private int _open;
    private int _connected;

    public int Open => Volatile.Read(ref _open);

    public int Connected => Volatile.Read(ref _connected);

    internal void Opened() => Interlocked.Increment(ref _open);

    internal void Closed() => Interlocked.Decrement(ref _open);

    internal void Up() => Interlocked.Increment(ref _connected);

    internal void Down() => Interlocked.Decrement(ref _connected);
}

/// <summary>Keeps <see cref="CircuitCount"/> (one handler per circuit).</summary>
public sealed class CircuitCountHandler(CircuitCount count) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        count.Opened();
        return Task.CompletedTask;
    }

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        count.Up();
        return Task.CompletedTask;
    }

    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        count.Down();
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        count.Closed();
        return Task.CompletedTask;
    }
}
