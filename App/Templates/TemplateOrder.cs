using ESignWeb.Requests;

namespace ESignWeb.Templates;

/// <summary>
/// A template's signing order, in the words of the prepare page (<see cref="SigningOrder"/>): stored as
/// <see cref="Template.IsOrdered"/> and each role's <see cref="TemplateRole.Order"/> group, with the request side's
/// group rule (<see cref="Domain.RequestWorkflow.GroupOf"/>): equal groups act at once, groups in ascending order.
/// </summary>
public static class TemplateOrder
{
    /// <summary>One after another: each role its own group (its id); all at once: every role in group 1; in groups: as set.</summary>
    public static SigningOrder Of(Template t) =>
        !t.IsOrdered ? SigningOrder.AllAtOnce
        : t.Roles.Any(r => r.Order != r.Number) ? SigningOrder.InGroups
        : SigningOrder.OneAfterAnother;

    /// <summary>The group stored for a role numbered <paramref name="number"/> (from 1) under <paramref name="order"/>.</summary>
    public static int GroupFor(SigningOrder order, int number, int group) => order switch
    {
        SigningOrder.InGroups => group,
        SigningOrder.OneAfterAnother => number,
        _ => 1,
    };

    /// <summary>
    /// The order a request made from the template gets: the use page's choice (<see cref="TemplateUse.Order"/>);
    /// else the API's: recipients that carry <c>order</c> are in groups, <c>is_ordered: false</c> is all at once;
    /// else the template's own (<c>is_ordered: true</c> on an all-at-once template: one after another).
    /// </summary>
    public static SigningOrder ForUse(Template t, TemplateUse use)
    {
        if (use.Order is { } chosen) return chosen;
        if (use.Options?.OrderGroups == true) return SigningOrder.InGroups;
        if (use.IsOrdered == false) return SigningOrder.AllAtOnce;
        var own = Of(t);
        return use.IsOrdered == true && own == SigningOrder.AllAtOnce ? SigningOrder.OneAfterAnother : own;
    }

    /// <summary>Every role given exactly once, known ids, groups 0–1000; null when the orders can be stored.</summary>
    public static string? CheckOrders(Template t, IReadOnlyList<(int RoleId, int Order)> orders)
    {
        var i = 0;
        foreach (var (roleId, order) in orders)
        {
            i++;
            if (t.Roles.All(r => r.Number != roleId))
                return $"roles[{i}]: {roleId} is not a role of this template (its roles are {string.Join(", ", t.Roles.OrderBy(r => r.Number).Select(r => $"{r.Number} ({r.Name})"))}).";
            if (orders.Take(i - 1).Any(o => o.RoleId == roleId)) return $"roles[{i}]: role {roleId} is given more than once.";
            if (order is < 0 or > RequestOptionRules.MaxOrder) return $"roles[{i}].order must be between 0 and {RequestOptionRules.MaxOrder}.";
        }
        var missing = t.Roles.OrderBy(r => r.Number).FirstOrDefault(r => orders.All(o => o.RoleId != r.Number));
        return missing is null ? null : $"roles: role {missing.Number} ({missing.Name}) has no order; give every role's order.";
    }
}
