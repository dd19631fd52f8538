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

    [Fact]
    public async Task The_benchmark_endpoint_is_not_mapped_by_default()
    {
        var response = await _app.CreateClient().GetAsync("/bench/fixed-json?bytes=1000");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

public class BenchmarkEndpointTests
{
    [Fact]
    public async Task With_the_setting_it_answers_fixed_json_of_exactly_the_requested_size_without_a_key()
    {
        await using var app = new ESignAppFactory { Settings = new() { ["ESign:Testing:BenchmarkEndpoint"] = "true" } };
        var client = app.CreateClient();
        foreach (var size in new[] { 1000, 54321, 1000 })
        {
            var response = await client.GetAsync($"/bench/fixed-json?bytes={size}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(size, body.Length);
            using var json = System.Text.Json.JsonDocument.Parse(body);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/bench/fixed-json?bytes=3")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/bench/fixed-json")).StatusCode);
    }
}

public class OpenApiTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public OpenApiTests(ESignAppFactory app) => _app = app;

    [Fact]
    public async Task The_openapi_document_lists_the_api_and_scalar_serves_it()
    {
        var client = _app.CreateClient();
        var doc = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var expected in new[] { "/v1/user", "/v1/files/original", "/v1/files/original/{id}", "/v1/files/signed", "/v1/audit-trail/{id}",
                     "/v1/files/pending", "/v1/files/pending/fields", "/v1/files/pending/{id}/remind", "/v1/files/pending/{id}/cancel" })
            Assert.Contains(expected, paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("/sign/") || p.StartsWith("/documents/"));
        var scalar = await client.GetAsync("/scalar");
        Assert.Equal(HttpStatusCode.OK, scalar.StatusCode);
        Assert.Contains("openapi/v1.json", await scalar.Content.ReadAsStringAsync());
    }
}
