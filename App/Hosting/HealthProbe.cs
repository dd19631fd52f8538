namespace ESignWeb.Hosting;

/// <summary>
/// <c>ESignWeb healthcheck [url]</c>: asks a running instance's <c>/healthz</c> and exits 0 when healthy, 1 otherwise.
/// Used by the Docker HEALTHCHECK, so the runtime image needs no curl.
/// </summary>
public static class HealthProbe
{
    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == "healthcheck";

    public static async Task<int> RunAsync(string[] args)
    {
        var url = args.Length > 1 ? args[1] : DefaultUrl();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            using var response = await http.GetAsync(url.TrimEnd('/') + "/healthz");
            Console.WriteLine($"{url}/healthz: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"{url}/healthz: {ex.Message}");
            return 1;
        }
    }

    /// <summary>The first HTTP port the instance listens on, per ASPNETCORE_HTTP_PORTS / ASPNETCORE_URLS.</summary>
    private static string DefaultUrl()
    {
        var ports = Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS");
        if (!string.IsNullOrWhiteSpace(ports)) return $"http://127.0.0.1:{ports.Split([',', ';'])[0].Trim()}";
        var urls = Environment.GetEnvironmentVariable("ASPNETCORE_URLS");
        if (!string.IsNullOrWhiteSpace(urls))
        {
            var first = urls.Split(';')[0].Trim().Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1").Replace("://0.0.0.0", "://127.0.0.1");
            return first;
        }
        return ESignServiceCollectionExtensions.DefaultUrl;
    }
}
