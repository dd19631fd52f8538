using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ESignWeb.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// Issue 11's bad values against the real app process over HTTP (no browser): days_valid 731, a non-http redirect, an
/// unknown role, a password on a final_copy_reader and a script tag in the message each get a precise
/// <c>400 bad_request</c> from both SignEasy create calls (JSON and form bodies), and nothing is created — no request,
/// recipient, document, outbox job or audit event in the database, no mail in the outbox folder, nothing listed.
/// </summary>
[Collection(E2ECollection.Name)]
public class RequestOptionsBadValuesTests(ITestOutputHelper output)
{
    private const string Jack = "jack@company.com", Reader = "reader@company.com";

    [Fact]
    public async Task The_issues_bad_values_get_precise_bad_requests_from_the_running_app_and_create_nothing()
    {
        await using var app = await AppProcess.StartAsync();
        var keyOutput = await app.RunCommandAsync("apikey", "create", "--email", "bad.values@example.com", "--name", "bad values");
        var key = keyOutput.Split('\n').Select(l => l.Trim()).Last(l => l.StartsWith("esk_", StringComparison.Ordinal));
        using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var upload = await api.PostAsync("/v1/files/original/", new MultipartFormDataContent
        {
            { new StringContent("Contract.pdf"), "name" },
            { new ByteArrayContent(TestPdf.Pages(1)) { Headers = { ContentType = new("application/pdf") } }, "file", "Contract.pdf" },
        });
        var uploaded = await upload.Content.ReadAsStringAsync();
        Assert.True(upload.IsSuccessStatusCode, uploaded);
        var fileId = JsonDocument.Parse(uploaded).RootElement.GetProperty("id").GetInt32();
        var before = Counts(app.DatabasePath);
        Assert.Equal((0, 0, 1), (before.Requests, before.Recipients, before.Documents)); // the uploaded document only

        var cases = new (string What, Dictionary<string, object?> Extra, object[] Recipients, string Message)[]
        {
            ("days_valid 731", new() { ["days_valid"] = 731 }, [Person(Jack)],
                "days_valid must be between 0 and 730 (it is 731)."),
            ("a javascript: redirect", new() { ["redirect_url"] = "javascript:alert(1)" }, [Person(Jack)],
                "redirect_url must be an absolute http or https URL."),
            ("an ftp declined redirect", new() { ["declined_redirect_url"] = "ftp://files.example.com/x" }, [Person(Jack)],
                "declined_redirect_url must be an absolute http or https URL."),
            ("an unknown role", [], [Person(Jack, ("role", "boss"))],
                "recipients[1].role must be one of signer, approver, final_copy_reader (got \"boss\")."),
            ("a password on a final_copy_reader", [], [Person(Jack), Person(Reader, ("role", "final_copy_reader"), ("password", "Secret123"))],
                $"{Reader}: a final_copy_reader takes no part in signing and cannot have a password."),
            ("a script tag in the message", new() { ["email_message"] = "Hi <script>alert(1)</script>" }, [Person(Jack)],
                "The message may not contain a <script> element (allowed: a, abbr, acronym, b, blockquote, code, em, i, ul, li, ol, strong; plain links become clickable)."),
            ("a script tag in SignEasy's message", new() { ["message"] = "<b>Hi</b><script>alert(1)</script>" }, [Person(Jack)],
                "The message may not contain a <script> element (allowed: a, abbr, acronym, b, blockquote, code, em, i, ul, li, ol, strong; plain links become clickable)."),
        };
        foreach (var (what, extra, recipients, message) in cases)
        {
            foreach (var withFields in new[] { false, true })
            {
                var body = new Dictionary<string, object?> { ["original_file_id"] = fileId, ["name"] = "Bad values", ["is_ordered"] = true, ["recipients"] = recipients };
                foreach (var (k, v) in extra) body[k] = v;
                if (withFields)
                    body["fields_payload"] = new[] { new { email = Jack, type = "signature", required = true, page_number = 1, x = 72, y = 72, width = 160, height = 48, additional_info = new { } } };
                var path = withFields ? "/v1/files/pending/fields/" : "/v1/files/pending/";
                await AssertRefusedAsync(await api.PostAsJsonAsync(path, body), $"{what} (JSON to {path})", message);
            }
            // The same as a form body (values as text, arrays and objects as JSON text).
            var form = new List<KeyValuePair<string, string>>
            {
                new("original_file_id", fileId.ToString()), new("name", "Bad values"), new("recipients", JsonSerializer.Serialize(recipients)),
            };
            form.AddRange(extra.Select(e => new KeyValuePair<string, string>(e.Key, e.Value is string s ? s : JsonSerializer.Serialize(e.Value))));
            await AssertRefusedAsync(await api.PostAsync("/v1/files/pending/", new FormUrlEncodedContent(form)), $"{what} (form)", message);
        }

        Assert.Equal(before, Counts(app.DatabasePath));
        var outbox = Path.Combine(app.DataDir, "outbox");
        Assert.Empty(Directory.Exists(outbox) ? Directory.GetFiles(outbox, "*.eml") : []);
        var listed = await api.GetAsync("/v1/files/pending/");
        Assert.Equal(0, JsonDocument.Parse(await listed.Content.ReadAsStringAsync()).RootElement.GetProperty("files").GetArrayLength());

        // The same body without the bad value is accepted: the refusals were for the values, not the body.
        var good = await api.PostAsJsonAsync("/v1/files/pending/", new Dictionary<string, object?>
        {
            ["original_file_id"] = fileId, ["name"] = "Good values", ["is_ordered"] = true, ["days_valid"] = 730,
            ["redirect_url"] = "https://example.com/done", ["email_message"] = "Hi <b>Jack</b>",
            ["recipients"] = new[] { Person(Jack, ("role", "signer")), Person(Reader, ("role", "final_copy_reader")) },
        });
        Assert.True(good.IsSuccessStatusCode, await good.Content.ReadAsStringAsync());
        Assert.Equal(1, Counts(app.DatabasePath).Requests);
    }

    private async Task AssertRefusedAsync(HttpResponseMessage response, string what, string message)
    {
        var text = await response.Content.ReadAsStringAsync();
        output.WriteLine($"{what}: {(int)response.StatusCode} {text}");
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {(int)response.StatusCode} {text}");
        var e = JsonDocument.Parse(text).RootElement;
        Assert.Equal("bad_request", e.GetProperty("error_code").GetString());
        Assert.Equal(message, e.GetProperty("message").GetString());
    }

    private static Dictionary<string, object?> Person(string email, params (string Key, object? Value)[] options)
    {
        var p = new Dictionary<string, object?> { ["email"] = email, ["first_name"] = email.Split('@')[0], ["last_name"] = "Tester" };
        foreach (var (k, v) in options) p[k] = v;
        return p;
    }

    /// <summary>Rows in the app's database: requests, recipients, documents, outbox jobs, audit events.</summary>
    private static (int Requests, int Recipients, int Documents, int Outbox, int Events) Counts(string database)
    {
        using var c = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        c.Open();
        int Count(string table)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
            return Convert.ToInt32(cmd.ExecuteScalar());
        }
        return (Count("Requests"), Count("Recipients"), Count("Documents"), Count("Outbox"), Count("AuditEvents"));
    }
}
