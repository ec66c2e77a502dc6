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
/// <para>Two backends, chosen by the loop's poller.</para>
/// <para><b>epoll</b> (<see cref="EventLoop.Epoll"/>, Linux): the fd is registered with the loop's epoll
/// (lazily, the first time the handle has to wait), and the loop thread makes every system call. Reads: on
/// readiness the loop drains the kernel with non-blocking <c>Receive</c> into the loop thread's receive
/// buffer and hands each read to the owner. Writes: a non-blocking (gathered) <c>Send</c> inline; what the
/// kernel refuses stays where it is (slices of the caller's immutable chunks, nothing copied) and goes out on
/// <c>EPOLLOUT</c>; the write's callback runs when the last byte is taken. Connects are non-blocking
/// connects completed on <c>EPOLLOUT</c> with an <c>SO_ERROR</c> check. No .NET asynchronous socket
/// operation is ever started, so .NET's own socket engine never sees the fd.</para>
/// <para><b>portable</b> (elsewhere): a zero-byte <c>ReceiveAsync</c> on one reused
/// <see cref="SocketAsyncEventArgs"/> waits for readiness and its completion is queued to the loop, which
/// then drains as above; only what the kernel refuses to take inline goes to one asynchronous send.</para>
/// <para>Both: while the owner does not want data (paused, or over its highWaterMark) nothing is read, so
/// the kernel buffer fills and TCP flow control slows the peer. At most one write is in flight (the owner's
/// writable state serialises writes).</para>
/// <para>Invariant: every member runs on <see cref="Loop"/>'s thread except the portable backend's
/// <c>Completed</c> handlers, which only queue work to the loop.</para>
/// </remarks>
internal sealed class SocketHandle : IoWatcher, ISocketTransport
{
    // Edge-triggered, registered once for everything: EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, never
    // modified until EPOLL_CTL_DEL at close. Level-triggered epoll would need an EPOLL_CTL_MOD each time the
    // interest changes (every pause/resume of reading, every blocked write), or report a paused socket's
    // unread data on every turn. With edge-triggering the kernel reports a change (new data, FIN, error,
    // send space freed after a send hit a full buffer) once, so the handle keeps what it learnt itself:
    // `readable` stays true until a read proves the receive queue empty (EAGAIN, or a short read — the
    // kernel queues a new edge for any data arriving after that read), and a resumed reader reads at once if
    // `readable` is still set. A blocked send set the socket's no-space flag, so the space freed later comes
    // back as an EPOLLOUT edge. The price: a paused reader is still told once per arriving segment until its
    // receive window closes; that costs a loop turn, not a system call.
    private const uint EpollInterest = Libc.EPOLLIN | Libc.EPOLLOUT | Libc.EPOLLRDHUP | Libc.EPOLLET;
    private const uint ReadEvents = Libc.EPOLLIN | Libc.EPOLLRDHUP | Libc.EPOLLHUP | Libc.EPOLLERR;
    private const uint HangupEvents = Libc.EPOLLRDHUP | Libc.EPOLLHUP | Libc.EPOLLERR;
    private const uint WriteEvents = Libc.EPOLLOUT | Libc.EPOLLHUP | Libc.EPOLLERR;

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
    private readonly EpollPoller? epoll;

    // epoll backend. `readable`: the kernel may have data, EOF or an error to report (unknown counts as yes).
    // `hangup`: the peer closed or the socket failed; a short read then no longer proves the queue drained, as
    // the FIN may be behind the data and no new edge would come for it. `connectPending`: a non-blocking connect
    // waits for EPOLLOUT. The unsent rest of a blocked write is `restSingle` (a slice of the caller's memory) or
    // `restList` (slices of the gathered chunks).
    private bool readable = true;
    private bool hangup;
    private bool connectPending;
    private SocketError connectError;
    private ReadOnlyMemory<byte> restSingle;
    private List<ArraySegment<byte>>? restList;

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
        epoll = loop.Epoll;
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

    /// <summary>
    /// libuv's active stream handle (<c>uv__handle_start</c>/<c>uv__handle_stop</c>): open and reading (asked for data,
    /// no EOF yet), or with a write in flight. The owner keeps a loop ref only while this holds (or while connecting);
    /// every change is reported with <see cref="ISocketHandleOwner.OnActiveChanged"/>.
    /// </summary>
    internal bool Active => !Closed && ((wantRead && !eof) || pendingWriteCallback is not null);

    /// <summary>The bytes of the asynchronous send in flight (Node's <c>writeQueueSize</c>).</summary>
    internal int PendingWriteBytes => pendingWriteBytes;

    /// <summary>
    /// Starts connecting <paramref name="socket"/> to <paramref name="endPoint"/>; the owner's
    /// <see cref="ISocketHandleOwner.OnConnect"/> runs on the loop when it succeeds or fails.
    /// </summary>
    internal void Connect(OsSocket socket, EndPoint endPoint)
    {
        Os = socket;
        if (epoll is not null)
        {
            ConnectNonBlocking(socket, endPoint);
            return;
        }
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

    // epoll: libuv's uv__stream_connect. The connect is started non-blocking; it nearly always answers
    // EINPROGRESS (WouldBlock from .NET), and completion (or failure) is the fd becoming writable, with the
    // outcome in SO_ERROR.
    private void ConnectNonBlocking(OsSocket socket, EndPoint endPoint)
    {
        SocketError error = SocketError.Success;
        try
        {
            socket.Blocking = false;
            socket.Connect(endPoint);
        }
        catch (SocketException ex)
        {
            error = ex.SocketErrorCode;
        }
        if (error is SocketError.WouldBlock or SocketError.InProgress or SocketError.AlreadyInProgress)
        {
            connectPending = true;
            if (!EnsureRegistered())
            {
                connectPending = false;
                connectError = SocketError.NoBufferSpaceAvailable;
                Loop.QueueIo(OnConnectDoneOnLoop, this);
            }
            return;
        }
        // Completed (or failed) at once: still report on a later turn, as libuv does.
        connectError = error;
        Loop.QueueIo(OnConnectDoneOnLoop, this);
    }

    private static void OnConnectDoneOnLoop(object? state)
    {
        var h = (SocketHandle)state!;
        if (!h.Closed)
        {
            h.FinishConnect(h.connectError);
        }
    }

    private void FinishConnect(SocketError error)
    {
        if (error == SocketError.Success)
        {
            // Lets .NET's Socket record the non-blocking connect as done (Connected, RemoteEndPoint).
            _ = Os!.Connected;
        }
        owner.OnConnect(error);
    }

    /// <summary>Registers the fd with the loop's epoll if it is not yet; false if the kernel refused (out of memory).</summary>
    private bool EnsureRegistered()
    {
        if (IsRegistered || Closed)
        {
            return true;
        }
        return epoll!.Register(this, Os!.SafeHandle, EpollInterest) == 0;
    }

    /// <inheritdoc/>
    internal override void OnIoReady(uint events)
    {
        if (Closed)
        {
            return;
        }
        if (connectPending)
        {
            if ((events & WriteEvents) != 0)
            {
                connectPending = false;
                SocketError error;
                try
                {
                    error = (SocketError)(int)Os!.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
                }
                catch (SocketException ex)
                {
                    error = ex.SocketErrorCode;
                }
                if (error == SocketError.Success && (events & (Libc.EPOLLERR | Libc.EPOLLHUP)) != 0)
                {
                    error = SocketError.ConnectionRefused;
                }
                FinishConnect(error);
            }
            return;
        }
        // Reads first, then writes, as libuv's uv__stream_io.
        if ((events & ReadEvents) != 0)
        {
            readable = true;
            if ((events & HangupEvents) != 0)
            {
                hangup = true;
            }
            if (wantRead && !draining && !drainScheduled && !eof)
            {
                Drain();
            }
        }
        if ((events & WriteEvents) != 0 && pendingWriteCallback is not null && !Closed)
        {
            SendRest();
        }
    }

    /// <summary>
    /// The owner wants data (Node's <c>readStart</c>, from <c>_read</c>): reads what the kernel has now and
    /// waits for readiness when it has nothing.
    /// </summary>
    internal void ReadStart()
    {
        readRequests++;
        SetWantRead(true);
        if (Closed || eof || Os is null || draining || waitPending || drainScheduled || connectPending)
        {
            return;
        }
        if (epoll is not null && !readable)
        {
            // Drained last time; the next edge will say when there is more.
            return;
        }
        Drain();
    }

    private void SetWantRead(bool value)
    {
        if (wantRead != value)
        {
            wantRead = value;
            owner.OnActiveChanged();
        }
    }

    /// <summary>The owner wants no more data for now (Node's <c>readStop</c>): no new readiness wait is posted.</summary>
    internal void ReadStop() => SetWantRead(false);

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
                    SetWantRead(false);
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
                    SetWantRead(false);
                }
                if (n < buffer.Length && hangup && epoll is not null)
                {
                    // The peer hung up: its FIN (or an error) may be queued behind this data with no edge left to
                    // come, so read again — in a later turn, as libuv's level-triggered poll reports the FIN on its
                    // next iteration: the ticks this data's callback queued run before 'end'.
                    if (wantRead)
                    {
                        drainScheduled = true;
                        Loop.Post(ContinueReading, this);
                    }
                    return;
                }
                if (n < buffer.Length)
                {
                    // A short read drained the kernel: wait for readiness instead of paying for an EAGAIN. (epoll:
                    // data arriving after this read is a new edge, wanted or not.)
                    if (wantRead || epoll is not null)
                    {
                        ArmReadWait();
                    }
                    return;
                }
                if (!wantRead)
                {
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
        if (epoll is not null)
        {
            // epoll: the queue is empty (EAGAIN or a short read); wait for the next edge.
            readable = false;
            if (!Closed && !EnsureRegistered())
            {
                ReadFailed(SocketError.NoBufferSpaceAvailable);
            }
            return;
        }
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
        SetWantRead(false);
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
        if (epoll is not null)
        {
            restSingle = data[sent..];
            restList = null;
            BlockWrite(data.Length - sent, callback);
            return;
        }
        SocketAsyncEventArgs args = EnsureWriteArgs();
        args.BufferList = null;
        args.SetBuffer(MemoryMarshal.AsMemory(data[sent..]));
        StartAsyncSend(args, data.Length - sent, callback);
    }

    /// <summary>
    /// Sends <paramref name="list"/> (<paramref name="total"/> bytes) with one gathered system call when the kernel
    /// takes it; the list is cleared before this returns (a rest the kernel refused is kept in a list of its own).
    /// </summary>
    internal void Writev(List<ArraySegment<byte>> list, long total, Action<Exception?> callback)
    {
        if (Closed)
        {
            list.Clear();
            callback(SystemErrors.Create("EPIPE", "write"));
            return;
        }
        if (list.Count == 1)
        {
            ArraySegment<byte> only = list[0];
            list.Clear();
            Write(only, callback);
            return;
        }
        Gathered(list, total, callback);
    }

    private void Gathered(List<ArraySegment<byte>> segments, long total, Action<Exception?> callback)
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
        if (epoll is not null)
        {
            restSingle = default;
            restList = rest;
            BlockWrite((int)(total - sent), callback);
            return;
        }
        SocketAsyncEventArgs args = EnsureWriteArgs();
        args.SetBuffer(null, 0, 0);
        args.BufferList = rest;
        StartAsyncSend(args, (int)(total - sent), callback);
    }

    // epoll: the kernel refused part of a write; the rest waits for EPOLLOUT (libuv's uv__write with
    // uv__io_start(POLLOUT)). The callback runs once the last byte is taken.
    private void BlockWrite(int bytes, Action<Exception?> callback)
    {
        pendingWriteCallback = callback;
        pendingWriteBytes = bytes;
        owner.OnActiveChanged();
        if (!EnsureRegistered())
        {
            CompleteBlockedWrite(WriteError(SocketError.NoBufferSpaceAvailable));
        }
    }

    // epoll: the socket has send space again (or failed); one non-blocking send of what is left. A partial
    // send leaves the no-space flag set, so the next EPOLLOUT edge brings us back.
    private void SendRest()
    {
        OsSocket os = Os!;
        SocketError error;
        int sent = restList is null
            ? os.Send(restSingle.Span, SocketFlags.None, out error)
            : os.Send(restList, SocketFlags.None, out error);
        if (error != SocketError.Success && error != SocketError.WouldBlock)
        {
            CompleteBlockedWrite(WriteError(error));
            return;
        }
        if (sent <= 0)
        {
            return;
        }
        BytesSent += sent;
        pendingWriteBytes -= sent;
        if (pendingWriteBytes <= 0)
        {
            CompleteBlockedWrite(null);
            return;
        }
        if (restList is null)
        {
            restSingle = restSingle[sent..];
            return;
        }
        int skip = sent;
        int drop = 0;
        while (drop < restList.Count && skip >= restList[drop].Count)
        {
            skip -= restList[drop].Count;
            drop++;
        }
        restList.RemoveRange(0, drop);
        if (skip > 0)
        {
            restList[0] = restList[0].Slice(skip);
        }
    }

    private void CompleteBlockedWrite(Exception? error)
    {
        Action<Exception?>? callback = pendingWriteCallback;
        pendingWriteCallback = null;
        pendingWriteBytes = 0;
        restSingle = default;
        restList = null;
        owner.OnActiveChanged();
        callback?.Invoke(error);
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
        owner.OnActiveChanged();
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
        h.owner.OnActiveChanged();
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

    // epoll: libuv's uv__stream_close. EPOLL_CTL_DEL first, and the SafeHandle reference dropped, so that
    // disposing closes the fd right away: .NET, finding the handle still in use, would try to unblock its
    // users by disconnecting the socket (an RST). No .NET asynchronous operation was ever started on the
    // socket, so the close is graceful — the peer sees FIN after whatever the kernel still has to send — unless
    // `reset` asks for RST (linger 0). The unsent rest of a blocked write is dropped without its callback: the
    // stream being destroyed has already failed its pending writes.
    private void CloseEpoll(OsSocket? os, bool reset)
    {
        epoll!.Unregister(this);
        connectPending = false;
        pendingWriteCallback = null;
        pendingWriteBytes = 0;
        restSingle = default;
        restList = null;
        if (os is null)
        {
            return;
        }
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
        }
        os.Dispose();
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
        owner.OnActiveChanged();
        OsSocket? os = Os;
        if (epoll is not null)
        {
            CloseEpoll(os, reset);
            return;
        }
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

    // The transport seam (ISocketTransport): the engine's own members, for a Socket that may hold another transport.
    OsSocket? ISocketTransport.Os => Os;

    bool ISocketTransport.Closed => Closed;

    long ISocketTransport.BytesRead => BytesRead;

    bool ISocketTransport.WritePending => WritePending;

    void ISocketTransport.ReadStart() => ReadStart();

    void ISocketTransport.ReadStop() => ReadStop();

    void ISocketTransport.Writev(List<ArraySegment<byte>> list, long total, Action<Exception?> callback) => Writev(list, total, callback);

    SocketError ISocketTransport.Shutdown() => Shutdown();

    void ISocketTransport.Close(bool reset) => Close(reset);
}
