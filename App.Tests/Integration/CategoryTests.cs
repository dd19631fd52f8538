using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Requests;
using ESignWeb.Templates;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Request categories (issue 13): set over the SignEasy API (array or comma-separated string), on the draft and after
/// sending through the one service method (no audit event, no status change), inherited from templates over the API and
/// through the use page's form, refused with the rule's message, and the owner's names as suggestions.
/// </summary>
public class CategoryTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public CategoryTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    private RequestService Requests => _app.Get<RequestService>();
    private TemplateService Templates => _app.Get<TemplateService>();

    private async Task<(string Owner, HttpClient Client, int DocumentId)> SenderAsync()
    {
        var owner = await _app.CreateUserAsync($"cat-{Guid.NewGuid():N}@example.com", "Cara", "Tagger");
        var (client, _) = await _app.ApiClientAsync(owner);
        var doc = await _app.Get<DocumentService>().ImportAsync(owner, "NDA.pdf", new MemoryStream(TestPdf.Pages(1)), false);
        return (owner, client, doc.Id);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage r, HttpStatusCode expected)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == expected, $"{r.RequestMessage?.Method} {r.RequestMessage?.RequestUri} answered {(int)r.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static List<string?> Names(JsonElement e) => e.GetProperty("categories").EnumerateArray().Select(x => x.GetString()).ToList();

    private static Dictionary<string, object?> FreeFill(int fileId, object? categories) => new()
    {
        ["original_file_id"] = fileId, ["name"] = "NDA", ["is_ordered"] = true,
        ["recipients"] = new[] { new { email = "jack@company.com", first_name = "Jack", last_name = "Wilshere" } },
        ["categories"] = categories,
    };

    private async Task<int> CountAsync(string owner)
    {
        await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Requests.CountAsync(r => r.OwnerId == owner);
    }

    [Fact]
    public async Task The_create_call_takes_categories_as_an_array_and_the_pending_file_shows_them_normalised()
    {
        var (_, client, fileId) = await SenderAsync();
        var id = (await JsonAsync(await client.PostAsJsonAsync("/v1/files/pending/", FreeFill(fileId, new[] { "  NDA ", "Lease", "nda", "Real   estate" })),
            HttpStatusCode.OK)).GetProperty("pending_file_id").GetInt32();

        var one = await JsonAsync(await client.GetAsync($"/v1/files/pending/{id}/"), HttpStatusCode.OK);
        Assert.Equal(["NDA", "Lease", "Real estate"], Names(one)); // trimmed, inner space collapsed, "nda" is "NDA"
        var list = await JsonAsync(await client.GetAsync("/v1/files/pending/"), HttpStatusCode.OK);
        var listed = list.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("id").GetInt32() == id);
        Assert.Equal(["NDA", "Lease", "Real estate"], Names(listed));
    }

    [Fact]
    public async Task A_form_body_may_give_categories_as_one_comma_separated_string_and_none_given_is_an_empty_array()
    {
        var (_, client, fileId) = await SenderAsync();
        var form = new FormUrlEncodedContent([
            new("original_file_id", fileId.ToString()), new("name", "Lease"),
            new("recipients", """[{"email":"jack@company.com","first_name":"Jack","last_name":"W"}]"""),
            new("categories", "Lease, Real estate,,  2026 "),
        ]);
        var id = (await JsonAsync(await client.PostAsync("/v1/files/pending/", form), HttpStatusCode.OK)).GetProperty("pending_file_id").GetInt32();
        Assert.Equal(["Lease", "Real estate", "2026"], Names(await JsonAsync(await client.GetAsync($"/v1/files/pending/{id}/"), HttpStatusCode.OK)));

        var plain = FreeFill(fileId, null);
        plain.Remove("categories");
        var other = (await JsonAsync(await client.PostAsJsonAsync("/v1/files/pending/", plain), HttpStatusCode.OK)).GetProperty("pending_file_id").GetInt32();
        Assert.Empty(Names(await JsonAsync(await client.GetAsync($"/v1/files/pending/{other}/"), HttpStatusCode.OK)));
    }

    [Fact]
    public async Task Categories_that_break_the_rule_are_refused_in_SignEasys_shape_and_nothing_is_created()
    {
        var (owner, client, fileId) = await SenderAsync();
        var tooLong = new string('x', Categories.MaxLength + 1);
        var cases = new (object Categories, string Expected)[]
        {
            (new[] { "NDA", tooLong }, "too long (at most 50 characters)"),
            (new object[] { "NDA", 7 }, "categories must be an array of strings"),
            (12, "categories must be an array of strings"),
            (Enumerable.Range(1, Categories.MaxPerRequest + 1).Select(i => $"c{i}").ToArray(), $"at most {Categories.MaxPerRequest} categories"),
        };
        foreach (var (categories, expected) in cases)
        {
            var e = await JsonAsync(await client.PostAsJsonAsync("/v1/files/pending/", FreeFill(fileId, categories)), HttpStatusCode.BadRequest);
            Assert.Equal("bad_request", e.GetProperty("error_code").GetString());
            Assert.Contains(expected, e.GetProperty("message").GetString());
        }
        Assert.Equal(0, await CountAsync(owner));
    }

    [Fact]
    public async Task The_owner_changes_categories_after_sending_without_an_audit_event_or_a_status_change_and_nobody_else_can()
    {
        var (owner, client, fileId) = await SenderAsync();
        var id = (await JsonAsync(await client.PostAsJsonAsync("/v1/files/pending/", FreeFill(fileId, new[] { "NDA" })), HttpStatusCode.OK))
            .GetProperty("pending_file_id").GetInt32();
        var before = await Requests.GetDetailAsync(owner, id);

        var stored = await Requests.SetCategoriesAsync(owner, id, ["Agreement", " NDA", "AGREEMENT"]);
        Assert.Equal(["Agreement", "NDA"], stored);

        var after = await Requests.GetDetailAsync(owner, id);
        Assert.Equal(["Agreement", "NDA"], after.Categories);
        Assert.Equal(before.Summary.Status, after.Summary.Status);
        // Not an audit event of the request (the invitation's delivery may be recorded meanwhile, by the outbox).
        Assert.Equal(before.Events.Select(e => e.Type).Where(t => t != AuditEventType.MailDelivered),
            after.Events.Select(e => e.Type).Where(t => t != AuditEventType.MailDelivered));
        Assert.Equal(["Agreement", "NDA"], Names(await JsonAsync(await client.GetAsync($"/v1/files/pending/{id}/"), HttpStatusCode.OK)));

        var refused = await Assert.ThrowsAsync<AppException>(() => Requests.SetCategoriesAsync(owner, id, [new string('y', 60)]));
        Assert.Contains("too long", refused.Message);
        var stranger = await _app.CreateUserAsync($"other-{Guid.NewGuid():N}@example.com");
        await Assert.ThrowsAsync<AppException>(() => Requests.SetCategoriesAsync(stranger, id, ["Mine"]));
        Assert.Equal(["Agreement", "NDA"], (await Requests.GetDetailAsync(owner, id)).Categories);
    }

    [Fact]
    public async Task The_draft_carries_categories_through_its_save_and_save_as_template_keeps_them()
    {
        var (owner, _, fileId) = await SenderAsync();
        var id = await Requests.CreateDraftAsync(owner, fileId, new Actor("cat@example.com"));
        var d = await Requests.LoadDraftAsync(owner, id);
        Assert.Empty(d.Categories);
        Assert.Null(DraftEditor.SetCategories(d, ["NDA", "Lease"]));
        Assert.Contains("comma", DraftEditor.SetCategories(d, ["a,b"]));
        Assert.Equal(["NDA", "Lease"], d.Categories); // a refusal changes nothing
        await Requests.SaveDraftAsync(owner, d);
        d = await Requests.LoadDraftAsync(owner, id);
        Assert.Equal(["NDA", "Lease"], d.Categories);
        Assert.Null(DraftEditor.SetCategories(d, ["Lease"]));
        await Requests.SaveDraftAsync(owner, d);
        Assert.Equal(["Lease"], (await Requests.LoadDraftAsync(owner, id)).Categories);

        var templateId = await Templates.CreateFromRequestAsync(owner, id);
        Assert.Equal(["Lease"], (await Templates.GetAsync(owner, templateId)).Categories);
    }

    private async Task<(string Owner, HttpClient Client, int TemplateId)> TemplateAsync(params string[] categories)
    {
        var (owner, client, fileId) = await SenderAsync();
        var id = await Templates.CreateFromDocumentAsync(owner, fileId);
        var d = await Templates.LoadDraftAsync(owner, id);
        Assert.Null(TemplateEditor.SetCategories(d, categories));
        DraftEditor.AddField(d.Layout, FieldType.Signature, d.Roles.Single().Key, 1, new PdfRect(72, 500, 160, 48));
        await Templates.SaveDraftAsync(owner, d);
        return (owner, client, id);
    }

    private static object Use(int templateId, object? categories = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["template_file_id"] = templateId, ["name"] = "From the template",
            ["recipients"] = new[] { new { email = "jack@company.com", first_name = "Jack", last_name = "W", role_id = 1 } },
        };
        if (categories is not null) body["categories"] = categories;
        return body;
    }

    [Fact]
    public async Task A_request_made_from_a_template_over_the_API_inherits_its_categories_unless_the_call_names_its_own()
    {
        var (_, client, templateId) = await TemplateAsync("NDA", "Sales");
        var t = await JsonAsync(await client.GetAsync($"/v1/library/template/{templateId}/"), HttpStatusCode.OK);
        Assert.Equal(["NDA", "Sales"], Names(t));

        var inherited = (await JsonAsync(await client.PostAsJsonAsync("/v1/files/pending/template/", Use(templateId)), HttpStatusCode.OK))
            .GetProperty("pending_file_id").GetInt32();
        Assert.Equal(["NDA", "Sales"], Names(await JsonAsync(await client.GetAsync($"/v1/files/pending/{inherited}/"), HttpStatusCode.OK)));

        var own = (await JsonAsync(await client.PostAsJsonAsync("/v1/files/pending/template/", Use(templateId, new[] { "Lease" })), HttpStatusCode.OK))
            .GetProperty("pending_file_id").GetInt32();
        Assert.Equal(["Lease"], Names(await JsonAsync(await client.GetAsync($"/v1/files/pending/{own}/"), HttpStatusCode.OK)));

        var none = (await JsonAsync(await client.PostAsJsonAsync("/v1/files/pending/template/", Use(templateId, Array.Empty<string>())), HttpStatusCode.OK))
            .GetProperty("pending_file_id").GetInt32();
        Assert.Empty(Names(await JsonAsync(await client.GetAsync($"/v1/files/pending/{none}/"), HttpStatusCode.OK)));

        var bad = await JsonAsync(await client.PostAsJsonAsync("/v1/files/pending/template/", Use(templateId, new[] { "a,b" })), HttpStatusCode.BadRequest);
        Assert.Contains("may not contain a comma", bad.GetProperty("message").GetString());
    }

    [Fact]
    public async Task The_template_API_sets_categories_with_PUT_alone_or_with_a_name()
    {
        var (owner, client, templateId) = await TemplateAsync("NDA");
        var put = await JsonAsync(await client.PutAsJsonAsync($"/v1/library/template/{templateId}/", new { categories = new[] { "HR", "hr", "Onboarding" } }),
            HttpStatusCode.OK);
        Assert.Equal(["HR", "Onboarding"], Names(put));
        Assert.NotEqual("", put.GetProperty("name").GetString());

        var both = await JsonAsync(await client.PutAsJsonAsync($"/v1/library/template/{templateId}/", new { name = "Onboarding pack", categories = "HR" }),
            HttpStatusCode.OK);
        Assert.Equal("Onboarding pack", both.GetProperty("name").GetString());
        Assert.Equal(["HR"], Names(both));

        var bad = await JsonAsync(await client.PutAsJsonAsync($"/v1/library/template/{templateId}/", new { name = "Changed", categories = new[] { new string('z', 51) } }),
            HttpStatusCode.BadRequest);
        Assert.Equal("bad_request", bad.GetProperty("error_code").GetString());
        var t = await Templates.GetAsync(owner, templateId);
        Assert.Equal("Onboarding pack", t.Name); // refused before anything changed
        Assert.Equal(["HR"], t.Categories);
    }

    [Fact]
    public async Task The_use_pages_form_starts_with_the_templates_categories_and_sends_what_the_sender_made_of_them()
    {
        var (owner, _, templateId) = await TemplateAsync("NDA", "Sales");
        var form = new TemplateUseForm(await Templates.GetAsync(owner, templateId), "en");
        Assert.Equal(["NDA", "Sales"], form.Draft.Categories);
        var person = form.PersonFor(1);
        (person.Email, person.FirstName, person.LastName) = ("jack@company.com", "Jack", "W");

        var inherited = await Templates.UseAsync(owner, form.ToUse(), new Actor("cat@example.com"));
        Assert.Equal(["NDA", "Sales"], (await Requests.GetDetailAsync(owner, inherited)).Categories);

        Assert.Null(DraftEditor.SetCategories(form.Draft, ["Sales", "Q3"]));
        var changed = await Templates.UseAsync(owner, form.ToUse(), new Actor("cat@example.com"));
        Assert.Equal(["Sales", "Q3"], (await Requests.GetDetailAsync(owner, changed)).Categories);
    }

    [Fact]
    public async Task Suggestions_are_the_owners_names_distinct_without_regard_to_case_most_used_first()
    {
        var (owner, _, fileId) = await SenderAsync();
        foreach (var set in new string[][] { ["NDA", "Lease"], ["nda", "Sales"], ["NDA"], ["lease"] })
        {
            var id = await Requests.CreateDraftAsync(owner, fileId, new Actor("cat@example.com"));
            await Requests.SetCategoriesAsync(owner, id, set);
        }
        var (stranger, _, strangerFile) = await SenderAsync();
        var theirs = await Requests.CreateDraftAsync(stranger, strangerFile, new Actor("x@example.com"));
        await Requests.SetCategoriesAsync(stranger, theirs, ["Secret project"]);

        var suggestions = await Requests.CategorySuggestionsAsync(owner);
        Assert.Equal(3, suggestions.Count);
        Assert.Equal("NDA", suggestions[0], StringComparer.OrdinalIgnoreCase); // 3 uses
        Assert.Equal("Lease", suggestions[1], StringComparer.OrdinalIgnoreCase); // 2 uses
        Assert.Equal("Sales", suggestions[2]);
        Assert.DoesNotContain("Secret project", suggestions);
    }
}
