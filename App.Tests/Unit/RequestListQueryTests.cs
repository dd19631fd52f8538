using System.Data.Common;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Requests;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ESignWeb.Tests.Unit;

/// <summary>
/// <see cref="RequestListQuery"/> on a real SQLite database (in memory): the caller-relative rule in SQL agrees with
/// <see cref="RequestWorkflow.MaySign"/> over many generated requests, and a page costs one COUNT and one row query.
/// </summary>
public sealed class RequestListQueryTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);
    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private readonly CommandCounter _commands = new();
    private readonly DbContextOptions<AppDbContext> _options;

    public RequestListQueryTests()
    {
        _connection.Open();
        // Split queries by default, as the app is configured (Hosting/ESignServiceCollectionExtensions).
        _options = new DbContextOptionsBuilder<AppDbContext>().UseSqlite(_connection, o => o.UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery))
            .AddInterceptors(_commands).Options;
        using var db = new AppDbContext(_options);
        db.Database.EnsureCreated();
    }

    public void Dispose() => _connection.Dispose();

    private sealed class Factory(DbContextOptions<AppDbContext> options) : IDbContextFactory<AppDbContext>
    {
        public AppDbContext CreateDbContext() => new(options);
    }

    private sealed class CommandCounter : DbCommandInterceptor
    {
        public List<string> Texts { get; } = [];
        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Texts.Add(command.CommandText);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            Texts.Add(command.CommandText);
            return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
        }
    }

    private static ApplicationUser User(string id, string email, bool confirmed) => new()
    {
        Id = id, UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email,
        NormalizedEmail = email.ToUpperInvariant(), EmailConfirmed = confirmed, FirstName = id, LastName = "User",
    };

    /// <summary>A request driven by the workflow through a random history: groups, parallel or ordered, finished, declined, voided.</summary>
    private static SignatureRequest Generate(Random rng, int documentId, string ownerId, string[] emails, int n)
    {
        var r = new SignatureRequest
        {
            OwnerId = ownerId, DocumentId = documentId, Name = $"Request {n}", IsOrdered = rng.Next(3) > 0,
            CreatedAt = Now.AddMinutes(-n), ModifiedAt = Now.AddMinutes(-n),
        };
        var count = rng.Next(1, 6);
        for (var i = 0; i < count; i++)
        {
            var email = emails[rng.Next(emails.Length)];
            r.Recipients.Add(new Recipient
            {
                Email = rng.Next(2) == 0 ? email : email.ToUpperInvariant(), // addresses compare without regard to case
                FirstName = $"R{i}", OrderId = rng.Next(1, 4),
                Role = (RecipientRole)rng.Next(3), IsInPerson = rng.Next(5) == 0,
                CreatedAt = Now, ModifiedAt = Now,
            });
        }
        r.EmbeddedSigning = rng.Next(6) == 0;
        if (rng.Next(8) == 0 || !r.Recipients.Any(x => x.Acts)) return r; // a draft
        RequestWorkflow.Send(r, Now);
        var steps = rng.Next(0, 6);
        for (var s = 0; s < steps && RequestWorkflow.IsOpenForSigning(r); s++)
        {
            var turn = RequestWorkflow.CurrentGroup(r);
            if (turn.Count == 0) break;
            var who = turn[rng.Next(turn.Count)];
            switch (rng.Next(10))
            {
                case 0: RequestWorkflow.Decline(r, who, "No.", Now); break;
                case 1: RequestWorkflow.Void(r, Now); break;
                case 2: RequestWorkflow.View(r, who, Now); break;
                default: RequestWorkflow.Finalize(r, who, Now); break;
            }
        }
        if (r.Status == RequestStatus.Incomplete && r.Recipients.Where(x => x.Acts).All(x => x.Status == RecipientStatus.Finalized) && rng.Next(2) == 0)
            r.Status = RequestStatus.Complete; // sealed (the seal itself is not this test's business)
        return r;
    }

    [Fact]
    public async Task The_SQL_awaiting_rule_agrees_with_the_workflow_over_many_generated_requests()
    {
        string[] emails = ["ann@example.com", "bob@example.com", "cy@example.com", "dee@example.com", "stranger@example.com"];
        var users = new[]
        {
            User("ann", emails[0], true), User("bob", emails[1], true), User("cy", emails[2], true),
            User("dee", emails[3], confirmed: false), // an unconfirmed address is nobody's recipient
        };
        var rng = new Random(1313);
        var requests = new List<SignatureRequest>();
        await using (var db = new AppDbContext(_options))
        {
            db.Users.AddRange(users);
            var doc = new Document { OwnerId = "ann", Name = "a.pdf", BlobKey = "k", Sha256 = "s", CreatedAt = Now, ModifiedAt = Now };
            db.Documents.Add(doc);
            await db.SaveChangesAsync();
            for (var i = 0; i < 400; i++) requests.Add(Generate(rng, doc.Id, users[i % 3].Id, emails, i));
            db.Requests.AddRange(requests);
            await db.SaveChangesAsync();
        }

        Assert.Contains(requests, r => r.Status == RequestStatus.Incomplete && r.IsOrdered && r.Recipients.Any(x => RequestWorkflow.MaySign(r, x)));
        Assert.Contains(requests, r => r.Status == RequestStatus.Incomplete && !r.IsOrdered && r.Recipients.Count(x => RequestWorkflow.MaySign(r, x)) > 1);
        Assert.Contains(requests, r => r.Status == RequestStatus.RecipientDeclined);
        Assert.Contains(requests, r => r.Status == RequestStatus.Canceled);
        Assert.Contains(requests, r => r.Status == RequestStatus.Complete);

        var checkedAwaiting = 0;
        foreach (var user in users)
        {
            await using var db = new AppDbContext(_options);
            var callerEmail = db.Users.Where(u => u.Id == user.Id && u.EmailConfirmed).Select(u => u.NormalizedEmail);
            var inSql = (await db.Requests.Where(RequestListQuery.AwaitsCaller(callerEmail)).Select(r => r.Id).ToListAsync()).ToHashSet();
            var expected = requests.Where(r => user.EmailConfirmed && r.Recipients.Any(x =>
                    string.Equals(x.Email, user.Email, StringComparison.OrdinalIgnoreCase) && RequestWorkflow.MaySign(r, x)))
                .Select(r => r.Id).ToHashSet();
            Assert.Equal(expected.Order(), inSql.Order());
            checkedAwaiting += expected.Count;
        }
        Assert.True(checkedAwaiting > 20, $"only {checkedAwaiting} awaiting cases were generated");

        // The list's flag and its status filters use the same rule.
        var query = new RequestListQuery(new Factory(_options));
        var bob = await AllAsync(query, new RequestListFilter("bob") { Scope = RequestListScope.Visible });
        var mine = await AllAsync(query, new RequestListFilter("bob") { Scope = RequestListScope.Visible, CallerStatuses = [CallerRelativeStatus.AwaitingCaller] });
        var others = await AllAsync(query, new RequestListFilter("bob") { Scope = RequestListScope.Visible, CallerStatuses = [CallerRelativeStatus.AwaitingOthers] });
        Assert.Equal(bob.Select(r => r.Id).Distinct().Count(), bob.Count); // pages neither overlap nor skip
        Assert.Equal(bob.Where(r => r.AwaitingCaller).Select(r => r.Id).Order(), mine.Select(r => r.Id).Order());
        Assert.Equal(bob.Where(r => r.Status == RequestStatus.Incomplete && !r.AwaitingCaller).Select(r => r.Id).Order(), others.Select(r => r.Id).Order());
        Assert.NotEmpty(mine);
        Assert.NotEmpty(others);
        // Visible: bob's own (drafts included) and, as a recipient, anyone's request that is not a draft.
        Assert.Equal(requests.Where(r => r.OwnerId == "bob" || (r.Status != RequestStatus.Draft && r.Recipients.Any(x => x.Email.Equals("bob@example.com", StringComparison.OrdinalIgnoreCase))))
            .Select(r => r.Id).Order(), bob.Select(r => r.Id).Order());
    }

    private static async Task<List<RequestListRow>> AllAsync(RequestListQuery query, RequestListFilter filter)
    {
        var rows = new List<RequestListRow>();
        for (var page = 1; ; page++)
        {
            var p = await query.RunAsync(filter with { Page = page, PageSize = 50 });
            rows.AddRange(p.Rows);
            if (page >= p.PageCount) return rows;
        }
    }

    [Fact]
    public async Task A_page_is_one_count_and_one_row_query_with_categories_recipients_and_owner()
    {
        await using (var db = new AppDbContext(_options))
        {
            db.Users.Add(User("ann", "ann@example.com", true));
            var doc = new Document { OwnerId = "ann", Name = "contract.pdf", BlobKey = "k", Sha256 = "s", CreatedAt = Now, ModifiedAt = Now };
            db.Documents.Add(doc);
            await db.SaveChangesAsync();
            for (var i = 0; i < 30; i++)
            {
                var r = new SignatureRequest { OwnerId = "ann", DocumentId = doc.Id, Name = $"R{i:00}", CreatedAt = Now.AddDays(-i), ModifiedAt = Now };
                r.Recipients.Add(new Recipient { Email = "x@example.com", FirstName = "X", OrderId = 1, CreatedAt = Now, ModifiedAt = Now });
                r.Recipients.Add(new Recipient { Email = "y@example.com", FirstName = "Y", OrderId = 2, CreatedAt = Now, ModifiedAt = Now });
                r.Categories.Add(new RequestCategory { Name = i % 2 == 0 ? "NDA" : "Agreement" });
                if (i % 3 == 0) r.Categories.Add(new RequestCategory { Name = "Sales" });
                db.Requests.Add(r);
            }
            await db.SaveChangesAsync();
        }
        var query = new RequestListQuery(new Factory(_options));
        _commands.Texts.Clear();
        var page = await query.RunAsync(new RequestListFilter("ann") { Categories = ["nda", "SALES"], Page = 2, PageSize = 5 });
        Assert.Equal(2, _commands.Texts.Count);
        Assert.Contains("COUNT", _commands.Texts[0]);
        // i even (15) or i % 3 == 0 (10), both (5): 20 requests; page 2 of 4, newest first: i = 8, 9, 10, 12, 14.
        Assert.Equal(20, page.Total);
        Assert.Equal(4, page.PageCount);
        Assert.Equal(["R08", "R09", "R10", "R12", "R14"], page.Rows.Select(r => r.Name));
        Assert.Equal(["NDA"], page.Rows[0].Categories);
        Assert.Equal(["Agreement", "Sales"], page.Rows[1].Categories);
        Assert.All(page.Rows, r => Assert.Equal(["X", "Y"], r.Recipients.Select(x => x.FirstName)));
        Assert.All(page.Rows, r => Assert.Equal("ann User", r.OwnerName));
        Assert.All(page.Rows, r => Assert.Equal("contract.pdf", r.DocumentName));

        // Dates: UTC days, inclusive at both ends; past the end: no rows, the totals stay.
        var days = await query.RunAsync(new RequestListFilter("ann")
        {
            CreatedFrom = DateOnly.FromDateTime(Now.AddDays(-3).UtcDateTime), CreatedTo = DateOnly.FromDateTime(Now.AddDays(-1).UtcDateTime),
        });
        Assert.Equal(["R01", "R02", "R03"], days.Rows.Select(r => r.Name));
        _commands.Texts.Clear();
        var past = await query.RunAsync(new RequestListFilter("ann") { Page = 7, PageSize = 5 });
        Assert.Equal((30, 6, 0), (past.Total, past.PageCount, past.Rows.Count));
        Assert.Single(_commands.Texts); // only the count
        var search = await query.RunAsync(new RequestListFilter("ann") { Search = "r2" });
        Assert.Equal(10, search.Total);
        var byDocument = await query.RunAsync(new RequestListFilter("ann") { Search = "contract" });
        Assert.Equal(30, byDocument.Total);
        // Another user's requests are not theirs.
        await using (var db = new AppDbContext(_options)) { db.Users.Add(User("bob", "bob@example.com", true)); await db.SaveChangesAsync(); }
        Assert.Equal(0, (await query.RunAsync(new RequestListFilter("bob") { Scope = RequestListScope.Visible })).Total);
    }
}
