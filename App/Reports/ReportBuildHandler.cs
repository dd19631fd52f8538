using System.Net;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Hosting;
using ESignWeb.Mail;
using ESignWeb.Outbox;
using ESignWeb.Requests;
using ESignWeb.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ESignWeb.Reports;

/// <summary>
/// Builds one report (<see cref="OutboxKinds.ReportBuild"/>): the CSV into the blob store, a <see cref="ReportFile"/>
/// row with the hash of a fresh download token, then one mail to the requester with the link
/// (<c>/reports/{token}</c>, built by <see cref="PublicLinks"/>), and a job at the link's expiry that deletes the file.
/// Idempotent: the row is keyed by the job, and a job whose mail went out (<see cref="ReportFile.MailedAt"/>) does
/// not mail again. A retry before that makes a new token (the old one was never mailed) and keeps the expiry.
/// </summary>
public sealed class ReportBuildHandler(
    IDbContextFactory<AppDbContext> dbFactory, ReportScopes scopes, ReportCsv csv, IBlobStore blobs, DataPaths paths,
    MailComposer composer, IMailTransport transport, PublicLinks links, IOptions<ESignOptions> options, TimeProvider clock,
    ILogger<ReportBuildHandler> log) : IOutboxHandler
{
    public string Kind => OutboxKinds.ReportBuild;

    public async Task<string?> HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var p = OutboxWriter.Read<ReportBuild>(message);
        if (!ReportTypes.TryParse(p.Type, out var type)) throw new PermanentOutboxFailure($"Unknown report type \"{p.Type}\".");
        var range = ReportRange.Accepted(p.StartDate, p.EndDate);
        ApplicationUser user;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var done = await db.Set<ReportFile>().AsNoTracking().Where(f => f.OutboxMessageId == message.Id)
                .Select(f => f.MailedAt).FirstOrDefaultAsync(ct);
            if (done is not null) return "skipped: the report was already mailed";
            user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == p.UserId, ct)
                   ?? throw new PermanentOutboxFailure("The account no longer exists.");
        }
        if (string.IsNullOrEmpty(user.Email)) throw new PermanentOutboxFailure("The account has no e-mail address.");

        // The CSV goes to a temp file first (streamed, whatever its size), then into the store.
        var scope = await scopes.OfAsync(user.Id, ct);
        var temp = paths.NewTempFile();
        Directory.CreateDirectory(paths.Temp);
        string key;
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                await csv.WriteAsync(type, scope, range, file, ct);
            key = await blobs.PutFileAsync(temp, ct);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }

        var token = RecipientTokens.NewSecret("");
        var now = clock.GetUtcNow();
        var report = await dbFactory.WriteAsync(async db =>
        {
            var row = await db.Set<ReportFile>().SingleOrDefaultAsync(f => f.OutboxMessageId == message.Id, ct);
            var isNew = row is null;
            row ??= db.Set<ReportFile>().Add(new ReportFile
            {
                OwnerId = user.Id, Type = type, StartDate = range.Start, EndDate = range.End, OutboxMessageId = message.Id,
                CreatedAt = now, ExpiresAt = now.AddDays(options.Value.Reports.LinkDays),
            }).Entity;
            row.BlobKey = key;
            row.TokenHash = RecipientTokens.Hash(token);
            if (isNew)
            {
                await db.SaveChangesAsync(ct);
                OutboxWriter.Schedule(db, OutboxKinds.ReportExpiry, new ReportExpiry(row.Id),
                    $"Delete the {ReportTypes.Words(type)} report {range} of {user.Email}", user.Id, now, row.ExpiresAt);
            }
            return row;
        }, ct);

        var content = ReportMail.Ready(composer, user.Email, user.DisplayName, type, range, links.ReportDownload(token), report.ExpiresAt);
        var delivered = await transport.SendAsync(composer.ToMime(content), ct);
        try
        {
            await dbFactory.WriteAsync(db => db.Set<ReportFile>().Where(f => f.Id == report.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.MailedAt, clock.GetUtcNow()), ct), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The mail is out; failing here would send it again on retry. Logged instead.
            log.LogError(ex, "Could not record that report {ReportFileId} was mailed", report.Id);
        }
        return delivered;
    }
}

/// <summary>Deletes an expired report's file (<see cref="OutboxKinds.ReportExpiry"/>); its link then answers 410.</summary>
public sealed class ReportExpiryHandler(IDbContextFactory<AppDbContext> dbFactory, IBlobStore blobs) : IOutboxHandler
{
    public string Kind => OutboxKinds.ReportExpiry;

    public async Task<string?> HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var p = OutboxWriter.Read<ReportExpiry>(message);
        var key = await dbFactory.WriteAsync(async db =>
        {
            var row = await db.Set<ReportFile>().SingleOrDefaultAsync(f => f.Id == p.ReportFileId, ct);
            if (row?.BlobKey is not { } k) return null;
            row.BlobKey = null;
            return k;
        }, ct);
        if (key is null) return "skipped: nothing to delete";
        // Identical content is stored once: another report with the same CSV keeps the blob.
        var deleted = await BlobReferences.DeleteIfUnreferencedAsync(dbFactory, blobs, key, ct);
        return deleted ? "deleted" : "kept: still referenced";
    }
}

/// <summary>The mail that carries a report's link, in the look of the app's other mails (<see cref="MailComposer.Layout"/>).</summary>
public static class ReportMail
{
    public static MailContent Ready(MailComposer composer, string toEmail, string toName, ReportType type, ReportRange range,
        string link, DateTimeOffset expiresAt)
    {
        var words = ReportTypes.Words(type);
        var subject = $"Your {words} report is ready";
        var expires = ReportCsv.Utc(expiresAt).Replace('T', ' ').Replace("Z", " UTC");
        var body = $"Your {words} report for {range.StartWire} to {range.EndWire} (UTC days) is ready to download as a CSV file.";
        var note = $"The link works until {expires}, without signing in: do not forward this mail to anyone who should not read the report.";
        var text = $"Hello {toName},\n\n{body}\n\n{link}\n\n{note}\n";
        var html = composer.Layout(subject,
            $"<p>Hello {WebUtility.HtmlEncode(toName)},</p><p>{WebUtility.HtmlEncode(body)}</p>" +
            MailComposer.Button(link, "Download the report") +
            $"<p style=\"color:#666;font-size:13px\">{WebUtility.HtmlEncode(note)}</p>");
        return new MailContent(toEmail, toName, subject, html, text);
    }
}
