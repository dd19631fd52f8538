using System.Text.Json;
using ESignWeb.Hosting;

namespace ESignWeb.Tests.Unit;

/// <summary>
/// JS interop's JSON metadata: each circuit has its own options (as each JSRuntime does), yet they share one set of
/// compiled accessors (issue 15, docs/benchmarks.md "Signing circuits"), and what is written and read is unchanged.
/// </summary>
public class InteropJsonMetadataTests
{
    public sealed class Box
    {
        public string? Name { get; set; }
        public double Width { get; set; }
        public List<int> Items { get; set; } = [];
    }

    public sealed record Point(double X, double Y);

    /// <summary>What a circuit's JSRuntime sets up (its own options, reflection last in the chain), with the shared resolver.</summary>
    private static JsonSerializerOptions CircuitOptions()
    {
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true };
        options.TypeInfoResolverChain.Add(new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver());
        InteropJsonMetadata.UseSharedResolver(options);
        return options;
    }

    [Fact]
    public void Two_circuits_share_the_accessors_of_the_same_members()
    {
        var first = CircuitOptions().GetTypeInfo(typeof(Box));
        var second = CircuitOptions().GetTypeInfo(typeof(Box));
        Assert.NotSame(first, second); // metadata belongs to its options
        Assert.Equal(3, first.Properties.Count);
        for (var i = 0; i < first.Properties.Count; i++)
        {
            Assert.NotNull(first.Properties[i].Get);
            Assert.Same(first.Properties[i].Get, second.Properties[i].Get);
            Assert.Same(first.Properties[i].Set, second.Properties[i].Set);
        }
        Assert.NotNull(first.CreateObject);
        Assert.Same(first.CreateObject, second.CreateObject);
    }

    [Fact]
    public void Values_are_written_and_read_as_before()
    {
        var box = new Box { Name = "sign-pages", Width = 612.5, Items = [1, 2, 3] };
        var plain = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true };
        foreach (var options in new[] { CircuitOptions(), CircuitOptions() })
        {
            var json = JsonSerializer.Serialize(box, options);
            Assert.Equal(JsonSerializer.Serialize(box, plain), json);
            Assert.Equal("{\"name\":\"sign-pages\",\"width\":612.5,\"items\":[1,2,3]}", json);
            var back = JsonSerializer.Deserialize<Box>("{\"Name\":\"x\",\"width\":2,\"items\":[4]}", options)!;
            Assert.Equal(("x", 2.0, 4), (back.Name, back.Width, back.Items.Single()));
            // A type with a constructor (no CreateObject delegate) still round-trips.
            Assert.Equal(new Point(1.5, -2), JsonSerializer.Deserialize<Point>(JsonSerializer.Serialize(new Point(1.5, -2), options), options));
        }
    }

    [Fact]
    public void Options_already_in_use_are_left_alone()
    {
        var options = new JsonSerializerOptions();
        options.TypeInfoResolverChain.Add(new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver());
        JsonSerializer.Serialize(new Box(), options); // now read-only
        InteropJsonMetadata.UseSharedResolver(options);
        Assert.DoesNotContain(options.TypeInfoResolverChain, r => ReferenceEquals(r, InteropJsonMetadata.Resolver));
    }
}
