using ESignWeb.Api;
using ESignWeb.Audit;
using Verification = ESignWeb.Audit.Verification;
using ESignWeb.Domain;
using ESignWeb.Outbox;
using ESignWeb.Sealing;
using ESignWeb.Signing;
using ESignWeb.Storage;
using ESignWeb.Tests.Fixtures;
using ESignWeb.Tests.Unit;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Tests.Integration;

/// <summary>Signing, sealing, decline, void and remind through the real services, database, outbox and PDF tools.</summary>
public class SigningFlowTests : IClassFixture<ESignAppFactory>
{
    private readonly ESignAppFactory _app;

    public SigningFlowTests(ESignAppFactory app)
    {
        _app = app;
        _ = app.Server;
    }

    private Task<SigningScenario> Sent(bool ordered, params string[] signers) => new SigningScenario(_app).SendAsync(ordered, signers);

    [Fact]
    public async Task Sequential_signers_sign_in_turn_and_the_request_is_sealed_with_a_valid_signature_and_audit_trail()
    {
        var s = await Sent(true, "ann@example.com", "ben@example.com");
        var benFirst = await s.Signing.OpenAsync(await s.TokenOfAsync("ben@example.com"), new Actor(null));
        Assert.Equal(SigningState.NotYourTurn, benFirst.State);
        Assert.Contains("ann@example.com", benFirst.Message);

        await s.SignAsync("ann@example.com");
        Assert.Equal(SigningState.AlreadySigned, (await s.Signing.OpenAsync(await s.TokenOfAsync("ann@example.com"), new Actor(null))).State);
        await s.SignAsync("ben@example.com");

        var done = await s.WaitForStatusAsync(RequestStatus.Complete);
        Assert.All(done.Recipients, r => Assert.Equal(RecipientStatus.Finalized, r.Status));
        var detail = await s.Requests.GetDetailAsync(s.Owner, s.RequestId);
        var signed = detail.SignedFile!;
        Assert.Null(detail.ChainProblem);
        Assert.Equal(["created", "sent", "viewed", "consented", "signed", "viewed", "consented", "signed", "completed"],
            detail.Events.Select(e => e.Type.StoredName()).Where(t => t != "mail_delivered"));
        Assert.Contains(detail.Events, e => e.Type == AuditEventType.MailDelivered);

        var blobs = _app.Get<IBlobStore>();
        var sealedPdf = await ReadAsync(blobs, signed.BlobKey);
        Assert.Equal(signed.Checksum, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(sealedPdf)));
        Assert.Contains("Signature is Valid", await Poppler.PdfSigAsync(sealedPdf));

        // The audit trail prints both hashes, which match a recomputation of the original and the sealed file.
        var original = await ReadAsync(blobs, (await s.LoadAsync()).DocumentId is var d ? await DocumentKey(s, d) : "");
        var trailText = await PdfTextAsync(await ReadAsync(blobs, signed.AuditTrailBlobKey));
        var compact = System.Text.RegularExpressions.Regex.Replace(trailText, @"\s+", "");
        Assert.Contains(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(original)), compact);
        Assert.Contains(signed.Checksum, compact);
        Assert.Contains("ann@example.com", trailText);
        Assert.Contains("127.0.0.1", trailText);

        // Completion mail goes to the sender, both signers and the CC, with the sealed PDF attached.
        var mails = await WaitForKindAsync(s, OutboxKinds.CompletedNotice, 4);
        Assert.Equal(4, mails.Count);
        Assert.Empty(await _app.Get<Verification>().VerifyRequestAsync(s.RequestId));

        // The CC's download link works for the CC's address only.
        var client = _app.CreateClient();
        var tokens = _app.Get<ESignWeb.Requests.RecipientTokens>();
        var copy = await client.GetAsync($"/copy/{s.RequestId}/{tokens.CopyToken(s.RequestId, "cc@example.com")}");
        Assert.Equal(System.Net.HttpStatusCode.OK, copy.StatusCode);
        Assert.Equal(sealedPdf, await copy.Content.ReadAsByteArrayAsync());
        Assert.Equal(System.Net.HttpStatusCode.NotFound,
            (await client.GetAsync($"/copy/{s.RequestId}/{tokens.CopyToken(s.RequestId, "stranger@example.com")}")).StatusCode);
    }

    [Fact]
    public async Task Verification_detects_a_changed_audit_event_and_a_changed_sealed_file()
    {
        var s = await Sent(false, "vic@example.com");
        await s.SignAsync("vic@example.com");
        await s.WaitForStatusAsync(RequestStatus.Complete);
        var verification = _app.Get<Verification>();
        Assert.Empty(await verification.VerifyRequestAsync(s.RequestId));

        await using (var db = await s.Db.CreateDbContextAsync())
            await db.Database.ExecuteSqlRawAsync("""UPDATE "AuditEvents" SET "Ip" = '10.9.9.9' WHERE "RequestId" = {0} AND "Type" = 'signed'""", s.RequestId);
        Assert.Contains(await verification.VerifyRequestAsync(s.RequestId), p => p.StartsWith("Audit chain"));

        var signed = (await s.Requests.GetDetailAsync(s.Owner, s.RequestId)).SignedFile!;
        var path = Path.Combine(_app.DataDir, "blobs", signed.BlobKey[..2], signed.BlobKey);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(path, bytes);
        Assert.Contains(await verification.VerifyRequestAsync(s.RequestId), p => p.Contains("sealed file's SHA-256"));
        Assert.NotNull((await s.Requests.GetDetailAsync(s.Owner, s.RequestId)).ChainProblem);
    }

    [Fact]
    public async Task Twenty_parallel_signers_finishing_at_once_seal_exactly_once()
    {
        var emails = Enumerable.Range(1, 20).Select(i => $"p{i}@example.com").ToArray();
        var s = await Sent(false, emails);
        var tokens = new List<string>();
        foreach (var e in emails)
        {
            var token = await s.TokenOfAsync(e);
            var session = await s.Signing.OpenAsync(token, new Actor(null));
            await s.Signing.ConsentAsync(token, new Actor(null));
            foreach (var f in session.MyFields)
                await s.Signing.FillAsync(token, f.Id, f.Type == FieldType.Signature
                    ? new FieldInput(Image: TestImages.SignaturePng(), Source: "draw")
                    : new FieldInput(Text: "22/11/2026"));
            tokens.Add(token);
        }
        using var start = new ManualResetEventSlim();
        var finishes = tokens.Select(t => Task.Run(async () =>
        {
            start.Wait();
            await s.Signing.FinishAsync(t, new Actor(null));
        })).ToList();
        start.Set();
        await Task.WhenAll(finishes);

        await s.WaitForStatusAsync(RequestStatus.Complete);
        await using var db = await s.Db.CreateDbContextAsync();
        var payload = System.Text.Json.JsonSerializer.Serialize(new SealRequest(s.RequestId), new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
        Assert.Equal(1, await db.Outbox.CountAsync(m => m.Kind == OutboxKinds.Seal && m.Payload == payload));
        Assert.Equal(1, await db.SignedFiles.CountAsync(f => f.RequestId == s.RequestId));
        Assert.Equal(20, await db.AuditEvents.CountAsync(e => e.RequestId == s.RequestId && e.Type == AuditEventType.Signed));
        Assert.Null(AuditLog.Verify(await db.AuditEvents.Where(e => e.RequestId == s.RequestId).ToListAsync()));
    }

    [Fact]
    public async Task Decline_closes_the_request_kills_every_link_and_tells_the_sender_why()
    {
        var s = await Sent(false, "dee@example.com", "eve@example.com");
        var token = await s.TokenOfAsync("dee@example.com");
        await s.Signing.OpenAsync(token, new Actor(null));
        var empty = await Assert.ThrowsAsync<WorkflowException>(() => s.Signing.DeclineAsync(token, " ", new Actor(null)));
        Assert.Contains("reason", empty.Message);
        await s.Signing.DeclineAsync(token, "The amount is wrong.", new Actor(null));

        var r = await s.LoadAsync();
        Assert.Equal(RequestStatus.RecipientDeclined, r.Status);
        var eve = await s.Signing.OpenAsync(await s.TokenOfAsync("eve@example.com"), new Actor(null));
        Assert.Equal(SigningState.Declined, eve.State);
        Assert.Contains("declined", eve.Message);
        Assert.Equal(SigningState.Declined, (await s.Signing.OpenAsync(token, new Actor(null))).State);
        var eveToken = await s.TokenOfAsync("eve@example.com");
        await Assert.ThrowsAsync<ESignWeb.Domain.AppException>(() => s.Signing.ConsentAsync(eveToken, new Actor(null)));
        await Assert.ThrowsAsync<ESignWeb.Domain.AppException>(() => s.Signing.FinishAsync(eveToken, new Actor(null)));
        var notice = Assert.Single(await WaitForKindAsync(s, OutboxKinds.DeclinedNotice, 1));
        Assert.NotNull(notice.DoneAt);
    }

    [Fact]
    public async Task Void_kills_the_links_and_mails_the_signers_who_were_asked()
    {
        var s = await Sent(true, "fay@example.com", "gus@example.com");
        await s.Requests.VoidAsync(s.Owner, s.RequestId, "Wrong version, sorry.", new Actor("owner@example.com"));
        var fay = await s.Signing.OpenAsync(await s.TokenOfAsync("fay@example.com"), new Actor(null));
        Assert.Equal(SigningState.Voided, fay.State);
        Assert.Contains("Wrong version", fay.Message);
        var notices = await WaitForKindAsync(s, OutboxKinds.VoidNotice, 1);
        Assert.Single(notices); // gus was never asked (sequential), so is not told either
        await Assert.ThrowsAsync<WorkflowException>(() => s.Requests.VoidAsync(s.Owner, s.RequestId, null, new Actor("o@example.com")));
    }

    [Fact]
    public async Task Remind_goes_to_whoever_is_waiting_and_at_most_once_an_hour()
    {
        var seq = await Sent(true, "hal@example.com", "ida@example.com");
        Assert.Equal(["hal@example.com"], await seq.Requests.RemindAsync(seq.Owner, seq.RequestId, new Actor("o@example.com")));
        var tooSoon = await Assert.ThrowsAsync<ESignWeb.Domain.AppException>(() => seq.Requests.RemindAsync(seq.Owner, seq.RequestId, new Actor("o@example.com")));
        Assert.Equal(ApiErrorCode.ReminderTooSoon, tooSoon.Code);

        var par = await Sent(false, "jo@example.com", "kim@example.com", "lea@example.com");
        await par.SignAsync("kim@example.com");
        Assert.Equal(["jo@example.com", "lea@example.com"], await par.Requests.RemindAsync(par.Owner, par.RequestId, new Actor("o@example.com")));
        var reminders = await WaitForKindAsync(par, OutboxKinds.SignerInvite, 5); // 3 invitations + 2 reminders
        Assert.Equal(2, reminders.Count(m => m.Payload.Contains("\"reminder\":true")));
    }

    private static async Task<List<OutboxMessage>> WaitForKindAsync(SigningScenario s, string kind, int count)
    {
        List<OutboxMessage> list = [];
        await Poll.UntilTrueAsync(async () =>
        {
            await using var db = await s.Db.CreateDbContextAsync();
            list = await db.Outbox.AsNoTracking().Where(m => m.OwnerId == s.Owner && m.Kind == kind).ToListAsync();
            return list.Count >= count && list.All(m => m.DoneAt != null);
        }, $"{count} {kind} message(s) done", 30,
            () => Task.FromResult($"{list.Count} {kind} message(s), {list.Count(m => m.DoneAt != null)} done: {string.Join("; ", list.Select(m => m.LastError))}"));
        return list;
    }

    private static async Task<string> DocumentKey(SigningScenario s, int documentId)
    {
        await using var db = await s.Db.CreateDbContextAsync();
        return await db.Documents.Where(d => d.Id == documentId).Select(d => d.BlobKey).SingleAsync();
    }

    private static async Task<byte[]> ReadAsync(IBlobStore blobs, string key)
    {
        await using var stream = blobs.OpenRead(key);
        using var ms = new MemoryStream();
        await stream.CopyToAsync(ms);
        return ms.ToArray();
    }

    internal static async Task<string> PdfTextAsync(byte[] pdf)
    {
        var path = Path.Combine(Path.GetTempPath(), $"esign-text-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        try { return (await Poppler.RunAsync("pdftotext", "-layout", path, "-")).Output; }
        finally { File.Delete(path); }
    }
}
