using ESignWeb.Domain;
using ESignWeb.Hosting;
using ESignWeb.Signing;
using ESignWeb.Storage;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ESignWeb.Tests.Unit;

public class SignerVerificationTests
{
    [Fact]
    public void Codes_are_six_digits_and_vary()
    {
        var codes = Enumerable.Range(0, 200).Select(_ => SignerVerification.NewCode()).ToList();
        Assert.All(codes, c => Assert.Matches("^[0-9]{6}$", c));
        Assert.True(codes.Distinct().Count() > 190);
    }

    [Fact]
    public void A_code_hash_is_bound_to_the_recipient_and_link()
    {
        var a = new Recipient { Id = 1, TokenNonce = "n1" };
        var b = new Recipient { Id = 2, TokenNonce = "n1" };
        var reissued = new Recipient { Id = 1, TokenNonce = "n2" };
        var h = SignerVerification.CodeHash(a, "123456");
        Assert.Equal(h, SignerVerification.CodeHash(a, "123456"));
        Assert.NotEqual(h, SignerVerification.CodeHash(a, "123457"));
        Assert.NotEqual(h, SignerVerification.CodeHash(b, "123456"));
        Assert.NotEqual(h, SignerVerification.CodeHash(reissued, "123456"));
        Assert.DoesNotContain("123456", h);
    }

    [Fact]
    public async Task The_SMS_folder_writes_one_file_per_message_and_lists_only_the_asked_requests()
    {
        var dir = Directory.CreateTempSubdirectory("esign-sms-").FullName;
        try
        {
            var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
            var folder = new SmsOutboxFolder(new DataPaths(Options.Create(new ESignOptions { DataPath = dir })), clock);
            var path = await folder.SendAsync("+4930123456", "123456 is your code", 7, CancellationToken.None);
            clock.Advance(TimeSpan.FromSeconds(1));
            await folder.SendAsync("+4930999999", "654321 is your code", 8, CancellationToken.None);
            Assert.StartsWith(Path.Combine(dir, "sms"), path);
            Assert.Contains("123456 is your code", await File.ReadAllTextAsync(path));
            var listed = Assert.Single(folder.List(new HashSet<int> { 7 }, ESignWeb.Data.PageRequest.First).Rows);
            Assert.Equal(("+4930123456", "123456 is your code", 7), (listed.To, listed.Text, listed.RequestId));
            Assert.Equal(2, folder.List(new HashSet<int> { 7, 8 }, ESignWeb.Data.PageRequest.First).Total);
            Assert.Empty(Directory.GetFiles(Path.Combine(dir, "tmp")));
        }
        finally { Directory.Delete(dir, true); }
    }
}

public class TwilioSmsSenderTests
{
    private sealed class Recorder(System.Net.HttpStatusCode status) : HttpMessageHandler
    {
        public HttpRequestMessage? Request;
        public string Body = "";

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Request = request;
            Body = await request.Content!.ReadAsStringAsync(ct);
            return new HttpResponseMessage(status) { Content = new StringContent("{}") };
        }
    }

    private sealed class Factory(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }

    private static ISmsSender Sender(Recorder r) => new TwilioSmsSender(new Factory(r), Options.Create(new SmsOptions
    {
        Twilio = new TwilioSmsOptions { AccountSid = "AC123", AuthToken = "s3cret-token", From = "+15005550006" },
    }));

    [Fact]
    public async Task It_posts_the_message_to_the_accounts_Messages_resource_with_basic_auth()
    {
        var r = new Recorder(System.Net.HttpStatusCode.Created);
        var where = await Sender(r).SendAsync("+4930123456", "123456 is your code", 1, CancellationToken.None);
        Assert.Equal("https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json", r.Request!.RequestUri!.ToString());
        Assert.Equal("Basic", r.Request.Headers.Authorization!.Scheme);
        Assert.Equal("AC123:s3cret-token", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(r.Request.Headers.Authorization.Parameter!)));
        Assert.Contains("To=%2B4930123456", r.Body);
        Assert.Contains("From=%2B15005550006", r.Body);
        Assert.DoesNotContain("s3cret", where);
    }

    [Fact]
    public async Task A_refusal_throws_without_the_token_in_the_message()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Sender(new Recorder(System.Net.HttpStatusCode.Unauthorized)).SendAsync("+4930123456", "x", 1, CancellationToken.None));
        Assert.Contains("401", ex.Message);
        Assert.DoesNotContain("s3cret", ex.Message);
    }
}
