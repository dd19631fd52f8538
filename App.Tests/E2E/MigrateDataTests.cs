using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using ESignWeb.Data;
using ESignWeb.Hosting;
using ESignWeb.Storage;
using ESignWeb.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// <c>ESignWeb migrate-data --to-postgres</c> against the real app: an SQLite instance with two documents, a request
/// signed in Chromium and sealed (signed PDF + audit trail), a template, a callback URL (webhooks) and an API key is
/// stopped and migrated into the throw-away PostgreSQL; the source file is byte for byte unchanged; the app started on
/// PostgreSQL with the same data folder lists everything over the API with the same key, the sealed PDF passes
/// pdfsig, the evidence (audit chain, original and sealed SHA-256) verifies, new rows get new ids; a second migrate
/// into the now non-empty database is refused. Then <c>--blobs database</c> into a second database: an instance on it with
/// <c>ESign:Storage:Provider=Database</c> and a data folder of its own serves the sealed PDF (pdfsig) and the audit
/// trail from PostgreSQL's blob tables, and the evidence verifies against them.
/// </summary>
[Collection(E2ECollection.Name)]
public class MigrateDataTests(ITestOutputHelper output)
{
    private const string Sender = "mia.migrate@example.com";
    private const string Signer = "sam.signer@example.com";

    [Fact]
    public async Task An_SQLite_instance_moves_to_PostgreSQL_with_everything_present_and_verifiable()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var onSqlite = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Smtp__Host"] = "127.0.0.1", ["Smtp__Port"] = smtp.Port.ToString(), ["Smtp__Security"] = "None",
            ["ESign__RequireConfirmedAccount"] = "false", ["Webhooks__AllowPrivateNetworks"] = "true", ["Api__RateLimitPerMinute"] = "100000",
        });
        AppProcess? onPostgres = null, onDatabaseBlobs = null;
        var target = PostgresServer.CreateDatabase("esign_migrate");
        var blobTarget = PostgresServer.CreateDatabase("esign_migrate_blobs");
        try
        {
            var key = (await onSqlite.RunCommandAsync("apikey", "create", "--email", Sender)).Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("esk_"));
            using var api = new HttpClient { BaseAddress = new Uri(onSqlite.BaseUrl) }; // the same address on PostgreSQL
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var register = new HttpRequestMessage(HttpMethod.Post, "/v1/callback/urls/") { Content = new FormUrlEncodedContent([new("urls", receiver.Url)]) };
            register.Headers.Add("X-Client-ID", "migrate-test");
            await Json(await api.SendAsync(register));
            var contractId = await UploadAsync(api, "Contract.pdf", 2);
            await UploadAsync(api, "Annex.pdf", 1);
            var requestId = (await Json(await api.PostAsJsonAsync("/v1/files/pending/fields/", new
            {
                original_file_id = contractId, name = "Migrated contract", is_ordered = true,
                recipients = new[] { new { email = Signer, first_name = "Sam", last_name = "Signer" } },
                fields_payload = new[] { new { email = Signer, type = "signature", required = true, page_number = 1, x = 72, y = 600, width = 180, height = 48, additional_info = new { } } },
            }))).GetProperty("pending_file_id").GetInt32();

            await using (var browser = await BrowserSession.OpenAsync(onSqlite.BaseUrl))
            {
                var page = await SigningJourneyTests.OpenLinkFromMailAsync(browser, smtp, Signer);
                await SigningJourneyTests.ConsentAsync(page);
                await SigningJourneyTests.FillSignatureAsync(page, draw: true);
                await page.ClickAsync("#finish-button");
            }
            await Poll.UntilTrueAsync(async () => (await Json(await api.GetAsync($"/v1/files/pending/{requestId}/"))).GetProperty("status").GetString() == "complete",
                "the request completes", seconds: 90);
            await Poll.UntilTrueAsync(() => Scalar(onSqlite.DatabasePath, "SELECT COUNT(*) FROM Outbox WHERE DoneAt IS NULL AND Failed = 0") == 0,
                "the outbox drains", seconds: 60);
            var signedId = (await Json(await api.GetAsync("/v1/files/signed/"))).GetProperty("files")[0].GetProperty("id").GetInt32();
            await onSqlite.KillAsync();

            // Templates are made in the browser's editor; this one is made from the contract's row, as the editor would store it.
            Execute(onSqlite.DatabasePath, $"""
                INSERT INTO Templates (BlobKey, Categories, CreatedAt, DocumentName, IsOrdered, Message, ModifiedAt, Name, OwnerId, PageCount, Pages, PasswordProtected, Sha256)
                SELECT BlobKey, '[]', CreatedAt, Name, 0, NULL, CreatedAt, 'Migrated template', OwnerId, PageCount, Pages, 0, Sha256 FROM Documents WHERE Id = {contractId}
                """);
            var sourceFiles = SourceHashes(onSqlite.DataDir);

            var environment = new Dictionary<string, string> { ["ESign__DataPath"] = onSqlite.DataDir };
            var migrated = await AppCommand.RunAsync(environment, TimeSpan.FromMinutes(3), "migrate-data", "--to-postgres", target);
            output.WriteLine(migrated.Output);
            Assert.True(migrated.ExitCode == 0, migrated.Output);
            Assert.Contains("Verified:", migrated.Output);
            Assert.Contains("AspNetUsers", migrated.Output);
            Assert.Contains("OpenIddictApplications", migrated.Output);
            Assert.Equal(sourceFiles, SourceHashes(onSqlite.DataDir)); // the source was only read

            onPostgres = await onSqlite.StartAgainAsync(new Dictionary<string, string>
            {
                ["ESign__Database__Provider"] = "PostgreSql", ["ConnectionStrings__ESign"] = target,
            });
            var originals = await (await api.GetAsync("/v1/files/original/")).Content.ReadAsStringAsync();
            Assert.Contains("Contract.pdf", originals);
            Assert.Contains("Annex.pdf", originals);
            Assert.Equal("complete", (await Json(await api.GetAsync($"/v1/files/pending/{requestId}/"))).GetProperty("status").GetString());
            var templates = await Json(await api.GetAsync("/v1/library/template"));
            Assert.Contains(templates.EnumerateArray(), t => t.GetProperty("name").GetString() == "Migrated template");
            var urls = new HttpRequestMessage(HttpMethod.Get, "/v1/callback/urls/");
            urls.Headers.Add("X-Client-ID", "migrate-test");
            Assert.Contains(receiver.Url, await (await api.SendAsync(urls)).Content.ReadAsStringAsync());
            Assert.Contains("Signature is Valid", await Poppler.PdfSigAsync(await api.GetByteArrayAsync($"/v1/files/signed/{signedId}/download/")));
            var trail = await api.GetByteArrayAsync($"/v1/audit-trail/{signedId}/");
            Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(trail, 0, 4));

            // The evidence on PostgreSQL: audit chain recomputed, original and sealed file hashed against their rows.
            var verification = new Audit.Verification(new PooledDbContextFactory<AppDbContext>((DbContextOptions<AppDbContext>)new DbContextOptionsBuilder<AppDbContext>()
                    .UseESignDatabase(DatabaseProviderKind.PostgreSql, target)
                    .UseApplicationServiceProvider(PostgreSqlDesignTimeFactory.ModelServices).Options),
                new FileSystemBlobStore(new DataPaths(Options.Create(new ESignOptions { DataPath = onSqlite.DataDir })), TimeProvider.System));
            Assert.Empty(await verification.VerifyRequestAsync(requestId));

            // Identity sequences continue past the copied ids.
            Assert.True(await UploadAsync(api, "After.pdf", 1) > contractId);

            var again = await AppCommand.RunAsync(environment, TimeSpan.FromMinutes(3), "migrate-data", "--to-postgres", target);
            Assert.Equal(3, again.ExitCode);
            Assert.Contains("not empty", again.Output);

            // --blobs database: the same SQLite instance into a second database whose instances will keep blobs in
            // PostgreSQL (ESign:Storage:Provider=Database). Started on a data folder of its own (no blobs/ to fall back
            // on), it serves the sealed PDF and the audit trail from the database's blob tables.
            await onPostgres.KillAsync();
            Assert.Equal(sourceFiles, SourceHashes(onSqlite.DataDir));
            var bad = await AppCommand.RunAsync(environment, TimeSpan.FromMinutes(1), "migrate-data", "--to-postgres", blobTarget, "--blobs", "cloud");
            Assert.Equal(2, bad.ExitCode);
            var toBlobs = await AppCommand.RunAsync(environment, TimeSpan.FromMinutes(3), "migrate-data", "--to-postgres", blobTarget, "--blobs", "database");
            output.WriteLine(toBlobs.Output);
            Assert.True(toBlobs.ExitCode == 0, toBlobs.Output);
            Assert.Matches(@"Blobs: (\d+) referenced, \1 copied to the target store \(PostgreSQL's StoredBlobs/BlobChunks\), \1 verified by SHA-256", toBlobs.Output);
            Assert.Equal(sourceFiles, SourceHashes(onSqlite.DataDir));
            onDatabaseBlobs = await AppProcess.StartAsync(new Dictionary<string, string>(AppProcess.PostgreSqlSettings(blobTarget))
            {
                ["ESign__Storage__Provider"] = "Database", ["Api__RateLimitPerMinute"] = "100000",
            });
            using var blobApi = new HttpClient { BaseAddress = new Uri(onDatabaseBlobs.BaseUrl) };
            blobApi.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            Assert.Equal("complete", (await Json(await blobApi.GetAsync($"/v1/files/pending/{requestId}/"))).GetProperty("status").GetString());
            Assert.Contains("Signature is Valid", await Poppler.PdfSigAsync(await blobApi.GetByteArrayAsync($"/v1/files/signed/{signedId}/download/")));
            var blobTrail = await blobApi.GetByteArrayAsync($"/v1/audit-trail/{signedId}/");
            Assert.Equal(trail, blobTrail);
            Assert.False(Directory.Exists(Path.Combine(onDatabaseBlobs.DataDir, "blobs")) &&
                         Directory.EnumerateFiles(Path.Combine(onDatabaseBlobs.DataDir, "blobs"), "*", SearchOption.AllDirectories).Any());
            var blobFactory = new PooledDbContextFactory<AppDbContext>((DbContextOptions<AppDbContext>)new DbContextOptionsBuilder<AppDbContext>()
                .UseESignDatabase(DatabaseProviderKind.PostgreSql, blobTarget)
                .UseApplicationServiceProvider(PostgreSqlDesignTimeFactory.ModelServices).Options);
            await using (var blobDb = await blobFactory.CreateDbContextAsync())
            {
                var referenced = await BlobReferences.Keys(blobDb).Distinct().CountAsync();
                Assert.Contains($"Blobs: {referenced} referenced", toBlobs.Output);
                Assert.True(referenced >= 5, $"{referenced} blobs"); // two originals, the sealed PDF, its audit trail, the signature image
                Assert.Equal(referenced, await blobDb.Set<StoredBlob>().CountAsync());
            }
            Assert.Empty(await new Audit.Verification(blobFactory, new DatabaseBlobStore(blobFactory, TimeProvider.System)).VerifyRequestAsync(requestId));
        }
        catch
        {
            output.WriteLine("SQLite app log:\n" + onSqlite.Log);
            if (onPostgres is not null) output.WriteLine("PostgreSQL app log:\n" + onPostgres.Log);
            if (onDatabaseBlobs is not null) output.WriteLine("PostgreSQL + database blobs app log:\n" + onDatabaseBlobs.Log);
            throw;
        }
        finally
        {
            await onSqlite.DisposeAsync();
            if (onPostgres is not null) await onPostgres.DisposeAsync();
            if (onDatabaseBlobs is not null) await onDatabaseBlobs.DisposeAsync();
            PostgresServer.DropDatabase(target);
            PostgresServer.DropDatabase(blobTarget);
        }
    }

    private static async Task<int> UploadAsync(HttpClient api, string name, int pages)
    {
        var upload = new MultipartFormDataContent
        {
            { new StringContent(name), "name" },
            { new ByteArrayContent(TestPdf.Pages(pages)) { Headers = { ContentType = new("application/pdf") } }, "file", name },
        };
        return (await Json(await api.PostAsync("/v1/files/original/", upload))).GetProperty("id").GetInt32();
    }

    /// <summary>
    /// SHA-256 of the database file and its WAL when that holds pages (a killed instance leaves committed pages there;
    /// SQLite's read-only open of a WAL database may leave an empty -wal behind, which holds nothing).
    /// </summary>
    private static string SourceHashes(string dataDir) => string.Join(" ", new[] { "esign.db", "esign.db-wal" }
        .Select(f => Path.Combine(dataDir, f)).Where(f => File.Exists(f) && new FileInfo(f).Length > 0)
        .Select(f => $"{Path.GetFileName(f)}={Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)))}"));

    private static long Scalar(string database, string sql)
    {
        using var c = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return (long)cmd.ExecuteScalar()!;
    }

    private static void Execute(string database, string sql)
    {
        using var c = new SqliteConnection($"Data Source={database};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        Assert.Equal(1, cmd.ExecuteNonQuery());
    }

    private static async Task<JsonElement> Json(HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"{(int)r.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }
}
