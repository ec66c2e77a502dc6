namespace NodeHttp;

/// <summary>
/// Typed listeners for the documented stream events, so a listener of the wrong shape is a compile error rather than
/// an <c>ERR_LISTENER_SIGNATURE</c> at the emit. Each is <c>On(eventName, listener)</c> and returns the stream itself
/// (its own type) for chaining: <c>req.OnData(chunk => …).OnEnd(() => …)</c>.
/// </summary>
public static class StreamEventExtensions
{
    /// <summary>Listens to <c>'data'</c>(<see cref="NodeBuffer"/> chunk), which also switches the stream to flowing mode.
    /// After <see cref="Readable.SetEncoding"/> the chunks are strings: listen with <c>On&lt;string&gt;("data", …)</c> instead.</summary>
    /// <typeparam name="T">The stream's type.</typeparam>
    /// <param name="stream">The readable.</param>
    /// <param name="listener">Called with each chunk.</param>
    /// <returns><paramref name="stream"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="listener"/> is null.</exception>
    public static T OnData<T>(this T stream, Action<NodeBuffer> listener)
        where T : Readable => Add(stream, StreamEvents.Data, listener);

    /// <summary>Listens to <c>'end'</c>() — no more data will come.</summary>
    /// <typeparam name="T">The stream's type.</typeparam>
    /// <param name="stream">The readable.</param>
    /// <param name="listener">Called once at the end.</param>
    /// <returns><paramref name="stream"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="listener"/> is null.</exception>
    public static T OnEnd<T>(this T stream, Action listener)
        where T : Readable => Add(stream, StreamEvents.End, listener);

    /// <summary>Listens to <c>'readable'</c>() — data (or the end) can be read with <see cref="Readable.Read"/>.</summary>
    /// <typeparam name="T">The stream's type.</typeparam>
    /// <param name="stream">The readable.</param>
    /// <param name="listener">Called when there is something to read.</param>
    /// <returns><paramref name="stream"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="listener"/> is null.</exception>
    public static T OnReadable<T>(this T stream, Action listener)
        where T : Readable => Add(stream, StreamEvents.Readable, listener);

    /// <summary>Listens to <c>'finish'</c>() — every write was handed on after <c>End()</c> (a response: to the socket).</summary>
    /// <typeparam name="T">The stream's type: a <see cref="Writable"/>, a <see cref="Duplex"/>, a response or a request.</typeparam>
    /// <param name="stream">The writable.</param>
    /// <param name="listener">Called once.</param>
    /// <returns><paramref name="stream"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="listener"/> is null.</exception>
    public static T OnFinish<T>(this T stream, Action listener)
        where T : EventEmitter, IWritable => Add(stream, StreamEvents.Finish, listener);

    /// <summary>Listens to <c>'drain'</c>() — a write that returned false has been flushed; writing may go on.</summary>
    /// <typeparam name="T">The stream's type.</typeparam>
    /// <param name="stream">The writable.</param>
    /// <param name="listener">Called at each drain.</param>
    /// <returns><paramref name="stream"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="listener"/> is null.</exception>
    public static T OnDrain<T>(this T stream, Action listener)
        where T : EventEmitter, IWritable => Add(stream, StreamEvents.Drain, listener);

    /// <summary>Listens to <c>'close'</c>() — of a stream, a server, a request or a response (a socket's
    /// <c>'close'</c>(bool hadError) can also be taken with <c>SocketEventExtensions.OnClose</c>).</summary>
    /// <typeparam name="T">The emitter's type.</typeparam>
    /// <param name="emitter">The stream, server or message.</param>
    /// <param name="listener">Called once when it closed.</param>
    /// <returns><paramref name="emitter"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="emitter"/> or <paramref name="listener"/> is null.</exception>
    public static T OnClose<T>(this T emitter, Action listener)
        where T : EventEmitter => Add(emitter, StreamEvents.Close, listener);

    /// <summary>Listens to <c>'error'</c>(<see cref="Exception"/>, a <see cref="NodeHttpException"/> for NodeHttp's own
    /// errors). With a listener, an error is no longer raised as unhandled.</summary>
    /// <typeparam name="T">The emitter's type.</typeparam>
    /// <param name="emitter">The stream, socket, server or message.</param>
    /// <param name="listener">Called with each error.</param>
    /// <returns><paramref name="emitter"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="emitter"/> or <paramref name="listener"/> is null.</exception>
    public static T OnError<T>(this T emitter, Action<Exception> listener)
        where T : EventEmitter => Add(emitter, StreamEvents.Error, listener);

    private static T Add<T>(T emitter, string eventName, Action listener)
        where T : EventEmitter
    {
        ArgumentNullException.ThrowIfNull(emitter);
        ArgumentNullException.ThrowIfNull(listener);
        emitter.On(eventName, listener);
        return emitter;
    }

    private static T Add<T, TArg>(T emitter, string eventName, Action<TArg> listener)
        where T : EventEmitter
    {
        ArgumentNullException.ThrowIfNull(emitter);
        ArgumentNullException.ThrowIfNull(listener);
        emitter.On(eventName, listener);
        return emitter;
    }
}
