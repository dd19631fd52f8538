using ESignWeb.Domain;
using ESignWeb.Requests;

namespace ESignWeb.Tests.Unit;

/// <summary>The mail rule of roles and in-person signing, and the words for order groups.</summary>
public class RoleRulesTests
{
    private static Recipient R(RecipientRole role = RecipientRole.Signer, bool inPerson = false) => new() { Role = role, IsInPerson = inPerson };

    [Fact]
    public void Who_is_mailed_one_rule_for_embedded_in_person_and_final_copy_readers()
    {
        var mailed = new SignatureRequest();
        var embedded = new SignatureRequest { EmbeddedSigning = true };
        Assert.True(RequestWorkflow.IsMailed(mailed, R()));
        Assert.True(RequestWorkflow.IsMailed(mailed, R(RecipientRole.Approver)));
        Assert.False(RequestWorkflow.IsMailed(mailed, R(inPerson: true)));
        Assert.False(RequestWorkflow.IsMailed(embedded, R()));
        Assert.False(RequestWorkflow.IsMailed(embedded, R(RecipientRole.Approver)));
        Assert.True(RequestWorkflow.IsMailed(embedded, R(RecipientRole.FinalCopyReader))); // the copy is all they get
        Assert.True(RequestWorkflow.HasSigningLink(R(RecipientRole.Approver)));
        Assert.False(RequestWorkflow.HasSigningLink(R(RecipientRole.FinalCopyReader)));
        Assert.False(RequestWorkflow.HasSigningLink(R(inPerson: true)));
    }

    [Fact]
    public void Groups_and_whose_turn_in_words()
    {
        Assert.Equal("1 · Ann, Bob — 2 · Carl", StatusWords.Groups([(1, "Ann"), (2, "Carl"), (1, "Bob")]));
        Assert.Null(StatusWords.Turn([]));
        Assert.Equal("Ann's turn", StatusWords.Turn(["Ann"]));
        Assert.Equal("Ann and Bob's turn", StatusWords.Turn(["Ann", "Bob"]));
        Assert.Equal("Ann, Bob and Carl's turn", StatusWords.Turn(["Ann", "Bob", "Carl"]));
        Assert.Equal("Approved", StatusWords.Of(RecipientStatus.Finalized, RecipientRole.Approver));
        Assert.Equal("Signed", StatusWords.Of(RecipientStatus.Finalized, RecipientRole.Signer));
    }

    [Fact]
    public void The_summary_names_the_current_group_and_leaves_readers_out_of_sealing()
    {
        var now = DateTimeOffset.UnixEpoch;
        RecipientSummary S(int id, int order, RecipientStatus st, RecipientRole role = RecipientRole.Signer) => new(id, $"r{id}@example.com", $"P{id}", order, st, role);
        var summary = new RequestSummary(1, "NDA", RequestStatus.Incomplete, true, now, now, now, "NDA.pdf",
            [S(1, 1, RecipientStatus.Viewed), S(2, 1, RecipientStatus.NotViewed), S(3, 2, RecipientStatus.NotViewed, RecipientRole.Approver),
             S(4, 3, RecipientStatus.NotViewed, RecipientRole.FinalCopyReader)], 1, [1, 2]);
        Assert.Equal("P1 and P2's turn", summary.WaitingFor);
        Assert.Equal("1 · P1, P2 — 2 · P3", summary.Groups);
        Assert.True(summary.IsTheirTurn(2));
        Assert.False(summary.IsTheirTurn(3));

        var sealing = summary with
        {
            Recipients = [S(1, 1, RecipientStatus.Finalized), S(3, 2, RecipientStatus.Finalized, RecipientRole.Approver),
                          S(4, 3, RecipientStatus.NotViewed, RecipientRole.FinalCopyReader)],
            CurrentGroupIds = [], NextRecipientId = null,
        };
        Assert.True(sealing.IsSealing);
        Assert.Null(sealing.Groups); // no two share a step
    }
}
