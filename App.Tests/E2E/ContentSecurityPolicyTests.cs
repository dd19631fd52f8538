using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ESignWeb.Tests.Fixtures;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ESignWeb.Tests.E2E;

/// <summary>
/// The Content-Security-Policy in real Chromium: every kind of page — sign-in, register, dashboard, upload, prepare
/// (PDF.js + drag), signing (PDF.js, signature pad, typed font), embedded sending and signing inside another origin's
/// frame, Scalar, Identity's manage pages — works with zero violations (the <c>securitypolicyviolation</c> events of
/// every frame, and Chromium's console), and every kind of response carries the one policy. The signer comes through
/// a listed proxy: the circuit's audit events record the forwarded address.
/// </summary>
[Collection(E2ECollection.Name)]
public class ContentSecurityPolicyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_page_type_works_with_zero_violations_and_every_response_carries_the_policy()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Smtp__Host"] = "127.0.0.1", ["Smtp__Port"] = smtp.Port.ToString(), ["Smtp__Security"] = "None",
            ["ESign__RequireConfirmedAccount"] = "false",
            ["ESign__ForwardedHeaders__KnownProxies__0"] = "127.0.0.1",
        });
        await using var host = await EmbedHost.StartAsync();
        await using var browser = await BrowserSession.OpenAsync(app.BaseUrl);
        var violations = new List<string>();
        var documentsWithoutPolicy = new List<string>();
        await WatchAsync(browser.Page.Context, violations, documentsWithoutPolicy, app.BaseUrl);
        var page = browser.Page;
        try
        {
            // Sign-in and register (static forms), then dashboard, upload, prepare with PDF.js and a real drag, send.
            await page.GotoAsync("/Account/Login");
            await Assertions.Expect(page.Locator("#Input\\.Email")).ToBeVisibleAsync();
            var requestId = await SigningJourneyTests.PrepareAndSendAsync(page, app, TestPdf.Pages(2), ordered: true,
                ("signe@example.com", "Signe", "Signer", ["signature", "date"]));

            // The sender's other pages, Identity's manage pages and the API reference.
            foreach (var (path, marker) in new[]
            {
                ("/", "Signature requests"), ($"/requests/{requestId}", "Remind"), ("/documents", "Upload PDF"),
                ("/templates", "Templates"), ("/outbox", "Outbox"), ("/signed", "Signed files"), ("/settings", "API keys"),
                ("/Account/Manage", "Profile"), ("/Account/Manage/ChangePassword", "Change password"),
                ("/Account/Manage/TwoFactorAuthentication", "Two-factor"), ("/Account/Manage/EnableAuthenticator", "authenticator"),
                ("/scalar/", "ESignWeb API"),
            })
            {
                await page.GotoAsync(path);
                await Assertions.Expect(page.GetByText(marker, new() { Exact = false }).First).ToBeVisibleAsync();
            }

            // The signer, through the listed proxy (X-Forwarded-For), signs: PDF.js, the pad, then a typed signature.
            var invite = await smtp.WaitForMessageToAsync("signe@example.com", m => (m.Subject ?? "").Contains("sent you"), 60);
            var link = Regex.Match(invite.TextBody ?? "", @"http://127\.0\.0\.1:\d+/sign/[A-Za-z0-9_-]{43}").Value;
            var signerContext = await browser.NewContextAsync();
            await WatchAsync(signerContext, violations, documentsWithoutPolicy, app.BaseUrl);
            await signerContext.SetExtraHTTPHeadersAsync([new("X-Forwarded-For", "203.0.113.50")]);
            var tokenRequests = 0; // what a real signer spends of the per-IP token look-up budget
            signerContext.Request += (_, r) => { if (new Uri(r.Url).AbsolutePath.StartsWith("/sign/", StringComparison.Ordinal)) Interlocked.Increment(ref tokenRequests); };
            var signer = await signerContext.NewPageAsync();
            await signer.GotoAsync(link);
            await Steps.WaitInteractiveAsync(signer);
            await SigningJourneyTests.ConsentAsync(signer);
            await Assertions.Expect(signer.Locator(".pdf-page canvas").First).ToBeVisibleAsync();
            await AssertPolicyAsync(link + "/document", "application/pdf");
            await SigningJourneyTests.FillSignatureAsync(signer, draw: true);
            await SigningJourneyTests.FillSignatureAsync(signer, draw: false);
            await signer.Locator(".sign-field[data-field-type=date]").First.ClickAsync();
            await signer.ClickAsync("#value-apply");
            await signer.ClickAsync("#finish-button");
            await Assertions.Expect(signer.Locator("#sign-status")).ToHaveAttributeAsync("data-state", "AlreadySigned");
            output.WriteLine($"Token look-ups by one signer's whole visit: {tokenRequests}");
            Assert.InRange(tokenRequests, 1, new ESignWeb.Hosting.RateLimitSettings().TokenLookupsPerMinute / 4);
            Assert.Contains("203.0.113.50", ProxyAndThrottlingTests.AuditIps(app, requestId));
            Assert.DoesNotContain("127.0.0.1", ProxyAndThrottlingTests.AuditIps(app, requestId, "signed"));

            // Embedded sending and signing, framed by an allowed origin.
            await page.GotoAsync("/settings");
            await Steps.WaitInteractiveAsync(page);
            await page.FillAsync("#embed-origin", host.Origin);
            await page.ClickAsync("#embed-origin-add");
            await Assertions.Expect(page.Locator("#embed-origin-list")).ToContainTextAsync(host.Origin);
            await page.FillAsync("#apikey-name", "csp");
            await page.ClickAsync("#apikey-create");
            using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await page.Locator("#apikey-value").InnerTextAsync()).Trim());
            var fileId = (await Json(await api.PostAsync("/v1/files/original/", new MultipartFormDataContent
            {
                { new StringContent("Framed.pdf"), "name" },
                { new ByteArrayContent(TestPdf.Pages(1)) { Headers = { ContentType = new("application/pdf") } }, "file", "Framed.pdf" },
            }))).GetProperty("id").GetInt32();
            var sendUrl = (await Json(await api.PostAsync("/v2/signing/url/", new FormUrlEncodedContent(
            [
                new("file_id", fileId.ToString()), new("type", "rs"),
                new("recipients", """[{"email":"fran@example.com","first_name":"Fran","last_name":"Framed"}]"""),
                new("redirect_url", host.Origin + "/done"),
            ])))).GetProperty("url").GetString()!;
            var outsider = await browser.NewContextAsync();
            await WatchAsync(outsider, violations, documentsWithoutPolicy, app.BaseUrl);
            var hostPage = await outsider.NewPageAsync();
            await hostPage.GotoAsync(host.HostPage(sendUrl));
            var frame = hostPage.FrameLocator("#signer");
            await Assertions.Expect(frame.Locator("#pdf-viewer[data-loaded=true]")).ToBeVisibleAsync();
            await frame.Locator(".palette-item[data-palette-type=signature]").ClickAsync();
            await Assertions.Expect(frame.Locator(".field-box")).ToHaveCountAsync(1);
            await frame.Locator("#send-button").ClickAsync();
            var sent = await EmbeddedSigningJourneyTests.WaitForEventAsync(hostPage, "sent");
            var created = await api.PostAsJsonAsync("/v1/files/pending/fields/", new
            {
                original_file_id = fileId, name = "Framed signing", is_ordered = true, embedded_signing = true,
                recipients = new[] { new { email = "fran@example.com", first_name = "Fran", last_name = "Framed" } },
                fields_payload = new[] { new { email = "fran@example.com", type = "signature", required = true, page_number = 1, x = 72, y = 600, width = 180, height = 48, additional_info = new { } } },
            });
            var signId = (await Json(created)).GetProperty("pending_file_id").GetInt32();
            var signUrl = (await Json(await api.PostAsync($"/v1/files/pending/{signId}/signing/url/",
                new FormUrlEncodedContent([new("recipient_email", "fran@example.com"), new("redirect_url", host.Origin + "/done")])))).GetProperty("url").GetString()!;
            var signHost = await outsider.NewPageAsync();
            await signHost.GotoAsync(host.HostPage(signUrl));
            var signFrame = signHost.FrameLocator("#signer");
            await signFrame.GetByRole(AriaRole.Checkbox, new() { Name = "I agree to use electronic records and signatures." }).CheckAsync();
            await signFrame.Locator("#consent-continue").ClickAsync();
            await Assertions.Expect(signFrame.Locator("#pdf-viewer[data-loaded=true]")).ToBeVisibleAsync();
            await signFrame.Locator(".sign-field[data-field-type=signature]").First.ClickAsync();
            await signFrame.Locator(".signature-mode[data-mode=type]").ClickAsync();
            await signFrame.Locator("#signature-apply").ClickAsync();
            await Assertions.Expect(signFrame.Locator(".sign-field[data-field-type=signature] img").First).ToBeVisibleAsync();

            // Every response type carries the one policy: page, JSON, PDF (above), static file, framework script, error.
            await AssertPolicyAsync(app.BaseUrl + "/Account/Login", "text/html");
            await AssertPolicyAsync(app.BaseUrl + "/v1/user/", "application/json", expectStatus: 401);
            await AssertPolicyAsync(app.BaseUrl + "/app.css", "text/css");
            await AssertPolicyAsync(app.BaseUrl + "/_framework/blazor.web.js", "text/javascript");
            await AssertPolicyAsync(app.BaseUrl + "/no-such-page", null, expectStatus: 404); // (an unknown path's 404 has no body)
            {
                // An API error (SignEasy answers a resource that is not yours with 401 unauthorized_resource).
                var r = await api.GetAsync("/v1/files/original/999999/");
                Assert.Contains("unauthorized_resource", await r.Content.ReadAsStringAsync());
                Assert.Equal("application/json", r.Content.Headers.ContentType?.MediaType);
                Assert.Contains("object-src 'none'", Assert.Single(r.Headers.GetValues("Content-Security-Policy")));
            }
            await AssertPolicyAsync(app.BaseUrl + "/healthz", "text/plain");

            // Scalar's bundle probes once for eval (Function('') in a try/catch) and works without it: the only
            // violation allowed, and only on /scalar/. Eval stays blocked there too.
            violations.RemoveAll(v => v.Contains("/scalar/: script-src blocked eval (", StringComparison.Ordinal) && v.Contains("/scalar/scalar.js:", StringComparison.Ordinal));
            Assert.True(violations.Count == 0, "CSP violations:\n" + string.Join("\n", violations));
            Assert.True(documentsWithoutPolicy.Count == 0, "Documents without the policy:\n" + string.Join("\n", documentsWithoutPolicy));
            Assert.DoesNotContain("Content Security Policy", browser.ConsoleErrors);
        }
        catch
        {
            output.WriteLine("CSP violations:\n" + string.Join("\n", violations));
            output.WriteLine("Browser console errors:\n" + browser.ConsoleErrors);
            output.WriteLine("App log:\n" + app.Log);
            await browser.Shots.TakeAsync("csp-failure");
            throw;
        }
    }

    /// <summary>Collects every frame's CSP violations and every app document served without the policy.</summary>
    private static async Task WatchAsync(IBrowserContext context, List<string> violations, List<string> withoutPolicy, string appBase)
    {
        await context.ExposeBindingAsync("__esignCspViolation", (BindingSource source, string text) =>
        {
            lock (violations) violations.Add($"{source.Frame?.Url}: {text}");
        });
        await context.AddInitScriptAsync("""
            document.addEventListener('securitypolicyviolation', e =>
                window.__esignCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber}) ${e.sample || ''}`));
            """);
        context.Response += (_, r) =>
        {
            if (r.Request.ResourceType == "document" && r.Url.StartsWith(appBase, StringComparison.Ordinal) &&
                !r.Headers.ContainsKey("content-security-policy"))
                lock (withoutPolicy) withoutPolicy.Add($"{r.Status} {r.Url}");
        };
        context.Console += (_, m) =>
        {
            if (m.Text.Contains("Content Security Policy", StringComparison.Ordinal)) lock (violations) violations.Add("console: " + m.Text);
        };
    }

    private static async Task AssertPolicyAsync(string url, string? mediaType, int expectStatus = 200)
    {
        using var http = new HttpClient();
        var r = await http.GetAsync(url);
        Assert.Equal(expectStatus, (int)r.StatusCode);
        if (mediaType is not null) Assert.Equal(mediaType, r.Content.Headers.ContentType?.MediaType);
        var policy = Assert.Single(r.Headers.GetValues("Content-Security-Policy"));
        foreach (var directive in new[] { "default-src 'self'", "object-src 'none'", "base-uri 'self'", "frame-ancestors 'none'" })
            Assert.Contains(directive, policy);
        Assert.Matches(@"script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}' 'wasm-unsafe-eval';", policy);
        Assert.DoesNotContain("unsafe-eval'", policy.Replace("'wasm-unsafe-eval'", ""));
    }

    private static async Task<JsonElement> Json(HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"{(int)r.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }
}
