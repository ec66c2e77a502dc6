namespace NodeHttp;

/// <summary>
/// State of queued work that someone waits on (an <c>InvokeAsync</c> task). When a loop ends with the
/// work still queued (a fatal error ended <c>Run</c>, or the loop was disposed), the waiter is failed
/// instead of left hanging.
/// </summary>
internal interface IAbandonable
{
    void Abandon(Exception reason);
}
