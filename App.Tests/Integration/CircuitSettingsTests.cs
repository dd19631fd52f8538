using System.Net;
using System.Text.Json;
using ESignWeb.Hosting;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ESignWeb.Tests.Integration;

/// <summary>ESign:Circuits reaches Blazor's CircuitOptions; the bench's GC endpoint exists only when asked for.</summary>
public class CircuitSettingsTests
{
    [Fact]
    public void Disconnected_circuits_are_kept_120_seconds_and_at_most_500_by_default()
    {
        using var app = new ESignAppFactory();
        var circuits = app.Services.GetRequiredService<IOptions<CircuitOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(120), circuits.DisconnectedCircuitRetentionPeriod);
        Assert.Equal(500, circuits.DisconnectedCircuitMaxRetained);
    }

    [Fact]
    public void Configured_retention_reaches_the_circuit_options()
    {
        using var app = new ESignAppFactory
        {
            Settings = { ["ESign:Circuits:DisconnectedRetentionSeconds"] = "30", ["ESign:Circuits:DisconnectedMaxRetained"] = "7" },
        };
        var circuits = app.Services.GetRequiredService<IOptions<CircuitOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(30), circuits.DisconnectedCircuitRetentionPeriod);
        Assert.Equal(7, circuits.DisconnectedCircuitMaxRetained);
    }

    [Fact]
    public async Task The_gc_endpoint_is_not_mapped_by_default()
    {
        using var app = new ESignAppFactory();
        var response = await app.CreateClient().PostAsync(BenchmarkEndpoint.GcPath, null);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task With_the_benchmark_endpoint_the_gc_endpoint_answers_memory_and_circuits()
    {
        using var app = new ESignAppFactory { Settings = { ["ESign:Testing:BenchmarkEndpoint"] = "true" } };
        var response = await app.CreateClient().PostAsync(BenchmarkEndpoint.GcPath, null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(json.GetProperty("rssBytes").GetInt64() > json.GetProperty("managedBytes").GetInt64());
        Assert.True(json.GetProperty("managedBytes").GetInt64() > 0);
        Assert.Equal(0, json.GetProperty("circuits").GetInt32());
        Assert.Equal(0, json.GetProperty("connected").GetInt32());
    }
}
