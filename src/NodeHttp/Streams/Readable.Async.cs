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

    /// <summary>Reads the stream to its end from any thread and returns all bytes (string chunks after
    /// <see cref="SetEncoding"/> are encoded back with that encoding). Fails on <c>'error'</c> or a premature <c>'close'</c>.</summary>
    public Task<NodeBuffer> ReadAllAsync()
    {
        var collector = new Collector(this);
        Loop.Execute(static s => ((Collector)s!).Start(), collector);
        return collector.Task;
    }

    /// <summary>Reads the stream to its end and decodes it as UTF-8.</summary>
    public async Task<string> TextAsync()
    {
        NodeBuffer all = await ReadAllAsync().ConfigureAwait(false);
        return all.ToString();
    }

    /// <summary>A read-only <see cref="System.IO.Stream"/> over this readable, usable from any thread: <c>ReadAsync</c> pulls
    /// chunks with back-pressure; disposing before the end destroys the readable.</summary>
    public Stream AsStream() => new NodeStreamAdapter(this, null, Loop);

    // ReadAllAsync's consumer: 'data' listeners on the loop, one task completion at the end.
    private sealed class Collector
    {
        private readonly TaskCompletionSource<NodeBuffer> tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Readable stream;
        private readonly List<NodeBuffer> chunks = new();
        private readonly Action<object> onData;
        private readonly Action onEnd;
        private readonly Action<Exception> onError;
        private readonly Action onClose;

        internal Collector(Readable stream)
        {
            this.stream = stream;
            onData = chunk => chunks.Add(chunk is string s ? NodeBuffer.From(s, stream.ReadableEncoding ?? "utf8") : (NodeBuffer)chunk);
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
            stream.On(StreamEvents.End, onEnd);
            stream.On(StreamEvents.Error, onError);
            stream.On(StreamEvents.Close, onClose);
            stream.On(StreamEvents.Data, onData);
            // A consumer that called Pause() earlier still wants the whole body.
            stream.Resume();
        }

        private void Finish(Exception? error)
        {
            if (tcs.Task.IsCompleted)
            {
                return;
            }
            stream.RemoveListener(StreamEvents.Data, onData);
            stream.RemoveListener(StreamEvents.End, onEnd);
            stream.RemoveListener(StreamEvents.Error, onError);
            stream.RemoveListener(StreamEvents.Close, onClose);
            if (error is null)
            {
                tcs.TrySetResult(chunks.Count == 1 ? chunks[0] : NodeBuffer.Concat(chunks));
            }
            else
            {
                tcs.TrySetException(error);
            }
        }
    }
}
