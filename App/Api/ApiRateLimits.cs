using System.Collections.Concurrent;
using System.Security.Claims;
using System.Threading.RateLimiting;
using ESignWeb.Hosting;
using Microsoft.Extensions.Options;

namespace ESignWeb.Api;

/// <summary>
/// Per-key fixed-window rate limiting (System.Threading.RateLimiting), default 100 requests a minute
/// (<c>Api:RateLimitPerMinute</c>). Every API response carries <c>X-RateLimit-Limit</c>, <c>X-RateLimit-Remaining</c> and
/// <c>X-RateLimit-Reset</c> (epoch seconds, as in the Dropbox Sign seed); over the limit → 429 in the seed's error shape.
/// </summary>
public sealed class ApiRateLimits : IDisposable
{
    private readonly int _limit;
    private readonly TimeSpan _window = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _windowStarts = new();
    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly TimeProvider _clock;

    public ApiRateLimits(IOptions<ApiOptions> options, TimeProvider clock)
    {
        _limit = Math.Max(1, options.Value.RateLimitPerMinute);
        _clock = clock;
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, k =>
        {
            _windowStarts[k] = _clock.GetUtcNow();
            return new FixedWindowRateLimiterOptions { PermitLimit = _limit, Window = _window, QueueLimit = 0, AutoReplenishment = true };
        }));
    }

    public int Limit => _limit;

    /// <summary>Takes one permit for the key; returns whether it was granted, what is left and when the window resets.</summary>
    public (bool Granted, long Remaining, long ResetEpoch) Acquire(string key)
    {
        using var lease = _limiter.AttemptAcquire(key);
        var remaining = _limiter.GetStatistics(key)?.CurrentAvailablePermits ?? 0;
        var start = _windowStarts.GetValueOrDefault(key, _clock.GetUtcNow());
        var now = _clock.GetUtcNow();
        var windows = Math.Max(1, (long)Math.Ceiling((now - start) / _window));
        return (lease.IsAcquired, remaining, (start + _window * windows).ToUnixTimeSeconds());
    }

    /// <summary>Endpoint filter for the API groups (runs after authentication).</summary>
    public async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        // The key, or an OAuth app acting for one user (its tokens share one budget), else the address.
        var key = http.User.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim)
            ?? (http.User.FindFirstValue(ApiKeyAuthenticationHandler.OAuthClientIdClaim) is { Length: > 0 } app ? $"oauth:{app}:{http.User.FindFirstValue(ClaimTypes.NameIdentifier)}" : null)
            ?? http.Connection.RemoteIpAddress?.ToString() ?? "anonymous";
        var (granted, remaining, reset) = Acquire(key);
        http.Response.Headers["X-RateLimit-Limit"] = _limit.ToString();
        http.Response.Headers["X-RateLimit-Remaining"] = remaining.ToString();
        http.Response.Headers["X-RateLimit-Reset"] = reset.ToString();
        if (!granted)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, reset - DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString();
            return (ApiFamilies.Of(http.Request.Path) ?? ApiFamilies.SignEasy).Error(http, ApiErrorCode.RateLimitExceeded, $"More than {_limit} requests a minute with this key; try again after the window resets.");
        }
        return await next(context);
    }

    public void Dispose() => _limiter.Dispose();
}
