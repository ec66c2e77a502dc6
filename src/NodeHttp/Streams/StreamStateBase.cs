namespace NodeHttp;

/// <summary>
/// The flags Node's <c>ReadableState</c> and <c>WritableState</c> both carry and that
/// lib/internal/streams/destroy.js reads on either side of a Duplex.
/// </summary>
internal abstract class StreamStateBase
{
    private protected StreamStateBase(IStreamHost host)
    {
        Host = host;
    }

    /// <summary>The stream that owns this state (both states of a Duplex name the same stream).</summary>
    internal readonly IStreamHost Host;

    /// <summary>The stream is a Duplex: its other side's state is the host's (a plain Readable or Writable has one state).</summary>
    internal bool HasOtherSide;

    /// <summary>Node's default highWaterMark for byte streams (Node 20: 16 KiB).</summary>
    internal const int DefaultHighWaterMark = 16384;

    internal int HighWaterMark;
    internal int Length;

    // destroy.js flags; Destroyed is set before _destroy runs so re-entrant destroy() calls are no-ops.
    internal bool Destroyed;
    internal bool Closed;
    internal bool CloseEmitted;
    internal bool ErrorEmitted;
    internal bool EmitClose = true;
    internal bool AutoDestroy = true;

    /// <summary>Node's <c>state.errored</c>: once set, no further data or writes happen.</summary>
    internal Exception? Errored;

    // The one destroy() call that reached _destroy: its callback, and whether _destroy called back.
    private Action<Exception?>? destroyCallback;
    private bool destroyCalledBack;

    /// <summary>Records the destroy call; <c>_destroy</c> then completes through <see cref="CompleteDestroy"/>.</summary>
    internal void BeginDestroyCall(Action<Exception?>? callback)
    {
        destroyCallback = callback;
        destroyCalledBack = false;
    }

    /// <summary>
    /// The callback handed to a <c>_destroy</c> hook, bound to this state. A stream is destroyed once, so this is
    /// made at most once per stream, and only for a hook that takes a callback: the library's own message types
    /// complete through <see cref="CompleteDestroy"/> and never need it.
    /// </summary>
    internal Action<Exception?> DestroyCallback => CompleteDestroy;

    /// <summary>The <c>_destroy</c> callback: the first call completes the destroy, later ones are ignored as in Node.</summary>
    internal void CompleteDestroy(Exception? error)
    {
        if (destroyCalledBack)
        {
            return;
        }
        destroyCalledBack = true;
        Action<Exception?>? callback = destroyCallback;
        destroyCallback = null;
        StreamDestroy.OnDestroy(this, error, callback);
    }
}
