namespace NodeHttp;

/// <summary>
/// Node's readable stream protocol: implemented by <see cref="Readable"/> (and so by <see cref="Duplex"/>).
/// </summary>
public interface IReadable
{
    /// <summary>Node's <c>readable.read([size])</c>: a <see cref="NodeBuffer"/>, a <see cref="string"/> after <c>SetEncoding</c>, or null.</summary>
    object? Read(int? size = null);

    /// <summary>Node's <c>readable.pipe(destination[, { end }])</c>; returns <paramref name="dest"/>.</summary>
    IWritable Pipe(IWritable dest, bool end = true);

    /// <summary>Node's <c>readable.unpipe([destination])</c>.</summary>
    IReadable Unpipe(IWritable? dest = null);

    /// <summary>Node's <c>readable.pause()</c>.</summary>
    IReadable Pause();

    /// <summary>Node's <c>readable.resume()</c>.</summary>
    IReadable Resume();

    /// <summary>Node's <c>readable.isPaused()</c>.</summary>
    bool IsPaused();

    /// <summary>Node's <c>readable.setEncoding(encoding)</c>.</summary>
    IReadable SetEncoding(string encoding);

    /// <summary>Node's <c>readable.destroy([error])</c>.</summary>
    IReadable Destroy(Exception? error = null);

    /// <summary>Node's <c>readable.destroyed</c>.</summary>
    bool Destroyed { get; }

    /// <summary>Node's <c>readable.readable</c>: true while it is safe to call <c>Read</c>.</summary>
    bool IsReadable { get; }

    /// <summary>Node's <c>readable.readableEnded</c>: <c>'end'</c> was emitted.</summary>
    bool ReadableEnded { get; }

    /// <summary>Node's <c>readable.readableFlowing</c>: null, true or false.</summary>
    bool? ReadableFlowing { get; }

    /// <summary>Node's <c>readable.readableLength</c>.</summary>
    int ReadableLength { get; }

    /// <summary>Node's <c>readable.readableHighWaterMark</c>.</summary>
    int ReadableHighWaterMark { get; }

    /// <summary>Node's <c>emitter.on(eventName, listener)</c>.</summary>
    EventEmitter On(string eventName, Action listener);

    /// <summary>Node's <c>emitter.once(eventName, listener)</c>.</summary>
    EventEmitter Once(string eventName, Action listener);

    /// <summary>Node's <c>emitter.removeListener(eventName, listener)</c>.</summary>
    EventEmitter RemoveListener(string eventName, Delegate listener);
}
