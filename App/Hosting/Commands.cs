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
/// <c>admin revoke --email user@example.com</c> takes the role away.
/// </summary>
public static class Commands
{
    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "apikey" or "admin";

    public static async Task<int> RunAsync(WebApplication app, string[] args) =>
        args[0] == "admin" ? await AdminAsync(app, args) : await ApiKeyAsync(app, args);

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
