namespace NodeHttp;

/// <summary>
/// The queued half of an <c>InvokeAsync</c> given a token that can be cancelled: cancelled before the loop reached it,
/// the work does not run and the task is cancelled; once the work started the token no longer matters. The
/// registration is disposed when the task completes.
/// </summary>
internal sealed class CancellableInvokeOperation<T> : TaskCompletionSource<T>, IAbandonable
{
    /// <summary>Cached so queuing allocates only this object (and the token's registration).</summary>
    public static readonly Action<object?> RunCallback = static s => ((CancellableInvokeOperation<T>)s!).Run();

    private readonly Func<T> work;
    private readonly CancellationToken cancellationToken;
    private CancellationTokenRegistration registration;

    public CancellableInvokeOperation(Func<T> work, CancellationToken cancellationToken)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        this.work = work;
        this.cancellationToken = cancellationToken;
        registration = cancellationToken.Register(static s =>
        {
            var op = (CancellableInvokeOperation<T>)s!;
            op.TrySetCanceled(op.cancellationToken);
        }, this);
    }

    private void Run()
    {
        registration.Dispose();
        if (Task.IsCompleted)
        {
            return;
        }
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

    public void Abandon(Exception reason)
    {
        registration.Dispose();
        TrySetException(reason);
    }
}
