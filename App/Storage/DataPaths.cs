using ESignWeb.Hosting;
using Microsoft.Extensions.Options;

namespace ESignWeb.Storage;

/// <summary>Everything the instance keeps on disk lives under one data directory (<c>ESign:DataPath</c>).</summary>
public sealed class DataPaths
{
    public DataPaths(IOptions<ESignOptions> options)
    {
        Root = Path.GetFullPath(string.IsNullOrWhiteSpace(options.Value.DataPath) ? "data" : options.Value.DataPath);
        foreach (var dir in new[] { Root, Blobs, Outbox, Temp, Keys }) Directory.CreateDirectory(dir);
    }

    public string Root { get; }
    public string Database => Path.Combine(Root, "esign.db");
    public string Blobs => Path.Combine(Root, "blobs");
    public string Outbox => Path.Combine(Root, "outbox");
    public string Temp => Path.Combine(Root, "tmp");
    public string Keys => Path.Combine(Root, "keys");

    public string NewTempFile() => Path.Combine(Temp, Guid.NewGuid().ToString("N") + ".part");
}
