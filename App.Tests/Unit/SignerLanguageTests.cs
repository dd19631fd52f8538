using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ESignWeb.Hosting;
using ESignWeb.Localization;
using ESignWeb.Mail;
using ESignWeb.Requests;
using ESignWeb.Signing;
using ESignWeb.Tests.E2E;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ESignWeb.Tests.Unit;

/// <summary>
/// The signer's languages: every resource key exists, non-empty and with the same placeholders, in en, de, fr and es;
/// every key the signer's pages and mails ask for exists; mails come out in the signer's language (English unchanged).
/// </summary>
public class SignerLanguageTests
{
    private static readonly string[] Translations = ["de", "fr", "es"];
    private static string ResourceDir => Path.Combine(RepoPaths.Root, "App", "Localization");

    /// <summary>What is wrong with one resource set (<c>{name}.resx</c> and its translations) in a folder; empty when nothing.</summary>
    internal static List<string> Problems(string dir, string name, IEnumerable<string> cultures)
    {
        var problems = new List<string>();
        var neutral = Read(Path.Combine(dir, name + ".resx"));
        foreach (var (key, value) in neutral.Where(kv => string.IsNullOrWhiteSpace(kv.Value)))
            problems.Add($"{name}.resx: {key} is empty");
        foreach (var culture in cultures)
        {
            var file = $"{name}.{culture}.resx";
            var path = Path.Combine(dir, file);
            if (!File.Exists(path))
            {
                problems.Add($"{file} is missing");
                continue;
            }
            var translated = Read(path);
            foreach (var key in neutral.Keys.Except(translated.Keys)) problems.Add($"{file}: {key} is missing");
            foreach (var key in translated.Keys.Except(neutral.Keys)) problems.Add($"{file}: {key} is not in {name}.resx");
            foreach (var (key, value) in translated.Where(kv => neutral.ContainsKey(kv.Key)))
            {
                if (string.IsNullOrWhiteSpace(value)) problems.Add($"{file}: {key} is empty");
                else if (!Placeholders(value).SetEquals(Placeholders(neutral[key])))
                    problems.Add($"{file}: {key} has placeholders {string.Join(",", Placeholders(value))}, English has {string.Join(",", Placeholders(neutral[key]))}");
            }
        }
        return problems;
    }

    private static Dictionary<string, string> Read(string path) =>
        XDocument.Load(path).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "");

    private static HashSet<string> Placeholders(string s) => Regex.Matches(s, @"\{\d+\}").Select(m => m.Value).ToHashSet();

    [Theory]
    [InlineData("SignerText")]
    [InlineData("SignerMailText")]
    [InlineData("MudText")]
    public void Every_key_is_translated_into_every_language_non_empty_with_the_same_placeholders(string name)
    {
        var problems = Problems(ResourceDir, name, Translations);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        // And the compiled satellite assemblies answer every key in every language.
        var neutral = Read(Path.Combine(ResourceDir, name + ".resx"));
        var rm = new ResourceManager($"ESignWeb.Localization.{name}", typeof(SignerText).Assembly);
        foreach (var culture in Translations)
        {
            var translated = Read(Path.Combine(ResourceDir, $"{name}.{culture}.resx"));
            foreach (var key in neutral.Keys)
                Assert.Equal(translated[key], rm.GetString(key, CultureInfo.GetCultureInfo(culture)));
        }
    }

    [Fact]
    public void The_check_fails_on_a_key_missing_or_empty_in_one_language()
    {
        var dir = Directory.CreateTempSubdirectory("resx-check").FullName;
        try
        {
            static string Resx(params (string Key, string Value)[] rows) =>
                new XDocument(new XElement("root", rows.Select(r => new XElement("data", new XAttribute("name", r.Key), new XElement("value", r.Value))))).ToString();
            File.WriteAllText(Path.Combine(dir, "T.resx"), Resx(("A", "Hello {0}"), ("B", "Bye"), ("C", "Yes")));
            File.WriteAllText(Path.Combine(dir, "T.de.resx"), Resx(("A", "Hallo {0}"), ("B", "Tschüss"), ("C", "Ja")));
            File.WriteAllText(Path.Combine(dir, "T.fr.resx"), Resx(("A", "Bonjour {0}"), ("C", "Oui")));        // B missing
            File.WriteAllText(Path.Combine(dir, "T.es.resx"), Resx(("A", "Hola"), ("B", " "), ("C", "Sí")));    // {0} dropped, B empty

            Assert.Empty(Problems(dir, "T", ["de"]));
            Assert.Equal(["T.fr.resx: B is missing", "T.es.resx: A has placeholders , English has {0}", "T.es.resx: B is empty", "T.it.resx is missing"],
                Problems(dir, "T", ["de", "fr", "es", "it"]));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Every_key_the_signer_pages_and_mails_use_exists()
    {
        var app = Path.Combine(RepoPaths.Root, "App");
        var pageKeys = Read(Path.Combine(ResourceDir, "SignerText.resx")).Keys.ToHashSet();
        var mailKeys = Read(Path.Combine(ResourceDir, "SignerMailText.resx")).Keys.ToHashSet();
        var pageSources = Directory.GetFiles(Path.Combine(app, "Components", "Signing"), "*.razor")
            .Append(Path.Combine(app, "Signing", "SigningService.cs")).Append(Path.Combine(app, "Signing", "SignatureImage.cs")).Append(Path.Combine(app, "Signing", "SignerVerification.cs"))
            .Append(Path.Combine(app, "Signing", "RoleWords.cs")).ToList();
        var used = pageSources.SelectMany(f => Regex.Matches(File.ReadAllText(f), @"(?:\bL\[|\bSignerText\.Get\()""([A-Za-z]+)""").Select(m => (File: f, Key: m.Groups[1].Value))).ToList();
        // The words chosen by role (RoleWords) are keys too: the mail ones and the page ones.
        var usedInMail = Regex.Matches(File.ReadAllText(Path.Combine(app, "Mail", "MailComposer.cs")), @"\bM\[""([A-Za-z]+)""").Select(m => m.Groups[1].Value)
            .Concat(RoleWords.MailKeys).ToList();
        used.AddRange(RoleWords.PageKeys.Select(k => (File: "RoleWords.cs", Key: k)));

        Assert.True(used.Count > 60, $"only {used.Count} L[\"…\"] uses found: the scan no longer matches the code");
        Assert.True(usedInMail.Count > 15, $"only {usedInMail.Count} M[\"…\"] uses found");
        var missing = used.Where(u => !pageKeys.Contains(u.Key)).Select(u => $"{Path.GetFileName(u.File)}: {u.Key}")
            .Concat(usedInMail.Where(k => !mailKeys.Contains(k)).Select(k => $"MailComposer.cs: {k}"))
            // Keys built from a name: one per field type.
            .Concat(Enum.GetNames<Domain.FieldType>().Select(t => "FieldType" + t).Where(k => !pageKeys.Contains(k)).Select(k => $"SignerFieldLayer: {k}"))
            .ToList();
        Assert.True(missing.Count == 0, "Keys used but not in the resources:\n" + string.Join("\n", missing));
        // Every key is used somewhere (no dead translations).
        var all = string.Concat(pageSources.Select(File.ReadAllText));
        var unused = pageKeys.Where(k => !k.StartsWith("FieldType") && !all.Contains($"\"{k}\"")).ToList();
        Assert.True(unused.Count == 0, "Keys nothing uses: " + string.Join(", ", unused));
    }

    [Fact]
    public void The_English_consent_is_the_versioned_text_word_for_word()
    {
        Assert.Equal(Consent.Text, Read(Path.Combine(ResourceDir, "SignerText.resx"))["ConsentText"]);
    }

    private static MailComposer Composer() => new(Options.Create(new SmtpOptions()), Options.Create(new ESignOptions()),
        new StringLocalizer<SignerMailText>(new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance)));

    [Fact]
    public void Mails_to_senders_and_copies_stay_English_whatever_culture_builds_them_and_a_signers_footer_follows_its_language()
    {
        var composer = Composer();
        var before = System.Globalization.CultureInfo.CurrentUICulture;
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("fr");
        try
        {
            // Account mails are built inside a French visitor's request; notices on any thread.
            var cc = composer.CcNotice("c@example.com", "Sara Sender", "sara@example.com", "NDA", ["Ann Lee"], null);
            Assert.Contains(">Sent by ESignWeb<", cc.Html);
            var german = composer.SignerInvite("a@example.com", "Ann Lee", "Sara Sender", "sara@example.com", "NDA", null, "http://x/sign/t", language: "de");
            var sentBy = new System.Resources.ResourceManager("ESignWeb.Localization.SignerMailText", typeof(SignerMailText).Assembly)
                .GetString("SentBy", System.Globalization.CultureInfo.GetCultureInfo("de"))!;
            Assert.Contains(">" + string.Format(sentBy, "ESignWeb") + "<", german.Html);
            Assert.Equal("fr", System.Globalization.CultureInfo.CurrentUICulture.Name); // the caller's culture is restored
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentUICulture = before;
        }
    }

    [Fact]
    public void An_invitation_is_written_in_the_signers_language_and_English_reads_as_before()
    {
        var composer = Composer();
        var en = composer.SignerInvite("a@example.com", "Ann Lee", "Sara Sender", "sara@example.com", "NDA", "Please sign", "http://x/sign/t");
        Assert.Equal("Sara Sender sent you \"NDA\" to sign", en.Subject);
        Assert.StartsWith("Hello Ann Lee,\n\nSara Sender (sara@example.com) has asked you to sign \"NDA\".\n\nMessage from Sara Sender:\nPlease sign\n\n" +
                          "Review and sign the document here:\nhttp://x/sign/t\n\nThis link is personal: do not forward it.", en.Text);
        Assert.Contains("Sent by ESignWeb", en.Html);
        Assert.Equal("en", en.Language);

        var expected = new Dictionary<string, (string Subject, string Button)>
        {
            ["de"] = ("Sara Sender hat Ihnen „NDA“ zum Unterschreiben geschickt", "Prüfen und unterschreiben"),
            ["fr"] = ("Sara Sender vous a envoyé « NDA » à signer", "Consulter et signer"),
            ["es"] = ("Sara Sender le ha enviado «NDA» para firmar", "Revisar y firmar"),
        };
        foreach (var (language, (subject, button)) in expected)
        {
            var c = composer.SignerInvite("a@example.com", "Ann Lee", "Sara Sender", "sara@example.com", "NDA", null, "http://x/sign/t", language: language);
            Assert.Equal(subject, c.Subject);
            Assert.Contains(button, System.Net.WebUtility.HtmlDecode(c.Html));
            Assert.Equal(language, c.Language);
            Assert.Equal(language, composer.ToMime(c).Body.Headers[MimeKit.HeaderId.ContentLanguage]);
        }
        var reminder = composer.SignerInvite("a@example.com", "Ann", "Sara", "s@example.com", "NDA", null, "http://x", reminder: true, language: "de");
        Assert.Equal("Erinnerung: Sara wartet auf Ihre Unterschrift unter „NDA“", reminder.Subject);
        var voided = composer.Voided("a@example.com", "Ann", "Sara", "s@example.com", "NDA", null, "fr");
        Assert.Equal("Sara a annulé « NDA »", voided.Subject);
        var completed = composer.Completed("a@example.com", "Ann", "NDA", ["Ann", "Bo"], "http://x", attached: true, language: "es");
        Assert.Equal("Completado: todos han firmado «NDA»", completed.Subject);
        Assert.Contains("«NDA» ha sido firmado por Ann, Bo. Se adjuntan el documento firmado y su registro de auditoría.", completed.Text);
        var toSender = composer.Completed("s@example.com", null, "NDA", ["Ann"], null, attached: false);
        Assert.Equal(("Completed: \"NDA\" has been signed by everyone", "Hello,\n\n\"NDA\" has been signed by Ann.\n"), (toSender.Subject, toSender.Text));
        Assert.Null(toSender.Language);
    }

    [Fact]
    public void Composing_in_a_language_restores_the_callers_culture()
    {
        var before = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        Composer().SignerInvite("a@example.com", "Ann", "Sara", "s@example.com", "NDA", null, "http://x", language: "de");
        Assert.Equal(before, (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture));
    }

    [Fact]
    public void A_signers_language_is_one_of_the_four_or_refused()
    {
        var d = new RequestDraft();
        Assert.Null(DraftEditor.AddSigner(d, "a@example.com", "Ann", "Lee"));
        Assert.Null(DraftEditor.AddSigner(d, "b@example.com", "Bo", "Ek", "de"));
        Assert.Equal("Language \"it\" is not supported (supported: en, de, fr, es).", DraftEditor.AddSigner(d, "c@example.com", "Cy", "Ro", "it"));
        Assert.Equal(["en", "de"], d.Signers.Select(s => s.Language));
        Assert.Null(DraftEditor.UpdateSigner(d, d.Signers[0].Key, "a@example.com", "Ann", "Lee", "es"));
        Assert.Null(DraftEditor.UpdateSigner(d, d.Signers[0].Key, "a@example.com", "Ann", "Lee")); // null keeps it
        Assert.Equal("es", d.Signers[0].Language);
        Assert.NotNull(DraftEditor.UpdateSigner(d, d.Signers[0].Key, "a@example.com", "Ann", "Lee", "EN"));
        d.Signers[1].Language = "xx"; // a stored draft cannot smuggle one in either
        Assert.Contains(SignerLanguages.Unsupported("xx"), DraftEditor.ProblemsBeforeSend(d, requireSigners: false));
        Assert.Equal(["de", null, "de"], new[] { "de-AT", "it-IT", "de" }.Select(c => SignerLanguages.Of(CultureInfo.GetCultureInfo(c))));
    }

    [Theory]
    [InlineData("en", "The signature image is empty.", "The signature must be a PNG or JPEG image.")]
    [InlineData("de", "Das Unterschriftsbild ist leer.", "Die Unterschrift muss ein PNG- oder JPEG-Bild sein.")]
    [InlineData("fr", "L'image de la signature est vide.", "La signature doit être une image PNG ou JPEG.")]
    [InlineData("es", "La imagen de la firma está vacía.", "La firma debe ser una imagen PNG o JPEG.")]
    public void Signature_image_refusals_speak_the_signers_language(string language, string empty, string notAnImage)
    {
        using var _ = SignerLanguages.Use(language);
        Assert.Equal(empty, Assert.Throws<Domain.AppException>(() => SignatureImage.Validate([])).Message);
        Assert.Equal(notAnImage, Assert.Throws<Domain.AppException>(() => SignatureImage.Validate("GIF89a not really an image"u8)).Message);
    }

    [Fact]
    public void Signature_image_refusals_in_German_carry_their_numbers_in_German_form()
    {
        using var _ = SignerLanguages.Use("de");
        Assert.Equal("Das Unterschriftsbild ist zu groß (3000 × 2000 Pixel; höchstens 4 Megapixel, z. B. 2500 × 1600). Verwenden Sie ein kleineres Bild.",
            Assert.Throws<Domain.AppException>(() => SignatureImage.Validate(Fixtures.Png.WithBrokenData(3000, 2000))).Message);
        Assert.Equal("Das Unterschriftsbild ist beschädigt und kann nicht gelesen werden. Zeichnen, tippen oder laden Sie es erneut hoch.",
            Assert.Throws<Domain.AppException>(() => SignatureImage.Validate(Fixtures.Png.WithBrokenData(20, 10))).Message);
        Assert.Equal("Das Unterschriftsbild muss auf jeder Seite zwischen 1 und 4000 Pixel groß sein.",
            Assert.Throws<Domain.AppException>(() => SignatureImage.Validate(Fixtures.Png.WithBrokenData(4001, 10))).Message);
        Assert.Equal("Ihre Unterschriftsbilder würden zusammen 12,5 MB belegen; höchstens 10 MB pro Unterzeichner. Verwenden Sie dieselbe Unterschrift für mehrere Felder oder ein kleineres Bild.",
            Assert.Throws<Domain.AppException>(() => SignatureImage.CheckTotal(12_500 * 1024 * 1024L / 1000, 10 * 1024 * 1024)).Message);
        Assert.Equal("Das Unterschriftsbild ist zu groß (2049 KB; höchstens 2 MB).",
            Assert.Throws<Domain.AppException>(() => SignatureImage.Validate(new byte[SignatureImage.MaxBytes + 1024])).Message);
    }
}
