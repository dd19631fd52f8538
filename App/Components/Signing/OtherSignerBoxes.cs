using System.Text;
using System.Text.Encodings.Web;
using ESignWeb.Domain;
using ESignWeb.Sealing;
using ESignWeb.Signing;
using Microsoft.AspNetCore.Components;

namespace ESignWeb.Components.Signing;

/// <summary>
/// Other signers' boxes on one page of the signer's page: read-only, never focused, no handlers, and unchanged while
/// the page is open. They are drawn as ONE piece of markup (one render-tree frame) instead of about ten frames a box,
/// so a page of a request with many signers does not hold — twice, current and previous tree — and re-diff every
/// other signer's box on each render (issue 15, docs/benchmarks.md "Signing circuits"). Same elements as before:
/// <c>div.sign-field.other</c> (aria-hidden, a tooltip) with its <c>span.sign-placeholder</c>.
/// </summary>
public static class OtherSignerBoxes
{
    /// <summary>The markup of <paramref name="fields"/>' boxes on page <paramref name="pageNumber"/> that are not the
    /// signer's own; null when there are none. <paramref name="label"/> is the "Another signer" text, already localized.</summary>
    public static MarkupString? Markup(IEnumerable<SignerField> fields, int pageNumber, PageGeometry geometry, string label)
    {
        StringBuilder? html = null;
        var encoder = HtmlEncoder.Default;
        var text = encoder.Encode(label);
        foreach (var f in fields)
        {
            if (f.Mine || f.PageNumber != pageNumber) continue;
            html ??= new StringBuilder();
            var v = geometry.ToView(f.Rect);
            html.Append("<div class=\"sign-field other\" style=\"").Append(BoxStyle(v))
                .Append("\" aria-hidden=\"true\" title=\"").Append(text).Append("\"><span class=\"sign-placeholder\" style=\"")
                .Append(encoder.Encode(PlaceholderStyle(label, v, geometry))).Append("\">").Append(text).Append("</span></div>");
        }
        return html is null ? null : new MarkupString(html.ToString());
    }

    /// <summary>Where a box sits on the page overlay, as shares of its size (every box of the signer's page, theirs and others').</summary>
    public static string BoxStyle(ViewRect v) =>
        $"left:{Css(v.Left * 100)}%;top:{Css(v.Top * 100)}%;width:{Css(v.Width * 100)}%;height:{Css(v.Height * 100)}%";

    /// <summary>
    /// A placeholder shrinks with its box like a value (bold runs about a tenth wider), between 7px — still readable;
    /// narrower boxes cut it with an ellipsis, its tooltip names it — and 12px. The size is a share of the page
    /// overlay's width (<c>cqw</c>; the overlay is a size container), so it follows the zoom as the box does.
    /// </summary>
    public static string PlaceholderStyle(string label, ViewRect v, PageGeometry geometry)
    {
        var fit = TextFit.Fit(label, v.Width * geometry.DisplayWidth * 0.9, v.Height * geometry.DisplayHeight);
        return $"font-size:clamp(7px, {Css(fit.FontSize / geometry.DisplayWidth * 100)}cqw, 12px)";
    }

    private static string Css(double v) => ESignWeb.Components.Pdf.PdfViewer.Css(v);
}
