namespace ESignWeb.Tests.Integration;

/// <summary>HSTS and Secure cookies exactly when the public address is https; a local http instance keeps working.</summary>
public class TransportSecurityTests
{
    [Theory]
    [InlineData("https://sign.example.com", true)]
    [InlineData("http://127.0.0.1:5000", false)]
    [InlineData("", false)]
    public async Task Https_public_url_turns_on_hsts_and_secure_cookies(string publicUrl, bool https)
    {
        await using var app = new ESignAppFactory { Settings = { ["ESign:PublicBaseUrl"] = publicUrl } };
        var client = app.CreateClient(new() { AllowAutoRedirect = false });

        var login = await client.GetAsync("/Account/Login");
        Assert.Equal(System.Net.HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(https, login.Headers.Contains("Strict-Transport-Security"));
        if (https) Assert.Equal("max-age=31536000", Assert.Single(login.Headers.GetValues("Strict-Transport-Security")));
        // The antiforgery cookie of the sign-in form.
        var cookies = login.Headers.GetValues("Set-Cookie").ToList();
        Assert.NotEmpty(cookies);
        Assert.All(cookies, c =>
        {
            Assert.Equal(https, c.Contains("; secure", StringComparison.OrdinalIgnoreCase));
            Assert.Contains("; httponly", c, StringComparison.OrdinalIgnoreCase);
            Assert.Matches("(?i); samesite=(lax|strict)", c);
        });
        // Also on API answers.
        var api = await client.GetAsync("/v1/user/");
        Assert.Equal(https, api.Headers.Contains("Strict-Transport-Security"));
    }
}
