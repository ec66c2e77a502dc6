namespace NodeHttp;

/// <summary>
/// The <see cref="SynchronizationContext"/> installed on a loop thread, so that <c>await</c> inside a loop
/// callback resumes on the loop (as an I/O-phase item of a later turn). Async void methods started on the
/// loop count as pending operations: <c>Run</c> stays alive until they finish, as Node stays alive while a
/// promise chain still waits on something ref'd.
/// </summary>
internal sealed class LoopSynchronizationContext : SynchronizationContext
{
    public LoopSynchronizationContext(EventLoop loop)
    {
        Loop = loop;
    }

    public EventLoop Loop { get; }

    public override void Post(SendOrPostCallback d, object? state) => Loop.QueueSync(d, state);

    public override void Send(SendOrPostCallback d, object? state)
    {
        if (Loop.IsOnLoop)
        {
            d(state);
            return;
        }
        Loop.InvokeAsync(() => d(state)).GetAwaiter().GetResult();
    }

    public override SynchronizationContext CreateCopy() => this;

    public override void OperationStarted() => Loop.OperationStarted();

    public override void OperationCompleted() => Loop.OperationCompleted();
}
