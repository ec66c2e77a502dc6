namespace NodeHttp.Tests;

/// <summary>Runs <see cref="EventLoop.Run(Action)"/> on a dedicated thread under a deadline, so a hang fails the test.</summary>
internal static class LoopRunner
{
    /// <summary>The deadline every loop test runs under.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Starts <c>EventLoop.Run(main)</c> on a new background thread; the task completes when Run returns,
    /// faults with what Run threw, or fails with <see cref="TimeoutException"/> after <see cref="Deadline"/>.
    /// </summary>
    public static Task RunAsync(Action main)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                EventLoop.Run(main);
                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "test EventLoop.Run",
        };
        thread.Start();
        return done.Task.WaitAsync(Deadline);
    }

    /// <summary>Waits for <paramref name="task"/> under <see cref="Deadline"/>.</summary>
    public static Task Bounded(this Task task) => task.WaitAsync(Deadline);

    /// <summary>Waits for <paramref name="task"/> under <see cref="Deadline"/>.</summary>
    public static Task<T> Bounded<T>(this Task<T> task) => task.WaitAsync(Deadline);
}
