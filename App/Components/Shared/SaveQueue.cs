namespace ESignWeb.Components.Shared;

/// <summary>
/// Saves an editor's model after every change, one save at a time: a change made while a save is running is not
/// saved beside it (two writes racing, the older one possibly committing last) but by one more save right after,
/// which takes the model as it is then. So the last edit is always the last thing saved, however fast edits come.
/// Used by the editors that save on every change (template editor, prepare page).
/// </summary>
public sealed class SaveQueue(Func<Task> save)
{
    private Task? _running;
    private bool _again;

    /// <summary>Asks for a save of the current model; completes when the model as it is now has been saved.</summary>
    public Task SaveAsync()
    {
        // Blazor runs a circuit's events one at a time on its synchronization context, so no lock is needed here.
        if (_running is { IsCompleted: false })
        {
            _again = true;
            return _running;
        }
        _running = RunAsync();
        return _running;
    }

    /// <summary>Completes when no save is running or waiting (e.g. before leaving the page).</summary>
    public Task IdleAsync() => _running ?? Task.CompletedTask;

    private async Task RunAsync()
    {
        do
        {
            _again = false;
            await save();
        } while (_again);
    }
}
