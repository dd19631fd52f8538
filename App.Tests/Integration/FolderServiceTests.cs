using ESignWeb.Api;
using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Folders;
using ESignWeb.Requests;
using ESignWeb.Sealing;
using ESignWeb.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Folders through the real service and database: sibling names at the root and below, cycles, deleting only an
/// empty folder, another owner's folders, the limits, uploads into a folder, request destinations and filing the
/// sealed PDF in the destination folder when the request completes.
/// </summary>
public class FolderServiceTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public FolderServiceTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    private FolderService Folders => _app.Get<FolderService>();
    private DocumentService Documents => _app.Get<DocumentService>();
    private Task<string> NewUserAsync() => _app.CreateUserAsync($"folders-{Guid.NewGuid():N}@example.com");

    private static async Task<string> RefusedAsync(Func<Task> action) => (await Assert.ThrowsAsync<AppException>(action)).Code.WireCode();

    [Fact]
    public async Task Sibling_names_are_unique_case_insensitively_at_the_root_and_below_but_not_across_folders()
    {
        var me = await NewUserAsync();
        var contracts = await Folders.CreateAsync(me, null, "Contracts");
        Assert.Equal("item_name_in_use", await RefusedAsync(() => Folders.CreateAsync(me, null, "contracts")));
        Assert.Equal("item_name_in_use", await RefusedAsync(() => Folders.CreateAsync(me, null, " CONTRACTS ")));
        var sub = await Folders.CreateAsync(me, contracts.Id, "Contracts"); // another folder: fine
        Assert.Equal("item_name_in_use", await RefusedAsync(() => Folders.CreateAsync(me, contracts.Id, "CONTRACTS")));
        var other = await Folders.CreateAsync(me, null, "Invoices");
        Assert.Equal("item_name_in_use", await RefusedAsync(() => Folders.RenameAsync(me, other.Id, "contracts")));
        // Moving into a folder with a sibling of the same name is refused too.
        Assert.Equal("item_name_in_use", await RefusedAsync(() => Folders.MoveFolderAsync(me, sub.Id, null)));
        // Another user may use the same names.
        var someoneElse = await NewUserAsync();
        await Folders.CreateAsync(someoneElse, null, "Contracts");
        var renamed = await Folders.RenameAsync(me, contracts.Id, "contracts"); // its own name in other case: fine
        Assert.Equal("contracts", renamed.Name);
        var root = await Folders.ListAsync(me, null);
        Assert.Equal(["contracts", "Invoices"], root.Folders.Select(f => f.Name));
    }

    [Fact]
    public async Task A_folder_never_moves_into_itself_or_its_own_descendant()
    {
        var me = await NewUserAsync();
        var a = await Folders.CreateAsync(me, null, "A");
        var b = await Folders.CreateAsync(me, a.Id, "B");
        var c = await Folders.CreateAsync(me, b.Id, "C");
        Assert.Equal("bad_request", await RefusedAsync(() => Folders.MoveFolderAsync(me, a.Id, a.Id)));
        Assert.Equal("bad_request", await RefusedAsync(() => Folders.MoveFolderAsync(me, a.Id, c.Id)));
        Assert.Equal("bad_request", await RefusedAsync(() => Folders.MoveFolderAsync(me, b.Id, c.Id)));
        await Folders.MoveFolderAsync(me, c.Id, null);
        await Folders.MoveFolderAsync(me, a.Id, c.Id); // now fine: C is no longer below A
        Assert.Equal(["C", "A", "B"], (await Folders.PathAsync(me, b.Id)).Select(p => p.Name));
    }

    [Fact]
    public async Task Only_an_empty_folder_is_deleted_and_deleted_documents_do_not_count()
    {
        var me = await NewUserAsync();
        var folder = await Folders.CreateAsync(me, null, "Projects");
        var doc = await Documents.ImportAsync(me, "Plan.pdf", new MemoryStream(TestPdf.Pages(1)), false, folder.Id);
        var sub = await Folders.CreateAsync(me, folder.Id, "Old");

        var refused = await Assert.ThrowsAsync<AppException>(() => Folders.DeleteAsync(me, folder.Id));
        Assert.Equal("folder_not_empty", refused.Code.WireCode());
        Assert.Equal("\"Projects\" is not empty: it holds 1 folder and 1 document. Move or delete them first, then delete the folder.", refused.Message);

        await Folders.DeleteAsync(me, sub.Id);
        // A document sent for signature is only marked deleted when removed from the library: it no longer counts.
        var requestId = await _app.Get<RequestService>().CreateDraftAsync(me, doc.Id, new Actor("me@example.com"));
        await using (var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
            await db.Requests.Where(r => r.Id == requestId).ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RequestStatus.Incomplete));
        await Documents.DeleteAsync(me, doc.Id);
        Assert.True((await Folders.ListAsync(me, folder.Id)).IsEmpty);

        await Folders.DeleteAsync(me, folder.Id);
        await using var check = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var kept = await check.Documents.SingleAsync(d => d.Id == doc.Id);
        Assert.NotNull(kept.DeletedAt);
        Assert.Null(kept.FolderId); // left for the root
        Assert.False(await check.Folders.AnyAsync(f => f.Id == folder.Id));
    }

    [Fact]
    public async Task Another_owners_folder_is_not_found_for_every_action()
    {
        var owner = await NewUserAsync();
        var intruder = await NewUserAsync();
        var secret = await Folders.CreateAsync(owner, null, "Secret");
        var mine = await Folders.CreateAsync(intruder, null, "Mine");
        var myDoc = await Documents.ImportAsync(intruder, "Mine.pdf", new MemoryStream(TestPdf.Pages(1)), false);
        var theirDoc = await Documents.ImportAsync(owner, "Theirs.pdf", new MemoryStream(TestPdf.Pages(1)), false);

        const string nf = "unauthorized_resource";
        Assert.Equal(nf, await RefusedAsync(() => Folders.ListAsync(intruder, secret.Id)));
        Assert.Equal(nf, await RefusedAsync(() => Folders.GetAsync(intruder, secret.Id)));
        Assert.Equal(nf, await RefusedAsync(() => Folders.PathAsync(intruder, secret.Id)));
        Assert.Equal(nf, await RefusedAsync(() => Folders.CreateAsync(intruder, secret.Id, "In there")));
        Assert.Equal(nf, await RefusedAsync(() => Folders.RenameAsync(intruder, secret.Id, "Mine now")));
        Assert.Equal(nf, await RefusedAsync(() => Folders.DeleteAsync(intruder, secret.Id)));
        Assert.Equal(nf, await RefusedAsync(() => Folders.MoveFolderAsync(intruder, secret.Id, null)));
        Assert.Equal(nf, await RefusedAsync(() => Folders.MoveFolderAsync(intruder, mine.Id, secret.Id)));
        Assert.Equal(nf, await RefusedAsync(() => Folders.MoveDocumentAsync(intruder, myDoc.Id, secret.Id)));
        Assert.Equal(nf, await RefusedAsync(() => Folders.MoveDocumentAsync(intruder, theirDoc.Id, mine.Id)));
        Assert.Equal(nf, await RefusedAsync(() => Documents.ImportAsync(intruder, "Sneaky.pdf", new MemoryStream(TestPdf.Pages(1)), false, secret.Id)));
        Assert.Equal(nf, await RefusedAsync(() => Folders.ResolveDestinationAsync(intruder, secret.Id.ToString())));
        Assert.Equal(nf, await RefusedAsync(() => Folders.ResolveDestinationAsync(intruder, "not-a-number")));
        Assert.DoesNotContain(await Folders.TreeAsync(intruder), n => n.Id == secret.Id);

        // A draft cannot name someone else's folder as its destination either.
        var requests = _app.Get<RequestService>();
        var draftId = await requests.CreateDraftAsync(intruder, myDoc.Id, new Actor("i@example.com"));
        var draft = await requests.LoadDraftAsync(intruder, draftId);
        draft.Options.FolderId = secret.Id;
        Assert.Equal(nf, await RefusedAsync(() => requests.SaveDraftAsync(intruder, draft)));

        var folder = await Folders.GetAsync(owner, secret.Id);
        Assert.Equal("Secret", folder.Name); // nothing changed
    }

    [Fact]
    public async Task The_destination_of_a_request_is_an_own_folder_and_never_the_root_named_as_0()
    {
        var me = await NewUserAsync();
        var f = await Folders.CreateAsync(me, null, "Signed");
        Assert.Equal(f.Id, await Folders.ResolveDestinationAsync(me, f.Id.ToString()));
        Assert.Null(await Folders.ResolveDestinationAsync(me, null));
        Assert.Null(await Folders.ResolveDestinationAsync(me, ""));
        var root = await Assert.ThrowsAsync<AppException>(() => Folders.ResolveDestinationAsync(me, "0"));
        Assert.Equal("bad_request", root.Code.WireCode());
        Assert.Contains("root folder", root.Message);
        Assert.Equal("unauthorized_resource", await RefusedAsync(() => Folders.ResolveDestinationAsync(me, "-1")));
        Assert.Equal("unauthorized_resource", await RefusedAsync(() => Folders.ResolveDestinationAsync(me, int.MaxValue.ToString())));
    }

    [Fact]
    public async Task Depth_and_folder_count_are_limited()
    {
        var me = await NewUserAsync();
        int? parent = null;
        for (var i = 1; i <= FolderRules.MaxDepth; i++) parent = (await Folders.CreateAsync(me, parent, $"Level {i}")).Id;
        Assert.Equal("bad_request", await RefusedAsync(() => Folders.CreateAsync(me, parent, "Too deep")));
        var side = await Folders.CreateAsync(me, null, "Side");
        Assert.Equal("bad_request", await RefusedAsync(() => Folders.MoveFolderAsync(me, side.Id, parent)));

        // Fill up to the per-account limit directly, then the service refuses one more.
        var count = FolderRules.MaxDepth + 1;
        await using (var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            var now = DateTimeOffset.UtcNow;
            for (var i = count; i < FolderRules.MaxFoldersPerOwner; i++)
                db.Folders.Add(new Folder { OwnerId = me, ParentId = side.Id, Name = $"Bulk {i}", CreatedAt = now, ModifiedAt = now });
            await db.SaveChangesAsync();
        }
        var refused = await Assert.ThrowsAsync<AppException>(() => Folders.CreateAsync(me, null, "One too many"));
        Assert.Contains(FolderRules.MaxFoldersPerOwner.ToString(), refused.Message);
    }

    [Fact]
    public async Task Documents_and_signed_files_move_between_folders_and_are_listed_where_they_are()
    {
        var me = await NewUserAsync();
        var a = await Folders.CreateAsync(me, null, "A");
        var doc = await Documents.ImportAsync(me, "Moving.pdf", new MemoryStream(TestPdf.Pages(1)), false, a.Id);
        Assert.Equal([doc.Id], (await Folders.ListAsync(me, a.Id)).Documents.Select(d => d.Id));
        Assert.DoesNotContain((await Folders.ListAsync(me, null)).Documents, d => d.Id == doc.Id);

        var signed = await _app.Get<SelfSignService>().SignAsync(me, doc.Id,
            [new SelfField(FieldType.Signature, 1, new PdfRect(72, 700, 160, 48), Image: TestImages.SignaturePng())], new Actor("me@example.com"), DateTimeOffset.UtcNow);
        Assert.Contains((await Folders.ListAsync(me, null)).SignedFiles, f => f.Id == signed.Id);
        await Folders.MoveSignedFileAsync(me, signed.Id, a.Id);
        await Folders.MoveDocumentAsync(me, doc.Id, null);
        var inA = await Folders.ListAsync(me, a.Id);
        Assert.Empty(inA.Documents);
        Assert.Equal([signed.Id], inA.SignedFiles.Select(f => f.Id));
        Assert.Equal([new FolderCrumb(a.Id, "A")], inA.Path);
        Assert.Contains((await Folders.ListAsync(me, null)).Documents, d => d.Id == doc.Id);
    }

    [Fact]
    public async Task A_completed_request_files_its_sealed_pdf_in_the_destination_folder()
    {
        var s = new SigningScenario(_app) { Owner = await NewUserAsync() };
        var destination = await Folders.CreateAsync(s.Owner, null, "Signed contracts");
        var gone = await Folders.CreateAsync(s.Owner, null, "Deleted meanwhile");

        async Task<int> SendWithDestinationAsync(int folderId, string signer)
        {
            var doc = await Documents.ImportAsync(s.Owner, $"Deal {Guid.NewGuid():N}.pdf", new MemoryStream(TestPdf.Pages(1)), false);
            var id = await s.Requests.CreateDraftAsync(s.Owner, doc.Id, new Actor("owner@example.com"));
            var draft = await s.Requests.LoadDraftAsync(s.Owner, id);
            Assert.Null(DraftEditor.AddSigner(draft, signer, "Sig", "Ner"));
            DraftEditor.AddField(draft, FieldType.Signature, draft.Signers[^1].Key, 1, new PdfRect(72, 700, 160, 40));
            draft.Options.FolderId = folderId;
            await s.Requests.SaveDraftAsync(s.Owner, draft);
            await s.Requests.SendAsync(s.Owner, id, new Actor("owner@example.com"));
            return id;
        }

        s.RequestId = await SendWithDestinationAsync(destination.Id, "filed@example.com");
        await s.SignAsync("filed@example.com");
        await s.WaitForStatusAsync(RequestStatus.Complete, 60);
        var inFolder = await Poll.UntilAsync(async () =>
            (await Folders.ListAsync(s.Owner, destination.Id)).SignedFiles.SingleOrDefault(f => f.RequestId == s.RequestId));
        Assert.NotNull(inFolder.AuditTrailBlobKey);
        Assert.DoesNotContain((await Folders.ListAsync(s.Owner, null)).SignedFiles, f => f.RequestId == s.RequestId);

        // A destination deleted before the request completes: the sealed PDF lands in the root.
        s.RequestId = await SendWithDestinationAsync(gone.Id, "rooted@example.com");
        await Folders.DeleteAsync(s.Owner, gone.Id);
        Assert.Null((await s.LoadAsync()).FolderId);
        await s.SignAsync("rooted@example.com");
        await s.WaitForStatusAsync(RequestStatus.Complete, 60);
        Assert.Contains((await Folders.ListAsync(s.Owner, null)).SignedFiles, f => f.RequestId == s.RequestId);
    }
}

/// <summary>Deleting an account with nested, non-empty folders (the folder foreign keys restrict).</summary>
public class FolderAccountDeletionTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public FolderAccountDeletionTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    [Fact]
    public async Task An_account_with_nested_non_empty_folders_can_be_deleted_once_its_folders_are_unfiled()
    {
        var me = await _app.CreateUserAsync($"leaving-{Guid.NewGuid():N}@example.com");
        var folders = _app.Get<FolderService>();
        var a = await folders.CreateAsync(me, null, "A");
        var b = await folders.CreateAsync(me, a.Id, "B");
        await _app.Get<DocumentService>().ImportAsync(me, "Deep.pdf", new MemoryStream(TestPdf.Pages(1)), false, b.Id);

        using var scope = _app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<ApplicationUser>>();
        var user = (await users.FindByIdAsync(me))!;
        if (_app.Provider == DatabaseProviderKind.Sqlite)
        {
            // Without unfiling, SQLite refuses the cascade (what the Delete personal data page ran into): it checks each
            // RESTRICT key row by row while the cascade deletes folder A before its child B and B's document.
            await Assert.ThrowsAnyAsync<Exception>(() => users.DeleteAsync(user));
            await folders.UnfileAllAsync(me);
            using var scope2 = _app.Services.CreateScope();
            var users2 = scope2.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<ApplicationUser>>();
            Assert.True((await users2.DeleteAsync((await users2.FindByIdAsync(me))!)).Succeeded);
        }
        else
        {
            // PostgreSQL checks RESTRICT keys after the whole cascaded statement, when no row of the account refers to
            // a deleted folder any more: the account goes in one delete, unfiled or not (the page unfiles anyway).
            Assert.True((await users.DeleteAsync(user)).Succeeded);
        }
        await using var db = await _app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.False(await db.Folders.AnyAsync(f => f.OwnerId == me));
        Assert.False(await db.Documents.AnyAsync(d => d.OwnerId == me));
    }
}
