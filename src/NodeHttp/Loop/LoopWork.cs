namespace NodeHttp;

/// <summary>Where an item queued from another thread goes once the loop picks it up.</summary>
internal enum LoopWorkKind : byte
{
    /// <summary>Runs in the I/O phase (completions, <see cref="SynchronizationContext"/> posts, off-loop next-ticks).</summary>
    Io,

    /// <summary>Moves to the immediate queue and runs in this turn's check phase (off-loop <c>Post</c>).</summary>
    Immediate,
}

/// <summary>
/// One queued callback: a delegate and its state, stored by value so queuing allocates nothing.
/// <see cref="Callback"/> is an <see cref="Action{T}"/> of <see cref="object"/>, a plain <see cref="Action"/>
/// (public API posts keep the user's delegate without a wrapper) or a <see cref="SendOrPostCallback"/>.
/// </summary>
internal readonly struct LoopWork
{
    public readonly object Callback;
    public readonly object? State;
    public readonly LoopWorkKind Kind;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public LoopWork(object callback, object? state, LoopWorkKind kind = LoopWorkKind.Io)
    {
        Callback = callback;
        State = state;
        Kind = kind;
    }

    public void Invoke() => Invoke(Callback, State);

    /// <summary>Calls <paramref name="callback"/> (one of the three kinds <see cref="Callback"/> holds) with <paramref name="state"/>.</summary>
    public static void Invoke(object callback, object? state)
    {
        switch (callback)
        {
            case Action<object?> withState:
                withState(state);
                break;
            case Action plain:
                plain();
                break;
            case SendOrPostCallback posted:
                posted(state);
                break;
        }
    }
}
