using System.Net;
using System.Net.Sockets;
using ESignWeb.Webhooks;

namespace ESignWeb.Tests.Unit;

public class CallbackDestinationTests
{
    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("93.184.216.34", true)]
    [InlineData("172.32.0.1", true)]
    [InlineData("100.128.0.1", true)]
    [InlineData("2606:4700::1111", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.8.9.10", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("192.168.0.10", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("::1", false)]
    [InlineData("::", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fc00::1", false)]
    [InlineData("fd12:3456::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("::ffff:8.8.8.8", true)]
    [InlineData("64:ff9b::a00:1", false)]
    public void Only_public_addresses_are_public(string address, bool expected) =>
        Assert.Equal(expected, CallbackDestination.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public void Private_literals_pass_the_form_check_only_when_allowed()
    {
        Assert.NotNull(CallbackDestination.Problem("http://127.0.0.1:9000/hook", allowPrivate: false));
        Assert.Null(CallbackDestination.Problem("http://127.0.0.1:9000/hook", allowPrivate: true));
        Assert.NotNull(CallbackDestination.Problem("javascript:alert(1)", allowPrivate: true));
        Assert.NotNull(CallbackDestination.Problem("https://hooks.example.com/#frag", allowPrivate: true));
        Assert.NotNull(CallbackDestination.Problem("https://x.example.com/" + new string('a', 2100), allowPrivate: true));
        Assert.Null(CallbackDestination.Problem("https://hooks.example.com/in?token=abc", allowPrivate: false));
    }

    [Fact]
    public async Task A_name_resolving_to_loopback_is_refused_when_connecting()
    {
        // A real listener on loopback: reachable, but the delivery handler must not connect to it.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var guarded = new HttpClient(CallbackDestination.CreateHandler(allowPrivate: false));
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => guarded.GetAsync($"http://localhost:{port}/"));
        Assert.IsType<DestinationRefusedException>(ex.InnerException);
        Assert.False(listener.Pending());

        using var allowed = new HttpClient(CallbackDestination.CreateHandler(allowPrivate: true)) { Timeout = TimeSpan.FromSeconds(2) };
        var accept = listener.AcceptTcpClientAsync();
        _ = allowed.GetAsync($"http://127.0.0.1:{port}/").ContinueWith(_ => { });
        using var client = await accept.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(client.Connected);
    }
}

public class WebhookSignatureTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    [Fact]
    public void A_signature_verifies_and_any_change_breaks_it()
    {
        const string secret = "whsec_test", body = """{"data":{"id":1},"metadata":{"event_type":"rs.signed"}}""";
        var ts = Now.ToUnixTimeSeconds();
        var sig = WebhookSignature.Sign(secret, ts, body);
        Assert.Matches("^v1=[0-9a-f]{64}$", sig);
        var window = TimeSpan.FromMinutes(5);
        Assert.True(WebhookSignature.Verify(secret, ts.ToString(), body, sig, Now, window));
        Assert.False(WebhookSignature.Verify("whsec_other", ts.ToString(), body, sig, Now, window));
        Assert.False(WebhookSignature.Verify(secret, ts.ToString(), body.Replace("1", "2"), sig, Now, window));
        Assert.False(WebhookSignature.Verify(secret, (ts + 1).ToString(), body, sig, Now, window));
        Assert.False(WebhookSignature.Verify(secret, ts.ToString(), body, sig, Now.AddMinutes(6), window)); // stale
        Assert.False(WebhookSignature.Verify(secret, "yesterday", body, sig, Now, window));
    }

    [Fact]
    public void Retries_back_off_exponentially_and_span_the_three_day_window()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), WebhookDeliveryHandler.Backoff(1));
        Assert.Equal(TimeSpan.FromSeconds(10), WebhookDeliveryHandler.Backoff(2));
        Assert.Equal(TimeSpan.FromHours(6), WebhookDeliveryHandler.Backoff(40));
        var elapsed = TimeSpan.Zero;
        var attempts = 1;
        while (elapsed + WebhookDeliveryHandler.Backoff(attempts) <= TimeSpan.FromHours(72)) elapsed += WebhookDeliveryHandler.Backoff(attempts++);
        Assert.InRange(attempts, 15, 30);
        Assert.True(elapsed > TimeSpan.FromHours(60));
    }
}
