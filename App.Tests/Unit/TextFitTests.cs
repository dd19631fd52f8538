using ESignWeb.Domain;
using ESignWeb.Sealing;
using ESignWeb.Signing;
using ESignWeb.Tests.Fixtures;
using PdfSharp.Pdf.IO;
using PigDocument = UglyToad.PdfPig.PdfDocument;

namespace ESignWeb.Tests.Unit;

/// <summary>
/// The one fit rule for a value in its field (TextFit), shared by the seal and the signer's page: the pure rule with a
/// made-up measure, the rule in the real font, and the seal drawing exactly what the rule says.
/// </summary>
public class TextFitTests
{
    public TextFitTests() => Fonts.Install();

    /// <summary>A monospaced stand-in: every character is half the font size wide.</summary>
    private static double Mono(string s, double size) => s.Length * size * 0.5;

    [Fact]
    public void Short_text_keeps_the_largest_size_the_height_allows()
    {
        // 32 pt high: inner 28 pt, 65% of it is 18.2, capped at 14. 10 characters × 7 = 70 ≤ 196 inner width.
        var fit = TextFit.Fit("0123456789", 200, 32, false, null, Mono);
        Assert.Equal(new FittedText("0123456789", 14, 70), fit);
        // A low box: 65% of its inner height.
        Assert.Equal(0.65 * 16, TextFit.Fit("abc", 200, 20, false, null, Mono).FontSize, 6);
    }

    [Fact]
    public void Wide_text_shrinks_in_proportion_to_fit_the_width_with_slack()
    {
        // 40 characters at 14 pt = 280 pt wide; the inner width is 100 − 4 = 96 pt.
        var text = new string('x', 40);
        var fit = TextFit.Fit(text, 100, 32, false, null, Mono);
        Assert.Equal(text, fit.Text);
        Assert.Equal(14 * 96 / 280.0 * TextFit.Slack, fit.FontSize, 9);
        Assert.True(Mono(fit.Text, fit.FontSize) <= 96);
    }

    [Fact]
    public void Text_too_wide_at_the_smallest_size_is_cut_with_an_ellipsis_that_fits()
    {
        // At 4 pt a character is 2 pt: 96 pt hold 48 characters, the ellipsis included.
        var fit = TextFit.Fit(new string('y', 500), 100, 32, false, null, Mono);
        Assert.Equal(TextFit.MinFontSize, fit.FontSize);
        Assert.Equal(new string('y', 47) + "…", fit.Text);
    }

    [Fact]
    public void An_asked_size_is_a_ceiling_and_line_breaks_become_spaces()
    {
        var fit = TextFit.Fit("a\nb", 200, 32, false, 9, Mono);
        Assert.Equal(new FittedText("a b", 9, 13.5), fit);
    }

    [Theory]
    [InlineData("Maximilian Alexander von Hohenberg-Wittelsbach", 110, 32)]
    [InlineData("27.11.2026", 45, 32)]
    [InlineData("Дмитрий Шостакович", 60, 40)]
    public void In_the_sealing_font_the_fitted_text_is_never_wider_than_the_box(string text, double w, double h)
    {
        var fit = TextFit.Fit(text, w, h);
        using var measure = PdfSharp.Drawing.XGraphics.CreateMeasureContext(new(1000, 1000), PdfSharp.Drawing.XGraphicsUnit.Point, PdfSharp.Drawing.XPageDirection.Downwards);
        var width = measure.MeasureString(fit.Text, TextFit.Font(false, fit.FontSize)).Width;
        Assert.Equal(width, fit.Width, 6);
        Assert.InRange(width, 1, w - 2 * TextFit.Padding);
        Assert.InRange(fit.FontSize, TextFit.MinFontSize, TextFit.MaxFontSize);
    }

    [Fact]
    public void The_seal_draws_the_text_and_size_the_rule_gives_the_signers_page()
    {
        const string value = "Maximilian Alexander von Hohenberg-Wittelsbach the Third";
        var rect = new PdfRect(100, 300, 120, 32);
        var expected = TextFit.Fit(value, rect.Width, rect.Height);
        Assert.EndsWith("…", expected.Text); // long enough to be both shrunk and cut

        using var doc = PdfReader.Open(new MemoryStream(TestPdf.Pages(1)), PdfDocumentOpenMode.Modify);
        PdfStamper.Stamp(doc, [new StampItem(1, rect, FieldType.Name, value)]);
        var ms = new MemoryStream();
        doc.Save(ms);
        using var pig = PigDocument.Open(ms.ToArray());
        var letters = pig.GetPage(1).Letters.Where(l => l.BoundingBox.Bottom > 290 && l.BoundingBox.Top < 340).ToList();
        Assert.Equal(expected.Text.Replace(" ", ""), string.Concat(letters.Select(l => l.Value)).Replace(" ", ""));
        Assert.All(letters, l => Assert.Equal(expected.FontSize, l.PointSize, 2));
        Assert.All(letters, l => Assert.InRange(l.BoundingBox.Right, rect.X, rect.X + rect.Width));
    }
}

public class SigningSessionTests
{
    private static SignerField F(int id, bool required, bool filled, bool mine = true) =>
        new(id, FieldType.Text, required, 1, new PdfRect(72, 72, 100, 32), null, mine, filled, filled ? "x" : null, false);

    [Fact]
    public void The_guide_goes_to_the_first_empty_required_field_then_the_first_empty_optional_one()
    {
        var session = new SigningSession(SigningState.Ready, "", Fields: [F(1, false, false), F(2, true, true), F(3, true, false, mine: false), F(4, true, false)]);
        Assert.Equal(4, session.NextToFill!.Id);
        session = new SigningSession(SigningState.Ready, "", Fields: [F(1, false, true), F(2, true, true), F(5, false, false)]);
        Assert.Equal(5, session.NextToFill!.Id);
        Assert.Null(new SigningSession(SigningState.Ready, "", Fields: [F(1, true, true)]).NextToFill);
    }
}

public class LocaleDateFormatTests
{
    [Theory]
    [InlineData("de-DE", "DD.MM.YYYY", "05.03.2026")]
    [InlineData("en-US", "M/D/YYYY", "3/5/2026")]
    [InlineData("en-GB", "DD/MM/YYYY", "05/03/2026")]
    [InlineData("fr-FR", "DD/MM/YYYY", "05/03/2026")]
    [InlineData("es-ES", "D/M/YYYY", "5/3/2026")]
    [InlineData("de", "DD.MM.YYYY", "05.03.2026")]
    public void A_locale_gives_its_short_date_format_which_formats_and_parses_back(string locale, string format, string text)
    {
        Assert.Equal(format, DateFormats.ForLocale(locale));
        var date = new DateOnly(2026, 3, 5);
        Assert.Equal(text, DateFormats.Format(date, format));
        Assert.True(DateFormats.TryParse(text, format, out var parsed));
        Assert.Equal(date, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("xx-NOPE")]
    [InlineData("not a locale at all")]
    public void An_unknown_locale_gives_none(string? locale) => Assert.Null(DateFormats.ForLocale(locale));

    [Theory]
    [InlineData("DD.MM.YYYY", true)]
    [InlineData("M/D/YYYY", true)]
    [InlineData("MMMM D, YYYY", true)]
    [InlineData("YYYY", false)]
    [InlineData("DD/DD/YYYY", false)]
    [InlineData("DD.MM.YYYY<script>", false)]
    [InlineData("", false)]
    public void Only_day_month_and_year_between_separators_are_well_formed(string format, bool expected) =>
        Assert.Equal(expected, DateFormats.IsWellFormed(format));

    [Fact]
    public void The_fields_own_format_wins_then_the_signers_locale_then_the_default()
    {
        Assert.Equal("YYYY-MM-DD", SigningService.EffectiveDateFormat("YYYY-MM-DD", "DD.MM.YYYY"));
        Assert.Equal("DD.MM.YYYY", SigningService.EffectiveDateFormat(null, "DD.MM.YYYY"));
        Assert.Equal(FieldRules.DefaultDateFormat, SigningService.EffectiveDateFormat(null, "dd'x'"));
        Assert.Equal(FieldRules.DefaultDateFormat, SigningService.EffectiveDateFormat(null, null));
    }

    [Fact]
    public void A_date_field_without_a_format_names_none_and_reads_as_the_default_elsewhere()
    {
        Assert.Null(FieldRules.ExplicitDateFormatOf("{}"));
        Assert.Null(FieldRules.ExplicitDateFormatOf(""));
        Assert.Equal("MM/DD/YYYY", FieldRules.ExplicitDateFormatOf("""{"format":"MM/DD/YYYY"}"""));
        Assert.Equal(FieldRules.DefaultDateFormat, FieldRules.DateFormatOf("{}"));
    }
}
