using ESignWeb.Domain;
using ESignWeb.OAuth;

namespace ESignWeb.Tests.Unit;

/// <summary>An app's redirect URIs: https, or http on loopback only (RFC 8252), no fragment, no user info, at most 10.</summary>
public class RedirectUriRulesTests
{
    [Theory]
    [InlineData("https://app.example.com/oauth/callback")]
    [InlineData("https://app.example.com:8443/cb?tenant=7")]
    [InlineData("http://127.0.0.1:8765/cb")]
    [InlineData("http://localhost/cb")]
    [InlineData("http://LOCALHOST:3000/cb")]
    [InlineData("http://[::1]:9000/cb")]
    public void Usable_uris_are_kept_as_typed(string uri) => Assert.Equal([uri], RedirectUriRules.Parse($"  {uri}  "));

    [Theory]
    [InlineData("http://app.example.com/cb")] // plain http off loopback
    [InlineData("http://127.0.0.1.evil.example/cb")]
    [InlineData("http://localhost.evil.example/cb")]
    [InlineData("http://10.0.0.1/cb")]
    [InlineData("https://app.example.com/cb#token")]
    [InlineData("https://app.example.com/cb#")]
    [InlineData("https://user:pw@app.example.com/cb")]
    [InlineData("https://evil.example@app.example.com/cb")]
    [InlineData("javascript:alert(document.cookie)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://app.example.com/cb")]
    [InlineData("com.example.app:/callback")]
    [InlineData("//evil.example/cb")]
    [InlineData("/relative/cb")]
    [InlineData("app.example.com/cb")]
    [InlineData("https://app.example.com/c\"b")]
    [InlineData("https://app.example.com/c<b>")]
    [InlineData("https://app.example.com/\\evil.example")]
    [InlineData("https://app.example.com/cb\u0000")]
    [InlineData("https://app.example.com/cb\u202e")]
    [InlineData("https:///cb")]
    public void Hostile_or_unusable_uris_are_refused_naming_the_field(string uri)
    {
        var ex = Assert.Throws<AppException>(() => RedirectUriRules.Parse(uri));
        Assert.Equal("redirect_uris", ex.Field);
    }

    [Fact]
    public void A_header_injection_split_across_lines_leaves_a_refused_line()
    {
        // Lines are separate URIs: the injected header line is not a URL.
        Assert.Throws<AppException>(() => RedirectUriRules.Parse("https://app.example.com/cb\r\nSet-Cookie: a=b"));
    }

    [Fact]
    public void Lines_spaces_and_commas_separate_duplicates_fold_and_at_most_ten_are_taken()
    {
        Assert.Equal(["https://a.example.com/1", "https://a.example.com/2", "http://127.0.0.1/3"],
            RedirectUriRules.Parse("https://a.example.com/1\nhttps://a.example.com/2, http://127.0.0.1/3\r\nhttps://a.example.com/1"));
        var ten = string.Join("\n", Enumerable.Range(1, 10).Select(i => $"https://a.example.com/{i}"));
        Assert.Equal(10, RedirectUriRules.Parse(ten).Count);
        var ex = Assert.Throws<AppException>(() => RedirectUriRules.Parse(ten + "\nhttps://a.example.com/11"));
        Assert.Contains("10", ex.Message);
        Assert.Throws<AppException>(() => RedirectUriRules.Parse(" \n "));
        Assert.Throws<AppException>(() => RedirectUriRules.Parse("https://a.example.com/" + new string('x', RedirectUriRules.MaxLength)));
    }
}
