using ESignWeb.Audit;
using ESignWeb.Webhooks;

namespace ESignWeb.Tests.Unit;

public class WebhookVocabularyTests
{
    [Fact]
    public void Every_event_keeps_the_seeds_wire_name()
    {
        var wire = new Dictionary<WebhookEventType, string>
        {
            [WebhookEventType.Initiated] = "rs.initiated", [WebhookEventType.Viewed] = "rs.viewed",
            [WebhookEventType.Signed] = "rs.signed", [WebhookEventType.Declined] = "rs.declined",
            [WebhookEventType.Voided] = "rs.voided", [WebhookEventType.Reminded] = "rs.reminded",
            [WebhookEventType.Completed] = "rs.completed", [WebhookEventType.DocumentSigned] = "document.signed",
            [WebhookEventType.Expired] = "rs.expired", // our addition to the seed's set
        };
        foreach (var (type, name) in wire) Assert.Equal(name, type.WireName());
        Assert.Equal(WebhookEventTypes.All.Count, WebhookEventTypes.All.Select(t => t.WireName()).Distinct().Count());
    }

    [Fact]
    public void Audit_events_raise_the_webhooks_the_seed_names()
    {
        var raised = AuditEventTypes.All.ToDictionary(t => t, WebhookEventTypes.RaisedBy);
        Assert.Equal(WebhookEventType.Initiated, raised[AuditEventType.Sent]);
        Assert.Equal(WebhookEventType.Completed, raised[AuditEventType.Completed]);
        Assert.Equal(WebhookEventType.Expired, raised[AuditEventType.Expired]);
        Assert.Null(raised[AuditEventType.Created]);
        Assert.Null(raised[AuditEventType.MailDelivered]);
        Assert.Null(raised[AuditEventType.Consented]);
        // An approval finishes the approver's part: rs.signed, like a signer finishing (the seed has no approval event).
        Assert.Equal(WebhookEventType.Signed, raised[AuditEventType.Approved]);
        Assert.Null(raised[AuditEventType.InPerson]);
        // Apart from that, no webhook is raised by two audit events, and every request webhook has an audit event that raises it.
        var targets = raised.Where(p => p.Key != AuditEventType.Approved).Select(p => p.Value).OfType<WebhookEventType>().ToList();
        Assert.Equal(targets.Count, targets.Distinct().Count());
        Assert.Equal(WebhookEventTypes.All.Where(t => t != WebhookEventType.DocumentSigned).Order(), targets.Order());
    }
}
