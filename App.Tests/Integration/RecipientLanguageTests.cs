using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Embedding;
using ESignWeb.Requests;
using ESignWeb.Templates;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Recipients made by template use (API and the use page's service call) and by <c>POST /v2/signing/url</c> carry a
/// language, given as the optional <c>recipients[].language</c> of the request create calls; none means English; an
/// unsupported one is refused in the API's error shape, naming the recipient.
/// </summary>
public class RecipientLanguageTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public RecipientLanguageTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    private const string Unsupported = "Language \"it\" is not supported (supported: en, de, fr, es).";

    /// <summary>A template with two roles, each with a signature field.</summary>
    private async Task<(string Owner, HttpClient Api, int TemplateId)> TemplateAsync()
    {
        var owner = await _app.CreateUserAsync($"lang-{Guid.NewGuid():N}@example.com", "Lena", "Lang");
        var (api, _) = await _app.ApiClientAsync(owner, "languages");
        var templates = _app.Get<TemplateService>();
        var doc = await _app.Get<DocumentService>().ImportAsync(owner, "Vertrag.pdf", new MemoryStream(TestPdf.Pages(1)), false);
        var id = await templates.CreateFromDocumentAsync(owner, doc.Id);
        var d = await templates.LoadDraftAsync(owner, id);
        Assert.Null(TemplateEditor.AddRole(d, "second"));
        var roles = d.Roles.ToList();
        DraftEditor.AddField(d.Layout, FieldType.Signature, roles[0].Key, 1, new PdfRect(72, 600, 160, 48));
        DraftEditor.AddField(d.Layout, FieldType.Signature, roles[1].Key, 1, new PdfRect(72, 500, 160, 48));
        await templates.SaveDraftAsync(owner, d);
        return (owner, api, id);
    }

    private async Task<Dictionary<string, string>> LanguagesOfAsync(int requestId)
    {
        await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Recipients.AsNoTracking().Where(r => r.RequestId == requestId).ToDictionaryAsync(r => r.Email, r => r.Language);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage r, HttpStatusCode expected)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == expected, $"{r.RequestMessage?.RequestUri} answered {(int)r.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static object Use(int templateId, string? firstLanguage) => new
    {
        template_file_id = templateId, name = "Vertrag für Dora", is_ordered = false,
        recipients = new object[]
        {
            new { email = "dora@example.com", first_name = "Dora", last_name = "Deutsch", role_id = 1, language = firstLanguage },
            new { email = "evan@example.com", first_name = "Evan", last_name = "English", role_id = 2 },
        },
    };

    [Fact]
    public async Task Template_use_over_the_API_gives_each_recipient_their_language_or_English()
    {
        var (_, api, templateId) = await TemplateAsync();

        var refused = await JsonAsync(await api.PostAsJsonAsync("/v1/files/pending/template/", Use(templateId, "it")), HttpStatusCode.BadRequest);
        Assert.Equal("bad_request", refused.GetProperty("error_code").GetString());
        Assert.Equal($"recipients[1].language: {Unsupported}", refused.GetProperty("message").GetString());

        var created = await JsonAsync(await api.PostAsJsonAsync("/v1/files/pending/template/", Use(templateId, " DE ")), HttpStatusCode.OK);
        var languages = await LanguagesOfAsync(created.GetProperty("pending_file_id").GetInt32());
        Assert.Equal("de", languages["dora@example.com"]);
        Assert.Equal("en", languages["evan@example.com"]);
    }

    [Fact]
    public async Task Template_use_from_the_use_page_keeps_the_language_picked_for_each_role()
    {
        var (owner, _, templateId) = await TemplateAsync();
        var template = await _app.Get<TemplateService>().GetAsync(owner, templateId);
        var roles = template.Roles.OrderBy(r => r.Number).ToList();
        var use = new TemplateUse
        {
            TemplateId = templateId, Name = "Contrat",
            People = [new RolePerson(roles[0].Number, "fanny@example.com", "Fanny", "France", "fr"), new RolePerson(roles[1].Number, "eli@example.com", "Eli", "España", "es")],
        };
        var requestId = await _app.Get<TemplateService>().UseAsync(owner, use, new Actor("lena@example.com"));
        var languages = await LanguagesOfAsync(requestId);
        Assert.Equal(("fr", "es"), (languages["fanny@example.com"], languages["eli@example.com"]));
    }

    [Fact]
    public async Task Embedded_sending_url_carries_each_recipients_language_into_the_draft()
    {
        var (owner, api, _) = await TemplateAsync();
        var doc = await _app.Get<DocumentService>().ImportAsync(owner, "Send.pdf", new MemoryStream(TestPdf.Pages(1)), false);
        await _app.Get<FramingPolicy>().AddAsync(owner, "https://app.example.com");
        Task<HttpResponseMessage> PostAsync(string recipients) => api.PostAsync("/v2/signing/url/", new FormUrlEncodedContent(
            [new("file_id", doc.Id.ToString()), new("type", "rs"), new("recipients", recipients)]));

        var refused = await JsonAsync(await PostAsync("""[{"email":"ann@example.com","first_name":"Ann","last_name":"Lee"},{"email":"ugo@example.com","first_name":"Ugo","last_name":"It","language":"it"}]"""),
            HttpStatusCode.BadRequest);
        Assert.Equal($"recipients[2].language: {Unsupported}", refused.GetProperty("message").GetString());

        var ok = await JsonAsync(await PostAsync("""[{"email":"ann@example.com","first_name":"Ann","last_name":"Lee"},{"email":"fanny@example.com","first_name":"Fanny","last_name":"France","language":"fr"}]"""),
            HttpStatusCode.OK);
        var token = ok.GetProperty("url").GetString()!.Split('/')[^1];
        var context = await _app.Get<EmbeddedLinks>().OpenAsync(token);
        var prefill = context!.Prefill!;
        Assert.Equal([null, "fr"], prefill.Recipients.Select(r => r.Language));

        // The draft the page makes from the link (EmbedSend) gives each signer that language; none: English.
        var requests = _app.Get<RequestService>();
        var draftId = await requests.CreateDraftAsync(owner, doc.Id, new Actor("lena@example.com"));
        var draft = await requests.LoadDraftAsync(owner, draftId);
        foreach (var r in prefill.Recipients) Assert.Null(DraftEditor.AddSigner(draft, r.Email, r.FirstName, r.LastName, r.Language));
        await requests.SaveDraftAsync(owner, draft);
        Assert.Equal(new Dictionary<string, string> { ["ann@example.com"] = "en", ["fanny@example.com"] = "fr" }, await LanguagesOfAsync(draftId));
    }
}
