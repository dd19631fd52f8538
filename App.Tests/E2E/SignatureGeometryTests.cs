using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ESignWeb.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// A signature is exactly what the signer drew (issue 10 §1). In Debian's Chromium at device-pixel-ratio 1 and 2, with
/// the page's animations slowed a hundredfold (CDP <c>Animation.setPlaybackRate</c>) so the signature dialog is still
/// zooming open when its pad reports ready, the signer draws an X corner to corner with the mouse — once while the
/// dialog is still opening (its animation held a third of the way), once after (then the window is narrowed, which
/// must shrink the drawing with the pad, not cut it) — on a signature and an initials field. The pad on
/// screen has ink under the pointer at its full resolution, and the image the app STORED (read from its data folder)
/// has ink along the whole pointer path mapped into image pixels, nowhere else, and all of it: nothing magnified,
/// shifted or cut off at the right or bottom.
/// </summary>
[Collection(E2ECollection.Name)]
public class SignatureGeometryTests(ITestOutputHelper output)
{
    private const string Sender = "sam.sender@example.com";

    /// <summary>Two strokes as fractions of the pad: diagonals near its four corners.</summary>
    private static readonly ((double X, double Y) From, (double X, double Y) To)[] Strokes =
        [((0.04, 0.08), (0.96, 0.92)), ((0.04, 0.92), (0.96, 0.08))];

    /// <summary>signature_pad's widest stroke radius (<c>maxWidth</c> in SignatureDialog.razor.js), CSS pixels.</summary>
    private const double MaxStrokeRadius = 2.6;

    [Fact]
    public async Task A_stroke_drawn_while_the_dialog_opens_is_stored_under_the_pointer_path_and_whole_at_ratio_1_and_2()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["ESign__RequireConfirmedAccount"] = "false" });
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        try
        {
            string[] signers = ["rita.ratio1@example.com", "rolf.ratio2@example.com"];
            await SendRequestAsync(app, signers);
            foreach (var (email, ratio) in signers.Zip([1f, 2f]))
            {
                var context = await browser.NewContextAsync(deviceScaleFactor: ratio);
                var page = await context.NewPageAsync();
                await page.GotoAsync(await OutboxFolder.SigningLinkAsync(app.DataDir, email));
                await Steps.WaitInteractiveAsync(page);
                await SigningJourneyTests.ConsentAsync(page);
                Assert.Equal(ratio, await page.EvaluateAsync<float>("() => window.devicePixelRatio"));
                var cdp = await context.NewCDPSessionAsync(page);
                await cdp.SendAsync("Animation.enable");
                await cdp.SendAsync("Animation.setPlaybackRate", new Dictionary<string, object> { ["playbackRate"] = 0.01 });

                string? previous = null;
                foreach (var (type, whileOpening) in new[] { ("signature", true), ("initials", true), ("signature", false) })
                {
                    var label = $"ratio {ratio}, {type}, {(whileOpening ? "drawn while the dialog opens" : "drawn after it opened, then the window narrowed")}";
                    var path = await DrawAsync(page, type, whileOpening, ratio, label);
                    if (!whileOpening)
                    {
                        // A narrower window (a phone turned) narrows the pad: the drawing shrinks with it, all of it kept.
                        var before = await PadWidthAsync(page);
                        await page.SetViewportSizeAsync(420, 900);
                        var after = double.Parse(await Poll.UntilAsync(async () =>
                            await SettledPadWidthAsync(page) is { } w && w < before - 1 ? w.ToString("R", CultureInfo.InvariantCulture) : null), CultureInfo.InvariantCulture);
                        var k = after / before;
                        path = path.Select(s => ((s.From.X * k, s.From.Y * k), (s.To.X * k, s.To.Y * k))).ToList();
                        await AssertInkOnScreenAsync(page, path, ratio, label);
                    }
                    await page.ClickAsync("#signature-apply");
                    await Assertions.Expect(page.Locator(".mud-dialog")).ToHaveCountAsync(0);
                    var key = await Poll.UntilAsync(() => Task.FromResult(StoredImageKey(app, email, type) is { } k && k != previous ? k : null));
                    if (type == "signature") previous = key;
                    var png = await File.ReadAllBytesAsync(Path.Combine(app.DataDir, "blobs", key[..2], key));
                    AssertInkFollowsPath(Png.Decode(png), path, exportScale: Math.Min(4, Math.Max(2, ratio)), label);
                }
                await context.CloseAsync();
            }
            Assert.Equal("", browser.ConsoleErrors);
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            throw;
        }
    }

    /// <summary>
    /// A busy page handles input in bursts: the pen lifted at the end of one stroke and set down for the next are handled
    /// in one go, before the pad's own timers run, and the next stroke's moves come after them. The stored image still
    /// has ink only along the two strokes — no line from where the second stroke began to where the first one ended
    /// (signature_pad's 16 ms move throttle added the first stroke's last held-back position to the second stroke).
    /// </summary>
    [Fact]
    public async Task Strokes_whose_pointer_events_arrive_in_one_burst_are_stored_without_a_line_joining_them()
    {
        const string email = "bea.burst@example.com";
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["ESign__RequireConfirmedAccount"] = "false" });
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        try
        {
            await SendRequestAsync(app, [email]);
            var context = await browser.NewContextAsync();
            var page = await context.NewPageAsync();
            await page.GotoAsync(await OutboxFolder.SigningLinkAsync(app.DataDir, email));
            await Steps.WaitInteractiveAsync(page);
            await SigningJourneyTests.ConsentAsync(page);
            await page.Locator(".sign-field[data-field-type=signature]").First.ClickAsync();
            await page.Locator("#signature-pad[data-ready=true]").WaitForAsync();
            await page.EvaluateAsync("() => document.getAnimations().forEach(a => a.finish())");

            // Stroke 1 from pen down to pen up, and the pen down of stroke 2, in one task; stroke 2's moves in a task
            // queued behind any timer (≤ 16 ms) the pad set while handling the burst.
            var size = await page.EvaluateAsync<JsonElement>(@"async strokes => {
                const pad = document.getElementById('signature-pad');
                const r = pad.getBoundingClientRect(), cs = getComputedStyle(pad);
                const at = ([x, y]) => ({ clientX: r.left + x * r.width, clientY: r.top + y * r.height });
                const fire = (type, p, buttons) => pad.dispatchEvent(new PointerEvent(type, { ...at(p), buttons, button: type === 'pointermove' ? -1 : 0,
                    pointerId: 1, pointerType: 'mouse', isPrimary: true, bubbles: true, cancelable: true, composed: true }));
                const moves = ([a, b]) => { for (let i = 1; i <= 30; i++) fire('pointermove', [a[0] + (b[0] - a[0]) * i / 30, a[1] + (b[1] - a[1]) * i / 30], 1); };
                fire('pointerdown', strokes[0][0], 1); moves(strokes[0]); fire('pointerup', strokes[0][1], 0);
                fire('pointerdown', strokes[1][0], 1);
                await new Promise(resolve => setTimeout(resolve, 16));
                moves(strokes[1]); fire('pointerup', strokes[1][1], 0);
                return { w: parseFloat(cs.width), h: parseFloat(cs.height) };
            }", Strokes.Select(s => new[] { new[] { s.From.X, s.From.Y }, new[] { s.To.X, s.To.Y } }).ToArray());
            double w = size.GetProperty("w").GetDouble(), h = size.GetProperty("h").GetDouble();
            var path = Strokes.Select(s => ((s.From.X * w, s.From.Y * h), (s.To.X * w, s.To.Y * h))).ToList();
            const string label = "two strokes handled in one burst";
            await AssertInkOnScreenAsync(page, path, 1, label);

            await page.ClickAsync("#signature-apply");
            await Assertions.Expect(page.Locator(".mud-dialog")).ToHaveCountAsync(0);
            var key = await Poll.UntilAsync(() => Task.FromResult(StoredImageKey(app, email, "signature")));
            var png = await File.ReadAllBytesAsync(Path.Combine(app.DataDir, "blobs", key[..2], key));
            AssertInkFollowsPath(Png.Decode(png), path, exportScale: 2, label);
            Assert.Equal("", browser.ConsoleErrors);
        }
        catch
        {
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            throw;
        }
    }

    /// <summary>
    /// Opens the dialog of the first field of <paramref name="type"/> and draws <see cref="Strokes"/> as soon as the pad
    /// says it is ready — with the dialog's opening animation held a third of the way (<paramref name="whileOpening"/>)
    /// or finished. Returns the strokes in the pad's own CSS pixels (its laid-out size, untransformed).
    /// </summary>
    private static async Task<List<((double X, double Y) From, (double X, double Y) To)>> DrawAsync(
        IPage page, string type, bool whileOpening, float ratio, string label)
    {
        await page.Locator($".sign-field[data-field-type={type}]").First.ClickAsync();
        await page.Locator("#signature-pad[data-ready=true]").WaitForAsync();
        var running = await page.EvaluateAsync<int>(@"pause => {
            const pad = document.getElementById('signature-pad');
            const opening = document.getAnimations().filter(a => a.playState === 'running' && a.effect?.target?.contains?.(pad));
            // Held a third of the way (the dialog at about 80 % of its size), or played to the end.
            opening.forEach(a => { if (pause) { a.pause(); a.currentTime = a.effect.getComputedTiming().activeDuration / 3; } else a.finish(); });
            return opening.length;
        }", whileOpening);
        if (whileOpening) Assert.True(running > 0, $"{label}: the dialog had finished opening before the pad was ready");

        var box = await page.EvaluateAsync<JsonElement>(@"() => {
            const pad = document.getElementById('signature-pad');
            const r = pad.getBoundingClientRect(), cs = getComputedStyle(pad);
            return { left: r.left, top: r.top, width: r.width, height: r.height, w: parseFloat(cs.width), h: parseFloat(cs.height) };
        }");
        double left = box.GetProperty("left").GetDouble(), top = box.GetProperty("top").GetDouble();
        double width = box.GetProperty("width").GetDouble(), height = box.GetProperty("height").GetDouble();
        double w = box.GetProperty("w").GetDouble(), h = box.GetProperty("h").GetDouble();
        if (whileOpening) Assert.True(width < w - 1, $"{label}: the pad was not scaled by the opening animation ({width} of {w})");

        var path = new List<((double, double), (double, double))>();
        foreach (var (from, to) in Strokes)
        {
            await page.Mouse.MoveAsync((float)(left + from.X * width), (float)(top + from.Y * height));
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync((float)(left + to.X * width), (float)(top + to.Y * height), new() { Steps = 30 });
            await page.Mouse.UpAsync();
            path.Add(((from.X * w, from.Y * h), (to.X * w, to.Y * h)));
        }

        await AssertInkOnScreenAsync(page, path, ratio, label);
        if (whileOpening) await page.EvaluateAsync("() => document.getAnimations().forEach(a => a.finish())");
        return path;
    }

    /// <summary>The pad on screen: backing store = CSS size × ratio, and ink under every sampled point of the path.</summary>
    private static async Task AssertInkOnScreenAsync(IPage page, List<((double X, double Y) From, (double X, double Y) To)> path,
        float ratio, string label)
    {
        var samples = path.SelectMany(s => Samples(s, 24)).Select(p => new[] { p.X, p.Y }).ToArray();
        var screen = await page.EvaluateAsync<JsonElement>(@"points => {
            const pad = document.getElementById('signature-pad');
            const cs = getComputedStyle(pad), w = parseFloat(cs.width), h = parseFloat(cs.height);
            const kx = pad.width / w, ky = pad.height / h, g = pad.getContext('2d'), r = Math.ceil(2 * kx);
            const hits = points.map(([x, y]) => {
                const d = g.getImageData(Math.round(x * kx) - r, Math.round(y * ky) - r, 2 * r + 1, 2 * r + 1).data;
                let max = 0;
                for (let i = 3; i < d.length; i += 4) max = Math.max(max, d[i]);
                return max;
            });
            return { backingWidth: pad.width, backingHeight: pad.height, w, h, hits };
        }", samples);
        Assert.InRange(screen.GetProperty("backingWidth").GetDouble(), screen.GetProperty("w").GetDouble() * ratio - 1, screen.GetProperty("w").GetDouble() * ratio + 1);
        Assert.InRange(screen.GetProperty("backingHeight").GetDouble(), screen.GetProperty("h").GetDouble() * ratio - 1, screen.GetProperty("h").GetDouble() * ratio + 1);
        var missing = screen.GetProperty("hits").EnumerateArray().Select((v, i) => (v.GetInt32(), i)).Where(x => x.Item1 < 64).ToList();
        Assert.True(missing.Count == 0, $"{label}: no ink on screen under {missing.Count} of {samples.Length} points of the pointer path");
    }

    private static Task<double> PadWidthAsync(IPage page) =>
        page.EvaluateAsync<double>("() => parseFloat(getComputedStyle(document.getElementById('signature-pad')).width)");

    /// <summary>
    /// The pad's width once a frame has been rendered with it (null while it still changes): the page's ResizeObserver
    /// reacts in the frame that lays the new width out, so reading the width alone raced the re-fit of the pad.
    /// </summary>
    private static Task<double?> SettledPadWidthAsync(IPage page) =>
        page.EvaluateAsync<double?>(@"() => new Promise(resolve => {
            const width = () => parseFloat(getComputedStyle(document.getElementById('signature-pad')).width);
            requestAnimationFrame(() => { const w = width(); requestAnimationFrame(() => resolve(width() === w ? w : null)); });
        })");

    /// <summary>
    /// The stored image is trimmed to its ink, so its offset is not known in advance; its scale is. The ink's extent must
    /// be the path's extent × scale (plus at most a stroke width): smaller means clipped, larger magnified. Placed by
    /// the centres of the two extents, every sampled point of the path has ink within 3 CSS px, and every ink pixel is
    /// within a stroke radius (+2 CSS px) of the path.
    /// </summary>
    private static void AssertInkFollowsPath(Png.Image image, List<((double X, double Y) From, (double X, double Y) To)> path,
        double exportScale, string label)
    {
        const byte Ink = 64;
        int ix0 = int.MaxValue, iy0 = int.MaxValue, ix1 = -1, iy1 = -1;
        for (var y = 0; y < image.Height; y++)
            for (var x = 0; x < image.Width; x++)
                if (image.AlphaAt(x, y) >= Ink) { ix0 = Math.Min(ix0, x); ix1 = Math.Max(ix1, x); iy0 = Math.Min(iy0, y); iy1 = Math.Max(iy1, y); }
        Assert.True(ix1 >= 0, $"{label}: the stored image has no ink");
        var points = path.SelectMany(s => new[] { s.From, s.To }).ToList();
        double px0 = points.Min(p => p.X), px1 = points.Max(p => p.X), py0 = points.Min(p => p.Y), py1 = points.Max(p => p.Y);
        double inkW = ix1 - ix0 + 1, inkH = iy1 - iy0 + 1, pathW = (px1 - px0) * exportScale, pathH = (py1 - py0) * exportScale;
        var slack = (2 * MaxStrokeRadius + 2) * exportScale;
        Assert.True(inkW >= pathW - 2 * exportScale && inkW <= pathW + slack,
            $"{label}: ink is {inkW} px wide, the pointer path {pathW:0} px × scale (image {image.Width}×{image.Height})");
        Assert.True(inkH >= pathH - 2 * exportScale && inkH <= pathH + slack,
            $"{label}: ink is {inkH} px high, the pointer path {pathH:0} px × scale (image {image.Width}×{image.Height})");

        double ox = (ix0 + ix1) / 2.0 - (px0 + px1) / 2 * exportScale, oy = (iy0 + iy1) / 2.0 - (py0 + py1) / 2 * exportScale;
        (double X, double Y) ToImage((double X, double Y) p) => (ox + p.X * exportScale, oy + p.Y * exportScale);

        var near = (int)Math.Ceiling(3 * exportScale);
        foreach (var stroke in path)
            foreach (var p in Samples(stroke, 40))
            {
                var (x, y) = ToImage(p);
                var found = false;
                for (var dy = -near; dy <= near && !found; dy++)
                    for (var dx = -near; dx <= near && !found; dx++)
                    {
                        int qx = (int)Math.Round(x) + dx, qy = (int)Math.Round(y) + dy;
                        found = qx >= 0 && qy >= 0 && qx < image.Width && qy < image.Height && image.AlphaAt(qx, qy) >= Ink;
                    }
                Assert.True(found, $"{label}: no ink under the pointer at ({p.X:0.0}, {p.Y:0.0}) CSS px = ({x:0}, {y:0}) in the image");
            }

        var mapped = path.Select(s => (ToImage(s.From), ToImage(s.To))).ToList();
        var far = (MaxStrokeRadius + 2) * exportScale;
        var stray = 0;
        for (var y = 0; y < image.Height; y++)
            for (var x = 0; x < image.Width; x++)
                if (image.AlphaAt(x, y) >= Ink && mapped.Min(s => Distance((x, y), s.Item1, s.Item2)) > far) stray++;
        Assert.True(stray == 0, $"{label}: {stray} ink pixels lie away from the pointer path");
    }

    private static IEnumerable<(double X, double Y)> Samples(((double X, double Y) From, (double X, double Y) To) s, int n) =>
        Enumerable.Range(0, n + 1).Select(i => (s.From.X + (s.To.X - s.From.X) * i / n, s.From.Y + (s.To.Y - s.From.Y) * i / n));

    private static double Distance((double X, double Y) p, (double X, double Y) a, (double X, double Y) b)
    {
        double vx = b.X - a.X, vy = b.Y - a.Y;
        var t = Math.Clamp(((p.X - a.X) * vx + (p.Y - a.Y) * vy) / (vx * vx + vy * vy), 0, 1);
        return Math.Sqrt(Math.Pow(p.X - (a.X + t * vx), 2) + Math.Pow(p.Y - (a.Y + t * vy), 2));
    }

    /// <summary>A parallel request through the API (key from the app's command line); each signer gets a signature and an initials field.</summary>
    private static async Task SendRequestAsync(AppProcess app, string[] signers)
    {
        var key = await ProxyAndThrottlingTests.CreateApiKeyAsync(app, Sender);
        using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var upload = new MultipartFormDataContent
        {
            { new StringContent("Geometry.pdf"), "name" },
            { new ByteArrayContent(TestPdf.Pages(1)) { Headers = { ContentType = new("application/pdf") } }, "file", "Geometry.pdf" },
        };
        using var uploaded = await api.PostAsync("/v1/files/original/", upload);
        var uploadText = await uploaded.Content.ReadAsStringAsync();
        Assert.True(uploaded.IsSuccessStatusCode, uploadText);
        var fileId = JsonDocument.Parse(uploadText).RootElement.GetProperty("id").GetInt32();
        using var created = await api.PostAsJsonAsync("/v1/files/pending/fields/", new
        {
            original_file_id = fileId, name = "Signature geometry", is_ordered = false,
            recipients = signers.Select(e => new { email = e, first_name = "Pat", last_name = "Pointer" }),
            fields_payload = signers.SelectMany((e, i) => new object[]
            {
                new { email = e, type = "signature", required = true, page_number = 1, x = 72, y = 600 - 120 * i, width = 200, height = 60, additional_info = new { } },
                new { email = e, type = "initials", required = true, page_number = 1, x = 320, y = 600 - 120 * i, width = 80, height = 48, additional_info = new { } },
            }),
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
    }

    /// <summary>The blob key a signer's signature or initials field holds (its image's SHA-256), or null.</summary>
    private static string? StoredImageKey(AppProcess app, string email, string type)
    {
        using var c = new SqliteConnection($"Data Source={app.DatabasePath};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT f.Value FROM Fields f JOIN Recipients r ON r.Id = f.RecipientId WHERE r.Email = $email AND f.Type = $type";
        cmd.Parameters.AddWithValue("$email", email);
        cmd.Parameters.AddWithValue("$type", type == "signature" ? 0 : 1);
        return cmd.ExecuteScalar() is string { Length: 64 } key ? key : null;
    }
}
