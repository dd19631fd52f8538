using ESignWeb.Documents;
using ESignWeb.Hosting;

// The isolated PDF inspection worker (started by the web process for every untrusted upload): no host, starts fast.
if (InspectPdfCommand.IsRequested(args)) return InspectPdfCommand.Run(args);
if (HealthProbe.IsRequested(args)) return await HealthProbe.RunAsync(args);

// The content root is the folder of the binaries: the repository's top-level appsettings.json is copied there by
// the build, so `dotnet run`, the published output and the Docker image all read the same file.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});
builder.AddESign();
var started = false;
try
{
    var app = builder.Build();
    if (Commands.IsCommand(args)) return await Commands.RunAsync(app, args);
    app.Lifetime.ApplicationStarted.Register(() => started = true);
    app.UseESign();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (!started && ex is Microsoft.Extensions.Options.OptionsValidationException or InvalidOperationException)
{
    // A setting that makes the instance unsafe or unusable (e.g. ESign:PublicBaseUrl beyond loopback): say which, exit 1.
    Console.Error.WriteLine($"ESignWeb cannot start: {ex.Message}");
    return 1;
}

/// <summary>Entry point; public so integration tests can host the app.</summary>
public partial class Program;
