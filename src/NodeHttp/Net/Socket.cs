using System.Net;
using System.Net.Sockets;
using OsSocket = System.Net.Sockets.Socket;

namespace NodeHttp;

/// <summary>
/// Node's <c>net.Socket</c>: a <see cref="Duplex"/> over a TCP (IPv4/IPv6) or Unix domain socket. Events
/// <c>connect</c>, <c>ready</c>, <c>lookup</c>, <c>data</c>, <c>end</c>, <c>timeout</c>, <c>drain</c>,
/// <c>error</c> and <c>close</c>(bool hadError). As Node, <c>allowHalfOpen</c> is false by default: when the
/// peer ends its side, this side is ended too.
/// </summary>
/// <remarks>
/// A socket belongs to the loop that created it (<see cref="EventLoop.Current"/>, else
/// <see cref="EventLoop.Default"/>); its events run on that loop's thread and its methods called from other
/// threads are queued onto it. A ref'd socket keeps <see cref="EventLoop.Run"/> alive while it is connecting, reading
/// or has a write in flight (libuv's active handle, as in Node): one paused before it read, or whose reading stopped
/// because its buffer is full, with nothing to send, does not.
/// </remarks>
public class Socket : Duplex, ISocketHandleOwner
{
    /// <summary>Node's default highWaterMark for a socket's readable and writable sides (Node 20: 16 KiB).</summary>
    internal const int DefaultHighWaterMark = 16 * 1024;

    private static readonly Action<object?> EmitTimeoutCallback = static s => ((Socket)s!).Emit(NetEvents.Timeout);
    private static readonly Action<object?> FlushCallback = static s => { var sock = (Socket)s!; sock.flushQueued = false; sock.Flush(); };

    private readonly NetServer? server;
    // The transport: the TCP/Unix engine, or what a subclass attached (AttachTransport).
    private ISocketTransport? handle;
    private bool connecting;
    private bool readBeforeConnect;
    private LoopHandleRef loopRef;
    private bool noDelay;
    private bool keepAlive;
    private int keepAliveDelayMs;
    private LoopTimer? idleTimer;
    private int idleTimeoutMs;
    private string? unixPath;
    private IPEndPoint? remoteEndPoint;
    private IPEndPoint? localEndPoint;
    private IReadOnlyList<NodeBuffer>? pendingChunks;

    // Outgoing bytes the socket took and the kernel has not yet (see OutboundBuffer); made on the first write.
    private OutboundBuffer? outbound;
    private List<ArraySegment<byte>>? sendSegments;
    // A next-tick flush is queued.
    private bool flushQueued;
    // A flush the kernel did not take at once is in flight: nothing joins the buffer until it completes.
    private bool sending;
    // The write that took the buffer past the highWaterMark: it completes once its bytes were sent, holding the
    // stream's later writes back (back-pressure).
    private Action<Exception?>? heldCallback;
    // A write that came while a flush was in flight; taken when it completes.
    private IReadOnlyList<NodeBuffer>? waitingChunks;
    private Action<Exception?>? waitingCallback;
    // _final came while bytes were held: the FIN follows their send.
    private Action<Exception?>? finalAfterFlush;
    private Action<Exception?>? onOutboundSent;

    // Node's _bytesDispatched: bytes handed to the engine (sent, or queued in it for writability).
    private long bytesDispatched;
    private Action<Exception?>? pendingWriteCallback;
    private Action<Exception?>? pendingFinal;
    private string? connectHost;
    private int connectPort;
    private SocketConnectOptions? connectOptions;

    /// <summary>Node's <c>new net.Socket()</c>: a socket that is not connected yet (see <see cref="Connect(int, string, Action?)"/>).</summary>
    public Socket()
        : this(allowHalfOpen: false)
    {
    }

    /// <summary>Node's <c>new net.Socket({ allowHalfOpen })</c>.</summary>
    /// <param name="allowHalfOpen">When false (Node's default) the writable side is ended when the peer ends.</param>
    public Socket(bool allowHalfOpen)
        : base(CreateOptions(allowHalfOpen, null))
    {
    }

    /// <summary>Node's <c>new net.Socket({ allowHalfOpen, readableHighWaterMark })</c>.</summary>
    internal Socket(bool allowHalfOpen, int? readableHighWaterMark)
        : base(CreateOptions(allowHalfOpen, readableHighWaterMark))
    {
    }

    /// <summary>
    /// A server-side socket over an accepted connection; created on the loop that will own it (the accept loop or,
    /// with an <see cref="EventLoopGroup"/>, the connection's loop).
    /// </summary>
    internal Socket(OsSocket accepted, NetServer? server, NetServerOptions? options)
        : base(CreateOptions(options?.AllowHalfOpen ?? false, options?.HighWaterMark, options?.HighWaterMark))
    {
        this.server = server;
        handle = new SocketHandle(Loop, this, accepted);
        CacheEndPoints(accepted);
        if (accepted.AddressFamily == AddressFamily.Unix)
        {
            unixPath = (accepted.LocalEndPoint as UnixDomainSocketEndPoint)?.ToString();
        }
        if (options is not null)
        {
            if (options.NoDelay)
            {
                SetNoDelay(true);
            }
            if (options.KeepAlive)
            {
                SetKeepAlive(true, options.KeepAliveInitialDelay);
            }
        }
        if (options?.PauseOnConnect == true)
        {
            // Node's pauseOnCreate: no reads until the user resumes the socket (and, not reading, it keeps no loop
            // alive until then).
            Pause();
        }
        else
        {
            Read(0);
        }
        UpdateRef();
    }

    /// <summary>
    /// The transport seam: a subclass supplies what carries its bytes (a TLS session over another socket) instead of
    /// the TCP engine. The socket counts as connecting — writes and <c>End</c> are held — until the transport reports
    /// <see cref="ISocketHandleOwner.OnConnect"/>; from then on it reads, writes, half-closes and closes through it.
    /// </summary>
    private protected void AttachTransport(ISocketTransport transport)
    {
        if (handle is not null || connecting)
        {
            ErrorCodes.Throw("ERR_INVALID_STATE", "the socket is already connecting or connected");
        }
        handle = transport;
        connecting = true;
        AcquireRef();
    }

    /// <summary>
    /// A socket whose bytes travel over <paramref name="stream"/> instead of a kernel socket: what Node does by taking
    /// any <c>Duplex</c> where a socket is expected (an <c>http.request</c> <c>createConnection</c> that returns a stream,
    /// <c>server.emit('connection', stream)</c>, a side of <see cref="NodeStream.DuplexPair"/>). Everything above works on it as on a TCP
    /// socket: it reads only while its consumer wants data (pausing it pauses <paramref name="stream"/>, whose buffer then
    /// pushes back on its writer), its writes complete with the stream's write callbacks, <c>End</c> ends the stream,
    /// and the stream's <c>'end'</c>, <c>'error'</c> and <c>'close'</c> are the socket's EOF, error and reset.
    /// </summary>
    /// <remarks>
    /// A factory rather than a constructor because the answer may be the argument itself: a <see cref="Socket"/> is
    /// already one and is returned as it is, so code that accepts any duplex can call this unconditionally. The new
    /// socket is connected at once (no <c>'connect'</c> follows), has no addresses (as Node's stream), takes
    /// <paramref name="stream"/>'s <see cref="Duplex.AllowHalfOpen"/> as its own (the stream then leaves ending its
    /// writable side to the socket), and owns the stream: destroying the socket ends the stream's writable side, reads
    /// and drops what still comes, and destroys the stream once both sides are done (a reset destroys it at once). Like the stream it carries and unlike a
    /// kernel socket, it does not keep <see cref="EventLoop.Run"/> alive unless <see cref="Ref"/> is called: whatever
    /// feeds the stream does. Call it on the loop that owns <paramref name="stream"/>.
    /// </remarks>
    /// <param name="stream">The duplex carrying the bytes; the socket owns it from now on.</param>
    /// <returns>A connected socket over <paramref name="stream"/>, or <paramref name="stream"/> when it is a socket.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="NodeHttpException"><c>ERR_INVALID_STATE</c>: the stream belongs to another loop, or is destroyed.</exception>
    public static Socket FromDuplex(Duplex stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (stream is Socket socket)
        {
            return socket;
        }
        if (stream.Destroyed)
        {
            ErrorCodes.Throw("ERR_INVALID_STATE", "the stream is destroyed");
        }
        // On the stream's loop, the new socket (of the calling thread's loop) belongs to it too.
        if (!stream.Loop.IsOnLoop)
        {
            ErrorCodes.Throw("ERR_INVALID_STATE", "the stream belongs to another event loop");
        }
        var result = new Socket(stream.AllowHalfOpen);
        result.AttachTransport(new DuplexTransport(result, stream));
        result.loopRef.SetWanted(result.Loop, wanted: false, active: false);
        // Connected from the start, and nothing is read until a consumer asks (a 'data' listener, Read, Resume, a
        // DataSink's ResumeReading): bytes the stream already holds wait there for whoever takes the socket.
        result.connecting = false;
        return result;
    }

    private static DuplexOptions CreateOptions(bool allowHalfOpen, int? readableHighWaterMark, int? writableHighWaterMark = null) => new()
    {
        AllowHalfOpen = allowHalfOpen,
        HighWaterMark = DefaultHighWaterMark,
        ReadableHighWaterMark = readableHighWaterMark,
        WritableHighWaterMark = writableHighWaterMark,
        // 'close' carries hadError and follows the handle's close: emitted here, not by the stream.
        EmitClose = false,
    };

    /// <summary>Node's <c>socket.connecting</c>: true between <see cref="Connect(int, string, Action?)"/> and <c>'connect'</c>.</summary>
    public bool Connecting => connecting;

    /// <summary>Node's <c>socket.pending</c>: true until the socket is connected (also before <c>Connect</c>).</summary>
    public bool Pending => handle is null || connecting;

    /// <summary>Node's <c>socket.readyState</c>: <c>"opening"</c>, <c>"open"</c>, <c>"readOnly"</c>, <c>"writeOnly"</c> or <c>"closed"</c>.</summary>
    public string ReadyState
    {
        get
        {
            if (connecting)
            {
                return "opening";
            }
            bool r = IsReadable && handle is not null && !handle.Closed;
            bool w = this.IsWritable && handle is not null && !handle.Closed;
            return (r, w) switch
            {
                (true, true) => "open",
                (true, false) => "readOnly",
                (false, true) => "writeOnly",
                _ => "closed",
            };
        }
    }

    /// <summary>Node's <c>socket.remoteAddress</c>: the peer's IP (<c>::ffff:127.0.0.1</c> for an IPv4 peer of a dual-stack server); null if unknown.</summary>
    public string? RemoteAddress => remoteEndPoint is null ? null : NetAddress.Format(remoteEndPoint.Address);

    /// <summary>Node's <c>socket.remotePort</c>; null if unknown.</summary>
    public int? RemotePort => remoteEndPoint?.Port;

    /// <summary>Node's <c>socket.remoteFamily</c>: <c>"IPv4"</c> or <c>"IPv6"</c>; null if unknown.</summary>
    public string? RemoteFamily => remoteEndPoint is null ? null : NetAddress.FamilyOf(remoteEndPoint.AddressFamily);

    /// <summary>Node's <c>socket.localAddress</c>; null if unknown.</summary>
    public string? LocalAddress => localEndPoint is null ? null : NetAddress.Format(localEndPoint.Address);

    /// <summary>Node's <c>socket.localPort</c>; null if unknown.</summary>
    public int? LocalPort => localEndPoint?.Port;

    /// <summary>Node's <c>socket.localFamily</c>; null if unknown.</summary>
    public string? LocalFamily => localEndPoint is null ? null : NetAddress.FamilyOf(localEndPoint.AddressFamily);

    /// <summary>Node's <c>socket.bytesRead</c>: bytes received.</summary>
    public long BytesRead => handle?.BytesRead ?? 0;

    /// <summary>
    /// Node's <c>socket.bytesWritten</c>: bytes handed to the kernel or the engine, plus bytes held while
    /// connecting, plus bytes still buffered by the stream — each written byte counted once.
    /// </summary>
    public long BytesWritten
    {
        get
        {
            // The stream's length counts the write in flight too; that part is either dispatched or pending.
            long buffered = this.WritableLength - (WritableStateCore?.WriteLength ?? 0);
            return bytesDispatched + SumLength(pendingChunks) + SumLength(waitingChunks) + buffered;
        }
    }

    private static long SumLength(IReadOnlyList<NodeBuffer>? chunks)
    {
        long total = 0;
        if (chunks is not null)
        {
            for (int i = 0; i < chunks.Count; i++)
            {
                total += chunks[i].Length;
            }
        }
        return total;
    }

    /// <summary>Node's <c>socket.timeout</c>: the idle timeout set by <see cref="SetTimeout"/> in milliseconds, or null.</summary>
    public int? Timeout => idleTimeoutMs == 0 ? null : idleTimeoutMs;

    /// <summary>Node's <c>socket.address()</c>: the local address; null before the socket is bound.</summary>
    public ServerAddress? Address()
    {
        if (unixPath is not null)
        {
            return new ServerAddress { Address = unixPath, Family = "Unix", Port = 0 };
        }
        return localEndPoint is null ? null : NetAddress.ToServerAddress(localEndPoint);
    }

    /// <summary>The owning server for an accepted connection, else null.</summary>
    internal NetServer? Server => server;

    /// <summary>The engine under this socket (null before <c>Connect</c>). For the Http layer's direct use.</summary>
    internal SocketHandle? Handle => handle as SocketHandle;

    /// <summary>
    /// When set, received bytes go to this sink as spans over the loop's receive buffer instead of being pushed as
    /// <see cref="NodeBuffer"/>s (Node's HTTP server consuming the handle). EOF and errors still go through the stream.
    /// </summary>
    internal ISocketDataSink? DataSink { get; set; }

    /// <inheritdoc/>
    private protected override void OnSetEncoding(string encoding) => DataSink?.OnSetEncoding(encoding);

    /// <summary>Restarts reading after <see cref="ISocketDataSink.OnSocketData"/> returned false (Node's <c>readStart</c>).</summary>
    internal void ResumeReading()
    {
        if (handle is not null && !connecting)
        {
            handle.ReadStart();
        }
        else
        {
            readBeforeConnect = true;
        }
    }

    /// <summary>Stops reading from the kernel until <see cref="ResumeReading"/> (Node's <c>readStop</c>).</summary>
    internal void PauseReading() => handle?.ReadStop();

    /// <summary>Node's <c>socket.connect(port[, host][, connectListener])</c>: opens a TCP connection.</summary>
    /// <param name="port">The port (validated as Node: 0-65535).</param>
    /// <param name="host">A host name (resolved with the system resolver, first address used) or an IP address.</param>
    /// <param name="listener">Added as a one-time <c>'connect'</c> listener.</param>
    public Socket Connect(int port, string host = "localhost", Action? listener = null)
    {
        NetAddress.ValidatePort(port, "Port");
        ArgumentNullException.ThrowIfNull(host);
        if (host.Length == 0)
        {
            host = "localhost";
        }
        Loop.Execute(static s =>
        {
            var (sock, p, h, l) = ((Socket, int, string, Action?))s!;
            sock.ConnectTcp(p, h, l);
        }, (this, port, host, listener));
        return this;
    }

    /// <summary>
    /// Node's <c>socket.connect(options[, connectListener])</c>: a Unix socket when <see cref="SocketConnectOptions.Path"/>
    /// is set, else TCP to host and port, looked up in the given family and bound to the local address and port first.
    /// </summary>
    /// <param name="options">Where to connect and from where.</param>
    /// <param name="listener">Added as a one-time <c>'connect'</c> listener.</param>
    public Socket Connect(SocketConnectOptions options, Action? listener = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Path is { Length: > 0 } path)
        {
            return Connect(path, listener);
        }
        NetAddress.ValidatePort(options.Port, "Port");
        if (options.LocalAddress is not null && !System.Net.IPAddress.TryParse(options.LocalAddress, out _))
        {
            ErrorCodes.Throw("ERR_INVALID_IP_ADDRESS", options.LocalAddress);
        }
        if (options.Family is not (0 or 4 or 6))
        {
            ErrorCodes.Throw("ERR_INVALID_ARG_VALUE", "options.family", options.Family);
        }
        NetAddress.ValidatePort(options.LocalPort, "options.localPort");
        Loop.Execute(static s =>
        {
            var (sock, o, l) = ((Socket, SocketConnectOptions, Action?))s!;
            sock.connectOptions = o;
            sock.ConnectTcp(o.Port, string.IsNullOrEmpty(o.Host) ? "localhost" : o.Host, l);
        }, (this, options, listener));
        return this;
    }

    /// <summary>Node's <c>socket.connect(path[, connectListener])</c>: opens a Unix domain socket connection.</summary>
    /// <param name="path">The socket file path.</param>
    /// <param name="listener">Added as a one-time <c>'connect'</c> listener.</param>
    public Socket Connect(string path, Action? listener = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Loop.Execute(static s =>
        {
            var (sock, p, l) = ((Socket, string, Action?))s!;
            sock.ConnectUnix(p, l);
        }, (this, path, listener));
        return this;
    }

    private bool BeginConnect(Action? listener)
    {
        if (Destroyed)
        {
            return false;
        }
        if (handle is not null || connecting)
        {
            ErrorCodes.Throw("ERR_INVALID_STATE", "the socket is already connecting or connected");
        }
        if (listener is not null)
        {
            Once(NetEvents.Connect, listener);
        }
        connecting = true;
        AcquireRef();
        return true;
    }

    private void ConnectTcp(int port, string host, Action? listener)
    {
        if (!BeginConnect(listener))
        {
            return;
        }
        connectHost = host;
        connectPort = port;
        if (IPAddress.TryParse(host, out IPAddress? literal))
        {
            StartTcpConnect(literal, port);
            return;
        }
        AddressFamily family = connectOptions?.Family switch
        {
            4 => AddressFamily.InterNetwork,
            6 => AddressFamily.InterNetworkV6,
            _ => AddressFamily.Unspecified,
        };
        Dns.GetHostAddressesAsync(host, family).ContinueWith(static (t, s) =>
        {
            var sock = (Socket)s!;
            sock.Loop.QueueIo(static st =>
            {
                var (so, task) = ((Socket, Task<IPAddress[]>))st!;
                so.AfterLookup(task);
            }, (sock, t));
        }, this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void AfterLookup(Task<IPAddress[]> lookup)
    {
        if (Destroyed || !connecting)
        {
            return;
        }
        IPAddress? address = null;
        if (lookup.IsCompletedSuccessfully)
        {
            foreach (IPAddress candidate in lookup.Result)
            {
                if (candidate.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
                {
                    address = candidate;
                    break;
                }
            }
        }
        if (address is null)
        {
            SocketError code = lookup.Exception?.InnerException is SocketException se ? se.SocketErrorCode : SocketError.HostNotFound;
            string name = code == SocketError.TryAgain ? "EAI_AGAIN" : "ENOTFOUND";
            NodeHttpException error = SystemErrors.Create(name, "getaddrinfo", connectHost);
            Emit(NetEvents.Lookup, error, null, null, connectHost);
            Destroy(error);
            return;
        }
        Emit(NetEvents.Lookup, null, address.ToString(),
            address.AddressFamily == AddressFamily.InterNetworkV6 ? 6 : 4, connectHost!);
        if (!Destroyed)
        {
            StartTcpConnect(address, connectPort);
        }
    }

    private void StartTcpConnect(IPAddress address, int port)
    {
        OsSocket os;
        try
        {
            os = new OsSocket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        }
        catch (SocketException ex)
        {
            Destroy(SystemErrors.Create(SystemErrors.CodeOf(ex.SocketErrorCode), "connect", address.ToString(), port));
            return;
        }
        if (connectOptions is { LocalAddress: not null } || connectOptions is { LocalPort: > 0 })
        {
            // Node binds the handle first (internalConnect); a bind failure is reported with syscall 'bind'.
            string local = connectOptions.LocalAddress ?? (address.AddressFamily == AddressFamily.InterNetworkV6 ? "::" : "0.0.0.0");
            try
            {
                os.Bind(new IPEndPoint(IPAddress.Parse(local), connectOptions.LocalPort));
            }
            catch (SocketException ex)
            {
                os.Dispose();
                // Node connects to an address literal on the next tick, so a bind failure comes after the caller
                // (an http request taking the socket) attached its 'error' listener.
                NodeHttpException error = SystemErrors.Create(SystemErrors.CodeOf(ex.SocketErrorCode), "bind", local, connectOptions.LocalPort > 0 ? connectOptions.LocalPort : null);
                Loop.NextTick(static s => { var (so, e) = ((Socket, NodeHttpException))s!; so.Destroy(e); }, (this, error));
                return;
            }
        }
        var engine = new SocketHandle(Loop, this);
        handle = engine;
        remoteEndPoint = new IPEndPoint(address, port);
        engine.Connect(os, remoteEndPoint);
    }

    private void ConnectUnix(string path, Action? listener)
    {
        if (!BeginConnect(listener))
        {
            return;
        }
        unixPath = path;
        var os = new OsSocket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        var engine = new SocketHandle(Loop, this);
        handle = engine;
        engine.Connect(os, new UnixDomainSocketEndPoint(path));
    }

    /// <inheritdoc/>
    void ISocketHandleOwner.OnConnect(SocketError error)
    {
        if (Destroyed)
        {
            return;
        }
        if (error != SocketError.Success)
        {
            Destroy(ConnectError(error));
            return;
        }
        connecting = false;
        if (handle!.Os is { } os && os.AddressFamily != AddressFamily.Unix)
        {
            CacheEndPoints(os);
            ApplyNoDelay();
            ApplyKeepAlive();
        }
        idleTimer?.Refresh();
        Emit(NetEvents.Connect);
        Emit(NetEvents.Ready);
        if (Destroyed)
        {
            return;
        }
        // Node's afterConnect: writes and an end() made while connecting go out now.
        if (pendingChunks is not null)
        {
            IReadOnlyList<NodeBuffer> chunks = pendingChunks;
            Action<Exception?> cb = pendingWriteCallback!;
            pendingChunks = null;
            pendingWriteCallback = null;
            WritevCore(chunks, cb);
        }
        else if (pendingFinal is not null)
        {
            Action<Exception?> cb = pendingFinal;
            pendingFinal = null;
            FinalCore(cb);
        }
        if (readBeforeConnect || (IsReadable && !IsPaused()))
        {
            readBeforeConnect = false;
            handle.ReadStart();
        }
        // No longer connecting: from here the socket keeps the loop alive only while it reads or writes.
        UpdateRef();
    }

    private NodeHttpException ConnectError(SocketError error)
    {
        if (unixPath is not null)
        {
            // A missing path surfaces from .NET as AddressNotAvailable (or similar); Node reports ENOENT.
            string code = error == SocketError.ConnectionRefused ? "ECONNREFUSED"
                : !File.Exists(unixPath) ? "ENOENT"
                : SystemErrors.CodeOf(error);
            return SystemErrors.Create(code, "connect", path: unixPath);
        }
        return SystemErrors.Create(SystemErrors.CodeOf(error), "connect",
            remoteEndPoint is null ? null : NetAddress.Format(remoteEndPoint.Address), remoteEndPoint?.Port);
    }

    private void CacheEndPoints(OsSocket os)
    {
        try
        {
            remoteEndPoint = os.RemoteEndPoint as IPEndPoint ?? remoteEndPoint;
            localEndPoint = os.LocalEndPoint as IPEndPoint;
        }
        catch (SocketException)
        {
            // The peer is already gone: Node then reports undefined addresses too.
        }
    }

    /// <inheritdoc/>
    bool ISocketHandleOwner.OnData(ReadOnlySpan<byte> data)
    {
        idleTimer?.Refresh();
        ISocketDataSink? sink = DataSink;
        if (sink is not null)
        {
            return sink.OnSocketData(data);
        }
        return Push(NodeBuffer.From(data));
    }

    /// <inheritdoc/>
    void ISocketHandleOwner.OnEof()
    {
        idleTimer?.Refresh();
        // Node's onStreamRead at EOF: push(null) then read(0) so 'end' follows once the buffer is consumed.
        Push(null);
        if (!Destroyed)
        {
            Read(0);
        }
    }

    /// <inheritdoc/>
    void ISocketHandleOwner.OnReadError(SocketError error) =>
        Destroy(SystemErrors.Create(SystemErrors.CodeOf(error), "read"));

    /// <summary>Node's <c>socket._read</c>: start (or resume) reading from the kernel.</summary>
    protected override void ReadCore(int size)
    {
        if (handle is null || connecting)
        {
            readBeforeConnect = true;
            return;
        }
        handle.ReadStart();
    }

    /// <summary>
    /// Node's <c>socket._write</c>. The bytes join this socket's outgoing buffer and leave with every other write of
    /// the callback (and of the ticks after it) in one gathered send made by a next-tick flush — what Node's HTTP layer
    /// gets from <c>socket.cork()</c> + <c>process.nextTick(connectionCorkNT)</c>, here for every writer. The write is
    /// done at once while the buffer holds less than the highWaterMark; past it, it completes when its bytes were sent.
    /// </summary>
    protected override void WriteCore(NodeBuffer chunk, Action<Exception?> callback)
    {
        if (connecting || handle is null || handle.Closed || sending)
        {
            WritevCore([chunk], callback);
            return;
        }
        (outbound ??= new OutboundBuffer()).Append(chunk);
        Took(chunk.Length, callback);
    }

    /// <summary><c>_write</c> for bytes the caller keeps: small ones are copied straight into the outgoing buffer.</summary>
    protected override void WriteCore(ReadOnlySpan<byte> chunk, Action<Exception?> callback)
    {
        if (connecting || handle is null || handle.Closed || sending || !(outbound ??= new OutboundBuffer()).Copies(chunk.Length))
        {
            WriteCore(NodeBuffer.From(chunk), callback);
            return;
        }
        outbound.Append(chunk);
        Took(chunk.Length, callback);
    }

    /// <summary>Node's <c>socket._writev</c>: the buffered chunks join the outgoing buffer together.</summary>
    protected override void WritevCore(IReadOnlyList<NodeBuffer> chunks, Action<Exception?> callback)
    {
        if (connecting || handle is null)
        {
            // Node's _writeGeneric while connecting: held until 'connect'.
            pendingChunks = chunks;
            pendingWriteCallback = callback;
            return;
        }
        if (handle.Closed)
        {
            callback(ErrorCodes.Create("ERR_SOCKET_CLOSED"));
            return;
        }
        if (sending)
        {
            // The memory of the send in flight may not move: this write waits for it (and holds the stream's next ones).
            waitingChunks = chunks;
            waitingCallback = callback;
            return;
        }
        OutboundBuffer buffer = outbound ??= new OutboundBuffer();
        int total = 0;
        for (int i = 0; i < chunks.Count; i++)
        {
            buffer.Append(chunks[i]);
            total += chunks[i].Length;
        }
        Took(total, callback);
    }

    /// <summary>A socket writes gathered (Node's <c>_writev</c> is defined).</summary>
    protected override bool HasWritev => true;

    // The outgoing buffer took a write of length bytes: done now below the highWaterMark (the flush follows this
    // callback), else held until the bytes are sent, which the flush starts at once.
    private void Took(int length, Action<Exception?> callback)
    {
        bytesDispatched += length;
        idleTimer?.Refresh();
        if (outbound!.Length < this.WritableHighWaterMark)
        {
            if (!flushQueued)
            {
                flushQueued = true;
                Loop.NextTick(FlushCallback, this);
            }
            callback(null);
            return;
        }
        heldCallback = callback;
        Flush();
    }

    // Hands everything the outgoing buffer holds to the kernel in one gathered send.
    private void Flush()
    {
        if (sending || outbound is null || outbound.Length == 0 || handle is null || connecting)
        {
            return;
        }
        if (handle.Closed)
        {
            outbound.Release();
            return;
        }
        SendOutbound(onOutboundSent ??= OnOutboundSent);
    }

    // One gathered send of everything the outgoing buffer holds; nothing joins it until the callback.
    private void SendOutbound(Action<Exception?> callback)
    {
        sending = true;
        List<ArraySegment<byte>> list = sendSegments ??= new List<ArraySegment<byte>>(4);
        int total = outbound!.Collect(list);
        handle!.Writev(list, total, callback);
    }

    private void OnOutboundSent(Exception? error)
    {
        sending = false;
        outbound!.Release();
        Action<Exception?>? held = heldCallback;
        heldCallback = null;
        if (error is not null)
        {
            if (held is not null)
            {
                // The stream fails the write, and the socket with it.
                held(error);
            }
            else if (!Destroyed)
            {
                // The writes were done as far as their writers knew: the failure is the socket's (Node: 'error', then 'close').
                Destroy(error);
            }
            return;
        }
        held?.Invoke(null);
        if (waitingChunks is { } waiting && !Destroyed)
        {
            Action<Exception?> cb = waitingCallback!;
            waitingChunks = null;
            waitingCallback = null;
            WritevCore(waiting, cb);
        }
        if (finalAfterFlush is { } final && !sending && !Destroyed)
        {
            if (outbound.Length > 0)
            {
                Flush();
            }
            else
            {
                finalAfterFlush = null;
                Shutdown(final);
            }
        }
    }

    /// <summary>Node's <c>socket._final</c>: half-closes (FIN) once every write is out.</summary>
    protected override void FinalCore(Action<Exception?> callback)
    {
        if (connecting || handle is null)
        {
            pendingFinal = callback;
            return;
        }
        if (sending || outbound is { Length: > 0 })
        {
            // Bytes the writers are done with are still held: the FIN follows them.
            finalAfterFlush = callback;
            Flush();
            return;
        }
        Shutdown(callback);
    }

    private void Shutdown(Action<Exception?> callback)
    {
        SocketError error = handle!.Shutdown();
        // Node ignores ENOTCONN here: the peer may already have gone.
        if (error is SocketError.Success or SocketError.NotConnected or SocketError.ConnectionReset or SocketError.Shutdown)
        {
            callback(null);
        }
        else
        {
            callback(SystemErrors.Create(SystemErrors.CodeOf(error), "shutdown"));
        }
    }

    // Destroyed with bytes still held: what the kernel takes now goes before the FIN (as in Node, where they were in
    // the kernel already); an RST close (resetAndDestroy) drops them.
    private void ReleaseOutbound()
    {
        if (outbound is null)
        {
            return;
        }
        if (!sending && !resetOnClose && outbound.Length > 0 && handle is { Closed: false } && !connecting)
        {
            SendOutbound(static _ => { });
        }
        // A send the close cuts short may still read the memory: it is left to the collector then.
        bool inFlight = sending && handle is { WritePending: true };
        sending = false;
        outbound.Release(reuseMemory: !inFlight);
        heldCallback = null;
        waitingChunks = null;
        waitingCallback = null;
        finalAfterFlush = null;
    }

    /// <summary>Node's <c>socket._destroy</c>: closes the handle; <c>'close'</c>(hadError) follows on a later turn.</summary>
    protected override void DestroyCore(Exception? error, Action<Exception?> callback)
    {
        ReleaseOutbound();
        connecting = false;
        idleTimer?.Close();
        idleTimer = null;
        bool hadHandle = handle is not null;
        handle?.Close(resetOnClose);
        if (hadHandle)
        {
            // Node reads the address lazily and forgets it once closed; the cached values stay for logging.
        }
        ReleaseRef();
        pendingChunks = null;
        pendingWriteCallback = null;
        pendingFinal = null;
        callback(error);
        bool hadError = error is not null;
        Loop.Post(static s =>
        {
            var (sock, e) = ((Socket, bool))s!;
            sock.Emit<bool>(NetEvents.Close, e);
        }, (this, hadError));
        server?.OnConnectionClosed(this);
    }

    private bool resetOnClose;

    /// <summary>Node's <c>socket.resetAndDestroy()</c>: closes with a TCP RST (linger 0) instead of a FIN.</summary>
    public Socket ResetAndDestroy()
    {
        Loop.Execute(static s =>
        {
            var sock = (Socket)s!;
            sock.resetOnClose = true;
            sock.Destroy(sock.connecting ? null : ErrorCodes.Create("ERR_SOCKET_CLOSED"));
        }, this);
        return this;
    }

    /// <summary>Node's <c>socket.destroy([error])</c>: closes the socket now; <c>'error'</c> (if given) then <c>'close'</c>(hadError).</summary>
    public new Socket Destroy(Exception? error = null)
    {
        if (Loop.IsOnLoop)
        {
            base.Destroy(error);
        }
        else
        {
            Loop.QueueIo(static s => { var (sock, e) = ((Socket, Exception?))s!; sock.DestroyOnLoop(e); }, (this, error));
        }
        return this;
    }

    private void DestroyOnLoop(Exception? error) => base.Destroy(error);

    /// <summary>Node's <c>socket.destroySoon()</c>: ends the writable side and destroys once it has finished.</summary>
    public void DestroySoon()
    {
        Loop.Execute(static s =>
        {
            var sock = (Socket)s!;
            if (sock.IsWritable)
            {
                sock.End();
            }
            if (sock.WritableFinished)
            {
                sock.Destroy();
            }
            else
            {
                sock.Once(StreamEvents.Finish, () => sock.Destroy());
            }
        }, this);
    }

    /// <summary>
    /// Node's <c>socket.setTimeout(timeout[, callback])</c>: after <paramref name="ms"/> of inactivity (no read or
    /// write) emits <c>'timeout'</c>; the socket is not destroyed. 0 disables it. The timer does not keep the loop alive.
    /// </summary>
    /// <param name="ms">Idle time in milliseconds; 0 disables the timeout.</param>
    /// <param name="callback">Added as a one-time <c>'timeout'</c> listener (removed when <paramref name="ms"/> is 0).</param>
    public Socket SetTimeout(int ms, Action? callback = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ms);
        Loop.Execute(static s =>
        {
            var (sock, m, cb) = ((Socket, int, Action?))s!;
            sock.SetTimeoutOnLoop(m, cb);
        }, (this, ms, callback));
        return this;
    }

    private void SetTimeoutOnLoop(int ms, Action? callback)
    {
        idleTimeoutMs = ms;
        if (ms == 0)
        {
            idleTimer?.Close();
            idleTimer = null;
            if (callback is not null)
            {
                RemoveListener(NetEvents.Timeout, callback);
            }
            return;
        }
        if (callback is not null)
        {
            Once(NetEvents.Timeout, callback);
        }
        if (Destroyed)
        {
            return;
        }
        idleTimer?.Close();
        idleTimer = Loop.SetTimeout(EmitTimeoutCallback, this, ms);
        idleTimer.Unref();
    }

    /// <summary>Node's <c>socket.setNoDelay([noDelay])</c>: disables (true) or enables Nagle's algorithm.</summary>
    public Socket SetNoDelay(bool noDelay = true)
    {
        Loop.Execute(static s =>
        {
            var (sock, v) = ((Socket, bool))s!;
            sock.noDelay = v;
            sock.ApplyNoDelay();
        }, (this, noDelay));
        return this;
    }

    private void ApplyNoDelay()
    {
        OsSocket? os = handle?.Os;
        if (os is null || connecting || handle!.Closed || os.ProtocolType != ProtocolType.Tcp)
        {
            return;
        }
        try
        {
            os.NoDelay = noDelay;
        }
        catch (SocketException)
        {
            // As libuv: a socket that is already gone ignores option changes.
        }
    }

    /// <summary>Node's <c>socket.setKeepAlive([enable][, initialDelay])</c>: TCP keep-alive, first probe after <paramref name="initialDelay"/> ms.</summary>
    public Socket SetKeepAlive(bool enable = false, int initialDelay = 0)
    {
        Loop.Execute(static s =>
        {
            var (sock, v, d) = ((Socket, bool, int))s!;
            sock.keepAlive = v;
            sock.keepAliveDelayMs = d;
            sock.ApplyKeepAlive();
        }, (this, enable, initialDelay));
        return this;
    }

    private void ApplyKeepAlive()
    {
        OsSocket? os = handle?.Os;
        if (os is null || connecting || handle!.Closed || os.ProtocolType != ProtocolType.Tcp)
        {
            return;
        }
        try
        {
            os.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, keepAlive);
            if (keepAlive && keepAliveDelayMs >= 1000)
            {
                // libuv takes whole seconds (Node: ~~(initialDelay / 1000)).
                os.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, keepAliveDelayMs / 1000);
            }
        }
        catch (SocketException)
        {
            // Ignored as libuv does for a closed socket.
        }
    }

    /// <summary>Node's <c>socket.ref()</c>: an open socket keeps the loop alive again.</summary>
    public Socket Ref()
    {
        Loop.Execute(static s =>
        {
            var sock = (Socket)s!;
            sock.loopRef.SetWanted(sock.Loop, wanted: true, active: sock.IsActive);
        }, this);
        return this;
    }

    /// <summary>Node's <c>socket.unref()</c>: this socket alone does not keep the loop alive.</summary>
    public Socket Unref()
    {
        Loop.Execute(static s =>
        {
            var sock = (Socket)s!;
            sock.loopRef.SetWanted(sock.Loop, wanted: false, active: false);
        }, this);
        return this;
    }

    private void AcquireRef() => loopRef.Acquire(Loop);

    // Node's liveness rule (libuv's active handles): connecting, or the engine reading or writing. A transport other
    // than the TCP engine (TLS over another socket) counts as active while it is open.
    private bool IsActive => connecting
        || (handle is not null && !handle.Closed && (handle is not SocketHandle engine || engine.Active));

    private void UpdateRef()
    {
        if (IsActive)
        {
            AcquireRef();
        }
        else
        {
            ReleaseRef();
        }
    }

    /// <inheritdoc/>
    void ISocketHandleOwner.OnActiveChanged() => UpdateRef();

    private void ReleaseRef() => loopRef.Release(Loop);
}
