namespace ESignWeb.Tests.Fixtures;

/// <summary>
/// Waits for something to happen, with a deadline (no fixed sleeps in tests: <c>Unit/NoFixedSleepsTests</c> keeps the
/// only <c>Task.Delay</c> calls in helpers like this one).
/// </summary>
public static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (await probe() is { } found) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Condition not met in time.");
            await Task.Delay(Interval);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds; on the deadline fails saying <paramref name="what"/> (and the last state, if given).</summary>
    public static async Task UntilTrueAsync(Func<Task<bool>> condition, string what, int seconds = 20, Func<Task<string>>? state = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Not within {seconds} s: {what}." + (state is null ? "" : " " + await state()));
            await Task.Delay(Interval);
        }
    }

    /// <inheritdoc cref="UntilTrueAsync(Func{Task{bool}}, string, int, Func{Task{string}}?)"/>
    public static Task UntilTrueAsync(Func<bool> condition, string what, int seconds = 20, Func<Task<string>>? state = null) =>
        UntilTrueAsync(() => Task.FromResult(condition()), what, seconds, state);
}
