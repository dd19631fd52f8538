using System.Diagnostics;

namespace ESignWeb.Tests.Fixtures;

/// <summary>Runs poppler-utils (pdfsig, pdftotext, pdfinfo) on a PDF and returns what they print.</summary>
public static class Poppler
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"{tool} did not start (apt-get install poppler-utils).");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout + await stderr);
    }

    public static Task<string> PdfSigAsync(byte[] pdf) => OnFileAsync(pdf, "pdfsig");

    /// <summary>The PDF's text (pdftotext, reading order).</summary>
    public static Task<string> PdfToTextAsync(byte[] pdf) => OnFileAsync(pdf, "pdftotext", "-");

    private static async Task<string> OnFileAsync(byte[] pdf, string tool, params string[] after)
    {
        var path = Path.Combine(Path.GetTempPath(), $"esign-{tool}-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, pdf);
        try { return (await RunAsync(tool, [path, .. after])).Output; }
        finally { File.Delete(path); }
    }
}
