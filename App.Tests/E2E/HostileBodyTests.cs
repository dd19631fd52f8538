using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ESignWeb.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// Hostile bodies against the real app process (issue 9): gzip bombs, oversized bodies, a form of 100 000 fields, more
/// fields than the prepare page allows, a fractional page number, and names with bidi overrides and line breaks.
/// Each refusal must be quick, leave nothing behind, keep the server's memory flat and /healthz at 200.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class HostileBodyTests(HostileBodyTests.App app, ITestOutputHelper output) : IClassFixture<HostileBodyTests.App>
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task Gzip_json_bomb_is_refused_quickly_without_memory_growth()
    {
        // 50 MiB of JSON text that gzips to ~50 KB.
        var json = "{\"original_file_id\": 1, \"name\": \"" + new string('a', 50 * (int)MiB) + "\"}";
        var gz = Gzip(Encoding.UTF8.GetBytes(json));
        var before = await app.CountAsync("/v1/files/pending/");
        output.WriteLine($"gzip JSON bomb: {gz.Length / 1024} KB → {json.Length / MiB} MiB");
        Assert.True(gz.Length < 200 * 1024);

        var (response, elapsed, growth) = await app.MeasureAsync(() =>
        {
            var content = new ByteArrayContent(gz);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            content.Headers.ContentEncoding.Add("gzip");
            return app.Api.PostAsync("/v1/files/pending/fields/", content);
        });
        output.WriteLine($"refused in {elapsed.TotalMilliseconds:0} ms, RSS growth {growth / MiB} MiB");
        await AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "request_too_large", "1 MiB limit");
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"took {elapsed}");
        Assert.True(growth < 100 * MiB, $"RSS grew by {growth / MiB} MiB");
        await app.AssertHealthyAsync();
        Assert.Equal(before, await app.CountAsync("/v1/files/pending/"));
    }

    [Fact]
    public async Task Gzip_multipart_bombs_are_refused_at_the_upload_limit()
    {
        var before = await app.CountAsync("/v1/files/original/");

        // The whole body gzip-compressed (Content-Encoding: gzip): a 200 MiB file part in ~200 KB.
        var boundary = "----bomb" + Guid.NewGuid().ToString("N");
        var gz = GzipMultipart(boundary, "bomb.pdf", 200 * MiB);
        output.WriteLine($"gzip multipart bomb: {gz.Length / 1024} KB → 200 MiB");
        var (response, elapsed, growth) = await app.MeasureAsync(() =>
        {
            var content = new ByteArrayContent(gz);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");
            content.Headers.ContentEncoding.Add("gzip");
            return app.Api.PostAsync("/v1/files/original/", content);
        });
        output.WriteLine($"whole-body bomb refused in {elapsed.TotalMilliseconds:0} ms, RSS growth {growth / MiB} MiB");
        await AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "file_too_large", "55 MiB");
        Assert.True(elapsed < TimeSpan.FromSeconds(10), $"took {elapsed}");
        Assert.True(growth < 100 * MiB, $"RSS grew by {growth / MiB} MiB");

        // The file part itself gzip-compressed (recognised by its magic bytes): 200 MiB of zeros in ~200 KB.
        var part = Gzip(new byte[200 * MiB]);
        (response, elapsed, growth) = await app.MeasureAsync(() =>
        {
            var form = new MultipartFormDataContent { { new StringContent("bomb2.pdf"), "name" }, { new ByteArrayContent(part), "file", "bomb2.pdf" } };
            return app.Api.PostAsync("/v1/files/original/", form);
        });
        output.WriteLine($"file-part bomb refused in {elapsed.TotalMilliseconds:0} ms, RSS growth {growth / MiB} MiB");
        await AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "file_too_large", "50 MB");
        Assert.True(elapsed < TimeSpan.FromSeconds(10), $"took {elapsed}");
        Assert.True(growth < 100 * MiB, $"RSS grew by {growth / MiB} MiB");

        await app.AssertHealthyAsync();
        Assert.Equal(before, await app.CountAsync("/v1/files/original/"));
    }

    [Fact]
    public async Task Oversized_plain_json_is_refused_with_or_without_content_length()
    {
        var big = Encoding.UTF8.GetBytes("{\"name\": \"" + new string('b', 2 * (int)MiB) + "\"}");

        var declared = new ByteArrayContent(big);
        declared.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var sw = Stopwatch.StartNew();
        // Expect: 100-continue, as careful clients send big bodies: the 413 comes before any of the body is sent.
        await AssertErrorAsync(await app.Api.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v2/signing/url/") { Content = declared, Headers = { ExpectContinue = true } }),
            HttpStatusCode.RequestEntityTooLarge, "request_too_large", "limit");
        output.WriteLine($"2 MiB JSON with Content-Length refused in {sw.ElapsedMilliseconds} ms");

        // Chunked (no Content-Length): counted while read.
        // The server answers 413 as soon as the limit is passed and closes the connection; a client still writing the
        // rest of its body may see that close (broken pipe) before it reads the answer. Either way nothing is kept.
        var before = await app.CountAsync("/v1/files/pending/");
        var chunked = new ChunkedContent(big, "application/json");
        sw.Restart();
        try
        {
            await AssertErrorAsync(await app.Api.PostAsync("/v1/files/pending/", chunked), HttpStatusCode.RequestEntityTooLarge, "request_too_large", "limit");
            output.WriteLine($"2 MiB chunked JSON refused in {sw.ElapsedMilliseconds} ms");
        }
        catch (HttpRequestException ex) when (ex.InnerException is IOException)
        {
            output.WriteLine($"2 MiB chunked JSON: the server closed the connection mid-body after {sw.ElapsedMilliseconds} ms");
        }
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"took {sw.Elapsed}");
        Assert.Equal(before, await app.CountAsync("/v1/files/pending/"));

        // Outside the API: plain 413.
        var page = new ByteArrayContent(big);
        page.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        using var plain = await app.Anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/Account/Login") { Content = page, Headers = { ExpectContinue = true } });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, plain.StatusCode);
        await app.AssertHealthyAsync();
    }

    [Fact]
    public async Task A_form_of_100_000_fields_is_refused_by_the_api_and_the_account_pages()
    {
        var body = string.Join('&', Enumerable.Range(0, 100_000).Select(i => $"f{i % 1000}=1"));
        Assert.True(body.Length < MiB); // under the byte limit: the field count refuses it
        var before = await app.CountAsync("/v1/files/pending/");

        var sw = Stopwatch.StartNew();
        using var api = await app.Api.PostAsync("/v1/files/pending/fields/", new StringContent(body, Encoding.ASCII, "application/x-www-form-urlencoded"));
        await AssertErrorAsync(api, HttpStatusCode.BadRequest, "bad_request", "Form value count limit");
        output.WriteLine($"100 000 form fields (API) refused in {sw.ElapsedMilliseconds} ms");

        using var login = await app.Anonymous.PostAsync("/Account/Login", new StringContent(body, Encoding.ASCII, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
        Assert.Contains("Form value count limit", await login.Content.ReadAsStringAsync());

        await app.AssertHealthyAsync();
        Assert.Equal(before, await app.CountAsync("/v1/files/pending/"));
    }

    [Fact]
    public async Task The_api_takes_exactly_the_prepare_pages_field_limit_and_integer_pages()
    {
        var fileId = await app.UploadAsync("Fields.pdf", TestPdf.Pages(1));
        object Field(object page, object x) => new { email = "fay@example.com", type = "signature", required = true, page_number = page, x, y = 100, width = 160, height = 48, additional_info = new { } };
        object Body(IEnumerable<object> fields) => new
        {
            original_file_id = fileId, name = "Many fields", is_ordered = true,
            recipients = new[] { new { email = "fay@example.com", first_name = "Fay", last_name = "F" } }, fields_payload = fields,
        };
        var before = await app.CountAsync("/v1/files/pending/");

        using var tooMany = await app.PostJsonAsync("/v1/files/pending/fields/", Body(Enumerable.Range(0, 501).Select(_ => Field(1, 72))));
        await AssertErrorAsync(tooMany, HttpStatusCode.BadRequest, "bad_request", "at most 500 fields");
        Assert.Equal(before, await app.CountAsync("/v1/files/pending/"));

        using var fractional = await app.PostJsonAsync("/v1/files/pending/fields/", Body([Field(1.5, 72)]));
        await AssertErrorAsync(fractional, HttpStatusCode.BadRequest, "bad_request", "fields_payload[1].page_number");
        using var infinite = await app.PostJsonAsync("/v1/files/pending/fields/", Body([Field(1, "Infinity")]));
        await AssertErrorAsync(infinite, HttpStatusCode.BadRequest, "bad_request", "fields_payload[1].x");
        var huge = new StringContent(JsonSerializer.Serialize(Body([Field(1, 72)])).Replace("\"x\":72", "\"x\":1e400"), Encoding.UTF8, "application/json");
        using var overflow = await app.Api.PostAsync("/v1/files/pending/fields/", huge);
        await AssertErrorAsync(overflow, HttpStatusCode.BadRequest, "bad_request", "fields_payload[1].x");
        Assert.Equal(before, await app.CountAsync("/v1/files/pending/"));

        // Exactly the limit works; "1" as a string (as a form body would send it) is an integer too.
        using var exactly = await app.PostJsonAsync("/v1/files/pending/fields/", Body(Enumerable.Range(0, 500).Select(i => Field(i == 0 ? "1" : 1, 72))));
        Assert.Equal(HttpStatusCode.OK, exactly.StatusCode);
        var id = JsonNode.Parse(await exactly.Content.ReadAsStringAsync())!["pending_file_id"]!.GetValue<int>();
        using var db = new SqliteConnection($"Data Source={app.Process.DatabasePath};Mode=ReadOnly");
        db.Open();
        using var count = db.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM Fields WHERE RequestId = $id";
        count.Parameters.AddWithValue("$id", id);
        Assert.Equal(500L, (long)count.ExecuteScalar()!);
    }

    [Fact]
    public async Task Bidi_overrides_and_line_breaks_are_stripped_from_names_everywhere()
    {
        var fileId = await app.UploadAsync("Evil\u202Efdp.exe\nA.pdf", TestPdf.Pages(1));
        var doc = JsonNode.Parse(await app.Api.GetStringAsync($"/v1/files/original/{fileId}/"))!;
        Assert.Equal("Evilfdp.exe A.pdf", doc["name"]!.GetValue<string>());

        using var created = await app.PostJsonAsync("/v1/files/pending/", new
        {
            original_file_id = fileId, name = "Q3\u202E\nreport\r\n", is_ordered = true,
            recipients = new[] { new { email = "nina@example.com", first_name = "Ni\u202Ena\nX", last_name = "\u2066Doe\u2069" } },
        });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["pending_file_id"]!.GetValue<int>();

        var pending = JsonNode.Parse(await app.Api.GetStringAsync($"/v1/files/pending/{id}/"))!;
        Assert.Equal("Q3 report", pending["name"]!.GetValue<string>());
        Assert.Equal("Nina X", pending["recipients"]![0]!["first_name"]!.GetValue<string>());
        Assert.Equal("Doe", pending["recipients"]![0]!["last_name"]!.GetValue<string>());

        // The invitation mail (over SMTP): subject, greeting and recipient name as stored.
        var mail = await app.Smtp.WaitForMessageToAsync("nina@example.com");
        Assert.Contains("\"Q3 report\"", mail.Subject);
        Assert.Equal("Nina X Doe", mail.To.Mailboxes.Single().Name);
        Assert.Contains("Hello Nina X Doe,", mail.TextBody);
        foreach (var text in new[] { mail.Subject, mail.TextBody, mail.HtmlBody })
            Assert.DoesNotContain(text, c => c is '\u202E' or '\u2066' or '\u2069');

        // The audit trail's events: the document and signer names as stored.
        using var db = new SqliteConnection($"Data Source={app.Process.DatabasePath};Mode=ReadOnly");
        db.Open();
        using var events = db.CreateCommand();
        events.CommandText = "SELECT Type, Data FROM AuditEvents WHERE RequestId = $id ORDER BY Seq";
        events.Parameters.AddWithValue("$id", id);
        var data = new Dictionary<string, JsonNode>();
        using (var reader = events.ExecuteReader())
            while (reader.Read()) data[reader.GetString(0)] = JsonNode.Parse(reader.GetString(1))!;
        Assert.Equal("Evilfdp.exe A.pdf", data["created"]["document"]!.GetValue<string>());
        Assert.Equal("Nina X Doe", data["sent"]["recipients"]![0]!["name"]!.GetValue<string>());
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code, string messagePart)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
        var error = JsonNode.Parse(text)!;
        Assert.Equal(code, error["error_code"]!.GetValue<string>());
        Assert.Contains(messagePart, error["message"]!.GetValue<string>());
    }

    private static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.SmallestSize, leaveOpen: true)) gz.Write(data);
        return ms.ToArray();
    }

    /// <summary>A multipart body with a <paramref name="fileBytes"/> file part of zeros, gzip-compressed as it is written.</summary>
    private static byte[] GzipMultipart(string boundary, string fileName, long fileBytes)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gz.Write(Encoding.ASCII.GetBytes(
                $"--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n{fileName}\r\n" +
                $"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{fileName}\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n"));
            var zeros = new byte[MiB];
            for (long written = 0; written < fileBytes; written += zeros.Length) gz.Write(zeros);
            gz.Write(Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n"));
        }
        return ms.ToArray();
    }

    /// <summary>Content sent with Transfer-Encoding: chunked (its length is not known up front).</summary>
    private sealed class ChunkedContent : HttpContent
    {
        private readonly byte[] _data;

        public ChunkedContent(byte[] data, string contentType)
        {
            _data = data;
            Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var i = 0; i < _data.Length; i += 64 * 1024)
                await stream.WriteAsync(_data.AsMemory(i, Math.Min(64 * 1024, _data.Length - i)));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    /// <summary>One app process (with an SMTP sink and an API key) for the whole class.</summary>
    public sealed class App : IAsyncLifetime
    {
        public AppProcess Process { get; private set; } = null!;
        public SmtpSink Smtp { get; private set; } = null!;
        public HttpClient Api { get; private set; } = null!;
        public HttpClient Anonymous { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Smtp = await SmtpSink.StartAsync();
            Process = await AppProcess.StartAsync(new Dictionary<string, string>
            {
                ["Smtp__Host"] = "127.0.0.1", ["Smtp__Port"] = Smtp.Port.ToString(), ["Smtp__Security"] = "None",
                ["Api__RateLimitPerMinute"] = "10000",
            });
            var key = await CreateApiKeyAsync(Process, "hostile@example.com");
            Api = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None })
                { BaseAddress = new Uri(Process.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
            Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            Anonymous = new HttpClient { BaseAddress = new Uri(Process.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        }

        public async Task DisposeAsync()
        {
            Api?.Dispose();
            Anonymous?.Dispose();
            if (Process is not null) await Process.DisposeAsync();
            if (Smtp is not null) await Smtp.DisposeAsync();
        }

        /// <summary>Runs a request while sampling the server's resident memory; returns the answer, its time and the peak growth.</summary>
        public async Task<(HttpResponseMessage Response, TimeSpan Elapsed, long RssGrowth)> MeasureAsync(Func<Task<HttpResponseMessage>> send)
        {
            var baseline = Rss();
            var peak = baseline;
            var samples = 0;
            using var stop = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    peak = Math.Max(peak, Rss());
                    Interlocked.Increment(ref samples);
                    try { await Task.Delay(5, stop.Token); } catch (OperationCanceledException) { } // the sampling pace
                }
            });
            var sw = Stopwatch.StartNew();
            var response = await send();
            var elapsed = sw.Elapsed;
            // Keep sampling a while after the answer (a server still inflating would show here): 20 more samples.
            var atAnswer = Volatile.Read(ref samples);
            await Poll.UntilTrueAsync(() => Volatile.Read(ref samples) >= atAnswer + 20, "20 memory samples after the answer");
            await stop.CancelAsync();
            await sampler;
            peak = Math.Max(peak, Rss());
            return (response, elapsed, peak - baseline);
        }

        private long Rss()
        {
            foreach (var line in File.ReadLines($"/proc/{Process.Pid}/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]) * 1024;
            throw new InvalidOperationException("No VmRSS in /proc/<pid>/status.");
        }

        public async Task AssertHealthyAsync()
        {
            using var health = await Anonymous.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        public async Task<int> CountAsync(string path) =>
            JsonNode.Parse(await Api.GetStringAsync(path))!["count"]!.GetValue<int>();

        public Task<HttpResponseMessage> PostJsonAsync(string path, object body) =>
            Api.PostAsync(path, new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));

        public async Task<int> UploadAsync(string name, byte[] pdf)
        {
            var form = new MultipartFormDataContent { { new StringContent(name), "name" }, { new ByteArrayContent(pdf), "file", "upload.pdf" } };
            using var response = await Api.PostAsync("/v1/files/original/", form);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, text);
            return JsonNode.Parse(text)!["id"]!.GetValue<int>();
        }

        /// <summary>An API key from the app's own command line (<c>apikey create</c>), on the running app's data folder.</summary>
        private static async Task<string> CreateApiKeyAsync(AppProcess app, string email)
        {
            var psi = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { RepoPaths.AppDll, "apikey", "create", "--email", email },
                WorkingDirectory = Directory.CreateTempSubdirectory("esign-cwd-").FullName,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            psi.Environment["ESign__DataPath"] = app.DataDir;
            psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            using var p = System.Diagnostics.Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await p.WaitForExitAsync(timeout.Token);
            var key = (await stdout).Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("esk_", StringComparison.Ordinal));
            return key ?? throw new InvalidOperationException($"apikey create failed ({p.ExitCode}): {await stderr}");
        }
    }
}
