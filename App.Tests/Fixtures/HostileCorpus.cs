using System.Text;
using PdfSharp.Pdf.IO;

namespace ESignWeb.Tests.Fixtures;

/// <summary>The kinds of hostile (and unusual but valid) files in <see cref="HostileCorpus"/>.</summary>
public enum HostileClass
{
    PageTreeLoop,
    DeepNesting,
    XrefLoop,
    AbsurdLength,
    PageCount,
    DecompressionBomb,
    ActiveContent,
    OwnerPasswordOnly,
    Junk,
    BenignUnusual,
}

/// <summary>What the app must do with a file.</summary>
public enum Verdict
{
    /// <summary>Refused with a message matching <see cref="HostileFile.Reason"/>; nothing stored.</summary>
    Refused,
    /// <summary>Stored as it is (<see cref="HostileFile.Pages"/> pages).</summary>
    Accepted,
    /// <summary>Stored with its active content removed (no JavaScript, actions, XFA or embedded files left).</summary>
    AcceptedStripped,
    /// <summary>Stored rewritten without encryption.</summary>
    AcceptedDecrypted,
}

/// <param name="Name">File name (unique; also the test case's name).</param>
/// <param name="Reason">For <see cref="Verdict.Refused"/>: a regular expression the refusal message must match.</param>
/// <param name="Pages">For accepted files: the page count the app must report.</param>
public sealed record HostileFile(string Name, HostileClass Class, Verdict Verdict, string? Reason, int Pages, Func<byte[]> Build)
{
    public override string ToString() => Name;
}

/// <summary>
/// At least 50 hostile PDFs (and a few unusual valid ones) generated in code — no binary fixtures. Each is small
/// on disk and built on demand; the gigabyte decompression bombs share one cached Flate layer (≈1 MB, built once).
/// Classes and what each must get are listed in docs/security.md ("How it is tested").
/// </summary>
public static class HostileCorpus
{
    /// <summary>A refusal that says the file cannot be read: the worker's "could not be read safely: …" (crash,
    /// stack overflow, time or memory limit) or the inspector's own "damaged…/cannot be read…".</summary>
    public const string Unreadable = "could not be read safely|damaged|cannot be read|truncated";
    /// <summary>The page limit (ESign:MaxPages, default 2,000) named in the refusal.</summary>
    public const string TooManyPages = @"2[,.\u202f ]?000";
    public const string Empty = "empty";
    public const string NotAPdf = "not a PDF";

    /// <summary>Strings the stored copy of an <see cref="Verdict.AcceptedStripped"/> file must not contain.</summary>
    public const string Marker = "ESIGN-HOSTILE-MARKER";

    public static readonly IReadOnlyList<HostileFile> All = Build();

    public static HostileFile Get(string name) => All.Single(f => f.Name == name);

    /// <summary>xunit MemberData: one case per file name.</summary>
    public static TheoryData<string> Names
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var f in All) data.Add(f.Name);
            return data;
        }
    }

    private static List<HostileFile> Build()
    {
        var list = new List<HostileFile>();
        void Refuse(string name, HostileClass c, string reason, Func<byte[]> build) => list.Add(new(name, c, Verdict.Refused, reason, 0, build));
        void Accept(string name, HostileClass c, Verdict v, int pages, Func<byte[]> build) => list.Add(new(name, c, v, null, pages, build));

        // --- Page trees that loop (a few hundred bytes each).
        const HostileClass loop = HostileClass.PageTreeLoop;
        Refuse("kids-self.pdf", loop, Unreadable, () => Doc(pagesDict: "<< /Type /Pages /Kids [2 0 R] /Count 1 >>"));
        Refuse("kids-self-after-page.pdf", loop, Unreadable, () => Doc(pagesDict: "<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>"));
        Refuse("kids-grandparent.pdf", loop, Unreadable, () => Doc(
            pagesDict: "<< /Type /Pages /Kids [6 0 R] /Count 1 >>",
            more: p => p.Obj(6, "<< /Type /Pages /Parent 2 0 R /Kids [7 0 R] /Count 1 >>")
                        .Obj(7, "<< /Type /Pages /Parent 6 0 R /Kids [3 0 R 2 0 R] /Count 1 >>")));
        Refuse("kids-ancestor-20-levels-down.pdf", loop, Unreadable, () => Doc(
            pagesDict: "<< /Type /Pages /Kids [6 0 R] /Count 1 >>",
            more: p =>
            {
                for (var i = 0; i < 20; i++)
                    p.Obj(6 + i, $"<< /Type /Pages /Parent {(i == 0 ? 2 : 5 + i)} 0 R /Kids [{(i == 19 ? "3 0 R 2" : (7 + i).ToString())} 0 R] /Count 1 >>");
            }));
        Refuse("parent-loop-inherited-mediabox.pdf", loop, Unreadable, () => Doc(
            pageDict: "<< /Type /Page /Parent 6 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
            pagesDict: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            more: p => p.Obj(6, "<< /Type /Pages /Parent 7 0 R /Kids [3 0 R] /Count 1 >>")
                        .Obj(7, "<< /Type /Pages /Parent 6 0 R /Kids [6 0 R] /Count 1 >>")));
        Refuse("parent-self.pdf", loop, Unreadable, () => Doc(
            pageDict: "<< /Type /Page /Parent 3 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
            pagesDict: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"));
        Refuse("kids-self-in-object-stream.pdf", loop, Unreadable, () => CompressedDoc(pagesDict: "<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>"));

        // --- Arrays and dictionaries nested 10^4, 10^5 and 10^6 deep: in a page, the trailer, an annotation, an object stream.
        const HostileClass deep = HostileClass.DeepNesting;
        foreach (var (kind, depth, where) in new[]
                 {
                     ("array", 10_000, "page"), ("dict", 10_000, "page"), ("array", 100_000, "page"), ("dict", 100_000, "page"),
                     ("array", 1_000_000, "page"), ("array", 10_000, "trailer"), ("dict", 100_000, "trailer"),
                     ("array", 1_000_000, "trailer"), ("dict", 10_000, "annotation"), ("array", 100_000, "annotation"),
                     ("array", 1_000_000, "annotation"), ("array", 10_000, "object-stream"), ("dict", 100_000, "object-stream"),
                     ("array", 1_000_000, "object-stream"), ("dict", 1_000_000, "object-stream"),
                 })
        {
            Refuse($"nested-{kind}-1e{Math.Log10(depth):0}-in-{where}.pdf", deep, Unreadable, () =>
            {
                var nest = Nested(kind == "dict", depth);
                return where switch
                {
                    "page" => Doc(pageExtra: "/Deep " + nest),
                    "trailer" => Doc(trailerExtra: "/Deep " + nest),
                    "annotation" => Doc(pageExtra: "/Annots [6 0 R]",
                        more: p => p.Obj(6, $"<< /Type /Annot /Subtype /Text /Rect [72 72 92 92] /Contents (note) /Deep {nest} >>")),
                    _ => CompressedDoc(pageExtra: "/Deep " + nest),
                };
            });
        }

        // --- Cross-reference chains that loop or point nowhere.
        const HostileClass xref = HostileClass.XrefLoop;
        Refuse("prev-self.pdf", xref, Unreadable, () => XrefChain(1, (i, offsets) => $"/Prev {offsets[i]}"));
        Refuse("prev-loop-of-two.pdf", xref, Unreadable, () => XrefChain(2, (i, offsets) => $"/Prev {offsets[(i + 1) % 2]}"));
        Refuse("prev-loop-of-three.pdf", xref, Unreadable, () => XrefChain(3, (i, offsets) => $"/Prev {offsets[(i + 1) % 3]}"));
        Refuse("prev-past-end-of-file.pdf", xref, Unreadable, () => XrefChain(1, (_, _) => "/Prev 999999999999"));
        Refuse("prev-negative.pdf", xref, Unreadable, () => XrefChain(1, (_, _) => "/Prev -12345"));
        Refuse("startxref-past-end-of-file.pdf", xref, Unreadable, () =>
        {
            var p = Body(new RawPdfWriter());
            p.XrefTable("/Root 1 0 R");
            return p.StartXref(1L << 40).ToArray();
        });
        Refuse("xref-stream-prev-self.pdf", xref, Unreadable, () => XrefStreamChain(1, (i, offsets) => $"/Prev {offsets[i]}"));
        Refuse("xref-streams-loop.pdf", xref, Unreadable, () => XrefStreamChain(2, (i, offsets) => $"/Prev {offsets[(i + 1) % 2]}"));
        Refuse("xrefstm-key-points-at-own-table.pdf", xref, Unreadable, () =>
        {
            var p = Body(new RawPdfWriter());
            var at = p.Position;
            p.XrefTable($"/Root 1 0 R /XRefStm {at} /Prev {at}");
            return p.StartXref(at).ToArray();
        });

        // --- Streams with absurd declared lengths.
        const HostileClass length = HostileClass.AbsurdLength;
        foreach (var (name, value) in new[]
                 {
                     ("negative", "-1"), ("2pow63", "9223372036854775807"), ("2pow64", "18446744073709551616"),
                     ("beyond-end-of-file", "2000000000"), ("indirect-self", "4 0 R"), ("indirect-loop", "6 0 R"),
                 })
        {
            Refuse($"length-{name}.pdf", length, Unreadable, () => Doc(contentLength: value,
                more: p => { if (name == "indirect-loop") p.Obj(6, "7 0 R").Obj(7, "6 0 R"); }));
        }

        // --- Huge page counts (above ESign:MaxPages = 2,000) and /Count lies.
        const HostileClass count = HostileClass.PageCount;
        Refuse("pages-5000-sharing-one-content-stream.pdf", count, TooManyPages, () => ManyPages(5000, "5000", compressed: false));
        Refuse("pages-5000-in-object-streams.pdf", count, TooManyPages, () => ManyPages(5000, "5000", compressed: true));
        Refuse("pages-2001.pdf", count, TooManyPages, () => ManyPages(2001, "2001", compressed: false));
        Refuse("count-says-1-kids-5000.pdf", count, TooManyPages, () => ManyPages(5000, "1", compressed: false));
        Refuse("count-negative-kids-5000.pdf", count, TooManyPages, () => ManyPages(5000, "-1", compressed: true));

        // --- Decompression bombs: a few KB that inflate (two Flate layers) to 1 GiB of zeros each.
        const HostileClass bomb = HostileClass.DecompressionBomb;
        Refuse("bomb-content-stream-1gib.pdf", bomb, Unreadable, () => Doc(
            pageDict: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 6 0 R >>",
            more: p => p.Stream(6, $"/Filter {RawPdfWriter.FlateFilter(2)}", Bomb.Value)));
        Refuse("bomb-contents-array-4x1gib.pdf", bomb, Unreadable, () => Doc(
            pageDict: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [6 0 R 6 0 R 6 0 R 6 0 R] >>",
            more: p => p.Stream(6, $"/Filter {RawPdfWriter.FlateFilter(2)}", Bomb.Value)));
        Refuse("bomb-image-32768x32768.pdf", bomb, Unreadable, () => Doc(
            pageDict: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 6 0 R >> >> /Contents 7 0 R >>",
            more: p => p.Stream(6, $"/Type /XObject /Subtype /Image /Width 32768 /Height 32768 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter {RawPdfWriter.FlateFilter(2)}", Bomb.Value)
                        .Stream(7, "", "q 500 0 0 500 50 50 cm /Im1 Do Q\n"u8.ToArray())));
        Refuse("bomb-object-stream-1gib.pdf", bomb, Unreadable, () =>
        {
            // The page's resources live in an object stream that inflates to 1 GiB (of whitespace: NUL is white space).
            var p = new RawPdfWriter();
            p.Obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
             .Obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
             .Obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources 7 0 R /Contents 4 0 R >>")
             .Stream(4, "", Encoding.ASCII.GetBytes(RawPdfWriter.PageText("Page 1")))
             .Obj(5, RawPdfWriter.Helvetica)
             .Stream(6, $"/Type /ObjStm /N 1 /First 8 /Filter {RawPdfWriter.FlateFilter(2)}", Bomb.Value);
            var rows = new List<(int, long, int)>();
            var at = p.Position;
            return XrefStreamRaw(p, 8, at, "/Root 1 0 R", n => n == 7 ? (2, 6, 0) : n == 8 ? (1, at, 0) : (1, p.OffsetOf(n), 0), 9);
        });
        Refuse("bomb-xref-stream-1gib.pdf", bomb, Unreadable, () =>
        {
            var p = Body(new RawPdfWriter());
            var at = p.Position;
            p.Stream(6, $"/Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Filter {RawPdfWriter.FlateFilter(2)}", Bomb.Value);
            return p.StartXref(at).ToArray();
        });

        // --- Active content: accepted, stored without it.
        const HostileClass active = HostileClass.ActiveContent;
        void Strip(string name, Func<byte[]> build) => Accept(name, active, Verdict.AcceptedStripped, 1, build);
        Strip("javascript-openaction.pdf", () => Doc(catalogExtra: $"/OpenAction << /S /JavaScript /JS (app.alert\\('{Marker}'\\);) >>"));
        Strip("javascript-names-tree.pdf", () => Doc(catalogExtra: "/Names << /JavaScript 6 0 R >>",
            more: p => p.Obj(6, $"<< /Names [({Marker}) 7 0 R] >>")
                        .Obj(7, "<< /S /JavaScript /JS 8 0 R >>")
                        .FlateStream(8, "", Encoding.ASCII.GetBytes($"app.launchURL('http://example.invalid/{Marker}');"))));
        Strip("launch-openaction.pdf", () => Doc(catalogExtra: $"/OpenAction << /S /Launch /F ({Marker}.exe) /Win << /F (cmd.exe) /P (/c {Marker}) >> >>"));
        Strip("page-and-catalog-additional-actions.pdf", () => Doc(
            catalogExtra: $"/AA << /WC << /S /JavaScript /JS (app.alert\\('{Marker}'\\);) >> >>",
            pageExtra: $"/AA << /O << /S /JavaScript /JS (app.alert\\('{Marker}'\\);) >> >>"));
        Strip("link-annotation-launch.pdf", () => Doc(pageExtra: "/Annots [6 0 R]",
            more: p => p.Obj(6, $"<< /Type /Annot /Subtype /Link /Rect [72 72 300 120] /Border [0 0 0] /A << /S /Launch /F ({Marker}.exe) >> >>")));
        Strip("xfa-form.pdf", () => Doc(catalogExtra: "/AcroForm << /Fields [] /XFA 6 0 R >> /NeedsRendering true",
            more: p => p.FlateStream(6, "", Encoding.ASCII.GetBytes(
                $"<xdp:xdp xmlns:xdp=\"http://ns.adobe.com/xdp/\"><template><script contentType=\"application/x-javascript\">app.alert('{Marker}')</script></template></xdp:xdp>"))));
        Strip("embedded-file.pdf", () => Doc(catalogExtra: "/Names << /EmbeddedFiles << /Names [(payload.exe) 6 0 R] >> >>",
            more: p => p.Obj(6, "<< /Type /Filespec /F (payload.exe) /UF (payload.exe) /EF << /F 7 0 R >> >>")
                        .FlateStream(7, "/Type /EmbeddedFile", Encoding.ASCII.GetBytes($"MZ {Marker} not really a program"))));
        Strip("file-attachment-annotation.pdf", () => Doc(pageExtra: "/Annots [6 0 R]",
            more: p => p.Obj(6, "<< /Type /Annot /Subtype /FileAttachment /Rect [72 72 92 92] /FS 7 0 R /Contents (attachment) >>")
                        .Obj(7, "<< /Type /Filespec /F (invoice.exe) /EF << /F 8 0 R >> >>")
                        .FlateStream(8, "/Type /EmbeddedFile", Encoding.ASCII.GetBytes($"MZ {Marker}"))));
        Strip("javascript-openaction-in-object-stream.pdf", () => CompressedDoc(
            catalogExtra: $"/OpenAction << /S /JavaScript /JS (app.alert\\('{Marker}'\\);) >>"));

        // --- Encrypted with an owner password only (empty user password): accepted, stored unencrypted.
        const HostileClass owner = HostileClass.OwnerPasswordOnly;
        Accept("owner-password-rc4-40.pdf", owner, Verdict.AcceptedDecrypted, 2, () => OwnerOnly(h => h.SetEncryptionToV1()));
        Accept("owner-password-rc4-128.pdf", owner, Verdict.AcceptedDecrypted, 2, () => OwnerOnly(h => h.SetEncryptionToV2With128Bits()));
        Accept("owner-password-aes-128.pdf", owner, Verdict.AcceptedDecrypted, 2, () => OwnerOnly(h => h.SetEncryptionToV4UsingAES()));
        Accept("owner-password-aes-256.pdf", owner, Verdict.AcceptedDecrypted, 2, () => OwnerOnly(h => h.SetEncryptionToV5()));

        // --- Plain junk.
        const HostileClass junk = HostileClass.Junk;
        Refuse("junk-1mib-after-header.pdf", junk, Unreadable, () => JunkAfterHeader(1 << 20, seed: 1));
        Refuse("junk-4mib-after-header.pdf", junk, Unreadable, () => JunkAfterHeader(4 << 20, seed: 2));
        Refuse("zeros-1mib-after-header.pdf", junk, Unreadable, () => [.. "%PDF-1.7\n"u8, .. new byte[1 << 20]]);
        Refuse("header-only.pdf", junk, Unreadable, () => "%PDF-"u8.ToArray());
        Refuse("truncated-half.pdf", junk, Unreadable, () => { var b = TestPdf.Pages(3); return b[..(b.Length / 2)]; });
        Refuse("truncated-before-trailer.pdf", junk, Unreadable, () => { var b = TestPdf.Pages(3); return b[..LastIndexOf(b, "xref")]; });
        Refuse("truncated-in-object-stream.pdf", junk, Unreadable, () => { var b = CompressedDoc(); return b[..(LastIndexOf(b, "endstream") - 20)]; });
        Refuse("zero-length.pdf", junk, Empty, () => []);
        Refuse("png-renamed.pdf", junk, NotAPdf, () => TestImages.SignaturePng());
        Refuse("html-renamed.pdf", junk, NotAPdf, () => Encoding.UTF8.GetBytes("<!doctype html><title>x</title><script>alert(1)</script>"));

        // --- Unusual but valid: must be accepted (a filter that refuses everything fails).
        const HostileClass benign = HostileClass.BenignUnusual;
        Accept("benign-rotated-pages.pdf", benign, Verdict.Accepted, 4, () => TestPdf.Create(
            TestPdf.A4, TestPdf.A4Rotated90, TestPdf.A4 with { Rotate = 180 }, TestPdf.Letter with { Rotate = 270 }));
        Accept("benign-object-streams.pdf", benign, Verdict.Accepted, 1, () => CompressedDoc());
        Accept("benign-incremental-update.pdf", benign, Verdict.Accepted, 2, IncrementalUpdate);
        Accept("benign-offset-boxes.pdf", benign, Verdict.Accepted, 2, () => TestPdf.Create(
            new TestPage(400, 500, 0, -200, 300), new TestPage(612, 792, 90, 36, 36)));

        if (list.Select(f => f.Name).Distinct().Count() != list.Count) throw new InvalidOperationException("Duplicate corpus names.");
        return list;
    }

    // ---------------------------------------------------------------- builders

    /// <summary>Inner Flate layer of 1 GiB of zeros (≈1 MB) wrapped in a second layer (a few KB): built once.</summary>
    private static readonly Lazy<byte[]> Bomb = new(() => RawPdfWriter.Flate(RawPdfWriter.FlateOfZeros(1L << 30)));

    /// <summary>Objects 1–5 of a one-page document: catalog, pages, page, content, font; each part replaceable.</summary>
    private static RawPdfWriter Body(RawPdfWriter p, string catalogExtra = "", string? pagesDict = null, string? pageDict = null,
        string pageExtra = "", string? contentLength = null)
    {
        var content = Encoding.ASCII.GetBytes(RawPdfWriter.PageText("Page 1"));
        return p.Obj(1, $"<< /Type /Catalog /Pages 2 0 R {catalogExtra} >>")
            .Obj(2, pagesDict ?? "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
            .Obj(3, pageDict ?? $"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R {pageExtra} >>")
            .Stream(4, "", content, contentLength)
            .Obj(5, RawPdfWriter.Helvetica);
    }

    /// <summary>A one-page document with a classic cross-reference table (exact offsets).</summary>
    private static byte[] Doc(string catalogExtra = "", string? pagesDict = null, string? pageDict = null, string pageExtra = "",
        string trailerExtra = "", string? contentLength = null, Action<RawPdfWriter>? more = null)
    {
        var p = Body(new RawPdfWriter(), catalogExtra, pagesDict, pageDict, pageExtra, contentLength);
        more?.Invoke(p);
        var at = p.XrefTable($"/Root 1 0 R {trailerExtra}");
        return p.StartXref(at).ToArray();
    }

    /// <summary>The same document with catalog, pages and page inside a compressed object stream and a cross-reference stream.</summary>
    private static byte[] CompressedDoc(string catalogExtra = "", string? pagesDict = null, string pageExtra = "")
    {
        var p = new RawPdfWriter("1.5");
        p.Stream(4, "", Encoding.ASCII.GetBytes(RawPdfWriter.PageText("Page 1")))
         .Obj(5, RawPdfWriter.Helvetica)
         .ObjectStream(6,
             (1, $"<< /Type /Catalog /Pages 2 0 R {catalogExtra} >>"),
             (2, pagesDict ?? "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
             (3, $"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R {pageExtra} >>"));
        var at = p.XrefStream(7, "/Root 1 0 R");
        return p.StartXref(at).ToArray();
    }

    /// <summary>A cross-reference stream written from explicit rows (type, field 2, field 3) for objects 0…size−1.</summary>
    private static byte[] XrefStreamRaw(RawPdfWriter p, int number, long at, string dict, Func<int, (int, long, int)> row, int size)
    {
        var rows = new MemoryStream();
        for (var n = 0; n < size; n++)
        {
            var (t, f2, f3) = n == 0 ? (0, 0L, 65535) : row(n);
            rows.WriteByte((byte)t);
            for (var s = 24; s >= 0; s -= 8) rows.WriteByte((byte)(f2 >> s));
            rows.WriteByte((byte)(f3 >> 8)); rows.WriteByte((byte)f3);
        }
        p.FlateStream(number, $"/Type /XRef /Size {size} /W [1 4 2] {dict}", rows.ToArray());
        return p.StartXref(at).ToArray();
    }

    /// <summary>
    /// A valid body and <paramref name="sections"/> cross-reference tables (the first complete, later ones incremental
    /// updates re-writing the content stream), whose /Prev entries <paramref name="prev"/> chooses from all offsets.
    /// The offsets are known before writing, so each section's length is fixed by padding /Prev to 12 digits.
    /// </summary>
    private static byte[] XrefChain(int sections, Func<int, long[], string> prev)
    {
        // Two passes: the first learns where each section lands (with placeholder /Prev of the same width), the second writes.
        long[] offsets = new long[sections];
        byte[] result = [];
        for (var pass = 0; pass < 2; pass++)
        {
            var p = Body(new RawPdfWriter());
            for (var i = 0; i < sections; i++)
            {
                if (i > 0) p.Stream(4, "", Encoding.ASCII.GetBytes(RawPdfWriter.PageText($"Page 1 rev {i}")));
                var text = pass == 0 ? "/Prev 000000000000" : Pad(prev(i, offsets));
                offsets[i] = i == 0 ? p.XrefTable($"/Root 1 0 R {text}") : p.XrefSection([4], $"/Root 1 0 R {text}");
            }
            result = p.StartXref(offsets[^1]).ToArray();
        }
        return result;
    }

    private static string Pad(string prev) => prev.Length < 18 ? prev.PadRight(18) : prev;

    /// <summary>As <see cref="XrefChain"/>, with cross-reference streams.</summary>
    private static byte[] XrefStreamChain(int sections, Func<int, long[], string> prev)
    {
        long[] offsets = new long[sections];
        byte[] result = [];
        for (var pass = 0; pass < 2; pass++)
        {
            var p = Body(new RawPdfWriter("1.5"));
            for (var i = 0; i < sections; i++)
            {
                if (i > 0) p.Stream(4, "", Encoding.ASCII.GetBytes(RawPdfWriter.PageText($"Page 1 rev {i}")));
                var text = pass == 0 ? "/Prev 000000000000" : Pad(prev(i, offsets));
                var at = p.XrefStream(6 + i, $"/Root 1 0 R {text}");
                if (pass == 1 && at != offsets[i]) throw new InvalidOperationException("Cross-reference stream moved between passes.");
                offsets[i] = at;
            }
            result = p.StartXref(offsets[^1]).ToArray();
        }
        return result;
    }

    /// <summary><paramref name="pages"/> page objects sharing one content stream, under one /Pages node claiming <paramref name="count"/>.</summary>
    private static byte[] ManyPages(int pages, string count, bool compressed)
    {
        var kids = string.Join(' ', Enumerable.Range(0, pages).Select(i => $"{10 + i} 0 R"));
        var p = new RawPdfWriter(compressed ? "1.5" : "1.7");
        p.Stream(4, "", Encoding.ASCII.GetBytes(RawPdfWriter.PageText("Same page")))
         .Obj(5, RawPdfWriter.Helvetica);
        var objects = new List<(int, string)>
        {
            (1, "<< /Type /Catalog /Pages 2 0 R >>"),
            (2, $"<< /Type /Pages /Kids [{kids}] /Count {count} /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> >>"),
        };
        for (var i = 0; i < pages; i++) objects.Add((10 + i, "<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>"));
        if (!compressed)
        {
            foreach (var (n, body) in objects) p.Obj(n, body);
            return p.StartXref(p.XrefTable("/Root 1 0 R")).ToArray();
        }
        // Object streams of 500 objects each (numbers 7, 8, …; pages start at 10, the streams go above them).
        var streamNumber = 10 + pages;
        foreach (var chunk in objects.Chunk(500)) p.ObjectStream(streamNumber++, chunk.ToArray());
        return p.StartXref(p.XrefStream(streamNumber, "/Root 1 0 R")).ToArray();
    }

    /// <summary><c>[[[…]]]</c> or <c>&lt;&lt;/A &lt;&lt;/A … &gt;&gt; &gt;&gt;</c>, <paramref name="depth"/> levels.</summary>
    private static string Nested(bool dict, int depth)
    {
        var sb = new StringBuilder(depth * (dict ? 6 : 2) + 8);
        sb.Insert(0, dict ? "<</A " : "[", depth);
        sb.Append("null");
        sb.Insert(sb.Length, dict ? ">>" : "]", depth);
        return sb.ToString();
    }

    private static byte[] OwnerOnly(Action<PdfSharp.Pdf.Security.PdfStandardSecurityHandler> encryption)
    {
        PdfSharp.PdfSharpLicense.SetAgplLicense();
        using var input = new MemoryStream(TestPdf.Pages(2));
        using var doc = PdfReader.Open(input, PdfDocumentOpenMode.Modify);
        encryption(doc.SecurityHandler);
        doc.SecuritySettings.UserPassword = "";
        doc.SecuritySettings.OwnerPassword = "owner-only-" + Marker;
        doc.SecuritySettings.PermitModifyDocument = false;
        doc.SecuritySettings.PermitExtractContent = false;
        using var output = new MemoryStream();
        doc.Save(output);
        return output.ToArray();
    }

    private static byte[] JunkAfterHeader(int bytes, int seed)
    {
        var data = new byte[bytes + 9];
        new Random(seed).NextBytes(data);
        "%PDF-1.7\n"u8.CopyTo(data);
        return data;
    }

    /// <summary>A valid one-page document plus an incremental update that adds a second page (correct /Prev).</summary>
    private static byte[] IncrementalUpdate()
    {
        var p = Body(new RawPdfWriter());
        var first = p.XrefTable("/Root 1 0 R");
        p.StartXref(first);
        p.Obj(2, "<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>")
         .Obj(6, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Resources << /Font << /F1 5 0 R >> >> /Contents 7 0 R >>")
         .Stream(7, "", Encoding.ASCII.GetBytes(RawPdfWriter.PageText("Page 2 (added later)")));
        var second = p.XrefSection([2, 6, 7], $"/Root 1 0 R /Prev {first}");
        return p.StartXref(second).ToArray();
    }

    private static int LastIndexOf(byte[] bytes, string text) => bytes.AsSpan().LastIndexOf(Encoding.ASCII.GetBytes(text));
}
