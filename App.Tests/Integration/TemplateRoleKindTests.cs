using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Requests;
using ESignWeb.Templates;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Tests.Integration;

/// <summary>A template role's kind is saved with the template and applied at use; the use page's request options reach the request.</summary>
public class TemplateRoleKindTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public TemplateRoleKindTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    [Fact]
    public async Task An_approver_role_is_saved_reloaded_and_makes_an_approver_when_used_with_the_chosen_options()
    {
        var owner = await _app.CreateUserAsync($"kind-{Guid.NewGuid():N}@example.com");
        var doc = await _app.Get<DocumentService>().ImportAsync(owner, "Kinds.pdf", new MemoryStream(TestPdf.Pages(1)), false);
        var templates = _app.Get<TemplateService>();
        var id = await templates.CreateFromDocumentAsync(owner, doc.Id);

        var draft = await templates.LoadDraftAsync(owner, id);
        Assert.Null(TemplateEditor.AddRole(draft, "Manager"));
        var manager = draft.Roles.Single(r => r.FirstName == "Manager");
        Assert.Null(TemplateEditor.SetRoleKind(draft, manager.Key, RecipientRole.Approver));
        await templates.SaveDraftAsync(owner, draft);

        var reloaded = await templates.LoadDraftAsync(owner, id);
        Assert.Equal([RecipientRole.Signer, RecipientRole.Approver], reloaded.Roles.Select(r => r.Options.Role));

        var requestId = await templates.UseAsync(owner, new TemplateUse
        {
            TemplateId = id, Name = "Kinds",
            People = [new RolePerson(1, "sig@example.com", "Sig", "Ner"), new RolePerson(2, "app@example.com", "App", "Rover")],
            Options = new RequestOptions { SignatureColor = SignatureColor.Blue, DaysValid = 3, RemindersEnabled = true },
        }, new Actor("owner@example.com"));

        await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var r = await db.Requests.Include(x => x.Recipients).SingleAsync(x => x.Id == requestId);
        Assert.Equal(RecipientRole.Approver, r.Recipients.Single(x => x.Email == "app@example.com").Role);
        Assert.Equal(RecipientRole.Signer, r.Recipients.Single(x => x.Email == "sig@example.com").Role);
        Assert.Equal((SignatureColor.Blue, 3, true), (r.SignatureColor!.Value, r.DaysValid!.Value, r.RemindersEnabled));
        Assert.NotNull(r.AutoExpireAt);
    }
}
