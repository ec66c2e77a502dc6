namespace NodeHttp;

/// <summary>
/// Node's writable stream protocol (what <c>readable.pipe(dest)</c> writes to): implemented by <see cref="Writable"/>
/// and by the writable side of <see cref="Duplex"/>, which share one state machine. Its members (<c>Write</c>,
/// <c>End</c>, <c>Cork</c>, <c>Uncork</c>, <c>WriteAsync</c>, <c>EndAsync</c>, <c>WritableLength</c>, …) are written once,
/// for both, in <see cref="WritableExtensions"/>. A custom sink derives from <see cref="Writable"/> (or passes
/// <see cref="WritableOptions"/>), as in Node; this interface is not implemented outside the library.
/// </summary>
public interface IWritable
{
    /// <summary>Node's <c>writable.destroy([error])</c>: pending writes fail; <c>'error'</c> (when given) then
    /// <c>'close'</c> on the next tick.</summary>
    /// <param name="error">The error to emit, or null.</param>
    /// <returns>The stream.</returns>
    IWritable Destroy(Exception? error = null);

    /// <summary>Node's <c>writable.destroyed</c>.</summary>
    bool Destroyed { get; }

    /// <summary>Node's <c>emitter.on(eventName, listener)</c>.</summary>
    /// <param name="eventName">The event.</param>
    /// <param name="listener">The listener.</param>
    /// <returns>The emitter.</returns>
    EventEmitter On(string eventName, Action listener);

    /// <summary>Node's <c>emitter.once(eventName, listener)</c>.</summary>
    /// <param name="eventName">The event.</param>
    /// <param name="listener">The listener.</param>
    /// <returns>The emitter.</returns>
    EventEmitter Once(string eventName, Action listener);

    /// <summary>Node's <c>emitter.prependListener(eventName, listener)</c>.</summary>
    /// <typeparam name="T1">The event's argument.</typeparam>
    /// <param name="eventName">The event.</param>
    /// <param name="listener">The listener.</param>
    /// <returns>The emitter.</returns>
    EventEmitter PrependListener<T1>(string eventName, Action<T1> listener);

    /// <summary>Node's <c>emitter.removeListener(eventName, listener)</c>.</summary>
    /// <param name="eventName">The event.</param>
    /// <param name="listener">The listener.</param>
    /// <returns>The emitter.</returns>
    EventEmitter RemoveListener(string eventName, Delegate listener);

    /// <summary>Node's <c>emitter.emit(eventName, ...args)</c>.</summary>
    /// <param name="eventName">The event.</param>
    /// <param name="args">Its arguments.</param>
    /// <returns>Whether it had listeners.</returns>
    bool Emit(string eventName, params object?[] args);

    /// <summary>Node's <c>emitter.listenerCount(eventName)</c>.</summary>
    /// <param name="eventName">The event.</param>
    /// <returns>How many listeners it has.</returns>
    int ListenerCount(string eventName);

    // The entry points WritableExtensions' members land on. Writable routes them through its virtual …Impl methods
    // (OutgoingMessage replaces Node's write there); a Duplex hands them to its state.

    /// <summary>The loop that owns the stream.</summary>
    internal EventLoop Loop { get; }

    /// <summary><c>write(chunk, cb)</c> with a chunk the stream may keep.</summary>
    internal bool WriteChunk(NodeBuffer chunk, Action<Exception?>? callback);

    /// <summary><c>write(chunk, cb)</c> with bytes the caller keeps (copied before it returns).</summary>
    internal bool WriteBytes(ReadOnlySpan<byte> chunk, Action<Exception?>? callback);

    /// <summary><c>end(chunk, cb)</c> with a chunk the stream may keep (null: none).</summary>
    internal void EndChunk(NodeBuffer? chunk, Action<Exception?>? callback);

    /// <summary><c>end(chunk, cb)</c> with bytes the caller keeps.</summary>
    internal void EndBytes(ReadOnlySpan<byte> chunk, Action<Exception?>? callback);

    /// <summary>Node's <c>stream._writableState</c>.</summary>
    internal WritableState WritableStateInternal { get; }
}
