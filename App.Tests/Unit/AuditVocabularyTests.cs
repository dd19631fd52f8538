using ESignWeb.Audit;
using ESignWeb.Data;
using ESignWeb.Domain;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Tests.Unit;

/// <summary>
/// The typed audit vocabulary stores exactly the names the string literals stored before it, so existing databases and
/// their hash chains still verify.
/// </summary>
public class AuditVocabularyTests
{
    /// <summary>A chain written by the code before the typed vocabulary (its hashes are literals, not recomputed here).</summary>
    private static readonly (int Seq, string Type, string? Actor, string? Ip, string? Ua, string At, string Hash)[] Written =
    [
        (1, "created", "ann@example.com", "10.0.0.1", "UA/1", "2026-03-01T10:00:00.000Z", "a3449c8bf69e48ffb20936eb5c7fe4d06c8168ed6bd7cf422eb99ca7c4cd40ff"),
        (2, "sent", "ann@example.com", "10.0.0.2", "UA/2", "2026-03-01T10:01:00.000Z", "ed9912425c536ad3a4edad40e4bdae24300691fda9ab49ef33bb7ebc241aa740"),
        (3, "mail_delivered", null, null, null, "2026-03-01T10:02:00.000Z", "b18bebd2dea3044cff41d51840db90a39fb57b53c0d5f1633832d48a86932db5"),
        (4, "viewed", "ann@example.com", "10.0.0.4", "UA/4", "2026-03-01T10:03:00.000Z", "2c1f3a3cd12e968344f89d5cc2c7803b6d3e55922a8f1af9c25ff90b59851552"),
        (5, "consented", "ann@example.com", "10.0.0.5", "UA/5", "2026-03-01T10:04:00.000Z", "6c86d54236d50943115841baa124aecc7e4bdfafba2008a82ff23280b18cc629"),
        (6, "signed", "ann@example.com", "10.0.0.6", "UA/6", "2026-03-02T10:05:00.000Z", "984994ce7d10308396b8ce4dad2db927ca40938a2edad740fcd4b84950bb7104"),
        (7, "declined", "ann@example.com", "10.0.0.7", "UA/7", "2026-03-02T10:06:00.000Z", "720e87a938180466382e384910767b91598c7b3ee9ad3629732a933feaa19dfa"),
        (8, "voided", "ann@example.com", "10.0.0.8", "UA/8", "2026-03-02T10:07:00.000Z", "e52a188a8a781a1a413b60e2d664114e813ed247758c3af205138af93c3cc2f6"),
        (9, "reminded", "ann@example.com", "10.0.0.9", "UA/9", "2026-03-02T10:08:00.000Z", "90008a6f557f35de55c7bd4a6e68112d7f250d80f24a46a35bb4ab0c837ecf2d"),
        (10, "completed", null, null, null, "2026-03-02T10:09:00.000Z", "43eaa032d52b10b83d5c0f43d45e5e0c1a8d1ffad39a64ac2e7cca4cb016562d"),
    ];

    [Fact]
    public void Every_type_keeps_the_name_it_was_stored_under()
    {
        var stored = new Dictionary<AuditEventType, string>
        {
            [AuditEventType.Created] = "created", [AuditEventType.Sent] = "sent", [AuditEventType.MailDelivered] = "mail_delivered",
            [AuditEventType.Viewed] = "viewed", [AuditEventType.Consented] = "consented", [AuditEventType.Signed] = "signed",
            [AuditEventType.Declined] = "declined", [AuditEventType.Voided] = "voided", [AuditEventType.Reminded] = "reminded",
            [AuditEventType.Completed] = "completed", [AuditEventType.Expired] = "expired",
        };
        // A type added later gets its own new name; the ones that existed before must not move.
        foreach (var (type, name) in stored)
        {
            Assert.Equal(name, type.StoredName());
            Assert.Equal(type, AuditEventTypes.FromStoredName(name));
        }
        Assert.Equal(AuditEventTypes.All.Count, AuditEventTypes.All.Select(t => t.StoredName()).Distinct().Count());
        Assert.Throws<FormatException>(() => AuditEventTypes.FromStoredName("some_thing"));
    }

    [Fact]
    public void Every_type_reads_as_words()
    {
        foreach (var type in AuditEventTypes.All)
        {
            var w = type.Describe();
            Assert.DoesNotContain("_", w);
            Assert.True(char.IsUpper(w[0]), w);
        }
        Assert.Equal(AuditEventTypes.All.Count, AuditEventTypes.All.Select(t => t.Describe()).Distinct().Count());
        Assert.Equal("Mail delivered", AuditEventType.MailDelivered.Describe());
    }

    private static DateTimeOffset AtOf(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Appending_the_same_events_today_gives_the_same_hashes()
    {
        AuditEvent? last = null;
        foreach (var w in Written)
        {
            last = AuditLog.Next(last, 7, AuditEventTypes.FromStoredName(w.Type), new Actor(w.Actor, w.Ip, w.Ua), AtOf(w.At), new { n = w.Seq });
            Assert.Equal(w.Hash, last.Hash);
        }
    }

    [Fact]
    public async Task A_chain_stored_before_reads_back_and_verifies()
    {
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        await using var db = new AppDbContext(new DbContextOptionsBuilder<AppDbContext>().UseSqlite(connection).Options);
        await db.Database.EnsureCreatedAsync();
        var prev = AuditLog.Genesis;
        foreach (var w in Written)
        {
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO AuditEvents (RequestId, Seq, Type, ActorEmail, Ip, UserAgent, At, Data, PrevHash, Hash) VALUES (7, {0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8})",
                w.Seq, w.Type, w.Actor!, w.Ip!, w.Ua!, AtOf(w.At).UtcTicks, $"{{\"n\":{w.Seq}}}", prev, w.Hash);
            prev = w.Hash;
        }

        var events = await db.AuditEvents.AsNoTracking().Where(e => e.RequestId == 7).OrderBy(e => e.Seq).ToListAsync();
        Assert.Equal(Written.Length, events.Count);
        Assert.Null(AuditLog.Verify(events));
        Assert.Equal(Written.Select(w => w.Type), events.Select(e => e.Type.StoredName()));
    }
}
