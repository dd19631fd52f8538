using System.Globalization;

namespace ESignWeb.Api.Box;

/// <summary>Box's file version (mini): <c>{"type":"file_version","id","sha1"}</c>.</summary>
public sealed record BoxFileVersionMini(string Type, string Id, string? Sha1);

/// <summary>
/// Box's mini file object <c>{type:"file", id, etag, file_version, name, sequence_id, sha1}</c> — what a sign request
/// lists in <c>source_files</c>, <c>sign_files.files</c> and <c>signing_log</c>, and what folder listings hold.
/// </summary>
public sealed record BoxFileMini(string Type, string Id, string? Etag, BoxFileVersionMini? FileVersion, string? Name, string? SequenceId, string? Sha1);

/// <summary>Box's base file object <c>{id, etag, type}</c> — what a sign request lists in <c>source_files</c> (seed; Box's <c>FileBase</c>).</summary>
public sealed record BoxFileBase(string Id, string? Etag, string Type);

/// <summary>Box's mini folder object <c>{type:"folder", id, etag, sequence_id, name}</c>.</summary>
public sealed record BoxFolderMini(string Type, string Id, string? Etag, string? SequenceId, string? Name);

/// <summary>Box's mini user object (<c>created_by</c>, <c>owned_by</c>, …).</summary>
public sealed record BoxUserMini(string Type, string Id, string Name, string Login);

/// <summary>Box's <c>path_collection</c>: the folders from the root ("All Files") down to the item's parent.</summary>
public sealed record BoxPathCollection(int TotalCount, IReadOnlyList<BoxFolderMini> Entries);

/// <summary>Box's sort order of a folder's items.</summary>
public sealed record BoxItemsOrder(string By, string Direction);

/// <summary>Box's <c>Items</c>: a page of a folder's items (mini folders and mini files), offset paging.</summary>
public sealed record BoxItems(int TotalCount, int Limit, int Offset, IReadOnlyList<BoxItemsOrder> Order, IReadOnlyList<object> Entries);

/// <summary>
/// Box's file object (the fields of <c>FileFull</c> that ESignWeb has; shared links, locks, collaborations, comments
/// and representations are not supported: null, or absent where Box omits them by default).
/// </summary>
public sealed record BoxFileFull(
    string Type, string Id, string? Etag, string? SequenceId, string? Sha1, string Name, string Description, long Size,
    BoxPathCollection PathCollection, string CreatedAt, string ModifiedAt, string? TrashedAt, string? PurgedAt,
    string? ContentCreatedAt, string? ContentModifiedAt, BoxUserMini CreatedBy, BoxUserMini ModifiedBy, BoxUserMini OwnedBy,
    object? SharedLink, BoxFolderMini Parent, string ItemStatus, BoxFileVersionMini FileVersion, string Extension, string VersionNumber);

/// <summary>Box's <c>Files</c>: what an upload answers.</summary>
public sealed record BoxFileList(int TotalCount, IReadOnlyList<BoxFileFull> Entries);

/// <summary>Box's folder object (<c>FolderFull</c>'s fields that ESignWeb has; sharing, collaboration, upload email: null).</summary>
public sealed record BoxFolderFull(
    string Type, string Id, string? Etag, string? SequenceId, string Name, string? CreatedAt, string? ModifiedAt, string Description,
    long Size, BoxPathCollection PathCollection, BoxUserMini CreatedBy, BoxUserMini ModifiedBy, string? TrashedAt, string? PurgedAt,
    string? ContentCreatedAt, string? ContentModifiedAt, BoxUserMini OwnedBy, object? SharedLink, object? FolderUploadEmail,
    BoxFolderMini? Parent, string ItemStatus, BoxItems ItemCollection);

/// <summary>The Box file and folder objects, in one place.</summary>
public static class BoxFileDto
{
    /// <summary>
    /// The mini file object of one of our files. <paramref name="version"/> counts the changes of the bytes (1 for a file
    /// that never changes): Box's <c>etag</c> and <c>sequence_id</c> are that number, minus one as Box starts at "0";
    /// the file version id is the file id and the version, so a new version gets a new id.
    /// </summary>
    /// <param name="sha1">SHA-1 of the bytes, lowercase hex; null while not known (Box allows it).</param>
    public static BoxFileMini Mini(BoxFileKind kind, int rowId, string name, string? sha1, int version = 1)
    {
        var id = BoxIds.File(kind, rowId);
        var seq = Sequence(version);
        return new BoxFileMini("file", id, seq, Version(kind, rowId, sha1, version), name, seq, sha1);
    }

    /// <summary>The base file object of one of our files (see <see cref="Mini"/> for <c>etag</c>).</summary>
    public static BoxFileBase Base(BoxFileKind kind, int rowId, int version = 1) => new(BoxIds.File(kind, rowId), Sequence(version), "file");

    /// <summary>The file version mini object (see <see cref="Mini"/>).</summary>
    public static BoxFileVersionMini Version(BoxFileKind kind, int rowId, string? sha1, int version = 1) =>
        new("file_version", (((long)rowId * 10 + (int)kind) * 1000 + Math.Clamp(version, 1, 999)).ToString(CultureInfo.InvariantCulture), sha1);

    /// <summary>A folder's mini object; the root (<paramref name="rowId"/> null) is Box's "All Files" with null etag and sequence.</summary>
    public static BoxFolderMini FolderMini(int? rowId, string name) =>
        rowId is null ? new("folder", BoxIds.RootFolder, null, null, "All Files") : new("folder", BoxIds.Folder(rowId), "0", "0", name);

    private static string Sequence(int version) => Math.Max(0, version - 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>The owner as Box's mini user.</summary>
    public static BoxUserMini User(Data.ApplicationUser u) => new("user", BoxJson.Id(u.ApiNumber ?? 0), u.DisplayName, u.Email ?? "");

    /// <summary>The path from the root to <paramref name="crumbs"/>' last folder (the root alone when empty).</summary>
    public static BoxPathCollection Path(IReadOnlyList<Folders.FolderCrumb> crumbs)
    {
        var entries = new List<BoxFolderMini> { FolderMini(null, "") };
        entries.AddRange(crumbs.Select(c => FolderMini(c.Id, c.Name)));
        return new BoxPathCollection(entries.Count, entries);
    }

    /// <summary>
    /// The file object of <paramref name="file"/>, in the folder whose path from the root is <paramref name="folderPath"/>
    /// (empty: the root). A file's bytes change only when a request's copy being signed becomes the sealed PDF (<see cref="BoxFileRow.Version"/>).
    /// </summary>
    public static BoxFileFull Full(BoxFileRow file, BoxBlobFacts facts, IReadOnlyList<Folders.FolderCrumb> folderPath, Data.ApplicationUser owner)
    {
        var mini = Mini(file.Kind, file.RowId, file.Name, facts.Sha1, file.Version);
        var user = User(owner);
        var parent = folderPath.Count == 0 ? FolderMini(null, "") : FolderMini(folderPath[^1].Id, folderPath[^1].Name);
        var ext = System.IO.Path.GetExtension(file.Name).TrimStart('.').ToLowerInvariant();
        return new BoxFileFull("file", mini.Id, mini.Etag, mini.SequenceId, facts.Sha1, file.Name, "", facts.Size, Path(folderPath),
            BoxJson.Time(file.CreatedAt), BoxJson.Time(file.ModifiedAt), null, null, BoxJson.Time(file.CreatedAt), BoxJson.Time(file.ModifiedAt),
            user, user, user, null, parent, "active", mini.FileVersion!, ext, file.Version.ToString(CultureInfo.InvariantCulture));
    }
}
