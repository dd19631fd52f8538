using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ESignWeb.Api;
using ESignWeb.Data;
using ESignWeb.Tests.Fixtures;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// Issue 15: the API keeps no cache of what it read from the database, so it is correct with several instances on one
/// database, and the uncached pending list is cheap on its own: one projected query per batch, a number of commands
/// that does not grow with the list. Runs on the provider of the test run (ESIGN_TEST_DATABASE); the two-instance test
/// always on PostgreSQL.
/// </summary>
public class PendingListUncachedTests
{
    private static async Task<JsonElement> ListAsync(HttpClient c)
    {
        var r = await c.GetAsync("/v1/files/pending/");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>How many of <see cref="RequestSeed.AddRequestsAsync"/>'s first n requests the list shows (not its drafts).</summary>
    private static int Listed(int n) => Enumerable.Range(0, n).Count(i => RequestSeed.Cycle[i % RequestSeed.Cycle.Length] != Domain.RequestStatus.Draft);

    [Fact]
    public async Task The_pending_list_of_200_requests_takes_the_same_few_commands_as_a_list_of_20()
    {
        var commands = new DashboardListTests.CommandCounter();
        await using var app = new ESignAppFactory { TestServices = s => s.ConfigureDbContext<AppDbContext>(o => o.AddInterceptors(commands)) };
        app.Server.PreserveExecutionContext = true; // the request runs in the test's async flow: its commands are counted
        var newest = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
        var counts = new Dictionary<int, int>();
        foreach (var n in new[] { 20, 200 })
        {
            var owner = await app.CreateUserAsync($"owner{n}@example.com", "Olga", $"Owner{n}");
            await using (var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
                await RequestSeed.AddRequestsAsync(db, owner, n, newest, i => i % 2 == 0 ? ["NDA", "Sales"] : ["Lease"], "Lease");
            var (client, _) = await app.ApiClientAsync(owner);
            Assert.Equal(Listed(n), (await ListAsync(client)).GetProperty("count").GetInt32()); // the key's last-use write happens here

            commands.Start();
            var list = await ListAsync(client);
            commands.Counting = false;
            counts[n] = commands.Count;

            var files = list.GetProperty("files");
            Assert.Equal(Listed(n), files.GetArrayLength());
            Assert.Equal($"owner{n}@example.com", files[0].GetProperty("owner_email").GetString());
            Assert.Equal($"Owner{n}", files[0].GetProperty("owner_last_name").GetString());
            var newestSeeded = files.EnumerateArray().Single(f => f.GetProperty("name").GetString() == $"Lease {n:D4}"); // seed's request 0
            Assert.Equal(["NDA", "Sales"], newestSeeded.GetProperty("categories").EnumerateArray().Select(c => c.GetString()).Order().ToArray());
            Assert.All(files.EnumerateArray(), f => Assert.NotEqual(0, f.GetProperty("recipients").GetArrayLength()));
        }
        lock (commands.Texts)
        {
            var texts = string.Join("\n---\n", commands.Texts);
            // Key check, confirmed address, count, the batch (one query), the outbox failures (at most two): never per row.
            Assert.True(counts[200] <= 6, $"{counts[200]} commands for 200 requests:\n{texts}");
            Assert.Equal(counts[20], counts[200]);
            Assert.Single(commands.Texts, t => t.Contains("\"Recipients\"") && t.Contains("\"RequestCategories\"")); // one batch query
        }
    }

    [Fact]
    public async Task Two_instances_on_one_PostgreSQL_database_see_each_others_writes_at_once()
    {
        var connection = PostgresServer.CreateDatabase();
        await using var a = new ESignAppFactory { Provider = DatabaseProviderKind.PostgreSql, ConnectionString = connection };
        var owner = await a.CreateUserAsync("two.instances@example.com"); // A migrates the database first
        await using var b = new ESignAppFactory
        {
            Provider = DatabaseProviderKind.PostgreSql, ConnectionString = connection, DataDir = a.DataDir, KeepData = true,
        };
        await using (var db = await a.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
            await RequestSeed.AddRequestsAsync(db, owner, 6, DateTimeOffset.UtcNow, prefix: "Shared");
        var (throughA, key) = await a.ApiClientAsync(owner);
        var throughB = b.CreateClient();
        throughB.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        // B reads the list (what a cache would keep), then A changes it: B's next list shows the change.
        var before = await ListAsync(throughB);
        Assert.Equal(Listed(6), before.GetProperty("count").GetInt32());
        var open = before.GetProperty("files").EnumerateArray().First(f => f.GetProperty("status").GetString() == "incomplete").GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await throughA.PostAsync($"/v1/files/pending/{open}/cancel/", null)).StatusCode);
        var after = await ListAsync(throughB);
        Assert.Equal("canceled", after.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("id").GetInt32() == open).GetProperty("status").GetString());

        await using (var db = await a.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
            await RequestSeed.AddRequestsAsync(db, owner, 1, DateTimeOffset.UtcNow, prefix: "Added");
        Assert.Equal(Listed(6) + 1, (await ListAsync(throughB)).GetProperty("count").GetInt32()); // request 0 of a seed: incomplete

        // A key B has just accepted, revoked through A, is refused by B at once.
        var keys = a.Get<ApiKeyService>();
        await keys.RevokeAsync(owner, (await keys.ListAsync(owner)).Single().Id);
        Assert.Equal(HttpStatusCode.Unauthorized, (await throughB.GetAsync("/v1/files/pending/")).StatusCode);
    }
}
