namespace NodeHttp;

/// <summary>
/// A timer handle returned by <see cref="EventLoop.SetTimeout(Action, double)"/> and
/// <see cref="EventLoop.SetInterval(Action, double)"/>: Node's <c>Timeout</c> class.
/// Methods may be called from any thread; off the owning loop they are queued onto it.
/// </summary>
public sealed class LoopTimer
{
    // Invariants (loop thread only unless noted):
    // - HeapIndex >= 0 exactly while the timer is armed (in the loop's heap).
    // - While armed and hasRef, the timer holds one count in EventLoop.refTimers.
    // - Due is when the timer should fire; HeapDue is the key it was inserted with. Refresh only moves
    //   Due (O(1)); when the heap entry comes up with Due > HeapDue it is re-inserted (lazy re-arm).
    // - closed is written from any thread and read before every fire: a closed timer never fires.
    private readonly object callback;
    private readonly object? state;
    private volatile bool closed;
    private bool hasRef = true;

    internal LoopTimer(EventLoop loop, object callback, object? state, long delay, bool repeat)
    {
        Loop = loop;
        this.callback = callback;
        this.state = state;
        Delay = delay;
        Repeat = repeat;
    }

    internal EventLoop Loop { get; }

    /// <summary>The delay in whole milliseconds, after Node's coercion (at least 1).</summary>
    internal long Delay { get; }

    /// <summary>True for <c>setInterval</c> timers.</summary>
    internal bool Repeat { get; }

    internal long Due;
    internal long HeapDue;
    internal long Seq;
    internal long RearmSeq;
    internal int HeapIndex = -1;

    internal bool IsArmed => HeapIndex >= 0;

    internal bool IsClosed => closed;

    /// <summary>
    /// Node's <c>timeout.hasRef()</c>: whether this timer keeps <see cref="EventLoop.Run(Action)"/> alive
    /// while it is pending. True by default; stays as set after the timer fires or is closed.
    /// </summary>
    public bool HasRef => hasRef;

    /// <summary>Node's <c>timeout.ref()</c>: a pending timer keeps the loop alive again (the default).</summary>
    public void Ref()
    {
        if (Loop.IsOnLoop)
        {
            SetRef(true);
        }
        else
        {
            Loop.QueueIo(static s => ((LoopTimer)s!).SetRef(true), this);
        }
    }

    /// <summary>Node's <c>timeout.unref()</c>: a pending timer no longer keeps <see cref="EventLoop.Run(Action)"/> alive.</summary>
    public void Unref()
    {
        if (Loop.IsOnLoop)
        {
            SetRef(false);
        }
        else
        {
            Loop.QueueIo(static s => ((LoopTimer)s!).SetRef(false), this);
        }
    }

    /// <summary>
    /// Node's <c>timeout.refresh()</c>: restarts the countdown from now with the same delay, without
    /// allocating or reordering the heap (O(1)). On a timer that already fired it re-arms it, as Node does;
    /// on a closed timer it does nothing.
    /// </summary>
    public void Refresh()
    {
        if (Loop.IsOnLoop)
        {
            RefreshCore();
        }
        else
        {
            Loop.QueueIo(static s => ((LoopTimer)s!).RefreshCore(), this);
        }
    }

    /// <summary>
    /// Node's <c>clearTimeout(timeout)</c> / <c>clearInterval(timeout)</c>: the timer never fires again.
    /// Effective at once from any thread; idempotent.
    /// </summary>
    public void Close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (Loop.IsOnLoop)
        {
            Loop.Disarm(this);
        }
        else
        {
            Loop.QueueIo(static s => { var t = (LoopTimer)s!; t.Loop.Disarm(t); }, this);
        }
    }

    private void SetRef(bool value)
    {
        if (hasRef == value)
        {
            return;
        }
        hasRef = value;
        if (IsArmed)
        {
            Loop.AdjustTimerRef(value ? 1 : -1);
        }
    }

    private void RefreshCore()
    {
        if (closed)
        {
            return;
        }
        Due = Loop.UpdateNow() + Delay;
        // Node re-appends a refreshed timer to its list: it goes after every timer created before the
        // refresh, so the order is decided now even though the heap entry is re-keyed later.
        RearmSeq = Loop.NextTimerSequence();
        if (!IsArmed)
        {
            Loop.Arm(this, Due, RearmSeq);
        }
    }

    internal void Fire()
    {
        switch (callback)
        {
            case Action plain:
                plain();
                break;
            case Action<object?> withState:
                withState(state);
                break;
        }
    }
}
