namespace ESignWeb.Bench;

/// <summary>docs/benchmarks.md is shared: each benchmark rewrites only its own section and keeps the others.</summary>
public static class BenchmarkSections
{
    public static string With(string existing, string md, string heading)
    {
        var section = md[md.IndexOf(heading, StringComparison.Ordinal)..];
        var start = existing.IndexOf(heading, StringComparison.Ordinal);
        if (start < 0) return existing.Length == 0 ? md + "\n" : existing.TrimEnd('\n') + "\n\n" + section.TrimEnd('\n') + "\n";
        var end = existing.IndexOf("\n## ", start, StringComparison.Ordinal);
        return existing[..start] + section.TrimEnd('\n') + "\n" + (end < 0 ? "" : existing[end..]);
    }
}
