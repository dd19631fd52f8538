using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using ESignWeb.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// Issue 12's real-client test: Box's own Node SDK (<c>box-node-sdk</c>, pinned in <c>App.Tests/Sdk/box/package-lock.json</c>,
/// installed by <c>.ci/test</c> with <c>npm ci</c>), unchanged — only <c>withCustomBaseUrls</c> and a
/// <c>BoxDeveloperTokenAuth</c> holding an ESignWeb API key — drives the real app process through
/// <c>App.Tests/Sdk/box/box-sdk-test.mjs</c>. The script prints one JSON line with each SDK call's outcome; every call
/// must pass (a response the SDK's deserialisers reject is a failure), and the database and the mails must show what
/// the calls did.
/// </summary>
[Collection(E2ECollection.Name)]
public class BoxSdkTests(ITestOutputHelper output)
{
    private const string Sender = "sam.sdk@example.com", Intruder = "ivy.other@example.com";
    private const string SignerA = "ann.sdk@example.com", SignerB = "ben.sdk@example.com", Reader = "rita.reader@example.com";

    /// <summary>Every SDK call the script makes; each must be in the report and passed.</summary>
    private static readonly string[] Calls =
    [
        "users.getUserMe", "folders.createFolder", "folders.getFolderById", "uploads.uploadFile",
        "uploads.uploadFile (same name: 409 item_name_in_use)", "files.getFileById", "downloads.downloadFile",
        "signRequests.createSignRequest", "signRequests.createSignRequest (fields)", "signRequests.getSignRequestById",
        "downloads.downloadFile (sign_files)", "signRequests.getSignRequests (marker paging, limit 3)", "signRequests.resendSignRequest",
        "other user: signRequests.getSignRequestById (404)", "other user: signRequests.cancelSignRequest (404)",
        "signRequests.cancelSignRequest", "other user: files.getFileById (404)", "signRequests.getSignRequestById (missing: 404)",
    ];

    public static string SdkFolder => Path.Combine(RepoPaths.Root, "App.Tests", "Sdk", "box");

    [Fact]
    public async Task Box_node_sdk_uploads_creates_reads_pages_resends_and_cancels_and_another_user_gets_its_404()
    {
        Assert.True(File.Exists(Path.Combine(SdkFolder, "node_modules", "box-node-sdk", "package.json")),
            $"box-node-sdk is not installed: run `npm ci` in {SdkFolder} (.ci/test does).");
        await using var smtp = await SmtpSink.StartAsync();
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Smtp__Host"] = "127.0.0.1", ["Smtp__Port"] = smtp.Port.ToString(), ["Smtp__Security"] = "None",
            ["ESign__PublicBaseUrl"] = "http://127.0.0.1:{port}",
        });
        var key = await KeyAsync(app, Sender);
        var otherKey = await KeyAsync(app, Intruder);
        var pdf = Path.Combine(Directory.CreateTempSubdirectory("esign-sdk-").FullName, "contract.pdf");
        await File.WriteAllBytesAsync(pdf, TestPdf.Pages(2));
        var run = Guid.NewGuid().ToString("N")[..8];

        var clock = Stopwatch.StartNew();
        var (code, stdout, stderr) = await NodeScript.RunAsync(SdkFolder, "box-sdk-test.mjs", new Dictionary<string, string>
        {
            ["BOX_BASE_URL"] = app.BaseUrl, ["BOX_TOKEN"] = key, ["BOX_TOKEN_2"] = otherKey, ["BOX_PDF"] = pdf,
            ["BOX_SIGNERS"] = $"{SignerA},{SignerB}", ["BOX_READER"] = Reader, ["BOX_RUN"] = run,
        }, TimeSpan.FromMinutes(4));
        output.WriteLine($"node box-sdk-test.mjs: exit {code} in {clock.Elapsed.TotalSeconds:0.0} s");
        output.WriteLine(stdout);
        if (stderr.Length > 0) output.WriteLine("stderr: " + stderr);
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith('{'));
        Assert.True(line is not null, $"The script printed no JSON (exit {code}).\nstdout: {stdout}\nstderr: {stderr}\nApp log:\n{NodeScript.Tail(app.Log)}");
        using var report = JsonDocument.Parse(line);
        var steps = report.RootElement.GetProperty("steps");
        var failed = Calls.Where(c => !steps.TryGetProperty(c, out var s) || !s.GetProperty("ok").GetBoolean()).ToList();
        Assert.True(failed.Count == 0, $"SDK calls that failed or did not run: {string.Join("; ", failed.Select(f =>
            $"{f} → {(steps.TryGetProperty(f, out var s) ? s.ToString() : "not run")}"))}\nApp log:\n{NodeScript.Tail(app.Log)}");
        Assert.Equal(0, code);

        // Paging really went across 3 pages of at most 3.
        var paging = steps.GetProperty("signRequests.getSignRequests (marker paging, limit 3)");
        Assert.True(paging.GetProperty("pages").GetInt32() >= 3, paging.ToString());

        // The database: the request with the options the SDK sent, still open; the one the SDK cancelled, cancelled.
        var ids = report.RootElement.GetProperty("ids");
        var stored = Stored(app.DatabasePath, int.Parse(ids.GetProperty("signRequest").GetString()!));
        output.WriteLine($"stored: {stored}");
        Assert.Equal(($"crm-{run}", 10, true, "https://example.com/signed", $"Please sign ({run})", "Incomplete"),
            (stored.ExternalId, stored.DaysValid, stored.Reminders, stored.Redirect, stored.Subject, stored.Status));
        Assert.Equal("Canceled", Stored(app.DatabasePath, int.Parse(ids.GetProperty("cancelled").GetString()!)).Status);
        Assert.Equal(7, ids.GetProperty("created").GetArrayLength());

        // The mails: Ben (only in the first request) got the invitation and, from resend, a second mail with his link.
        await Poll.UntilTrueAsync(() => smtp.MessagesTo(SignerB).Count(m => SignLink.IsMatch(m.TextBody ?? "")) >= 2,
            $"two mails with a signing link to {SignerB} (invitation + resend)", 60,
            () => Task.FromResult(string.Join(" | ", smtp.Messages().Select(m => $"{m.To}: {m.Subject}"))));
        Assert.Contains(smtp.MessagesTo(SignerB), m => m.Subject == $"Please sign ({run})");
        Assert.DoesNotContain(smtp.MessagesTo(Reader), m => SignLink.IsMatch(m.TextBody ?? ""));
    }

    private static readonly Regex SignLink = new(@"http://127\.0\.0\.1:\d+/sign/[A-Za-z0-9_-]{43}");

    [Fact]
    public void Every_status_the_sign_request_object_answers_is_in_the_pinned_sdks_enumeration()
    {
        // box-node-sdk's deserialiser throws on any status outside its list: read that list from the pinned SDK itself.
        var schema = Path.Combine(SdkFolder, "node_modules", "box-node-sdk", "lib", "schemas", "signRequest.js");
        Assert.True(File.Exists(schema), $"box-node-sdk is not installed: run `npm ci` in {SdkFolder} (.ci/test does).");
        var code = File.ReadAllText(schema);
        var start = code.IndexOf("function deserializeSignRequestStatusField(", StringComparison.Ordinal);
        Assert.True(start >= 0, "deserializeSignRequestStatusField not found in " + schema);
        var body = code[start..code.IndexOf("throw ", start, StringComparison.Ordinal)];
        var sdk = Regex.Matches(body, @"val == '([^']+)'").Select(m => m.Groups[1].Value).ToHashSet();
        output.WriteLine("SDK statuses: " + string.Join(", ", sdk));
        Assert.True(sdk.Count >= 10, string.Join(", ", sdk));
        Assert.All(ESignWeb.Api.Box.BoxStatus.SignRequestStatuses, s => Assert.Contains(s, sdk));
        Assert.DoesNotContain("downloaded", sdk); // why the object never says it (BoxStatus.OfSignRequest)
    }

    internal static async Task<string> KeyAsync(AppProcess app, string email) =>
        (await app.RunCommandAsync("apikey", "create", "--email", email, "--name", "box-sdk"))
        .Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("esk_"));


    private sealed record StoredRequest(string Status, string? ExternalId, int? DaysValid, bool Reminders, string? Redirect, string? Subject);

    private static StoredRequest Stored(string db, int requestId)
    {
        using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT Status, ExternalId, DaysValid, RemindersEnabled, RedirectUrl, EmailSubject FROM Requests WHERE Id = $id";
        cmd.Parameters.AddWithValue("$id", requestId);
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read(), $"No request {requestId} in the database");
        string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        return new StoredRequest(((Domain.RequestStatus)r.GetInt32(0)).ToString(), S(1), r.IsDBNull(2) ? null : r.GetInt32(2),
            !r.IsDBNull(3) && r.GetBoolean(3), S(4), S(5));
    }
}
