using System.Buffers;
using System.Threading.Tasks.Sources;

namespace NodeHttp;

/// <summary>
/// The <see cref="Stream"/> an <see cref="System.Net.Security.SslStream"/> runs over: its reads take ciphertext the
/// inner socket delivered (or wait for the next delivery), its writes hand ciphertext to the inner socket. Every
/// operation completes on the loop thread — a waiting read is completed from the inner socket's data callback with
/// continuations run inline — so the TLS records are processed there with no thread hop. Loop thread only.
/// </summary>
/// <remarks>
/// Writes are gathered: the records SslStream writes during one operation (a plaintext write cut into 16 KiB
/// records, a handshake flight) are copied next to each other into one pooled buffer, and <see cref="SendRecords"/> sends
/// them with one system call on the inner socket's engine (libuv's <c>uv_write</c> of the TLS wrap's encrypted
/// output), whose callback says when the kernel took them. So a record costs neither a chunk object nor a trip through
/// the inner socket's stream and outbound buffer, and a large write leaves in few syscalls instead of one per record.
/// When the inner socket has no engine of its own (TLS over another kind of socket) the records go to its
/// <c>Write</c> as before, one by one.
/// </remarks>
internal sealed unsafe class CiphertextStream : Stream, IValueTaskSource<int>
{
    private readonly Socket inner;
    private readonly Action wantMore;
    private readonly Action<Exception> sendFailed;
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
    // The delivery being handled (the inner socket's receive buffer, valid only within Deliver): [currentUsed,
    // currentLength) is not taken yet; it is read after the backlog, and what is left of it is kept at the end.
    private byte* current;
    private int currentLength;
    private int currentUsed;
    // The record framing of what SslStream was given: a read never gets bytes past the end of the record it is in,
    // so once SslStream returned a record's plaintext it holds no ciphertext, and whether it can answer another read
    // without waiting is known here (see Drained). headerSeen counts the 5 header bytes given of the record at hand
    // (0: at a record boundary); recordLeft, once the header is complete, the bytes of its body still to give.
    private int headerSeen;
    private int recordLeft;
    private byte lengthHigh;
    private readonly Action dataArrived;
    // The first bytes the peer sent, to name a failed handshake as Node does (a plaintext HTTP request on a TLS port).
    private ulong firstBytes;
    private int firstCount;

    /// <summary>Reads the handshake's hellos as they pass, both ways, until the handshake is done (then null).</summary>
    internal TlsHelloObserver? Hello;

    // How records leave: decided at the first write (the inner socket is connected by then) and kept, so records
    // never take two ways at once and overtake each other.
    private WriteMode mode;
    private SocketHandle? engine;
    // Records written since the last send, [0, gatherLength) of gather (pooled); gatherDone waits for them to leave.
    private byte[]? gather;
    private int gatherLength;
    private Action<Exception?>? gatherDone;
    // The send in flight (the kernel refused part of it at once): its pooled buffer and who waits for it.
    private byte[]? inFlight;
    private Action<Exception?>? inFlightDone;
    private bool sendInFlight;
    private readonly List<ArraySegment<byte>> sendList = new(1);
    private readonly Action<Exception?> onSent;
    // The inner socket's end (FIN) waits for the records before it.
    private bool endPending;
    // Stream mode: the write whose records the inner socket took past its highWaterMark, done at its 'drain'.
    private Action<Exception?>? drainDone;

    /// <summary>Where records go: not decided yet, the inner socket's engine (gathered), or its Write.</summary>
    private enum WriteMode : byte
    {
        Undecided,
        Engine,
        Stream,
    }

    // Gathered records are sent once they reach this, even within one operation, so a huge write is not held whole.
    private const int GatherLimit = 256 * 1024;

    /// <param name="inner">The socket that carries the ciphertext.</param>
    /// <param name="wantMore">Called when a read has to wait, so the inner socket reads again.</param>
    /// <param name="sendFailed">Told when a send that nobody waits for (a handshake flight, an alert) failed.</param>
    /// <param name="dataArrived">Told when ciphertext arrived (or EOF) while no read waits for it, so the reader can start one.</param>
    internal CiphertextStream(Socket inner, Action wantMore, Action<Exception> sendFailed, Action dataArrived)
    {
        this.inner = inner;
        this.wantMore = wantMore;
        this.sendFailed = sendFailed;
        this.dataArrived = dataArrived;
        onSent = OnSent;
    }

    /// <summary>True while the inner socket refused a write (past its highWaterMark) since the last <see cref="ResetFull"/>.</summary>
    internal bool InnerFull { get; private set; }

    /// <summary>True while SslStream waits for ciphertext.</summary>
    internal bool ReadPending => readPending;

    /// <summary>True while written records have not left yet and someone waits for them.</summary>
    internal bool Waiting => gatherDone is not null || inFlightDone is not null || drainDone is not null;

    internal void ResetFull() => InnerFull = false;

    /// <summary>
    /// Sends the records written since the last flush and calls <paramref name="done"/> (if any) once they left: at
    /// once when the kernel took them, else when the rest went out (or, in stream mode, at the inner socket's
    /// <c>'drain'</c> if it went past its highWaterMark). Records of operations that nobody waits for (handshake
    /// flights, alerts) leave through the same call with no callback.
    /// </summary>
    internal void SendRecords(Action<Exception?>? done = null)
    {
        if (aborted)
        {
            return;
        }
        if (mode != WriteMode.Engine)
        {
            if (done is null)
            {
                return;
            }
            if (InnerFull && !inner.Destroyed)
            {
                drainDone = done;
                return;
            }
            done(null);
            return;
        }
        if (done is not null)
        {
            gatherDone = gatherDone is null ? done : Both(gatherDone, done);
        }
        if (sendInFlight)
        {
            // Goes out after the send in flight, with whatever joins it meanwhile.
            return;
        }
        if (gatherLength > 0)
        {
            StartSend();
        }
        else if (gatherDone is { } only)
        {
            gatherDone = null;
            only(null);
        }
    }

    /// <summary>The inner socket drained (stream mode): the write held for it is done.</summary>
    internal void OnInnerDrain()
    {
        if (drainDone is { } done)
        {
            drainDone = null;
            done(null);
        }
    }

    /// <summary>Ends the inner socket (FIN) once every record written before has left.</summary>
    internal void EndInner()
    {
        if (mode == WriteMode.Engine && (sendInFlight || gatherLength > 0))
        {
            endPending = true;
            return;
        }
        inner.End();
    }

    private static Action<Exception?> Both(Action<Exception?> first, Action<Exception?> second) =>
        error =>
        {
            first(error);
            second(error);
        };

    private void StartSend()
    {
        sendInFlight = true;
        inFlight = gather;
        inFlightDone = gatherDone;
        int length = gatherLength;
        gather = null;
        gatherLength = 0;
        gatherDone = null;
        sendList.Add(new ArraySegment<byte>(inFlight!, 0, length));
        engine!.Writev(sendList, length, onSent);
    }

    // The engine sent a gathered batch (inline when the kernel took it at once) or failed.
    private void OnSent(Exception? error)
    {
        sendInFlight = false;
        byte[]? sent = inFlight;
        inFlight = null;
        Action<Exception?>? done = inFlightDone;
        inFlightDone = null;
        if (sent is not null && !aborted)
        {
            ArrayPool<byte>.Shared.Return(sent);
        }
        if (error is not null)
        {
            // The connection is broken: whatever waits fails with it, and nothing more is sent.
            Action<Exception?>? next = gatherDone;
            gatherDone = null;
            ReleaseGather();
            endPending = false;
            if (done is null && next is null)
            {
                sendFailed(error);
                return;
            }
            done?.Invoke(error);
            next?.Invoke(error);
            return;
        }
        done?.Invoke(null);
        if (sendInFlight || aborted)
        {
            return;
        }
        if (gatherLength > 0)
        {
            StartSend();
            return;
        }
        if (gatherDone is { } waiting)
        {
            // A write whose records all left with the batch just sent.
            gatherDone = null;
            waiting(null);
            if (sendInFlight || aborted || gatherLength > 0)
            {
                return;
            }
        }
        if (endPending)
        {
            endPending = false;
            inner.End();
        }
    }

    private void ReleaseGather()
    {
        if (gather is not null)
        {
            ArrayPool<byte>.Shared.Return(gather);
            gather = null;
        }
        gatherLength = 0;
    }

    private void Gather(ReadOnlySpan<byte> record)
    {
        if (gather is null || gather.Length - gatherLength < record.Length)
        {
            byte[] grown = ArrayPool<byte>.Shared.Rent(Math.Max(4096, gatherLength + Math.Max(record.Length, 4 * (16 * 1024 + 64))));
            if (gather is not null)
            {
                gather.AsSpan(0, gatherLength).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(gather);
            }
            gather = grown;
        }
        record.CopyTo(gather.AsSpan(gatherLength));
        gatherLength += record.Length;
        if (gatherLength >= GatherLimit && !sendInFlight)
        {
            StartSend();
        }
    }

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

    private int Available => BacklogLength + currentLength - currentUsed;

    /// <summary>
    /// True when SslStream can answer no read without waiting for ciphertext: every record it was given is whole and
    /// was decrypted (the caller knows no plaintext is left over), nothing more is here, and no EOF is to be reported.
    /// The reader then need not start a read that would only wait: <see cref="Deliver"/> calls back when data comes.
    /// </summary>
    internal bool Drained => headerSeen == 0 && !readPending && Available == 0 && !eof && !aborted;

    /// <summary>The reader stops here until data comes: the inner socket reads on.</summary>
    internal void Idle() => wantMore();

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
        if (data.IsEmpty || aborted)
        {
            return readPending || BacklogLength == 0;
        }
        fixed (byte* start = data)
        {
            // SslStream's reads take straight from the delivery (after any backlog): no copy into the backlog first.
            current = start;
            currentLength = data.Length;
            currentUsed = 0;
            try
            {
                while (readPending && !aborted && Available > 0)
                {
                    if (pendingBuffer.IsEmpty)
                    {
                        // A zero-byte read waits for data to be there: say so.
                        Complete(0);
                        break;
                    }
                    Complete(Take(pendingBuffer.Span));
                }
                if (!readPending && !aborted && Available > 0)
                {
                    // Nobody waits: the reader starts a read now, which SslStream answers from this delivery at once.
                    dataArrived();
                }
            }
            finally
            {
                if (!aborted && currentUsed < currentLength)
                {
                    Keep(new ReadOnlySpan<byte>(current + currentUsed, currentLength - currentUsed));
                }
                current = null;
                currentLength = currentUsed = 0;
            }
        }
        // Back-pressure: read on only while SslStream wants more than it was given.
        return readPending || BacklogLength == 0;
    }

    // Copies into dest what is here (the backlog, then the delivery at hand), up to the end of the record it is in.
    private int Take(Span<byte> dest)
    {
        int n = 0;
        bool recordEnded = false;
        while (n < dest.Length && !recordEnded)
        {
            ReadOnlySpan<byte> source;
            bool fromBacklog = BacklogLength > 0;
            if (fromBacklog)
            {
                source = backlog.AsSpan(backlogStart, BacklogLength);
            }
            else if (currentUsed < currentLength)
            {
                source = new ReadOnlySpan<byte>(current + currentUsed, currentLength - currentUsed);
            }
            else
            {
                break;
            }
            int k = Frame(source, dest[n..], out recordEnded);
            n += k;
            if (fromBacklog)
            {
                backlogStart += k;
                if (backlogStart == backlogEnd)
                {
                    backlogStart = backlogEnd = 0;
                }
            }
            else
            {
                currentUsed += k;
            }
        }
        return n;
    }

    // Copies from source into dest up to the end of the current TLS record (RFC 8446 5.1: type, version, 16-bit
    // length, then the body), following the framing across calls.
    private int Frame(ReadOnlySpan<byte> source, Span<byte> dest, out bool recordEnded)
    {
        recordEnded = false;
        int n = 0;
        int limit = Math.Min(source.Length, dest.Length);
        while (n < limit)
        {
            if (headerSeen < 5)
            {
                byte b = source[n];
                dest[n++] = b;
                if (headerSeen == 3)
                {
                    lengthHigh = b;
                }
                else if (headerSeen == 4)
                {
                    recordLeft = (lengthHigh << 8) | b;
                }
                headerSeen++;
                if (headerSeen == 5 && recordLeft == 0)
                {
                    headerSeen = 0;
                    recordEnded = true;
                    return n;
                }
                continue;
            }
            int k = Math.Min(recordLeft, limit - n);
            source.Slice(n, k).CopyTo(dest[n..]);
            n += k;
            recordLeft -= k;
            if (recordLeft == 0)
            {
                headerSeen = 0;
                recordEnded = true;
                return n;
            }
        }
        return n;
    }

    /// <summary>The inner socket reached EOF: a waiting read (and every later one, once the backlog is used) returns 0.</summary>
    internal void OnEof()
    {
        eof = true;
        if (readPending && BacklogLength == 0)
        {
            Complete(0);
        }
        else if (!readPending && !aborted)
        {
            dataArrived();
        }
    }

    /// <summary>
    /// Fails a waiting read and every later one (the socket is being destroyed); gathered records are dropped, callbacks
    /// waiting for records are not called, and a buffer a send still holds is left to the collector.
    /// </summary>
    /// <param name="sendRest">Send the gathered records first if the kernel takes them at once (a graceful destroy).</param>
    internal void Abort(bool sendRest = false)
    {
        gatherDone = null;
        inFlightDone = null;
        drainDone = null;
        endPending = false;
        if (sendRest && !aborted && mode == WriteMode.Engine && !sendInFlight && gatherLength > 0)
        {
            StartSend();
        }
        aborted = true;
        ReleaseGather();
        inFlight = null;
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
        if (Available > 0)
        {
            return new ValueTask<int>(buffer.IsEmpty ? 0 : Take(buffer.Span));
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
        if (aborted || inner.Destroyed || inner.WritableEnded || endPending)
        {
            // The transport is gone (or ended under us): the record goes nowhere, as a write to a closed TLS socket.
            return ValueTask.CompletedTask;
        }
        Hello?.OnSent(buffer.Span);
        if (mode == WriteMode.Undecided)
        {
            Decide();
        }
        if (mode == WriteMode.Engine)
        {
            Gather(buffer.Span);
        }
        else if (!inner.Write(buffer))
        {
            InnerFull = true;
        }
        return ValueTask.CompletedTask;
    }

    // The engine is used only when nothing the inner socket was given before is still on its way out.
    private void Decide()
    {
        if (inner.Handle is { Closed: false } handle && !inner.Connecting && inner.WritableLength == 0 && !handle.WritePending)
        {
            engine = handle;
            mode = WriteMode.Engine;
        }
        else
        {
            mode = WriteMode.Stream;
        }
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
