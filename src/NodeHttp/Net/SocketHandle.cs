using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using OsSocket = System.Net.Sockets.Socket;

namespace NodeHttp;

/// <summary>
/// The I/O engine under a <see cref="Socket"/>: libuv's <c>uv_tcp_t</c>/<c>uv_pipe_t</c> with its stream
/// reading and writing, done the libuv way so that a request costs no thread hop.
/// </summary>
/// <remarks>
/// <para>Reads: a zero-byte <c>ReceiveAsync</c> waits for readiness on one reused
/// <see cref="SocketAsyncEventArgs"/>; its completion is queued to the loop, which drains the kernel
/// with non-blocking <c>Receive</c> calls into the loop thread's receive buffer and hands each read to the
/// owner. While the owner does not want data (paused, or over its highWaterMark) no wait is posted, so the
/// kernel buffer fills and TCP flow control slows the peer.</para>
/// <para>Writes: tried inline with a non-blocking (gathered) <c>Send</c> on the loop; only what the kernel
/// refuses goes to one asynchronous send whose completion is queued back to the loop. At most one write is
/// in flight (the owner's writable state serialises writes).</para>
/// <para>Invariant: every member runs on <see cref="Loop"/>'s thread except the <c>Completed</c> handlers,
/// which only queue work to the loop.</para>
/// </remarks>
internal sealed class SocketHandle
{
    /// <summary>Size of a loop's receive buffer: libuv hands Node 64 KiB per read.</summary>
    internal const int ReceiveBufferSize = 64 * 1024;

    // Reads per readiness batch before yielding to other work (libuv reads up to 32 times per event).
    private const int MaxReadsPerBatch = 32;

    [ThreadStatic]
    private static byte[]? receiveBuffer;

    private static readonly EventHandler<SocketAsyncEventArgs> ReadReadyCompleted =
        static (_, e) => { var h = (SocketHandle)e.UserToken!; h.Loop.QueueIo(OnReadReadyOnLoop, h); };

    private static readonly EventHandler<SocketAsyncEventArgs> SendCompleted =
        static (_, e) => { var h = (SocketHandle)e.UserToken!; h.Loop.QueueIo(OnSendCompletedOnLoop, h); };

    private static readonly EventHandler<SocketAsyncEventArgs> ConnectCompleted =
        static (_, e) => { var h = (SocketHandle)e.UserToken!; h.Loop.QueueIo(OnConnectCompletedOnLoop, h); };

    private static readonly Action<object?> ContinueReading = static s => ((SocketHandle)s!).Drain();

    private readonly ISocketHandleOwner owner;
    private readonly List<ArraySegment<byte>> segments = new();

    private SocketAsyncEventArgs? readArgs;
    private SocketAsyncEventArgs? writeArgs;
    private SocketAsyncEventArgs? connectArgs;
    private Action<Exception?>? pendingWriteCallback;
    private int pendingWriteBytes;

    // Read state. `wantRead`: the owner asked for data and has not refused any since. `readRequests` counts
    // owner requests so a request made re-entrantly while a read is being delivered is not lost.
    // `waitPending`: a readiness wait is in flight (never two). `draining`: Drain is on the stack.
    private bool wantRead;
    private int readRequests;
    private bool waitPending;
    private bool draining;
    private bool drainScheduled;
    private bool eof;

    /// <summary>Creates a handle that is not yet connected (see <see cref="Connect"/>).</summary>
    internal SocketHandle(EventLoop loop, ISocketHandleOwner owner)
    {
        Loop = loop;
        this.owner = owner;
    }

    /// <summary>Wraps a connected (accepted) socket.</summary>
    internal SocketHandle(EventLoop loop, ISocketHandleOwner owner, OsSocket connected)
        : this(loop, owner)
    {
        Os = connected;
        Os.Blocking = false;
    }

    /// <summary>The owning loop.</summary>
    internal EventLoop Loop { get; }

    /// <summary>The operating-system socket; null before <see cref="Connect"/>.</summary>
    internal OsSocket? Os { get; private set; }

    /// <summary>True once <see cref="Close"/> ran.</summary>
    internal bool Closed { get; private set; }

    /// <summary>Bytes received from the kernel.</summary>
    internal long BytesRead { get; private set; }

    /// <summary>Bytes handed to the kernel (inline and asynchronous sends).</summary>
    internal long BytesSent { get; private set; }

    /// <summary>True while an asynchronous send is in flight.</summary>
    internal bool WritePending => pendingWriteCallback is not null;

    /// <summary>The bytes of the asynchronous send in flight (Node's <c>writeQueueSize</c>).</summary>
    internal int PendingWriteBytes => pendingWriteBytes;

    /// <summary>
    /// Starts connecting <paramref name="socket"/> to <paramref name="endPoint"/>; the owner's
    /// <see cref="ISocketHandleOwner.OnConnect"/> runs on the loop when it succeeds or fails.
    /// </summary>
    internal void Connect(OsSocket socket, EndPoint endPoint)
    {
        Os = socket;
        connectArgs = new SocketAsyncEventArgs { RemoteEndPoint = endPoint, UserToken = this };
        connectArgs.Completed += ConnectCompleted;
        bool pending;
        try
        {
            pending = socket.ConnectAsync(connectArgs);
        }
        catch (SocketException ex)
        {
            connectArgs.SocketError = ex.SocketErrorCode;
            pending = false;
        }
        if (!pending)
        {
            // Completed (or failed) at once: still report on a later turn, as libuv does.
            Loop.QueueIo(OnConnectCompletedOnLoop, this);
        }
    }

    private static void OnConnectCompletedOnLoop(object? state)
    {
        var h = (SocketHandle)state!;
        SocketAsyncEventArgs args = h.connectArgs!;
        h.connectArgs = null;
        SocketError error = args.SocketError;
        args.Dispose();
        if (h.Closed)
        {
            return;
        }
        if (error == SocketError.Success)
        {
            h.Os!.Blocking = false;
        }
        h.owner.OnConnect(error);
    }

    /// <summary>
    /// The owner wants data (Node's <c>readStart</c>, from <c>_read</c>): reads what the kernel has now and
    /// waits for readiness when it has nothing.
    /// </summary>
    internal void ReadStart()
    {
        readRequests++;
        wantRead = true;
        if (Closed || eof || Os is null || draining || waitPending || drainScheduled)
        {
            return;
        }
        Drain();
    }

    /// <summary>The owner wants no more data for now (Node's <c>readStop</c>): no new readiness wait is posted.</summary>
    internal void ReadStop() => wantRead = false;

    private static void OnReadReadyOnLoop(object? state)
    {
        var h = (SocketHandle)state!;
        h.waitPending = false;
        if (h.Closed)
        {
            h.readArgs?.Dispose();
            h.readArgs = null;
            h.FinishClose();
            return;
        }
        SocketError error = h.readArgs!.SocketError;
        if (error != SocketError.Success && error != SocketError.WouldBlock)
        {
            h.ReadFailed(error);
            return;
        }
        h.Drain();
    }

    private void Drain()
    {
        drainScheduled = false;
        if (Closed || eof || !wantRead)
        {
            return;
        }
        byte[] buffer = receiveBuffer ??= GC.AllocateUninitializedArray<byte>(ReceiveBufferSize);
        OsSocket os = Os!;
        draining = true;
        try
        {
            for (int i = 0; i < MaxReadsPerBatch; i++)
            {
                int n = os.Receive(buffer, 0, buffer.Length, SocketFlags.None, out SocketError error);
                if (error == SocketError.WouldBlock || error == SocketError.TryAgain)
                {
                    ArmReadWait();
                    return;
                }
                if (error != SocketError.Success)
                {
                    ReadFailed(error);
                    return;
                }
                if (n == 0)
                {
                    eof = true;
                    wantRead = false;
                    owner.OnEof();
                    return;
                }
                BytesRead += n;
                int requestsBefore = readRequests;
                bool more = owner.OnData(new ReadOnlySpan<byte>(buffer, 0, n));
                if (Closed || eof)
                {
                    return;
                }
                if (!more && readRequests == requestsBefore)
                {
                    wantRead = false;
                }
                if (!wantRead)
                {
                    return;
                }
                if (n < buffer.Length)
                {
                    // A short read drained the kernel: wait for readiness instead of paying for an EAGAIN.
                    ArmReadWait();
                    return;
                }
            }
            // Yield to the loop's other work, then go on reading.
            drainScheduled = true;
            Loop.Post(ContinueReading, this);
        }
        finally
        {
            draining = false;
        }
    }

    private void ArmReadWait()
    {
        if (waitPending || Closed || !wantRead)
        {
            return;
        }
        if (readArgs is null)
        {
            readArgs = new SocketAsyncEventArgs { UserToken = this };
            readArgs.SetBuffer(Memory<byte>.Empty);
            readArgs.Completed += ReadReadyCompleted;
        }
        waitPending = true;
        bool pending;
        try
        {
            pending = Os!.ReceiveAsync(readArgs);
        }
        catch (ObjectDisposedException)
        {
            waitPending = false;
            return;
        }
        catch (SocketException ex)
        {
            waitPending = false;
            ReadFailed(ex.SocketErrorCode);
            return;
        }
        if (!pending)
        {
            // Data (or EOF) is already there: go round through the loop so a busy socket cannot starve others.
            waitPending = false;
            drainScheduled = true;
            Loop.Post(ContinueReading, this);
        }
    }

    private void ReadFailed(SocketError error)
    {
        wantRead = false;
        if (error == SocketError.OperationAborted || Closed)
        {
            return;
        }
        owner.OnReadError(error);
    }

    /// <summary>Sends <paramref name="data"/> (Node's <c>writeBuffer</c>): inline if the kernel takes it all, else the rest asynchronously.</summary>
    internal void Write(ReadOnlyMemory<byte> data, Action<Exception?> callback)
    {
        if (Closed)
        {
            callback(SystemErrors.Create("EPIPE", "write"));
            return;
        }
        int sent = 0;
        if (!data.IsEmpty)
        {
            sent = Os!.Send(data.Span, SocketFlags.None, out SocketError error);
            if (error != SocketError.Success && error != SocketError.WouldBlock)
            {
                callback(WriteError(error));
                return;
            }
            if (sent < 0)
            {
                sent = 0;
            }
        }
        BytesSent += sent;
        if (sent == data.Length)
        {
            callback(null);
            return;
        }
        SocketAsyncEventArgs args = EnsureWriteArgs();
        args.BufferList = null;
        args.SetBuffer(MemoryMarshal.AsMemory(data[sent..]));
        StartAsyncSend(args, data.Length - sent, callback);
    }

    /// <summary>Sends all <paramref name="chunks"/> with one gathered system call when the kernel takes them (Node's <c>writevGeneric</c>).</summary>
    internal void Writev(IReadOnlyList<NodeBuffer> chunks, Action<Exception?> callback)
    {
        if (chunks.Count == 1)
        {
            Write(chunks[0].Memory, callback);
            return;
        }
        if (Closed)
        {
            callback(SystemErrors.Create("EPIPE", "write"));
            return;
        }
        segments.Clear();
        long total = 0;
        for (int i = 0; i < chunks.Count; i++)
        {
            ReadOnlyMemory<byte> m = chunks[i].Memory;
            if (m.IsEmpty)
            {
                continue;
            }
            segments.Add(MemoryMarshal.TryGetArray(m, out ArraySegment<byte> seg) ? seg : new ArraySegment<byte>(m.ToArray()));
            total += m.Length;
        }
        Gathered(total, callback);
    }

    /// <summary>Sends pre-encoded memory blocks gathered in one system call (the Http layer's head + body).</summary>
    internal void Writev(IReadOnlyList<ReadOnlyMemory<byte>> chunks, Action<Exception?> callback)
    {
        if (Closed)
        {
            callback(SystemErrors.Create("EPIPE", "write"));
            return;
        }
        segments.Clear();
        long total = 0;
        for (int i = 0; i < chunks.Count; i++)
        {
            ReadOnlyMemory<byte> m = chunks[i];
            if (m.IsEmpty)
            {
                continue;
            }
            segments.Add(MemoryMarshal.TryGetArray(m, out ArraySegment<byte> seg) ? seg : new ArraySegment<byte>(m.ToArray()));
            total += m.Length;
        }
        Gathered(total, callback);
    }

    private void Gathered(long total, Action<Exception?> callback)
    {
        if (total == 0)
        {
            callback(null);
            return;
        }
        int sent = Os!.Send(segments, SocketFlags.None, out SocketError error);
        if (error != SocketError.Success && error != SocketError.WouldBlock)
        {
            segments.Clear();
            callback(WriteError(error));
            return;
        }
        if (sent < 0)
        {
            sent = 0;
        }
        BytesSent += sent;
        if (sent == total)
        {
            segments.Clear();
            callback(null);
            return;
        }
        // The kernel took part: the rest goes asynchronously, in a list the args own until completion.
        var rest = new List<ArraySegment<byte>>(segments.Count);
        int skip = sent;
        foreach (ArraySegment<byte> seg in segments)
        {
            if (skip >= seg.Count)
            {
                skip -= seg.Count;
                continue;
            }
            rest.Add(skip == 0 ? seg : seg.Slice(skip));
            skip = 0;
        }
        segments.Clear();
        SocketAsyncEventArgs args = EnsureWriteArgs();
        args.SetBuffer(null, 0, 0);
        args.BufferList = rest;
        StartAsyncSend(args, (int)(total - sent), callback);
    }

    private SocketAsyncEventArgs EnsureWriteArgs()
    {
        if (writeArgs is null)
        {
            writeArgs = new SocketAsyncEventArgs { UserToken = this };
            writeArgs.Completed += SendCompleted;
        }
        return writeArgs;
    }

    private void StartAsyncSend(SocketAsyncEventArgs args, int bytes, Action<Exception?> callback)
    {
        pendingWriteCallback = callback;
        pendingWriteBytes = bytes;
        bool pending;
        try
        {
            pending = Os!.SendAsync(args);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
        {
            args.SocketError = ex is SocketException se ? se.SocketErrorCode : SocketError.OperationAborted;
            pending = false;
        }
        if (!pending)
        {
            OnSendCompletedOnLoop(this);
        }
    }

    private static void OnSendCompletedOnLoop(object? state)
    {
        var h = (SocketHandle)state!;
        SocketAsyncEventArgs args = h.writeArgs!;
        Action<Exception?>? callback = h.pendingWriteCallback;
        h.pendingWriteCallback = null;
        h.pendingWriteBytes = 0;
        SocketError error = args.SocketError;
        int transferred = args.BytesTransferred;
        args.BufferList = null;
        args.SetBuffer(null, 0, 0);
        if (h.Closed)
        {
            // Destroyed while the send was in flight: the stream already failed its pending writes.
            args.Dispose();
            h.writeArgs = null;
            h.FinishClose();
            return;
        }
        h.BytesSent += transferred;
        callback?.Invoke(error == SocketError.Success ? null : WriteError(error));
    }

    private static NodeHttpException WriteError(SocketError error) => SystemErrors.Create(SystemErrors.CodeOf(error), "write");

    /// <summary>Half-closes the sending side (Node's <c>shutdown</c>); false when the socket is gone.</summary>
    internal SocketError Shutdown()
    {
        if (Closed || Os is null)
        {
            return SocketError.NotConnected;
        }
        try
        {
            Os.Shutdown(SocketShutdown.Send);
            return SocketError.Success;
        }
        catch (SocketException ex)
        {
            return ex.SocketErrorCode;
        }
        catch (ObjectDisposedException)
        {
            return SocketError.NotConnected;
        }
    }

    private void FinishClose()
    {
        if (Closed && !waitPending && pendingWriteCallback is null)
        {
            Os?.Dispose();
        }
    }

    /// <summary>
    /// Closes the socket (Node's <c>handle.close</c>); in-flight waits and sends complete as aborted on the
    /// loop and are ignored. <paramref name="reset"/> sends RST (linger 0), as Node's <c>resetAndDestroy</c>.
    /// </summary>
    internal void Close(bool reset = false)
    {
        if (Closed)
        {
            return;
        }
        Closed = true;
        wantRead = false;
        OsSocket? os = Os;
        if (os is not null)
        {
            if (reset)
            {
                try
                {
                    os.LingerState = new LingerOption(true, 0);
                }
                catch (SocketException)
                {
                    // Already reset by the peer: nothing to abort.
                }
                os.Dispose();
            }
            else if (waitPending || pendingWriteCallback is not null || connectArgs is not null)
            {
                // .NET closes a socket abortively (RST) when disposing it aborts a pending operation; Node's
                // destroy sends FIN. So shut it down first: the pending wait and send complete (EOF/EPIPE) on
                // the loop, and FinishClose disposes the socket once nothing is in flight.
                try
                {
                    os.Shutdown(SocketShutdown.Both);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    os.Dispose();
                }
                if (connectArgs is not null)
                {
                    os.Dispose();
                }
            }
            else
            {
                os.Dispose();
            }
        }
        if (!waitPending)
        {
            readArgs?.Dispose();
            readArgs = null;
        }
        if (pendingWriteCallback is null)
        {
            writeArgs?.Dispose();
            writeArgs = null;
        }
    }
}
