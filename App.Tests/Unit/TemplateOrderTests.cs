using ESignWeb.Requests;
using ESignWeb.Templates;

namespace ESignWeb.Tests.Unit;

/// <summary>A template's signing order from its roles' groups, and the order a request made from it gets.</summary>
public class TemplateOrderTests
{
    private static Template With(bool ordered, params int[] groups)
    {
        var t = new Template { IsOrdered = ordered };
        for (var i = 0; i < groups.Length; i++) t.Roles.Add(new TemplateRole { Number = i + 1, Name = $"R{i + 1}", Order = groups[i] });
        return t;
    }

    [Fact]
    public void The_templates_order_is_read_from_is_ordered_and_the_roles_groups()
    {
        Assert.Equal(SigningOrder.OneAfterAnother, TemplateOrder.Of(With(true, 1, 2, 3)));
        Assert.Equal(SigningOrder.InGroups, TemplateOrder.Of(With(true, 1, 1, 2)));
        Assert.Equal(SigningOrder.AllAtOnce, TemplateOrder.Of(With(false, 1, 1, 1)));
        Assert.Equal([2, 1, 7], new[] { SigningOrder.OneAfterAnother, SigningOrder.AllAtOnce, SigningOrder.InGroups }.Select(o => TemplateOrder.GroupFor(o, 2, 7)));
    }

    [Fact]
    public void A_use_takes_the_page_choice_then_the_apis_order_or_is_ordered_then_the_templates()
    {
        var grouped = With(true, 1, 1, 2);
        Assert.Equal(SigningOrder.OneAfterAnother, TemplateOrder.ForUse(grouped, new TemplateUse { Order = SigningOrder.OneAfterAnother }));
        Assert.Equal(SigningOrder.InGroups, TemplateOrder.ForUse(grouped, new TemplateUse()));
        Assert.Equal(SigningOrder.InGroups, TemplateOrder.ForUse(grouped, new TemplateUse { IsOrdered = true }));
        Assert.Equal(SigningOrder.AllAtOnce, TemplateOrder.ForUse(grouped, new TemplateUse { IsOrdered = false }));
        var parallel = With(false, 1, 1);
        Assert.Equal(SigningOrder.OneAfterAnother, TemplateOrder.ForUse(parallel, new TemplateUse { IsOrdered = true }));
        Assert.Equal(SigningOrder.AllAtOnce, TemplateOrder.ForUse(parallel, new TemplateUse()));
        Assert.Equal(SigningOrder.InGroups, TemplateOrder.ForUse(parallel, new TemplateUse { IsOrdered = false, Options = new RequestOptions { OrderGroups = true } }));
    }

    [Fact]
    public void Orders_written_for_roles_are_checked_whole()
    {
        var t = With(true, 1, 2);
        Assert.Null(TemplateOrder.CheckOrders(t, [(1, 1), (2, 1)]));
        Assert.Equal("roles: role 2 (R2) has no order; give every role's order.", TemplateOrder.CheckOrders(t, [(1, 1)]));
        Assert.Equal("roles[2]: role 1 is given more than once.", TemplateOrder.CheckOrders(t, [(1, 1), (1, 2)]));
        Assert.Equal("roles[1].order must be between 0 and 1000.", TemplateOrder.CheckOrders(t, [(1, 1001), (2, 1)]));
    }
}
