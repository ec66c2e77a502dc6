namespace NodeHttp.Tests.Streams;

/// <summary>
/// A private loop for one stream test: the scenario runs on it, logs events in order, and signals
/// <see cref="Done"/> where the Node script prints. Every wait is bounded; a callback that throws fails the test.
/// </summary>
internal sealed class StreamTestLoop : IDisposable
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal StreamTestLoop()
    {
        Loop = new EventLoop();
        Loop.UncaughtException += ex => done.TrySetException(ex);
    }

    internal EventLoop Loop { get; }

    /// <summary>Touched on the loop thread only, read after <see cref="Done"/>.</summary>
    internal List<string> Log { get; } = new();

    internal void Add(string entry) => Log.Add(entry);

    internal void Done() => done.TrySetResult();

    /// <summary>Runs <paramref name="scenario"/> on the loop and waits for <see cref="Done"/>; returns the log joined with '|'.</summary>
    internal async Task<string> RunAsync(Action scenario)
    {
        await Loop.InvokeAsync(scenario).WaitAsync(Timeout);
        await done.Task.WaitAsync(Timeout);
        return await Loop.InvokeAsync(() => string.Join("|", Log)).WaitAsync(Timeout);
    }

    public void Dispose() => Loop.Dispose();
}
