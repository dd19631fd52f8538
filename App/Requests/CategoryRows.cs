using ESignWeb.Data;
using ESignWeb.Domain;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Requests;

/// <summary>
/// A request's categories as rows (<see cref="RequestCategory"/>): written in one place (the draft save and
/// <see cref="RequestService.SetCategoriesAsync"/>), read in their given order, and the owner's names as suggestions.
/// </summary>
public static class CategoryRows
{
    /// <summary>The names in the order they were given (rows are added in that order).</summary>
    public static List<string> Of(SignatureRequest r) => r.Categories.OrderBy(c => c.Id).Select(c => c.Name).ToList();

    /// <summary>
    /// Makes the tracked request's rows say exactly <paramref name="names"/> (already normalised): unchanged when they
    /// already do (same names, same order, same spelling), otherwise replaced.
    /// </summary>
    public static void Replace(AppDbContext db, SignatureRequest r, IReadOnlyList<string> names)
    {
        if (Of(r).SequenceEqual(names, StringComparer.Ordinal)) return;
        foreach (var row in r.Categories.ToList())
        {
            r.Categories.Remove(row);
            db.RequestCategories.Remove(row);
        }
        foreach (var name in names) r.Categories.Add(new RequestCategory { Name = name });
    }

    /// <summary>
    /// The owner's category names across their requests, distinct without regard to case (the column's NOCASE
    /// collation groups them), most used first, then by name: one query.
    /// </summary>
    public static Task<List<string>> SuggestionsAsync(AppDbContext db, string ownerId, int limit, CancellationToken ct) =>
        db.RequestCategories.AsNoTracking()
            .Where(c => db.Requests.Any(r => r.Id == c.RequestId && r.OwnerId == ownerId))
            .GroupBy(c => c.Name)
            .Select(g => new { Name = g.Key, Count = g.Count() })
            .OrderByDescending(x => x.Count).ThenBy(x => x.Name)
            .Take(limit)
            .Select(x => x.Name)
            .ToListAsync(ct);
}
