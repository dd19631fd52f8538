using ESignWeb.Api;
using ESignWeb.Domain;

namespace ESignWeb.Folders;

/// <summary>
/// The rules of folders as pure functions: names, the root's wire id, depth and cycles over an owner's folder tree
/// (at most <see cref="MaxFoldersPerOwner"/> rows, so the tree is worked on in memory).
/// </summary>
public static class FolderRules
{
    /// <summary>Box's id of the root folder. The root is no row: items with no folder are in it.</summary>
    public const string RootId = "0";
    public const int MaxNameLength = 255;
    /// <summary>Folders in a chain from the root (a folder at the root has depth 1).</summary>
    public const int MaxDepth = 20;
    public const int MaxFoldersPerOwner = 1000;

    /// <summary>The wire id of a folder (Box: a string; the root is "0").</summary>
    public static string WireId(int? folderId) => folderId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? RootId;

    /// <summary>
    /// A folder name as stored: cleaned like every name (<see cref="DisplayNames.Clean"/>), 1–255 characters, no
    /// slash or backslash, not "." or ".." (Box's rules, so the Box API can take our names as they are).
    /// </summary>
    public static string CleanName(string? raw)
    {
        var name = DisplayNames.Clean(raw);
        if (name.Length == 0) throw new AppException(ApiErrorCode.ItemNameInvalid, "The folder needs a name.");
        if (name.Length > MaxNameLength)
            throw new AppException(ApiErrorCode.ItemNameTooLong, $"The folder name is too long (at most {MaxNameLength} characters).");
        if (name is "." or ".." || name.Contains('/') || name.Contains('\\'))
            throw new AppException(ApiErrorCode.ItemNameInvalid, "A folder name cannot be \".\" or \"..\" and cannot contain / or \\.");
        return name;
    }

    public static AppException NameInUse(string name) =>
        new(ApiErrorCode.ItemNameInUse, $"There is already a folder named \"{name}\" here. Choose another name.");

    /// <summary>A document cannot be filed where a live document already has its name (<paramref name="folderName"/> null: the root).</summary>
    public static AppException DocumentNameInUse(string name, string? folderName) =>
        new(ApiErrorCode.ItemNameInUse, folderName is null
            ? $"There is already a document named \"{name}\" at the root. Rename one of them first, then move it."
            : $"There is already a document named \"{name}\" in \"{folderName}\". Rename one of them first, then move it.");

    /// <summary>Whether <paramref name="name"/> is taken among <paramref name="siblings"/> (case-insensitively).</summary>
    public static bool NameTaken(IEnumerable<string> siblings, string name) =>
        siblings.Any(s => string.Equals(s, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Depth of <paramref name="folderId"/> (root: 0, a folder at the root: 1) in the tree given as id → parent.</summary>
    public static int Depth(IReadOnlyDictionary<int, int?> parents, int? folderId)
    {
        var depth = 0;
        for (var id = folderId; id is { } x; id = parents.GetValueOrDefault(x))
        {
            if (++depth > parents.Count) throw new InvalidOperationException("The folder tree has a cycle.");
        }
        return depth;
    }

    /// <summary>Whether <paramref name="candidate"/> is <paramref name="folderId"/> itself or lies below it.</summary>
    public static bool IsSelfOrDescendant(IReadOnlyDictionary<int, int?> parents, int folderId, int? candidate)
    {
        var steps = 0;
        for (var id = candidate; id is { } x; id = parents.GetValueOrDefault(x))
        {
            if (x == folderId) return true;
            if (++steps > parents.Count) throw new InvalidOperationException("The folder tree has a cycle.");
        }
        return false;
    }

    /// <summary>Levels of the sub-tree rooted at <paramref name="folderId"/> (a folder with no sub-folders: 1).</summary>
    public static int Height(IReadOnlyDictionary<int, int?> parents, int folderId)
    {
        var children = parents.Where(p => p.Value is not null).ToLookup(p => p.Value!.Value, p => p.Key);
        var height = 0;
        var level = new List<int> { folderId };
        while (level.Count > 0)
        {
            if (++height > parents.Count) throw new InvalidOperationException("The folder tree has a cycle.");
            level = level.SelectMany(id => children[id]).ToList();
        }
        return height;
    }

    /// <summary>
    /// Why <paramref name="folderId"/> cannot move into <paramref name="target"/> (null: the root), or null when it can:
    /// never into itself or its own descendant, and never deeper than <see cref="MaxDepth"/> with everything below it.
    /// </summary>
    public static string? MoveProblem(IReadOnlyDictionary<int, int?> parents, int folderId, int? target)
    {
        if (IsSelfOrDescendant(parents, folderId, target))
            return "A folder cannot be moved into itself or into one of its own folders.";
        if (Depth(parents, target) + Height(parents, folderId) > MaxDepth)
            return $"Folders can be nested at most {MaxDepth} deep; this move would go deeper.";
        return null;
    }

    /// <summary>
    /// The owner's folders in display order — depth first, siblings by name — each with its depth (root's children: 1),
    /// for a folder picker.
    /// </summary>
    public static List<FolderNode> Tree(IEnumerable<Folder> folders)
    {
        var byParent = folders.ToLookup(f => f.ParentId);
        var result = new List<FolderNode>();
        void Walk(int? parent, int depth)
        {
            if (depth > MaxDepth + 1) return; // a corrupt tree never loops
            foreach (var f in byParent[parent].OrderBy(f => f.Name, StringComparer.CurrentCultureIgnoreCase).ThenBy(f => f.Id))
            {
                result.Add(new FolderNode(f.Id, f.Name, f.ParentId, depth));
                Walk(f.Id, depth + 1);
            }
        }
        Walk(null, 1);
        return result;
    }
}

/// <summary>One folder in a tree listing (Box: <c>id</c>, <c>name</c>, <c>parent</c>).</summary>
public sealed record FolderNode(int Id, string Name, int? ParentId, int Depth);

/// <summary>A step of a breadcrumb: a folder's id and name.</summary>
public sealed record FolderCrumb(int Id, string Name);

/// <summary>What a folder holds (null folder: the root), with the way to it from the root.</summary>
public sealed record FolderContents(
    Folder? Folder,
    IReadOnlyList<FolderCrumb> Path,
    IReadOnlyList<Folder> Folders,
    IReadOnlyList<Document> Documents,
    IReadOnlyList<SignedFile> SignedFiles)
{
    public bool IsEmpty => Folders.Count == 0 && Documents.Count == 0 && SignedFiles.Count == 0;
}

/// <summary>A choice in a folder picker: the root (<see cref="Node"/> null) or a folder, and whether it can be chosen.</summary>
public sealed record FolderChoice(FolderNode? Node, bool Disabled)
{
    /// <summary>The radio value: the folder's wire id ("0": the root).</summary>
    public string Key => FolderRules.WireId(Node?.Id);

    /// <summary>
    /// The root and every folder, in tree order; <paramref name="excludeSubtreeOf"/> (a folder being moved) and
    /// everything below it cannot be chosen.
    /// </summary>
    public static List<FolderChoice> For(IReadOnlyList<FolderNode> tree, int? excludeSubtreeOf)
    {
        var parents = tree.ToDictionary(n => n.Id, n => n.ParentId);
        var result = new List<FolderChoice> { new(null, false) };
        foreach (var n in tree)
            result.Add(new FolderChoice(n, excludeSubtreeOf is { } x && FolderRules.IsSelfOrDescendant(parents, x, n.Id)));
        return result;
    }

    /// <summary>The folder id of a radio value ("0" → null, the root).</summary>
    public static int? IdOf(string? key) =>
        key is null or FolderRules.RootId ? null : int.Parse(key, System.Globalization.CultureInfo.InvariantCulture);
}
