using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Embedding;
using ESignWeb.Signing;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Seed: "Fetch embedded signing URL" — POST /v1/files/pending/{id}/signing/url/ — its errors, the URL's lifetime,
/// signing through it, and who may frame which page.
/// </summary>
public class EmbeddedSigningTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public EmbeddedSigningTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    private sealed record Sender(string Owner, HttpClient Api, int FileId);

    private async Task<Sender> SenderAsync()
    {
        var owner = await _app.CreateUserAsync($"embed-{Guid.NewGuid():N}@example.com", "Emma", "Bedded");
        var (api, _) = await _app.ApiClientAsync(owner);
        var doc = await _app.Get<DocumentService>().ImportAsync(owner, "Embed.pdf", new MemoryStream(TestPdf.Pages(1)), false);
        await _app.Get<FramingPolicy>().AddAsync(owner, "https://crm.example.com/");
        return new Sender(owner, api, doc.Id);
    }

    private static async Task<int> CreateAsync(Sender s, bool embedded, bool ordered = true)
    {
        var r = await s.Api.PostAsJsonAsync("/v1/files/pending/fields/", new
        {
            original_file_id = s.FileId, name = "Embedded", is_ordered = ordered, embedded_signing = embedded,
            recipients = new[] { new { email = "first@example.com", first_name = "First", last_name = "Signer" }, new { email = "second@example.com", first_name = "Second", last_name = "Signer" } },
            fields_payload = new[]
            {
                new { email = "first@example.com", type = "signature", required = true, page_number = 1, x = 72, y = 600, width = 160, height = 40, additional_info = new { } },
                new { email = "second@example.com", type = "signature", required = true, page_number = 1, x = 72, y = 500, width = 160, height = 40, additional_info = new { } },
            },
        });
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return (await Json(r)).GetProperty("pending_file_id").GetInt32();
    }

    private static async Task<JsonElement> Json(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;

    private static Task<HttpResponseMessage> UrlAsync(HttpClient api, int id, string? email, string? redirect = null) =>
        api.PostAsync($"/v1/files/pending/{id}/signing/url/", new FormUrlEncodedContent(
            new[] { ("recipient_email", email), ("redirect_url", redirect) }.Where(p => p.Item2 is not null)
                .Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2!))));

    private static async Task AssertError(HttpResponseMessage r, HttpStatusCode status, string code, string? message = null)
    {
        Assert.Equal(status, r.StatusCode);
        var e = await Json(r);
        Assert.Equal(code, e.GetProperty("error_code").GetString());
        if (message is not null) Assert.Contains(message, e.GetProperty("message").GetString());
    }

    [Fact]
    public async Task The_seeds_errors_bad_request_for_a_non_signer_unauthorized_resource_for_everything_else()
    {
        var s = await SenderAsync();
        var embedded = await CreateAsync(s, embedded: true);
        var mailed = await CreateAsync(s, embedded: false);

        await AssertError(await UrlAsync(s.Api, embedded, "stranger@example.com"), HttpStatusCode.BadRequest, "bad_request", "not a signer");
        await AssertError(await UrlAsync(s.Api, embedded, null), HttpStatusCode.BadRequest, "bad_request", "recipient_email");
        await AssertError(await UrlAsync(s.Api, embedded, "first@example.com", "javascript:alert(1)"), HttpStatusCode.BadRequest, "bad_request", "redirect_url");
        await AssertError(await UrlAsync(s.Api, mailed, "first@example.com"), HttpStatusCode.Unauthorized, "unauthorized_resource");
        await AssertError(await UrlAsync(s.Api, 999999, "first@example.com"), HttpStatusCode.Unauthorized, "unauthorized_resource");
        var other = await SenderAsync();
        await AssertError(await UrlAsync(other.Api, embedded, "first@example.com"), HttpStatusCode.Unauthorized, "unauthorized_resource");

        // Voided, and declined by a signer: no more URLs.
        Assert.Equal(HttpStatusCode.OK, (await s.Api.PostAsync($"/v1/files/pending/{embedded}/cancel/", null)).StatusCode);
        await AssertError(await UrlAsync(s.Api, embedded, "first@example.com"), HttpStatusCode.Unauthorized, "unauthorized_resource");
        var declined = await CreateAsync(s, embedded: true);
        var url = (await Json(await UrlAsync(s.Api, declined, "first@example.com"))).GetProperty("url").GetString()!;
        var token = url[(url.LastIndexOf('/') + 1)..];
        await _app.Get<SigningService>().OpenAsync(token, new Actor(null, "127.0.0.1"));
        await _app.Get<SigningService>().DeclineAsync(token, "No", new Actor(null, "127.0.0.1"));
        await AssertError(await UrlAsync(s.Api, declined, "first@example.com"), HttpStatusCode.Unauthorized, "unauthorized_resource");
    }

    [Fact]
    public async Task Signers_sign_through_their_urls_in_order_and_the_request_completes()
    {
        var s = await SenderAsync();
        var id = await CreateAsync(s, embedded: true, ordered: true);
        var first = await UrlAsync(s.Api, id, "FIRST@example.com", "https://crm.example.com/done?x=1");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var url = (await Json(first)).GetProperty("url").GetString()!;
        Assert.Matches(@"^http://localhost/embed/sign/emb_[A-Za-z0-9_-]{43}$", url);
        var firstToken = url[(url.LastIndexOf('/') + 1)..];
        var secondToken = (await Json(await UrlAsync(s.Api, id, "second@example.com"))).GetProperty("url").GetString()!.Split('/')[^1];

        var signing = _app.Get<SigningService>();
        // Sequential order holds: the second signer's page waits.
        var waiting = await signing.OpenAsync(secondToken, new Actor(null));
        Assert.Equal(SigningState.NotYourTurn, waiting.State);
        // Embedded signers get no mail, and their pages never promise one.
        Assert.DoesNotContain("e-mail", waiting.Message);
        var scenario = new SigningScenario(_app) { Owner = s.Owner, RequestId = id };
        await scenario.SignWithTokenAsync(firstToken);
        var signedFirst = await signing.OpenAsync(firstToken, new Actor(null));
        Assert.Equal(SigningState.AlreadySigned, signedFirst.State);
        Assert.DoesNotContain("e-mail", signedFirst.Message);
        await scenario.SignWithTokenAsync(secondToken);
        var done = await scenario.WaitForStatusAsync(RequestStatus.Complete);
        Assert.NotNull(done.SignedFileId);
        var complete = await signing.OpenAsync(firstToken, new Actor(null));
        Assert.Equal(SigningState.Complete, complete.State);
        Assert.DoesNotContain("e-mail", complete.Message);
        Assert.Contains("download", complete.Message);

        // Only hashes are stored; the redirect keeps its own query and gains pending_file_id.
        await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.False(await db.EmbeddedLinks.AnyAsync(l => l.TokenHash == firstToken));
        Assert.Equal($"https://crm.example.com/done?x=1&pending_file_id={id}", EmbeddedLinks.RedirectWith("https://crm.example.com/done?x=1", id));
    }

    [Fact]
    public async Task A_url_expires_unless_opened_in_time_and_then_lasts_a_session()
    {
        var s = await SenderAsync();
        var id = await CreateAsync(s, embedded: true, ordered: false);
        var http = _app.CreateClient();
        var token = (await Json(await UrlAsync(s.Api, id, "first@example.com"))).GetProperty("url").GetString()!.Split('/')[^1];
        var hash = Requests.RecipientTokens.Hash(token);
        var dbFactory = _app.Get<IDbContextFactory<AppDbContext>>();

        // Issued an hour and a minute ago, never opened: expired everywhere.
        await using (var db = await dbFactory.CreateDbContextAsync())
            await db.EmbeddedLinks.Where(l => l.TokenHash == hash).ExecuteUpdateAsync(x => x.SetProperty(l => l.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/sign/{token}/document")).StatusCode);
        Assert.Equal(SigningState.UnknownLink, (await _app.Get<SigningService>().OpenAsync(token, new Actor(null))).State);
        var expired = await _app.Get<EmbeddedLinks>().OpenAsync(token);
        Assert.False(expired!.Valid);

        // A fresh one: opening it starts a session window of several hours.
        var fresh = (await Json(await UrlAsync(s.Api, id, "first@example.com"))).GetProperty("url").GetString()!.Split('/')[^1];
        var before = DateTimeOffset.UtcNow;
        var opened = await _app.Get<EmbeddedLinks>().OpenAsync(fresh);
        Assert.True(opened!.Valid);
        Assert.Equal(["https://crm.example.com"], opened.Origins);
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            var link = await db.EmbeddedLinks.SingleAsync(l => l.TokenHash == Requests.RecipientTokens.Hash(fresh));
            Assert.NotNull(link.OpenedAt);
            Assert.True(link.ExpiresAt >= before + EmbeddedLinks.SessionWindow - TimeSpan.FromMinutes(1));
        }
        var pdf = await http.GetAsync($"/sign/{fresh}/document");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Only_embedded_pages_may_be_framed_and_only_by_the_owners_origins()
    {
        var s = await SenderAsync();
        var id = await CreateAsync(s, embedded: true);
        var token = (await Json(await UrlAsync(s.Api, id, "first@example.com"))).GetProperty("url").GetString()!.Split('/')[^1];
        var http = _app.CreateClient();

        var page = await http.GetAsync($"/embed/sign/{token}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.EndsWith("; frame-ancestors https://crm.example.com", Assert.Single(page.Headers.GetValues("Content-Security-Policy"))); // one policy, framing last
        Assert.False(page.Headers.Contains("X-Frame-Options"));

        foreach (var path in new[] { "/", "/Account/Login", $"/sign/{new string('A', 43)}", "/embed/sign/emb_" + new string('x', 43) })
        {
            var r = await http.GetAsync(path);
            Assert.EndsWith("; frame-ancestors 'none'", Assert.Single(r.Headers.GetValues("Content-Security-Policy"))); // one policy, framing last
            Assert.Equal("DENY", string.Join(";", r.Headers.GetValues("X-Frame-Options")));
        }
    }

    [Theory]
    [InlineData("https://crm.example.com/", "https://crm.example.com", null)]
    [InlineData("HTTP://LOCALHOST:8080", "http://localhost:8080", null)]
    [InlineData("https://crm.example.com/path", null, "no path")]
    [InlineData("ftp://crm.example.com", null, "not an origin")]
    [InlineData("crm.example.com", null, "not an origin")]
    [InlineData("https://*.example.com", null, "")]
    public void Origins_are_normalised_or_refused_with_the_reason(string input, string? origin, string? problem)
    {
        var (o, p) = FramingPolicy.Normalize(input);
        Assert.Equal(origin, o);
        if (problem is null) Assert.Null(p);
        else Assert.Contains(problem, p);
    }
}
