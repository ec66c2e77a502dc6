namespace NodeHttp;

/// <summary>
/// Node's writable stream protocol (the duck type <c>readable.pipe(dest)</c> writes to):
/// implemented by <see cref="Writable"/> and <see cref="Duplex"/>.
/// </summary>
public interface IWritable
{
    /// <summary>Node's <c>writable.write(chunk[, callback])</c>.</summary>
    bool Write(NodeBuffer chunk, Action<Exception?>? callback = null);

    /// <summary>Node's <c>writable.write(chunk, encoding[, callback])</c>.</summary>
    bool Write(string chunk, string encoding = "utf8", Action<Exception?>? callback = null);

    /// <summary>Node's <c>writable.write(uint8array[, callback])</c>; the bytes are copied.</summary>
    bool Write(ReadOnlyMemory<byte> chunk, Action<Exception?>? callback = null);

    /// <summary>Node's <c>writable.end()</c>.</summary>
    IWritable End();

    /// <summary>Node's <c>writable.cork()</c>.</summary>
    void Cork();

    /// <summary>Node's <c>writable.uncork()</c>.</summary>
    void Uncork();

    /// <summary>Node's <c>writable.destroy([error])</c>.</summary>
    IWritable Destroy(Exception? error = null);

    /// <summary>Node's <c>writable.destroyed</c>.</summary>
    bool Destroyed { get; }

    /// <summary>Node's <c>writable.writable</c>: true while it is safe to call <c>Write</c>.</summary>
    bool IsWritable { get; }

    /// <summary>Node's <c>writable.writableEnded</c>.</summary>
    bool WritableEnded { get; }

    /// <summary>Node's <c>writable.writableFinished</c>.</summary>
    bool WritableFinished { get; }

    /// <summary>Node's <c>writable.writableNeedDrain</c>.</summary>
    bool WritableNeedDrain { get; }

    /// <summary>Node's <c>writable.writableLength</c>.</summary>
    int WritableLength { get; }

    /// <summary>Node's <c>writable.writableHighWaterMark</c>.</summary>
    int WritableHighWaterMark { get; }

    /// <summary>Node's <c>emitter.on(eventName, listener)</c>.</summary>
    EventEmitter On(string eventName, Action listener);

    /// <summary>Node's <c>emitter.once(eventName, listener)</c>.</summary>
    EventEmitter Once(string eventName, Action listener);

    /// <summary>Node's <c>emitter.prependListener(eventName, listener)</c>.</summary>
    EventEmitter PrependListener<T1>(string eventName, Action<T1> listener);

    /// <summary>Node's <c>emitter.removeListener(eventName, listener)</c>.</summary>
    EventEmitter RemoveListener(string eventName, Delegate listener);

    /// <summary>Node's <c>emitter.emit(eventName, ...args)</c>.</summary>
    bool Emit(string eventName, params object?[] args);

    /// <summary>Node's <c>emitter.listenerCount(eventName)</c>.</summary>
    int ListenerCount(string eventName);
}
