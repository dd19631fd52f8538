using System.Net;
using ESignWeb.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ESignWeb.Tests.Integration;

public class HostTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public HostTests(ESignAppFactory app) => _app = app;

    [Fact]
    public async Task Healthz_answers_200_when_the_database_is_reachable()
    {
        var response = await _app.CreateClient().GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/documents")]
    [InlineData("/outbox")]
    [InlineData("/requests/1/prepare")]
    [InlineData("/documents/1/file")]
    public async Task Every_app_page_requires_login(string path)
    {
        var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Login", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Identity_pages_are_served_to_anonymous_users_with_security_headers()
    {
        var response = await _app.CreateClient().GetAsync("/Account/Register");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Create a new account", await response.Content.ReadAsStringAsync());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account()
    {
        await _app.CreateUserAsync("locked@example.com");
        using var scope = _app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = (await users.FindByEmailAsync("locked@example.com"))!;
        Assert.True(users.SupportsUserLockout);
        for (var i = 0; i < 4; i++) await users.AccessFailedAsync(user);
        Assert.False(await users.IsLockedOutAsync(user));
        await users.AccessFailedAsync(user);
        Assert.True(await users.IsLockedOutAsync(user));
        Assert.True(user.LockoutEnd > DateTimeOffset.UtcNow.AddMinutes(14));
    }
}
