namespace ESignWeb.Hosting;

/// <summary>
/// Where links in mail point. <c>ESign:PublicBaseUrl</c> when set; otherwise the address the sender's own request came
/// to (its Host header), which is fine on a loopback-only instance but should be pinned on a public one — the app
/// logs a warning at start-up when it listens beyond loopback with no PublicBaseUrl.
/// </summary>
public static class LinkBase
{
    public static string Resolve(ESignOptions options, string requestBase) =>
        string.IsNullOrWhiteSpace(options.PublicBaseUrl) ? requestBase : options.PublicBaseUrl.TrimEnd('/') + "/";
}
