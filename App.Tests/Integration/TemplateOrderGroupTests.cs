using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Requests;
using ESignWeb.Signing;
using ESignWeb.Templates;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// A template's order groups (issue 11): set in the editor's rules or over the API (role objects' <c>order</c>),
/// stored, read back, and given to each recipient of a request made from the template, which then invites group 1
/// together and group 2 only when group 1 has finished. The use page's per-signer and request options
/// (<see cref="TemplateUseForm"/>) reach the request.
/// </summary>
public class TemplateOrderGroupTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;
    private static readonly Actor Sender = new("owner@example.com");
    private static readonly Actor SignerActor = new(null, "203.0.113.9", "signer-agent/1.0");

    public TemplateOrderGroupTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    private TemplateService Templates => _app.Get<TemplateService>();

    /// <summary>A template with roles Client, Manager, Witness, a signature field each; <paramref name="setup"/> sets the order.</summary>
    private async Task<(string Owner, int Id)> ThreeRolesAsync(Action<TemplateDraft> setup)
    {
        var owner = await _app.CreateUserAsync($"groups-{Guid.NewGuid():N}@example.com");
        var doc = await _app.Get<DocumentService>().ImportAsync(owner, "Groups.pdf", new MemoryStream(TestPdf.Pages(1)), false);
        var id = await Templates.CreateFromDocumentAsync(owner, doc.Id);
        var d = await Templates.LoadDraftAsync(owner, id);
        Assert.Null(TemplateEditor.RenameRole(d, d.Roles.Single().Key, "Client"));
        Assert.Null(TemplateEditor.AddRole(d, "Manager"));
        Assert.Null(TemplateEditor.AddRole(d, "Witness"));
        var y = 700;
        foreach (var r in d.Roles.ToList())
        {
            Assert.Null(DraftEditor.AddField(d.Layout, FieldType.Signature, r.Key, 1, new PdfRect(72, y, 160, 40)).Error);
            y -= 60;
        }
        setup(d);
        await Templates.SaveDraftAsync(owner, d);
        return (owner, id);
    }

    private static List<int> Orders(JsonElement template) =>
        template.GetProperty("metadata").GetProperty("roles").EnumerateArray().Select(r => r.GetProperty("order").GetInt32()).ToList();

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage r, HttpStatusCode expected)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == expected, $"{r.RequestMessage?.Method} {r.RequestMessage?.RequestUri} answered {(int)r.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<SignatureRequest> LoadRequestAsync(int id)
    {
        await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Requests.AsNoTracking().Include(r => r.Recipients).SingleAsync(r => r.Id == id);
    }

    private async Task<SigningState> StateOfAsync(SigningScenario s, string email) =>
        (await _app.Get<SigningService>().OpenAsync(await s.TokenOfAsync(email), SignerActor)).State;

    [Fact]
    public async Task Groups_set_in_the_editor_are_stored_read_back_and_shown_by_the_api_as_each_roles_order()
    {
        var (owner, id) = await ThreeRolesAsync(d =>
        {
            TemplateEditor.SetOrder(d, SigningOrder.InGroups);
            Assert.Equal([1, 2, 3], d.Roles.Select(r => r.Options.Order)); // groups start one per role, as on the prepare page
            Assert.Null(TemplateEditor.SetGroup(d, d.Roles.ElementAt(1).Key, 1));
            Assert.Equal("A group is a number from 0 to 1000.", TemplateEditor.SetGroup(d, d.Roles.ElementAt(2).Key, 1001));
            Assert.Null(TemplateEditor.SetGroup(d, d.Roles.ElementAt(2).Key, 2));
        });

        var reloaded = await Templates.LoadDraftAsync(owner, id);
        Assert.Equal(SigningOrder.InGroups, TemplateEditor.OrderOf(reloaded));
        Assert.Equal([1, 1, 2], reloaded.Roles.Select(r => r.Options.Order));

        var (client, _) = await _app.ApiClientAsync(owner);
        var one = await JsonAsync(await client.GetAsync($"/v1/library/template/{id}"), HttpStatusCode.OK);
        Assert.Equal([1, 1, 2], Orders(one));
        Assert.True(one.GetProperty("is_ordered").GetBoolean());

        // One after another again: each role's group is its id; all at once: one group.
        reloaded = await Templates.LoadDraftAsync(owner, id);
        TemplateEditor.SetOrder(reloaded, SigningOrder.OneAfterAnother);
        await Templates.SaveDraftAsync(owner, reloaded);
        Assert.Equal([1, 2, 3], Orders(await JsonAsync(await client.GetAsync($"/v1/library/template/{id}"), HttpStatusCode.OK)));
        Assert.Equal(SigningOrder.OneAfterAnother, TemplateEditor.OrderOf(await Templates.LoadDraftAsync(owner, id)));
        reloaded = await Templates.LoadDraftAsync(owner, id);
        TemplateEditor.SetOrder(reloaded, SigningOrder.AllAtOnce);
        await Templates.SaveDraftAsync(owner, reloaded);
        var parallel = await JsonAsync(await client.GetAsync($"/v1/library/template/{id}"), HttpStatusCode.OK);
        Assert.Equal([1, 1, 1], Orders(parallel));
        Assert.False(parallel.GetProperty("is_ordered").GetBoolean());
        Assert.Equal(SigningOrder.AllAtOnce, TemplateEditor.OrderOf(await Templates.LoadDraftAsync(owner, id)));
    }

    [Fact]
    public async Task Groups_written_over_the_api_reach_the_request_group_1_together_then_group_2()
    {
        var (owner, id) = await ThreeRolesAsync(_ => { });
        var (client, _) = await _app.ApiClientAsync(owner);

        // Refused: a role left out, an unknown role, a group out of range (nothing changes).
        var missing = await JsonAsync(await client.PutAsJsonAsync($"/v1/library/template/{id}",
            new { roles = new[] { new { id = 1, order = 1 }, new { id = 2, order = 1 } } }), HttpStatusCode.BadRequest);
        Assert.Equal("roles: role 3 (Witness) has no order; give every role's order.", missing.GetProperty("message").GetString());
        var unknown = await JsonAsync(await client.PutAsJsonAsync($"/v1/library/template/{id}",
            new { roles = new[] { new { id = 4, order = 1 } } }), HttpStatusCode.BadRequest);
        Assert.Equal("roles[1]: 4 is not a role of this template (its roles are 1 (Client), 2 (Manager), 3 (Witness)).", unknown.GetProperty("message").GetString());
        var range = await JsonAsync(await client.PutAsJsonAsync($"/v1/library/template/{id}",
            new { roles = new[] { new { id = 1, order = -1 }, new { id = 2, order = 1 }, new { id = 3, order = 2 } } }), HttpStatusCode.BadRequest);
        Assert.Equal("roles[1].order must be between 0 and 1000.", range.GetProperty("message").GetString());
        Assert.Equal([1, 2, 3], Orders(await JsonAsync(await client.GetAsync($"/v1/library/template/{id}"), HttpStatusCode.OK)));

        // Written (no name: the name stays), answered and read back.
        var written = await JsonAsync(await client.PutAsJsonAsync($"/v1/library/template/{id}",
            new { roles = new[] { new { id = 1, order = 1 }, new { id = 2, order = 1 }, new { id = 3, order = 2 } } }), HttpStatusCode.OK);
        Assert.Equal([1, 1, 2], Orders(written));
        Assert.Equal("Groups", written.GetProperty("name").GetString());
        Assert.Equal([1, 1, 2], Orders(await JsonAsync(await client.GetAsync($"/v1/library/template/{id}"), HttpStatusCode.OK)));

        // Used over the API without any order: the roles' groups.
        var sent = await JsonAsync(await client.PostAsJsonAsync("/v1/files/pending/template", new
        {
            template_file_id = id, name = "Grouped", is_ordered = true,
            recipients = new object[]
            {
                new { email = "ann@example.com", first_name = "Ann", last_name = "A", role_id = 1 },
                new { email = "bob@example.com", first_name = "Bob", last_name = "B", role_id = 2 },
                new { email = "cat@example.com", first_name = "Cat", last_name = "C", role_id = 3 },
            },
        }), HttpStatusCode.OK);
        var requestId = sent.GetProperty("pending_file_id").GetInt32();
        var r = await LoadRequestAsync(requestId);
        Assert.True(r.IsOrdered);
        Assert.Equal(new Dictionary<string, int> { ["ann@example.com"] = 1, ["bob@example.com"] = 1, ["cat@example.com"] = 2 },
            r.Recipients.ToDictionary(x => x.Email, x => x.OrderId));
        Assert.Equal(["ann@example.com", "bob@example.com"], RequestWorkflow.CurrentGroup(r).Select(x => x.Email).Order());

        // Group 1 both at once; the witness only when both have signed.
        var s = new SigningScenario(_app) { Owner = owner, RequestId = requestId };
        Assert.Equal(SigningState.NotYourTurn, await StateOfAsync(s, "cat@example.com"));
        await s.SignAsync("bob@example.com");
        Assert.Equal(SigningState.NotYourTurn, await StateOfAsync(s, "cat@example.com"));
        await s.SignAsync("ann@example.com");
        Assert.Equal(["cat@example.com"], RequestWorkflow.CurrentGroup(await LoadRequestAsync(requestId)).Select(x => x.Email));
        await s.SignAsync("cat@example.com");
        await s.WaitForStatusAsync(RequestStatus.Complete);
    }

    [Fact]
    public async Task The_api_use_can_override_the_templates_groups_with_recipients_order_or_is_ordered_false()
    {
        var (owner, id) = await ThreeRolesAsync(d =>
        {
            TemplateEditor.SetOrder(d, SigningOrder.InGroups);
            foreach (var r in d.Roles.ToList()) Assert.Null(TemplateEditor.SetGroup(d, r.Key, r.FirstName == "Witness" ? 2 : 1));
        });
        var (client, _) = await _app.ApiClientAsync(owner);
        object People(bool withOrder) => new object[]
        {
            withOrder ? new { email = "ann@example.com", first_name = "Ann", last_name = "A", role_id = 1, order = 3 } : new { email = "ann@example.com", first_name = "Ann", last_name = "A", role_id = 1 },
            withOrder ? new { email = "bob@example.com", first_name = "Bob", last_name = "B", role_id = 2, order = 2 } : new { email = "bob@example.com", first_name = "Bob", last_name = "B", role_id = 2 },
            withOrder ? new { email = "cat@example.com", first_name = "Cat", last_name = "C", role_id = 3, order = 1 } : new { email = "cat@example.com", first_name = "Cat", last_name = "C", role_id = 3 },
        };

        var own = (await JsonAsync(await client.PostAsJsonAsync("/v1/files/pending/template",
            new { template_file_id = id, name = "Own", recipients = People(true) }), HttpStatusCode.OK)).GetProperty("pending_file_id").GetInt32();
        var r = await LoadRequestAsync(own);
        Assert.Equal(["cat@example.com"], RequestWorkflow.CurrentGroup(r).Select(x => x.Email));

        var all = (await JsonAsync(await client.PostAsJsonAsync("/v1/files/pending/template",
            new { template_file_id = id, name = "All", is_ordered = false, recipients = People(false) }), HttpStatusCode.OK)).GetProperty("pending_file_id").GetInt32();
        r = await LoadRequestAsync(all);
        Assert.False(r.IsOrdered);
        Assert.Equal(3, RequestWorkflow.CurrentGroup(r).Count);
    }

    [Fact]
    public async Task The_use_pages_form_sends_the_templates_groups_a_signer_password_and_red_ink()
    {
        var (owner, id) = await ThreeRolesAsync(d =>
        {
            TemplateEditor.SetOrder(d, SigningOrder.InGroups);
            foreach (var r in d.Roles.ToList()) Assert.Null(TemplateEditor.SetGroup(d, r.Key, r.FirstName == "Witness" ? 2 : 1));
        });
        var form = new TemplateUseForm(await Templates.GetAsync(owner, id), "en");
        Assert.Equal(SigningOrder.InGroups, form.Order);
        foreach (var (role, p) in form.Roles)
        {
            p.Email = $"{role.Name.ToLowerInvariant()}@example.com";
            p.FirstName = role.Name;
        }
        var client = form.PersonFor(1);
        Assert.Null(RequestOptionsEditor.SetPassword(form.Draft, client.Key, "open sesame"));
        Assert.Null(RequestOptionsEditor.SetColor(form.Draft, SignatureColor.Red));
        // A role with fields cannot become an approver here either (the rule sees the template's fields).
        Assert.NotNull(RequestOptionsEditor.SetRole(form.Draft, form.PersonFor(2).Key, RecipientRole.Approver));

        var requestId = await Templates.UseAsync(owner, form.ToUse(), Sender);
        var req = await LoadRequestAsync(requestId);
        Assert.Equal(SignatureColor.Red, req.SignatureColor);
        Assert.NotNull(req.Recipients.Single(x => x.Email == "client@example.com").PasswordHash);
        Assert.Null(req.Recipients.Single(x => x.Email == "manager@example.com").PasswordHash);
        Assert.Equal([1, 1, 2], req.Recipients.OrderBy(x => x.Id).Select(x => x.OrderId));

        // One after another chosen on the page: the groups give way to the role order.
        form.SetOrder(SigningOrder.OneAfterAnother);
        form.Name = "Sequential";
        var seq = await LoadRequestAsync(await Templates.UseAsync(owner, form.ToUse(), Sender));
        Assert.Equal(["client@example.com"], RequestWorkflow.CurrentGroup(seq).Select(x => x.Email));
        Assert.Equal([1, 2, 3], seq.Recipients.OrderBy(x => x.Id).Select(x => x.OrderId));
    }
}
