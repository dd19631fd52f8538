using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Hosting;
using ESignWeb.Localization;
using ESignWeb.Requests;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace ESignWeb.Signing;

/// <summary>The gate a signer stands at: <see cref="Open"/> when every gate set for them is passed.</summary>
public enum GateStep { Open, SignIn, Password, Locked, PhoneCode }

/// <summary>
/// Where a signer stands. <see cref="Grant"/> (when gates were passed) is the proof the page keeps for the circuit and
/// puts on its document URL (<c>?gate=</c>); it is data-protected and bound to the recipient, the link's nonce and
/// the gate settings.
/// </summary>
public sealed record GateState(GateStep Step, string? Grant = null, string RecipientEmail = "", string? MaskedPhone = null,
    bool CodeOutstanding = false, bool SignedInAsOther = false, bool Unconfirmed = false, int AttemptsLeft = 0, string? Error = null);

/// <summary>
/// The gates before a signer sees the document (issue 11): login required → password → SMS code, each only if set.
/// Every attempt is audited with IP and agent. The signing page only asks <see cref="CheckAsync"/>; the document
/// endpoint only asks <see cref="IsOpenAsync"/>.
/// </summary>
public sealed class SignerVerification(
    IDbContextFactory<AppDbContext> dbFactory,
    SigningService signing,
    ISmsSender sms,
    IDataProtectionProvider protection,
    IOptions<SmsOptions> smsOptions,
    IOptions<ESignOptions> esign,
    TimeProvider clock,
    IStringLocalizer<SignerText> L,
    ILogger<SignerVerification> log)
{
    public const int MaxPasswordFailures = 5;
    public const int MaxCodeFailures = 5;

    /// <summary>The link has a password and too many wrong ones were given: only a new password from the sender opens it.</summary>
    public static bool IsPasswordLocked(Recipient who) => who.PasswordHash is not null && who.PasswordFailures >= MaxPasswordFailures;
    /// <summary>How long a grant lasts (the signer's page uses it for as long as it is open).</summary>
    public static readonly TimeSpan GrantLifetime = TimeSpan.FromHours(8);

    [Flags]
    private enum Passed { None = 0, Login = 1, Password = 2, Phone = 4 }

    private readonly IDataProtector _protector = protection.CreateProtector("ESignWeb.SignerGate.v1");

    /// <summary>Where the signer of <paramref name="token"/> stands, given the grant kept so far and who is signed in.</summary>
    public async Task<GateState> CheckAsync(string? token, string? grant, ClaimsPrincipal? user, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (r, who) = await signing.LoadAsync(db, token, ct);
        if (r is null || who is null) return new GateState(GateStep.Open); // the signing page says "unknown link"
        var passed = PassedBy(who, grant);
        return await StateAsync(db, r, who, passed, user, ct);
    }

    /// <summary>Whether the document may be read with this grant (the document and signed-copy endpoints).</summary>
    public async Task<bool> IsOpenAsync(string? token, string? grant, CancellationToken ct = default) =>
        (await CheckAsync(token, grant, null, ct)).Step == GateStep.Open;

    public async Task<GateState> VerifyPasswordAsync(string token, string password, string? grant, ClaimsPrincipal? user, Actor actor, CancellationToken ct = default)
    {
        var attempt = await AttemptAsync(token, grant, user, actor, GateStep.Password, async a =>
        {
            var who = a.Who;
            if (password.Length is > 0 and <= RequestOptionRules.MaxPasswordLength && SignerPasswords.Verify(who.PasswordHash!, password))
            {
                who.PasswordFailures = 0;
                a.Passed |= Passed.Password;
                await a.AuditAsync(AuditEventType.PasswordVerified, new { recipient_id = who.Id });
            }
            else
            {
                who.PasswordFailures++;
                var locked = who.PasswordFailures >= MaxPasswordFailures;
                await a.AuditAsync(AuditEventType.PasswordFailed, new { recipient_id = who.Id, failures = who.PasswordFailures, locked });
                a.Error = locked ? null : L["GatePasswordWrong", MaxPasswordFailures - who.PasswordFailures].Value;
            }
            who.ModifiedAt = a.Now;
        }, ct);
        return await AfterAsync(token, attempt.Passed, user, attempt.Error, ct);
    }

    /// <summary>Sends a new 6-digit code by SMS (limited: one per <c>Sms:ResendAfterSeconds</c>, <c>Sms:MaxPerHour</c> an hour).</summary>
    public async Task<GateState> SendCodeAsync(string token, string? grant, ClaimsPrincipal? user, Actor actor, CancellationToken ct = default)
    {
        var o = smsOptions.Value;
        (string Phone, string Code, int RequestId)? send = null;
        var attempt = await AttemptAsync(token, grant, user, actor, GateStep.PhoneCode, async a =>
        {
            var (r, who, now) = (a.Request, a.Who, a.Now);
            var lifetime = TimeSpan.FromMinutes(o.CodeLifetimeMinutes);
            if (who.PhoneCodeExpiresAt is { } expires && expires - lifetime + TimeSpan.FromSeconds(o.ResendAfterSeconds) is var nextAt && now < nextAt)
            {
                a.Error = L["GateCodeWait", (int)Math.Ceiling((nextAt - now).TotalSeconds)];
                return;
            }
            var sentTimes = await a.Db.AuditEvents.AsNoTracking()
                .Where(e => e.RequestId == r.Id && e.Type == AuditEventType.PhoneCodeSent && e.ActorEmail == who.Email)
                .Select(e => e.At).ToListAsync(ct);
            if (sentTimes.Count(at => at > now.AddHours(-1)) >= o.MaxPerHour)
            {
                a.Error = L["GateCodeHourLimit"];
                return;
            }
            var code = NewCode();
            who.PhoneCodeHash = CodeHash(who, code);
            who.PhoneCodeExpiresAt = now + lifetime;
            who.PhoneCodeFailures = 0;
            who.ModifiedAt = now;
            await a.AuditAsync(AuditEventType.PhoneCodeSent, new { recipient_id = who.Id, phone = PhoneNumber.Masked(who.VerificationPhone!) });
            send = (who.VerificationPhone!, code, r.Id);
        }, ct);
        // Sent after the commit, directly: the code must not wait in the outbox table in clear text.
        if (send is { } s)
        {
            try
            {
                await sms.SendAsync(s.Phone, L["SmsText", s.Code, esign.Value.ProductName, o.CodeLifetimeMinutes], s.RequestId, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogWarning("Could not send the SMS code for request {RequestId}: {Error}", s.RequestId, ex.Message);
                attempt.Error = L["GateCodeNotSent"];
            }
        }
        return await AfterAsync(token, attempt.Passed, user, attempt.Error, ct);
    }

    public async Task<GateState> VerifyCodeAsync(string token, string code, string? grant, ClaimsPrincipal? user, Actor actor, CancellationToken ct = default)
    {
        code = new string((code ?? "").Where(char.IsAsciiDigit).ToArray());
        var attempt = await AttemptAsync(token, grant, user, actor, GateStep.PhoneCode, async a =>
        {
            var who = a.Who;
            if (who.PhoneCodeHash is null || who.PhoneCodeExpiresAt is not { } expires || a.Now >= expires)
            {
                who.PhoneCodeHash = null;
                a.Error = L["GateCodeExpired"];
                return;
            }
            if (code.Length == 6 && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(CodeHash(who, code)), Encoding.ASCII.GetBytes(who.PhoneCodeHash)))
            {
                who.PhoneCodeHash = null;
                who.PhoneCodeFailures = 0;
                a.Passed |= Passed.Phone;
                await a.AuditAsync(AuditEventType.PhoneVerified, new { recipient_id = who.Id, phone = PhoneNumber.Masked(who.VerificationPhone!) });
            }
            else
            {
                who.PhoneCodeFailures++;
                var spent = who.PhoneCodeFailures >= MaxCodeFailures;
                if (spent) who.PhoneCodeHash = null; // a new code must be asked for
                await a.AuditAsync(AuditEventType.PhoneCodeFailed, new { recipient_id = who.Id, failures = who.PhoneCodeFailures, code_voided = spent });
                a.Error = spent ? L["GateCodeSpent"] : L["GateCodeWrong", MaxCodeFailures - who.PhoneCodeFailures];
            }
            who.ModifiedAt = a.Now;
        }, ct);
        return await AfterAsync(token, attempt.Passed, user, attempt.Error, ct);
    }

    /// <summary>A 6-digit code from the cryptographic RNG.</summary>
    public static string NewCode() => RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>SHA-256 of the code bound to the recipient and their link (short-lived and attempt-limited, so no slow hash).</summary>
    public static string CodeHash(Recipient who, string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{who.Id}:{who.TokenNonce}:{code}")));

    /// <summary>One attempt at a gate: the signer loaded in the write transaction, what is passed, the error for the page.</summary>
    private sealed class Attempt(Actor actor, CancellationToken ct)
    {
        public AppDbContext Db { get; set; } = null!;
        public SignatureRequest Request { get; set; } = null!;
        public Recipient Who { get; set; } = null!;
        public DateTimeOffset Now { get; set; }
        public Passed Passed { get; set; }
        public string? Error { get; set; }

        /// <summary>Audits the attempt as the recipient (with the caller's IP and agent).</summary>
        public Task AuditAsync(AuditEventType type, object data) =>
            AuditLog.AppendAsync(Db, Request.Id, type, actor with { Email = Who.Email }, Now, data, ct);
    }

    /// <summary>
    /// The frame of every gate attempt (password, sending a code, checking it): loads the signer in one write
    /// transaction and runs <paramref name="act"/> only when they stand at <paramref name="step"/>.
    /// </summary>
    private async Task<Attempt> AttemptAsync(string token, string? grant, ClaimsPrincipal? user, Actor actor, GateStep step,
        Func<Attempt, Task> act, CancellationToken ct)
    {
        var attempt = new Attempt(actor, ct);
        await dbFactory.WriteAsync(async db =>
        {
            var (r, who) = await signing.LoadAsync(db, token, ct);
            if (r is null || who is null) return;
            attempt.Passed = PassedBy(who, grant);
            var state = await StateAsync(db, r, who, attempt.Passed, user, ct);
            if (state.Step != step) return;
            (attempt.Db, attempt.Request, attempt.Who, attempt.Now) = (db, r, who, clock.GetUtcNow());
            await act(attempt);
        }, ct);
        return attempt;
    }

    private async Task<GateState> AfterAsync(string token, Passed passed, ClaimsPrincipal? user, string? error, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (r, who) = await signing.LoadAsync(db, token, ct);
        if (r is null || who is null) return new GateState(GateStep.Open);
        return await StateAsync(db, r, who, passed, user, ct) with { Error = error };
    }

    private async Task<GateState> StateAsync(AppDbContext db, SignatureRequest r, Recipient who, Passed passed, ClaimsPrincipal? user, CancellationToken ct)
    {
        var any = who.LoginRequired || who.PasswordHash is not null || NeedsPhone(r, who);
        if (!any) return new GateState(GateStep.Open);
        var masked = who.VerificationPhone is { } p ? PhoneNumber.Masked(p) : null;
        var now = clock.GetUtcNow();
        if (who.LoginRequired && !passed.HasFlag(Passed.Login))
        {
            var (ok, other, unconfirmed) = await AccountMatchesAsync(db, who, user, ct);
            if (!ok) return new GateState(GateStep.SignIn, RecipientEmail: who.Email, SignedInAsOther: other, Unconfirmed: unconfirmed);
            passed |= Passed.Login;
        }
        if (who.PasswordHash is not null && !passed.HasFlag(Passed.Password))
        {
            return IsPasswordLocked(who)
                ? new GateState(GateStep.Locked, Grant(who, passed, now), who.Email)
                : new GateState(GateStep.Password, Grant(who, passed, now), who.Email, AttemptsLeft: MaxPasswordFailures - who.PasswordFailures);
        }
        if (NeedsPhone(r, who) && !passed.HasFlag(Passed.Phone))
        {
            var outstanding = who.PhoneCodeHash is not null && who.PhoneCodeExpiresAt > now;
            return new GateState(GateStep.PhoneCode, Grant(who, passed, now), who.Email, masked, outstanding,
                AttemptsLeft: MaxCodeFailures - who.PhoneCodeFailures);
        }
        return new GateState(GateStep.Open, Grant(who, passed, now), who.Email);
    }

    private static bool NeedsPhone(SignatureRequest r, Recipient who) => r.PhoneVerificationRequired && who.VerificationPhone is not null;

    /// <summary>Signed in to an account whose confirmed e-mail is the recipient's.</summary>
    private static async Task<(bool Ok, bool Other, bool Unconfirmed)> AccountMatchesAsync(AppDbContext db, Recipient who, ClaimsPrincipal? user, CancellationToken ct)
    {
        var id = user?.FindFirstValue(ClaimTypes.NameIdentifier);
        if (user?.Identity?.IsAuthenticated != true || id is null) return (false, false, false);
        var account = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, ct);
        if (account is null) return (false, false, false);
        if (!string.Equals(account.Email, who.Email, StringComparison.OrdinalIgnoreCase)) return (false, true, false);
        return account.EmailConfirmed ? (true, false, false) : (false, false, true);
    }

    /// <summary>The proof of the gates passed: recipient, link nonce, gate settings, gates, expiry — data-protected.</summary>
    private string Grant(Recipient who, Passed passed, DateTimeOffset now) =>
        _protector.Protect($"{who.Id}|{who.TokenNonce}|{Stamp(who)}|{(int)passed}|{(now + GrantLifetime).ToUnixTimeSeconds()}");

    private Passed PassedBy(Recipient who, string? grant)
    {
        if (string.IsNullOrEmpty(grant) || grant.Length > 2000) return Passed.None;
        string plain;
        try { plain = _protector.Unprotect(grant); }
        catch (CryptographicException) { return Passed.None; }
        var parts = plain.Split('|');
        if (parts.Length != 5 || parts[0] != who.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) || parts[1] != (who.TokenNonce ?? "") ||
            parts[2] != Stamp(who) || !int.TryParse(parts[3], out var bits) || !long.TryParse(parts[4], out var until) ||
            clock.GetUtcNow().ToUnixTimeSeconds() >= until)
            return Passed.None;
        return (Passed)bits;
    }

    /// <summary>Changes when the sender changes the password, phone, login setting or e-mail: earlier grants stop counting.</summary>
    private static string Stamp(Recipient who) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{who.PasswordHash}|{who.VerificationPhone}|{who.LoginRequired}|{who.Email}")))[..16];
}
