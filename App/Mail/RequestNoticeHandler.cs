using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Outbox;
using Microsoft.EntityFrameworkCore;

namespace ESignWeb.Mail;

/// <summary>
/// The shape of the mails about one request on the sender's behalf (expired, declined, CC): read the notice, load the
/// request with its recipients and its sender, compose, send. A request deleted meanwhile is a permanent failure.
/// </summary>
public abstract class RequestNoticeHandler<TNotice>(
    string kind, Func<TNotice, int> requestIdOf,
    IDbContextFactory<AppDbContext> dbFactory, MailComposer composer, IMailTransport transport) : IOutboxHandler
{
    public string Kind => kind;

    protected MailComposer Composer => composer;

    protected abstract MailContent Compose(TNotice notice, SignatureRequest request, ApplicationUser owner);

    public async Task<string?> HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var notice = OutboxWriter.Read<TNotice>(message);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var request = await MailLoads.RequestAsync(db, requestIdOf(notice), ct);
        var owner = await MailLoads.OwnerAsync(db, request.OwnerId, ct);
        return await transport.SendAsync(composer.ToMime(Compose(notice, request, owner)), ct);
    }
}

/// <summary>What the mail handlers load: the request (with its recipients) and its sender.</summary>
internal static class MailLoads
{
    public static async Task<SignatureRequest> RequestAsync(AppDbContext db, int requestId, CancellationToken ct) =>
        await db.Requests.AsNoTracking().Include(x => x.Recipients).SingleOrDefaultAsync(x => x.Id == requestId, ct)
        ?? throw new PermanentOutboxFailure("The request no longer exists.");

    public static Task<ApplicationUser> OwnerAsync(AppDbContext db, string ownerId, CancellationToken ct) =>
        db.Users.AsNoTracking().SingleAsync(u => u.Id == ownerId, ct);
}
