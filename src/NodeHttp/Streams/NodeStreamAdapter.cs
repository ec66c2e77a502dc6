using System.Collections.Concurrent;

namespace NodeHttp;

/// <summary>
/// <c>AsStream()</c>: a <see cref="Stream"/> over a <see cref="Readable"/>, an <see cref="IWritable"/> or both (a Duplex).
/// Synchronous <c>Read</c>/<c>Write</c> block the caller, so they refuse to run on the loop thread itself. Failures of
/// the underlying stream (a peer reset, a destroyed stream) are <see cref="IOException"/>s, as a .NET stream's are, with
/// Node's error (a <see cref="NodeHttpException"/>) as the inner exception.
/// <para>Writes, as a socket's: on the loop and with nothing queued, the bytes go straight to the writable (no hop, no
/// copy here). From another thread (a <c>CopyToAsync</c> continuing on the thread pool) the bytes are copied once into a
/// buffer handed to the writable as it is, queued onto the loop, and the write completes at once while less than
/// <see cref="WriteWindow"/> bytes wait — in the queue or in the writable's own buffer — so the caller reads its next
/// chunk while the loop sends the last one. Past the window a write waits for the loop (and for <c>'drain'</c>). The
/// first failure of a write that already completed is thrown by the next write, <c>Flush</c> or <c>FlushAsync</c>.</para>
/// </summary>
internal sealed class NodeStreamAdapter : Stream
{
    /// <summary>How many written bytes may wait for the writable before a write waits too.</summary>
    internal const int WriteWindow = 512 * 1024;

    // The largest copy made for a write from another thread (below the 85,000-byte large object threshold).
    private const int CopyPiece = 64 * 1024;

    private readonly Readable? readable;
    private readonly IWritable? writable;
    private readonly EventLoop loop;
    private readonly ReadableReader? reader;
    private NodeBuffer? leftover;
    private int leftoverOffset;
    private bool disposed;

    // Write side. queuedBytes: handed to the loop, not yet written (any thread; Interlocked). blocked: the writable
    // holds WriteWindow bytes or more and 'drain' is due (set and cleared on the loop, read anywhere). writeError: the
    // first failure (set on the loop). drainWaiters and the listeners: loop only.
    private long queuedBytes;
    private volatile bool blocked;
    private volatile Exception? writeError;
    private List<TaskCompletionSource>? drainWaiters;
    private Action? onDrain;
    private Action? onClose;
    private Action<Exception?>? onWritten;
    private readonly ConcurrentQueue<Outgoing> outbox = new();
    private int outboxScheduled;

    internal NodeStreamAdapter(Readable? readable, IWritable? writable, EventLoop loop)
    {
        this.readable = readable;
        this.writable = writable;
        this.loop = loop;
        if (readable is not null)
        {
            reader = new ReadableReader(readable);
        }
    }

    public override bool CanRead => readable is not null && !disposed;

    public override bool CanWrite => writable is not null && !disposed;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (reader is null)
        {
            throw new NotSupportedException();
        }
        if (buffer.IsEmpty)
        {
            return 0;
        }
        if (leftover is null)
        {
            NodeBuffer? chunk;
            try
            {
                chunk = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (NodeHttpException error)
            {
                throw AsIOException(error);
            }
            if (chunk is null)
            {
                return 0;
            }
            leftover = chunk;
            leftoverOffset = 0;
        }
        int n = Math.Min(buffer.Length, leftover.Length - leftoverOffset);
        leftover.Span.Slice(leftoverOffset, n).CopyTo(buffer.Span);
        leftoverOffset += n;
        if (leftoverOffset == leftover.Length)
        {
            leftover = null;
        }
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        ThrowIfOnLoop();
        return ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (writable is null)
        {
            throw new NotSupportedException();
        }
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }
        if (writeError is { } failed)
        {
            return ValueTask.FromException(AsIOException(failed));
        }
        if (buffer.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }
        if (loop.IsOnLoop && Interlocked.Read(ref queuedBytes) == 0)
        {
            // Nothing queued ahead of this write: it can be made now, from the caller's bytes.
            return WriteOnLoop(buffer.Span);
        }
        long waiting = Interlocked.Add(ref queuedBytes, buffer.Length);
        // Copied in pieces below the large object heap's threshold: CopyToAsync's pooled buffers are 128 KiB, and a
        // large-object allocation per write would cost more than the copy.
        while (buffer.Length > CopyPiece)
        {
            Send(new Outgoing(NodeBuffer.From(buffer.Span[..CopyPiece]), null, false));
            buffer = buffer[CopyPiece..];
        }
        NodeBuffer owned = NodeBuffer.From(buffer.Span);
        if (!blocked && waiting <= WriteWindow)
        {
            Send(new Outgoing(owned, null, false));
            return ValueTask.CompletedTask;
        }
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Send(new Outgoing(owned, tcs, false));
        return new ValueTask(cancellationToken.CanBeCanceled ? tcs.Task.WaitAsync(cancellationToken) : tcs.Task);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        ThrowIfOnLoop();
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    }

    public override void Flush()
    {
        if (writable is null || disposed)
        {
            return;
        }
        ThrowIfOnLoop();
        FlushAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>Completes once every write made so far reached the writable and it is below <see cref="WriteWindow"/>;
    /// throws the first write failure.</summary>
    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        if (writable is null || disposed)
        {
            return Task.CompletedTask;
        }
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Send(new Outgoing(null, tcs, false));
        return cancellationToken.CanBeCanceled ? tcs.Task.WaitAsync(cancellationToken) : tcs.Task;
    }

    // Any thread: queued for the loop in order. One loop item drains whatever was queued meanwhile, so a producer faster
    // than the loop costs one wake-up per batch, and the batch leaves in one send.
    private void Send(in Outgoing item)
    {
        outbox.Enqueue(item);
        if (Interlocked.Exchange(ref outboxScheduled, 1) == 0)
        {
            loop.QueueIo(static s => ((NodeStreamAdapter)s!).DrainOutbox(), this);
        }
    }

    private void DrainOutbox()
    {
        Volatile.Write(ref outboxScheduled, 0);
        while (outbox.TryDequeue(out Outgoing item))
        {
            if (item.End)
            {
                EndWritable(writable!);
            }
            else if (item.Chunk is null)
            {
                WaitForRoom(item.Waiter!);
            }
            else
            {
                WriteQueued(item.Chunk, item.Waiter);
            }
        }
    }

    private static void EndWritable(IWritable w)
    {
        if (!w.WritableEnded && !w.Destroyed)
        {
            w.End();
        }
    }

    // On the loop: a write queued from another thread.
    private void WriteQueued(NodeBuffer chunk, TaskCompletionSource? waiter)
    {
        Interlocked.Add(ref queuedBytes, -chunk.Length);
        if (writeError is { } failed)
        {
            waiter?.TrySetException(AsIOException(failed));
            return;
        }
        bool accepted;
        try
        {
            accepted = writable!.WriteChunk(chunk, Written);
        }
        catch (Exception ex)
        {
            Fail(ex);
            waiter?.TrySetException(AsIOException(ex));
            return;
        }
        AfterWrite(accepted);
        if (waiter is not null)
        {
            WaitForRoom(waiter);
        }
    }

    // On the loop with nothing queued: the caller's bytes are copied by the writable before this returns.
    private ValueTask WriteOnLoop(ReadOnlySpan<byte> bytes)
    {
        bool accepted;
        try
        {
            accepted = writable!.WriteBytes(bytes, Written);
        }
        catch (Exception ex)
        {
            Fail(ex);
            return ValueTask.FromException(AsIOException(ex));
        }
        if (writeError is { } failed)
        {
            return ValueTask.FromException(AsIOException(failed));
        }
        AfterWrite(accepted);
        if (!blocked)
        {
            return ValueTask.CompletedTask;
        }
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        WaitForRoom(tcs);
        return new ValueTask(tcs.Task);
    }

    private void AfterWrite(bool accepted)
    {
        Listen();
        if (!accepted && writable!.WritableLength >= WriteWindow && writeError is null)
        {
            blocked = true;
        }
    }

    private void WaitForRoom(TaskCompletionSource waiter)
    {
        if (writeError is { } failed)
        {
            waiter.TrySetException(AsIOException(failed));
        }
        else if (blocked)
        {
            (drainWaiters ??= new()).Add(waiter);
        }
        else
        {
            waiter.TrySetResult();
        }
    }

    private void Listen()
    {
        if (onDrain is not null)
        {
            return;
        }
        onDrain = () =>
        {
            blocked = false;
            Release(null);
        };
        onClose = () =>
        {
            if (!writable!.WritableFinished)
            {
                Fail(ErrorCodes.Create("ERR_STREAM_DESTROYED", "write"));
            }
        };
        writable!.On(StreamEvents.Drain, onDrain);
        writable.On(StreamEvents.Close, onClose);
    }

    private Action<Exception?> Written => onWritten ??= error =>
    {
        if (error is not null)
        {
            Fail(error);
        }
    };

    private void Fail(Exception error)
    {
        writeError ??= error;
        blocked = false;
        Release(writeError);
    }

    private void Release(Exception? error)
    {
        List<TaskCompletionSource>? waiters = drainWaiters;
        if (waiters is null || waiters.Count == 0)
        {
            return;
        }
        TaskCompletionSource[] all = waiters.ToArray();
        waiters.Clear();
        foreach (TaskCompletionSource t in all)
        {
            if (error is null)
            {
                t.TrySetResult();
            }
            else
            {
                t.TrySetException(AsIOException(error));
            }
        }
    }

    // A write (Chunk), a flush (no Chunk, a Waiter) or the end, queued for the loop.
    private readonly record struct Outgoing(NodeBuffer? Chunk, TaskCompletionSource? Waiter, bool End);

    private static IOException AsIOException(Exception error) =>
        error as IOException ?? new IOException(error.Message, error);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !disposed)
        {
            disposed = true;
            // A duplex keeps its readable side for whoever else uses it; a plain readable is given up.
            reader?.Dispose(destroyIfUnfinished: writable is null);
            if (writable is not null)
            {
                // Behind the writes still queued, even when called on the loop.
                if (loop.IsOnLoop && Interlocked.Read(ref queuedBytes) == 0 && outbox.IsEmpty)
                {
                    EndWritable(writable);
                }
                else
                {
                    Send(new Outgoing(null, null, true));
                }
            }
        }
        base.Dispose(disposing);
    }

    private void ThrowIfOnLoop()
    {
        if (loop.IsOnLoop)
        {
            throw new InvalidOperationException("A synchronous Read or Write on the loop thread would block the loop; use ReadAsync/WriteAsync.");
        }
    }
}
