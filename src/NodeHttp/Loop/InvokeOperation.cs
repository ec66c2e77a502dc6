namespace NodeHttp;

/// <summary>
/// The queued half of <see cref="EventLoop.InvokeAsync{T}(Func{T}, CancellationToken)"/>: runs the work on the loop and
/// completes the task with its result or exception (which therefore never reaches
/// <see cref="EventLoop.UncaughtException"/>). Continuations run asynchronously so a waiter on another
/// thread never runs its code on the loop thread.
/// </summary>
internal sealed class InvokeOperation<T> : TaskCompletionSource<T>, IAbandonable
{
    /// <summary>Cached so queuing an invocation allocates only this object.</summary>
    public static readonly Action<object?> RunCallback = static s => ((InvokeOperation<T>)s!).Run();

    private readonly Func<T> work;

    public InvokeOperation(Func<T> work)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        this.work = work;
    }

    private void Run()
    {
        T result;
        try
        {
            result = work();
        }
        catch (Exception ex)
        {
            TrySetException(ex);
            return;
        }
        TrySetResult(result);
    }

    public void Abandon(Exception reason) => TrySetException(reason);
}
