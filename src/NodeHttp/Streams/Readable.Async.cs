using System.Runtime.CompilerServices;

namespace NodeHttp;

// The .NET bridges over the readable side; callable from any thread.
public partial class Readable
{
    /// <summary>Node's <c>for await (const chunk of readable)</c>: each chunk as it arrives, from any thread, with
    /// back-pressure (nothing is buffered beyond the highWaterMark while the consumer is busy). Leaving the loop early
    /// destroys the stream, as Node does; an <c>'error'</c> is thrown from the enumeration.</summary>
    public async IAsyncEnumerable<NodeBuffer> ReadChunksAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var reader = new ReadableReader(this);
        try
        {
            while (true)
            {
                NodeBuffer? chunk = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (chunk is null)
                {
                    yield break;
                }
                yield return chunk;
            }
        }
        finally
        {
            reader.Dispose();
        }
    }

    /// <summary>The default limit of <see cref="ReadAllAsync(CancellationToken)"/>, <see cref="TextAsync(CancellationToken)"/>
    /// and the JSON readers: 16 MiB. A whole body is held in memory, so a client could otherwise make the server buffer
    /// whatever it sends; pass a larger limit where larger bodies are expected.</summary>
    public const long DefaultMaxBodyBytes = 16 * 1024 * 1024;

    /// <summary>Reads the stream to its end from any thread and returns all bytes, up to <see cref="DefaultMaxBodyBytes"/>
    /// (see <see cref="ReadAllAsync(long, CancellationToken)"/>).</summary>
    /// <param name="cancellationToken">Stops the read: the task is cancelled and the rest of the stream is discarded.</param>
    /// <returns>All bytes of the stream.</returns>
    /// <exception cref="NodeHttpException">(in the task) <c>ERR_BODY_TOO_LARGE</c> past the limit; the stream's
    /// <c>'error'</c>; <c>ERR_STREAM_PREMATURE_CLOSE</c> when it closed before its end.</exception>
    /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<NodeBuffer> ReadAllAsync(CancellationToken cancellationToken = default) =>
        ReadAllAsync(DefaultMaxBodyBytes, cancellationToken);

    /// <summary>Reads the stream to its end from any thread and returns all bytes (string chunks after
    /// <see cref="SetEncoding"/> are encoded back with that encoding). Fails on <c>'error'</c> or a premature <c>'close'</c>.
    /// More than <paramref name="maxBytes"/> fails with <c>ERR_BODY_TOO_LARGE</c> and destroys the stream (for a request,
    /// its connection), having held at most the limit and one chunk.</summary>
    /// <param name="maxBytes">The most bytes accepted (<see cref="DefaultMaxBodyBytes"/> by default).</param>
    /// <param name="cancellationToken">Stops the read: the task is cancelled and the rest of the stream is discarded.</param>
    /// <returns>All bytes of the stream.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBytes"/> is negative.</exception>
    /// <exception cref="NodeHttpException">(in the task) <c>ERR_BODY_TOO_LARGE</c> past the limit; the stream's
    /// <c>'error'</c>; <c>ERR_STREAM_PREMATURE_CLOSE</c> when it closed before its end.</exception>
    /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<NodeBuffer> ReadAllAsync(long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<NodeBuffer>(cancellationToken);
        }
        var collector = new Collector(this, maxBytes, cancellationToken);
        Loop.Execute(static s => ((Collector)s!).Start(), collector);
        return collector.Task;
    }

    /// <summary>Reads the stream to its end and decodes it as UTF-8, up to <see cref="DefaultMaxBodyBytes"/>
    /// (see <see cref="ReadAllAsync(long, CancellationToken)"/>).</summary>
    /// <param name="cancellationToken">Stops the read: the task is cancelled and the rest of the stream is discarded.</param>
    /// <returns>The stream's text.</returns>
    /// <exception cref="NodeHttpException">(in the task) <c>ERR_BODY_TOO_LARGE</c>, the stream's error, or <c>ERR_STREAM_PREMATURE_CLOSE</c>.</exception>
    /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<string> TextAsync(CancellationToken cancellationToken = default) => TextAsync(DefaultMaxBodyBytes, cancellationToken);

    /// <summary>Reads the stream to its end and decodes it as UTF-8 (see <see cref="ReadAllAsync(long, CancellationToken)"/>).</summary>
    /// <param name="maxBytes">The most bytes accepted.</param>
    /// <param name="cancellationToken">Stops the read: the task is cancelled and the rest of the stream is discarded.</param>
    /// <returns>The stream's text.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBytes"/> is negative.</exception>
    /// <exception cref="NodeHttpException">(in the task) <c>ERR_BODY_TOO_LARGE</c>, the stream's error, or <c>ERR_STREAM_PREMATURE_CLOSE</c>.</exception>
    /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<string> TextAsync(long maxBytes, CancellationToken cancellationToken = default)
    {
        NodeBuffer all = await ReadAllAsync(maxBytes, cancellationToken).ConfigureAwait(false);
        return all.ToString();
    }

    /// <summary>A read-only <see cref="System.IO.Stream"/> over this readable, usable from any thread: <c>ReadAsync</c> pulls
    /// chunks with back-pressure; disposing before the end destroys the readable. A failure of the readable (a peer
    /// reset, a premature close) is an <see cref="IOException"/> whose <see cref="Exception.InnerException"/> is Node's
    /// error.</summary>
    /// <returns>The stream.</returns>
    public Stream AsStream() => new NodeStreamAdapter(this, null, Loop);

    // ReadAllAsync's consumer: 'data' listeners on the loop, one task completion at the end.
    private sealed class Collector
    {
        private readonly TaskCompletionSource<NodeBuffer> tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Readable stream;
        private readonly long maxBytes;
        private readonly CancellationToken cancellationToken;
        private readonly List<NodeBuffer> chunks = new();
        private readonly Action<object> onData;
        private readonly Action onEnd;
        private readonly Action<Exception> onError;
        private readonly Action onClose;
        private CancellationTokenRegistration registration;
        private long total;
        private bool attached;

        internal Collector(Readable stream, long maxBytes, CancellationToken cancellationToken)
        {
            this.stream = stream;
            this.maxBytes = maxBytes;
            this.cancellationToken = cancellationToken;
            onData = OnData;
            onEnd = () => Finish(null);
            onError = Finish;
            onClose = () => Finish(stream.Errored ?? ErrorCodes.Create("ERR_STREAM_PREMATURE_CLOSE"));
        }

        internal Task<NodeBuffer> Task => tcs.Task;

        internal void Start()
        {
            if (stream.ReadableEnded)
            {
                tcs.TrySetResult(NodeBuffer.Empty);
                return;
            }
            if (stream.Destroyed)
            {
                tcs.TrySetException(stream.Errored ?? ErrorCodes.Create("ERR_STREAM_PREMATURE_CLOSE"));
                return;
            }
            attached = true;
            stream.On(StreamEvents.End, onEnd);
            stream.On(StreamEvents.Error, onError);
            stream.On(StreamEvents.Close, onClose);
            stream.On(StreamEvents.Data, onData);
            if (cancellationToken.CanBeCanceled)
            {
                registration = cancellationToken.Register(static s =>
                {
                    var me = (Collector)s!;
                    me.stream.Loop.Execute(static o => ((Collector)o!).OnCancelled(), me);
                }, this);
            }
            // A consumer that called Pause() earlier still wants the whole body.
            stream.Resume();
        }

        private void OnData(object chunk)
        {
            NodeBuffer buffer = chunk is string s ? NodeBuffer.From(s, stream.ReadableEncoding ?? "utf8") : (NodeBuffer)chunk;
            total += buffer.Length;
            if (total > maxBytes)
            {
                Finish(ErrorCodes.Create("ERR_BODY_TOO_LARGE", maxBytes));
                chunks.Clear();
                // Whatever comes next is not wanted either: for a request, this closes its connection.
                stream.Destroy();
                return;
            }
            chunks.Add(buffer);
        }

        private void OnCancelled()
        {
            if (tcs.Task.IsCompleted)
            {
                return;
            }
            Detach();
            chunks.Clear();
            // The stream keeps flowing with no 'data' listener: the rest is discarded (Node's dump), so a request can
            // still be answered on its connection.
            tcs.TrySetCanceled(cancellationToken);
        }

        private void Finish(Exception? error)
        {
            if (tcs.Task.IsCompleted)
            {
                return;
            }
            Detach();
            if (error is null)
            {
                tcs.TrySetResult(chunks.Count == 1 ? chunks[0] : NodeBuffer.Concat(chunks));
            }
            else
            {
                tcs.TrySetException(error);
            }
        }

        private void Detach()
        {
            if (!attached)
            {
                return;
            }
            attached = false;
            stream.RemoveListener(StreamEvents.Data, onData);
            stream.RemoveListener(StreamEvents.End, onEnd);
            stream.RemoveListener(StreamEvents.Error, onError);
            stream.RemoveListener(StreamEvents.Close, onClose);
            registration.Dispose();
        }
    }
}
