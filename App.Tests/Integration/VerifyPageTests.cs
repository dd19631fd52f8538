using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using ESignWeb.Domain;
using ESignWeb.Storage;
using ESignWeb.Tests.E2E;
using ESignWeb.Tests.Fixtures;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Tests.Integration;

/// <summary>
/// The public verify page (/verify) against the running app: its antiforgery-protected multipart form posted the way a
/// browser posts it, with a completed request's sealed PDF, its audit trail, a modified copy and files that are not ours.
/// </summary>
[Collection(E2ECollection.Name)]
public class VerifyPageTests
{
    private const string NotOurs = "Not a document sealed by this instance";

    [Fact]
    public async Task Sealed_pdf_audit_trail_modified_copy_and_strangers_each_get_their_answer()
    {
        await using var app = new ESignAppFactory { Settings = { ["ESign:RateLimits:VerifyPerMinute"] = "100" } };
        var s = await new SigningScenario(app).SendAsync(false, "ann@example.com", "bob@mail.example.org");
        await s.SignAsync("ann@example.com");
        await s.SignAsync("bob@mail.example.org");
        await s.WaitForStatusAsync(RequestStatus.Complete, seconds: 60);
        await using var db = await s.Db.CreateDbContextAsync();
        var signed = await db.SignedFiles.AsNoTracking().SingleAsync(f => f.RequestId == s.RequestId);
        var blobs = app.Get<IBlobStore>();
        var sealedPdf = await blobs.ReadAllBytesAsync(signed.BlobKey);
        var trail = await blobs.ReadAllBytesAsync(signed.AuditTrailBlobKey);
        using var http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        // The sealed PDF: unchanged, with its name, completion, reference, signers (e-mails masked) and a valid signature.
        var html = await PostAsync(http, sealedPdf, "Contract (signed).pdf");
        Assert.Contains("Sealed by this instance — unchanged", html);
        Assert.Contains(signed.Name, html);
        Assert.Contains(signed.PublicIdentifier, html);
        Assert.Contains(signed.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss") + " UTC", html);
        Assert.Contains("ann Signer (a***@e***.com)", html);
        Assert.Contains("bob Signer (b***@m***.org)", html);
        Assert.DoesNotContain("ann@example.com", html);
        Assert.DoesNotContain("bob@mail.example.org", html);
        Assert.Contains("Valid, by this instance's seal certificate, covering the whole file", html);

        // Its audit trail.
        html = await PostAsync(http, trail, "audit-trail.pdf");
        Assert.Contains("Audit trail issued by this instance — unchanged", html);
        Assert.Contains(signed.PublicIdentifier, html);
        Assert.Contains("a***@e***.com", html);

        // One byte of the sealed PDF changed: modified, and nothing but that is told.
        var changed = (byte[])sealedPdf.Clone();
        var at = Encoding.Latin1.GetString(changed).IndexOf("/MediaBox", StringComparison.Ordinal);
        changed[at + 1] ^= 0x20;
        html = await PostAsync(http, changed, "Contract (signed).pdf");
        Assert.Contains("Sealed by this instance — MODIFIED since", html);
        Assert.DoesNotContain("a***@e***.com", html);
        Assert.DoesNotContain(signed.Name, html);

        // Strangers: one wording whatever the reason, nothing else revealed.
        var answers = new List<string>();
        foreach (var (bytes, name) in new[] { (TestPdf.Pages(1), "other.pdf"), ("%PDF-1.7 garbage \0\x01\x02"u8.ToArray(), "garbage.pdf"), (Array.Empty<byte>(), "empty.pdf") })
        {
            html = await PostAsync(http, bytes, name);
            Assert.Contains(NotOurs, html);
            Assert.DoesNotContain("verify-signers", html);
            answers.Add(Regex.Match(html, "<section[^>]*id=\"verify-result\".*?</section>", RegexOptions.Singleline).Value);
        }
        Assert.Single(answers.Distinct());

        // A deleted signed file still verifies: the evidence outlives the sender's inbox.
        await db.SignedFiles.Where(f => f.Id == signed.Id).ExecuteUpdateAsync(u => u.SetProperty(f => f.DeletedAt, DateTimeOffset.UtcNow));
        Assert.Contains("Sealed by this instance — unchanged", await PostAsync(http, sealedPdf, "Contract (signed).pdf"));

        // The link's reference is named, and a different document says it is not that one.
        var page = await http.GetStringAsync("/verify?ref=0123456789abcdef01234567");
        Assert.Matches("id=\"verify-reference\"[^>]*>.*?reference <strong[^>]*>0123456789abcdef01234567</strong>", Regex.Replace(page, @"\s+", " "));
        html = await PostAsync(http, sealedPdf, "Contract (signed).pdf", "/verify?ref=0123456789abcdef01234567");
        Assert.Contains("This file is not the document of reference 0123456789abcdef01234567", html);
        Assert.DoesNotContain("&lt;script", await http.GetStringAsync("/verify?ref=%3Cscript%3E"));

        // Over the upload limit (1 MB here): a clear error, nothing checked.
        html = await PostAsync(http, new byte[1024 * 1024 + 10], "big.pdf");
        Assert.Contains("larger than the 1 MB limit", html);
        Assert.DoesNotContain("verify-result", html);
    }

    [Fact]
    public async Task Checks_past_the_limit_answer_429_with_when_to_try_again()
    {
        await using var app = new ESignAppFactory { Settings = { ["ESign:RateLimits:VerifyPerMinute"] = "2" } };
        using var http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        Assert.Contains(NotOurs, await PostAsync(http, TestPdf.Pages(1), "a.pdf"));
        Assert.Contains(NotOurs, await PostAsync(http, TestPdf.Pages(1), "b.pdf"));
        var (status, retryAfter, html) = await PostRawAsync(http, TestPdf.Pages(1), "c.pdf", "/verify");
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.True(int.TryParse(retryAfter, out var seconds) && seconds is > 0 and <= 60, retryAfter);
        Assert.Contains($"Too many checks, try again in {seconds} seconds", html);
        // The page itself still opens: only checks count.
        Assert.Contains("verify-form", await http.GetStringAsync("/verify"));
    }

    private static async Task<string> PostAsync(HttpClient http, byte[] file, string name, string path = "/verify")
    {
        var (status, _, html) = await PostRawAsync(http, file, name, path);
        Assert.True(status == HttpStatusCode.OK, $"{status}: {html}");
        return html;
    }

    /// <summary>Opens the page and posts its form as a browser does: antiforgery token, form name, the file part.</summary>
    private static async Task<(HttpStatusCode, string?, string)> PostRawAsync(HttpClient http, byte[] file, string name, string path)
    {
        var page = await http.GetStringAsync(path);
        using var form = new MultipartFormDataContent
        {
            { new StringContent(Hidden(page, "__RequestVerificationToken")), "__RequestVerificationToken" },
            { new StringContent(Hidden(page, "_handler")), "_handler" },
        };
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(part, "file", name);
        using var response = await http.PostAsync(path, form);
        return (response.StatusCode, response.Headers.RetryAfter?.ToString(), WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    private static string Hidden(string html, string name) =>
        WebUtility.HtmlDecode(Regex.Match(html, $"name=\"{Regex.Escape(name)}\"[^>]*value=\"([^\"]*)\"").Groups[1].Value) is { Length: > 0 } v
            ? v : throw new Xunit.Sdk.XunitException($"No hidden field {name} in the page:\n{html}");
}
