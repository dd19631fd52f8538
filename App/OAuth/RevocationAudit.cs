using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ESignWeb.OAuth;

/// <summary>Records a token revoked at <c>/oauth/revoke</c> in the account-level OAuth log (after OpenIddict revoked it).</summary>
public sealed class RevocationAudit(OAuthAudit audit) : IOpenIddictServerHandler<HandleRevocationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleRevocationRequestContext>()
            .UseSingletonHandler<RevocationAudit>()
            .SetOrder(int.MaxValue - 100_000) // after OpenIddict's own handlers (they revoke the token)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(HandleRevocationRequestContext context)
    {
        if (context.IsRejected) return;
        var principal = context.GenericTokenPrincipal;
        await audit.RecordAsync(OAuthEventType.TokenRevoked, principal?.GetClaim(Claims.Subject), context.Request.ClientId,
            context.Request.TokenTypeHint ?? principal?.GetTokenType() ?? "", context.Transaction.GetHttpRequest()?.HttpContext, context.CancellationToken);
    }
}
