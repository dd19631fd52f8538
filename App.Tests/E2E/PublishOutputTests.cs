using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// The top-level wwwroot/ and appsettings.json are what the app really serves and reads, in `dotnet run` (the build
/// output) and in `dotnet publish` output (what the Docker image contains).
/// </summary>
[Collection(E2ECollection.Name)]
public class PublishOutputTests
{
    private static readonly string TopLevelCss = File.ReadAllText(Path.Combine(RepoPaths.Root, "wwwroot", "app.css"));

    [Fact]
    public async Task The_build_output_serves_the_top_level_wwwroot_and_npm_libraries()
    {
        await using var app = await AppProcess.StartAsync();
        await AssertServesAssetsAsync(app.BaseUrl);
    }

    [Fact]
    public async Task The_published_app_serves_the_top_level_wwwroot_and_reads_the_top_level_appsettings()
    {
        var output = Directory.CreateTempSubdirectory("esign-publish-").FullName;
        try
        {
            var psi = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { "publish", Path.Combine(RepoPaths.Root, "App", "App.csproj"), "-c", RepoPaths.Configuration, "-o", output, "--nologo", "-p:ESignSkipNpm=true" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using (var publish = Process.Start(psi)!)
            {
                var log = await publish.StandardOutput.ReadToEndAsync() + await publish.StandardError.ReadToEndAsync();
                await publish.WaitForExitAsync();
                Assert.True(publish.ExitCode == 0, log);
            }

            Assert.Equal(TopLevelCss, File.ReadAllText(Path.Combine(output, "wwwroot", "app.css")));
            Assert.True(File.Exists(Path.Combine(output, "wwwroot", "lib", "pdfjs", "pdf.worker.min.mjs")));
            Assert.True(File.Exists(Path.Combine(output, "wwwroot", "lib", "signature_pad", "signature_pad.umd.min.js")));
            var settingsPath = Path.Combine(output, "appsettings.json");
            Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "appsettings.json")), File.ReadAllText(settingsPath));

            // Point the published appsettings.json at a data directory and start the app with no other setting:
            // the database appears there, so the file is what the app reads.
            var dataDir = Directory.CreateTempSubdirectory("esign-published-data-").FullName;
            var settings = JsonNode.Parse(File.ReadAllText(settingsPath))!;
            settings["ESign"]!["DataPath"] = dataDir;
            File.WriteAllText(settingsPath, settings.ToJsonString());
            await using var app = await AppProcess.StartAsync(appDll: Path.Combine(output, "ESignWeb.dll"), dataDir: dataDir);
            Assert.True(File.Exists(Path.Combine(dataDir, "esign.db")), "The published app did not use the DataPath of its appsettings.json.");
            await AssertServesAssetsAsync(app.BaseUrl);
        }
        finally
        {
            try { Directory.Delete(output, true); } catch (IOException) { }
        }
    }

    private static async Task AssertServesAssetsAsync(string baseUrl)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        Assert.Equal(TopLevelCss, await http.GetStringAsync("/app.css"));
        foreach (var path in new[] { "/lib/pdfjs/pdf.min.mjs", "/lib/pdfjs/pdf.worker.min.mjs",
                     "/_content/MudBlazor/MudBlazor.min.css", "/_framework/blazor.web.js", "/Components/Pdf/PdfViewer.razor.js" })
        {
            using var response = await http.GetAsync(path);
            Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode}");
        }
        Assert.Equal("Healthy", await http.GetStringAsync("/healthz"));
    }
}
