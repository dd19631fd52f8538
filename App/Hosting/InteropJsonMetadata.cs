using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.JSInterop;

namespace ESignWeb.Hosting;

/// <summary>
/// One set of compiled JSON accessors for JS interop, shared by every circuit (issue 15, docs/benchmarks.md "Signing
/// circuits"). Each circuit's <see cref="JSRuntime"/> has its own <see cref="JsonSerializerOptions"/> (its converters
/// hold the runtime), so System.Text.Json builds the metadata of every type sent over interop — MudBlazor's and ours —
/// again for each circuit, and its reflection resolver emits a <c>DynamicMethod</c> for each property getter, setter
/// and constructor (its own cache of them lasts a second), which the circuit then keeps: about 49 per signing page.
/// Here the circuit's reflection resolver is replaced by one shared resolver whose modifier hands every circuit the
/// first circuit's accessor delegates for the same member; the per-circuit type metadata stays (it belongs to the
/// options), the emitted code does not multiply. Serialization itself is unchanged (same contracts, same names).
/// </summary>
public static class InteropJsonMetadata
{
    private static readonly ConcurrentDictionary<MemberInfo, Func<object, object?>> Getters = new();
    private static readonly ConcurrentDictionary<MemberInfo, Action<object, object?>> Setters = new();
    private static readonly ConcurrentDictionary<Type, Func<object>> Constructors = new();

    /// <summary>The shared reflection resolver (stateless apart from the caches above).</summary>
    internal static readonly DefaultJsonTypeInfoResolver Resolver = new() { Modifiers = { ShareAccessors } };

    /// <summary>
    /// Wraps the registered <see cref="IJSRuntime"/> (Blazor Server's <c>RemoteJSRuntime</c>, scoped: one per circuit)
    /// so each new runtime uses <see cref="Resolver"/>. Call after every <c>AddServerSideBlazor</c>/<c>AddInteractiveServerComponents</c>.
    /// </summary>
    public static IServiceCollection ShareInteropJsonMetadata(this IServiceCollection services)
    {
        // Blazor registers it with AddScoped (not TryAdd) on every AddServerSideBlazor call: the last one wins.
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IJSRuntime));
        if (registered is not { ImplementationType: { } runtimeType, Lifetime: ServiceLifetime.Scoped }) return services;
        var factory = ActivatorUtilities.CreateFactory(runtimeType, Type.EmptyTypes);
        services.RemoveAll<IJSRuntime>();
        services.Add(ServiceDescriptor.Scoped<IJSRuntime>(sp =>
        {
            var runtime = (IJSRuntime)factory(sp, null);
            if (runtime is JSRuntime js) UseSharedResolver(OptionsOf(js));
            return runtime;
        }));
        return services;
    }

    /// <summary>Puts <see cref="Resolver"/> in place of the options' own reflection resolver (while they can still change).</summary>
    internal static void UseSharedResolver(JsonSerializerOptions options)
    {
        if (options.IsReadOnly) return;
        var chain = options.TypeInfoResolverChain;
        // An empty chain means "reflection" (the serializer puts its default resolver in on first use): ours instead.
        if (chain.Count == 0) { chain.Add(Resolver); return; }
        for (var i = 0; i < chain.Count; i++)
            if (chain[i] is DefaultJsonTypeInfoResolver and not { Modifiers.Count: > 0 }) chain[i] = Resolver;
    }

    // JSRuntime.JsonSerializerOptions is protected internal: read without reflection at run time.
    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_JsonSerializerOptions")]
    private static extern JsonSerializerOptions OptionsOf(JSRuntime runtime);

    /// <summary>Gives a type's metadata the accessors already compiled for the same members (the first seen are kept).</summary>
    internal static void ShareAccessors(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        if (info.CreateObject is { } create) info.CreateObject = Constructors.GetOrAdd(info.Type, create);
        foreach (var property in info.Properties)
        {
            if (property.AttributeProvider is not MemberInfo member) continue;
            if (property.Get is { } get) property.Get = Getters.GetOrAdd(member, get);
            if (property.Set is { } set) property.Set = Setters.GetOrAdd(member, set);
        }
    }
}
