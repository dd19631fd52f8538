using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Ganss.Xss;

namespace ESignWeb.Requests;

/// <summary>
/// The sender's message to the signers (<c>email_message</c>): a little HTML. It is stored as the sender typed it
/// (<see cref="AsTyped"/>), so the message box shows their own text again after a reload, and cleaned each time it is
/// shown (<see cref="Clean"/>: invitation and CC mail, signer's page, request page, preview, API echo). Kept: the seed's tags (a, abbr, acronym, b,
/// blockquote, code, em, i, ul, li, ol, strong) and <c>href</c> on <c>a</c> with an http, https or mailto URL; plain
/// http(s) URLs in the text become links. Everything else is cleaned away silently (other tags keep their text) —
/// except active content, which is refused with a precise message (<see cref="Problem"/>): script, style and other
/// embedding elements, event-handler attributes (<c>on…</c>) and javascript:, vbscript: or data: URLs. Line breaks
/// are kept as written (shown with <c>white-space: pre-wrap</c>).
/// </summary>
public static class SenderMessage
{
    public static readonly IReadOnlyList<string> AllowedTags = ["a", "abbr", "acronym", "b", "blockquote", "code", "em", "i", "ul", "li", "ol", "strong"];

    /// <summary>Elements that run, load or restyle something: a message holding one is refused, not cleaned.</summary>
    private static readonly HashSet<string> ActiveElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "link", "meta", "form", "noscript", "template",
    };

    private static readonly string[] DangerousSchemes = ["javascript", "vbscript", "data"];

    /// <summary>Why <paramref name="message"/> is refused (active content), or null when it can be saved (cleaned).</summary>
    public static string? Problem(string? message)
    {
        if (string.IsNullOrWhiteSpace(message)) return null;
        var document = new HtmlParser().ParseDocument("<!DOCTYPE html><html><body></body></html>");
        var body = document.Body!;
        var nodes = new HtmlParser().ParseFragment(message, body);
        foreach (var element in nodes.SelectMany(Descendants))
        {
            var tag = element.LocalName;
            if (ActiveElements.Contains(tag))
                return $"The message may not contain a <{tag}> element (allowed: {string.Join(", ", AllowedTags)}; plain links become clickable).";
            foreach (var attr in element.Attributes)
            {
                if (attr.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase))
                    return $"The message may not contain event handlers (the {attr.Name} attribute on <{tag}>).";
                if (SchemeOf(attr.Value) is { } scheme && DangerousSchemes.Contains(scheme))
                    return $"The message may not contain {scheme}: URLs (in the {attr.Name} attribute on <{tag}>); links must be http, https or mailto.";
            }
        }
        return null;
    }

    /// <summary>
    /// The message as it is stored: the sender's text, trimmed (null when blank). Call <see cref="Problem"/> first: a
    /// message with active content is refused, never stored. Rows saved before this rule hold cleaned HTML, which
    /// <see cref="Clean"/> leaves as it is (cleaning is idempotent).
    /// </summary>
    public static string? AsTyped(string? message) => string.IsNullOrWhiteSpace(message) ? null : message.Trim();

    /// <summary>The message as it is shown and sent: cleaned HTML (null when blank). Call <see cref="Problem"/> first.</summary>
    /// <remarks>
    /// Lists clean every row's message (the API's pending list: 200 messages a call), so this is cheap: a message that is
    /// plain text the sanitizer would give back unchanged (<see cref="IsPlain"/>) is returned as it is, others go through
    /// one shared sanitizer (built once; its <c>Sanitize</c> is safe to call from several threads) and the last
    /// <see cref="MemoSize"/> distinct answers are remembered (a pure function of the text: nothing can go stale).
    /// </remarks>
    public static string? Clean(string? message)
    {
        if (string.IsNullOrWhiteSpace(message)) return null;
        var trimmed = message.Trim();
        if (IsPlain(trimmed)) return trimmed;
        if (Memo.TryGetValue(trimmed, out var known)) return known;
        var html = Sanitized(trimmed);
        if (Memo.Count >= MemoSize) Memo.Clear();
        Memo[trimmed] = html;
        return html;
    }

    /// <summary>How many distinct cleaned messages <see cref="Clean"/> remembers (then it forgets them all and starts again).</summary>
    public const int MemoSize = 1024;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?> Memo = new(StringComparer.Ordinal);

    /// <summary>The sanitizer's answer for a trimmed, non-blank message, always computed (what <see cref="Clean"/> must equal).</summary>
    internal static string? Sanitized(string trimmed)
    {
        var html = SharedSanitizer.Value.Sanitize(trimmed);
        return string.IsNullOrWhiteSpace(html) ? null : html;
    }

    private static readonly Lazy<HtmlSanitizer> SharedSanitizer = new(Sanitizer);

    /// <summary>
    /// Text the sanitizer gives back unchanged: nothing the HTML parser reads as markup or a character reference
    /// (<c>&lt;</c>, <c>&amp;</c>), nothing the serializer escapes (<c>&gt;</c>, no-break space), nothing the parser rewrites
    /// (carriage returns, NUL and other control characters but tab and line feed, unpaired surrogates), and no
    /// http(s) URL to become a link.
    /// </summary>
    internal static bool IsPlain(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '<' or '>' or '&' or '\u00A0') return false;
            if (char.IsControl(c) && c is not ('\n' or '\t')) return false;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            if (char.IsSurrogate(c)) return false;
        }
        return NextUrlStart(text, 0) < 0;
    }

    /// <summary>
    /// What the prepare and template pages show under the message box while the sender types: the cleaned HTML the
    /// signers will get, or why the message is refused, and the tags that are cleaned away (their text stays).
    /// </summary>
    public static MessagePreview Preview(string? message)
    {
        if (string.IsNullOrWhiteSpace(message)) return new MessagePreview(null, null, []);
        if (Problem(message) is { } problem) return new MessagePreview(null, problem, []);
        var document = new HtmlParser().ParseDocument("<!DOCTYPE html><html><body></body></html>");
        var dropped = new HtmlParser().ParseFragment(message, document.Body!).SelectMany(Descendants)
            .Select(e => e.LocalName).Where(t => !AllowedTags.Contains(t, StringComparer.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return new MessagePreview(Clean(message), null, dropped);
    }

    /// <summary>The cleaned message as plain text (the mail's text part): links as "text (URL)", list items on their own lines.</summary>
    public static string ToText(string? html)
    {
        if (string.IsNullOrWhiteSpace(html)) return "";
        var document = new HtmlParser().ParseDocument("<!DOCTYPE html><html><body></body></html>");
        var nodes = new HtmlParser().ParseFragment(html, document.Body!);
        var text = new System.Text.StringBuilder();
        foreach (var n in nodes) Write(n, text);
        return text.ToString().Trim();
    }

    private static void Write(INode node, System.Text.StringBuilder text)
    {
        switch (node)
        {
            case IText t:
                text.Append(t.Data);
                return;
            case IElement { LocalName: "li" } li:
                if (text.Length > 0 && text[^1] != '\n') text.Append('\n');
                text.Append("• ");
                foreach (var c in li.ChildNodes) Write(c, text);
                return;
            case IElement { LocalName: "a" } a:
                var inner = a.TextContent;
                text.Append(inner);
                if (a.GetAttribute("href") is { } href && href != inner && !href.EndsWith(":" + inner, StringComparison.Ordinal))
                    text.Append(" (").Append(href).Append(')');
                return;
            case IElement e:
                foreach (var c in e.ChildNodes) Write(c, text);
                if (e.LocalName is "ul" or "ol" or "blockquote" && (text.Length == 0 || text[^1] != '\n')) text.Append('\n');
                return;
        }
    }

    private static IEnumerable<IElement> Descendants(INode node) =>
        node is IElement e ? new[] { e }.Concat(e.Descendants<IElement>()) : node.ChildNodes.SelectMany(Descendants);

    /// <summary>The URL scheme of an attribute value as a browser reads it (control characters and spaces ignored), or null.</summary>
    private static string? SchemeOf(string value)
    {
        var chars = value.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c)).ToArray();
        var s = new string(chars);
        var colon = s.IndexOf(':');
        if (colon <= 0) return null;
        var scheme = s[..colon];
        return scheme.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.') ? scheme.ToLowerInvariant() : null;
    }

    private static HtmlSanitizer Sanitizer()
    {
        var s = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(AllowedTags, StringComparer.OrdinalIgnoreCase),
            AllowedAttributes = new HashSet<string>(["href"], StringComparer.OrdinalIgnoreCase),
            AllowedSchemes = new HashSet<string>(["http", "https", "mailto"], StringComparer.OrdinalIgnoreCase),
            UriAttributes = new HashSet<string>(["href"], StringComparer.OrdinalIgnoreCase),
        })
        { KeepChildNodes = true };
        s.PostProcessNode += (_, e) =>
        {
            if (e.Node is IElement { LocalName: "a" } a && a.GetAttribute("href") is { } href && !IsAbsoluteLink(href))
                a.RemoveAttribute("href"); // relative links lead nowhere in a mail
            if (e.Node is IText text && text.ParentElement?.Closest("a") is null && Linkify(e.Document, text.Data) is { } replaced)
                foreach (var n in replaced) e.ReplacementNodes.Add(n);
        };
        return s;
    }

    private static bool IsAbsoluteLink(string href) =>
        Uri.TryCreate(href, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" or "mailto";

    /// <summary>The text split into text and links around every http(s) URL in it; null when it has none.</summary>
    private static List<INode>? Linkify(IDocument document, string text)
    {
        List<INode>? nodes = null;
        var start = 0;
        var i = 0;
        while (i < text.Length)
        {
            var at = NextUrlStart(text, i);
            if (at < 0) break;
            var end = at;
            while (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] is not ('<' or '>' or '"')) end++;
            while (end > at && text[end - 1] is '.' or ',' or ';' or ':' or '!' or '?' or ')' or '\'') end--; // sentence punctuation
            var url = text[at..end];
            if (Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" && u.Host.Length > 0)
            {
                nodes ??= [];
                if (at > start) nodes.Add(document.CreateTextNode(text[start..at]));
                var a = document.CreateElement("a");
                a.SetAttribute("href", url);
                a.TextContent = url;
                nodes.Add(a);
                start = end;
            }
            i = Math.Max(end, at + 1);
        }
        if (nodes is null) return null;
        if (start < text.Length) nodes.Add(document.CreateTextNode(text[start..]));
        return nodes;
    }

    private static int NextUrlStart(string text, int from)
    {
        var http = text.IndexOf("http://", from, StringComparison.OrdinalIgnoreCase);
        var https = text.IndexOf("https://", from, StringComparison.OrdinalIgnoreCase);
        return http < 0 ? https : https < 0 ? http : Math.Min(http, https);
    }
}

/// <summary>The live preview of a message (<see cref="SenderMessage.Preview"/>): <see cref="Html"/> as signers get it, or
/// the <see cref="Problem"/> that refuses it; <see cref="Dropped"/> names the tags cleaned away.</summary>
public sealed record MessagePreview(string? Html, string? Problem, IReadOnlyList<string> Dropped);
