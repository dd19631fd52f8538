using System.Globalization;
using CsvHelper;
using ESignWeb.Data;
using ESignWeb.Domain;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Reports;

/// <summary>
/// Writes a report as CSV (CsvHelper): UTF-8 with a byte order mark (Excel reads UTF-8 CSV correctly only with one;
/// every other reader skips it), RFC 4180 (comma, CRLF, quotes where needed), one header row, times in ISO-8601 UTC
/// (<c>2026-11-28T10:00:00Z</c>), empty for none. Streamed: the rows are read in pages of <see cref="PageSize"/> and
/// written as they come, so a report over 10,000 requests never holds them all in memory.
/// <para>
/// Formula injection: a text cell that starts with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or CR (a request
/// named <c>=HYPERLINK(…)</c>) is written with a <c>'</c> in front, which spreadsheets read as "this is text"
/// (OWASP's advice). The rule lives in <see cref="Options"/> only: every cell goes through it.
/// </para>
/// </summary>
public sealed class ReportCsv(IDbContextFactory<AppDbContext> dbFactory)
{
    public const int PageSize = 500;

    /// <summary>The columns of <c>user_activity</c>, in order.</summary>
    public static readonly string[] UserActivityColumns =
        ["email", "name", "requests_sent", "signatures_completed", "documents_uploaded", "templates_used", "last_sign_in_utc"];

    /// <summary>The columns of <c>document_status</c>, in order.</summary>
    public static readonly string[] DocumentStatusColumns =
        ["id", "name", "sender_name", "sender_email", "created_utc", "status", "signers", "completed_utc"];

    /// <summary>The writer's settings, the CSV injection rule among them.</summary>
    public static readonly CsvWriterOptions Options = CsvWriterOptions.Default with
    {
        WriteByteOrderMark = true,
        Injection = CsvInjection.Escape,
        InjectionCharacters = "=+-@\t\r",
        InjectionEscape = '\'',
    };

    public const string ContentType = "text/csv; charset=utf-8";

    /// <summary>e.g. <c>document_status_2026-01-01_2026-01-31.csv</c>.</summary>
    public static string FileName(ReportType type, ReportRange range) =>
        $"{ReportTypes.WireName(type)}_{range.Start:yyyy-MM-dd}_{range.End:yyyy-MM-dd}.csv";

    /// <summary>ISO-8601 UTC to the second; "" for none.</summary>
    public static string Utc(DateTimeOffset? at) =>
        at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "";

    public Task WriteAsync(ReportType type, ReportScope scope, ReportRange range, Stream output, CancellationToken ct = default) =>
        type switch
        {
            ReportType.UserActivity => WriteUserActivityAsync(scope, range, output, ct),
            ReportType.DocumentStatus => WriteDocumentStatusAsync(scope, range, output, ct),
        };

    /// <summary>
    /// One row per account in scope, idle ones included, by e-mail: requests sent in range, signatures the account
    /// gave as a signer (a recipient with its confirmed e-mail, role signer, finalized in range), documents uploaded
    /// in range, requests made from a template in range, last sign-in to the app.
    /// </summary>
    private async Task WriteUserActivityAsync(ReportScope scope, ReportRange range, Stream output, CancellationToken ct)
    {
        await using var csv = CsvWriter.Create(output, Options, leaveOpen: true);
        csv.WriteHeader(UserActivityColumns);
        var (from, until) = (range.From, range.Until);
        for (var page = 0; ; page++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var users = await scope.Users(db).AsNoTracking()
                .OrderBy(u => u.NormalizedEmail).ThenBy(u => u.Id)
                .Skip(page * PageSize).Take(PageSize)
                .Select(u => new { u.Id, u.Email, u.NormalizedEmail, u.EmailConfirmed, u.FirstName, u.LastName, u.LastSignInAt })
                .ToListAsync(ct);
            if (users.Count == 0) break;
            var ids = users.Select(u => u.Id).ToList();
            var sent = await db.Requests.Where(r => ids.Contains(r.OwnerId) && r.SentAt >= from && r.SentAt < until)
                .GroupBy(r => r.OwnerId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
            var fromTemplate = await db.Requests.Where(r => ids.Contains(r.OwnerId) && r.TemplateId != null && r.CreatedAt >= from && r.CreatedAt < until)
                .GroupBy(r => r.OwnerId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
            var uploaded = await db.Documents.Where(d => ids.Contains(d.OwnerId) && d.CreatedAt >= from && d.CreatedAt < until)
                .GroupBy(d => d.OwnerId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
            // Identity's NormalizedEmail is upper case; SQLite's upper() folds ASCII letters, which is what addresses use.
            var confirmed = users.Where(u => u.EmailConfirmed && u.NormalizedEmail != null).Select(u => u.NormalizedEmail!).ToList();
            var signed = await db.Recipients
                .Where(x => x.Role == RecipientRole.Signer && x.Status == RecipientStatus.Finalized &&
                            x.FinalizedAt >= from && x.FinalizedAt < until && confirmed.Contains(x.Email.ToUpper()))
                .GroupBy(x => x.Email.ToUpper()).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
            foreach (var u in users)
            {
                var signatures = u.EmailConfirmed && u.NormalizedEmail is { } ne ? signed.GetValueOrDefault(ne) : 0;
                await csv.WriteRecordAsync(
                [
                    u.Email ?? "", $"{u.FirstName} {u.LastName}".Trim(),
                    Count(sent.GetValueOrDefault(u.Id)), Count(signatures), Count(uploaded.GetValueOrDefault(u.Id)),
                    Count(fromTemplate.GetValueOrDefault(u.Id)), Utc(u.LastSignInAt),
                ], ct);
            }
            if (users.Count < PageSize) break;
        }
        await csv.FlushAsync(ct);
    }

    /// <summary>
    /// One row per request in scope created in range, drafts left out (never sent, nobody was asked: nothing to
    /// report on), in creation order: status as the API says it (<see cref="WireNames"/>), every recipient with role
    /// (when not signer) and status in one cell.
    /// </summary>
    private async Task WriteDocumentStatusAsync(ReportScope scope, ReportRange range, Stream output, CancellationToken ct)
    {
        await using var csv = CsvWriter.Create(output, Options, leaveOpen: true);
        csv.WriteHeader(DocumentStatusColumns);
        var (from, until) = (range.From, range.Until);
        var lastId = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var rows = await scope.Requests(db).AsNoTracking()
                .Where(r => r.Id > lastId && r.Status != RequestStatus.Draft && r.CreatedAt >= from && r.CreatedAt < until)
                .OrderBy(r => r.Id).Take(PageSize)
                .Select(r => new
                {
                    r.Id, r.Name, r.OwnerId, r.CreatedAt, r.Status, r.CompletedAt,
                    Sender = db.Users.Where(u => u.Id == r.OwnerId).Select(u => new { u.FirstName, u.LastName, u.Email }).FirstOrDefault(),
                    Recipients = r.Recipients.OrderBy(x => x.OrderId).ThenBy(x => x.Id)
                        .Select(x => new { x.FirstName, x.LastName, x.Email, x.Role, x.Status }).ToList(),
                })
                .ToListAsync(ct);
            foreach (var r in rows)
            {
                var signers = string.Join("; ", r.Recipients.Select(x =>
                    SignerCell($"{x.FirstName} {x.LastName}".Trim(), x.Email, x.Role, x.Status)));
                await csv.WriteRecordAsync(
                [
                    r.Id.ToString(CultureInfo.InvariantCulture), r.Name,
                    r.Sender is null ? "" : $"{r.Sender.FirstName} {r.Sender.LastName}".Trim(), r.Sender?.Email ?? "",
                    Utc(r.CreatedAt), WireNames.Of(r.Status), signers, Utc(r.CompletedAt),
                ], ct);
            }
            if (rows.Count < PageSize) break;
            lastId = rows[^1].Id;
        }
        await csv.FlushAsync(ct);
    }

    /// <summary><c>Ann &lt;ann@x.com&gt;: finalized</c>; <c>Bob &lt;bob@x.com&gt; (approver): viewed</c>; a final-copy reader has no status of its own: <c>Carl &lt;c@x.com&gt; (final_copy_reader)</c>.</summary>
    public static string SignerCell(string name, string email, RecipientRole role, RecipientStatus status)
    {
        var who = name.Length > 0 ? $"{name} <{email}>" : $"<{email}>";
        return role switch
        {
            RecipientRole.Signer => $"{who}: {WireNames.Of(status)}",
            RecipientRole.Approver => $"{who} ({WireNames.Of(role)}): {WireNames.Of(status)}",
            RecipientRole.FinalCopyReader => $"{who} ({WireNames.Of(role)})",
        };
    }

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);
}
