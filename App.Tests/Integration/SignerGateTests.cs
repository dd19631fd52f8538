using System.Security.Claims;
using System.Text.Json;
using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Requests;
using ESignWeb.Signing;
using ESignWeb.Tests.Fixtures;
using ESignWeb.Tests.Unit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ESignWeb.Tests.Integration;

/// <summary>One app on a fake clock for the gate tests (each test makes its own request).</summary>
public sealed class GateApp : IAsyncDisposable
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
    public ESignAppFactory App { get; }

    public GateApp()
    {
        var clock = Clock;
        App = new ESignAppFactory { TestServices = s => s.AddSingleton<TimeProvider>(clock) };
        _ = App.Server;
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}

/// <summary>Issue 11 options 6–8: signer password, SMS code and login required, through the real services.</summary>
public class SignerGateTests(GateApp world) : IClassFixture<GateApp>
{
    private ESignAppFactory App => world.App;
    private SignerVerification Gates => App.Get<SignerVerification>();
    private static readonly Actor Actor = new(null, "203.0.113.7", "gate-test/1.0");
    private const string Phone = "+4930123456";

    private async Task<(int RequestId, string Token)> SendAsync(string signer, Action<RequestOptions, SignerOptions> set)
    {
        var owner = await App.CreateUserAsync($"gate-owner-{Guid.NewGuid():N}@example.com", "Gina", "Gate");
        var requests = App.Get<RequestService>();
        var doc = await App.Get<DocumentService>().ImportAsync(owner, "Gated.pdf", new MemoryStream(TestPdf.Pages(1)), false);
        var id = await requests.CreateDraftAsync(owner, doc.Id, new Actor("owner@example.com"));
        var draft = await requests.LoadDraftAsync(owner, id);
        Assert.Null(DraftEditor.AddSigner(draft, signer, "Sid", "Signer"));
        DraftEditor.AddField(draft, FieldType.Signature, draft.Signers[0].Key, 1, new PdfRect(72, 700, 160, 40));
        set(draft.Options, draft.Signers[0].Options);
        await requests.SaveDraftAsync(owner, draft);
        await requests.SendAsync(owner, id, new Actor("owner@example.com"));
        await using var db = await App.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var r = await db.Recipients.AsNoTracking().SingleAsync(x => x.RequestId == id && x.Email == signer);
        return (id, App.Get<RecipientTokens>().TokenFor(r)!);
    }

    private async Task<List<AuditEvent>> EventsAsync(int requestId)
    {
        await using var db = await App.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.AuditEvents.AsNoTracking().Where(e => e.RequestId == requestId).OrderBy(e => e.Seq).ToListAsync();
    }

    private string SmsFolder => Path.Combine(App.DataDir, "sms");

    private string CodeFromSms(int requestId)
    {
        var file = Directory.GetFiles(SmsFolder, $"*-r{requestId}-*.txt").OrderDescending().First();
        var text = File.ReadAllText(file);
        Assert.StartsWith($"To: {Phone}", text);
        return System.Text.RegularExpressions.Regex.Match(text, @"\b\d{6}\b").Value;
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_link_and_every_attempt_is_audited()
    {
        var (id, token) = await SendAsync($"pw-{Guid.NewGuid():N}@example.com", (_, s) => s.NewPassword = "open sesame");
        var state = await Gates.CheckAsync(token, null, null);
        Assert.Equal(GateStep.Password, state.Step);
        Assert.False(await Gates.IsOpenAsync(token, state.Grant));
        for (var i = 1; i <= 5; i++)
        {
            state = await Gates.VerifyPasswordAsync(token, "wrong " + i, state.Grant, null, Actor);
            Assert.Equal(i < 5 ? GateStep.Password : GateStep.Locked, state.Step);
        }
        // Locked: even the right password no longer opens it.
        state = await Gates.VerifyPasswordAsync(token, "open sesame", state.Grant, null, Actor);
        Assert.Equal(GateStep.Locked, state.Step);
        Assert.False(await Gates.IsOpenAsync(token, state.Grant));
        var failed = (await EventsAsync(id)).Where(e => e.Type == AuditEventType.PasswordFailed).ToList();
        Assert.Equal(5, failed.Count);
        Assert.All(failed, e => Assert.Equal(("203.0.113.7", "gate-test/1.0"), (e.Ip, e.UserAgent)));
        Assert.True(JsonDocument.Parse(failed[^1].Data).RootElement.GetProperty("locked").GetBoolean());
        Assert.DoesNotContain(await EventsAsync(id), e => e.Type == AuditEventType.PasswordVerified);

        // The sender sets a new password: the lock is gone, the new password opens the document.
        var (owner, recipientId) = await OwnerAndRecipientAsync(id);
        await Assert.ThrowsAsync<AppException>(() => App.Get<SignerPasswordReset>().SetAsync("someone-else", id, recipientId, "new secret", Actor));
        await App.Get<SignerPasswordReset>().SetAsync(owner, id, recipientId, "new secret", Actor);
        state = await Gates.CheckAsync(token, null, null);
        Assert.Equal(GateStep.Password, state.Step);
        state = await Gates.VerifyPasswordAsync(token, "new secret", state.Grant, null, Actor);
        Assert.Equal(GateStep.Open, state.Step);
        Assert.True(await Gates.IsOpenAsync(token, state.Grant));
        Assert.Contains(await EventsAsync(id), e => e.Type == AuditEventType.PasswordVerified);
        var set = Assert.Single(await EventsAsync(id), e => e.Type == AuditEventType.SignerPasswordSet);
        Assert.True(JsonDocument.Parse(set.Data).RootElement.GetProperty("unlocked").GetBoolean());
        Assert.DoesNotContain("new secret", set.Data); // the password itself is never recorded
    }

    [Fact]
    public async Task A_changed_password_invalidates_an_earlier_grant()
    {
        var (id, token) = await SendAsync($"pw2-{Guid.NewGuid():N}@example.com", (_, s) => s.NewPassword = "first one");
        var state = await Gates.VerifyPasswordAsync(token, "first one", null, null, Actor);
        Assert.Equal(GateStep.Open, state.Step);
        Assert.True(await Gates.IsOpenAsync(token, state.Grant));
        await SetRecipientAsync(id, x => x.PasswordHash = SignerPasswords.Hash("second one"));
        Assert.False(await Gates.IsOpenAsync(token, state.Grant));
        Assert.False(await Gates.IsOpenAsync(token, "not-a-grant"));
    }

    [Fact]
    public async Task Password_then_SMS_code_from_the_folder_opens_the_document()
    {
        var (id, token) = await SendAsync($"sms-{Guid.NewGuid():N}@example.com", (o, s) =>
        {
            o.PhoneVerificationRequired = true;
            s.VerificationPhone = "+49 30 123456";
            s.NewPassword = "pass word";
        });
        // Order: the code cannot be asked for before the password.
        var state = await Gates.SendCodeAsync(token, null, null, Actor);
        Assert.Equal(GateStep.Password, state.Step);
        Assert.DoesNotContain(await EventsAsync(id), e => e.Type == AuditEventType.PhoneCodeSent);

        state = await Gates.VerifyPasswordAsync(token, "pass word", state.Grant, null, Actor);
        Assert.Equal(GateStep.PhoneCode, state.Step);
        Assert.False(state.CodeOutstanding);
        Assert.False(await Gates.IsOpenAsync(token, state.Grant));
        state = await Gates.SendCodeAsync(token, state.Grant, null, Actor);
        Assert.Null(state.Error);
        Assert.True(state.CodeOutstanding);
        var code = CodeFromSms(id);
        Assert.Matches("^[0-9]{6}$", code);

        var wrong = code == "000000" ? "111111" : "000000";
        state = await Gates.VerifyCodeAsync(token, wrong, state.Grant, null, Actor);
        Assert.Equal(GateStep.PhoneCode, state.Step);
        Assert.NotNull(state.Error);
        state = await Gates.VerifyCodeAsync(token, code, state.Grant, null, Actor);
        Assert.Equal(GateStep.Open, state.Step);
        Assert.True(await Gates.IsOpenAsync(token, state.Grant));

        var events = await EventsAsync(id);
        var sent = Assert.Single(events, e => e.Type == AuditEventType.PhoneCodeSent);
        Assert.Equal(PhoneNumber.Masked(Phone), JsonDocument.Parse(sent.Data).RootElement.GetProperty("phone").GetString());
        Assert.DoesNotContain(code, string.Join("\n", events.Select(e => e.Data)));
        Assert.Single(events, e => e.Type == AuditEventType.PhoneCodeFailed);
        Assert.Single(events, e => e.Type == AuditEventType.PhoneVerified);
        await using var db = await App.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var who = await db.Recipients.AsNoTracking().SingleAsync(x => x.RequestId == id);
        Assert.Null(who.PhoneCodeHash); // used up
    }

    [Fact]
    public async Task An_expired_code_is_refused_and_resends_are_limited()
    {
        var (id, token) = await SendAsync($"exp-{Guid.NewGuid():N}@example.com", (o, s) => { o.PhoneVerificationRequired = true; s.VerificationPhone = Phone; });
        var state = await Gates.SendCodeAsync(token, null, null, Actor);
        Assert.True(state.CodeOutstanding);
        var code = CodeFromSms(id);

        // Within 30 s: no second code.
        var again = await Gates.SendCodeAsync(token, state.Grant, null, Actor);
        Assert.NotNull(again.Error);
        Assert.Single(Directory.GetFiles(SmsFolder, $"*-r{id}-*.txt"));

        world.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        state = await Gates.VerifyCodeAsync(token, code, state.Grant, null, Actor);
        Assert.Equal(GateStep.PhoneCode, state.Step);
        Assert.NotNull(state.Error);
        Assert.False(await Gates.IsOpenAsync(token, state.Grant));

        // Five codes an hour at most (one was sent already).
        for (var i = 0; i < 4; i++)
        {
            world.Clock.Advance(TimeSpan.FromSeconds(31));
            Assert.Null((await Gates.SendCodeAsync(token, null, null, Actor)).Error);
        }
        world.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.NotNull((await Gates.SendCodeAsync(token, null, null, Actor)).Error);
        Assert.Equal(5, Directory.GetFiles(SmsFolder, $"*-r{id}-*.txt").Length);
        Assert.Equal(5, (await EventsAsync(id)).Count(e => e.Type == AuditEventType.PhoneCodeSent));
    }

    [Fact]
    public async Task Login_required_refuses_no_account_another_account_and_an_unconfirmed_one()
    {
        var email = $"login-{Guid.NewGuid():N}@example.com";
        var (id, token) = await SendAsync(email, (_, s) => s.LoginRequired = true);
        Assert.Equal(GateStep.SignIn, (await Gates.CheckAsync(token, null, null)).Step);

        var other = await App.CreateUserAsync($"other-{Guid.NewGuid():N}@example.com");
        var asOther = await Gates.CheckAsync(token, null, Principal(other));
        Assert.Equal(GateStep.SignIn, asOther.Step);
        Assert.True(asOther.SignedInAsOther);

        var mine = await App.CreateUserAsync(email);
        await SetConfirmedAsync(mine, false);
        var unconfirmed = await Gates.CheckAsync(token, null, Principal(mine));
        Assert.Equal(GateStep.SignIn, unconfirmed.Step);
        Assert.True(unconfirmed.Unconfirmed);

        await SetConfirmedAsync(mine, true);
        var open = await Gates.CheckAsync(token, null, Principal(mine));
        Assert.Equal(GateStep.Open, open.Step);
        Assert.True(await Gates.IsOpenAsync(token, open.Grant)); // the grant carries the login for the document URL
        Assert.False(await Gates.IsOpenAsync(token, null));

        // Signing: the signed event says the signer was signed in.
        var signing = App.Get<SigningService>();
        var session = await signing.OpenAsync(token, Actor);
        await signing.ConsentAsync(token, Actor);
        await signing.FillAsync(token, session.MyFields.Single().Id, new FieldInput(Image: TestImages.SignaturePng(), Source: "draw"));
        await signing.FinishAsync(token, Actor);
        var signed = Assert.Single(await EventsAsync(id), e => e.Type == AuditEventType.Signed);
        Assert.True(JsonDocument.Parse(signed.Data).RootElement.GetProperty("account").GetBoolean());
    }

    [Fact]
    public async Task A_signer_without_gates_is_open_at_once()
    {
        var (_, token) = await SendAsync($"plain-{Guid.NewGuid():N}@example.com", (_, _) => { });
        var state = await Gates.CheckAsync(token, null, null);
        Assert.Equal(GateStep.Open, state.Step);
        Assert.True(await Gates.IsOpenAsync(token, null));
    }

    private static ClaimsPrincipal Principal(string userId) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId)], "test"));

    private async Task<(string Owner, int RecipientId)> OwnerAndRecipientAsync(int requestId)
    {
        await using var db = await App.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var r = await db.Requests.AsNoTracking().Include(x => x.Recipients).SingleAsync(x => x.Id == requestId);
        return (r.OwnerId, r.Recipients.Single().Id);
    }

    private async Task SetConfirmedAsync(string userId, bool confirmed)
    {
        await using var db = await App.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var u = await db.Users.SingleAsync(x => x.Id == userId);
        u.EmailConfirmed = confirmed;
        await db.SaveChangesAsync();
    }

    private async Task SetRecipientAsync(int requestId, Action<Recipient> change)
    {
        await using var db = await App.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var x = await db.Recipients.SingleAsync(r => r.RequestId == requestId);
        change(x);
        await db.SaveChangesAsync();
    }
}
