namespace NodeHttp;

/// <summary>
/// The writable API of <see cref="Writable"/> and of <see cref="Duplex"/>'s writable side (Node mixes Writable's
/// methods into Duplex; C# has one base class): <c>Write</c>, <c>End</c>, <c>Cork</c>, <c>Uncork</c>, the
/// <c>Writable…</c> state and the task-based <c>WriteAsync</c>/<c>EndAsync</c>, written once over <see cref="IWritable"/>.
/// Call them as members: <c>socket.Write(bytes)</c>, <c>res.End("done")</c>, <c>await res.WriteAsync(chunk)</c>. The synchronous ones belong to
/// the stream's loop; the task-based ones may be called from any thread.
/// </summary>
public static class WritableExtensions
{
    /// <summary>The members whose result is not the stream.</summary>
    /// <param name="stream">The writable (a <see cref="Writable"/>, a <see cref="Duplex"/> such as a socket, a response or a request).</param>
    extension(IWritable stream)
    {
        /// <summary>Node's <c>writable.write(buffer[, callback])</c>: false once the buffered length reaches the
        /// highWaterMark (wait for <c>'drain'</c>). The stream may keep <paramref name="chunk"/>; the callback gets the
        /// write's error, or null.</summary>
        /// <param name="chunk">The bytes.</param>
        /// <param name="callback">Called once the write completed or failed.</param>
        /// <returns>Whether more may be written before <c>'drain'</c>.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="chunk"/> is null.</exception>
        public bool Write(NodeBuffer chunk, Action<Exception?>? callback = null)
        {
            ArgumentNullException.ThrowIfNull(chunk);
            return stream.WriteChunk(chunk, callback);
        }

        /// <summary>Node's <c>writable.write(string, encoding[, callback])</c>.</summary>
        /// <param name="chunk">The text.</param>
        /// <param name="encoding">Its encoding (Node's names: utf8, latin1, ascii, hex, base64, utf16le).</param>
        /// <param name="callback">Called once the write completed or failed.</param>
        /// <returns>Whether more may be written before <c>'drain'</c>.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="chunk"/> is null.</exception>
        public bool Write(string chunk, string encoding = "utf8", Action<Exception?>? callback = null)
        {
            ArgumentNullException.ThrowIfNull(chunk);
            return EncodedText.Write(stream, chunk, encoding, callback);
        }

        /// <summary>Node's <c>writable.write(uint8array[, callback])</c>; the bytes are copied, so the caller may reuse them.</summary>
        /// <param name="chunk">The bytes.</param>
        /// <param name="callback">Called once the write completed or failed.</param>
        /// <returns>Whether more may be written before <c>'drain'</c>.</returns>
        public bool Write(ReadOnlyMemory<byte> chunk, Action<Exception?>? callback = null) => stream.WriteBytes(chunk.Span, callback);

        /// <summary>Node's <c>writable.write(uint8array[, callback])</c>; the bytes are copied, so the caller may reuse them.</summary>
        /// <param name="chunk">The bytes.</param>
        /// <param name="callback">Called once the write completed or failed.</param>
        /// <returns>Whether more may be written before <c>'drain'</c>.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="chunk"/> is null.</exception>
        public bool Write(byte[] chunk, Action<Exception?>? callback = null)
        {
            ArgumentNullException.ThrowIfNull(chunk);
            return stream.WriteBytes(chunk, callback);
        }

        /// <summary>Node's <c>writable.writable</c>: true while it is safe to call <c>Write</c> (not ended, destroyed or errored).</summary>
        public bool IsWritable => stream.WritableStateInternal.IsWritable;

        /// <summary>Node's <c>writable.writableEnded</c>: <c>End()</c> was called.</summary>
        public bool WritableEnded => stream.WritableStateInternal.Ending;

        /// <summary>Node's <c>writable.writableFinished</c>: <c>'finish'</c> is about to be or was emitted.</summary>
        public bool WritableFinished => stream.WritableStateInternal.Finished;

        /// <summary>Node's <c>writable.writableNeedDrain</c>: a write returned false and <c>'drain'</c> has not come yet.</summary>
        public bool WritableNeedDrain => stream.WritableStateInternal.WritableNeedDrain;

        /// <summary>Node's <c>writable.writableLength</c>: bytes queued and in flight.</summary>
        public int WritableLength => stream.WritableStateInternal.Length;

        /// <summary>Node's <c>writable.writableHighWaterMark</c>.</summary>
        public int WritableHighWaterMark => stream.WritableStateInternal.HighWaterMark;

        /// <summary>Node's <c>writable.writableCorked</c>: how many <c>Uncork</c> calls are needed.</summary>
        public int WritableCorked => stream.WritableStateInternal.Corked;

        /// <summary>Node's <c>writable.writableAborted</c>: destroyed or errored before <c>'finish'</c>.</summary>
        public bool WritableAborted => stream.WritableStateInternal.Aborted;

        /// <summary>Node's <c>writable.cork()</c>: buffer writes until <c>Uncork</c> (calls nest).</summary>
        public void Cork() => stream.WritableStateInternal.Cork();

        /// <summary>Node's <c>writable.uncork()</c>: flush corked writes, as one <c>_writev</c> call when the stream has one.</summary>
        public void Uncork() => stream.WritableStateInternal.Uncork();

        /// <summary>
        /// Writes <paramref name="chunk"/> from any thread; completes when the stream accepted it (at once while it is
        /// below its highWaterMark, else at <c>'drain'</c>). The bytes are not copied before the write is made: keep them
        /// unchanged until the task completes (as for <see cref="Stream.WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>).
        /// On the stream's loop the write is made at once, with no thread hop.
        /// </summary>
        /// <param name="chunk">The bytes to write.</param>
        /// <param name="cancellationToken">Cancelled before the write was made: nothing is written and the task is
        /// cancelled; while waiting for <c>'drain'</c>: the wait stops (the bytes were already taken).</param>
        /// <returns>A task completing when the stream accepted the bytes.</returns>
        /// <exception cref="NodeHttpException">(in the task) <c>ERR_STREAM_WRITE_AFTER_END</c>, <c>ERR_STREAM_DESTROYED</c>,
        /// or the stream's write error.</exception>
        /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled.</exception>
        public Task WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken = default) =>
            WritableBridge.WriteAsync(stream, stream.Loop, chunk, cancellationToken);

        /// <summary>Writes <paramref name="chunk"/> (UTF-8) from any thread; see <see cref="extension(IWritable).WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>.</summary>
        /// <param name="chunk">The text to write.</param>
        /// <param name="cancellationToken">Cancelled before the write was made: nothing is written and the task is cancelled.</param>
        /// <returns>A task completing when the stream accepted the text.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="chunk"/> is null.</exception>
        /// <exception cref="NodeHttpException">(in the task) <c>ERR_STREAM_WRITE_AFTER_END</c>, <c>ERR_STREAM_DESTROYED</c>,
        /// or the stream's write error.</exception>
        /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled.</exception>
        public Task WriteAsync(string chunk, CancellationToken cancellationToken = default) =>
            WritableBridge.WriteAsync(stream, stream.Loop, chunk, cancellationToken);

        /// <summary>Calls <c>End()</c> from any thread; completes at <c>'finish'</c>, fails if the stream fails first.</summary>
        /// <param name="cancellationToken">Stops the wait for <c>'finish'</c> (the stream still ends); cancelled before the
        /// loop made the call, the stream is not ended.</param>
        /// <returns>A task completing at <c>'finish'</c>.</returns>
        /// <exception cref="NodeHttpException">(in the task) The stream's error, or <c>ERR_STREAM_PREMATURE_CLOSE</c> when it
        /// closed before <c>'finish'</c>.</exception>
        /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled.</exception>
        public Task EndAsync(CancellationToken cancellationToken = default) =>
            WritableBridge.EndAsync(stream, stream.Loop, cancellationToken);

        /// <summary>Node's <c>end(data)</c> from any thread: writes the last bytes and ends; completes at <c>'finish'</c>.</summary>
        /// <param name="data">The last bytes (keep them unchanged until the task completes).</param>
        /// <param name="cancellationToken">Stops the wait for <c>'finish'</c>; cancelled before the loop made the call,
        /// nothing is written.</param>
        /// <returns>A task completing at <c>'finish'</c>.</returns>
        /// <exception cref="NodeHttpException">(in the task) <c>ERR_STREAM_WRITE_AFTER_END</c>, the stream's error, or
        /// <c>ERR_STREAM_PREMATURE_CLOSE</c>.</exception>
        /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled.</exception>
        public Task EndAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
            WritableBridge.EndAsync(stream, stream.Loop, data, cancellationToken);

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
            WritableBridge.EndAsync(stream, stream.Loop, data, cancellationToken);
    }

    /// <summary>The <c>End</c> overloads: Node's <c>end</c> returns the stream, here typed as the caller's own
    /// (<c>res.End()</c> is the response, <c>socket.End()</c> the socket).</summary>
    /// <typeparam name="TStream">The stream's type.</typeparam>
    /// <param name="stream">The writable.</param>
    extension<TStream>(TStream stream)
        where TStream : IWritable
    {
        /// <summary>Node's <c>writable.end()</c>: no more writes (a Duplex's writable side half-closes); <c>'finish'</c>
        /// follows once everything is flushed.</summary>
        /// <returns>The stream.</returns>
        public TStream End()
        {
            stream.EndChunk(null, null);
            return stream;
        }

        /// <summary>Node's <c>writable.end(callback)</c>: the callback runs at <c>'finish'</c> (or on failure).</summary>
        /// <param name="callback">Called at <c>'finish'</c> or on failure.</param>
        /// <returns>The stream.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
        public TStream End(Action callback)
        {
            ArgumentNullException.ThrowIfNull(callback);
            stream.EndChunk(null, StreamCallbacks.FromAction(callback));
            return stream;
        }

        /// <summary>Node's <c>writable.end(string, encoding[, callback])</c>.</summary>
        /// <param name="data">The last text.</param>
        /// <param name="encoding">Its encoding.</param>
        /// <param name="callback">Called at <c>'finish'</c> or on failure.</param>
        /// <returns>The stream.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
        public TStream End(string data, string encoding = "utf8", Action? callback = null)
        {
            ArgumentNullException.ThrowIfNull(data);
            EncodedText.End(stream, data, encoding, StreamCallbacks.FromAction(callback));
            return stream;
        }

        /// <summary>Node's <c>writable.end(uint8array[, callback])</c>; the bytes are copied.</summary>
        /// <param name="data">The last bytes.</param>
        /// <param name="callback">Called at <c>'finish'</c> or on failure.</param>
        /// <returns>The stream.</returns>
        public TStream End(ReadOnlyMemory<byte> data, Action? callback = null)
        {
            stream.EndBytes(data.Span, StreamCallbacks.FromAction(callback));
            return stream;
        }

        /// <summary>Node's <c>writable.end(buffer[, callback])</c>; the stream may keep <paramref name="data"/>.</summary>
        /// <param name="data">The last bytes.</param>
        /// <param name="callback">Called at <c>'finish'</c> or on failure.</param>
        /// <returns>The stream.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
        public TStream End(NodeBuffer data, Action? callback = null)
        {
            ArgumentNullException.ThrowIfNull(data);
            stream.EndChunk(data, StreamCallbacks.FromAction(callback));
            return stream;
        }
    }
}
