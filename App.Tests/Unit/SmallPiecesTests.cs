using ESignWeb.Tests.Fixtures;
using ESignWeb.Audit;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Hosting;
using ESignWeb.Requests;
using ESignWeb.Storage;
using Microsoft.Extensions.Options;

namespace ESignWeb.Tests.Unit;

public class FileNamesTests
{
    [Theory]
    [InlineData("NDA.pdf", "NDA.pdf")]
    [InlineData("  NDA  ", "NDA.pdf")]
    [InlineData("C:\\Users\\ann\\Contract.PDF", "Contract.PDF")]
    [InlineData("../../etc/passwd", "passwd.pdf")]
    public void Clean_keeps_the_file_name_only_and_ends_in_pdf(string raw, string expected) =>
        Assert.Equal(expected, FileNames.Clean(raw));

    [Fact]
    public void Clean_refuses_empty_names() => Assert.Throws<AppException>(() => FileNames.Clean(" / "));

    [Fact]
    public void Next_available_numbers_like_rename_if_exists()
    {
        Assert.Equal("NDA.pdf", FileNames.NextAvailable("NDA.pdf", ["Other.pdf"]));
        Assert.Equal("NDA (1).pdf", FileNames.NextAvailable("NDA.pdf", ["nda.pdf"]));
        Assert.Equal("NDA (2).pdf", FileNames.NextAvailable("NDA.pdf", ["NDA.pdf", "NDA (1).pdf"]));
        Assert.Equal("NDA (2).pdf", FileNames.NextAvailable("NDA (1).pdf", ["NDA.pdf", "NDA (1).pdf"]));
    }
}

public class RecipientTokensTests
{
    [Fact]
    public void Tokens_are_256_bit_url_safe_stored_only_as_hash_and_rebuildable()
    {
        {
            var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
            var tokens = new RecipientTokens(key);
            var a = new Recipient();
            var b = new Recipient();
            var ta = tokens.Issue(a);
            var tb = tokens.Issue(b);
            Assert.True(RecipientTokens.LooksValid(ta));
            Assert.NotEqual(ta, tb);
            Assert.Equal(RecipientTokens.Hash(ta), a.TokenHash);
            Assert.DoesNotContain(ta, a.TokenHash + a.TokenNonce);
            // Same key → same link for mail retries and reminders.
            Assert.Equal(ta, new RecipientTokens(key).TokenFor(a));
            // A different instance key → a different token: the Recipients rows alone cannot make links.
            var other = new RecipientTokens(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            Assert.NotEqual(ta, other.TokenFor(a));
            Assert.False(RecipientTokens.LooksValid("short"));
            Assert.False(RecipientTokens.LooksValid(ta[..42] + "!"));
        }
    }
}

public class EmailAddressTests
{
    [Theory]
    [InlineData("ann@example.com", true)]
    [InlineData("ann.lee+tag@mail.example.co.uk", true)]
    [InlineData("ann@localhost", false)]
    [InlineData("ann example@x.com", false)]
    [InlineData("<ann@example.com>", false)]
    [InlineData("", false)]
    public void Validates_practical_addresses(string email, bool valid) => Assert.Equal(valid, EmailAddress.IsValid(email));
}

public class AuditLogTests
{
    private static List<AuditEvent> Chain()
    {
        var events = new List<AuditEvent>();
        var prev = AuditLog.Genesis;
        var at = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        foreach (var (type, i) in new[] { AuditEventType.Created, AuditEventType.Sent, AuditEventType.Viewed }.Select((t, i) => (t, i)))
        {
            var e = new AuditEvent { RequestId = 5, Seq = i + 1, Type = type, ActorEmail = "ann@example.com", At = at.AddMinutes(i), Data = "{\"n\":1}", PrevHash = prev };
            e.Hash = AuditLog.ComputeHash(e);
            prev = e.Hash;
            events.Add(e);
        }
        return events;
    }

    [Fact]
    public void An_untouched_chain_verifies()
    {
        Assert.Null(AuditLog.Verify(Chain()));
    }

    [Fact]
    public void A_changed_byte_a_removed_event_or_a_reorder_is_detected()
    {
        var changed = Chain();
        changed[1].Data = "{\"n\":2}";
        Assert.Contains("altered", AuditLog.Verify(changed));

        var removed = Chain();
        removed.RemoveAt(1);
        Assert.NotNull(AuditLog.Verify(removed));

        var swapped = Chain();
        (swapped[1].Seq, swapped[2].Seq) = (swapped[2].Seq, swapped[1].Seq);
        Assert.NotNull(AuditLog.Verify(swapped));
    }
}

public class DateFormatsTests
{
    [Theory]
    [InlineData("DD/MM/YYYY", "05/03/2026")]
    [InlineData("MM/DD/YYYY", "03/05/2026")]
    [InlineData("YYYY-MM-DD", "2026-03-05")]
    [InlineData("D MMMM YYYY", "5 March 2026")]
    [InlineData("MMMM D, YYYY", "March 5, 2026")]
    public void Seed_formats_format_and_parse_back(string format, string expected)
    {
        var date = new DateOnly(2026, 3, 5);
        Assert.Equal(expected, DateFormats.Format(date, format));
        Assert.True(DateFormats.TryParse(expected, format, out var parsed));
        Assert.Equal(date, parsed);
        Assert.False(DateFormats.TryParse("31/31/2026", format, out _));
    }
}

public class SignatureImageTests
{
    [Fact]
    public void Png_and_jpeg_headers_are_read_and_anything_else_is_refused()
    {
        Assert.Equal((40, 12), ESignWeb.Signing.SignatureImage.Validate(TestImages.SignaturePng()));
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x20, 0x00, 0x40, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        Assert.Equal((64, 32), ESignWeb.Signing.SignatureImage.SizeOf(jpeg));
        Assert.Contains("damaged", Assert.Throws<AppException>(() => ESignWeb.Signing.SignatureImage.Validate(jpeg)).Message); // a header alone does not decode
        Assert.Contains("PNG or JPEG", Assert.Throws<AppException>(() => ESignWeb.Signing.SignatureImage.Validate("<svg/>"u8)).Message);
        Assert.Contains("too large", Assert.Throws<AppException>(() => ESignWeb.Signing.SignatureImage.Validate(new byte[3_000_000])).Message);
        Assert.Contains("empty", Assert.Throws<AppException>(() => ESignWeb.Signing.SignatureImage.Validate([])).Message);
    }
}

public class ThrottlingRuleTests
{
    private static string? Rule(string method, string path, string? range = null)
    {
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        http.Request.Method = method;
        http.Request.Path = path;
        if (range is not null) http.Request.Headers.Range = range;
        return ESignWeb.Hosting.Throttling.RuleFor(http.Request);
    }

    [Fact]
    public void Range_reads_of_a_tokens_document_have_their_own_budget_and_everything_else_by_token_stays_a_look_up()
    {
        const string token = "7NvW0uonWH5stSJgNinjPe9PKrjL4Fl1ug1QPPKXOPw";
        Assert.Equal(ESignWeb.Hosting.Throttling.DocumentRange, Rule("GET", $"/sign/{token}/document", "bytes=0-262143"));
        Assert.Equal(ESignWeb.Hosting.Throttling.DocumentRange, Rule("GET", $"/embed/send/{token}/document", "bytes=100-"));
        // The opening request of a reading, other endpoints with a Range header, and pages: token look-ups.
        Assert.Equal(ESignWeb.Hosting.Throttling.TokenLookup, Rule("GET", $"/sign/{token}/document"));
        Assert.Equal(ESignWeb.Hosting.Throttling.TokenLookup, Rule("GET", $"/sign/{token}/signed.pdf", "bytes=0-10"));
        Assert.Equal(ESignWeb.Hosting.Throttling.TokenLookup, Rule("GET", $"/sign/{token}", "bytes=0-10"));
        Assert.Equal(ESignWeb.Hosting.Throttling.TokenLookup, Rule("HEAD", $"/sign/{token}/document", "bytes=0-10"));
        Assert.Null(Rule("GET", "/documents", "bytes=0-10"));
    }
}
