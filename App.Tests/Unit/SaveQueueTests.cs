using ESignWeb.Components.Shared;

namespace ESignWeb.Tests.Unit;

public class SaveQueueTests
{
    [Fact]
    public async Task Edits_during_a_save_are_saved_once_right_after_it_never_beside_it()
    {
        var model = "a";
        var saved = new List<string>();
        var running = 0;
        var maxRunning = 0;
        var gate = new TaskCompletionSource();
        var queue = new SaveQueue(async () =>
        {
            maxRunning = Math.Max(maxRunning, ++running);
            var snapshot = model;
            if (saved.Count == 0) await gate.Task; // the first save is slow
            saved.Add(snapshot);
            running--;
        });

        var first = queue.SaveAsync();
        model = "b";
        var second = queue.SaveAsync();
        model = "c";
        var third = queue.SaveAsync();
        Assert.False(first.IsCompleted);
        gate.SetResult();
        await Task.WhenAll(first, second, third);
        await queue.IdleAsync();

        Assert.Equal(["a", "c"], saved); // the last edit is the last thing saved, in one extra save
        Assert.Equal(1, maxRunning);

        model = "d";
        await queue.SaveAsync();
        Assert.Equal("d", saved[^1]);
    }
}
