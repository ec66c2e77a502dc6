namespace NodeHttp;

/// <summary>The queued half of <see cref="EventLoop.InvokeAsync(Action, CancellationToken)"/> (see <see cref="InvokeOperation{T}"/>).</summary>
internal sealed class InvokeActionOperation : TaskCompletionSource, IAbandonable
{
    /// <summary>Cached so queuing an invocation allocates only this object.</summary>
    public static readonly Action<object?> RunCallback = static s => ((InvokeActionOperation)s!).Run();

    private readonly Action work;

    public InvokeActionOperation(Action work)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        this.work = work;
    }

    private void Run()
    {
        try
        {
            work();
        }
        catch (Exception ex)
        {
            TrySetException(ex);
            return;
        }
        TrySetResult();
    }

    public void Abandon(Exception reason) => TrySetException(reason);
}
