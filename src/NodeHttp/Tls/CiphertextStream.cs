using System.Threading.Tasks.Sources;

namespace NodeHttp;

/// <summary>
/// The <see cref="Stream"/> an <see cref="System.Net.Security.SslStream"/> runs over: its reads take ciphertext the
/// inner socket delivered (or wait for the next delivery), its writes hand ciphertext to the inner socket. Every
/// operation completes on the loop thread — a waiting read is completed from the inner socket's data callback with
/// continuations run inline — so the TLS records are processed there with no thread hop. Loop thread only.
/// </summary>
internal sealed class CiphertextStream : Stream, IValueTaskSource<int>
{
    private readonly Socket inner;
    private readonly Action wantMore;
    private ManualResetValueTaskSourceCore<int> core = new() { RunContinuationsAsynchronously = false };
    // The read SslStream is waiting on: its buffer, valid until completed.
    private Memory<byte> pendingBuffer;
    private bool readPending;
    // Ciphertext received while no read was waiting; [backlogStart, backlogEnd) of backlog.
    private byte[]? backlog;
    private int backlogStart;
    private int backlogEnd;
    private bool eof;
    private bool aborted;
    // The first bytes the peer sent, to name a failed handshake as Node does (a plaintext HTTP request on a TLS port).
    private ulong firstBytes;
    private int firstCount;

    /// <summary>Reads the handshake's hellos as they pass, both ways, until the handshake is done (then null).</summary>
    internal TlsHelloObserver? Hello;

    /// <param name="inner">The socket that carries the ciphertext.</param>
    /// <param name="wantMore">Called when a read has to wait, so the inner socket reads again.</param>
    internal CiphertextStream(Socket inner, Action wantMore)
    {
        this.inner = inner;
        this.wantMore = wantMore;
    }

    /// <summary>True while the inner socket refused a write (past its highWaterMark) since the last <see cref="ResetFull"/>.</summary>
    internal bool InnerFull { get; private set; }

    /// <summary>True while SslStream waits for ciphertext.</summary>
    internal bool ReadPending => readPending;

    internal void ResetFull() => InnerFull = false;

    /// <summary>The first (up to 8) bytes received.</summary>
    internal ReadOnlySpan<byte> FirstBytes(Span<byte> into)
    {
        for (int i = 0; i < firstCount; i++)
        {
            into[i] = (byte)(firstBytes >> (8 * i));
        }
        return into[..firstCount];
    }

    private int BacklogLength => backlogEnd - backlogStart;

    /// <summary>
    /// Ciphertext from the inner socket. Feeds the waiting read (SslStream then decrypts inline, and may wait again
    /// within this call); what nobody waits for is kept. Returns whether the inner socket should go on reading.
    /// </summary>
    internal bool Deliver(ReadOnlySpan<byte> data)
    {
        for (int i = 0; firstCount < 8 && i < data.Length; i++)
        {
            firstBytes |= (ulong)data[i] << (8 * firstCount++);
        }
        Hello?.OnReceived(data);
        while (!data.IsEmpty && readPending && !aborted)
        {
            if (pendingBuffer.IsEmpty)
            {
                // A zero-byte read waits for data to be there: keep it all, then say so.
                Keep(data);
                data = default;
                Complete(0);
                break;
            }
            int n = Math.Min(data.Length, pendingBuffer.Length);
            data[..n].CopyTo(pendingBuffer.Span);
            data = data[n..];
            Complete(n);
        }
        if (!data.IsEmpty && !aborted)
        {
            Keep(data);
        }
        // Back-pressure: read on only while SslStream wants more than it was given.
        return readPending || BacklogLength == 0;
    }

    /// <summary>The inner socket reached EOF: a waiting read (and every later one, once the backlog is used) returns 0.</summary>
    internal void OnEof()
    {
        eof = true;
        if (readPending && BacklogLength == 0)
        {
            Complete(0);
        }
    }

    /// <summary>Fails a waiting read and every later one (the socket is being destroyed).</summary>
    internal void Abort()
    {
        aborted = true;
        backlog = null;
        backlogStart = backlogEnd = 0;
        if (readPending)
        {
            readPending = false;
            pendingBuffer = default;
            core.SetException(new IOException("The TLS socket was destroyed."));
        }
    }

    private void Keep(ReadOnlySpan<byte> data)
    {
        if (backlog is null)
        {
            backlog = new byte[Math.Max(data.Length, 16 * 1024)];
        }
        else if (backlog.Length - backlogEnd < data.Length)
        {
            int length = BacklogLength;
            byte[] target = backlog.Length - length >= data.Length ? backlog : new byte[Math.Max(backlog.Length * 2, length + data.Length)];
            Buffer.BlockCopy(backlog, backlogStart, target, 0, length);
            backlog = target;
            backlogStart = 0;
            backlogEnd = length;
        }
        data.CopyTo(backlog.AsSpan(backlogEnd));
        backlogEnd += data.Length;
    }

    private void Complete(int n)
    {
        readPending = false;
        pendingBuffer = default;
        // Runs SslStream's continuation inline; it may start the next read before this returns.
        core.SetResult(n);
    }

    /// <inheritdoc/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (aborted)
        {
            return ValueTask.FromException<int>(new IOException("The TLS socket was destroyed."));
        }
        int available = BacklogLength;
        if (available > 0)
        {
            if (buffer.IsEmpty)
            {
                return new ValueTask<int>(0);
            }
            int n = Math.Min(available, buffer.Length);
            backlog.AsSpan(backlogStart, n).CopyTo(buffer.Span);
            backlogStart += n;
            if (backlogStart == backlogEnd)
            {
                backlogStart = backlogEnd = 0;
            }
            return new ValueTask<int>(n);
        }
        if (eof)
        {
            return new ValueTask<int>(0);
        }
        if (readPending)
        {
            return ValueTask.FromException<int>(new InvalidOperationException("A read is already waiting."));
        }
        core.Reset();
        pendingBuffer = buffer;
        readPending = true;
        wantMore();
        return new ValueTask<int>(this, core.Version);
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (aborted || inner.Destroyed || inner.WritableEnded)
        {
            // The transport is gone (or ended under us): the record goes nowhere, as a write to a closed TLS socket.
            return ValueTask.CompletedTask;
        }
        Hello?.OnSent(buffer.Span);
        if (!inner.Write(buffer))
        {
            InnerFull = true;
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).GetAwaiter().GetResult();

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("A TLS socket's transport reads asynchronously only.");

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanWrite => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    int IValueTaskSource<int>.GetResult(short token) => core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => core.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        core.OnCompleted(continuation, state, token, flags);
}
