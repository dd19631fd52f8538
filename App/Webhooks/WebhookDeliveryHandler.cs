using System.Text;
using ESignWeb.Data;
using ESignWeb.Domain;
using ESignWeb.Hosting;
using ESignWeb.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ESignWeb.Webhooks;

/// <summary>A failed attempt that will be tried again.</summary>
public sealed class WebhookAttemptFailed(string message) : Exception(message);

/// <summary>
/// POSTs one delivery: the body fixed when the event happened, signed at each attempt with the owner's current secret
/// (<see cref="WebhookSignature"/>). A 2xx answer delivers it; anything else (another status, a redirect, no connection,
/// no answer within <c>Webhooks:TimeoutSeconds</c>) is retried with exponential backoff until
/// <c>Webhooks:RetryForHours</c> after the event (or its redelivery), then marked failed.
/// </summary>
public sealed class WebhookDeliveryHandler(
    IDbContextFactory<AppDbContext> dbFactory,
    IHttpClientFactory httpClients,
    WebhookSecrets secrets,
    IOptions<WebhookOptions> options,
    IOptions<ESignOptions> esign,
    TimeProvider clock,
    ILogger<WebhookDeliveryHandler> log) : IOutboxHandler
{
    public const string HttpClientName = "webhooks";
    private static readonly TimeSpan MaxDelay = TimeSpan.FromHours(6);

    public string Kind => OutboxKinds.Webhook;

    /// <summary>The retry window decides when to stop, not a count.</summary>
    public int MaxAttempts => int.MaxValue;

    public TimeSpan RetryDelay(int attempts) => Backoff(attempts);

    /// <summary>5 s, 10 s, 20 s … doubling, at most 6 h: about 20 attempts in 3 days.</summary>
    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(MaxDelay.TotalSeconds, 5 * Math.Pow(2, Math.Clamp(attempts - 1, 0, 30))));

    public async Task<string?> HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var d = await db.WebhookDeliveries.SingleOrDefaultAsync(x => x.OutboxMessageId == message.Id, ct)
                ?? throw new PermanentOutboxFailure("This delivery was replaced by a redelivery.");
        var now = clock.GetUtcNow();
        if (d.EndpointId is null)
        {
            // Removed under one client id: another client id of the same user may still have the URL.
            d.EndpointId = await db.WebhookEndpoints.Where(e => e.UserId == d.UserId && e.Url == d.Url).Select(e => (int?)e.Id).FirstOrDefaultAsync(ct);
        }
        if (d.EndpointId is null)
        {
            d.Status = WebhookDeliveryStatus.Failed;
            d.LastError = "The callback URL was removed before the event could be delivered.";
            await db.SaveChangesAsync(CancellationToken.None);
            throw new PermanentOutboxFailure(d.LastError);
        }

        int? status = null;
        string? error = null;
        var refused = false;
        try
        {
            var secret = await secrets.GetAsync(d.UserId, ct);
            var timestamp = now.ToUnixTimeSeconds();
            using var request = new HttpRequestMessage(HttpMethod.Post, d.Url)
            {
                Content = new StringContent(d.Body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add(WebhookSignature.EventIdHeader, d.EventId);
            request.Headers.Add(WebhookSignature.EventTypeHeader, d.EventType);
            request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, d.Body));
            request.Headers.UserAgent.ParseAdd($"{UserAgentProduct(esign.Value.ProductName)}-Webhooks/1.0");
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode) error = $"The receiver answered {status} {response.ReasonPhrase}.".Replace("  ", " ");
        }
        catch (Exception ex) when (Find<DestinationRefusedException>(ex) is { } r)
        {
            refused = true;
            error = "Refused: " + r.Message;
        }
        catch (HttpRequestException ex)
        {
            error = "Could not reach the receiver: " + ex.Message;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            error = $"The receiver did not answer within {options.Value.TimeoutSeconds} s.";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Anything else (e.g. the secret cannot be decrypted): recorded like a failed attempt, so it shows and ends.
            error = "Could not send: " + ex.Message;
        }

        d.Attempts++;
        d.LastAttemptAt = now;
        d.LastStatusCode = status;
        d.LastError = error;
        if (error is null)
        {
            d.Status = WebhookDeliveryStatus.Delivered;
            await db.SaveChangesAsync(CancellationToken.None);
            return d.Url;
        }
        var giveUp = refused || now + Backoff(message.Attempts) > d.RetryWindowStart + TimeSpan.FromHours(options.Value.RetryForHours);
        if (giveUp) d.Status = WebhookDeliveryStatus.Failed;
        await db.SaveChangesAsync(CancellationToken.None);
        log.LogWarning("Webhook {EventType} {EventId} to {Url}: attempt {Attempt} failed ({Error}){GiveUp}",
            d.EventType, d.EventId, Redacted(d.Url), d.Attempts, error, giveUp ? "; giving up" : "");
        throw giveUp ? new PermanentOutboxFailure(error) : new WebhookAttemptFailed(error);
    }

    /// <summary>The URL without its query (which may hold the receiver's own token), for logs.</summary>
    public static string Redacted(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) ? u.GetLeftPart(UriPartial.Path) + (u.Query.Length > 0 ? "?…" : "") : "(invalid URL)";

    private static T? Find<T>(Exception? ex) where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
            if (ex is T t) return t;
        return null;
    }

    private static string UserAgentProduct(string name) =>
        new string(name.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_').ToArray()) is { Length: > 0 } s ? s : "ESignWeb";
}
