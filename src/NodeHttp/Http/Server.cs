namespace NodeHttp;

/// <summary>
/// Node's <c>http.Server</c>: accepts connections and emits <c>'request'</c> with an <see cref="IncomingMessage"/>
/// and a <see cref="ServerResponse"/> for each request. Events <c>request</c>, <c>connection</c>, <c>close</c>,
/// <c>listening</c>, <c>error</c>, <c>checkContinue</c>, <c>checkExpectation</c>, <c>clientError</c>,
/// <c>connect</c>, <c>upgrade</c>, <c>timeout</c>, <c>dropRequest</c>, <c>drop</c>. Created by <see cref="Http.CreateServer(Action{IncomingMessage, ServerResponse}?)"/>.
/// </summary>
/// <remarks>
/// The server belongs to the loop that created it. With <see cref="ServerOptions.Loops"/>, each accepted connection
/// is pinned to one loop of the group and its events (<c>request</c> included) run on that loop's thread.
/// As in Node, the server's own <c>'connection'</c> listener (the first one) serves what is emitted as
/// <c>'connection'</c>, so <c>server.Emit("connection", socket)</c> hands it a connection it did not accept: a socket
/// accepted by another server, a tunnel taken back after <c>'connect'</c>, or any <see cref="Duplex"/> (wrapped with
/// <see cref="Socket.FromDuplex"/>). Such a connection is served from the next tick, bytes it had already buffered
/// first, and is tracked, timed out and closed like an accepted one.
/// </remarks>
public sealed partial class Server : EventEmitter
{
    private static readonly Action<object?> CheckConnectionsCallback = static s => ((Server)s!).CheckConnections();
    private static readonly Action<object?> StartHandedInCallback = static s => ((ServerConnection)s!).Start();

    // The accepted socket OnConnection is announcing on this thread, until the server's own 'connection' listener
    // sees it; then the connection made for it (null with a TransportHook), started once every listener ran. Per
    // thread, since with ServerOptions.Loops each loop announces its own connections.
    [ThreadStatic]
    private static Socket? announcing;
    [ThreadStatic]
    private static ServerConnection? announced;

    private readonly NetServer net;
    private readonly EventLoop loop;
    private readonly HashSet<ServerConnection> connections = new();
    private LoopTimer? checkTimer;
    private int headersTimeout;
    private int requestTimeout;

    internal Server(ServerOptions? options)
    {
        options ??= new ServerOptions();
        loop = EventLoop.Current ?? EventLoop.Default;
        MaxHeaderSize = options.MaxHeaderSize ?? Http.MaxHeaderSize;
        InsecureHttpParser = options.InsecureHttpParser;
        StrictRequests = options.StrictRequests && !options.InsecureHttpParser;
        KeepAliveTimeout = options.KeepAliveTimeout;
        requestTimeout = options.RequestTimeout;
        headersTimeout = options.EffectiveHeadersTimeout;
        ConnectionsCheckingInterval = options.ConnectionsCheckingInterval;
        RequireHostHeader = options.RequireHostHeader;
        JoinDuplicateHeaders = options.JoinDuplicateHeaders;
        RejectNonStandardBodyWrites = options.RejectNonStandardBodyWrites;
        MaxRequestsPerSocket = options.MaxRequestsPerSocket;
        Logger = options.Logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        Metrics = ServerMetrics.For(options.MeterFactory);
        if (options.UniqueHeaders is { } unique)
        {
            UniqueHeadersSet = new HashSet<string>(unique, StringComparer.OrdinalIgnoreCase);
        }
        if (requestTimeout > 0 && headersTimeout > 0 && headersTimeout > requestTimeout)
        {
            ErrorCodes.Throw("ERR_OUT_OF_RANGE", "headersTimeout", "<= requestTimeout", headersTimeout);
        }
        net = new NetServer(new NetServerOptions
        {
            // Node's http server: half-open sockets, so a client's FIN does not cut a response short before socketOnEnd decides.
            AllowHalfOpen = true,
            // No read before the parser is attached: the request bytes must go to it, not into the socket's buffer.
            PauseOnConnect = true,
            NoDelay = options.NoDelay,
            KeepAlive = options.KeepAlive,
            KeepAliveInitialDelay = options.KeepAliveInitialDelay,
            // As Node's: the option goes to the net server, so each accepted socket has it on both sides, and the
            // request (its socket's readable side) and the response (its socket's writable side) follow.
            HighWaterMark = options.HighWaterMark,
            Loops = options.Loops,
        });
        // Node's http.Server: its own first 'connection' listener serves the socket, so a socket (or any duplex) the
        // user emits as 'connection' is served like an accepted one.
        On<Duplex>(HttpEvents.Connection, ConnectionListener);
        net.On<Socket>(NetEvents.Connection, OnConnection);
        net.On(NetEvents.Listening, OnListening);
        net.On<Exception>(NetEvents.Error, e => Emit<Exception>(HttpEvents.Error, e));
        net.On(NetEvents.Close, () => Emit(HttpEvents.Close));
        net.On<DropEvent?>(NetEvents.Drop, d => Emit<DropEvent?>(NetEvents.Drop, d));
        net.On<DropEvent?>(NetEvents.Drop, d => ServerTelemetry.ConnectionRejected(this, d));
    }

    /// <summary>Node's <c>server.listening</c>.</summary>
    public bool Listening => net.Listening;

    /// <summary>
    /// Node's <c>server.maxConnections</c> (inherited from <c>net.Server</c>): once this many connections are open,
    /// each new one is closed as soon as it is accepted and <c>'drop'</c> is emitted with a <see cref="DropEvent"/>
    /// (null for a Unix socket server) instead of <c>'connection'</c>. Null, or 0 as in Node 20, means no limit. Keeps a
    /// server below the process's file descriptor limit (<c>ulimit -n</c>); see <see cref="NetServer.MaxConnections"/>.
    /// </summary>
    public int? MaxConnections
    {
        get => net.MaxConnections;
        set => net.MaxConnections = value;
    }

    /// <summary>
    /// Node's <c>server.maxHeadersCount</c> (2000; 0 for no limit): only the first this many request headers make
    /// up <see cref="IncomingMessage.Headers"/>. As in Node, the raw lines and the trailers are cut only in the
    /// parser's batches of 31 lines, at the first multiple of 31 that reaches the limit.
    /// </summary>
    public int MaxHeadersCount { get; set; } = 2000;

    /// <summary>The limit on start line plus header bytes (Node's <c>maxHeaderSize</c> option).</summary>
    public int MaxHeaderSize { get; }

    /// <summary>Node's <c>server.timeout</c> (0): idle time in ms before a socket times out; 0 disables it.</summary>
    public int Timeout { get; set; }

    /// <summary>Node's <c>server.headersTimeout</c> in ms: the time allowed to receive a request head.</summary>
    public int HeadersTimeout
    {
        get => headersTimeout;
        set => headersTimeout = value;
    }

    /// <summary>Node's <c>server.requestTimeout</c> in ms: the time allowed to receive a whole request (0 disables it).</summary>
    public int RequestTimeout
    {
        get => requestTimeout;
        set => requestTimeout = value;
    }

    /// <summary>Node's <c>server.keepAliveTimeout</c> in ms (5000): how long an idle keep-alive connection is kept. As
    /// Node 20.20, this is the value advertised in <c>Keep-Alive: timeout=</c>; the connection is closed one second
    /// later, so a client reusing it right at the advertised time does not meet a reset.</summary>
    public int KeepAliveTimeout { get; set; }

    /// <summary>Node's <c>server.maxRequestsPerSocket</c> (0 = no limit): past it requests get 503 and <c>'dropRequest'</c>.</summary>
    public int MaxRequestsPerSocket { get; set; }

    /// <summary>Node's <c>connectionsCheckingInterval</c> in ms: how often headers and request timeouts are checked.</summary>
    public int ConnectionsCheckingInterval { get; }

    /// <summary>Node's <c>requireHostHeader</c>.</summary>
    public bool RequireHostHeader { get; set; }

    internal bool InsecureHttpParser { get; }

    // ServerOptions.StrictRequests, off when InsecureHttpParser asks for Node's lenience.
    internal bool StrictRequests { get; }

    internal bool JoinDuplicateHeaders { get; }

    internal bool RejectNonStandardBodyWrites { get; }

    internal HashSet<string>? UniqueHeadersSet { get; }

    internal Microsoft.Extensions.Logging.ILogger Logger { get; }

    // The instruments this server counts in: its options' factory's NodeHttp.Server meter, else the process-wide one.
    internal ServerMetrics Metrics { get; }

    /// <summary>An async request handler given to <see cref="Http.CreateServer(Func{IncomingMessage, ServerResponse, Task})"/>.</summary>
    internal Func<IncomingMessage, ServerResponse, Task>? AsyncHandler { get; set; }

    /// <summary>Node's <c>server.listen([port[, host[, backlog]]][, callback])</c>: no host listens on <c>::</c> (dual stack); port 0 picks a free port.</summary>
    public Server Listen(int port = 0, string? host = null, int backlog = NetServer.DefaultBacklog, Action? callback = null)
    {
        if (callback is not null)
        {
            Once(HttpEvents.Listening, callback);
        }
        net.Listen(port, host, backlog);
        return this;
    }

    /// <summary>Node's <c>server.listen(port, host, callback)</c>.</summary>
    public Server Listen(int port, string host, Action callback) => Listen(port, host, NetServer.DefaultBacklog, callback);

    /// <summary>Node's <c>server.listen(port, callback)</c>.</summary>
    public Server Listen(int port, Action callback) => Listen(port, null, NetServer.DefaultBacklog, callback);

    /// <summary>Node's <c>server.listen(path[, callback])</c>: a Unix domain socket.</summary>
    public Server Listen(string path, Action? callback = null)
    {
        if (callback is not null)
        {
            Once(HttpEvents.Listening, callback);
        }
        net.Listen(path);
        return this;
    }

    /// <summary>Listens (see <see cref="Listen(int, string?, int, Action?)"/>); completes at <c>'listening'</c>, fails on <c>'error'</c>.</summary>
    /// <param name="port">The port; 0 picks a free one.</param>
    /// <param name="host">The address to listen on; null listens on <c>::</c> (dual stack).</param>
    /// <param name="backlog">The listen queue's length.</param>
    /// <param name="cancellationToken">Cancelled before <c>'listening'</c>: the task is cancelled and the server closed.</param>
    /// <returns>A task completing once the server listens.</returns>
    /// <exception cref="NodeHttpException">(in the task) <c>EADDRINUSE</c>, <c>EACCES</c>, <c>ERR_SERVER_ALREADY_LISTEN</c>, ….</exception>
    /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled first.</exception>
    public Task ListenAsync(int port = 0, string? host = null, int backlog = NetServer.DefaultBacklog, CancellationToken cancellationToken = default) =>
        ListenAsyncCore(() => net.Listen(port, host, backlog), cancellationToken);

    /// <summary>Listens on a Unix domain socket; completes at <c>'listening'</c>, fails on <c>'error'</c>.</summary>
    /// <param name="path">The socket's path.</param>
    /// <param name="cancellationToken">Cancelled before <c>'listening'</c>: the task is cancelled and the server closed.</param>
    /// <returns>A task completing once the server listens.</returns>
    /// <exception cref="NodeHttpException">(in the task) <c>EADDRINUSE</c>, <c>EACCES</c>, ….</exception>
    /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled first.</exception>
    public Task ListenAsync(string path, CancellationToken cancellationToken = default) => ListenAsyncCore(() => net.Listen(path), cancellationToken);

    private Task ListenAsyncCore(Action listen, CancellationToken cancellationToken) =>
        ServerAsyncOperations.ListenAsync(this, loop, listen, cancellationToken);

    /// <summary>Node's <c>server.address()</c>.</summary>
    public ServerAddress? Address() => net.Address();

    /// <summary>
    /// Node's <c>server.close([callback])</c>: stops accepting, closes idle connections (Node 19+), and emits
    /// <c>'close'</c> once every connection has ended.
    /// </summary>
    public Server Close(Action<Exception?>? callback = null)
    {
        loop.Execute(static s =>
        {
            var (server, cb) = ((Server, Action<Exception?>?))s!;
            server.checkTimer?.Close();
            server.checkTimer = null;
            server.CloseIdleConnections();
            server.net.Close(cb);
        }, (this, callback));
        return this;
    }

    /// <summary><see cref="Close"/> as a task: completes at <c>'close'</c> (every connection ended), fails with
    /// <c>ERR_SERVER_NOT_RUNNING</c> if not listening.</summary>
    /// <param name="cancellationToken">Cancelled before <c>'close'</c>: the connections still open are destroyed (as
    /// Kestrel's <c>StopAsync</c> does when its token fires) and the task is cancelled.</param>
    /// <returns>A task completing at <c>'close'</c>.</returns>
    /// <exception cref="NodeHttpException">(in the task) <c>ERR_SERVER_NOT_RUNNING</c>.</exception>
    /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled first.</exception>
    public Task CloseAsync(CancellationToken cancellationToken = default) => ServerAsyncOperations.CloseAsync(this, cancellationToken);

    /// <summary>Node's <c>server.closeIdleConnections()</c>: closes connections with no request in progress.</summary>
    public void CloseIdleConnections()
    {
        foreach (ServerConnection c in Snapshot())
        {
            c.Socket.Loop.Execute(static s => ((ServerConnection)s!).CloseIfIdle(), c);
        }
    }

    /// <summary>Node's <c>server.closeAllConnections()</c>: destroys every connection of this server.</summary>
    public void CloseAllConnections()
    {
        foreach (ServerConnection c in Snapshot())
        {
            c.Socket.Destroy();
        }
    }

    /// <summary>Node's <c>server.setTimeout([msecs][, callback])</c>: sets <see cref="Timeout"/>; the callback listens to <c>'timeout'</c>.</summary>
    public Server SetTimeout(int ms, Action<Socket>? callback = null)
    {
        Timeout = ms;
        if (callback is not null)
        {
            On(HttpEvents.Timeout, callback);
        }
        return this;
    }

    /// <summary>Node's <c>server.ref()</c>.</summary>
    public Server Ref()
    {
        net.Ref();
        return this;
    }

    /// <summary>Node's <c>server.unref()</c>.</summary>
    public Server Unref()
    {
        net.Unref();
        return this;
    }

    /// <summary>A request handler threw or its task faulted: Node's process would die; here the response fails alone.</summary>
    internal void HandlerFailed(ServerResponse res, Exception error)
    {
        // Reported first, so whoever sees the connection end can already see the exception.
        try
        {
            (res.Socket?.Loop ?? EventLoop.Current ?? loop).ReportUncaught(error, logged: ServerTelemetry.HandlerFailed(this, res, error));
        }
        finally
        {
            if (!res.HeadersSent && !res.WritableEnded && !res.Destroyed)
            {
                res.ClearHeaders();
                res.StatusCode = 500;
                res.End();
            }
            else if (!res.WritableFinished)
            {
                if (res.Connection is { } connection)
                {
                    connection.FlushAndDestroy();
                }
                else
                {
                    res.Socket?.Destroy();
                }
            }
        }
    }

    internal void RemoveConnection(ServerConnection connection)
    {
        lock (connections)
        {
            connections.Remove(connection);
        }
        if (connection.IsUpgraded)
        {
            TrackUpgraded(connection.Socket);
        }
    }

    /// <summary>How many connections the server tracks now (accepted and handed in).</summary>
    internal int TrackedConnections
    {
        get
        {
            lock (connections)
            {
                return connections.Count;
            }
        }
    }

    private ServerConnection[] Snapshot()
    {
        lock (connections)
        {
            return connections.ToArray();
        }
    }

    /// <summary>
    /// Puts a transport over each accepted socket before http reads it (https: the TLS handshake), or null for plain
    /// http. It is called after <c>'connection'</c> with the raw socket and calls <see cref="OnTransportReady"/> with
    /// the transport once that can carry requests (never, when it fails). Set before the server listens.
    /// </summary>
    internal Action<Server, Socket>? TransportHook { get; set; }

    // An accepted socket: 'connection', whose first listener (ConnectionListener) sets up its HTTP state; reading (or
    // the transport's handshake) starts once every listener ran, so what they attach to the socket comes first.
    private void OnConnection(Socket socket)
    {
        announcing = socket;
        announced = null;
        try
        {
            Emit<Socket>(HttpEvents.Connection, socket);
        }
        catch
        {
            announcing = null;
            announced = null;
            throw;
        }
        // ConnectionListener clears announcing when it sees the socket; still set, the listener was removed, and the
        // socket is left unserved as in Node.
        bool served = announcing is null;
        announcing = null;
        ServerConnection? connection = announced;
        announced = null;
        if (!served)
        {
            return;
        }
        if (connection is not null)
        {
            connection.Start();
        }
        else
        {
            TransportHook?.Invoke(this, socket);
        }
    }

    /// <summary>
    /// Node's <c>connectionListener</c>: the server's own <c>'connection'</c> listener, registered first. For a socket
    /// the server accepted it makes the HTTP state and leaves the start to <see cref="OnConnection"/>; for anything
    /// emitted by someone else (<c>server.Emit("connection", socket)</c>: a socket accepted by another server, a tunnel
    /// handed back after <c>'connect'</c>, or any <see cref="Duplex"/>, carried by <see cref="Socket.FromDuplex"/>) it
    /// serves it from the next tick, tracked, timed out and closed like an accepted one.
    /// </summary>
    private void ConnectionListener(Duplex stream)
    {
        if (announcing is { } accepted && ReferenceEquals(stream, accepted))
        {
            announcing = null;
            if (TransportHook is null)
            {
                announced = CreateConnection(accepted);
            }
            return;
        }
        if (!stream.Loop.IsOnLoop)
        {
            // Emitted from another thread: the connection is set up on the loop that owns the stream.
            stream.Loop.Execute(static s =>
            {
                var (server, st) = ((Server, Duplex))s!;
                server.ConnectionListener(st);
            }, (this, stream));
            return;
        }
        if (stream.Destroyed)
        {
            // Nothing to serve, and a closed socket would never leave the connection list.
            return;
        }
        Socket socket = Socket.FromDuplex(stream);
        if (TransportHook is { } hook)
        {
            hook(this, socket);
            return;
        }
        ServerConnection connection = CreateConnection(socket);
        socket.Loop.NextTick(StartHandedInCallback, connection);
    }

    /// <summary>A connection's transport is ready (https: Node's <c>'secureConnection'</c>): http handling starts on it.</summary>
    internal void OnTransportReady(Socket transport) => CreateConnection(transport).Start();

    // Node's connectionListenerInternal: the socket's HTTP state, tracked by the server from now on.
    private ServerConnection CreateConnection(Socket socket)
    {
        var connection = new ServerConnection(this, socket);
        lock (connections)
        {
            connections.Add(connection);
        }
        return connection;
    }

    private void OnListening()
    {
        // Node's setupConnectionsTracking: one unref'd interval checks every connection's header and request time.
        if (checkTimer is null && (headersTimeout > 0 || requestTimeout > 0) && ConnectionsCheckingInterval > 0)
        {
            checkTimer = loop.SetInterval(CheckConnectionsCallback, this, ConnectionsCheckingInterval);
            checkTimer.Unref();
        }
        Emit(HttpEvents.Listening);
    }

    private void CheckConnections()
    {
        foreach (ServerConnection c in Snapshot())
        {
            EventLoop l = c.Socket.Loop;
            l.Execute(static s =>
            {
                var (conn, server) = ((ServerConnection, Server))s!;
                conn.CheckTimeouts(conn.Socket.Loop.Now, server.headersTimeout, server.requestTimeout);
            }, (c, this));
        }
    }
}
