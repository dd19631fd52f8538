using System.Linq.Expressions;
using ESignWeb.Data;
using ESignWeb.Domain;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Requests;

/// <summary>Whose requests a list shows.</summary>
public enum RequestListScope
{
    /// <summary>The caller's own requests, drafts included (the dashboard).</summary>
    Owned,
    /// <summary>
    /// The caller's own requests and those the caller is a recipient of — as a recipient only with a CONFIRMED e-mail
    /// address, and never someone else's draft (jSign; the rule of <see cref="RequestService.OpenVisibleListAsync"/>).
    /// </summary>
    Visible,
}

/// <summary>A status relative to the caller, decided in SQL (<see cref="RequestListQuery.AwaitsCaller"/>).</summary>
public enum CallerRelativeStatus
{
    /// <summary>Out for signature and the caller is an outstanding signer/approver of the current group: they must act now.</summary>
    AwaitingCaller,
    /// <summary>Out for signature and not waiting for the caller now (waiting for others, or being sealed).</summary>
    AwaitingOthers,
}

public enum RequestListSort
{
    /// <summary>Newest first by creation, then by id (stable).</summary>
    NewestFirst,
    /// <summary>Most recently changed first, then by id (the dashboard's order before issue 13).</summary>
    RecentlyChanged,
}

/// <summary>
/// What a paged request list asks for. Status filters: a row matches when its domain status is in
/// <see cref="Statuses"/> OR it matches one of <see cref="CallerStatuses"/>; both empty: any status.
/// <see cref="Categories"/>: any of them, without regard to case. <see cref="CreatedFrom"/>/<see cref="CreatedTo"/>: UTC
/// days, inclusive. <see cref="Page"/> is 1-based.
/// </summary>
public sealed record RequestListFilter(string UserId)
{
    public RequestListScope Scope { get; init; } = RequestListScope.Owned;
    public IReadOnlyCollection<RequestStatus> Statuses { get; init; } = [];
    public IReadOnlyCollection<CallerRelativeStatus> CallerStatuses { get; init; } = [];
    public IReadOnlyCollection<string> Categories { get; init; } = [];
    public DateOnly? CreatedFrom { get; init; }
    public DateOnly? CreatedTo { get; init; }
    /// <summary>Name or document name (anywhere in it), external id (exact or prefix), a recipient's e-mail or name (anywhere).</summary>
    public string? Search { get; init; }
    public RequestListSort Sort { get; init; } = RequestListSort.NewestFirst;
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = RequestListQuery.DefaultPageSize;
}

/// <summary>One recipient as a list row shows it.</summary>
public sealed record RequestListRecipient(int Id, string Email, string FirstName, string LastName, int OrderId,
    RecipientStatus Status, RecipientRole Role, bool IsInPerson)
{
    public string Name => $"{FirstName} {LastName}".Trim();
}

/// <summary>One row of a request list: what the dashboard and jSign's envelope list show.</summary>
public sealed record RequestListRow(
    int Id, Guid PublicId, string Name, string DocumentName, RequestStatus Status, bool IsOrdered, string? ExternalId,
    string OwnerName, DateTimeOffset CreatedAt, DateTimeOffset ModifiedAt, DateTimeOffset? SentAt,
    IReadOnlyList<string> Categories, IReadOnlyList<RequestListRecipient> Recipients, bool AwaitingCaller);

/// <summary>A page of rows and the totals over every row the filter matches.</summary>
public sealed record RequestListPage(IReadOnlyList<RequestListRow> Rows, int Total, int Page, int PageSize)
{
    /// <summary>Pages in the whole list (0 when nothing matches).</summary>
    public int PageCount => (int)((Total + (long)PageSize - 1) / PageSize);
}

/// <summary>
/// THE query behind every paged request list (the dashboard, jSign's envelope list): filters, sorts and pages in the
/// database — one COUNT and one query for the page's rows (a projection; categories and recipients come along as
/// collections of that same query, for the page's rows only), never the whole table in memory. Plain LINQ that EF
/// translates for SQLite and PostgreSQL: no raw SQL, no client evaluation.
/// </summary>
public sealed class RequestListQuery(IDbContextFactory<AppDbContext> dbFactory)
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 200;

    public async Task<RequestListPage> RunAsync(RequestListFilter f, CancellationToken ct = default)
    {
        if (f.Page < 1) throw new ArgumentOutOfRangeException(nameof(f), f.Page, "The page is 1-based.");
        if (f.PageSize is < 1 or > MaxPageSize) throw new ArgumentOutOfRangeException(nameof(f), f.PageSize, $"The page size is 1..{MaxPageSize}.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var callerEmail = CallerEmail(db, f.UserId);
        var q = Filter(db, f, callerEmail);
        var total = await q.CountAsync(ct);
        var skip = (f.Page - 1L) * f.PageSize;
        if (skip >= total) return new RequestListPage([], total, f.Page, f.PageSize);
        var ordered = f.Sort == RequestListSort.RecentlyChanged
            ? q.OrderByDescending(r => r.ModifiedAt).ThenByDescending(r => r.Id)
            : q.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id);
        // One round trip even though the app splits queries by default: the collections are small and only the page's.
        var rows = await ordered.Skip((int)skip).Take(f.PageSize).Select(Projection(db, callerEmail)).AsSingleQuery().ToListAsync(ct);
        return new RequestListPage(rows, total, f.Page, f.PageSize);
    }

    /// <summary>
    /// The caller's normalized e-mail when it is confirmed, as a subquery (no extra round trip): an unconfirmed address
    /// yields nothing, so the caller is nobody's recipient.
    /// </summary>
    private static IQueryable<string?> CallerEmail(AppDbContext db, string userId) =>
        db.Users.Where(u => u.Id == userId && u.EmailConfirmed).Select(u => u.NormalizedEmail);

    /// <summary>Every row the filter matches, unordered (for the count and the page).</summary>
    internal static IQueryable<SignatureRequest> Filter(AppDbContext db, RequestListFilter f, IQueryable<string?> callerEmail)
    {
        var userId = f.UserId;
        var q = db.Requests.AsNoTracking();
        q = f.Scope == RequestListScope.Owned
            ? q.Where(r => r.OwnerId == userId)
            : q.Where(r => r.OwnerId == userId
                           || (r.Status != RequestStatus.Draft && r.Recipients.Any(x => callerEmail.Contains(x.Email.ToUpper()))));

        if (f.Statuses.Count > 0 || f.CallerStatuses.Count > 0)
        {
            var statuses = f.Statuses.Distinct().ToList();
            Expression<Func<SignatureRequest, bool>> match = r => statuses.Contains(r.Status);
            var awaits = AwaitsCaller(callerEmail);
            if (f.CallerStatuses.Contains(CallerRelativeStatus.AwaitingCaller)) match = Or(match, awaits);
            if (f.CallerStatuses.Contains(CallerRelativeStatus.AwaitingOthers))
                match = Or(match, And(r => r.Status == RequestStatus.Incomplete, Not(awaits)));
            q = q.Where(match);
        }

        if (f.Categories.Count > 0)
        {
            // The column's collation (NOCASE) makes IN compare without regard to case, and keeps its index usable.
            var names = f.Categories.Select(c => c.Trim()).Where(c => c.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            q = q.Where(r => r.Categories.Any(c => names.Contains(c.Name)));
        }

        if (f.CreatedFrom is { } from)
        {
            var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            q = q.Where(r => r.CreatedAt >= start);
        }
        if (f.CreatedTo is { } to)
        {
            // Inclusive: everything before the next UTC day begins (the last day of the calendar has no next day).
            if (to < DateOnly.MaxValue)
            {
                var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
                q = q.Where(r => r.CreatedAt < end);
            }
        }

        if (!string.IsNullOrWhiteSpace(f.Search))
        {
            var s = EscapeLike(f.Search.Trim());
            var anywhere = $"%{s}%";
            var prefix = $"{s}%";
            // Without regard to case on both: SQLite's LIKE is (ASCII), PostgreSQL's is not, so ILIKE there.
            q = db.Database.IsPostgreSql()
                ? q.Where(r => EF.Functions.ILike(r.Name, anywhere, "\\")
                               || (r.ExternalId != null && EF.Functions.ILike(r.ExternalId, prefix, "\\"))
                               || EF.Functions.ILike(r.Document!.Name, anywhere, "\\")
                               || r.Recipients.Any(x => EF.Functions.ILike(x.Email, anywhere, "\\")
                                                        || EF.Functions.ILike(x.FirstName + " " + x.LastName, anywhere, "\\")))
                : q.Where(r => EF.Functions.Like(r.Name, anywhere, "\\")
                               || (r.ExternalId != null && EF.Functions.Like(r.ExternalId, prefix, "\\"))
                               || EF.Functions.Like(r.Document!.Name, anywhere, "\\")
                               || r.Recipients.Any(x => EF.Functions.Like(x.Email, anywhere, "\\")
                                                        || EF.Functions.Like(x.FirstName + " " + x.LastName, anywhere, "\\")));
        }
        return q;
    }

    /// <summary>
    /// THE caller-relative rule in SQL: the request is out for signature and the caller (by confirmed e-mail) is an
    /// outstanding actor — signer or approver, not finalized nor declined — of the current group: no outstanding actor
    /// has a lower order (a parallel request is one group). The same as <see cref="RequestWorkflow.MaySign"/> for some
    /// recipient with the caller's address (a unit test checks them against each other). Not <c>NotifiedAt</c>: it
    /// records when a mail-worthy turn began, which is history, not state — this reads the state the workflow reads.
    /// </summary>
    internal static Expression<Func<SignatureRequest, bool>> AwaitsCaller(IQueryable<string?> callerEmail) =>
        r => r.Status == RequestStatus.Incomplete
             && r.Recipients.Any(x => callerEmail.Contains(x.Email.ToUpper())
                                      && x.Role != RecipientRole.FinalCopyReader
                                      && (x.Status == RecipientStatus.NotViewed || x.Status == RecipientStatus.Viewed)
                                      && (!r.IsOrdered || !r.Recipients.Any(y => y.Role != RecipientRole.FinalCopyReader
                                                                                 && (y.Status == RecipientStatus.NotViewed || y.Status == RecipientStatus.Viewed)
                                                                                 && y.OrderId < x.OrderId)));

    /// <summary>The row projection, with <see cref="AwaitsCaller"/> inlined for the flag (one rule, not a C# copy).</summary>
    private static Expression<Func<SignatureRequest, RequestListRow>> Projection(AppDbContext db, IQueryable<string?> callerEmail)
    {
        var users = db.Users;
        Expression<Func<SignatureRequest, bool, RequestListRow>> row = (r, awaiting) => new RequestListRow(
            r.Id, r.PublicId, r.Name, r.Document!.Name, r.Status, r.IsOrdered, r.ExternalId,
            users.Where(u => u.Id == r.OwnerId).Select(u => u.FirstName + " " + u.LastName).FirstOrDefault() ?? "",
            r.CreatedAt, r.ModifiedAt, r.SentAt,
            r.Categories.OrderBy(c => c.Id).Select(c => c.Name).ToList(),
            r.Recipients.OrderBy(x => x.OrderId).ThenBy(x => x.Id)
                .Select(x => new RequestListRecipient(x.Id, x.Email, x.FirstName, x.LastName, x.OrderId, x.Status, x.Role, x.IsInPerson)).ToList(),
            awaiting);
        var awaits = AwaitsCaller(callerEmail);
        var body = new Replace(awaits.Parameters[0], row.Parameters[0]).Visit(awaits.Body)!;
        return Expression.Lambda<Func<SignatureRequest, RequestListRow>>(new Replace(row.Parameters[1], body).Visit(row.Body)!, row.Parameters[0]);
    }

    private static Expression<Func<SignatureRequest, bool>> Or(Expression<Func<SignatureRequest, bool>> a, Expression<Func<SignatureRequest, bool>> b) =>
        Expression.Lambda<Func<SignatureRequest, bool>>(Expression.OrElse(a.Body, new Replace(b.Parameters[0], a.Parameters[0]).Visit(b.Body)!), a.Parameters[0]);

    private static Expression<Func<SignatureRequest, bool>> And(Expression<Func<SignatureRequest, bool>> a, Expression<Func<SignatureRequest, bool>> b) =>
        Expression.Lambda<Func<SignatureRequest, bool>>(Expression.AndAlso(a.Body, new Replace(b.Parameters[0], a.Parameters[0]).Visit(b.Body)!), a.Parameters[0]);

    private static Expression<Func<SignatureRequest, bool>> Not(Expression<Func<SignatureRequest, bool>> a) =>
        Expression.Lambda<Func<SignatureRequest, bool>>(Expression.Not(a.Body), a.Parameters[0]);

    internal static string EscapeLike(string s) => s.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    /// <summary>Replaces one expression (a lambda's parameter) by another.</summary>
    private sealed class Replace(Expression from, Expression to) : ExpressionVisitor
    {
        public override Expression? Visit(Expression? node) => node == from ? to : base.Visit(node);
    }
}
