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
var app = builder.Build();
if (Commands.IsCommand(args)) return await Commands.RunAsync(app, args);
app.UseESign();
await app.RunAsync();
return 0;

/// <summary>Entry point; public so integration tests can host the app.</summary>
public partial class Program;
