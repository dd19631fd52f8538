using System.Text.Json;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.OAuth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Settings → Developer apps and Authorised apps over the app's real OpenIddict stores: owner checks, the secret shown
/// once and stored hashed, rotation, deletion and revocation stopping the app's authorisations and tokens.
/// </summary>
public class DeveloperAppsTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;
    private DeveloperApps Apps => _app.Get<DeveloperApps>();
    private AuthorisedApps Authorised => _app.Get<AuthorisedApps>();

    public DeveloperAppsTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    private Task<string> UserAsync() => _app.CreateUserAsync($"dev-{Guid.NewGuid():N}@example.com");

    private static DeveloperAppInput Input(string name = "CRM sync", string redirects = "https://crm.example.com/oauth/callback",
        DeveloperAppKind kind = DeveloperAppKind.Confidential) => new(name, redirects, kind);

    private async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    [Fact]
    public async Task A_confidential_app_gets_a_secret_once_which_is_stored_only_as_a_hash_and_checks_out()
    {
        var owner = await UserAsync();
        var made = await Apps.RegisterAsync(owner, Input());

        Assert.NotNull(made.ClientSecret);
        Assert.StartsWith(DeveloperApps.SecretPrefix, made.ClientSecret);
        Assert.Equal(DeveloperApps.SecretPrefix.Length + 43, made.ClientSecret!.Length); // 256 random bits, base64url
        Assert.StartsWith(DeveloperApps.ClientIdPrefix, made.App.ClientId);
        Assert.Equal(["https://crm.example.com/oauth/callback"], made.App.RedirectUris);

        var stored = await WithScopeAsync(async sp => await sp.GetRequiredService<AppDbContext>().Set<OpenIddictEntityFrameworkCoreApplication>()
            .AsNoTracking().Where(a => a.Id == made.App.Id).Select(a => a.ClientSecret).SingleAsync());
        Assert.False(string.IsNullOrEmpty(stored));
        Assert.DoesNotContain(made.ClientSecret, stored!);
        Assert.DoesNotContain(made.ClientSecret[DeveloperApps.SecretPrefix.Length..], stored!);

        Assert.True(await WithScopeAsync(async sp =>
        {
            var apps = sp.GetRequiredService<IOpenIddictApplicationManager>();
            var app = await apps.FindByClientIdAsync(made.App.ClientId);
            return await apps.ValidateClientSecretAsync(app!, made.ClientSecret) && !await apps.ValidateClientSecretAsync(app!, made.ClientSecret + "x");
        }));

        // Listing and reading never carry it again.
        var listed = await Apps.ListAsync(owner);
        Assert.Equal(made.App.Id, Assert.Single(listed).Id);
        Assert.DoesNotContain(made.ClientSecret, JsonSerializer.Serialize(listed));
        Assert.DoesNotContain(made.ClientSecret, JsonSerializer.Serialize(await Apps.GetAsync(owner, made.App.Id)));
    }

    [Fact]
    public async Task Permissions_code_and_refresh_for_all_client_credentials_only_when_confidential_and_every_ApiScope()
    {
        var owner = await UserAsync();
        var confidential = await Apps.RegisterAsync(owner, Input("Server app"));
        var pub = await Apps.RegisterAsync(owner, Input("Phone app", "http://127.0.0.1:8765/cb", DeveloperAppKind.Public));
        Assert.Null(pub.ClientSecret);
        Assert.Equal(DeveloperAppKind.Public, pub.App.Kind);

        await WithScopeAsync<bool>(async sp =>
        {
            var apps = sp.GetRequiredService<IOpenIddictApplicationManager>();
            var c = (await apps.FindByIdAsync(confidential.App.Id))!;
            var p = (await apps.FindByIdAsync(pub.App.Id))!;
            foreach (var app in new[] { c, p })
            {
                foreach (var perm in new[] { Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.Revocation,
                             Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code })
                    Assert.True(await apps.HasPermissionAsync(app, perm), perm);
                foreach (var s in ApiScopes.All) Assert.True(await apps.HasPermissionAsync(app, Permissions.Prefixes.Scope + s), s);
            }
            Assert.True(await apps.HasPermissionAsync(c, Permissions.GrantTypes.ClientCredentials));
            Assert.False(await apps.HasPermissionAsync(p, Permissions.GrantTypes.ClientCredentials));
            Assert.True(await apps.HasClientTypeAsync(c, ClientTypes.Confidential));
            Assert.True(await apps.HasClientTypeAsync(p, ClientTypes.Public));
            return true;
        });
        await Assert.ThrowsAsync<AppException>(() => Apps.RotateSecretAsync(owner, pub.App.Id)); // a public app has no secret
    }

    [Fact]
    public async Task Someone_elses_app_is_not_found_for_every_method_and_stays_untouched()
    {
        var owner = await UserAsync();
        var other = await UserAsync();
        var made = await Apps.RegisterAsync(owner, Input());

        Assert.Empty(await Apps.ListAsync(other));
        foreach (var attempt in new Func<Task>[]
                 {
                     () => Apps.GetAsync(other, made.App.Id),
                     () => Apps.RotateSecretAsync(other, made.App.Id),
                     () => Apps.UpdateAsync(other, made.App.Id, Input("Hijacked", "https://evil.example.com/cb")),
                     () => Apps.DeleteAsync(other, made.App.Id),
                     () => Apps.GetAsync(owner, "no-such-app"),
                     () => Apps.GetAsync("", made.App.Id),
                 })
        {
            var ex = await Assert.ThrowsAsync<AppException>(attempt);
            Assert.Equal(AppException.NotFound("x").Code, ex.Code);
        }

        var still = await Apps.GetAsync(owner, made.App.Id);
        Assert.Equal("CRM sync", still.Name);
        Assert.Equal(["https://crm.example.com/oauth/callback"], still.RedirectUris);
        Assert.True(await SecretWorksAsync(made.App.ClientId, made.ClientSecret!));
    }

    [Fact]
    public async Task Rotating_stops_the_old_secret_at_once_and_editing_keeps_the_secret()
    {
        var owner = await UserAsync();
        var made = await Apps.RegisterAsync(owner, Input());
        var rotated = await Apps.RotateSecretAsync(owner, made.App.Id);

        Assert.NotEqual(made.ClientSecret, rotated.ClientSecret);
        Assert.False(await SecretWorksAsync(made.App.ClientId, made.ClientSecret!));
        Assert.True(await SecretWorksAsync(made.App.ClientId, rotated.ClientSecret!));

        var edited = await Apps.UpdateAsync(owner, made.App.Id,
            Input("CRM sync v2", "https://crm.example.com/cb2\nhttp://localhost:5000/cb", DeveloperAppKind.Public));
        Assert.Equal("CRM sync v2", edited.Name);
        Assert.Equal(["https://crm.example.com/cb2", "http://localhost:5000/cb"], edited.RedirectUris);
        Assert.Equal(DeveloperAppKind.Confidential, edited.Kind); // the kind is chosen once
        Assert.True(await SecretWorksAsync(made.App.ClientId, rotated.ClientSecret!)); // an edit is not a rotation
    }

    [Theory]
    [InlineData("", "https://a.example.com/cb", "name")]
    [InlineData("   ", "https://a.example.com/cb", "name")]
    [InlineData("ok", "", "redirect_uris")]
    [InlineData("ok", "http://a.example.com/cb", "redirect_uris")]
    [InlineData("ok", "javascript:alert(1)", "redirect_uris")]
    public async Task Bad_input_is_refused_naming_the_field_and_nothing_is_registered(string name, string redirects, string field)
    {
        var owner = await UserAsync();
        var ex = await Assert.ThrowsAsync<AppException>(() => Apps.RegisterAsync(owner, Input(name, redirects)));
        Assert.Equal(field, ex.Field);
        Assert.Empty(await Apps.ListAsync(owner));
    }

    [Fact]
    public async Task A_name_over_100_characters_is_refused_and_100_is_fine()
    {
        var owner = await UserAsync();
        await Assert.ThrowsAsync<AppException>(() => Apps.RegisterAsync(owner, Input(new string('n', 101))));
        Assert.Equal(100, (await Apps.RegisterAsync(owner, Input(new string('n', 100)))).App.Name.Length);
    }

    [Fact]
    public async Task Deleting_an_app_stops_its_authorisations_and_tokens()
    {
        var owner = await UserAsync();
        var user = await UserAsync();
        var made = await Apps.RegisterAsync(owner, Input());
        var (authId, tokenId) = await AllowAsync(made.App.Id, user, ["documents"]);
        Assert.Single(await Authorised.ListAsync(user));

        await Apps.DeleteAsync(owner, made.App.Id);

        Assert.Empty(await Apps.ListAsync(owner));
        Assert.Empty(await Authorised.ListAsync(user));
        Assert.False(await IsValidAsync(authId, tokenId));
        Assert.False(await SecretWorksAsync(made.App.ClientId, made.ClientSecret!));
        await Assert.ThrowsAsync<AppException>(() => Apps.DeleteAsync(owner, made.App.Id));
    }

    [Fact]
    public async Task Authorised_apps_lists_the_app_with_scopes_and_last_use_and_Revoke_stops_it_for_that_user_only()
    {
        var owner = await UserAsync();
        var user = await UserAsync();
        var someoneElse = await UserAsync();
        var made = await Apps.RegisterAsync(owner, Input("Reports dashboard"));
        var (authId, tokenId) = await AllowAsync(made.App.Id, user, ["documents.read", "reports"]);
        var (otherAuth, otherToken) = await AllowAsync(made.App.Id, someoneElse, ["documents"]);

        var row = Assert.Single(await Authorised.ListAsync(user));
        Assert.Equal("Reports dashboard", row.Name);
        Assert.Equal(["documents.read", "reports"], row.Scopes);
        Assert.NotNull(row.AllowedAt);
        Assert.NotNull(row.LastUsedAt);
        Assert.True(row.LastUsedAt >= row.AllowedAt);

        // Revoking for another user is "not found" and changes nothing.
        var ex = await Assert.ThrowsAsync<AppException>(() => Authorised.RevokeAsync(owner, made.App.Id));
        Assert.Equal(AppException.NotFound("x").Code, ex.Code);
        Assert.True(await IsValidAsync(authId, tokenId));

        Assert.Equal(1, await Authorised.RevokeAsync(user, made.App.Id));
        Assert.Empty(await Authorised.ListAsync(user));
        Assert.False(await IsValidAsync(authId, tokenId));
        Assert.True(await IsValidAsync(otherAuth, otherToken)); // the other user's consent stands
        Assert.Single(await Authorised.ListAsync(someoneElse));
        Assert.Single(await Apps.ListAsync(owner)); // the app itself stays
    }

    private Task<bool> SecretWorksAsync(string clientId, string secret) => WithScopeAsync(async sp =>
    {
        var apps = sp.GetRequiredService<IOpenIddictApplicationManager>();
        return await apps.FindByClientIdAsync(clientId) is { } app && await apps.ValidateClientSecretAsync(app, secret);
    });

    /// <summary>What consent leaves behind, made through OpenIddict's managers: a permanent authorisation and an access token under it.</summary>
    private Task<(string AuthorizationId, string TokenId)> AllowAsync(string applicationId, string userId, string[] scopes) => WithScopeAsync(async sp =>
    {
        var now = DateTimeOffset.UtcNow;
        var authorizations = sp.GetRequiredService<IOpenIddictAuthorizationManager>();
        var tokens = sp.GetRequiredService<IOpenIddictTokenManager>();
        var auth = await authorizations.CreateAsync(new OpenIddictAuthorizationDescriptor
        {
            ApplicationId = applicationId, Subject = userId, Status = Statuses.Valid, Type = AuthorizationTypes.Permanent,
            CreationDate = now.AddMinutes(-5),
        }.WithScopes(scopes));
        var authId = (await authorizations.GetIdAsync(auth))!;
        var token = await tokens.CreateAsync(new OpenIddictTokenDescriptor
        {
            ApplicationId = applicationId, AuthorizationId = authId, Subject = userId, Status = Statuses.Valid,
            Type = TokenTypeHints.AccessToken, CreationDate = now, ExpirationDate = now.AddHours(1),
        });
        return (authId, (await tokens.GetIdAsync(token))!);
    });

    /// <summary>True while the authorisation and the token both exist and are valid.</summary>
    private Task<bool> IsValidAsync(string authorizationId, string tokenId) => WithScopeAsync(async sp =>
    {
        var authorizations = sp.GetRequiredService<IOpenIddictAuthorizationManager>();
        var tokens = sp.GetRequiredService<IOpenIddictTokenManager>();
        var auth = await authorizations.FindByIdAsync(authorizationId);
        var token = await tokens.FindByIdAsync(tokenId);
        var authValid = auth is not null && await authorizations.HasStatusAsync(auth, Statuses.Valid);
        var tokenValid = token is not null && await tokens.HasStatusAsync(token, Statuses.Valid);
        Assert.Equal(authValid, tokenValid); // they stop together
        return authValid && tokenValid;
    });
}

internal static class AuthorizationDescriptorExtensions
{
    public static OpenIddictAuthorizationDescriptor WithScopes(this OpenIddictAuthorizationDescriptor d, IEnumerable<string> scopes)
    {
        d.Scopes.UnionWith(scopes);
        return d;
    }
}
