using ESignWeb.Data;
using ESignWeb.Hosting;
using Microsoft.Extensions.Options;
using OpenIddict.Server;

namespace ESignWeb.OAuth;

/// <summary>
/// OAuth 2 (issue 14): OpenIddict on the app's own EF Core database (AppDbContext.UseOpenIddict()). The server's
/// endpoints are <c>/oauth/authorize</c> (passthrough: <see cref="OAuthEndpoints"/> and the consent page),
/// <c>/oauth/token</c> (passthrough), <c>/oauth/revoke</c> and the metadata document. Access and refresh tokens are
/// reference tokens: the client holds a random id, the database the (encrypted) token, so revoking it or deleting the
/// app stops it at once.
/// </summary>
public static class OAuthServices
{
    public static IServiceCollection AddOAuth(this IServiceCollection services)
    {
        services.AddSingleton<OAuthKeys>();
        services.AddSingleton<OAuthAudit>();
        services.AddSingleton<RevocationAudit>();
        services.AddSingleton<MetadataBase>();
        services.AddScoped<OAuthConsent>();
        services.AddOpenIddict()
            // Core: the application, authorization, scope and token managers (IOpenIddictApplicationManager, ...) over
            // AppDbContext, which is resolvable as a scoped service (ESignServiceCollectionExtensions).
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<AppDbContext>())
            .AddServer(o =>
            {
                o.SetAuthorizationEndpointUris(OAuthEndpoints.Authorize, OAuthEndpoints.Consent)
                    .SetTokenEndpointUris(OAuthEndpoints.Token)
                    .SetRevocationEndpointUris(OAuthEndpoints.Revoke)
                    .SetConfigurationEndpointUris(".well-known/oauth-authorization-server", ".well-known/openid-configuration");
                o.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow().AllowClientCredentialsFlow();
                o.RegisterScopes([.. ApiScopes.All]);
                o.UseReferenceAccessTokens().UseReferenceRefreshTokens();
                o.AddEventHandler(RevocationAudit.Descriptor);
                o.AddEventHandler(MetadataBase.Descriptor);
                o.AddEventHandler(ReturnToApp.Descriptor); // after our own forms: a page, not a 302 (CSP form-action)
                // A used refresh token is refused at once (OpenIddict allows a short reuse leeway by default).
                o.SetRefreshTokenReuseLeeway(TimeSpan.Zero);
                o.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    // A refused authorisation request reaches OAuthEndpoints (AuthorizeErrors): back to the app, or our page.
                    .EnableErrorPassthrough()
                    // TLS is the deployment's (ESign:PublicBaseUrl https + proxy); local use is plain http on loopback.
                    .DisableTransportSecurityRequirement();
            })
            .AddValidation(o =>
            {
                o.UseLocalServer();
                // Revoking an app's authorisation (Settings → Authorised apps) stops its tokens at once.
                o.EnableAuthorizationEntryValidation();
                o.UseAspNetCore();
            });
        // Issuer, lifetimes and keys come from the app's settings and data folder (resolved when first needed).
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, ConfigureServer>();
        return services;
    }

    private sealed class ConfigureServer(IOptions<ESignOptions> esign, PublicLinks links, OAuthKeys keys) : IConfigureOptions<OpenIddictServerOptions>
    {
        public void Configure(OpenIddictServerOptions o)
        {
            var oauth = esign.Value.OAuth;
            // Links come from the configured public base, never from a request's Host header.
            o.Issuer = new Uri(links.Base);
            o.AccessTokenLifetime = TimeSpan.FromMinutes(oauth.AccessTokenMinutes);
            o.RefreshTokenLifetime = TimeSpan.FromDays(oauth.RefreshTokenDays);
            o.AuthorizationCodeLifetime = TimeSpan.FromMinutes(oauth.CodeMinutes);
            o.SigningCredentials.Add(keys.Signing);
            o.EncryptionCredentials.Add(keys.Encrypting);
        }
    }
}
