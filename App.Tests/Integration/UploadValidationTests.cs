using ESignWeb.Api;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Storage;
using ESignWeb.Tests.Fixtures;

namespace ESignWeb.Tests.Integration;

/// <summary>Uploads of generated good and bad PDFs through the real DocumentService, SQLite and blob store.</summary>
public class UploadValidationTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;
    private readonly DocumentService _documents;

    public UploadValidationTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server; // start the host (migrations)
        _documents = app.Get<DocumentService>();
    }

    private Task<Document> Import(string owner, string name, byte[] bytes, bool rename = false) =>
        _documents.ImportAsync(owner, name, new MemoryStream(bytes), rename);

    [Fact]
    public async Task A_good_three_page_pdf_is_stored_with_its_page_geometry()
    {
        var owner = await _app.CreateUserAsync("good@example.com");
        var doc = await Import(owner, "Contract.pdf", TestPdf.Create(TestPdf.A4, TestPdf.Letter, TestPdf.A4Landscape, TestPdf.A4Rotated90));
        Assert.Equal(4, doc.PageCount);
        Assert.Equal(new PageGeometry(0, 0, 595.28, 841.89, 0), doc.Pages[0]);
        Assert.Equal(new PageGeometry(0, 0, 612, 792, 0), doc.Pages[1]);
        Assert.Equal(841.89, doc.Pages[2].Width, 2);
        Assert.Equal(90, doc.Pages[3].Rotation);
        Assert.Equal(64, doc.Sha256.Length);
        Assert.True(_app.Get<IBlobStore>().Exists(doc.BlobKey));
        var listed = Assert.Single(await _documents.ListAsync(owner));
        Assert.Equal("Contract.pdf", listed.Name);
    }

    public static TheoryData<string, byte[], string, string> BadFiles => new()
    {
        { "empty.pdf", [], "empty_file", "empty" },
        { "notes.pdf", TestPdf.NotAPdf(), "file_conversion_failure", "not a PDF" },
        { "truncated.pdf", TestPdf.Truncated(), "file_conversion_failure", "damaged or truncated" },
        { "corrupt.pdf", TestPdf.Corrupt(), "file_conversion_failure", "" },
        { "locked.pdf", TestPdf.PasswordProtected(), "file_password_protected", "password" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task A_bad_file_is_refused_with_a_specific_message_and_nothing_is_kept(string name, byte[] bytes, string code, string message)
    {
        var owner = await _app.CreateUserAsync($"bad-{Guid.NewGuid():N}@example.com");
        await Import(owner, "Keep.pdf", TestPdf.Pages(1));
        var blobCount = Directory.GetFiles(Path.Combine(_app.DataDir, "blobs"), "*", SearchOption.AllDirectories).Length;

        var ex = await Assert.ThrowsAsync<AppException>(() => Import(owner, name, bytes));
        Assert.Equal(code, ex.Code.WireCode());
        Assert.Contains(message, ex.Message, StringComparison.OrdinalIgnoreCase);

        Assert.Equal(["Keep.pdf"], (await _documents.ListAsync(owner)).Select(d => d.Name));
        Assert.Equal(blobCount, Directory.GetFiles(Path.Combine(_app.DataDir, "blobs"), "*", SearchOption.AllDirectories).Length);
        Assert.Empty(Directory.GetFiles(Path.Combine(_app.DataDir, "tmp")));
    }

    [Fact]
    public async Task A_file_over_the_size_limit_is_refused_while_streaming()
    {
        var owner = await _app.CreateUserAsync("big@example.com");
        var big = new byte[_app.MaxUploadMegabytes * 1024 * 1024 + 10];
        TestPdf.Pages(1).CopyTo(big, 0);
        var ex = await Assert.ThrowsAsync<AppException>(() => Import(owner, "big.pdf", big));
        Assert.Equal(ApiErrorCode.FileTooLarge, ex.Code);
        Assert.Contains("1 MB", ex.Message);
        Assert.Empty(await _documents.ListAsync(owner));
    }

    [Fact]
    public async Task A_name_that_exists_is_refused_or_renamed_like_rename_if_exists()
    {
        var owner = await _app.CreateUserAsync("names@example.com");
        var first = await Import(owner, "NDA.pdf", TestPdf.Pages(1));
        var ex = await Assert.ThrowsAsync<AppException>(() => Import(owner, "nda.PDF", TestPdf.Pages(2)));
        Assert.Equal(ApiErrorCode.FilenameExists, ex.Code);
        Assert.Contains("NDA (1).pdf", ex.Message, StringComparison.OrdinalIgnoreCase);

        var second = await Import(owner, "NDA.pdf", TestPdf.Pages(2), rename: true);
        var third = await Import(owner, "NDA.pdf", TestPdf.Pages(3), rename: true);
        Assert.Equal("NDA (1).pdf", second.Name);
        Assert.Equal("NDA (2).pdf", third.Name);
        Assert.Equal(1, (await _documents.GetAsync(owner, first.Id)).PageCount);
    }

    [Fact]
    public async Task Rename_refuses_a_taken_name_and_delete_keeps_sent_requests_working()
    {
        var owner = await _app.CreateUserAsync("rename@example.com");
        var a = await Import(owner, "A.pdf", TestPdf.Pages(1));
        await Import(owner, "B.pdf", TestPdf.Pages(1));
        var ex = await Assert.ThrowsAsync<AppException>(() => _documents.RenameAsync(owner, a.Id, "B"));
        Assert.Equal(ApiErrorCode.FilenameExists, ex.Code);
        Assert.Equal("A.pdf", (await _documents.GetAsync(owner, a.Id)).Name);
        Assert.Equal("Renamed.pdf", (await _documents.RenameAsync(owner, a.Id, "Renamed")).Name);

        await _documents.DeleteAsync(owner, a.Id);
        Assert.DoesNotContain(await _documents.ListAsync(owner), d => d.Id == a.Id);
    }

    [Fact]
    public async Task Another_users_document_is_not_found()
    {
        var owner = await _app.CreateUserAsync("owner1@example.com");
        var intruder = await _app.CreateUserAsync("intruder1@example.com");
        var doc = await Import(owner, "Mine.pdf", TestPdf.Pages(1));
        foreach (var attempt in new Func<Task>[]
                 {
                     () => _documents.GetAsync(intruder, doc.Id),
                     () => _documents.RenameAsync(intruder, doc.Id, "Stolen"),
                     () => _documents.DeleteAsync(intruder, doc.Id),
                     () => _documents.OpenOriginalAsync(intruder, doc.Id),
                 })
        {
            var ex = await Assert.ThrowsAsync<AppException>(attempt);
            Assert.Equal(ApiErrorCode.UnauthorizedResource, ex.Code);
        }
        Assert.Equal("Mine.pdf", (await _documents.GetAsync(owner, doc.Id)).Name);
    }
}
