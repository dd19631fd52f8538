using ESignWeb.Api;
using ESignWeb.Tests.Fixtures;
using ESignWeb.Audit;
using ESignWeb.Domain;
using ESignWeb.Signing;
using ESignWeb.Tests.Unit;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Tests.Integration;

/// <summary>Every bad write to a signing link is refused clearly and changes nothing.</summary>
public class SigningBadInputTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public SigningBadInputTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    private async Task<(SigningScenario S, string Token, SigningSession Session)> ReadyAsync(params string[] signers)
    {
        if (signers.Length == 0) signers = ["una@example.com", "val@example.com"];
        var s = await new SigningScenario(_app).SendAsync(false, signers);
        var token = await s.TokenOfAsync(signers[0]);
        var session = await s.Signing.OpenAsync(token, new Actor(null));
        await s.Signing.ConsentAsync(token, new Actor(null));
        return (s, token, session);
    }

    private static async Task<string> Snapshot(SigningScenario s)
    {
        await using var db = await s.Db.CreateDbContextAsync();
        var fields = await db.Fields.AsNoTracking().Where(f => f.RequestId == s.RequestId).OrderBy(f => f.Id)
            .Select(f => $"{f.Id}:{f.Value}:{f.FilledAt}").ToListAsync();
        var recipients = await db.Recipients.AsNoTracking().Where(r => r.RequestId == s.RequestId).OrderBy(r => r.Id)
            .Select(r => $"{r.Id}:{r.Status}").ToListAsync();
        var request = await db.Requests.AsNoTracking().SingleAsync(r => r.Id == s.RequestId);
        return string.Join("|", fields) + "#" + string.Join("|", recipients) + "#" + request.Status + request.Version;
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // right shape, unknown
    public async Task Unknown_or_tampered_tokens_lead_nowhere(string token)
    {
        var signing = _app.Get<SigningService>();
        var session = await signing.OpenAsync(token, new Actor(null));
        Assert.Equal(SigningState.UnknownLink, session.State);
        Assert.Empty(session.FieldList);
        await Assert.ThrowsAsync<AppException>(() => signing.ConsentAsync(token, new Actor(null)));
        await Assert.ThrowsAsync<AppException>(() => signing.FinishAsync(token, new Actor(null)));
    }

    [Fact]
    public async Task A_tampered_character_in_a_real_token_is_an_unknown_link()
    {
        var (s, token, _) = await ReadyAsync();
        var tampered = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');
        Assert.Equal(SigningState.UnknownLink, (await s.Signing.OpenAsync(tampered, new Actor(null))).State);
    }

    [Fact]
    public async Task One_signers_token_cannot_fill_another_signers_field_or_a_field_that_does_not_exist()
    {
        var (s, token, session) = await ReadyAsync();
        var others = session.FieldList.Where(f => !f.Mine).ToList();
        Assert.NotEmpty(others);
        Assert.All(others, f => Assert.Null(f.Text)); // other signers' values are never sent to this page
        var before = await Snapshot(s);
        foreach (var f in others)
        {
            var ex = await Assert.ThrowsAsync<AppException>(() => s.Signing.FillAsync(token, f.Id, new FieldInput(Text: "22/11/2026", Image: f.Type == FieldType.Signature ? TestImages.SignaturePng() : null)));
            Assert.Equal(ApiErrorCode.UnauthorizedResource, ex.Code);
        }
        Assert.Equal(ApiErrorCode.UnauthorizedResource, (await Assert.ThrowsAsync<AppException>(() => s.Signing.FillAsync(token, 999_999, new FieldInput(Text: "x")))).Code);
        Assert.Equal(before, await Snapshot(s));
    }

    [Fact]
    public async Task Over_long_text_bad_dates_huge_or_fake_images_are_refused_and_change_nothing()
    {
        var (s, token, session) = await ReadyAsync();
        var date = session.MyFields.Single(f => f.Type == FieldType.Date);
        var sig = session.MyFields.Single(f => f.Type == FieldType.Signature);
        var before = await Snapshot(s);
        var blobCount = Directory.GetFiles(Path.Combine(_app.DataDir, "blobs"), "*", SearchOption.AllDirectories).Length;

        var cases = new (int FieldId, FieldInput Input, string Message)[]
        {
            (date.Id, new FieldInput(Text: new string('9', 600)), "too long"),
            (date.Id, new FieldInput(Text: "2026-31-31"), "Enter the date as DD/MM/YYYY"),
            (sig.Id, new FieldInput(Image: new byte[10 * 1024 * 1024]), "too large"),
            (sig.Id, new FieldInput(Image: "GIF89a not really an image"u8.ToArray()), "PNG or JPEG"),
            (sig.Id, new FieldInput(Text: "typed but no image"), "needs an image"),
            (date.Id, new FieldInput(Image: TestImages.SignaturePng()), "not an image"),
        };
        foreach (var (fieldId, input, message) in cases)
        {
            var ex = await Assert.ThrowsAsync<AppException>(() => s.Signing.FillAsync(token, fieldId, input));
            Assert.Contains(message, ex.Message, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Equal(before, await Snapshot(s));
        Assert.Equal(blobCount, Directory.GetFiles(Path.Combine(_app.DataDir, "blobs"), "*", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public async Task Finish_needs_consent_and_every_required_field_and_a_second_finish_changes_nothing()
    {
        var s = await new SigningScenario(_app).SendAsync(false, "wes@example.com", "xia@example.com");
        var token = await s.TokenOfAsync("wes@example.com");
        var session = await s.Signing.OpenAsync(token, new Actor(null));
        var noConsent = await Assert.ThrowsAsync<AppException>(() => s.Signing.FillAsync(token, session.MyFields.First().Id, new FieldInput(Text: "x")));
        Assert.Contains("agree", noConsent.Message);
        await s.Signing.ConsentAsync(token, new Actor(null));
        var missing = await Assert.ThrowsAsync<AppException>(() => s.Signing.FinishAsync(token, new Actor(null)));
        Assert.Contains("required field", missing.Message);

        await s.SignAsync("xia@example.com");
        foreach (var f in session.MyFields)
            await s.Signing.FillAsync(token, f.Id, f.Type == FieldType.Signature
                ? new FieldInput(Image: TestImages.SignaturePng(), Source: "upload") : new FieldInput(Text: "01/12/2026"));
        await s.Signing.FinishAsync(token, new Actor(null));
        await s.WaitForStatusAsync(RequestStatus.Complete);
        var before = await Snapshot(s);
        await Assert.ThrowsAsync<AppException>(() => s.Signing.FinishAsync(token, new Actor(null)));
        Assert.Equal(before, await Snapshot(s));
        await using var db = await s.Db.CreateDbContextAsync();
        Assert.Equal(2, await db.AuditEvents.CountAsync(e => e.RequestId == s.RequestId && e.Type == AuditEventType.Signed));
    }
}
