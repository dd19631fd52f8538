namespace ESignWeb.Documents;

/// <summary>
/// Runs PDFsharp work on a dedicated thread with a stack of a chosen size. PDFsharp recurses over nested objects and
/// a stack overflow cannot be caught in .NET: the inspection worker (a separate process) does everything on a SMALL
/// stack, and the web process opens, stamps and seals the files the worker accepted on a LARGE one, so anything that
/// got through has a wide margin (thread-pool threads have about 1.5 MiB).
/// </summary>
public static class PdfStack
{
    /// <summary>The inspection worker's stack: whatever it accepts fits 128 times into <see cref="LargeBytes"/>.</summary>
    public const int SmallBytes = 512 * 1024;

    /// <summary>The web process's stack for every PDFsharp open, stamp and seal of a stored file.</summary>
    public const int LargeBytes = 64 * 1024 * 1024;

    /// <summary>How many PDFsharp jobs run at once in this process (one per processor); more wait their turn, so many
    /// seals or template uses at once cannot each hold hundreds of MB.</summary>
    public static int MaxConcurrent { get; } = Environment.ProcessorCount;

    private static readonly SemaphoreSlim Slots = new(MaxConcurrent);

    /// <summary>Runs <paramref name="work"/> on a new thread with a <see cref="LargeBytes"/> stack, at most
    /// <see cref="MaxConcurrent"/> at once.</summary>
    public static Task<T> RunAsync<T>(Func<T> work) => RunAsync(work, LargeBytes);

    public static Task<T> RunAsync<T>(Func<T> work, int stackBytes) => RunAsync(work, stackBytes, Slots);

    /// <summary>Runs <paramref name="work"/> on its own thread once <paramref name="slots"/> has room, freeing the slot when done.</summary>
    internal static async Task<T> RunAsync<T>(Func<T> work, int stackBytes, SemaphoreSlim slots)
    {
        await slots.WaitAsync().ConfigureAwait(false);
        try
        {
            return await OnThread(work, stackBytes).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }

    private static Task<T> OnThread<T>(Func<T> work, int stackBytes)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try { done.SetResult(work()); }
            catch (Exception ex) { done.SetException(ex); }
        }, stackBytes)
        {
            IsBackground = true,
            Name = "PDFsharp",
        };
        thread.Start();
        return done.Task;
    }

    /// <summary>Runs <paramref name="work"/> on a new thread with the given stack and waits for it (the worker's entry).</summary>
    public static T Run<T>(Func<T> work, int stackBytes) => RunAsync(work, stackBytes).GetAwaiter().GetResult();
}
