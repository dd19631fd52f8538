using System.Text.Json;
using ESignWeb.Audit;
using ESignWeb.Domain;
using ESignWeb.Documents;
using ESignWeb.Sealing;
using ESignWeb.Signing;
using ESignWeb.Storage;
using ESignWeb.Tests.Fixtures;
using ESignWeb.Tests.Unit;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// A date is recorded with the format it was written in — a signer's (field value info and the <c>signed</c> event)
/// and a self-signer's (the <c>signed</c> event) — and the audit trail prints "3/12/2026 (M/D/YYYY)"; a self-signed
/// date is held to the same rule as a signer's.
/// </summary>
public class DateRecordTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public DateRecordTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    /// <summary>What BrowserLocale gives for an en-US browser (and what the page sends with the value).</summary>
    private static readonly string EnUs = DateFormats.ForLocale("en-US")!;

    [Fact]
    public async Task A_signers_date_is_stored_and_audited_with_its_format_and_the_audit_trail_prints_both()
    {
        Assert.Equal("M/D/YYYY", EnUs);
        var s = await new SigningScenario(_app).SendAsync(false, "una@example.com");
        var token = await s.TokenOfAsync("una@example.com");
        var session = await s.Signing.OpenAsync(token, new Actor(null));
        await s.Signing.ConsentAsync(token, new Actor(null));
        var date = session.MyFields.Single(f => f.Type == FieldType.Date);
        Assert.Null(date.DateFormat); // the sender named none: the signer's locale decides
        await s.Signing.FillAsync(token, session.MyFields.Single(f => f.Type == FieldType.Signature).Id,
            new FieldInput(Image: TestImages.SignaturePng(), Source: "draw"));
        // 12 March in an American browser; as DD/MM/YYYY it would not even be a date.
        Assert.Contains("Enter the date as M/D/YYYY", (await Assert.ThrowsAsync<AppException>(() =>
            s.Signing.FillAsync(token, date.Id, new FieldInput(Text: "13/12/2026", DateFormat: EnUs)))).Message);
        await s.Signing.FillAsync(token, date.Id, new FieldInput(Text: "3/12/2026", DateFormat: EnUs));

        await using (var db = await s.Db.CreateDbContextAsync())
        {
            var stored = await db.Fields.AsNoTracking().SingleAsync(f => f.Id == date.Id);
            Assert.Equal("3/12/2026", stored.Value);
            Assert.Equal("M/D/YYYY", SigningService.WrittenDateFormat(stored));
            var signature = await db.Fields.AsNoTracking().SingleAsync(f => f.RequestId == s.RequestId && f.Type == FieldType.Signature);
            Assert.Equal("draw", signature.ValueSource); // a signature's source is unchanged
            Assert.Null(SigningService.WrittenDateFormat(signature));
        }

        await s.FinishAsync(token);
        await s.WaitForStatusAsync(RequestStatus.Complete);
        var detail = await s.Requests.GetDetailAsync(s.Owner, s.RequestId);
        Assert.Null(detail.ChainProblem);
        using var data = JsonDocument.Parse(detail.Events.Single(e => e.Type == AuditEventType.Signed).Data);
        var fields = data.RootElement.GetProperty("fields").EnumerateArray().ToList();
        var dateEntry = fields.Single(f => f.GetProperty("type").GetString() == "date");
        Assert.Equal("3/12/2026", dateEntry.GetProperty("value").GetString());
        Assert.Equal("M/D/YYYY", dateEntry.GetProperty("date_format").GetString());
        Assert.Equal(JsonValueKind.Null, dateEntry.GetProperty("source").ValueKind);
        var sigEntry = fields.Single(f => f.GetProperty("type").GetString() == "signature");
        Assert.Equal("draw", sigEntry.GetProperty("source").GetString());
        Assert.False(sigEntry.TryGetProperty("date_format", out _)); // only dates carry a format (and their text)
        Assert.Equal(["3/12/2026 (M/D/YYYY)"], SignedDates.In(detail.Events.Single(e => e.Type == AuditEventType.Signed).Data));

        var trail = await PdfBytesAsync(detail.SignedFile!.AuditTrailBlobKey);
        Assert.Contains("date: 3/12/2026 (M/D/YYYY)", Compact(await SigningFlowTests.PdfTextAsync(trail), keepSpaces: true));
    }

    [Fact]
    public async Task A_self_signed_date_follows_the_signers_rule_and_its_format_is_in_the_audit_trail()
    {
        var owner = await _app.CreateUserAsync($"solo-{Guid.NewGuid():N}@example.com", "Sol", "Solo");
        var doc = await _app.Get<DocumentService>().ImportAsync(owner, "Solo.pdf", new MemoryStream(TestPdf.Pages(1)), false);
        var service = _app.Get<SelfSignService>();
        var actor = new Actor("solo@example.com", "127.0.0.1", "agent");
        SelfField Sig() => new(FieldType.Signature, 1, new PdfRect(72, 100, 160, 48), Image: TestImages.SignaturePng());
        SelfField Date(string text, string? locale) => new(FieldType.Date, 1, new PdfRect(300, 100, 110, 32), text, DateFormat: locale);

        // The same rule as a signer's date field that names no format: the locale's format, else DD/MM/YYYY.
        Assert.Contains("Enter the date as M/D/YYYY", (await Assert.ThrowsAsync<AppException>(() =>
            service.SignAsync(owner, doc.Id, [Sig(), Date("2026-03-12", EnUs)], actor, DateTimeOffset.UtcNow))).Message);
        Assert.Contains("Enter the date as DD/MM/YYYY", (await Assert.ThrowsAsync<AppException>(() =>
            service.SignAsync(owner, doc.Id, [Sig(), Date("3/13/2026", null)], actor, DateTimeOffset.UtcNow))).Message);
        Assert.Contains("Enter the date as DD/MM/YYYY", (await Assert.ThrowsAsync<AppException>(() => // a malformed locale format counts as none
            service.SignAsync(owner, doc.Id, [Sig(), Date("3/13/2026", "M/D/YYYY 'at' hh")], actor, DateTimeOffset.UtcNow))).Message);
        Assert.Null(SelfSignService.DateError("3/12/2026", EnUs));
        Assert.Equal("Enter the date as M/D/YYYY.", SelfSignService.DateError("12.03.2026", EnUs));

        var signed = await service.SignAsync(owner, doc.Id, [Sig(), Date(" 3/12/2026 ", EnUs)], actor, DateTimeOffset.UtcNow);
        var trail = await PdfBytesAsync(signed.AuditTrailBlobKey);
        var text = Compact(await SigningFlowTests.PdfTextAsync(trail), keepSpaces: true);
        Assert.Contains("date: 3/12/2026 (M/D/YYYY)", text);
        Assert.Contains("intact", text); // the event carrying the dates is in the hash chain
    }

    private async Task<byte[]> PdfBytesAsync(string key)
    {
        await using var stream = _app.Get<IBlobStore>().OpenRead(key);
        using var ms = new MemoryStream();
        await stream.CopyToAsync(ms);
        return ms.ToArray();
    }

    private static string Compact(string text, bool keepSpaces) =>
        System.Text.RegularExpressions.Regex.Replace(text, @"\s+", keepSpaces ? " " : "");
}
