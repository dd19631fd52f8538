using ESignWeb.Api;
using ESignWeb.Audit;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Sealing;
using ESignWeb.Tests.Fixtures;
using ESignWeb.Tests.Unit;

namespace ESignWeb.Tests.Integration;

public class SelfSignTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public SelfSignTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    [Fact]
    public async Task The_sender_signs_alone_and_gets_a_sealed_file_with_no_request_behind_it()
    {
        var owner = await _app.CreateUserAsync("self@example.com", "Sol", "Self");
        var original = TestPdf.Pages(1);
        var doc = await _app.Get<DocumentService>().ImportAsync(owner, "Mine.pdf", new MemoryStream(original), false);
        var service = _app.Get<SelfSignService>();
        var files = _app.Get<SignedFileService>();
        var actor = new Actor("self@example.com", "127.0.0.1", "agent");

        var none = await Assert.ThrowsAsync<AppException>(() => service.SignAsync(owner, doc.Id,
            [new SelfField(FieldType.Text, 1, new PdfRect(72, 72, 100, 32), "only text")], actor, DateTimeOffset.UtcNow));
        Assert.Contains("signature", none.Message);
        var intruder = await _app.CreateUserAsync("not-self@example.com");
        Assert.Equal(ApiErrorCode.UnauthorizedResource, (await Assert.ThrowsAsync<AppException>(() => service.SignAsync(intruder, doc.Id,
            [new SelfField(FieldType.Signature, 1, new PdfRect(72, 72, 160, 48), Image: TestImages.SignaturePng())], actor, DateTimeOffset.UtcNow))).Code);

        var signed = await service.SignAsync(owner, doc.Id,
        [
            new SelfField(FieldType.Signature, 1, new PdfRect(72, 100, 160, 48), Image: TestImages.SignaturePng()),
            new SelfField(FieldType.Name, 1, new PdfRect(300, 100, 150, 32), "Sol Self"),
        ], actor, DateTimeOffset.UtcNow.AddMinutes(-1));

        Assert.Null(signed.RequestId);
        var (content, name) = await files.OpenAsync(owner, signed.Id, auditTrail: false);
        using var ms = new MemoryStream();
        await content.CopyToAsync(ms);
        content.Dispose();
        Assert.Equal("Mine (signed).pdf", name);
        Assert.Contains("Signature is Valid", await Poppler.PdfSigAsync(ms.ToArray()));
        Assert.Equal(signed.Checksum, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(ms.ToArray())));

        var (trail, _) = await files.OpenAsync(owner, signed.Id, auditTrail: true);
        using var tms = new MemoryStream();
        await trail.CopyToAsync(tms);
        trail.Dispose();
        var text = System.Text.RegularExpressions.Regex.Replace(await SigningFlowTests.PdfTextAsync(tms.ToArray()), @"\s+", "");
        Assert.Contains(signed.Checksum, text);
        Assert.Contains(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(original)), text);
        Assert.Contains("intact", text);
        Assert.Single((await files.ListAsync(owner, ESignWeb.Data.PageRequest.First)).Rows);
        Assert.Empty((await files.ListAsync(intruder, ESignWeb.Data.PageRequest.First)).Rows);
        await Assert.ThrowsAsync<AppException>(() => files.OpenAsync(intruder, signed.Id, false));
    }
}
