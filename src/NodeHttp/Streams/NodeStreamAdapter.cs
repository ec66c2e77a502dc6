namespace NodeHttp;

/// <summary>
/// <c>AsStream()</c>: a <see cref="Stream"/> over a <see cref="Readable"/>, an <see cref="IWritable"/> or both (a Duplex).
/// Callers are usually not on the loop thread; every operation is marshalled onto the stream's loop.
/// Synchronous <c>Read</c>/<c>Write</c> block the caller, so they refuse to run on the loop thread itself.
/// </summary>
internal sealed class NodeStreamAdapter : Stream
{
    private readonly Readable? readable;
    private readonly IWritable? writable;
    private readonly EventLoop loop;
    private readonly ReadableReader? reader;
    private NodeBuffer? leftover;
    private int leftoverOffset;
    private bool disposed;

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
            NodeBuffer? chunk = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
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
        return new ValueTask(WritableBridge.WriteAsync(writable, loop, buffer, cancellationToken));
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
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

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
                loop.Execute(static s =>
                {
                    var w = (IWritable)s!;
                    if (!w.WritableEnded && !w.Destroyed)
                    {
                        w.End();
                    }
                }, writable);
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
