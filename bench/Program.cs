using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using ESignWeb.Bench;

if (args.Contains("--parts")) { Parts.Run(); return 0; }
if (args.Contains("--signer-page")) return await SignerPage.RunAsync(args);
if (args.Contains("--circuits")) return await CircuitMemory.RunAsync(args);
if (args.Contains("--pending-diag")) return await PendingListPartsBenchmarks.DiagnoseAsync();
if (args.Contains("--pending-parts")) return PendingListPartsBenchmarks.Run(args.Where(a => a != "--pending-parts").ToArray());
if (args.Contains("--pending")) return PendingListBenchmarks.Run(args.Where(a => a != "--pending").ToArray(), Root());
if (args.Contains("--dashboard")) return DashboardBenchmarks.Run(args.Where(a => a != "--dashboard").ToArray(), Root());

// Runs the sealing benchmark and writes docs/benchmarks.md with both figures and their ratio.
var config = ManualConfig.Create(DefaultConfig.Instance)
    .AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(15).WithLaunchCount(1))
    .WithOptions(ConfigOptions.DisableLogFile);
var summary = BenchmarkRunner.Run<SealingBenchmarks>(config, args);

var reports = summary.Reports.Where(r => r.ResultStatistics is not null).ToList();
if (reports.Count < 2)
{
    Console.Error.WriteLine("The benchmark did not produce both figures.");
    return 1;
}
double Mean(string method) => reports.Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method).ResultStatistics!.Mean / 1e6;
double Alloc(string method) => (reports.Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method).GcStats
    .GetBytesAllocatedPerOperation(reports.Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method).BenchmarkCase) ?? 0) / 1024.0 / 1024.0;
var bare = Mean(nameof(SealingBenchmarks.BarePdfSharp));
var ours = Mean(nameof(SealingBenchmarks.ESignWebSeal));
var ratio = ours / bare;
var inv = CultureInfo.InvariantCulture;
var root = Root();
var md = $"""
# Benchmarks

## Sealing (`bench/`, BenchmarkDotNet)

A generated 10-page Letter document, 5 signers × 3 fields (signature image, name, date). Both run in the same
process and run, on the same input and certificate (RSA 3072, SHA-256):

- **baseline**: bare PDFsharp — open, draw the same 15 items, add one page, sign (PKCS#7 detached, SHA-256), save;
- **ESignWeb**: `PdfSealer.Seal` (stamp with fitted text, flatten form fields, certificate page listing every signer
  with their signature image, sign) plus `AuditTrailPdf.Render` (the separate audit trail PDF).

Database and blob-store writes are not included (they are a few milliseconds on SQLite and do not depend on PDFsharp).

| | mean | allocated |
|---|---|---|
| bare PDFsharp (baseline) | {bare.ToString("0.00", inv)} ms | {Alloc(nameof(SealingBenchmarks.BarePdfSharp)).ToString("0.0", inv)} MB |
| ESignWeb seal + audit trail | {ours.ToString("0.00", inv)} ms | {Alloc(nameof(SealingBenchmarks.ESignWebSeal)).ToString("0.0", inv)} MB |
| **ratio** | **{ratio.ToString("0.00", inv)}×** | target ≤ 1.5× |

Measured {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} cores, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}.
Reproduce: `dotnet run -c Release --project bench` (writes this file); `-- --parts` prints a quick stopwatch
breakdown (bare, full, seal only, audit trail only) without BenchmarkDotNet.
""";
// Only this section is rewritten: the others (bench/wrk/run.sh writes the API one) are kept.
var path = Path.Combine(root, "docs", "benchmarks.md");
File.WriteAllText(path, BenchmarkSections.With(File.Exists(path) ? File.ReadAllText(path) : "", md, "## Sealing"));
Console.WriteLine(md);
return 0;

static string Root()
{
    var root = Directory.GetCurrentDirectory();
    while (!File.Exists(Path.Combine(root, "ESignWeb.sln")) && Directory.GetParent(root) is { } parent) root = parent.FullName;
    return root;
}
