using ESignWeb.Data;

namespace ESignWeb.OAuth;

/// <summary>OAuth 2 (issue 14): OpenIddict on the app's own EF Core database (AppDbContext.UseOpenIddict()).</summary>
public static class OAuthServices
{
    public static IServiceCollection AddOAuth(this IServiceCollection services)
    {
        // Core: the application, authorization, scope and token managers (IOpenIddictApplicationManager, ...) over
        // AppDbContext, which is resolvable as a scoped service (ESignServiceCollectionExtensions).
        services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<AppDbContext>());
        return services;
    }
}
