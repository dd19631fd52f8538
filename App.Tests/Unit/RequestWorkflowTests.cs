using ESignWeb.Domain;

namespace ESignWeb.Tests.Unit;

/// <summary>The request workflow table (ARCHITECTURE §2), sequential and parallel.</summary>
public class RequestWorkflowTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static SignatureRequest Request(bool ordered, int signers = 3)
    {
        var r = new SignatureRequest { Id = 1, IsOrdered = ordered };
        for (var i = 1; i <= signers; i++)
            r.Recipients.Add(new Recipient { Id = 100 + i, Email = $"s{i}@example.com", FirstName = $"S{i}", OrderId = i });
        return r;
    }

    [Fact]
    public void Send_sequential_notifies_only_the_first_signer_and_sets_next()
    {
        var r = Request(ordered: true);
        var outcome = RequestWorkflow.Send(r, Now);
        Assert.Equal(RequestStatus.Incomplete, r.Status);
        Assert.Equal([101], outcome.Notify.Select(x => x.Id));
        Assert.Equal(101, RequestWorkflow.Next(r)?.Id);
        Assert.Equal(Now, r.SentAt);
    }

    [Fact]
    public void Send_parallel_notifies_everyone_and_next_is_null()
    {
        var r = Request(ordered: false);
        var outcome = RequestWorkflow.Send(r, Now);
        Assert.Equal([101, 102, 103], outcome.Notify.Select(x => x.Id));
        Assert.Null(RequestWorkflow.Next(r));
    }

    [Fact]
    public void Send_renumbers_order_ids_from_one()
    {
        var r = Request(ordered: true);
        r.Recipients[0].OrderId = 7; r.Recipients[1].OrderId = 3; r.Recipients[2].OrderId = 9;
        RequestWorkflow.Send(r, Now);
        Assert.Equal([2, 1, 3], r.Recipients.Select(x => x.OrderId));
    }

    [Fact]
    public void Send_without_signers_or_twice_is_refused()
    {
        var empty = Request(ordered: true, signers: 0);
        Assert.Throws<WorkflowException>(() => RequestWorkflow.Send(empty, Now));
        var r = Request(ordered: true);
        RequestWorkflow.Send(r, Now);
        var ex = Assert.Throws<WorkflowException>(() => RequestWorkflow.Send(r, Now));
        Assert.Contains("already sent", ex.Message);
    }

    [Fact]
    public void Draft_is_editable_and_sent_request_is_not()
    {
        var r = Request(ordered: true);
        Assert.True(RequestWorkflow.IsEditable(r));
        RequestWorkflow.Send(r, Now);
        Assert.False(RequestWorkflow.IsEditable(r));
    }

    [Fact]
    public void Sequential_only_the_next_signer_may_sign_and_finalizing_moves_next()
    {
        var r = Request(ordered: true);
        RequestWorkflow.Send(r, Now);
        var (a, b, c) = (r.Recipients[0], r.Recipients[1], r.Recipients[2]);
        Assert.True(RequestWorkflow.MaySign(r, a));
        Assert.False(RequestWorkflow.MaySign(r, b));
        var ex = Assert.Throws<WorkflowException>(() => RequestWorkflow.View(r, b, Now));
        Assert.Contains("waiting for", ex.Message);

        Assert.True(RequestWorkflow.View(r, a, Now));
        Assert.False(RequestWorkflow.View(r, a, Now)); // idempotent
        Assert.Equal(RecipientStatus.Viewed, a.Status);
        var outcome = RequestWorkflow.Finalize(r, a, Now);
        Assert.Equal([b], outcome.Notify);
        Assert.False(outcome.SealNow);
        Assert.Equal(b.Id, RequestWorkflow.Next(r)?.Id);
        RequestWorkflow.Finalize(r, b, Now);
        var last = RequestWorkflow.Finalize(r, c, Now);
        Assert.True(last.SealNow);
        Assert.Empty(last.Notify);
        Assert.Null(RequestWorkflow.Next(r));
    }

    [Fact]
    public void Parallel_signers_sign_in_any_order_and_the_last_one_seals()
    {
        var r = Request(ordered: false);
        RequestWorkflow.Send(r, Now);
        Assert.All(r.Recipients, x => Assert.True(RequestWorkflow.MaySign(r, x)));
        Assert.False(RequestWorkflow.Finalize(r, r.Recipients[2], Now).SealNow);
        Assert.False(RequestWorkflow.Finalize(r, r.Recipients[0], Now).SealNow);
        Assert.True(RequestWorkflow.Finalize(r, r.Recipients[1], Now).SealNow);
    }

    [Fact]
    public void Finalizing_twice_is_refused()
    {
        var r = Request(ordered: false, signers: 2);
        RequestWorkflow.Send(r, Now);
        RequestWorkflow.Finalize(r, r.Recipients[0], Now);
        Assert.Throws<WorkflowException>(() => RequestWorkflow.Finalize(r, r.Recipients[0], Now));
    }

    [Fact]
    public void Decline_ends_the_request_for_everyone()
    {
        var r = Request(ordered: false);
        RequestWorkflow.Send(r, Now);
        Assert.Throws<WorkflowException>(() => RequestWorkflow.Decline(r, r.Recipients[1], "  ", Now));
        RequestWorkflow.Decline(r, r.Recipients[1], "Wrong amount", Now);
        Assert.Equal(RequestStatus.RecipientDeclined, r.Status);
        Assert.Equal(RecipientStatus.Declined, r.Recipients[1].Status);
        Assert.Equal("Wrong amount", r.Recipients[1].DeclineReason);
        Assert.All(r.Recipients, x => Assert.False(RequestWorkflow.MaySign(r, x)));
    }

    [Fact]
    public void Void_only_from_incomplete()
    {
        var r = Request(ordered: true);
        Assert.Throws<WorkflowException>(() => RequestWorkflow.Void(r, Now));
        RequestWorkflow.Send(r, Now);
        RequestWorkflow.Void(r, Now);
        Assert.Equal(RequestStatus.Canceled, r.Status);
        Assert.Throws<WorkflowException>(() => RequestWorkflow.Void(r, Now));
        Assert.False(RequestWorkflow.MaySign(r, r.Recipients[0]));
    }

    [Fact]
    public void Complete_needs_every_signer_finalized_and_is_idempotent()
    {
        var r = Request(ordered: false, signers: 2);
        RequestWorkflow.Send(r, Now);
        Assert.Throws<WorkflowException>(() => RequestWorkflow.Complete(r, 9, Now));
        RequestWorkflow.Finalize(r, r.Recipients[0], Now);
        RequestWorkflow.Finalize(r, r.Recipients[1], Now);
        RequestWorkflow.Complete(r, 9, Now);
        RequestWorkflow.Complete(r, 9, Now);
        Assert.Equal(RequestStatus.Complete, r.Status);
        Assert.Equal(9, r.SignedFileId);
    }

    [Fact]
    public void Remind_targets_the_next_signer_or_every_unfinished_parallel_signer()
    {
        var seq = Request(ordered: true);
        Assert.Empty(RequestWorkflow.RemindTargets(seq)); // draft
        RequestWorkflow.Send(seq, Now);
        Assert.Equal([101], RequestWorkflow.RemindTargets(seq).Select(x => x.Id));

        var par = Request(ordered: false);
        RequestWorkflow.Send(par, Now);
        RequestWorkflow.Finalize(par, par.Recipients[0], Now);
        Assert.Equal([102, 103], RequestWorkflow.RemindTargets(par).Select(x => x.Id));
    }

    [Theory]
    [InlineData(RequestStatus.Draft, "draft")]
    [InlineData(RequestStatus.Incomplete, "incomplete")]
    [InlineData(RequestStatus.Complete, "complete")]
    [InlineData(RequestStatus.RecipientDeclined, "recipient_declined")]
    [InlineData(RequestStatus.Canceled, "canceled")]
    public void Statuses_use_the_seed_wire_names(RequestStatus status, string wire)
    {
        Assert.Equal(wire, WireNames.Of(status));
        Assert.True(WireNames.TryParseRequestStatus(wire, out var parsed));
        Assert.Equal(status, parsed);
    }
}
