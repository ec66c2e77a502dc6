namespace NodeHttp;

/// <summary>
/// Pulls chunks out of a <see cref="Readable"/> for callers on any thread, the way Node's async iterator does
/// (<c>'readable'</c> + <c>read()</c>): nothing is buffered beyond the stream's own highWaterMark, so a slow consumer
/// stops the producer. End-of-stream follows Node's <c>finished()</c>: <c>'end'</c> completes, <c>'error'</c> fails,
/// <c>'close'</c> before <c>'end'</c> fails with <c>ERR_STREAM_PREMATURE_CLOSE</c>. All state is touched on the loop only.
/// </summary>
internal sealed class ReadableReader
{
    private readonly Readable stream;
    private readonly EventLoop loop;
    private readonly Action onReadable;
    private readonly Action onEnd;
    private readonly Action<Exception> onError;
    private readonly Action onClose;
    private TaskCompletionSource<NodeBuffer?>? pending;
    private Exception? error;
    private bool done;
    private bool attached;
    private bool disposed;

    internal ReadableReader(Readable stream)
    {
        this.stream = stream;
        loop = stream.Loop;
        onReadable = TryComplete;
        onEnd = OnEnd;
        onError = OnError;
        onClose = OnClose;
    }

    /// <summary>The next chunk, or null at the end. One call at a time.</summary>
    internal Task<NodeBuffer?> ReadAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<NodeBuffer?>(cancellationToken);
        }
        var tcs = new TaskCompletionSource<NodeBuffer?>(TaskCreationOptions.RunContinuationsAsynchronously);
        loop.Execute(static s =>
        {
            var (me, t) = ((ReadableReader, TaskCompletionSource<NodeBuffer?>))s!;
            me.pending = t;
            me.Attach();
            me.TryComplete();
        }, (this, tcs));
        if (cancellationToken.CanBeCanceled && !tcs.Task.IsCompleted)
        {
            CancellationTokenRegistration registration = cancellationToken.Register(static s =>
            {
                var (me, t, ct) = ((ReadableReader, TaskCompletionSource<NodeBuffer?>, CancellationToken))s!;
                me.loop.Execute(static o =>
                {
                    var (me2, t2, ct2) = ((ReadableReader, TaskCompletionSource<NodeBuffer?>, CancellationToken))o!;
                    if (ReferenceEquals(me2.pending, t2))
                    {
                        me2.pending = null;
                    }
                    t2.TrySetCanceled(ct2);
                }, (me, t, ct));
            }, (this, tcs, cancellationToken));
            tcs.Task.ContinueWith(static (_, r) => ((CancellationTokenRegistration)r!).Dispose(), registration,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return tcs.Task;
    }

    /// <summary>Stops reading. A stream not read to its end is destroyed (Node's iterator <c>return()</c>) unless
    /// <paramref name="destroyIfUnfinished"/> is false.</summary>
    internal void Dispose(bool destroyIfUnfinished = true)
    {
        loop.Execute(static s =>
        {
            var (me, destroy) = ((ReadableReader, bool))s!;
            if (me.disposed)
            {
                return;
            }
            me.disposed = true;
            me.Detach();
            me.pending?.TrySetCanceled();
            me.pending = null;
            if (destroy && !me.done && me.error is null && !me.stream.Destroyed)
            {
                me.stream.Destroy();
            }
        }, (this, destroyIfUnfinished));
    }

    private void Attach()
    {
        if (attached || disposed)
        {
            return;
        }
        attached = true;
        if (stream.ReadableEnded)
        {
            done = true;
        }
        else if (stream.Destroyed)
        {
            error = stream.Errored ?? ErrorCodes.Create("ERR_STREAM_PREMATURE_CLOSE");
        }
        stream.On(StreamEvents.Readable, onReadable);
        stream.On(StreamEvents.End, onEnd);
        stream.On(StreamEvents.Error, onError);
        stream.On(StreamEvents.Close, onClose);
    }

    private void Detach()
    {
        if (!attached)
        {
            return;
        }
        attached = false;
        stream.RemoveListener(StreamEvents.Readable, onReadable);
        stream.RemoveListener(StreamEvents.End, onEnd);
        stream.RemoveListener(StreamEvents.Error, onError);
        stream.RemoveListener(StreamEvents.Close, onClose);
    }

    private void TryComplete()
    {
        TaskCompletionSource<NodeBuffer?>? t = pending;
        if (t is null)
        {
            return;
        }
        object? chunk = stream.Destroyed ? null : stream.Read();
        if (chunk is not null)
        {
            pending = null;
            t.TrySetResult(chunk is string s ? NodeBuffer.From(s, stream.ReadableEncoding ?? "utf8") : (NodeBuffer)chunk);
        }
        else if (error is not null)
        {
            pending = null;
            t.TrySetException(error);
        }
        else if (done)
        {
            pending = null;
            t.TrySetResult(null);
        }
    }

    private void OnEnd()
    {
        done = true;
        TryComplete();
    }

    private void OnError(Exception err)
    {
        error ??= err;
        TryComplete();
    }

    private void OnClose()
    {
        if (!done && error is null)
        {
            error = stream.Errored ?? ErrorCodes.Create("ERR_STREAM_PREMATURE_CLOSE");
        }
        TryComplete();
    }
}
