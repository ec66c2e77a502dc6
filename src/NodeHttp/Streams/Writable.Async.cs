namespace NodeHttp;

// The task-based members of the writable side, callable from any thread (see WritableBridge).
public partial class Writable
{
    /// <summary>
    /// Writes <paramref name="chunk"/> from any thread; completes when the stream accepted it (at once while it is below
    /// its highWaterMark, else at <c>'drain'</c>). The bytes are not copied before the write is made: keep them unchanged
    /// until the task completes (as for <see cref="Stream.WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>).
    /// On the stream's loop the write is made at once, with no thread hop.
    /// </summary>
    /// <param name="chunk">The bytes to write.</param>
    /// <param name="cancellationToken">Cancelled before the write was made: nothing is written and the task is cancelled;
    /// while waiting for <c>'drain'</c>: the wait stops (the bytes were already taken).</param>
    /// <returns>A task completing when the stream accepted the bytes.</returns>
    /// <exception cref="NodeHttpException">(in the task) <c>ERR_STREAM_WRITE_AFTER_END</c>, <c>ERR_STREAM_DESTROYED</c>,
    /// or the stream's write error.</exception>
    /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled.</exception>
    public Task WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken = default) =>
        WritableBridge.WriteAsync(this, Loop, chunk, cancellationToken);

    /// <summary>Writes <paramref name="chunk"/> (UTF-8) from any thread; see <see cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>.</summary>
    /// <param name="chunk">The text to write.</param>
    /// <param name="cancellationToken">Cancelled before the write was made: nothing is written and the task is cancelled.</param>
    /// <returns>A task completing when the stream accepted the text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="chunk"/> is null.</exception>
    /// <exception cref="NodeHttpException">(in the task) <c>ERR_STREAM_WRITE_AFTER_END</c>, <c>ERR_STREAM_DESTROYED</c>,
    /// or the stream's write error.</exception>
    /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled.</exception>
    public Task WriteAsync(string chunk, CancellationToken cancellationToken = default) =>
        WritableBridge.WriteAsync(this, Loop, chunk, cancellationToken);

    /// <summary>Calls <see cref="End()"/> from any thread; completes at <c>'finish'</c>, fails if the stream fails first.</summary>
    /// <param name="cancellationToken">Stops the wait for <c>'finish'</c> (the stream still ends); cancelled before the
    /// loop made the call, the stream is not ended.</param>
    /// <returns>A task completing at <c>'finish'</c>.</returns>
    /// <exception cref="NodeHttpException">(in the task) The stream's error, or <c>ERR_STREAM_PREMATURE_CLOSE</c> when it
    /// closed before <c>'finish'</c>.</exception>
    /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled.</exception>
    public Task EndAsync(CancellationToken cancellationToken = default) =>
        WritableBridge.EndAsync(this, Loop, cancellationToken);

    /// <summary>Node's <c>end(data)</c> from any thread: writes the last bytes and ends; completes at <c>'finish'</c>.</summary>
    /// <param name="data">The last bytes (keep them unchanged until the task completes).</param>
    /// <param name="cancellationToken">Stops the wait for <c>'finish'</c>; cancelled before the loop made the call,
    /// nothing is written.</param>
    /// <returns>A task completing at <c>'finish'</c>.</returns>
    /// <exception cref="NodeHttpException">(in the task) <c>ERR_STREAM_WRITE_AFTER_END</c>, the stream's error, or
    /// <c>ERR_STREAM_PREMATURE_CLOSE</c>.</exception>
    /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled.</exception>
    public Task EndAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        WritableBridge.EndAsync(this, Loop, data, cancellationToken);

    /// <summary>Node's <c>end(text)</c> from any thread: writes the last text (UTF-8) and ends; completes at <c>'finish'</c>.</summary>
    /// <param name="data">The last text.</param>
    /// <param name="cancellationToken">Stops the wait for <c>'finish'</c>; cancelled before the loop made the call,
    /// nothing is written.</param>
    /// <returns>A task completing at <c>'finish'</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
    /// <exception cref="NodeHttpException">(in the task) <c>ERR_STREAM_WRITE_AFTER_END</c>, the stream's error, or
    /// <c>ERR_STREAM_PREMATURE_CLOSE</c>.</exception>
    /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled.</exception>
    public Task EndAsync(string data, CancellationToken cancellationToken = default) =>
        WritableBridge.EndAsync(this, Loop, data, cancellationToken);
}
