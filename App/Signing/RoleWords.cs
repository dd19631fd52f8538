using ESignWeb.Domain;

namespace ESignWeb.Signing;

/// <summary>
/// The words that depend on what a recipient is asked to do — the one place they are chosen by role. Each entry names
/// resource keys: the mail ones in <c>SignerMailText</c>, the page ones in <c>SignerText</c> (every language has them).
/// A signer is asked to sign; an approver to review and approve (never "to sign"); a final-copy reader is never
/// invited (they only receive the signed copy, and their completion mail says so).
/// </summary>
public sealed class RoleWords
{
    // Mails (SignerMailText). Null: this role is never invited.
    public string? InviteSubject { get; private init; }
    public string? ReminderSubject { get; private init; }
    public string? InviteIntro { get; private init; }
    public string? ReviewHere { get; private init; }
    public string? ReviewButton { get; private init; }
    /// <summary>The completion mail's subject.</summary>
    public required string CompletedSubject { get; init; }
    /// <summary>A sentence the completion mail adds for this role; null: none.</summary>
    public string? CompletedNote { get; private init; }

    // The signer's page (SignerText).
    public required string PageTitle { get; init; }
    public required string PageTitleEmbed { get; init; }
    public required string ConsentHeading { get; init; }
    public required string ConsentTitle { get; init; }
    /// <summary>The consent the recipient agrees to (recorded word for word in the audit trail).</summary>
    public required string ConsentText { get; init; }
    public required string ConsentAgree { get; init; }
    /// <summary>The consent page's decline button and the decline dialog's title.</summary>
    public required string DeclineToAct { get; init; }
    public required string DeclinedByYou { get; init; }
    /// <summary>The finished page's title.</summary>
    public required string TitleDone { get; init; }
    public required string DoneAllMailed { get; init; }
    public required string DoneAllEmbedded { get; init; }
    public required string DoneWaitingMailed { get; init; }
    public required string DoneWaitingEmbedded { get; init; }

    public static readonly RoleWords Signer = new()
    {
        InviteSubject = "InviteSubject", ReminderSubject = "ReminderSubject", InviteIntro = "InviteIntro",
        ReviewHere = "ReviewHere", ReviewButton = "ReviewButton", CompletedSubject = "CompletedSubject",
        PageTitle = "PageTitle", PageTitleEmbed = "PageTitleEmbed", ConsentHeading = "ConsentHeading", ConsentTitle = "ConsentTitle",
        ConsentText = "ConsentText", ConsentAgree = "ConsentAgree", DeclineToAct = "DeclineToSign", DeclinedByYou = "StatusDeclinedByYou",
        TitleDone = "TitleAlreadySigned", DoneAllMailed = "StatusSignedAllMailed", DoneAllEmbedded = "StatusSignedAllEmbedded",
        DoneWaitingMailed = "StatusSignedWaitingMailed", DoneWaitingEmbedded = "StatusSignedWaitingEmbedded",
    };

    public static readonly RoleWords Approver = new()
    {
        InviteSubject = "InviteSubjectApprover", ReminderSubject = "ReminderSubjectApprover", InviteIntro = "InviteIntroApprover",
        ReviewHere = "ReviewHereApprover", ReviewButton = "ReviewButtonApprover", CompletedSubject = "CompletedSubject",
        PageTitle = "PageTitleApprover", PageTitleEmbed = "PageTitleEmbedApprover", ConsentHeading = "ConsentHeadingApprover",
        ConsentTitle = "ConsentTitleApprover", ConsentText = "ConsentTextApprover", ConsentAgree = "ConsentAgreeApprover",
        DeclineToAct = "DeclineToApprove", DeclinedByYou = "StatusDeclinedByYouApprover", TitleDone = "TitleApproved",
        DoneAllMailed = "StatusApprovedAllMailed", DoneAllEmbedded = "StatusApprovedAllEmbedded",
        DoneWaitingMailed = "StatusApprovedWaitingMailed", DoneWaitingEmbedded = "StatusApprovedWaitingEmbedded",
    };

    /// <summary>Never invited nor reminded; their page says there is nothing to sign; their completion mail says it is their copy.</summary>
    public static readonly RoleWords FinalCopyReader = new()
    {
        CompletedSubject = "CompletedSubjectCopyReader", CompletedNote = "CompletedCopyReader",
        PageTitle = Signer.PageTitle, PageTitleEmbed = Signer.PageTitleEmbed, ConsentHeading = Signer.ConsentHeading,
        ConsentTitle = Signer.ConsentTitle, ConsentText = Signer.ConsentText, ConsentAgree = Signer.ConsentAgree,
        DeclineToAct = Signer.DeclineToAct, DeclinedByYou = Signer.DeclinedByYou, TitleDone = Signer.TitleDone,
        DoneAllMailed = Signer.DoneAllMailed, DoneAllEmbedded = Signer.DoneAllEmbedded,
        DoneWaitingMailed = Signer.DoneWaitingMailed, DoneWaitingEmbedded = Signer.DoneWaitingEmbedded,
    };

    public static RoleWords For(RecipientRole role) => role switch
    {
        RecipientRole.Approver => Approver,
        RecipientRole.FinalCopyReader => FinalCopyReader,
        _ => Signer,
    };

    /// <summary>Whether this role is ever mailed an invitation or a reminder.</summary>
    public bool IsInvited => InviteSubject is not null;

    /// <summary>Every mail key and every page key of every role (for the resource checks).</summary>
    public static IEnumerable<string> MailKeys => All.SelectMany(w => new[] { w.InviteSubject, w.ReminderSubject, w.InviteIntro, w.ReviewHere,
        w.ReviewButton, w.CompletedSubject, w.CompletedNote }).OfType<string>().Distinct();

    public static IEnumerable<string> PageKeys => All.SelectMany(w => new[] { w.PageTitle, w.PageTitleEmbed, w.ConsentHeading, w.ConsentTitle,
        w.ConsentText, w.ConsentAgree, w.DeclineToAct, w.DeclinedByYou, w.TitleDone, w.DoneAllMailed, w.DoneAllEmbedded, w.DoneWaitingMailed,
        w.DoneWaitingEmbedded }).Distinct();

    private static IEnumerable<RoleWords> All => [Signer, Approver, FinalCopyReader];
}
