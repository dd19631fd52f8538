using ESignWeb.Api.Box;
using ESignWeb.Domain;
using ESignWeb.Requests;

namespace ESignWeb.Tests.Unit;

/// <summary>Order groups, roles and expiry in the workflow; the option rules; the Box status mapping.</summary>
public class RequestOptionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static SignatureRequest Grouped(params (int Order, RecipientRole Role)[] people)
    {
        var r = new SignatureRequest { Id = 1, IsOrdered = true };
        var id = 100;
        foreach (var (order, role) in people)
        {
            id++;
            r.Recipients.Add(new Recipient { Id = id, Email = $"p{id}@example.com", FirstName = $"P{id}", OrderId = order, Role = role });
        }
        return r;
    }

    [Fact]
    public void Order_groups_run_in_ascending_order_and_members_of_a_group_act_in_parallel()
    {
        var r = Grouped((1, RecipientRole.Signer), (1, RecipientRole.Approver), (2, RecipientRole.Signer), (5, RecipientRole.FinalCopyReader));
        var (a, b, c, reader) = (r.Recipients[0], r.Recipients[1], r.Recipients[2], r.Recipients[3]);

        var sent = RequestWorkflow.Send(r, Now);
        Assert.Equal([a.Id, b.Id], sent.Notify.Select(x => x.Id));
        Assert.True(RequestWorkflow.MaySign(r, a));
        Assert.True(RequestWorkflow.MaySign(r, b));
        Assert.False(RequestWorkflow.MaySign(r, c));
        Assert.False(RequestWorkflow.MaySign(r, reader));

        // The group ends when its last member finishes, in any order; then the next group is mailed once.
        var first = RequestWorkflow.Finalize(r, b, Now);
        Assert.Empty(first.Notify);
        Assert.False(RequestWorkflow.MaySign(r, c));
        var second = RequestWorkflow.Finalize(r, a, Now.AddMinutes(1));
        Assert.Equal([c.Id], second.Notify.Select(x => x.Id));
        Assert.Equal(Now.AddMinutes(1), c.NotifiedAt);
        Assert.False(second.SealNow);

        // The final-copy reader takes no part: the last actor seals.
        var last = RequestWorkflow.Finalize(r, c, Now.AddMinutes(2));
        Assert.True(last.SealNow);
        Assert.Null(reader.NotifiedAt);
        RequestWorkflow.Complete(r, signedFileId: 9, Now.AddMinutes(3));
        Assert.Equal(RequestStatus.Complete, r.Status);
    }

    [Fact]
    public void Sequential_and_parallel_are_special_cases_of_the_group_rule()
    {
        var sequential = Grouped((1, RecipientRole.Signer), (2, RecipientRole.Signer), (3, RecipientRole.Signer));
        Assert.Single(RequestWorkflow.Send(sequential, Now).Notify);
        Assert.Equal(sequential.Recipients[0], RequestWorkflow.Next(sequential));

        var parallel = Grouped((1, RecipientRole.Signer), (2, RecipientRole.Signer), (3, RecipientRole.Signer));
        parallel.IsOrdered = false;
        Assert.Equal(3, RequestWorkflow.Send(parallel, Now).Notify.Count);
        Assert.Null(RequestWorkflow.Next(parallel));
    }

    [Fact]
    public void Send_keeps_groups_when_it_renumbers()
    {
        var r = Grouped((0, RecipientRole.Signer), (7, RecipientRole.Signer), (0, RecipientRole.Signer), (3, RecipientRole.Approver));
        RequestWorkflow.Send(r, Now);
        Assert.Equal([1, 3, 1, 2], r.Recipients.Select(x => x.OrderId));
    }

    [Fact]
    public void A_final_copy_reader_cannot_open_the_signing_flow_and_a_request_of_readers_only_cannot_be_sent()
    {
        var r = Grouped((1, RecipientRole.Signer), (1, RecipientRole.FinalCopyReader));
        RequestWorkflow.Send(r, Now);
        var ex = Assert.Throws<WorkflowException>(() => RequestWorkflow.View(r, r.Recipients[1], Now));
        Assert.Contains("final copy", ex.Message);

        var readers = Grouped((1, RecipientRole.FinalCopyReader));
        Assert.Throws<WorkflowException>(() => RequestWorkflow.Send(readers, Now));
    }

    [Fact]
    public void Reminders_go_to_everyone_outstanding_in_the_current_group()
    {
        var r = Grouped((1, RecipientRole.Signer), (1, RecipientRole.Signer), (2, RecipientRole.Signer));
        RequestWorkflow.Send(r, Now);
        RequestWorkflow.Finalize(r, r.Recipients[0], Now);
        Assert.Equal([r.Recipients[1].Id], RequestWorkflow.RemindTargets(r).Select(x => x.Id));
    }

    [Fact]
    public void Expiry_is_set_at_send_from_days_valid_and_happens_only_when_due_and_open()
    {
        var r = Grouped((1, RecipientRole.Signer));
        r.DaysValid = 3;
        RequestWorkflow.Send(r, Now);
        Assert.Equal(Now.AddDays(3), r.AutoExpireAt);
        Assert.False(RequestWorkflow.Expire(r, Now.AddDays(3).AddTicks(-1)));
        // Once the time is up nobody may act, even before the expiry job has run.
        var late = Assert.Throws<WorkflowException>(() => RequestWorkflow.View(r, r.Recipients[0], Now.AddDays(3)));
        Assert.Contains("expired", late.Message);
        Assert.True(RequestWorkflow.IsDueToExpire(r, Now.AddDays(3)));
        Assert.False(RequestWorkflow.IsDueToExpire(r, Now.AddDays(3).AddTicks(-1)));
        Assert.Equal(RequestStatus.Incomplete, r.Status);
        Assert.True(RequestWorkflow.Expire(r, Now.AddDays(3)));
        Assert.Equal(RequestStatus.Expired, r.Status);
        Assert.False(RequestWorkflow.Expire(r, Now.AddDays(4))); // a late or repeated job changes nothing
        Assert.False(RequestWorkflow.MaySign(r, r.Recipients[0]));

        var noExpiry = Grouped((1, RecipientRole.Signer));
        RequestWorkflow.Send(noExpiry, Now);
        Assert.Null(noExpiry.AutoExpireAt);
        Assert.False(RequestWorkflow.Expire(noExpiry, Now.AddYears(5)));
    }

    private static RequestDraft Draft(params DraftSigner[] signers) => new()
    {
        Name = "Contract", Pages = [new PageGeometry(0, 0, 595, 842, 0)], Signers = [.. signers],
    };

    private static DraftSigner Signer(string email, SignerOptions? o = null) =>
        new() { Email = email, FirstName = "A", Options = o ?? new() };

    [Theory]
    [InlineData(731, "days_valid must be between 0 and 730")]
    [InlineData(-1, "days_valid must be between 0 and 730")]
    public void Days_valid_out_of_range_is_refused(int days, string message)
    {
        var d = Draft(Signer("a@example.com"));
        d.Options.DaysValid = days;
        Assert.Contains(RequestOptionRules.Problems(d), p => p.StartsWith(message));
        d.Options.DaysValid = 730;
        Assert.Empty(RequestOptionRules.Problems(d));
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("ftp://example.com/x")]
    [InlineData("/relative/path")]
    [InlineData("data:text/html,hi")]
    public void Redirects_must_be_absolute_http_urls(string url)
    {
        var d = Draft(Signer("a@example.com", new SignerOptions { DeclinedRedirectUrl = url }));
        d.Options.RedirectUrl = url;
        var problems = RequestOptionRules.Problems(d);
        Assert.Contains("redirect_url must be an absolute http or https URL.", problems);
        Assert.Contains("a@example.com: declined_redirect_url must be an absolute http or https URL.", problems);
        Assert.Null(RequestOptionRules.Url("redirect_url", "https://example.com/done?x=1"));
    }

    [Fact]
    public void A_final_copy_reader_gets_no_password_phone_or_fields_and_an_approver_no_fields()
    {
        var reader = Signer("r@example.com", new SignerOptions { Role = RecipientRole.FinalCopyReader, NewPassword = "secret1", VerificationPhone = "+4930123456" });
        var approver = Signer("ap@example.com", new SignerOptions { Role = RecipientRole.Approver });
        var d = Draft(Signer("s@example.com"), reader, approver);
        d.Fields.Add(new DraftField { SignerKey = approver.Key, Type = FieldType.Text, PageNumber = 1, X = 10, Y = 10, Width = 100, Height = 40 });
        var problems = RequestOptionRules.Problems(d);
        Assert.Contains("r@example.com: a final_copy_reader takes no part in signing and cannot have a password.", problems);
        Assert.Contains("r@example.com: a final_copy_reader takes no part in signing and cannot have a verification phone.", problems);
        Assert.Contains("ap@example.com: an approver has no fields; assign the fields to a signer.", problems);
    }

    [Fact]
    public void Everyone_a_final_copy_reader_is_refused()
    {
        var d = Draft(Signer("r@example.com", new SignerOptions { Role = RecipientRole.FinalCopyReader }));
        Assert.Contains(RequestOptionRules.Problems(d), p => p.StartsWith("At least one person must sign or approve"));
    }

    [Theory]
    [InlineData("+49 30 123456", "+4930123456")]
    [InlineData("(631) 457-8901 ", "+6314578901")] // no +: taken as given, with its country code
    [InlineData("16314578901", "+16314578901")]
    [InlineData("+0123456789", null)]
    [InlineData("+49 30 12345a", null)]
    [InlineData("12345", null)]
    public void Phone_numbers_are_normalised_to_e164(string raw, string? expected)
    {
        Assert.Equal(expected, PhoneNumber.Normalize(raw));
    }

    [Fact]
    public void Effective_orders_are_list_positions_unless_groups_are_on()
    {
        var d = Draft(Signer("a@example.com", new SignerOptions { Order = 2 }), Signer("b@example.com", new SignerOptions { Order = 2 }), Signer("c@example.com", new SignerOptions { Order = 1 }));
        Assert.Equal([1, 2, 3], RequestOptionRules.EffectiveOrders(d));
        d.Options.OrderGroups = true;
        Assert.Equal([2, 2, 1], RequestOptionRules.EffectiveOrders(d));
    }

    [Fact]
    public void A_signer_password_is_stored_hashed_and_write_only()
    {
        var o = new SignerOptions { NewPassword = "correct horse" };
        var x = new Recipient();
        RequestOptionMapping.Store(o, x);
        Assert.NotNull(x.PasswordHash);
        Assert.DoesNotContain("correct horse", x.PasswordHash);
        Assert.True(SignerPasswords.Verify(x.PasswordHash!, "correct horse"));
        Assert.False(SignerPasswords.Verify(x.PasswordHash!, "wrong"));
        Assert.Equal("correct horse", o.NewPassword); // kept until the save commits: a retried transaction hashes it again
        RequestOptionMapping.PasswordSaved(o);
        Assert.Null(o.NewPassword);
        Assert.True(o.HasPassword);
        Assert.True(RequestOptionMapping.Load(x).HasPassword);

        RequestOptionMapping.Store(new SignerOptions { NewPassword = null }, x); // null keeps
        Assert.NotNull(x.PasswordHash);
        RequestOptionMapping.Store(new SignerOptions { NewPassword = "" }, x); // "" removes
        Assert.Null(x.PasswordHash);
    }

    [Theory]
    [InlineData(RequestStatus.Draft, false, false, false, false, "created")]
    [InlineData(RequestStatus.Incomplete, false, false, false, false, "sent")]
    [InlineData(RequestStatus.Incomplete, true, false, false, false, "viewed")]
    [InlineData(RequestStatus.Incomplete, true, true, false, false, "downloaded")]
    [InlineData(RequestStatus.Incomplete, true, false, true, false, "error_converting")]
    [InlineData(RequestStatus.Incomplete, false, false, false, true, "error_sending")]
    [InlineData(RequestStatus.Complete, true, false, false, false, "signed")]
    [InlineData(RequestStatus.Complete, true, true, false, false, "signed and downloaded")]
    [InlineData(RequestStatus.RecipientDeclined, true, false, false, false, "declined")]
    [InlineData(RequestStatus.Canceled, false, false, false, false, "cancelled")]
    [InlineData(RequestStatus.Expired, false, false, false, false, "expired")]
    public void Box_status_mapping(RequestStatus status, bool viewed, bool downloaded, bool sealFailed, bool sendFailed, string expected)
    {
        var wire = BoxStatus.Of(new BoxStatusFacts(status, viewed, downloaded, sealFailed, sendFailed));
        Assert.Equal(expected, wire);
        Assert.Contains(wire, BoxStatus.All);
    }

    [Theory]
    [InlineData(RequestStatus.Incomplete, false, "sent")]
    [InlineData(RequestStatus.Incomplete, true, "viewed")]
    [InlineData(RequestStatus.Complete, true, "signed")]
    public void Box_sign_request_objects_never_say_downloaded(RequestStatus status, bool viewed, string expected)
    {
        var wire = BoxStatus.OfSignRequest(new BoxStatusFacts(status, viewed, Downloaded: true, false, false));
        Assert.Equal(expected, wire);
        Assert.Contains(wire, BoxStatus.SignRequestStatuses);
        Assert.DoesNotContain("downloaded", string.Join(",", BoxStatus.SignRequestStatuses));
    }

    [Fact]
    public void Every_request_status_has_a_box_status()
    {
        foreach (var s in Enum.GetValues<RequestStatus>())
            Assert.Contains(BoxStatus.Of(new BoxStatusFacts(s, false, false, false, false)), BoxStatus.All);
    }
}
