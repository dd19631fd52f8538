using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ESignWeb.OAuth;

/// <summary>
/// The metadata document's endpoint addresses start from the issuer (<c>ESign:PublicBaseUrl</c>), not from the
/// request's Host header (OpenIddict builds them from the request's base by default).
/// </summary>
public sealed class MetadataBase : IOpenIddictServerHandler<HandleConfigurationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleConfigurationRequestContext>()
            .UseSingletonHandler<MetadataBase>()
            .SetOrder(int.MinValue + 100_000) // before OpenIddict attaches the endpoints
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleConfigurationRequestContext context)
    {
        if (context.Options.Issuer is { } issuer) context.BaseUri = issuer;
        return ValueTask.CompletedTask;
    }
}
