namespace NodeHttp;

/// <summary>
/// The async layer over the writable side (<c>WriteAsync</c>, <c>EndAsync</c>): callable from any thread, the work
/// is marshalled onto the stream's loop and the task completes off the loop.
/// </summary>
internal static class WritableBridge
{
    internal static Task WriteAsync(IWritable stream, EventLoop loop, NodeBuffer chunk, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }
        var op = new WriteOperation(stream, loop, chunk, cancellationToken);
        loop.Execute(static s => ((WriteOperation)s!).Start(), op);
        return op.Task;
    }

    internal static Task EndAsync(IWritable stream, EventLoop loop, WritableState state)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        loop.Execute(static s =>
        {
            var (w, st, t) = ((IWritable, WritableState, TaskCompletionSource))s!;
            if (st.Finished)
            {
                t.TrySetResult();
                return;
            }
            try
            {
                st.End(null, err =>
                {
                    if (err is null)
                    {
                        t.TrySetResult();
                    }
                    else
                    {
                        t.TrySetException(err);
                    }
                });
            }
            catch (Exception ex)
            {
                t.TrySetException(ex);
                return;
            }
            if (!t.Task.IsCompleted && !st.Finished)
            {
                // Destroyed before 'finish': the end callback may never run.
                w.Once(StreamEvents.Close, () =>
                {
                    if (!st.Finished)
                    {
                        t.TrySetException(st.Errored ?? ErrorCodes.Create("ERR_STREAM_PREMATURE_CLOSE"));
                    }
                });
            }
        }, (stream, state, tcs));
        return tcs.Task;
    }

    // One WriteAsync: accepted when Write returns true, else at 'drain'; fails on the write's error or 'close'.
    private sealed class WriteOperation
    {
        private readonly TaskCompletionSource tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly IWritable stream;
        private readonly EventLoop loop;
        private readonly NodeBuffer chunk;
        private readonly CancellationToken cancellationToken;
        private readonly Action onDrain;
        private readonly Action onClose;
        private CancellationTokenRegistration registration;
        private bool listening;

        internal WriteOperation(IWritable stream, EventLoop loop, NodeBuffer chunk, CancellationToken cancellationToken)
        {
            this.stream = stream;
            this.loop = loop;
            this.chunk = chunk;
            this.cancellationToken = cancellationToken;
            onDrain = OnDrain;
            onClose = OnClose;
        }

        internal Task Task => tcs.Task;

        internal void Start()
        {
            bool accepted;
            try
            {
                accepted = stream.Write(chunk, OnWritten);
            }
            catch (Exception ex)
            {
                tcs.TrySetException(ex);
                return;
            }
            if (tcs.Task.IsCompleted)
            {
                return;
            }
            if (accepted)
            {
                tcs.TrySetResult();
                return;
            }
            listening = true;
            stream.Once(StreamEvents.Drain, onDrain);
            stream.Once(StreamEvents.Close, onClose);
            if (cancellationToken.CanBeCanceled)
            {
                registration = cancellationToken.Register(static s =>
                {
                    var op = (WriteOperation)s!;
                    op.loop.Execute(static o =>
                    {
                        var me = (WriteOperation)o!;
                        me.Detach();
                        me.tcs.TrySetCanceled(me.cancellationToken);
                    }, op);
                }, this);
            }
        }

        private void OnWritten(Exception? error)
        {
            if (error is not null)
            {
                Detach();
                tcs.TrySetException(error);
            }
        }

        private void OnDrain()
        {
            Detach();
            tcs.TrySetResult();
        }

        private void OnClose()
        {
            Detach();
            tcs.TrySetException(ErrorCodes.Create("ERR_STREAM_DESTROYED", "write"));
        }

        private void Detach()
        {
            if (listening)
            {
                listening = false;
                stream.RemoveListener(StreamEvents.Drain, onDrain);
                stream.RemoveListener(StreamEvents.Close, onClose);
                registration.Dispose();
            }
        }
    }
}
