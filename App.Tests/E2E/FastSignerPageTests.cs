using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using ESignWeb.Tests.Fixtures;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>One app (the built output, as `dotnet run` and the other E2E tests run it) with a 300-page request sent.</summary>
public sealed class LargeRequestApp : IAsyncLifetime
{
    public AppProcess App { get; private set; } = default!;
    public byte[] Pdf { get; } = LargePdf.Create(300);
    public string Link { get; private set; } = "";

    public async Task InitializeAsync()
    {
        App = await AppProcess.StartAsync(new Dictionary<string, string> { ["ESign__RequireConfirmedAccount"] = "false" });
        Link = await SignerPageScenario.SendAsync(App, Pdf);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// Issue 10 §6, behaviour (not timing): static assets answer compressed and fingerprinted ones are immutable; the
/// signer's PDF answers HTTP Range requests (206, Content-Range, ETag/If-Range) and still only for a valid link; the
/// signer's viewer paints page 1 of a 300-page document from ranges, without downloading the file whole.
/// </summary>
[Collection(E2ECollection.Name)]
public class FastSignerPageTests(LargeRequestApp fixture, ITestOutputHelper output) : IClassFixture<LargeRequestApp>
{
    private AppProcess App => fixture.App;

    private HttpClient Raw() => new(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None, AllowAutoRedirect = false })
    { BaseAddress = new Uri(App.BaseUrl) };

    [Fact]
    public async Task Static_assets_are_served_compressed_and_fingerprinted_ones_are_immutable()
    {
        using var http = Raw();
        var html = await http.GetStringAsync(fixture.Link);
        // The signer's page as the browser gets it: its stylesheets, scripts and the import map's PDF.js modules.
        string Url(string pattern) => Regex.Match(html, pattern).Groups[1].Value is { Length: > 0 } u ? u
            : throw new Xunit.Sdk.XunitException($"No {pattern} in the signer's page:\n{html[..Math.Min(html.Length, 3000)]}");
        var assets = new[]
        {
            Url(@"href=""(_content/MudBlazor/MudBlazor\.min\.[a-z0-9]+\.css)"""),
            Url(@"src=""(_content/MudBlazor/MudBlazor\.min\.[a-z0-9]+\.js)"""),
            Url(@"href=""(app\.[a-z0-9]+\.css)"""),
            Url(@"src=""(_framework/blazor\.web\.[a-z0-9]+\.js)"""),
            Url(@"""\./(lib/pdfjs/pdf\.min\.[a-z0-9]+\.mjs)"""),
            Url(@"""\./(lib/pdfjs/pdf\.worker\.min\.[a-z0-9]+\.mjs)"""),
        };
        foreach (var url in assets)
        {
            var identity = await GetAsync(http, url, null);
            Assert.Empty(identity.Content.Headers.ContentEncoding);
            var plain = await identity.Content.ReadAsByteArrayAsync();
            Assert.Contains("immutable", identity.Headers.CacheControl?.ToString());
            foreach (var (accept, expected) in new[] { ("br, gzip", "br"), ("gzip", "gzip") })
            {
                var compressed = await GetAsync(http, url, accept);
                Assert.Equal(HttpStatusCode.OK, compressed.StatusCode);
                Assert.Equal(expected, Assert.Single(compressed.Content.Headers.ContentEncoding));
                Assert.Contains("immutable", compressed.Headers.CacheControl?.ToString());
                var body = await compressed.Content.ReadAsByteArrayAsync();
                Assert.True(body.Length < plain.Length / 2, $"{url} ({expected}): {body.Length} of {plain.Length} bytes");
                Assert.Equal(plain, Decompress(body, expected));
            }
            output.WriteLine($"{url}: {plain.Length} bytes, compressed as asked");
        }
    }

    [Fact]
    public async Task The_signers_pdf_answers_range_requests_with_those_bytes_and_only_for_a_valid_link()
    {
        using var http = Raw();
        var url = fixture.Link + "/document";
        var whole = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("bytes", Assert.Single(whole.Headers.AcceptRanges));
        var etag = whole.Headers.ETag ?? throw new Xunit.Sdk.XunitException("no ETag");
        Assert.False(etag.IsWeak);
        var bytes = await whole.Content.ReadAsByteArrayAsync();
        Assert.Equal(fixture.Pdf.Length, bytes.Length);
        Assert.Empty(whole.Content.Headers.ContentEncoding); // ranges count bytes of the file itself

        // A middle range, the tail PDF.js reads first (the cross-reference table), and If-Range with the current tag.
        var middle = await RangeAsync(http, url, new RangeHeaderValue(1_000_000, 1_262_143));
        Assert.Equal(HttpStatusCode.PartialContent, middle.StatusCode);
        Assert.Equal($"bytes 1000000-1262143/{bytes.Length}", middle.Content.Headers.ContentRange?.ToString());
        Assert.Equal(bytes[1_000_000..1_262_144], await middle.Content.ReadAsByteArrayAsync());
        var tail = await RangeAsync(http, url, new RangeHeaderValue(null, 4096));
        Assert.Equal(HttpStatusCode.PartialContent, tail.StatusCode);
        Assert.Equal(bytes[^4096..], await tail.Content.ReadAsByteArrayAsync());
        var same = await RangeAsync(http, url, new RangeHeaderValue(0, 99), ifRange: etag);
        Assert.Equal(HttpStatusCode.PartialContent, same.StatusCode);
        Assert.Equal(bytes[..100], await same.Content.ReadAsByteArrayAsync());
        // A stale tag: the whole (current) file, not a range of it.
        var stale = await RangeAsync(http, url, new RangeHeaderValue(0, 99), ifRange: new EntityTagHeaderValue("\"stale\""));
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal(bytes.Length, (await stale.Content.ReadAsByteArrayAsync()).Length);

        // Access control is unchanged: a made-up link, and the owner's endpoint without signing in, get no byte.
        var forged = "/sign/" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_') + "/document";
        var refused = await RangeAsync(http, forged, new RangeHeaderValue(0, 99));
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        var anonymous = await RangeAsync(http, "/documents/1/file", new RangeHeaderValue(0, 99));
        Assert.NotEqual(HttpStatusCode.PartialContent, anonymous.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.DoesNotContain("%PDF", await anonymous.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_signers_viewer_paints_page_1_of_a_300_page_document_from_ranges_without_the_whole_file()
    {
        await using var browser = await BrowserSession.OpenAsync(App.BaseUrl);
        try
        {
            await SignerPageScenario.ConsentAsync(browser, fixture.Link);
            var context = await browser.NewContextAsync();
            var page = await context.NewPageAsync();
            var served = new List<(int Status, long Bytes)>();
            var abandoned = 0;
            page.Response += (_, r) =>
            {
                if (!new Uri(r.Url).AbsolutePath.EndsWith("/document", StringComparison.Ordinal)) return;
                var length = r.Headers.TryGetValue("content-length", out var l) ? long.Parse(l) : -1;
                lock (served) served.Add((r.Status, length));
            };
            page.RequestFailed += (_, r) => { if (new Uri(r.Url).AbsolutePath.EndsWith("/document", StringComparison.Ordinal)) Interlocked.Increment(ref abandoned); };
            await page.GotoAsync(fixture.Link);
            await Assertions.Expect(page.Locator("#pdf-viewer[data-first-page=painted]")).ToBeAttachedAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator(".pdf-page[data-page=\"1\"] canvas.pdf-canvas")).ToBeAttachedAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

            List<(int Status, long Bytes)> seen;
            lock (served) seen = [.. served];
            output.WriteLine($"{fixture.Pdf.Length} bytes; responses: {string.Join(", ", seen.Select(s => $"{s.Status}:{s.Bytes}"))}; abandoned {abandoned}");
            var ranges = seen.Where(s => s.Status == 206).ToList();
            Assert.NotEmpty(ranges);
            // The ranges asked for are a small part of the file, and any whole-file answer was abandoned after its headers.
            Assert.True(ranges.Sum(r => r.Bytes) < fixture.Pdf.Length / 4, $"{ranges.Sum(r => r.Bytes)} bytes in ranges of {fixture.Pdf.Length}");
            Assert.True(seen.Count(s => s.Status == 200) <= abandoned, "a whole-file answer was read to its end");
            // Pages render as they come into view: page 1 and its neighbours, not all 300.
            Assert.InRange(await page.Locator(".pdf-page canvas.pdf-canvas").CountAsync(), 1, 10);
            Assert.Equal(300, await page.Locator(".pdf-page").CountAsync());
            Assert.True(await page.EvaluateAsync<bool>("() => performance.getEntriesByName('esign-first-page-painted').length === 1"));
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + App.Log);
            throw;
        }
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, string url, string? acceptEncoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (acceptEncoding is not null) request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    private static async Task<HttpResponseMessage> RangeAsync(HttpClient http, string url, RangeHeaderValue range, EntityTagHeaderValue? ifRange = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Range = range;
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "br, gzip");
        if (ifRange is not null) request.Headers.IfRange = new RangeConditionHeaderValue(ifRange);
        return await http.SendAsync(request);
    }

    private static byte[] Decompress(byte[] body, string encoding)
    {
        using var input = new MemoryStream(body);
        using Stream decoder = encoding == "br" ? new BrotliStream(input, CompressionMode.Decompress) : new GZipStream(input, CompressionMode.Decompress);
        using var outMs = new MemoryStream();
        decoder.CopyTo(outMs);
        return outMs.ToArray();
    }
}
