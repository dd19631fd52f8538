using PdfSharp.Pdf;
using PdfSharp.Pdf.Advanced;

namespace ESignWeb.Documents;

/// <summary>
/// Removes what a viewer would run or open from a PDF: JavaScript (the /JavaScript name tree, /JS), /OpenAction,
/// additional actions (/AA), actions other than going to a page, following a plain web/mail link or a named viewer
/// command (so /Launch, /SubmitForm, /ImportData, /GoToR, /GoToE, /RichMediaExecute, /JavaScript, …), XFA forms,
/// embedded files (the /EmbeddedFiles name tree, associated files /AF on the catalog, pages, annotations or anywhere else,
/// and the /EF embedded-file streams of every file specification) and file-attachment, rich-media, screen, movie and
/// sound annotations. Plain /URI links to http(s) and mailto stay. What was removed is described only in words from a
/// fixed set (<see cref="Describe"/>): names taken from the file (an action's /S) never reach a log or an answer. Stripping, not refusing: such files are common (forms made in Acrobat) and harmless without it.
/// Walks iteratively; call it only on a document whose structure <see cref="PdfStructure"/> accepted.
/// </summary>
public static class ActiveContent
{
    private static readonly HashSet<string> AllowedActions = ["/GoTo", "/URI", "/Named", "/Thread", "/Hide", "/SetOCGState", "/Trans"];
    private static readonly HashSet<string> DroppedAnnotations = ["/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"];
    private static readonly string[] DroppedKeys = ["/OpenAction", "/AA", "/JavaScript", "/JS", "/EmbeddedFiles", "/XFA", "/AF", "/EF"];

    /// <summary>Action types named in what was removed; any other removed action is "other action".</summary>
    private static readonly HashSet<string> KnownActions =
    [
        "/Launch", "/SubmitForm", "/ImportData", "/ResetForm", "/GoToR", "/GoToE", "/GoTo3DView", "/GoToDp", "/JavaScript",
        "/RichMediaExecute", "/Rendition", "/Movie", "/Sound", "/ECMAScript",
    ];

    public const string OtherAction = "other action";
    public const string UnsafeUri = "URI action (not http, https or mailto)";

    /// <summary>Every description <see cref="Strip"/> can return (plus the inspection's own).</summary>
    private static readonly HashSet<string> Descriptions =
    [
        .. DroppedKeys.Select(k => k.TrimStart('/')),
        .. DroppedAnnotations.Select(a => a.TrimStart('/') + " annotation"),
        .. KnownActions.Select(a => a.TrimStart('/') + " action"),
        OtherAction, UnsafeUri, PdfInspector.OwnerPasswordRemoved,
    ];

    /// <summary>
    /// <paramref name="removed"/> as shown and logged: each entry kept when it is one of the fixed descriptions, else
    /// "other active content" (an entry the worker should never have produced: nothing from the file passes through).
    /// </summary>
    public static List<string> Describe(IEnumerable<string> removed) =>
        removed.Select(r => Descriptions.Contains(r) ? r : "other active content").Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Strips <paramref name="doc"/> in place; returns what was removed (empty: the file had nothing active).</summary>
    public static SortedSet<string> Strip(PdfDocument doc)
    {
        var removed = new SortedSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<PdfObject>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<PdfItem>();
        stack.Push(doc.Internals.Catalog);
        foreach (var o in doc.Internals.GetAllObjects()) stack.Push(o);
        while (stack.Count > 0)
        {
            var item = stack.Pop();
            if (item is PdfObject obj && !seen.Add(obj)) continue;
            switch (item)
            {
                case PdfDictionary d:
                    StripDictionary(d, removed);
                    foreach (var v in d.Elements.Values)
                        if (v is PdfDictionary or PdfArray) stack.Push(v);
                    break;
                case PdfArray a:
                    foreach (var v in a.Elements)
                        if (v is PdfDictionary or PdfArray) stack.Push(v);
                    break;
            }
        }
        return removed;
    }

    private static void StripDictionary(PdfDictionary d, SortedSet<string> removed)
    {
        foreach (var key in DroppedKeys)
            if (d.Elements.ContainsKey(key))
            {
                d.Elements.Remove(key);
                removed.Add(key.TrimStart('/'));
            }
        foreach (var key in new[] { "/A", "/Next" })
        {
            var value = PdfStructure.Resolve(d.Elements[key]);
            if (value is PdfDictionary action && !Allowed(action, removed)) d.Elements.Remove(key);
            else if (value is PdfArray actions)
                for (var i = actions.Elements.Count - 1; i >= 0; i--)
                    if (PdfStructure.Resolve(actions.Elements[i]) is PdfDictionary a && !Allowed(a, removed)) actions.Elements.RemoveAt(i);
        }
        if (PdfStructure.Resolve(d.Elements["/Annots"]) is PdfArray annots)
            for (var i = annots.Elements.Count - 1; i >= 0; i--)
                if (PdfStructure.Resolve(annots.Elements[i]) is PdfDictionary annot &&
                    annot.Elements.GetName("/Subtype") is { } subtype && DroppedAnnotations.Contains(subtype))
                {
                    annots.Elements.RemoveAt(i);
                    removed.Add(subtype.TrimStart('/') + " annotation");
                }
    }

    private static bool Allowed(PdfDictionary action, SortedSet<string> removed)
    {
        var type = action.Elements.GetName("/S");
        if (string.IsNullOrEmpty(type)) return true; // not an action dictionary
        if (!AllowedActions.Contains(type))
        {
            removed.Add(KnownActions.Contains(type) ? type.TrimStart('/') + " action" : OtherAction);
            return false;
        }
        if (type == "/URI")
        {
            var uri = (PdfStructure.Resolve(action.Elements["/URI"]) as PdfString)?.Value.Trim() ?? "";
            var safe = uri.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ||
                       uri.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ||
                       uri.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase);
            if (!safe)
            {
                removed.Add(UnsafeUri);
                return false;
            }
        }
        return true;
    }
}
