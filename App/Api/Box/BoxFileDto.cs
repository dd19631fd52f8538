using System.Globalization;

namespace ESignWeb.Api.Box;

/// <summary>Box's file version (mini): <c>{"type":"file_version","id","sha1"}</c>.</summary>
public sealed record BoxFileVersionMini(string Type, string Id, string? Sha1);

/// <summary>
/// Box's mini file object <c>{type:"file", id, etag, file_version, name, sequence_id, sha1}</c> — what a sign request
/// lists in <c>source_files</c>, <c>sign_files.files</c> and <c>signing_log</c>, and what folder listings hold.
/// </summary>
public sealed record BoxFileMini(string Type, string Id, string? Etag, BoxFileVersionMini? FileVersion, string? Name, string? SequenceId, string? Sha1);

/// <summary>Box's mini folder object <c>{type:"folder", id, etag, sequence_id, name}</c>.</summary>
public sealed record BoxFolderMini(string Type, string Id, string? Etag, string? SequenceId, string? Name);

/// <summary>The Box file and folder objects, in one place (mini here; full objects next to them).</summary>
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

    /// <summary>The file version mini object (see <see cref="Mini"/>).</summary>
    public static BoxFileVersionMini Version(BoxFileKind kind, int rowId, string? sha1, int version = 1) =>
        new("file_version", (((long)rowId * 10 + (int)kind) * 1000 + Math.Clamp(version, 1, 999)).ToString(CultureInfo.InvariantCulture), sha1);

    /// <summary>A folder's mini object; the root (<paramref name="rowId"/> null) is Box's "All Files" with null etag and sequence.</summary>
    public static BoxFolderMini FolderMini(int? rowId, string name) =>
        rowId is null ? new("folder", BoxIds.RootFolder, null, null, "All Files") : new("folder", BoxIds.Folder(rowId), "0", "0", name);

    private static string Sequence(int version) => Math.Max(0, version - 1).ToString(CultureInfo.InvariantCulture);
}
