using ESignWeb.Data;
using ESignWeb.Domain;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Tests.Fixtures;

/// <summary>
/// Many signature requests at once, written straight through <see cref="AppDbContext"/> in one transaction (fast; not
/// through the UI): one document per owner, one to three signers each, statuses in turn (with recipient statuses to
/// match), created one hour apart going back from <c>newest</c>, categories chosen by the caller. For lists that must
/// hold up with many rows: the dashboard's paging tests, its E2E journey and the 10,000-request benchmark.
/// </summary>
public static class RequestSeed
{
    /// <summary>The statuses the seeded requests take in turn (request i has <c>Cycle[i % Cycle.Length]</c>).</summary>
    public static readonly RequestStatus[] Cycle =
        [RequestStatus.Incomplete, RequestStatus.Complete, RequestStatus.Draft, RequestStatus.Incomplete, RequestStatus.RecipientDeclined, RequestStatus.Canceled];

    /// <summary>Options for a context on the app's SQLite file (the app itself may be running on it: WAL).</summary>
    public static DbContextOptions<AppDbContext> Options(string databasePath) =>
        new DbContextOptionsBuilder<AppDbContext>()
            .UseSqlite($"Data Source={databasePath};Pooling=False", s => s.UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery))
            .Options;

    /// <summary>A confirmed account written directly (for the benchmark's other owners); returns its id.</summary>
    public static async Task<string> AddUserAsync(AppDbContext db, string email, string first = "Owen", string last = "Owner")
    {
        var user = new ApplicationUser
        {
            UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email, NormalizedEmail = email.ToUpperInvariant(),
            EmailConfirmed = true, FirstName = first, LastName = last, SecurityStamp = Guid.NewGuid().ToString("N"),
        };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user.Id;
    }

    /// <summary>Adds <paramref name="count"/> requests for <paramref name="ownerId"/> named "<paramref name="prefix"/> 0001"…;
    /// request i (0 = newest) gets <paramref name="categoriesOf"/>(i). Returns their ids, newest first.</summary>
    public static async Task<List<int>> AddRequestsAsync(AppDbContext db, string ownerId, int count, DateTimeOffset newest,
        Func<int, string[]>? categoriesOf = null, string prefix = "Request")
    {
        var doc = new Document
        {
            OwnerId = ownerId, Name = $"{prefix} {Guid.NewGuid():N}.pdf", BlobKey = new string('0', 64), Sha256 = new string('0', 64),
            SizeBytes = 1000, PageCount = 1, Pages = [new PageGeometry(0, 0, 612, 792, 0)], CreatedAt = newest, ModifiedAt = newest,
        };
        db.Documents.Add(doc);
        await db.SaveChangesAsync();
        var requests = new List<SignatureRequest>(count);
        for (var i = 0; i < count; i++)
        {
            var status = Cycle[i % Cycle.Length];
            var created = newest.AddHours(-i);
            var r = new SignatureRequest
            {
                OwnerId = ownerId, DocumentId = doc.Id, Name = $"{prefix} {count - i:D4}", Status = status, IsOrdered = i % 2 == 0,
                CreatedAt = created, ModifiedAt = created.AddMinutes(5), SentAt = status == RequestStatus.Draft ? null : created.AddMinutes(1),
                CompletedAt = status == RequestStatus.Complete ? created.AddMinutes(5) : null,
                Categories = (categoriesOf?.Invoke(i) ?? []).Select(c => new RequestCategory { Name = c }).ToList(),
            };
            var signers = 1 + i % 3;
            for (var s = 0; s < signers; s++)
            {
                r.Recipients.Add(new Recipient
                {
                    Email = $"signer{s}.{i}@example.com", FirstName = $"Signer{s}", LastName = $"Number{i}", OrderId = r.IsOrdered ? s + 1 : 1,
                    Status = status switch
                    {
                        RequestStatus.Complete => RecipientStatus.Finalized,
                        RequestStatus.RecipientDeclined => s == 0 ? RecipientStatus.Declined : RecipientStatus.NotViewed,
                        RequestStatus.Incomplete when s == 0 && signers > 1 => RecipientStatus.Finalized,
                        _ => RecipientStatus.NotViewed,
                    },
                    CreatedAt = created, ModifiedAt = created,
                });
            }
            requests.Add(r);
        }
        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            db.Requests.AddRange(requests);
            await db.SaveChangesAsync();
            await tx.CommitAsync();
        }
        db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        db.ChangeTracker.Clear();
        return requests.Select(r => r.Id).ToList();
    }
}
