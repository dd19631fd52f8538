namespace ESignWeb.Tests.E2E;

/// <summary>Finds the repository and the app's own build output from the test binaries.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release, as the tests themselves were built.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Replace('\\', '/').Contains("/bin/Release/") ? "Release" : "Debug";

    public static string AppDll => Path.Combine(Root, "App", "bin", Configuration, "net10.0", "ESignWeb.dll");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ESignWeb.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("ESignWeb.sln not found above " + AppContext.BaseDirectory);
    }
}
