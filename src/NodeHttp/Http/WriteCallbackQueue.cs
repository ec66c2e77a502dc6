namespace NodeHttp;

/// <summary>
/// The callbacks of a message's writes that wait for the socket's own write callback, completed in order as the socket
/// calls back (socket write callbacks come back in order). The usual single one is held inline; a queue is made only
/// when more wait at once. A mutable struct: keep it in a field and call it there.
/// </summary>
internal struct WriteCallbackQueue
{
    private Action<Exception?>? first;
    private Queue<Action<Exception?>>? rest;

    /// <summary>Adds <paramref name="callback"/> behind those waiting.</summary>
    public void Enqueue(Action<Exception?> callback)
    {
        if (first is null && (rest is null || rest.Count == 0))
        {
            first = callback;
        }
        else
        {
            (rest ??= new Queue<Action<Exception?>>(4)).Enqueue(callback);
        }
    }

    /// <summary>Takes the oldest waiting callback; false when none waits.</summary>
    public bool TryDequeue([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Action<Exception?>? callback)
    {
        if (first is not null)
        {
            callback = first;
            first = null;
            return true;
        }
        callback = null;
        return rest is not null && rest.TryDequeue(out callback);
    }
}
