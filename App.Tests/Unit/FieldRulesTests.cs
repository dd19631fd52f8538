using ESignWeb.Domain;
using ESignWeb.Requests;

namespace ESignWeb.Tests.Unit;

public class FieldRulesTests
{
    private static readonly PageGeometry Letter = new(0, 0, 612, 792, 0);

    [Fact]
    public void A_field_below_the_seed_minimum_is_refused_with_its_size()
    {
        var error = FieldRules.Validate(new PdfRect(10, 10, 44, 32), Letter, 1, 1);
        Assert.Contains("45 × 32", error);
        Assert.Null(FieldRules.Validate(new PdfRect(10, 10, 45, 32), Letter, 1, 1));
    }

    [Fact]
    public void A_field_off_the_page_or_on_a_missing_page_is_refused()
    {
        Assert.Contains("outside page 1", FieldRules.Validate(new PdfRect(600, 10, 45, 32), Letter, 1, 1));
        Assert.Contains("does not exist", FieldRules.Validate(new PdfRect(10, 10, 45, 32), Letter, 2, 1));
    }

    [Fact]
    public void Fit_grows_to_the_minimum_and_keeps_the_field_on_the_page()
    {
        var r = DraftEditor.Fit(Letter, new PdfRect(590, 780, 10, 5));
        Assert.Equal(new PdfRect(567, 760, 45, 32), r);
        Assert.Null(FieldRules.Validate(r, Letter, 1, 1));
    }

    [Fact]
    public void Default_sizes_are_never_below_the_minimum()
    {
        foreach (var t in Enum.GetValues<FieldType>())
        {
            var (w, h) = FieldRules.DefaultSize(t);
            Assert.True(w >= FieldRules.MinWidth && h >= FieldRules.MinHeight, t.ToString());
        }
    }
}
