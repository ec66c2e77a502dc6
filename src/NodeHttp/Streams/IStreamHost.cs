namespace NodeHttp;

/// <summary>
/// What the shared state machines (<see cref="ReadableState"/>, <see cref="WritableState"/>, <see cref="StreamDestroy"/>)
/// need from the stream object that owns them. Implemented explicitly by <see cref="Readable"/>,
/// <see cref="Writable"/> and <see cref="Duplex"/>, so the protected <c>…Core</c> hooks stay protected.
/// </summary>
internal interface IStreamHost
{
    /// <summary>The loop that owns the stream; deferred events run on its next-tick queue.</summary>
    EventLoop Loop { get; }

    /// <summary>The stream as an emitter.</summary>
    EventEmitter Emitter { get; }

    /// <summary>Node's <c>stream._readableState</c>; null for a plain <see cref="Writable"/>.</summary>
    ReadableState? ReadableStateOrNull { get; }

    /// <summary>Node's <c>stream._writableState</c>; null for a plain <see cref="Readable"/>.</summary>
    WritableState? WritableStateOrNull { get; }

    /// <summary>Node's <c>stream.allowHalfOpen</c>; true for anything but a Duplex that set it false.</summary>
    bool AllowHalfOpen { get; }

    /// <summary>The public <c>destroy(err)</c> (Writable's version also fails buffered writes).</summary>
    void DestroyFromState(Exception? error);

    /// <summary>The public <c>end()</c> of the writable side (used by <c>allowHalfOpen: false</c>).</summary>
    void EndFromState();

    /// <summary>Calls <c>_destroy</c>, which completes through <paramref name="owner"/>'s <see cref="StreamStateBase.CompleteDestroy"/>.</summary>
    void CallDestroyCore(Exception? error, StreamStateBase owner);

    /// <summary>Calls <c>_read</c>.</summary>
    void CallReadCore(int size);

    /// <summary>Calls <c>_write</c>.</summary>
    void CallWriteCore(NodeBuffer chunk, Action<Exception?> callback);

    /// <summary>
    /// Calls <c>_write</c> for bytes the caller keeps (the stream copies what it needs before it returns), which completes
    /// through <paramref name="state"/>'s <see cref="WritableState.WriteCallback"/> or <see cref="WritableState.CompleteWrite"/>.
    /// </summary>
    void CallWriteSpanCore(ReadOnlySpan<byte> data, WritableState state);

    /// <summary>Calls <c>_writev</c>.</summary>
    void CallWritevCore(IReadOnlyList<NodeBuffer> chunks, Action<Exception?> callback);

    /// <summary>Whether <c>_writev</c> exists.</summary>
    bool CallHasWritev { get; }

    /// <summary>Calls <c>_final</c>, which completes through <paramref name="state"/>'s <see cref="WritableState.CompleteFinal"/>.</summary>
    void CallFinalCore(WritableState state);

    /// <summary>Emits <c>'finish'</c>, the last step of Node's <c>finish()</c> (after the end callbacks ran).</summary>
    void EmitFinish() => Emitter.Emit(StreamEvents.Finish);
}
