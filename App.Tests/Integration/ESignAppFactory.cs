using ESignWeb.Data;
using ESignWeb.Tests.Fixtures;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// The real app in-process (TestServer) over a fresh data directory: SQLite file, blobs, outbox folder. On PostgreSQL
/// (<see cref="Provider"/>; by default the environment's <c>ESIGN_TEST_DATABASE</c>) it gets a database of its own on
/// the test run's throw-away server (<see cref="PostgresServer"/>), copied from the run's migrated template database
/// (give <see cref="ConnectionString"/> an empty one to have start-up migrate it), dropped on dispose.
/// </summary>
public sealed class ESignAppFactory : WebApplicationFactory<Program>
{
    /// <summary>The provider the integration tests run on unless a test names one: <c>ESIGN_TEST_DATABASE=PostgreSql</c> runs them on PostgreSQL.</summary>
    public static DatabaseProviderKind DefaultProvider { get; } =
        Enum.TryParse<DatabaseProviderKind>(Environment.GetEnvironmentVariable("ESIGN_TEST_DATABASE"), ignoreCase: true, out var p) ? p : DatabaseProviderKind.Sqlite;

    public DatabaseProviderKind Provider { get; init; } = DefaultProvider;

    /// <summary>The PostgreSQL database's connection string (null on SQLite; give the first's to restart on the same database).</summary>
    public string? ConnectionString { get => _connectionString; init => _connectionString = value; }

    private string? _connectionString;

    public string DataDir { get; init; } = Directory.CreateTempSubdirectory("esign-it-").FullName;

    /// <summary>Leave the data directory in place on dispose (to start another host on it: a restart).</summary>
    public bool KeepData { get; init; }

    public int MaxUploadMegabytes { get; init; } = 1;

    /// <summary>Extra settings (e.g. <c>Smtp:Host</c>).</summary>
    public Dictionary<string, string> Settings { get; init; } = [];

    /// <summary>Replaces services after the app registered its own (e.g. a <c>FakeTimeProvider</c> as the app's clock).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ESign:DataPath", DataDir);
        builder.UseSetting("ESign:MaxUploadMegabytes", MaxUploadMegabytes.ToString());
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("ESign:PublicBaseUrl", "http://localhost/"); // where the test client sends its requests
        if (Provider == DatabaseProviderKind.PostgreSql)
        {
            _connectionString ??= PostgresServer.CreateDatabase(migrated: true); // a copy of the run's migrated template
            builder.UseSetting("ESign:Database:Provider", nameof(DatabaseProviderKind.PostgreSql));
            builder.UseSetting($"ConnectionStrings:{DatabaseProvider.ConnectionStringName}", ConnectionString);
        }
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        if (TestServices is { } configure) builder.ConfigureTestServices(configure);
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Creates a confirmed user and returns their id.</summary>
    public async Task<string> CreateUserAsync(string email, string first = "Sam", string last = "Sender")
    {
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, FirstName = first, LastName = last };
        var result = await users.CreateAsync(user, "Passw0rd!long");
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Description)));
        return user.Id;
    }

    /// <summary>A new API key for the user and an HTTP client that sends it as a Bearer token.</summary>
    public async Task<(HttpClient Client, string Key)> ApiClientAsync(string ownerId, string keyName = "tests")
    {
        var (key, _) = await Get<ESignWeb.Api.ApiKeyService>().CreateAsync(ownerId, keyName);
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return (client, key);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (!KeepData)
        {
            if (ConnectionString is not null) PostgresServer.DropDatabase(ConnectionString);
            try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { }
        }
    }
}
