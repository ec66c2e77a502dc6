using System.Text;
using Microsoft.Extensions.Primitives;

namespace NodeHttp;

/// <summary>
/// Node's <c>http.ClientRequest</c>: a request in progress, made by <see cref="Http.Request(RequestOptions, Action{IncomingMessage}?)"/>.
/// The head goes with the first body chunk or at <c>End</c> (<see cref="OutgoingMessage.FlushHeaders"/> sends it
/// at once). Events: <c>'socket'</c>(Socket), <c>'response'</c>(IncomingMessage), <c>'information'</c>(InformationEvent),
/// <c>'continue'</c>, <c>'upgrade'</c> and <c>'connect'</c>(IncomingMessage, Socket, NodeBuffer), <c>'timeout'</c>,
/// <c>'abort'</c>, <c>'finish'</c>, <c>'error'</c>, <c>'close'</c>.
/// </summary>
/// <remarks>Owned by the loop it was created on (<see cref="EventLoop.Current"/>, else <see cref="EventLoop.Default"/>); call it there.</remarks>
public class ClientRequest : OutgoingMessage
{
    // Node's INVALID_PATH_REGEX: /[^\u0021-\u00ff]/ (no spaces, no control characters, nothing above latin1).
    private static readonly System.Buffers.SearchValues<char> PathChars = System.Buffers.SearchValues.Create(BuildPathChars());

    private static readonly Action<object?> EmitAbortCallback = static s => ((ClientRequest)s!).Emit(HttpEvents.Abort);
    private static readonly Action<object?> EmitFreeCallback = static s => ((ClientRequest)s!).EmitFreeNT();
    private static readonly Action<object?> OnSocketCallback = static s => ((ClientRequest)s!).RunPendingOnSocket();
    private static readonly Action<Exception> IgnoreSocketError = static _ => { };

    // Every request has the same stream settings; the writable only reads them.
    private static readonly WritableOptions RequestWritableOptions = new() { HighWaterMark = Socket.DefaultHighWaterMark, AutoDestroy = false, EmitClose = false };

    // The last Host header value made on this thread: requests repeat their origin.
    [ThreadStatic]
    private static HostHeaderValue? lastHostHeader;

    private readonly Agent? agent;
    private readonly RequestOptions userOptions;
    private readonly int port;
    private readonly int defaultPort;

    // Node's optsWithoutSignal, the request's own copy of the options; null while userOptions is borrowed (Lend).
    private RequestOptions? connectOptions;
    private bool optionsBorrowed;
    private Socket? pendingSocket;
    private Exception? pendingSocketError;
    private bool onSocketPending;
    private ClientParser? conn;
    private Exception? destroyError;
    private bool destroyed;
    private bool ended;
    private bool closed;
    private bool upgradeOrConnect;
    private bool requestTimeoutListening;
    private bool requestTimeoutInstalled;
    private bool responseTimeoutListening;
    private Action? onResponseEnd;
    private Action? onFinish;

    /// <param name="options">Where and what to request.</param>
    /// <param name="callback">A one-time <c>'response'</c> listener.</param>
    /// <param name="defaultAgent">Node's <c>options._defaultAgent</c>: the module's global agent (https passes its own); null for <see cref="Http.GlobalAgent"/>.</param>
    internal ClientRequest(RequestOptions options, Action<IncomingMessage>? callback, Agent? defaultAgent = null)
        // A request usually hears 'response', 'error' and (its own listener) 'finish'.
        : base(RequestWritableOptions, eventCapacity: 3)
    {
        ArgumentNullException.ThrowIfNull(options);
        defaultAgent ??= Http.GlobalAgent;
        if (!options.UseAgent)
        {
            // Node: new defaultAgent.constructor().
            agent = defaultAgent.CreateOneUse();
        }
        else if (options.Agent is not null)
        {
            agent = options.Agent;
        }
        else if (options.CreateConnection is null)
        {
            agent = defaultAgent;
        }

        string expectedProtocol = agent?.Protocol ?? defaultAgent.Protocol;
        // Node: options.protocol || defaultAgent.protocol, so http.request({ agent: httpsAgent }) needs protocol "https:".
        string protocol = string.IsNullOrEmpty(options.Protocol) ? defaultAgent.Protocol : options.Protocol;
        if (options.Path is { Length: > 0 } rawPath && rawPath.AsSpan().ContainsAnyExcept(PathChars))
        {
            ErrorCodes.Throw("ERR_UNESCAPED_CHARACTERS", "Request path");
        }
        if (protocol != expectedProtocol)
        {
            ErrorCodes.Throw("ERR_INVALID_PROTOCOL", protocol, expectedProtocol);
        }

        defaultPort = options.DefaultPort is int dp and not 0 ? dp : agent?.DefaultPort ?? 80;
        port = options.Port is int p and not 0 ? p : defaultPort;
        string host = options.Hostname is { Length: > 0 } hn ? hn : options.Host is { Length: > 0 } h ? h : "localhost";
        if (options.Timeout is int t)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(t, "options.Timeout");
            TimeoutMs = t;
        }
        string? method = options.Method;
        if (!string.IsNullOrEmpty(method))
        {
            if (!HttpCommon.IsToken(method))
            {
                ErrorCodes.Throw("ERR_INVALID_HTTP_TOKEN", "Method", method);
            }
            method = method.ToUpperInvariant();
        }
        else
        {
            method = "GET";
        }
        if (options.MaxHeaderSize is int mhs)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(mhs, "options.MaxHeaderSize");
            MaxHeaderSize = mhs;
        }
        InsecureHttpParser = options.InsecureHttpParser ?? false;
        JoinDuplicateHeaders = options.JoinDuplicateHeaders;
        if (options.UniqueHeaders is { } unique)
        {
            UniqueHeaders = new HashSet<string>(unique, StringComparer.OrdinalIgnoreCase);
        }
        Method = method;
        path = string.IsNullOrEmpty(options.Path) ? "/" : options.Path;
        Host = host;
        Protocol = protocol;
        SocketPath = options.SocketPath;
        if (callback is not null)
        {
            Once(HttpEvents.Response, callback);
        }

        // Node: bodies of these methods are not chunked unless the user asks; nothing written, no framing at all.
        UseChunkedEncodingByDefault = method is not ("GET" or "HEAD" or "DELETE" or "OPTIONS" or "TRACE" or "CONNECT");
        HasAgent = agent is not null;
        if (agent is not null)
        {
            // Keep-alive only when the agent will really reuse the socket: a keep-alive agent, or bounded sockets.
            bool reuse = agent.KeepAlive || agent.MaxSockets != int.MaxValue;
            Last = !reuse;
            ShouldKeepAlive = reuse;
        }

        if (options.Headers is { } headers)
        {
            foreach (KeyValuePair<string, StringValues> pair in headers)
            {
                // A name listed twice is sent twice, as Node sends a raw header array (the second does not replace).
                if (HasHeader(pair.Key))
                {
                    AppendHeader(pair.Key, pair.Value);
                }
                else
                {
                    SetHeader(pair.Key, pair.Value);
                }
            }
        }
        if (options.SetHost && !HasHeader("host"))
        {
            // Node compares with options.defaultPort || agent.defaultPort only: with neither (a createConnection
            // request and no agent) there is no default, and the port is always written.
            int hostDefaultPort = options.DefaultPort is int odp and not 0 ? odp : agent?.DefaultPort ?? 0;
            SetHeader("Host", HostHeader(host, port, hostDefaultPort));
        }
        if (options.Auth is { } auth && !HasHeader("authorization"))
        {
            SetHeader("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(auth)));
        }
        Telemetry = ClientTelemetry.Start(this, host, port);
        if (HasHeader("expect"))
        {
            ImplicitHeader();
        }

        userOptions = options;
        if (EventLoop.Current == Loop && options.Lend(this))
        {
            optionsBorrowed = true;
        }
        else
        {
            connectOptions = CopyOptions();
        }

        if (options.Signal.CanBeCanceled)
        {
            AddAbortSignal(options.Signal);
        }
        Loop.Execute(static s => ((ClientRequest)s!).Start(), this);
    }

    /// <summary>Node's <c>request.method</c>: the request method, upper-cased.</summary>
    public string Method { get; }

    /// <summary>Node's <c>request.path</c>: the request target. Until the head is built it may be changed; a
    /// value with characters a request line cannot carry (spaces, control characters) is refused, as in the options.</summary>
    /// <exception cref="NodeHttpException"><c>ERR_UNESCAPED_CHARACTERS</c> for such a value.</exception>
    public string Path
    {
        get => path;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.AsSpan().ContainsAnyExcept(PathChars))
            {
                ErrorCodes.Throw("ERR_UNESCAPED_CHARACTERS", "Request path");
            }
            path = value;
        }
    }

    private string path;

    /// <summary>Node's <c>request.host</c>: the host the request goes to.</summary>
    public string Host { get; }

    /// <summary>Node's <c>request.protocol</c> (<c>"http:"</c>).</summary>
    public string Protocol { get; }

    /// <summary>Node's <c>request.agent</c>: the agent that gave the socket, or null.</summary>
    public Agent? Agent => agent;

    /// <summary>Node's <c>request.socketPath</c>.</summary>
    public string? SocketPath { get; }

    /// <summary>Node's <c>request.aborted</c>: <see cref="Abort"/> was called.</summary>
    public bool Aborted { get; private set; }

    /// <summary>Node's <c>request.reusedSocket</c>: the request went over a socket the agent had kept alive.</summary>
    public bool ReusedSocket { get; internal set; }

    /// <summary>Node's <c>request.destroyed</c>: <see cref="Destroy"/> was called or the request is done with its socket.</summary>
    public override bool Destroyed => destroyed;

    /// <summary>Node's <c>request.closed</c>: <c>'close'</c> was emitted.</summary>
    public new bool Closed => closed;

    /// <inheritdoc/>
    internal override bool? LegacyMessageClosed => closed;

    /// <inheritdoc/>
    internal override bool LegacyMessageIsRequest => true;

    /// <summary>
    /// Node's <c>request.maxHeadersCount</c>: how many of the response's header lines make up
    /// <see cref="IncomingMessage.Headers"/> and <see cref="IncomingMessage.HeadersDistinct"/> (first come first
    /// kept). Null (unset, as Node leaves it) means Node's parser default of 1000 headers; 0 or less means no limit.
    /// </summary>
    /// <remarks>
    /// Read when the request gets its socket, before <c>'socket'</c>: a change after that is not used. As in Node,
    /// the limit is applied to <see cref="IncomingMessage.RawHeaders"/> and to the trailers only in batches of 31
    /// lines: a head or trailer section of up to 31 lines is kept whole, and a longer one keeps every line up to
    /// the first multiple of 31 that reaches the limit (with the limit 1 and 40 lines, the raw headers and the
    /// trailers keep 31). The trailers are not cut further.
    /// </remarks>
    public int? MaxHeadersCount { get; set; }

    /// <summary>The final write completed and <c>'finish'</c> is queued for the next tick.</summary>
    internal bool FinishPending => WritableStateInternal.Prefinished && !this.WritableFinished;

    /// <summary>The response, once its head arrived (Node's <c>req.res</c>).</summary>
    internal IncomingMessage? Res { get; private set; }

    /// <summary>Node's <c>request.timeout</c>.</summary>
    internal int? TimeoutMs { get; private set; }

    /// <summary>The request's metrics and span while someone listens, or null.</summary>
    internal ClientRequestTelemetry? Telemetry { get; }

    internal int MaxHeaderSize { get; }

    internal bool InsecureHttpParser { get; }

    internal bool JoinDuplicateHeaders { get; }

    /// <summary>
    /// Node's <c>req[kRequestOptions]</c> is set: the request waits in an agent's queue and no socket is being
    /// made for it yet. The options are its <see cref="ConnectOptions"/>.
    /// </summary>
    internal bool HasAgentOptions { get; set; }

    /// <summary>The agent's pool key for this request, worked out once when it is added to the agent.</summary>
    internal string? AgentName { get; set; }

    /// <summary>The port the request connects to (its options' port, else the default port).</summary>
    internal int ConnectPort => port;

    /// <summary>
    /// The options as they were when the request was made, but for the host, port and default port (see
    /// <see cref="ConnectOptions"/>): the borrowed ones while unchanged, else the copy. For reading only.
    /// </summary>
    internal RequestOptions OptionsAsMade => connectOptions ?? userOptions;

    /// <summary>
    /// Node's <c>optsWithoutSignal</c>: the options as they were when the request was made, with the resolved
    /// host, port and default port. Made when first needed (a new connection, a place in the agent's queue,
    /// a <c>'free'</c> listener), so a request served by a pooled socket copies nothing.
    /// </summary>
    internal RequestOptions ConnectOptions => connectOptions ?? TakeOptionsCopy();

    /// <summary>
    /// Copies the borrowed options now (they are about to change, or a copy is needed) and gives them back.
    /// May run on the thread changing the options; the first copy made wins.
    /// </summary>
    internal RequestOptions TakeOptionsCopy()
    {
        if (connectOptions is { } existing)
        {
            return existing;
        }
        RequestOptions copy = CopyOptions();
        RequestOptions result = Interlocked.CompareExchange(ref connectOptions, copy, null) ?? copy;
        ReturnOptions();
        return result;
    }

    /// <summary>Node's <c>request.abort()</c> (deprecated): <c>'abort'</c> once, then <see cref="Destroy"/>.</summary>
    public void Abort()
    {
        if (Aborted)
        {
            return;
        }
        Aborted = true;
        Loop.NextTick(EmitAbortCallback, this);
        Destroy();
    }

    /// <summary>
    /// Node's <c>request.destroy([error])</c>: the socket is destroyed (with <paramref name="error"/>), so
    /// <c>'error'</c> and <c>'close'</c> follow; a response being received is cut short (<c>'aborted'</c>).
    /// </summary>
    public new ClientRequest Destroy(Exception? error = null)
    {
        DestroyImpl(error);
        return this;
    }

    /// <inheritdoc/>
    private protected override void DestroyImpl(Exception? error)
    {
        if (destroyed)
        {
            return;
        }
        destroyed = true;
        Res?.Dump();
        destroyError = error;
        Socket?.Destroy(error);
    }

    /// <summary>
    /// Node's <c>request.setTimeout(timeout[, callback])</c>: <c>'timeout'</c> is emitted after
    /// <paramref name="ms"/> of socket inactivity. The request is not aborted: the listener decides.
    /// </summary>
    public ClientRequest SetTimeout(int ms, Action? callback = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ms);
        if (ended)
        {
            return this;
        }
        ListenSocketTimeout();
        if (callback is not null)
        {
            Once(HttpEvents.Timeout, callback);
        }
        // Node's setTimeout leaves request.timeout (the option) as it is: only the socket's timer changes.
        if (Socket is { } socket)
        {
            SetSocketTimeout(socket, ms);
        }
        else
        {
            Once<Socket>(HttpEvents.Socket, s => SetSocketTimeout(s, ms));
        }
        return this;
    }

    /// <summary>Node's <c>request.setNoDelay([noDelay])</c>: applied to the socket once there is one.</summary>
    public void SetNoDelay(bool noDelay = true) => DeferToSocket(s => s.SetNoDelay(noDelay));

    /// <summary>Node's <c>request.setSocketKeepAlive([enable][, initialDelay])</c>: applied to the socket once there is one.</summary>
    public void SetSocketKeepAlive(bool enable = false, int initialDelay = 0) => DeferToSocket(s => s.SetKeepAlive(enable, initialDelay));

    /// <summary>Node's <c>ClientRequest._implicitHeader</c>: the request line and headers, built now.</summary>
    private protected override void ImplicitHeader()
    {
        if (HeadersSent)
        {
            ErrorCodes.Throw("ERR_HTTP_HEADERS_SENT", "render");
        }
        // The request line is encoded straight to bytes (latin1, as Node writes the head), with no string for it.
        string method = Method;
        string path = Path;
        int length = method.Length + path.Length + 12;
        Span<byte> bytes = length <= 512 ? stackalloc byte[length] : new byte[length];
        int n = Encoding.Latin1.GetBytes(method, bytes);
        bytes[n++] = (byte)' ';
        n += Encoding.Latin1.GetBytes(path, bytes[n..]);
        " HTTP/1.1\r\n"u8.CopyTo(bytes[n..]);
        n += 11;
        StoreHeader(bytes[..n]);
    }

    /// <summary>Builds the Node-style "socket hang up" / "aborted" error (<c>ECONNRESET</c>).</summary>
    internal static NodeHttpException ConnResetException(string message) => new("ECONNRESET", message);

    internal void EmitError(Exception error) => Emit(HttpEvents.Error, ClientTelemetry.Failed(this, error));

    private void Start()
    {
        if (agent is not null)
        {
            agent.AddRequest(this);
            return;
        }
        RequestOptions options = ConnectOptions;
        // No agent (a CreateConnection request): as Node, the head and the answer decide whether the connection stays
        // open after this request (a GET sends Connection: close; an explicit keep-alive the server agrees to keeps it,
        // and the socket stays with whoever made it, free for another request).
        if (options.CreateConnection is { } create)
        {
            bool done = false;
            void OnCreate(Exception? err, Socket? s)
            {
                if (done)
                {
                    return;
                }
                done = true;
                if (err is not null)
                {
                    Loop.NextTick(static st => { var (r, e) = ((ClientRequest, Exception))st!; r.EmitError(e); }, (this, err));
                }
                else if (s is not null)
                {
                    OnSocket(s, null);
                }
            }
            Socket? socket;
            try
            {
                socket = create(options, OnCreate);
            }
            catch (Exception ex)
            {
                // Node: a createConnection that throws is the request's 'error', on the next tick.
                OnCreate(ex, null);
                return;
            }
            if (socket is not null)
            {
                OnCreate(null, socket);
            }
            return;
        }
        // A connection of this request's own: it closes after it.
        Last = true;
        ShouldKeepAlive = false;
        OnSocket(ClientConnect.Connect(options), null);
    }

    /// <summary>Node's <c>ClientRequest.onSocket(socket, err)</c>: the rest happens on the next tick.</summary>
    internal void OnSocket(Socket? socket, Exception? error)
    {
        ClientTelemetry.Dequeued(this);
        if (onSocketPending)
        {
            // A second hand-over in the same tick (an agent race): it carries its own socket and error.
            Loop.NextTick(static s =>
            {
                var (req, sock, err) = ((ClientRequest, Socket?, Exception?))s!;
                req.OnSocketNT(sock, err);
            }, (this, socket, error));
            return;
        }
        onSocketPending = true;
        pendingSocket = socket;
        pendingSocketError = error;
        Loop.NextTick(OnSocketCallback, this);
    }

    private void RunPendingOnSocket()
    {
        Socket? socket = pendingSocket;
        Exception? error = pendingSocketError;
        pendingSocket = null;
        pendingSocketError = null;
        onSocketPending = false;
        OnSocketNT(socket, error);
    }

    // Node's onSocketNT.
    private void OnSocketNT(Socket? socket, Exception? error)
    {
        if (destroyed || error is not null)
        {
            destroyed = true;
            if (socket is not null)
            {
                if (error is null && agent is not null && !socket.Destroyed)
                {
                    agent.OnFree(socket, this, finished: false);
                }
                else
                {
                    // Node: finished(socket.destroy(err), er => _destroy(req, er || err)). The socket's own error
                    // (it may have been destroyed with one already) is the request's, and the listener finished
                    // adds keeps it from going unhandled.
                    bool wasDestroyed = socket.Destroyed;
                    socket.On(StreamEvents.Error, IgnoreSocketError);
                    socket.Destroy(error ?? destroyError);
                    if (!wasDestroyed)
                    {
                        DestroyNTOnClose(socket, error ?? destroyError);
                        return;
                    }
                    DestroyNT(socket.Errored ?? error ?? destroyError);
                    return;
                }
            }
            DestroyNT(error ?? destroyError);
            return;
        }
        TickOnSocket(socket!);
    }

    // Node's addAbortSignal(signal, req): the signal destroys the request with an AbortError until it closes.
    private void AddAbortSignal(CancellationToken signal)
    {
        if (signal.IsCancellationRequested)
        {
            DestroyImpl(ErrorCodes.Create("ABORT_ERR"));
            return;
        }
        CancellationTokenRegistration registration = signal.Register(static s =>
        {
            var req = (ClientRequest)s!;
            req.Loop.Execute(static r => ((ClientRequest)r!).DestroyImpl(ErrorCodes.Create("ABORT_ERR")), req);
        }, this);
        Once(HttpEvents.Close, () => registration.Dispose());
    }

    // A method of its own so that the closure is made only on this path, not on every OnSocketNT.
    private void DestroyNTOnClose(Socket socket, Exception? error) => socket.Once(NetEvents.Close, () => DestroyNT(socket.Errored ?? error));

    // Node's _destroy inside onSocketNT.
    private void DestroyNT(Exception? error)
    {
        if (!Aborted && error is null)
        {
            error = ConnResetException("socket hang up");
        }
        if (error is not null)
        {
            EmitError(error);
        }
        closed = true;
        Emit(HttpEvents.Close);
        ClientTelemetry.Ended(this);
        ReturnOptions();
    }

    // Node's tickOnSocket then _flush.
    private void TickOnSocket(Socket socket)
    {
        conn = ClientParser.For(socket);
        conn.Attach(this);
        SetSocket(socket);
        if (TimeoutMs is not null || agent?.Options.Timeout is > 0)
        {
            ListenSocketTimeout();
        }
        Emit(HttpEvents.Socket, socket);
        AssignSocket(socket);
    }

    private void ListenSocketTimeout()
    {
        if (requestTimeoutInstalled)
        {
            return;
        }
        requestTimeoutInstalled = true;
        requestTimeoutListening = true;
    }

    private static void SetSocketTimeout(Socket socket, int ms)
    {
        if (socket.Connecting)
        {
            socket.Once(NetEvents.Connect, () => socket.SetTimeout(ms));
        }
        else
        {
            socket.SetTimeout(ms);
        }
    }

    private void DeferToSocket(Action<Socket> action)
    {
        if (Socket is { } socket)
        {
            action(socket);
        }
        else
        {
            Once(HttpEvents.Socket, action);
        }
    }

    /// <summary>Node's <c>parserOnIncomingClient</c>: 0 read the body, 1 no body, 2 no body and the socket is handed over.</summary>
    internal int OnIncoming(IncomingMessage res, bool shouldKeepAlive)
    {
        if (Res is not null)
        {
            // A second response to one request: the server is broken.
            Socket?.Destroy();
            return 0;
        }
        Res = res;
        if (res.Upgrade)
        {
            return 2;
        }
        if (Method == "CONNECT")
        {
            res.Upgrade = true;
            return 2;
        }
        int status = res.StatusCode ?? 0;
        if (status is >= 100 and < 200 and not 101)
        {
            Res = null;
            if (status == 100)
            {
                Emit(HttpEvents.Continue);
            }
            if (ListenerCount(HttpEvents.Information) > 0)
            {
                Emit(HttpEvents.Information, new InformationEvent(res));
            }
            return 1;
        }
        if (ShouldKeepAlive && !shouldKeepAlive && !upgradeOrConnect)
        {
            // The server must answer keep-alive for the socket to be reused.
            ShouldKeepAlive = false;
        }
        res.On(StreamEvents.End, onResponseEnd ??= ResponseOnEnd);
        On(HttpEvents.Finish, onFinish ??= RequestOnFinish);
        responseTimeoutListening = true;
        ClientTelemetry.ResponseReceived(this, res);
        bool listened;
        try
        {
            listened = !Aborted && Emit(HttpEvents.Response, res);
        }
        catch (Exception ex)
        {
            // A throwing 'response' listener is the loop's uncaught exception; the response is still read to its
            // end and the request closes (Node's test-http-catch-uncaughtexception).
            Loop.ReportUncaught(ex);
            listened = true;
        }
        if (!listened)
        {
            res.Dump();
        }
        if (Method == "HEAD")
        {
            return 1;
        }
        if (status == 304)
        {
            res.Complete = true;
            return 1;
        }
        return 0;
    }

    /// <summary>The response was a 101 or answered a CONNECT (Node's upgrade branch of <c>socketOnData</c>).</summary>
    internal void OnUpgradeOrConnect(IncomingMessage res, Socket socket, NodeBuffer head, ClientParser parser)
    {
        Res = res;
        requestTimeoutListening = false;
        responseTimeoutListening = false;
        string eventName = Method == "CONNECT" ? HttpEvents.Connect : HttpEvents.Upgrade;
        if (ListenerCount(eventName) > 0)
        {
            upgradeOrConnect = true;
            parser.Detach();
            socket.Emit(global::NodeHttp.Agent.AgentRemoveEvent);
            ReleaseSocket();
            Emit(eventName, res, socket, head);
            destroyed = true;
            closed = true;
            Emit(HttpEvents.Close);
            ClientTelemetry.Ended(this);
            ReturnOptions();
        }
        else
        {
            // Nobody takes the protocol switch: the connection is closed.
            socket.Destroy();
        }
    }

    // Node's responseOnEnd.
    private void ResponseOnEnd()
    {
        responseTimeoutListening = false;
        ended = true;
        Socket? socket = Socket;
        if (!ShouldKeepAlive)
        {
            if (socket is { IsWritable: true })
            {
                socket.DestroySoon();
            }
        }
        else if (this.WritableFinished && Res is { Aborted: false })
        {
            ResponseKeepAlive();
        }
    }

    // Node's requestOnFinish: the whole response came before the request was sent.
    private void RequestOnFinish()
    {
        if (ShouldKeepAlive && ended)
        {
            ResponseKeepAlive();
        }
    }

    // Node's responseKeepAlive.
    private void ResponseKeepAlive()
    {
        Socket? socket = Socket;
        if (requestTimeoutInstalled && socket is not null)
        {
            socket.SetTimeout(0);
            requestTimeoutInstalled = false;
            requestTimeoutListening = false;
        }
        conn?.StopListening();
        Loop.NextTick(EmitFreeCallback, this);
        destroyed = true;
        if (Res is not null)
        {
            // The pooled socket must not die with the response object.
            Res.Socket = null;
        }
    }

    // Node's emitFreeNT.
    private void EmitFreeNT()
    {
        closed = true;
        Emit(HttpEvents.Close);
        if (Socket is { } socket && agent is not null)
        {
            agent.OnFree(socket, this, finished: true);
        }
        ClientTelemetry.Ended(this);
        ReturnOptions();
    }

    /// <summary>Node's <c>socketCloseListener</c>.</summary>
    internal void OnSocketClose(bool hadError)
    {
        destroyed = true;
        IncomingMessage? res = Res;
        if (res is not null)
        {
            if (!res.Complete)
            {
                res.Destroy(ConnResetException("aborted"));
            }
            closed = true;
            Emit(HttpEvents.Close);
            if (!res.Aborted && res.IsReadable)
            {
                res.Push(null);
            }
        }
        else
        {
            if (!hadError && conn is not null)
            {
                conn.HadError = true;
                EmitError(ConnResetException("socket hang up"));
            }
            closed = true;
            Emit(HttpEvents.Close);
        }
        ClientTelemetry.Ended(this);
        ReturnOptions();
    }

    /// <summary>Node's <c>ondrain</c>: the socket drained; the request's writes are let go on.</summary>
    internal void OnSocketDrain()
    {
        // The request's writable state completes its writes through the socket's callbacks and emits 'drain' itself.
    }

    /// <summary>Node's <c>emitRequestTimeout</c> (once per request) then <c>responseOnTimeout</c>.</summary>
    internal void OnSocketTimeout()
    {
        if (requestTimeoutListening)
        {
            requestTimeoutListening = false;
            Emit(HttpEvents.Timeout);
        }
        if (responseTimeoutListening && Res is { } res)
        {
            res.Emit(HttpEvents.Timeout);
        }
    }

    // The request is done with its options: they may be lent to the next request. A copy still needed later
    // is then made from the options as they are.
    private void ReturnOptions()
    {
        if (optionsBorrowed)
        {
            optionsBorrowed = false;
            userOptions.Return(this);
        }
    }

    private RequestOptions CopyOptions()
    {
        RequestOptions copy = userOptions.Clone();
        // Node's optsWithoutSignal: the agent and createConnection do not see the request's signal.
        copy.Signal = default;
        copy.Host = Host;
        copy.Port = port;
        copy.DefaultPort = defaultPort;
        return copy;
    }

    // Node's Host header: the host (an IPv6 literal in brackets, as in a URI), then :port unless it is the default.
    private static string HostHeader(string host, int port, int defaultPort)
    {
        if (lastHostHeader is { } last && last.Port == port && last.DefaultPort == defaultPort && string.Equals(last.Host, host, StringComparison.Ordinal))
        {
            return last.Value;
        }
        string value = host;
        int colon = value.IndexOf(':');
        if (colon >= 0 && value.IndexOf(':', colon + 1) >= 0 && value[0] != '[')
        {
            value = "[" + value + "]";
        }
        if (port != defaultPort)
        {
            value += ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        lastHostHeader = new HostHeaderValue(host, port, defaultPort, value);
        return value;
    }

    private static string BuildPathChars()
    {
        var chars = new char[0xff - 0x21 + 1];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)(0x21 + i);
        }
        return new string(chars);
    }

    private sealed record HostHeaderValue(string Host, int Port, int DefaultPort, string Value);
}
