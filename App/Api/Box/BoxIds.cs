using System.Globalization;

namespace ESignWeb.Api.Box;

/// <summary>What a Box file id names: Box has one id space for files; ESignWeb keeps several tables.</summary>
public enum BoxFileKind
{
    /// <summary>A document (SignEasy's original file; a sign request's <c>source_files</c>).</summary>
    Document = 1,
    /// <summary>A request's sealed PDF (a signed file; <c>sign_files</c> once complete).</summary>
    SignedFile = 2,
    /// <summary>A request's audit trail PDF (<c>signing_log</c>).</summary>
    AuditTrail = 3,
    /// <summary>The copy of a request's document being signed, before it is sealed (<c>sign_files</c> while open).</summary>
    SignCopy = 4,
}

/// <summary>
/// Box ids, in one place: every id is a decimal string. A file id is the row id × 10 + its <see cref="BoxFileKind"/>
/// digit, so one number names one object and decoding needs no table; a folder id is the folder's row id, <c>"0"</c> the
/// root (all of a user's top-level items); a sign request id is the request's row id. Owner checks happen where the id is
/// used (an id someone else owns is <c>404 not_found</c>, like a missing one).
/// </summary>
public static class BoxIds
{
    public const string RootFolder = "0";

    public static string File(BoxFileKind kind, int rowId) => ((long)rowId * 10 + (int)kind).ToString(CultureInfo.InvariantCulture);

    /// <summary>The kind and row id a file id names; null for anything that is not one of ours.</summary>
    public static (BoxFileKind Kind, int RowId)? ParseFile(string? id)
    {
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 10) return null;
        var kind = (BoxFileKind)(int)(n % 10);
        var row = n / 10;
        return Enum.IsDefined(kind) && row <= int.MaxValue ? (kind, (int)row) : null;
    }

    /// <summary>A folder id: null for the root (<c>"0"</c>), the row id otherwise; false when it is no folder id at all.</summary>
    public static bool TryParseFolder(string? id, out int? rowId)
    {
        rowId = null;
        if (id == RootFolder) return true;
        if (!int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0) return false;
        rowId = n;
        return true;
    }

    public static string Folder(int? rowId) => rowId is { } n ? n.ToString(CultureInfo.InvariantCulture) : RootFolder;

    public static string SignRequest(int rowId) => rowId.ToString(CultureInfo.InvariantCulture);

    public static int? ParseSignRequest(string? id) =>
        int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
}
