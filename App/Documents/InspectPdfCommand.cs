using ESignWeb.Api;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using ESignWeb.Domain;

namespace ESignWeb.Documents;

/// <summary>
/// The isolated worker: <c>ESignWeb inspect-pdf --input FILE --output FILE [--max-pages N] [--timeout-seconds S]
/// [--password-stdin]</c>,
/// dispatched at the very top of Program.cs before any host is built. It inspects the untrusted file
/// (<see cref="PdfInspector.Inspect"/>) on a thread with a small stack and writes one JSON object on stdout: a
/// <see cref="PdfVerdict"/>. A password (templates) comes on stdin, never on the command line. Exit code 0 whenever
/// a verdict was written; <see cref="OutOfMemoryExit"/> when the heap limit was hit; <see cref="TimeoutExit"/> when its
/// own deadline (<c>--timeout-seconds</c>) passed; anything else is a crash. It never outlives its parent: a background
/// thread exits (<see cref="ParentGoneExit"/>) once the parent process is gone (Linux: getppid changes), so a killed web
/// process leaves no workers behind, and the deadline holds even if nobody watches.
/// </summary>
public static class InspectPdfCommand
{
    public const string Name = "inspect-pdf";
    public const int OutOfMemoryExit = 3;
    public const int UsageExit = 2;
    public const int TimeoutExit = 4;
    public const int ParentGoneExit = 5;
    private const string Usage = "usage: ESignWeb " + Name +
        " --input FILE --output FILE [--max-pages N] [--timeout-seconds S] [--parent-pid PID] [--password-stdin]";

    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == Name;

    public static int Run(string[] args)
    {
        string? input = null, output = null;
        var maxPages = 2000;
        var passwordOnStdin = false;
        double? timeoutSeconds = null;
        int? parentPid = null;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--input" when i + 1 < args.Length: input = args[++i]; break;
                case "--output" when i + 1 < args.Length: output = args[++i]; break;
                case "--max-pages" when i + 1 < args.Length && int.TryParse(args[i + 1], out var m) && m > 0: maxPages = m; i++; break;
                case "--timeout-seconds" when i + 1 < args.Length &&
                                              double.TryParse(args[i + 1], System.Globalization.NumberStyles.Float,
                                                  System.Globalization.CultureInfo.InvariantCulture, out var t) && t > 0:
                    timeoutSeconds = t; i++; break;
                case "--parent-pid" when i + 1 < args.Length && int.TryParse(args[i + 1], out var p) && p > 0:
                    parentPid = p; i++; break;
                case "--password-stdin": passwordOnStdin = true; break;
                default:
                    Console.Error.WriteLine(Usage);
                    return UsageExit;
            }
        }
        if (input is null || output is null)
        {
            Console.Error.WriteLine(Usage);
            return UsageExit;
        }
        WatchParent(parentPid, input, output);
        // Text tags are looked for only in the first 70 % of the time given, so that a long document is still accepted.
        DateTime? tagDeadline = timeoutSeconds is { } limit ? DateTime.UtcNow.AddSeconds(Math.Min(limit, 86_400) * 0.7) : null;
        if (timeoutSeconds is { } seconds)
            new Thread(() =>
            {
                Thread.Sleep(TimeSpan.FromSeconds(Math.Min(seconds, int.MaxValue / 1000.0)));
                Leave(TimeoutExit, input, output);
            }) { IsBackground = true, Name = "inspect-pdf deadline" }.Start();
        var password = passwordOnStdin ? Console.In.ReadToEnd() : null;

        PdfSharp.PdfSharpLicense.SetAgplLicense();
        PdfVerdict verdict;
        try
        {
            verdict = PdfStack.Run(() => PdfVerdict.Of(PdfInspector.Inspect(input, output, password, maxPages, tagDeadlineUtc: tagDeadline)), PdfStack.SmallBytes);
        }
        catch (AppException ex)
        {
            verdict = PdfVerdict.Refused(ex.Code, ex.Message);
        }
        catch (OutOfMemoryException)
        {
            return OutOfMemoryExit;
        }
        catch (Exception ex)
        {
            verdict = PdfVerdict.Refused(ApiErrorCode.FileConversionFailure,
                $"This PDF is damaged and cannot be read ({PdfInspector.Trim(ex.Message)}).");
        }
        if (!verdict.Accepted && File.Exists(output)) File.Delete(output);
        using var stdout = Console.OpenStandardOutput();
        JsonSerializer.Serialize(stdout, verdict, PdfVerdictJson.Default.PdfVerdict);
        stdout.Flush();
        return 0;
    }

    /// <summary>
    /// Exits (<see cref="ParentGoneExit"/>) as soon as the process that started this one is gone: a thread compares
    /// getppid() every 500 ms with <c>--parent-pid</c> (the parent's own pid, so a parent that died while this one was
    /// starting counts too; without it, the first getppid()). An orphan is re-parented to init or a subreaper. Linux
    /// only; elsewhere it does nothing (the parent kills the worker at its deadline, and the worker's own timer holds).
    /// </summary>
    private static void WatchParent(int? parentPid, string input, string output)
    {
        if (!OperatingSystem.IsLinux()) return;
        int parent;
        try { parent = parentPid ?? getppid(); _ = getppid(); }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException) { return; }
        new Thread(() =>
        {
            while (getppid() == parent) Thread.Sleep(500);
            Leave(ParentGoneExit, input, output);
        }) { IsBackground = true, Name = "inspect-pdf parent watch" }.Start();
    }

    /// <summary>Deletes what this worker may have written (best effort: the parent deletes them too) and exits.</summary>
    private static void Leave(int exitCode, string input, string output)
    {
        foreach (var path in PdfInspector.TempFiles(input, output))
        {
            try { File.Delete(path); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        }
        Environment.Exit(exitCode);
    }

    [DllImport("libc", EntryPoint = "getppid")]
    private static extern int getppid();
}

/// <summary>The worker's answer on stdout: the contract between <see cref="InspectPdfCommand"/> and its parent.</summary>
public sealed record PdfVerdict(
    [property: JsonPropertyName("accepted")] bool Accepted,
    [property: JsonPropertyName("code")] string? Code = null,
    [property: JsonPropertyName("message")] string? Message = null,
    [property: JsonPropertyName("page_count")] int PageCount = 0,
    [property: JsonPropertyName("pages")] IReadOnlyList<PdfVerdictPage>? Pages = null,
    [property: JsonPropertyName("encrypted")] bool Encrypted = false,
    [property: JsonPropertyName("rewritten")] bool Rewritten = false,
    [property: JsonPropertyName("removed")] IReadOnlyList<string>? Removed = null,
    [property: JsonPropertyName("text_tags")] IReadOnlyList<TextTag>? TextTags = null,
    [property: JsonPropertyName("text_tags_partial")] bool TextTagsPartial = false)
{
    public static PdfVerdict Of(PdfInspection i) => new(true, PageCount: i.Info.PageCount,
        Pages: i.Info.Pages.Select(p => new PdfVerdictPage(p.Left, p.Bottom, p.Width, p.Height, p.Rotate)).ToList(),
        Encrypted: i.Info.Encrypted, Rewritten: i.Rewritten, Removed: i.Removed, TextTags: i.Info.TextTags,
        TextTagsPartial: i.Info.TextTagsPartial);

    public static PdfVerdict Refused(ApiErrorCode code, string message) => new(false, code.WireCode(), message);

    /// <summary>The inspection this verdict describes; null for a refusal or an answer that does not add up. What was
    /// removed is mapped to the fixed descriptions (<see cref="ActiveContent.Describe"/>) before anyone logs it.</summary>
    public PdfInspection? ToInspection()
    {
        if (!Accepted || Pages is null || Pages.Count != PageCount || PageCount < 1) return null;
        var pages = Pages.Select(p => new PageGeometry(p.Left, p.Bottom, p.Width, p.Height, p.Rotate)).ToList();
        return new PdfInspection(new PdfInfo(PageCount, pages, Encrypted, SaneTags(TextTags, pages), TextTagsPartial), Rewritten,
            ActiveContent.Describe(Removed ?? []));
    }

    /// <summary>Only tags that add up (grammar, page, finite boxes inside it): the worker read a hostile file.</summary>
    private static List<TextTag> SaneTags(IReadOnlyList<TextTag>? tags, IReadOnlyList<PageGeometry> pages) =>
        (tags ?? []).Where(t => t is not null && t.Page >= 1 && t.Page <= pages.Count &&
                                TextTagGrammar.Parse(t.Text ?? "") is { } m && m.Type == t.Type && m.Signer == t.Signer && m.Id == t.Id &&
                                FieldRules.Validate(t.Field, pages[t.Page - 1], t.Page, pages.Count) is null &&
                                double.IsFinite(t.Glyphs.X + t.Glyphs.Y + t.Glyphs.Width + t.Glyphs.Height))
            .Take(TextTagGrammar.MaxTags).ToList();
}

public sealed record PdfVerdictPage(
    [property: JsonPropertyName("left")] double Left,
    [property: JsonPropertyName("bottom")] double Bottom,
    [property: JsonPropertyName("width")] double Width,
    [property: JsonPropertyName("height")] double Height,
    [property: JsonPropertyName("rotate")] int Rotate);

[JsonSerializable(typeof(PdfVerdict))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class PdfVerdictJson : JsonSerializerContext;
