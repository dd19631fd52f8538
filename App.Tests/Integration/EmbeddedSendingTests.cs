using System.Net;
using System.Text.Json;
using ESignWeb.Audit;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Embedding;
using ESignWeb.Requests;
using ESignWeb.Signing;
using ESignWeb.Tests.Fixtures;

namespace ESignWeb.Tests.Integration;

/// <summary>Seed: "Fetch embedded sending URL" — POST /v2/signing/url/ — shape, errors, and what the link opens.</summary>
public class EmbeddedSendingTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public EmbeddedSendingTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    private async Task<(string Owner, HttpClient Api, int FileId)> SenderAsync()
    {
        var owner = await _app.CreateUserAsync($"send-{Guid.NewGuid():N}@example.com", "Sonia", "Sender");
        var (api, _) = await _app.ApiClientAsync(owner);
        var doc = await _app.Get<DocumentService>().ImportAsync(owner, "Send.pdf", new MemoryStream(TestPdf.Pages(2)), false);
        await _app.Get<FramingPolicy>().AddAsync(owner, "https://app.example.com");
        return (owner, api, doc.Id);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient api, params (string Key, string Value)[] form) =>
        api.PostAsync("/v2/signing/url/", new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))));

    private static async Task<JsonElement> Json(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task The_url_comes_in_the_seed_shape_and_opens_only_its_document()
    {
        var (owner, api, fileId) = await SenderAsync();
        var r = await PostAsync(api, ("file_id", fileId.ToString()), ("type", "rs"), ("message", "Please sign by Friday"),
            ("recipients", """[{"email":"ann@example.com","first_name":"Ann","last_name":"Lee"},{"email":"bob@example.com","first_name":"Bob","last_name":"Stone"}]"""),
            ("cc", """[{"email":"boss@example.com"}]"""), ("redirect_url", "https://app.example.com/sent"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var body = await Json(r);
        // Seed: {"url": "...", "file_id": "2324345"} — file_id is a string.
        Assert.Equal(JsonValueKind.String, body.GetProperty("file_id").ValueKind);
        Assert.Equal(fileId.ToString(), body.GetProperty("file_id").GetString());
        var url = body.GetProperty("url").GetString()!;
        Assert.Matches(@"^http://localhost/embed/send/emb_[A-Za-z0-9_-]{43}$", url);
        var token = url.Split('/')[^1];

        var http = _app.CreateClient();
        var page = await http.GetAsync($"/embed/send/{token}");
        Assert.EndsWith("; frame-ancestors https://app.example.com", Assert.Single(page.Headers.GetValues("Content-Security-Policy"))); // one policy, framing last
        var pdf = await http.GetAsync($"/embed/send/{token}/document");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString((await pdf.Content.ReadAsByteArrayAsync())[..5]));

        // The link carries what to fill in; it is not a signing link, and a signing page cannot use it.
        var context = await _app.Get<EmbeddedLinks>().OpenAsync(token);
        Assert.Equal(EmbeddedLinkPurpose.Send, context!.Purpose);
        Assert.Equal("Please sign by Friday", context.Prefill!.Message);
        Assert.Equal(["ann@example.com", "bob@example.com"], context.Prefill.Recipients.Select(x => x.Email));
        Assert.Equal(["boss@example.com"], context.Prefill.Cc);
        Assert.Equal(SigningState.UnknownLink, (await _app.Get<SigningService>().OpenAsync(token, new Actor(null))).State);

        // The owner's templates (to send from one instead) are served through the link; another user's are not.
        var templates = _app.Get<ESignWeb.Templates.TemplateService>();
        var mine = await templates.CreateFromDocumentAsync(owner, fileId);
        var (stranger, _, strangerFile) = await SenderAsync();
        var theirs = await templates.CreateFromDocumentAsync(stranger, strangerFile);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/embed/send/{token}/templates/{mine}/file")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/embed/send/{token}/templates/{theirs}/file")).StatusCode);
        var anonymous = _app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.NotEqual(HttpStatusCode.OK, (await anonymous.GetAsync($"/templates/{mine}/file")).StatusCode); // without the link: sign-in needed

        // Once used (the request was sent), the document is no longer served through it.
        // Claimed for its one send: a second claim (another tab, a second click) loses; a refused send gives it back.
        var links = _app.Get<EmbeddedLinks>();
        Assert.True(await links.ClaimAsync(token));
        Assert.False(await links.ClaimAsync(token));
        await links.ReleaseAsync(token);
        Assert.True(await links.ClaimAsync(token));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/embed/send/{token}/document")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/embed/send/{token}/templates/{mine}/file")).StatusCode);
        Assert.True((await _app.Get<EmbeddedLinks>().OpenAsync(token))!.Used);

        // JSON bodies work too; self_sign carries no prefill.
        var self = await api.PostAsync("/v2/signing/url", JsonContent(new { file_id = fileId, type = "self_sign" }));
        Assert.Equal(HttpStatusCode.OK, self.StatusCode);
        var selfToken = (await Json(self)).GetProperty("url").GetString()!.Split('/')[^1];
        var selfContext = await _app.Get<EmbeddedLinks>().OpenAsync(selfToken);
        Assert.Equal(EmbeddedLinkPurpose.SelfSign, selfContext!.Purpose);
        Assert.Null(selfContext.Prefill);
    }

    [Fact]
    public async Task Bad_input_gets_the_seed_error_shape()
    {
        var (_, api, fileId) = await SenderAsync();
        var (_, _, otherFile) = await SenderAsync();
        async Task Expect(HttpResponseMessage r, HttpStatusCode status, string code, string text)
        {
            Assert.Equal(status, r.StatusCode);
            var e = await Json(r);
            Assert.Equal(code, e.GetProperty("error_code").GetString());
            Assert.Contains(text, e.GetProperty("message").GetString());
        }
        await Expect(await PostAsync(api, ("type", "rs")), HttpStatusCode.BadRequest, "bad_request", "file_id");
        await Expect(await PostAsync(api, ("file_id", "abc")), HttpStatusCode.BadRequest, "bad_request", "file_id");
        await Expect(await PostAsync(api, ("file_id", otherFile.ToString())), HttpStatusCode.Unauthorized, "unauthorized_resource", "Unauthorized");
        await Expect(await PostAsync(api, ("file_id", "999999")), HttpStatusCode.Unauthorized, "unauthorized_resource", "Unauthorized");
        await Expect(await PostAsync(api, ("file_id", fileId.ToString()), ("type", "bulk")), HttpStatusCode.BadRequest, "bad_request", "rs");
        await Expect(await PostAsync(api, ("file_id", fileId.ToString()), ("recipients", """[{"email":"not-an-address"}]""")),
            HttpStatusCode.BadRequest, "bad_request", "recipients[0]");
        await Expect(await PostAsync(api, ("file_id", fileId.ToString()), ("cc", """["x@"]""")), HttpStatusCode.BadRequest, "bad_request", "cc[0]");
        await Expect(await PostAsync(api, ("file_id", fileId.ToString()), ("redirect_url", "ftp://x")), HttpStatusCode.BadRequest, "bad_request", "redirect_url");
        await Expect(await PostAsync(api, ("file_id", fileId.ToString()), ("recipients", "[{")), HttpStatusCode.BadRequest, "bad_request", "JSON");
        var anonymous = await _app.CreateClient().PostAsync("/v2/signing/url/", new FormUrlEncodedContent([new("file_id", fileId.ToString())]));
        await Expect(anonymous, HttpStatusCode.Unauthorized, "invalid_token", "API key");
    }

    private static StringContent JsonContent(object o) => new(JsonSerializer.Serialize(o), System.Text.Encoding.UTF8, "application/json");
}
