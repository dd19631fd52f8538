using System.Net.Http.Headers;
using Duende.IdentityModel.Client;
using ESignWeb.OAuth;
using ESignWeb.Tests.Integration;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace ESignWeb.Tests.Fixtures;

/// <summary>
/// API callers with OAuth access tokens minted by a real flow (Duende.IdentityModel's client_credentials: a confidential
/// app acting for the user who owns it), next to <see cref="ESignAppFactory.ApiClientAsync"/>'s API keys.
/// </summary>
public static class OAuthClients
{
    public sealed record OAuthApp(string ClientId, string Secret, string OwnerId);

    /// <summary>Registers a confidential app owned by <paramref name="ownerId"/> (allowed every scope).</summary>
    public static async Task<OAuthApp> RegisterAppAsync(this ESignAppFactory app, string ownerId, string name = "Test app")
    {
        var clientId = "app-" + Guid.NewGuid().ToString("N");
        var secret = "secret-" + Guid.NewGuid().ToString("N");
        using var scope = app.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>()
            .CreateAsync(OAuthApps.Describe(ownerId, name, [new Uri("https://client.example.com/callback")], confidential: true, clientId, secret));
        return new OAuthApp(clientId, secret, ownerId);
    }

    /// <summary>An access token of <paramref name="oauthApp"/> with exactly <paramref name="scopes"/> (client_credentials).</summary>
    public static async Task<string> TokenAsync(this ESignAppFactory app, OAuthApp oauthApp, IEnumerable<string> scopes)
    {
        var token = await app.CreateClient().RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = "http://localhost/oauth/token", ClientId = oauthApp.ClientId, ClientSecret = oauthApp.Secret, Scope = string.Join(' ', scopes),
        });
        Assert.False(token.IsError, $"{token.Error} {token.ErrorDescription}");
        return token.AccessToken!;
    }

    /// <summary>An HTTP client that sends <paramref name="accessToken"/> as its Bearer.</summary>
    public static HttpClient BearerClient(this ESignAppFactory app, string accessToken)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    /// <summary>A new app of the user's and a client with its token carrying every API scope (what the IDOR walk uses).</summary>
    public static async Task<(HttpClient Client, OAuthApp App)> OAuthClientAsync(this ESignAppFactory app, string ownerId)
    {
        var oauthApp = await app.RegisterAppAsync(ownerId);
        return (app.BearerClient(await app.TokenAsync(oauthApp, ApiScopes.Api)), oauthApp);
    }
}
