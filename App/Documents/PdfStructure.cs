using PdfSharp.Pdf;
using PdfSharp.Pdf.Advanced;

namespace ESignWeb.Documents;

/// <summary>
/// Walks a parsed PDF's whole object graph ITERATIVELY (an explicit stack and a visited set, never recursion) before
/// anything else touches it: every indirect object and everything nested in it, with limits on nesting depth and on
/// the number of objects; the page tree separately, refusing /Kids that loop or nest too deep and more pages than
/// allowed; and every compressed stream through <see cref="StreamBudget"/>.
/// </summary>
public static class PdfStructure
{
    /// <summary>Deepest nesting of arrays and dictionaries inside one object, and of the page tree.</summary>
    public const int MaxDepth = 256;

    /// <summary>Most objects (indirect objects and every array, dictionary and value inside them).</summary>
    public const int MaxObjects = 4_000_000;

    public static void Check(PdfDocument doc, int maxPages, StreamBudget budget)
    {
        CheckPageTree(doc, maxPages);
        var seen = new HashSet<PdfObject>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(PdfItem Item, int Depth)>();
        long count = 0;
        var roots = new List<PdfItem> { doc.Internals.Catalog };
        if (doc.Info is { } info) roots.Add(info);
        roots.AddRange(doc.Internals.GetAllObjects());
        foreach (var root in roots)
        {
            if (root is PdfObject o && !seen.Add(o)) continue;
            stack.Push((root, 0));
            while (stack.Count > 0)
            {
                var (item, depth) = stack.Pop();
                if (++count > MaxObjects)
                    throw PdfRefusal.Unsafe($"it has more than {MaxObjects} objects.");
                if (depth > MaxDepth) throw PdfRefusal.TooDeep();
                switch (item)
                {
                    case PdfReference r:
                        // Indirect objects are walked from the roots above (each once); a reference only points.
                        if (r.Value is { } target && seen.Add(target)) stack.Push((target, 0));
                        break;
                    case PdfDictionary d:
                        foreach (var value in d.Elements.Values)
                            if (value is PdfArray or PdfDictionary or PdfReference)
                                stack.Push((value, value is PdfReference ? depth : depth + 1));
                        if (d.Stream is not null) budget.Check(d);
                        break;
                    case PdfArray a:
                        foreach (var value in a.Elements)
                            if (value is PdfArray or PdfDictionary or PdfReference)
                                stack.Push((value, value is PdfReference ? depth : depth + 1));
                        break;
                }
            }
        }
    }

    /// <summary>Counts the leaves of the page tree from the catalog's /Pages, refusing loops, depth and too many pages.</summary>
    public static int CheckPageTree(PdfDocument doc, int maxPages)
    {
        var root = Resolve(doc.Internals.Catalog.Elements["/Pages"]) as PdfDictionary;
        if (root is null) return 0;
        var onPath = new HashSet<PdfDictionary>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(PdfDictionary Node, int Depth)>();
        stack.Push((root, 0));
        var pages = 0;
        while (stack.Count > 0)
        {
            var (node, depth) = stack.Pop();
            // Every node may appear once in the whole tree: a second sight is a /Kids loop or a shared subtree,
            // which PDFsharp would follow for ever (stack overflow).
            if (!onPath.Add(node) || depth > MaxDepth) throw PdfRefusal.TooDeep();
            if (Resolve(node.Elements["/Kids"]) is PdfArray kids && node.Elements.GetName("/Type") != "/Page")
            {
                foreach (var kid in kids.Elements)
                    if (Resolve(kid) is PdfDictionary child) stack.Push((child, depth + 1));
            }
            else if (++pages > maxPages)
                throw PdfRefusal.Unsafe($"it has more than {maxPages} pages (the most accepted).");
        }
        return pages;
    }

    internal static PdfItem? Resolve(PdfItem? item) => item is PdfReference r ? r.Value : item;
}
