using ESignWeb.Domain;
using ESignWeb.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace ESignWeb.Tests.Unit;

public class PublicLinksTests
{
    /// <summary>A server that reports the given listening addresses (as Kestrel does once bound).</summary>
    private sealed class FakeServer : IServer
    {
        public FakeServer(params string[] addresses)
        {
            var feature = new ServerAddressesFeature();
            foreach (var a in addresses) feature.Addresses.Add(a);
            Features.Set<IServerAddressesFeature>(feature);
        }

        public IFeatureCollection Features { get; } = new FeatureCollection();
        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken ct) where TContext : notnull => Task.CompletedTask;
        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
        public void Dispose() { }
    }

    private static PublicLinks Links(string publicBaseUrl, params string[] listening) =>
        new(Options.Create(new ESignOptions { PublicBaseUrl = publicBaseUrl }), new FakeServer(listening));

    [Theory]
    [InlineData("")]
    [InlineData("https://sign.example.com")]
    [InlineData("https://sign.example.com/")]
    [InlineData("http://127.0.0.1:8080/esign/")]
    public void Problem_accepts_absolute_http_addresses_and_empty(string value) => Assert.Null(PublicLinks.Problem(value));

    [Theory]
    [InlineData("sign.example.com")]
    [InlineData("/relative")]
    [InlineData("ftp://sign.example.com")]
    [InlineData("javascript:alert(1)")]
    [InlineData("https://sign.example.com/?next=evil")]
    [InlineData("https://sign.example.com/#frag")]
    [InlineData("https://user:pw@sign.example.com/")]
    public void Problem_names_the_setting_for_unusable_values(string value) =>
        Assert.Contains("ESign:PublicBaseUrl", PublicLinks.Problem(value));

    [Fact]
    public void A_configured_base_wins_over_any_host_and_every_link_starts_with_it()
    {
        var links = Links("https://sign.example.com/app", "http://0.0.0.0:8080");
        Assert.Equal("https://sign.example.com/app/", links.BaseFor("evil.example"));
        Assert.Equal("https://sign.example.com/app/sign/tok", links.Signing("tok"));
        Assert.Equal("https://sign.example.com/app/requests/7", links.RequestPage(7));
        Assert.Equal("https://sign.example.com/app/copy/7/abc", links.Copy(7, "abc"));
        Assert.Equal("https://sign.example.com/app/Account/ResetPassword?code=a%2Bb",
            links.Account("http://evil.example/", "Account/ResetPassword", [new("code", "a+b"), new("returnUrl", null)]));
    }

    [Fact]
    public void Without_a_configured_base_links_use_the_loopback_listening_address_never_the_host()
    {
        var links = Links("", "http://127.0.0.1:5123");
        Assert.Equal("http://127.0.0.1:5123/", links.BaseFor("localhost"));
        Assert.Equal("http://127.0.0.1:5123/", links.BaseFor("http://[::1]:5123/"));
        Assert.Equal("http://127.0.0.1:5123/sign/x", links.Signing("x"));
        var refused = Assert.Throws<AppException>(() => links.BaseFor("evil.example"));
        Assert.Contains("ESign:PublicBaseUrl", refused.Message);
        Assert.Throws<AppException>(() => links.BaseFor("http://10.0.0.5:5123/"));
    }

    [Theory]
    [InlineData("http://0.0.0.0:5000")]
    [InlineData("http://[::]:8080")]
    [InlineData("http://*:80")]
    [InlineData("http://+:80")]
    [InlineData("http://sign.example.com:80")]
    public async Task Listening_beyond_loopback_without_a_base_refuses_to_start(string address)
    {
        var links = Links("", "http://127.0.0.1:5000", address);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => links.StartedAsync(CancellationToken.None));
        Assert.Contains("ESign:PublicBaseUrl", ex.Message);
        Assert.Contains(address, ex.Message);
    }

    [Fact]
    public async Task Loopback_only_or_a_configured_base_starts()
    {
        var local = Links("", "http://127.0.0.1:5000", "http://localhost:5001", "http://[::1]:5002");
        await local.StartedAsync(CancellationToken.None);
        Assert.Equal("http://127.0.0.1:5000/", local.Base);
        var pinned = Links("https://sign.example.com", "http://0.0.0.0:8080");
        await pinned.StartedAsync(CancellationToken.None);
        Assert.Equal("https://sign.example.com/", pinned.Base);
    }
}
