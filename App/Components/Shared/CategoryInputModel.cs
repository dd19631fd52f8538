using ESignWeb.Domain;

namespace ESignWeb.Components.Shared;

/// <summary>
/// The state and rules of <see cref="CategoryInput"/> (plain C#): the text being typed, the rule's refusal, and what
/// adding or removing makes of the categories. Names go through <see cref="Categories.Normalize"/> only, so the box
/// refuses exactly what the service and the APIs refuse, with the same message.
/// </summary>
public sealed class CategoryInputModel
{
    /// <summary>What is typed and not yet added.</summary>
    public string Text { get; set; } = "";

    /// <summary>The rule's refusal of the last attempt (shown under the box); null when none.</summary>
    public string? Error { get; private set; }

    /// <summary>What a screen reader is told after a change ("Added NDA.").</summary>
    public string Status { get; private set; } = "";

    /// <summary>
    /// Typing: a comma ends a name, so every complete name before the last comma is added and the rest stays in the
    /// box. Returns the new categories when they changed, else null.
    /// </summary>
    public IReadOnlyList<string>? Typed(IReadOnlyList<string> current, string text)
    {
        Text = text ?? "";
        var comma = Text.LastIndexOf(',');
        if (comma < 0) return null;
        var complete = Text[..comma].Split(',');
        var rest = Text[(comma + 1)..];
        var result = Add(current, complete);
        if (Error is null) Text = rest.TrimStart();
        return result;
    }

    /// <summary>Enter (or leaving the box): adds what is typed. Returns the new categories when they changed, else null.</summary>
    public IReadOnlyList<string>? Commit(IReadOnlyList<string> current)
    {
        if (string.IsNullOrWhiteSpace(Text)) { Text = ""; return null; }
        var result = Add(current, [Text]);
        if (Error is null) Text = "";
        return result;
    }

    /// <summary>Removes one category (its remove button). Returns the new categories.</summary>
    public IReadOnlyList<string> Remove(IReadOnlyList<string> current, string name)
    {
        Error = null;
        Status = $"Removed {name}.";
        return current.Where(c => !string.Equals(c, name, StringComparison.Ordinal)).ToList();
    }

    /// <summary>The suggestions not already chosen (compared without regard to case), in the order given (most used first).</summary>
    public static IReadOnlyList<string> Offered(IReadOnlyList<string> suggestions, IReadOnlyList<string> current) =>
        suggestions.Where(s => !current.Any(c => string.Equals(c, s, StringComparison.OrdinalIgnoreCase))).ToList();

    private IReadOnlyList<string>? Add(IReadOnlyList<string> current, IEnumerable<string> names)
    {
        try
        {
            var result = Categories.Normalize([.. current, .. names]);
            Error = null;
            var added = result.Skip(current.Count).ToList();
            Status = added.Count > 0 ? $"Added {string.Join(", ", added)}." : "Already there.";
            return added.Count > 0 ? result : null; // a name that differs only in case is the one already there
        }
        catch (AppException ex)
        {
            Error = ex.Message;
            Status = "";
            return null;
        }
    }
}
