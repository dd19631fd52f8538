using ESignWeb.Accounts;
using ESignWeb.Api;
using ESignWeb.Data;
using ESignWeb.Domain;
using Microsoft.AspNetCore.Identity;

namespace ESignWeb.Hosting;

/// <summary>
/// Command-line commands run instead of the server:
/// <c>apikey create --email user@example.com [--name label]</c> creates the user if absent, prints a new API key and exits;
/// <c>admin grant --email user@example.com</c> makes an existing account an administrator (and confirms its address);
/// <c>admin revoke --email user@example.com</c> takes the role away;
/// <c>migrate-data --to-postgres "&lt;connection string&gt;" [--blobs filesystem|database]</c> copies this SQLite instance's rows
/// and blobs into an empty PostgreSQL database (blobs: to the data folder or to PostgreSQL's blob tables) and verifies them (<see cref="SqliteToPostgreSql"/>; docs/operations.md).
/// </summary>
public static class Commands
{
    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "apikey" or "admin" or "migrate-data";

    public static async Task<int> RunAsync(WebApplication app, string[] args) => args[0] switch
    {
        "admin" => await AdminAsync(app, args),
        "migrate-data" => await MigrateDataAsync(app, args),
        _ => await ApiKeyAsync(app, args),
    };

    private static async Task<int> MigrateDataAsync(WebApplication app, string[] args)
    {
        const string usage = "Usage: ESignWeb migrate-data --to-postgres \"Host=…;Database=…;Username=…;Password=…\" [--blobs filesystem|database]";
        if (Option(args, "--to-postgres") is not { Length: > 0 } target)
        {
            Console.Error.WriteLine(usage);
            return 2;
        }
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ESignOptions>>().Value;
        if (options.Database.Provider != DatabaseProviderKind.Sqlite)
        {
            Console.Error.WriteLine("migrate-data reads an SQLite instance: run it with the instance's own settings (ESign:Database:Provider = Sqlite).");
            return 2;
        }
        // Where the PostgreSQL instance will keep its blobs (its ESign:Storage:Provider); by default where this one does.
        var blobsTo = options.Storage.Provider;
        if (Option(args, "--blobs") is { } blobsOption && !Enum.TryParse(blobsOption, ignoreCase: true, out blobsTo) || !Enum.IsDefined(blobsTo))
        {
            Console.Error.WriteLine(usage);
            Console.Error.WriteLine("--blobs: filesystem (the data folder's blobs/, shared by the instances) or database (PostgreSQL's StoredBlobs/BlobChunks tables).");
            return 2;
        }
        var paths = app.Services.GetRequiredService<Storage.DataPaths>();
        var blobs = app.Services.GetRequiredService<Storage.IBlobStore>();
        var targetBlobs = blobsTo == options.Storage.Provider ? blobs
            : blobsTo == Storage.StorageProviderKind.Database ? SqliteToPostgreSql.PostgreSqlBlobStore(target)
            : new Storage.FileSystemBlobStore(paths, TimeProvider.System);
        Console.WriteLine($"Source: {paths.Database} (read-only) and its blobs ({options.Storage.Provider}" +
                          $"{(options.Storage.Provider == Storage.StorageProviderKind.FileSystem ? $": {paths.Blobs}" : "")}); " +
                          $"blobs to: {(blobsTo == Storage.StorageProviderKind.Database ? "the PostgreSQL database" : paths.Blobs)}.");
        int code;
        try
        {
            code = await new SqliteToPostgreSql(Console.Out).RunAsync(paths.Database, target, blobs, targetBlobs);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or ArgumentException)
        {
            // Unreachable server, wrong password, a malformed connection string: say so (no stack trace), exit 1.
            Console.Error.WriteLine($"migrate-data failed: {ex.Message.TrimEnd('.')}. The SQLite database was not changed.");
            return SqliteToPostgreSql.Failed;
        }
        if (code == SqliteToPostgreSql.Verified)
            Console.WriteLine("Next: start the instances with ESign:Database:Provider=PostgreSql, ConnectionStrings:ESign=<this connection string> and " +
                              $"ESign:Storage:Provider={blobsTo}" +
                              (blobsTo == Storage.StorageProviderKind.FileSystem ? $", ESign:DataPath at {paths.Root} (or a shared copy of it: blobs/ is read there)." : ".") +
                              " The keys (Data Protection, signing-link key, certificate, OAuth) are in the database now.");
        return code;
    }

    private static async Task<int> ApiKeyAsync(WebApplication app, string[] args)
    {
        if (args.Length < 2 || args[1] != "create" || Option(args, "--email") is not { } email)
        {
            Console.Error.WriteLine("Usage: ESignWeb apikey create --email <user e-mail> [--name <label>]");
            return 2;
        }
        app.Services.MigrateDatabase();
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        try
        {
            var key = await scope.ServiceProvider.GetRequiredService<ApiKeyService>()
                .CreateForEmailAsync(users, email, Option(args, "--name") ?? "command line");
            Console.WriteLine(key);
            return 0;
        }
        catch (AppException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }
    }

    private static async Task<int> AdminAsync(WebApplication app, string[] args)
    {
        if (args.Length < 2 || args[1] is not ("grant" or "revoke") || Option(args, "--email") is not { } email)
        {
            Console.Error.WriteLine("Usage: ESignWeb admin grant --email <user e-mail>   (or: admin revoke --email <user e-mail>)");
            return 2;
        }
        app.Services.MigrateDatabase();
        var administrators = app.Services.GetRequiredService<Administrators>();
        try
        {
            if (args[1] == "grant")
            {
                await administrators.GrantAsync(email);
                Console.WriteLine($"{email} is an administrator (its address is confirmed).");
            }
            else
            {
                await administrators.RevokeAsync(email);
                Console.WriteLine($"{email} is no longer an administrator.");
            }
            return 0;
        }
        catch (AppException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
