using System.Security.Claims;
using ESignWeb.OAuth;

namespace ESignWeb.Tests.Unit;

/// <summary>The OAuth scope vocabulary (OAuth/ApiScopes): plain words for each, write includes read, nothing else.</summary>
public class ApiScopesTests
{
    [Fact]
    public void Every_scope_has_plain_words_and_the_API_scopes_leave_out_offline_access()
    {
        Assert.Equal(["documents", "documents.read", "requests", "requests.read", "templates", "templates.read", "webhooks", "webhooks.read", "reports", "offline_access"], ApiScopes.All);
        Assert.All(ApiScopes.All, s => Assert.False(string.IsNullOrWhiteSpace(ApiScopes.Descriptions[s])));
        Assert.DoesNotContain(ApiScopes.OfflineAccess, ApiScopes.Api);
        Assert.False(ApiScopes.IsKnown("everything"));
    }

    [Theory]
    [InlineData("documents", "documents.read", true)]
    [InlineData("documents", "documents", true)]
    [InlineData("documents.read", "documents", false)]
    [InlineData("requests", "documents.read", false)]
    [InlineData("reports", "reports", true)]
    [InlineData("webhooks.read", "webhooks.read", true)]
    public void A_write_scope_includes_its_read_variant_only(string granted, string required, bool allowed)
    {
        Assert.Equal(allowed, ApiScopes.Allows([granted], required));
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ApiScopes.ClaimType, granted)], "test"));
        Assert.Equal(allowed, ApiScopes.Allows(user, required));
    }
}
