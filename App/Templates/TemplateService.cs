using ESignWeb.Api;
using ESignWeb.Audit;
using ESignWeb.Components.Pdf;
using ESignWeb.Data;
using ESignWeb.Documents;
using ESignWeb.Domain;
using ESignWeb.Requests;
using ESignWeb.Sealing;
using ESignWeb.Storage;
using Microsoft.EntityFrameworkCore;
using PdfSharp.Pdf;
using PdfSharp.Pdf.IO;

namespace ESignWeb.Templates;

/// <summary>
/// Templates: made from a library document or a prepared request, edited (roles, fields, merge fields), renamed,
/// deleted, and used: a request gets its own copy of the template's PDF with the merge values stamped in, and the
/// template's fields assigned to the people chosen for the roles, then goes through <see cref="RequestService"/>.
/// </summary>
public sealed class TemplateService(
    IDbContextFactory<AppDbContext> dbFactory,
    IBlobStore blobs,
    IPdfInspection inspection,
    RequestService requests,
    TimeProvider clock,
    ILogger<TemplateService> log)
{
    public async Task<List<Template>> ListAsync(string ownerId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await WithChildren(db).AsNoTracking().Where(t => t.OwnerId == ownerId)
            .OrderByDescending(t => t.ModifiedAt).ThenByDescending(t => t.Id).Take(1000).ToListAsync(ct);
    }

    public async Task<Template> GetAsync(string ownerId, int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await LoadOwnedAsync(db, ownerId, id, tracking: false, ct);
    }

    /// <summary>The template's PDF exactly as stored (for the editor's viewer).</summary>
    public async Task<(Stream Content, string Name)> OpenPdfAsync(string ownerId, int id, CancellationToken ct = default)
    {
        var t = await GetAsync(ownerId, id, ct);
        return (blobs.OpenRead(t.BlobKey), t.DocumentName);
    }

    /// <summary>A new template on a library document: one role ("Signer"), no fields yet.</summary>
    public async Task<int> CreateFromDocumentAsync(string ownerId, int documentId, CancellationToken ct = default)
    {
        var id = await dbFactory.WriteAsync(async db =>
        {
            var doc = await db.Documents.AsNoTracking().SingleOrDefaultAsync(d => d.Id == documentId && d.OwnerId == ownerId && d.DeletedAt == null, ct)
                      ?? throw AppException.NotFound("The document");
            var t = NewTemplate(ownerId, doc);
            t.Roles.Add(new TemplateRole { Number = 1, Name = "Signer", Color = SeedColor(0) });
            TemplateTags.Apply(t, doc.TextTags); // the PDF's text tags become the roles' fields
            db.Templates.Add(t);
            await db.SaveChangesAsync(ct);
            return t.Id;
        }, ct);
        log.LogInformation("Template {TemplateId} made from document {DocumentId}", id, documentId);
        return id;
    }

    /// <summary>
    /// A new template on an uploaded PDF, which may be password-protected: the password is given to the isolated
    /// inspection worker once (on its stdin) and is not kept; a PDF that needs it is stored exactly as uploaded and
    /// decrypted into each request's copy. Any other PDF is stored as the worker accepted it (the upload, or its
    /// cleaned copy without active content or owner-password encryption).
    /// </summary>
    public async Task<int> CreateFromUploadAsync(string ownerId, string fileName, Stream content, string? password, long maxBytes,
        DataPaths paths, CancellationToken ct = default)
    {
        var name = FileNames.Clean(fileName);
        var temp = paths.NewTempFile();
        var clean = temp + ".clean";
        try
        {
            await using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                var buffer = new byte[81920];
                long total = 0;
                int n;
                while ((n = await content.ReadAsync(buffer, ct)) > 0)
                {
                    total += n;
                    if (total > maxBytes) throw new AppException(ApiErrorCode.FileTooLarge, $"The file is larger than the {maxBytes / (1024 * 1024)} MB limit.");
                    await fs.WriteAsync(buffer.AsMemory(0, n), ct);
                }
            }
            var inspected = await inspection.InspectAsync(temp, clean, string.IsNullOrEmpty(password) ? null : password, ct);
            var info = inspected.Info;
            var key = await blobs.PutFileAsync(inspected.Rewritten ? clean : temp, ct);
            var now = clock.GetUtcNow();
            var baseName = Path.GetFileNameWithoutExtension(name);
            return await dbFactory.WriteAsync(async db =>
            {
                var t = new Template
                {
                    OwnerId = ownerId, Name = baseName.Length > DraftEditor.MaxNameLength ? baseName[..DraftEditor.MaxNameLength] : baseName,
                    DocumentName = name, BlobKey = key, Sha256 = key, PageCount = info.PageCount, Pages = [.. info.Pages],
                    PasswordProtected = info.Encrypted, IsOrdered = true, CreatedAt = now, ModifiedAt = now,
                };
                t.Roles.Add(new TemplateRole { Number = 1, Name = "Signer", Color = SeedColor(0) });
                TemplateTags.Apply(t, info.TextTags ?? []); // the PDF's text tags become the roles' fields
                db.Templates.Add(t);
                await db.SaveChangesAsync(ct);
                return t.Id;
            }, ct);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
            if (File.Exists(clean)) File.Delete(clean);
        }
    }

    /// <summary>"Save as template" on the prepare page: signers become roles ("Signer 1", …), their fields the roles' fields.</summary>
    public async Task<int> CreateFromRequestAsync(string ownerId, int requestId, CancellationToken ct = default)
    {
        var draft = await requests.LoadDraftAsync(ownerId, requestId, ct);
        Document doc;
        await using (var read = await dbFactory.CreateDbContextAsync(ct))
            doc = await read.Documents.AsNoTracking().SingleAsync(d => d.Id == draft.DocumentId, ct);
        return await dbFactory.WriteAsync(async db =>
        {
            var t = NewTemplate(ownerId, doc);
            t.Name = draft.Name;
            t.Message = Requests.SenderMessage.AsTyped(draft.Message);
            var roles = draft.Signers.Select((s, i) => (s.Key, Number: i + 1)).ToDictionary(x => x.Key, x => x.Number);
            var kinds = draft.Signers.ToDictionary(x => x.Key, x => x.Options.Role);
            var groups = draft.Signers.ToDictionary(x => x.Key, x => x.Options.Order);
            var order = RequestOptionsEditor.OrderOf(draft);
            t.IsOrdered = order != SigningOrder.AllAtOnce;
            foreach (var (k, n) in roles)
                t.Roles.Add(new TemplateRole
                {
                    Number = n, Name = $"Signer {n}", Color = SeedColor(n - 1), Kind = kinds[k], Order = TemplateOrder.GroupFor(order, n, groups[k]),
                });
            if (t.Roles.Count == 0) t.Roles.Add(new TemplateRole { Number = 1, Name = "Signer", Color = SeedColor(0) });
            var number = 1;
            foreach (var f in draft.Fields.Where(f => roles.ContainsKey(f.SignerKey)))
                t.Fields.Add(ToEntity(f, number++, roles[f.SignerKey], doc.TextTags.FirstOrDefault(x => x.Id is not null && x.Id == f.DocumentTagId)));
            db.Templates.Add(t);
            await db.SaveChangesAsync(ct);
            return t.Id;
        }, ct);
    }

    /// <summary>The template as the editor works on it.</summary>
    public async Task<TemplateDraft> LoadDraftAsync(string ownerId, int id, CancellationToken ct = default)
    {
        var t = await GetAsync(ownerId, id, ct);
        var d = new TemplateDraft
        {
            TemplateId = t.Id, Name = t.Name, IsOrdered = t.IsOrdered, Message = t.Message, PasswordProtected = t.PasswordProtected,
            Layout = new RequestDraft { DocumentName = t.DocumentName, Pages = t.Pages, Name = t.Name, IsOrdered = t.IsOrdered },
        };
        d.Layout.Options.OrderGroups = TemplateOrder.Of(t) == SigningOrder.InGroups;
        var keys = new Dictionary<int, Guid>();
        foreach (var r in t.Roles.OrderBy(r => r.Number))
        {
            var s = new DraftSigner { Id = r.Number, FirstName = r.Name, Options = new SignerOptions { Role = r.Kind, Order = r.Order } };
            keys[r.Number] = s.Key;
            d.Layout.Signers.Add(s);
        }
        d.EnsureMergeOwner();
        foreach (var f in t.Fields.OrderBy(f => f.Number).Where(f => keys.ContainsKey(f.RoleNumber)))
            d.Layout.Fields.Add(new DraftField
            {
                Id = f.Number, SignerKey = keys[f.RoleNumber], Type = f.Type, Required = f.Required, PageNumber = f.PageNumber,
                X = f.X, Y = f.Y, Width = f.Width, Height = f.Height,
                DateFormat = f.Type == FieldType.Date ? FieldRules.ExplicitDateFormatOf(f.AdditionalInfo) : null,
                DocumentTagId = TemplateTags.TagOf(f.AdditionalInfo)?.Id,
            });
        foreach (var m in t.MergeFields.OrderBy(m => m.Number))
            d.Layout.Fields.Add(new DraftField
            {
                Id = m.Number, SignerKey = TemplateDraft.MergeKey, Type = m.Type, Required = m.Required, PageNumber = m.PageNumber,
                X = m.X, Y = m.Y, Width = m.Width, Height = m.Height, Label = m.Label,
            });
        return d;
    }

    /// <summary>
    /// Saves the whole template (validated first; nothing changes when any part is invalid). Roles are numbered by
    /// their order (ids 1, 2, …), fields then merge fields by theirs.
    /// </summary>
    public async Task SaveDraftAsync(string ownerId, TemplateDraft d, CancellationToken ct = default)
    {
        await dbFactory.WriteAsync(async db =>
        {
            var t = await LoadOwnedAsync(db, ownerId, d.TemplateId, tracking: true, ct);
            d.Layout.Pages = t.Pages; // never trust the geometry the caller holds
            var problems = TemplateEditor.Problems(d);
            if (problems.Count > 0) throw AppException.BadRequest(problems[0]);
            if (Requests.SenderMessage.Problem(d.Message) is { } refused) throw AppException.BadRequest(refused);
            var order = TemplateEditor.OrderOf(d);
            t.Name = DisplayNames.Clean(d.Name);
            t.IsOrdered = order != SigningOrder.AllAtOnce;
            t.Message = Requests.SenderMessage.AsTyped(d.Message);
            t.ModifiedAt = clock.GetUtcNow();
            // A field made from a text tag keeps its tag (the editor's fields carry their number as Id; new ones have none).
            var tagOf = t.Fields.ToDictionary(f => f.Number, f => TemplateTags.TagOf(f.AdditionalInfo));
            db.RemoveRange(t.Roles);
            db.RemoveRange(t.Fields);
            db.RemoveRange(t.MergeFields);
            await db.SaveChangesAsync(ct); // the unique (TemplateId, Number) indexes: old rows go first
            var roles = d.Roles.Select((r, i) => (r, n: i + 1)).ToList();
            t.Roles.Clear();
            t.Fields.Clear();
            t.MergeFields.Clear();
            t.Roles.AddRange(roles.Select(x => new TemplateRole
            {
                Number = x.n, Name = DisplayNames.Clean(x.r.FirstName), Color = SeedColor(x.n - 1), Kind = x.r.Options.Role,
                Order = TemplateOrder.GroupFor(order, x.n, x.r.Options.Order),
            }));
            var roleOf = roles.ToDictionary(x => x.r.Key, x => x.n);
            var number = 1;
            t.Fields.AddRange(d.RoleFields.Select(f => ToEntity(f, number++, roleOf[f.SignerKey], f.Id > 0 ? tagOf.GetValueOrDefault(f.Id) : null)));
            t.MergeFields.AddRange(d.MergeFields.Select(f => new MergeField
            {
                Number = number++, Label = f.Label!.Trim(), Required = f.Required, Type = f.Type, PageNumber = f.PageNumber,
                X = f.X, Y = f.Y, Width = f.Width, Height = f.Height,
            }));
        }, ct);
    }

    public async Task<Template> RenameAsync(string ownerId, int id, string? name, CancellationToken ct = default)
    {
        var n = DisplayNames.Clean(name);
        if (n.Length == 0) throw AppException.BadRequest("name is required: the template's new name.");
        if (n.Length > DraftEditor.MaxNameLength) throw AppException.BadRequest($"The name is too long (at most {DraftEditor.MaxNameLength} characters).");
        await dbFactory.WriteAsync(async db =>
        {
            var t = await LoadOwnedAsync(db, ownerId, id, tracking: true, ct);
            t.Name = n;
            t.ModifiedAt = clock.GetUtcNow();
        }, ct);
        return await GetAsync(ownerId, id, ct);
    }

    /// <summary>
    /// Sets every role's order group (the API's <c>roles</c> [{id, order}]): the template then signs in these groups
    /// (one after another when each role's group is its id).
    /// </summary>
    public async Task<Template> SetRoleOrdersAsync(string ownerId, int id, IReadOnlyList<(int RoleId, int Order)> orders, CancellationToken ct = default)
    {
        await dbFactory.WriteAsync(async db =>
        {
            var t = await LoadOwnedAsync(db, ownerId, id, tracking: true, ct);
            if (TemplateOrder.CheckOrders(t, orders) is { } problem) throw AppException.BadRequest(problem);
            foreach (var r in t.Roles) r.Order = orders.Single(o => o.RoleId == r.Number).Order;
            t.IsOrdered = true;
            t.ModifiedAt = clock.GetUtcNow();
        }, ct);
        return await GetAsync(ownerId, id, ct);
    }

    /// <summary>Deletes a template. Requests already made from it keep their own copy of the PDF and fields.</summary>
    public async Task DeleteAsync(string ownerId, int id, CancellationToken ct = default)
    {
        await dbFactory.WriteAsync(async db =>
        {
            var t = await LoadOwnedAsync(db, ownerId, id, tracking: true, ct);
            db.Templates.Remove(t);
        }, ct);
    }

    /// <summary>
    /// Sends a request from a template. The request's document is a copy of the template's PDF (decrypted with
    /// <see cref="TemplateUse.FilePassword"/> when protected) with every merge value stamped in as page content, so
    /// signers see them filled and cannot change them, and later edits of the template change nothing sent.
    /// </summary>
    public async Task<int> UseAsync(string ownerId, TemplateUse use, Actor actor, CancellationToken ct = default)
    {
        var t = await GetAsync(ownerId, use.TemplateId, ct);
        if (MergeRules.Check(t, use) is { } problem) throw AppException.BadRequest(problem);
        string? Prepare(RequestDraft d) => Fill(d, t, use);
        // Everything about people, names and fields is checked before any PDF work or any row is written.
        var probe = new RequestDraft { Pages = t.Pages, DocumentName = t.DocumentName };
        if (Prepare(probe) is { } e1) throw AppException.BadRequest(e1);
        if (DraftEditor.ProblemsBeforeSend(probe) is { Count: > 0 } p2) throw AppException.BadRequest(p2[0]);

        var key = await RequestPdfAsync(t, use, ct);
        var documentId = await dbFactory.WriteAsync(async db =>
        {
            var now = clock.GetUtcNow();
            var doc = new Document
            {
                OwnerId = ownerId, Name = t.DocumentName, BlobKey = key, Sha256 = key, SizeBytes = blobs.Length(key),
                PageCount = t.PageCount, Pages = [.. t.Pages], CreatedAt = now, ModifiedAt = now,
                TextTags = TemplateTags.TagsOf(t), // their text is erased when the request is sealed
                DeletedAt = now, // the request's own copy: not part of the library
            };
            db.Documents.Add(doc);
            await db.SaveChangesAsync(ct);
            return doc.Id;
        }, ct);
        try
        {
            var details = new Dictionary<string, object?>
            {
                ["template"] = $"{t.Name} (#{t.Id})",
                ["template_sha256"] = t.Sha256,
                ["merge_fields"] = t.MergeFields.OrderBy(m => m.Number)
                    .ToDictionary(m => m.Label, m => MergeRules.ValueOf(use, m)?.Value?.Trim()),
            };
            var id = await requests.CreateAndSendAsync(ownerId, documentId, Prepare, actor, ct, hiddenDocument: true, details, templateId: t.Id);
            log.LogInformation("Request {RequestId} sent from template {TemplateId}", id, t.Id);
            return id;
        }
        catch
        {
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            if (!await db.Requests.AnyAsync(r => r.DocumentId == documentId, CancellationToken.None))
                await db.Documents.Where(d => d.Id == documentId).ExecuteDeleteAsync(CancellationToken.None);
            throw;
        }
    }

    /// <summary>Fills a request draft from the template: people in role order, the roles' fields, the settings.</summary>
    private static string? Fill(RequestDraft d, Template t, TemplateUse use)
    {
        if (DraftEditor.SetName(d, use.Name) is { } e1) return e1;
        if (DraftEditor.SetMessage(d, use.Message ?? t.Message) is { } e2) return e2;
        d.EmbeddedSigning = use.EmbeddedSigning;
        if (use.Options is { } requestOptions) d.Options = requestOptions.Copy();
        var order = TemplateOrder.ForUse(t, use);
        // In groups: each person's own order when the use gave them (the API's recipients, the use page), else the role's.
        var peopleGiveGroups = use.Options?.OrderGroups == true;
        d.IsOrdered = order != SigningOrder.AllAtOnce;
        d.Options.OrderGroups = order == SigningOrder.InGroups;
        d.Signers.Clear();
        d.Fields.Clear();
        d.TextTags = []; // the template's own fields stand for its tags (made from them at creation, as edited since)
        var keys = new Dictionary<int, Guid>();
        foreach (var role in t.Roles.OrderBy(r => r.Number))
        {
            var p = use.People.Single(x => x.RoleId == role.Number);
            if (DraftEditor.AddSigner(d, p.Email, p.FirstName, p.LastName, p.Language) is { } e3) return $"Role {role.Number} ({role.Name}): {e3}";
            keys[role.Number] = d.Signers[^1].Key;
            var options = p.Options is { } given ? given.Copy() : new SignerOptions();
            if (!p.RoleGiven) options.Role = role.Kind;
            if (order == SigningOrder.InGroups && !peopleGiveGroups) options.Order = role.Order;
            d.Signers[^1].Options = options;
        }
        if (DraftEditor.SetCc(d, use.Cc) is { } e4) return $"cc: {e4}";
        foreach (var f in t.Fields.OrderBy(f => f.Number))
            d.Fields.Add(new DraftField
            {
                SignerKey = keys[f.RoleNumber], Type = f.Type, Required = f.Required, PageNumber = f.PageNumber,
                X = f.X, Y = f.Y, Width = f.Width, Height = f.Height,
                DateFormat = f.Type == FieldType.Date ? FieldRules.ExplicitDateFormatOf(f.AdditionalInfo) : null,
                DocumentTagId = TemplateTags.TagOf(f.AdditionalInfo)?.Id,
            });
        return Requests.TextTags.Prefill(d, use.Prefills); // prefill_tags: values for the fields made from text tags
    }

    /// <summary>The blob key of the request's PDF: the template's own when there is nothing to stamp or decrypt.</summary>
    private async Task<string> RequestPdfAsync(Template t, TemplateUse use, CancellationToken ct)
    {
        var items = t.MergeFields.OrderBy(m => m.Number)
            .Select(m => (m, v: MergeRules.ValueOf(use, m)))
            .Where(x => !string.IsNullOrWhiteSpace(x.v?.Value))
            .Select(x => new StampItem(x.m.PageNumber, new PdfRect(x.m.X, x.m.Y, x.m.Width, x.m.Height), x.m.Type,
                x.m.Type == FieldType.Checkbox ? (IsTrue(x.v!.Value!) ? "true" : "false") : x.v!.Value!.Trim(), FontSize: x.v.FontSize))
            .ToList();
        if (!t.PasswordProtected && items.Count == 0)
        {
            // Reused as it is: renew it before the row that adopts it is written, as storing it again would, so the
            // sweeper (which re-checks the time under the store's lock) cannot delete it if the template goes meanwhile.
            if (!blobs.Touch(t.BlobKey)) throw new InvalidOperationException($"Template {t.Id}'s PDF is missing from the blob store.");
            return t.BlobKey;
        }

        var bytes = await blobs.ReadAllBytesAsync(t.BlobKey, ct);
        // PDFsharp runs on a thread with a large stack (PdfStack), also on this file the worker accepted.
        var output = await PdfStack.RunAsync(() =>
        {
            var ms = new MemoryStream();
            using var source = OpenTemplatePdf(t, bytes, use.FilePassword);
            if (t.PasswordProtected)
            {
                // A user password opens a PDF for reading only (PDFsharp wants the owner password to modify it): copy
                // its pages into a new, unencrypted document, strip what a viewer would run (the stored file still
                // has it: it cannot be rewritten without the password), and stamp that.
                using var copy = new PdfDocument();
                foreach (var page in source.Pages) copy.AddPage(page);
                ActiveContent.Strip(copy);
                PdfStamper.Stamp(copy, items);
                copy.Save(ms);
            }
            else
            {
                PdfStamper.Stamp(source, items);
                source.Save(ms);
            }
            return ms;
        });
        using (output)
        {
            output.Position = 0;
            return await blobs.PutAsync(output, ct);
        }
    }

    internal static PdfDocument OpenTemplatePdf(Template t, byte[] bytes, string? password)
    {
        if (!t.PasswordProtected) return PdfReader.Open(new MemoryStream(bytes), PdfDocumentOpenMode.Modify);
        if (string.IsNullOrEmpty(password))
            throw AppException.BadRequest("file_password is required: this template's PDF is password-protected.");
        try
        {
            return PdfReader.Open(new MemoryStream(bytes), password, PdfDocumentOpenMode.Import);
        }
        catch (PdfReaderException ex) when (ex.Message.Contains("password", StringComparison.OrdinalIgnoreCase))
        {
            throw AppException.BadRequest("file_password is wrong: the template's PDF cannot be opened with it.");
        }
    }

    private static bool IsTrue(string s) => s.Trim().ToLowerInvariant() is "true" or "1" or "yes" or "on";

    private Template NewTemplate(string ownerId, Document doc)
    {
        var now = clock.GetUtcNow();
        var name = Path.GetFileNameWithoutExtension(doc.Name);
        return new Template
        {
            OwnerId = ownerId, Name = name.Length > DraftEditor.MaxNameLength ? name[..DraftEditor.MaxNameLength] : name,
            DocumentName = doc.Name, BlobKey = doc.BlobKey, Sha256 = doc.Sha256, PageCount = doc.PageCount, Pages = [.. doc.Pages],
            IsOrdered = true, CreatedAt = now, ModifiedAt = now,
        };
    }

    private static TemplateField ToEntity(DraftField f, int number, int role, TextTag? tag) => new()
    {
        Number = number, RoleNumber = role, Type = f.Type, Required = f.Required, PageNumber = f.PageNumber,
        X = f.X, Y = f.Y, Width = f.Width, Height = f.Height,
        AdditionalInfo = TemplateTags.Info(f.Type == FieldType.Date ? f.DateFormat : null, tag), // no format: the signer's locale
    };

    /// <summary>A role's colour in the seed's text form (<c>[r, g, b, 0.35]</c>), the same colour the editor shows.</summary>
    public static string SeedColor(int index)
    {
        var hex = SignerColors.For(index).TrimStart('#');
        return $"[{Convert.ToInt32(hex[..2], 16)}, {Convert.ToInt32(hex[2..4], 16)}, {Convert.ToInt32(hex[4..6], 16)}, 0.35]";
    }

    private static IQueryable<Template> WithChildren(AppDbContext db) =>
        db.Templates.Include(t => t.Roles).Include(t => t.Fields).Include(t => t.MergeFields).AsSplitQuery();

    private static async Task<Template> LoadOwnedAsync(AppDbContext db, string ownerId, int id, bool tracking, CancellationToken ct)
    {
        var q = WithChildren(db);
        if (!tracking) q = q.AsNoTracking();
        return await q.SingleOrDefaultAsync(t => t.Id == id && t.OwnerId == ownerId, ct) ?? throw AppException.NotFound("The template");
    }
}
