namespace NodeHttp;

/// <summary>
/// The async layer over the writable side (<c>WriteAsync</c>, <c>EndAsync</c>): callable from any thread. On the
/// stream's loop the write is made at once (no hop, and no task object when the stream takes it below its
/// highWaterMark); elsewhere it is marshalled onto the loop. The caller's bytes are not copied here: the write runs
/// while the caller awaits, and the stream copies what it keeps before it returns (the span <c>_write</c>), so the
/// caller may reuse its buffer once the task completed — or was cancelled before the write was made.
/// </summary>
internal static class WritableBridge
{
    internal static Task WriteAsync(IWritable stream, EventLoop loop, ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken) =>
        WriteAsync(stream, loop, chunk, null, cancellationToken);

    /// <summary>Writes a buffer nobody else holds (serialized output): handed to the stream as it is, with no copy.</summary>
    internal static Task WriteOwnedAsync(IWritable stream, EventLoop loop, NodeBuffer owned, CancellationToken cancellationToken) =>
        WriteAsync(stream, loop, default, owned, cancellationToken);

    internal static Task WriteAsync(IWritable stream, EventLoop loop, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        return WriteAsync(stream, loop, default, text, cancellationToken);
    }

    internal static Task EndAsync(IWritable stream, EventLoop loop, CancellationToken cancellationToken) =>
        EndAsync(stream, loop, default, null, hasData: false, cancellationToken);

    internal static Task EndAsync(IWritable stream, EventLoop loop, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        EndAsync(stream, loop, data, null, hasData: true, cancellationToken);

    internal static Task EndAsync(IWritable stream, EventLoop loop, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        return EndAsync(stream, loop, default, text, hasData: true, cancellationToken);
    }

    private static Task WriteAsync(IWritable stream, EventLoop loop, ReadOnlyMemory<byte> chunk, object? textOrOwned, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }
        if (loop.IsOnLoop)
        {
            // The common case of a handler on its loop: written now; a task object only if it has to wait for 'drain'.
            bool accepted;
            try
            {
                accepted = Write(stream, chunk, textOrOwned, null);
            }
            catch (Exception ex)
            {
                return Task.FromException(ex);
            }
            if (accepted)
            {
                return Task.CompletedTask;
            }
            var waiter = new WriteOperation(stream, loop, default, null, cancellationToken);
            waiter.WaitForDrain();
            return waiter.Task;
        }
        var op = new WriteOperation(stream, loop, chunk, textOrOwned, cancellationToken);
        op.Queue();
        return op.Task;
    }

    private static bool Write(IWritable stream, ReadOnlyMemory<byte> chunk, object? textOrOwned, Action<Exception?>? callback) => textOrOwned switch
    {
        string text => EncodedText.Write(stream, text, "utf8", callback),
        NodeBuffer owned => stream.WriteChunk(owned, callback),
        _ => stream.WriteBytes(chunk.Span, callback),
    };

    private static Task EndAsync(IWritable stream, EventLoop loop, ReadOnlyMemory<byte> data, string? text, bool hasData, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }
        var op = new EndOperation(stream, loop, data, text, hasData, cancellationToken);
        if (loop.IsOnLoop)
        {
            op.Start();
        }
        else
        {
            op.Queue();
        }
        return op.Task;
    }

    // What a WriteAsync or EndAsync that could not complete at once goes through: made on another thread it is queued
    // (Queued → Started on the loop, or Queued → Cancelled by the token, in which case the caller's bytes are never
    // touched); once started, the token stops the wait (Detach removes the listeners) and the task completes once.
    private abstract class BridgeOperation
    {
        private const int Queued = 0;
        private const int Started = 1;
        private const int Cancelled = 2;

        private readonly TaskCompletionSource tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly EventLoop loop;
        private readonly CancellationToken cancellationToken;
        private CancellationTokenRegistration registration;
        private int state;

        protected BridgeOperation(IWritable stream, EventLoop loop, CancellationToken cancellationToken)
        {
            Target = stream;
            this.loop = loop;
            this.cancellationToken = cancellationToken;
        }

        internal Task Task => tcs.Task;

        /// <summary>The stream written to or ended.</summary>
        protected IWritable Target { get; }

        protected bool IsCompleted => tcs.Task.IsCompleted;

        // Off the loop: the token may cancel the operation before the loop starts it.
        internal void Queue()
        {
            ListenForCancel();
            loop.Execute(static s => ((BridgeOperation)s!).Start(), this);
        }

        // On the loop.
        internal void Start()
        {
            if (Interlocked.CompareExchange(ref state, Started, Queued) == Queued)
            {
                Run();
            }
        }

        /// <summary>The write or the end, on the loop; completes the operation or listens for what will.</summary>
        protected abstract void Run();

        /// <summary>Removes the listeners <see cref="Run"/> added (on the loop).</summary>
        protected abstract void Detach();

        // On the loop, for an operation that was made there already started.
        protected void MarkStarted() => state = Started;

        protected void ListenForCancel()
        {
            if (cancellationToken.CanBeCanceled && registration == default)
            {
                registration = cancellationToken.Register(static s => ((BridgeOperation)s!).OnCancel(), this);
            }
        }

        protected void Complete(Exception? error)
        {
            Detach();
            registration.Dispose();
            if (error is null)
            {
                tcs.TrySetResult();
            }
            else
            {
                tcs.TrySetException(error);
            }
        }

        // Any thread.
        private void OnCancel()
        {
            if (Interlocked.CompareExchange(ref state, Cancelled, Queued) == Queued)
            {
                tcs.TrySetCanceled(cancellationToken);
                return;
            }
            loop.Execute(static s =>
            {
                var me = (BridgeOperation)s!;
                if (!me.tcs.Task.IsCompleted)
                {
                    me.Detach();
                    me.tcs.TrySetCanceled(me.cancellationToken);
                }
            }, this);
        }
    }

    // One WriteAsync: accepted when Write returns true, else at 'drain'; fails on the write's error or 'close'.
    private sealed class WriteOperation : BridgeOperation
    {
        private readonly ReadOnlyMemory<byte> chunk;
        private readonly object? textOrOwned;
        private Action? onDrain;
        private Action? onClose;
        private bool listening;

        internal WriteOperation(IWritable stream, EventLoop loop, ReadOnlyMemory<byte> chunk, object? textOrOwned, CancellationToken cancellationToken)
            : base(stream, loop, cancellationToken)
        {
            this.chunk = chunk;
            this.textOrOwned = textOrOwned;
        }

        // On the loop, after a write that returned false.
        internal void WaitForDrain()
        {
            MarkStarted();
            Listen();
            ListenForCancel();
        }

        protected override void Run()
        {
            bool accepted;
            try
            {
                accepted = Write(Target, chunk, textOrOwned, OnWritten);
            }
            catch (Exception ex)
            {
                Complete(ex);
                return;
            }
            if (IsCompleted)
            {
                return;
            }
            if (accepted)
            {
                Complete(null);
                return;
            }
            Listen();
        }

        protected override void Detach()
        {
            if (listening)
            {
                listening = false;
                Target.RemoveListener(StreamEvents.Drain, onDrain!);
                Target.RemoveListener(StreamEvents.Close, onClose!);
            }
        }

        private void Listen()
        {
            listening = true;
            onDrain ??= OnDrain;
            onClose ??= OnClose;
            Target.Once(StreamEvents.Drain, onDrain);
            Target.Once(StreamEvents.Close, onClose);
        }

        private void OnWritten(Exception? error)
        {
            if (error is not null)
            {
                Complete(error);
            }
        }

        private void OnDrain() => Complete(null);

        private void OnClose() => Complete(Target.WritableFinished ? null : ErrorCodes.Create("ERR_STREAM_DESTROYED", "write"));
    }

    // One EndAsync: end() (with the last data, if any) on the loop, then completes at the end callback ('finish'),
    // fails with its error or when the stream closes unfinished; the token stops the wait (the stream still ends), and
    // cancels the end itself when it fires before the loop made it.
    private sealed class EndOperation : BridgeOperation
    {
        private readonly ReadOnlyMemory<byte> data;
        private readonly string? text;
        private readonly bool hasData;
        private Action? onClose;

        internal EndOperation(IWritable stream, EventLoop loop, ReadOnlyMemory<byte> data, string? text, bool hasData, CancellationToken cancellationToken)
            : base(stream, loop, cancellationToken)
        {
            this.data = data;
            this.text = text;
            this.hasData = hasData;
        }

        protected override void Run()
        {
            if (!hasData && Target.WritableFinished)
            {
                Complete(null);
                return;
            }
            try
            {
                if (text is not null)
                {
                    EncodedText.End(Target, text, "utf8", OnEnded);
                }
                else if (hasData)
                {
                    Target.EndBytes(data.Span, OnEnded);
                }
                else
                {
                    Target.EndChunk(null, OnEnded);
                }
            }
            catch (Exception ex)
            {
                Complete(ex);
                return;
            }
            if (IsCompleted)
            {
                return;
            }
            if (Target.WritableFinished)
            {
                Complete(null);
                return;
            }
            // Destroyed before 'finish': the end callback may never run.
            onClose = OnClose;
            Target.Once(StreamEvents.Close, onClose);
            ListenForCancel();
        }

        protected override void Detach()
        {
            if (onClose is not null)
            {
                Target.RemoveListener(StreamEvents.Close, onClose);
                onClose = null;
            }
        }

        private void OnEnded(Exception? error) => Complete(error);

        private void OnClose() => Complete(Target.WritableFinished ? null : ErrorCodes.Create("ERR_STREAM_PREMATURE_CLOSE"));
    }
}
