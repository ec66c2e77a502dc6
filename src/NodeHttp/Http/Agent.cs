using System.Globalization;

namespace NodeHttp;

/// <summary>
/// Node's <c>http.Agent</c>: the socket pool of the HTTP client. Per origin (<see cref="GetName"/>) it keeps
/// the sockets in use, the idle sockets kept for reuse (<see cref="KeepAlive"/>) and the requests waiting
/// for a socket (<see cref="MaxSockets"/>, <see cref="MaxTotalSockets"/>). Events: <c>'free'</c>(Socket, RequestOptions).
/// </summary>
/// <remarks>
/// An agent may serve requests of several <see cref="EventLoop"/>s (the <see cref="Http.GlobalAgent"/> does):
/// its tables are guarded by a lock, and a socket, which belongs to one loop, is only handed to requests of
/// that loop. Counts and limits are shared by all loops, as they are by all of a Node process.
/// </remarks>
public class Agent : EventEmitter
{
    /// <summary>Node's default <c>keepAliveMsecs</c> (1000).</summary>
    public const int DefaultKeepAliveMsecs = 1000;

    /// <summary>Node's default <c>maxFreeSockets</c> (256).</summary>
    public const int DefaultMaxFreeSockets = 256;

    /// <summary>Node's <c>'agentRemove'</c> socket event: the socket leaves the agent (after an upgrade, or when emitted by the user).</summary>
    internal const string AgentRemoveEvent = "agentRemove";

    private readonly object gate = new();
    private readonly Dictionary<string, List<Socket>> sockets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Socket>> freeSockets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<ClientRequest>> requests = new(StringComparer.Ordinal);

    // Emptied lists of the tables, kept for the next origin entry: with keep-alive a socket moves between the
    // in-use and free tables and a request through the queue on every request, emptying and refilling them.
    private readonly Stack<List<Socket>> spareSocketLists = new();
    private readonly Stack<List<ClientRequest>> spareRequestLists = new();
    private int totalSocketCount;

    // Whether GetName is this class's: then a request's pool key is worked out from its host, port, local
    // address and family without a copy of its options, and recent keys are reused.
    private readonly bool defaultGetName;

    // The last few pool keys made, reused while requests repeat their origin. Entries are immutable and replaced
    // whole, so loops sharing the agent read them without the lock.
    private readonly PoolName?[] recentNames = new PoolName?[4];
    private int nextRecentName;

    /// <summary>Node's <c>new http.Agent([options])</c>.</summary>
    /// <param name="options">Pool settings; null for Node's defaults (no keep-alive, unbounded sockets).</param>
    public Agent(AgentOptions? options = null)
    {
        Options = options ?? new AgentOptions();
        Metrics = ClientMetrics.For(Options.MeterFactory);
        KeepAlive = Options.KeepAlive;
        KeepAliveMsecs = Options.KeepAliveMsecs > 0 ? Options.KeepAliveMsecs : DefaultKeepAliveMsecs;
        MaxSockets = Options.MaxSockets is int ms and > 0 ? ms : int.MaxValue;
        if (Options.MaxTotalSockets is < 1)
        {
            // Node 20: validateNumber(maxTotalSockets, 'maxTotalSockets', 1) when the option is given.
            ErrorCodes.Throw("ERR_OUT_OF_RANGE", "maxTotalSockets", ">= 1", Options.MaxTotalSockets);
        }
        MaxTotalSockets = Options.MaxTotalSockets ?? int.MaxValue;
        MaxFreeSockets = Options.MaxFreeSockets > 0 ? Options.MaxFreeSockets : DefaultMaxFreeSockets;
        if (Options.Scheduling is not ("lifo" or "fifo"))
        {
            ThrowBadScheduling(Options.Scheduling);
        }
        Scheduling = Options.Scheduling;
        if (Options.Timeout is < 0)
        {
            ErrorCodes.Throw("ERR_OUT_OF_RANGE", "timeout", ">= 0", Options.Timeout);
        }
        defaultGetName = ((Func<RequestOptions?, string>)GetName).Method.DeclaringType == typeof(Agent);
    }

    // Node's validateOneOf message, which ERR_INVALID_ARG_VALUE's default text ("is invalid") does not carry.
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowBadScheduling(string? value) =>
        throw new NodeHttpException("ERR_INVALID_ARG_VALUE", "The argument 'scheduling' must be one of: 'fifo', 'lifo'. Received " + (value is null ? "null" : "'" + value + "'"))
        {
            Kind = ErrorKind.TypeError,
        };

    /// <summary>Node's <c>agent.options</c>: the options the agent was made with.</summary>
    public AgentOptions Options { get; }

    // The instruments the agent's requests and connections count in: its options' factory's meter, else the process-wide one.
    internal ClientMetrics Metrics { get; }

    /// <summary>Node's <c>agent.keepAlive</c>.</summary>
    public bool KeepAlive { get; set; }

    /// <summary>Node's <c>agent.keepAliveMsecs</c>.</summary>
    public int KeepAliveMsecs { get; set; }

    /// <summary>Node's <c>agent.maxSockets</c>: sockets per origin; <see cref="int.MaxValue"/> is Node's <c>Infinity</c> (default).</summary>
    public int MaxSockets { get; set; }

    /// <summary>Node's <c>agent.maxTotalSockets</c>; <see cref="int.MaxValue"/> is Node's <c>Infinity</c> (default).</summary>
    public int MaxTotalSockets { get; set; }

    /// <summary>Node's <c>agent.maxFreeSockets</c> (default 256).</summary>
    public int MaxFreeSockets { get; set; }

    /// <summary>Node's <c>agent.scheduling</c>: <c>"lifo"</c> or <c>"fifo"</c>.</summary>
    public string Scheduling { get; set; }

    /// <summary>Node's <c>agent.options.timeout</c>: the timeout set on the agent's sockets, or null.</summary>
    public int? Timeout => Options.Timeout;

    /// <summary>Node's <c>agent.defaultPort</c> (80).</summary>
    public virtual int DefaultPort => 80;

    /// <summary>Node's <c>agent.protocol</c> (<c>"http:"</c>).</summary>
    public virtual string Protocol => "http:";

    /// <summary>A new agent of this kind with default options (Node's <c>new defaultAgent.constructor()</c> for <c>agent: false</c>).</summary>
    internal virtual Agent CreateOneUse() => new();

    /// <summary>Node's <c>agent.sockets</c>: the sockets in use by requests, by origin (a snapshot).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<Socket>> Sockets => Snapshot(sockets);

    /// <summary>Node's <c>agent.freeSockets</c>: the idle sockets kept for reuse, by origin (a snapshot).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<Socket>> FreeSockets => Snapshot(freeSockets);

    /// <summary>Node's <c>agent.requests</c>: the requests waiting for a socket, by origin (a snapshot).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<ClientRequest>> Requests
    {
        get
        {
            lock (gate)
            {
                var copy = new Dictionary<string, IReadOnlyList<ClientRequest>>(requests.Count, StringComparer.Ordinal);
                foreach (var (name, list) in requests)
                {
                    copy[name] = list.ToArray();
                }
                return copy;
            }
        }
    }

    /// <summary>Node's <c>agent.totalSocketCount</c>: sockets created by the agent and not yet closed.</summary>
    public int TotalSocketCount
    {
        get
        {
            lock (gate)
            {
                return totalSocketCount;
            }
        }
    }

    /// <summary>
    /// Node's <c>agent.getName([options])</c>: the pool key, <c>host:port:localAddress</c>, then <c>:family</c>
    /// when it is 4 or 6 and <c>:socketPath</c> when set (<c>"localhost::"</c> for empty options).
    /// </summary>
    public virtual string GetName(RequestOptions? options = null) =>
        NameOf(options?.Host, options?.Port, options?.LocalAddress, options?.Family, options?.SocketPath);

    /// <summary>The pool key of <paramref name="req"/> (its <see cref="GetName"/>), worked out once per request.</summary>
    internal string NameOf(ClientRequest req)
    {
        if (req.AgentName is { } known)
        {
            return known;
        }
        string name = defaultGetName
            ? NameOf(req.Host, req.ConnectPort, req.OptionsAsMade.LocalAddress, req.OptionsAsMade.Family, req.SocketPath)
            : GetName(req.ConnectOptions);
        req.AgentName = name;
        return name;
    }

    private string NameOf(string? host, int? port, string? localAddress, int? family, string? socketPath)
    {
        host = host is { Length: > 0 } ? host : "localhost";
        int p = port ?? 0;
        int f = family is 4 or 6 ? family.Value : 0;
        PoolName?[] recent = recentNames;
        for (int i = 0; i < recent.Length; i++)
        {
            if (recent[i] is { } e && e.Matches(host, p, localAddress, f, socketPath))
            {
                return e.Name;
            }
        }
        string name = string.Concat(host, ":", p != 0 ? p.ToString(CultureInfo.InvariantCulture) : string.Empty, ":", localAddress);
        if (f != 0)
        {
            name = name + ":" + f.ToString(CultureInfo.InvariantCulture);
        }
        if (socketPath is { Length: > 0 })
        {
            name = name + ":" + socketPath;
        }
        int slot = (int)((uint)Interlocked.Increment(ref nextRecentName) % (uint)recent.Length);
        recent[slot] = new PoolName(host, p, localAddress, f, socketPath, name);
        return name;
    }

    /// <summary>
    /// Node's <c>agent.createConnection(options, callback)</c>: makes the socket for a request, by default a TCP
    /// connection to <c>Host</c>:<c>Port</c> (or a Unix socket at <c>SocketPath</c>). Return it, or return null and
    /// call <paramref name="callback"/> once it exists.
    /// </summary>
    public virtual Socket? CreateConnection(RequestOptions options, Action<Exception?, Socket?> callback)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.CreateConnection is { } create)
        {
            return create(options, callback);
        }
        Socket socket = ClientConnect.Connect(options);
        if (options.Timeout is int timeout and > 0)
        {
            // Node's net.connect: the timeout option (the agent's, else the request's) is the new socket's.
            socket.SetTimeout(timeout);
        }
        return socket;
    }

    /// <summary>
    /// Node's <c>agent.keepSocketAlive(socket)</c>: prepares a socket going idle for reuse (TCP keep-alive,
    /// <c>unref</c>, the agent's timeout shortened to a server's <c>Keep-Alive: timeout=N</c> hint). Returning
    /// false destroys the socket instead.
    /// </summary>
    public virtual bool KeepSocketAlive(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        socket.SetKeepAlive(true, KeepAliveMsecs);
        socket.Unref();
        int agentTimeout = Options.Timeout ?? 0;
        bool canKeep = true;
        if ((socket.DataSink as ClientParser)?.Request?.Res is { } res
            && HasKeepAliveHeader(res)
            && res.Headers["keep-alive"].ToString() is { Length: > 0 } hint
            && ParseTimeoutHint(hint) is long seconds)
        {
            // Node 20: expire a second before the server says it will close, to avoid reusing a dying socket.
            long serverMs = Math.Max(0, seconds * 1000 - 1000);
            if (serverMs == 0)
            {
                canKeep = false;
            }
            else if (agentTimeout == 0 || serverMs < agentTimeout)
            {
                // Node compares with `<` only, so a zero agent timeout is kept; the hint is stricter here (see differences).
                agentTimeout = (int)Math.Min(serverMs, int.MaxValue);
            }
        }
        if ((socket.Timeout ?? 0) != agentTimeout)
        {
            socket.SetTimeout(agentTimeout);
        }
        return canKeep;
    }

    /// <summary>Node's <c>agent.reuseSocket(socket, request)</c>: a pooled socket goes back to work (<c>ref</c>, <c>reusedSocket</c>).</summary>
    public virtual void ReuseSocket(Socket socket, ClientRequest request)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(request);
        request.ReusedSocket = true;
        socket.Ref();
    }

    /// <summary>Node's <c>agent.destroy()</c>: destroys every socket of the agent, idle or in use.</summary>
    public void Destroy()
    {
        List<Socket> all = new();
        lock (gate)
        {
            foreach (var list in freeSockets.Values)
            {
                all.AddRange(list);
            }
            foreach (var list in sockets.Values)
            {
                all.AddRange(list);
            }
        }
        foreach (Socket s in all)
        {
            s.Destroy();
        }
    }

    /// <summary>Node's <c>agent.addRequest(req, options)</c>: give the request a free socket, a new one, or a place in the queue.</summary>
    internal void AddRequest(ClientRequest req)
    {
        string name = NameOf(req);
        Socket? socket = null;
        bool create = false;
        lock (gate)
        {
            if (!sockets.TryGetValue(name, out List<Socket>? inUse))
            {
                sockets[name] = inUse = NewSocketList();
            }
            int freeLen = 0;
            if (freeSockets.TryGetValue(name, out List<Socket>? free))
            {
                free.RemoveAll(static s => s.Destroyed);
                socket = TakeFree(free, req.Loop);
                if (free.Count == 0)
                {
                    freeSockets.Remove(name);
                    RecycleLocked(free);
                }
                freeLen = free.Count;
            }
            if (socket is not null)
            {
                inUse.Add(socket);
            }
            else if (freeLen + inUse.Count < MaxSockets && totalSocketCount < MaxTotalSockets)
            {
                create = true;
            }
            else
            {
                req.HasAgentOptions = true;
                if (!requests.TryGetValue(name, out List<ClientRequest>? queue))
                {
                    requests[name] = queue = spareRequestLists.TryPop(out List<ClientRequest>? spare) ? spare : new List<ClientRequest>();
                }
                queue.Add(req);
                ClientTelemetry.Queued(req);
            }
        }
        if (socket is not null)
        {
            ClientTelemetry.ConnectionActive(socket);
            ReuseSocket(socket, req);
            SetRequestSocket(req, socket);
        }
        else if (create)
        {
            CreateSocketFor(req, name);
        }
    }

    // A method of its own: the callback's closure is then only made when a socket is.
    private void CreateSocketFor(ClientRequest req, string name)
    {
        CreateSocket(req, req.ConnectOptions, name, (err, s) =>
        {
            if (err is not null)
            {
                req.OnSocket(s, err);
            }
            else
            {
                SetRequestSocket(req, s!);
            }
        });
    }

    private Socket? TakeFree(List<Socket> free, EventLoop loop)
    {
        if (Scheduling == "fifo")
        {
            for (int i = 0; i < free.Count; i++)
            {
                if (free[i].Loop == loop)
                {
                    Socket s = free[i];
                    free.RemoveAt(i);
                    return s;
                }
            }
        }
        else
        {
            for (int i = free.Count - 1; i >= 0; i--)
            {
                if (free[i].Loop == loop)
                {
                    Socket s = free[i];
                    free.RemoveAt(i);
                    return s;
                }
            }
        }
        return null;
    }

    /// <summary>Node's <c>agent.createSocket(req, options, cb)</c>.</summary>
    private void CreateSocket(ClientRequest req, RequestOptions options, string name, Action<Exception?, Socket?> cb)
    {
        RequestOptions connectOptions = options.Clone();
        if (Options.Timeout is int agentTimeout)
        {
            // Node's createSocket spreads the agent's options over the request's.
            connectOptions.Timeout = agentTimeout;
        }
        if (KeepAlive)
        {
            // Node asks createConnection for TCP keep-alive, the first probe after keepAliveMsecs.
            connectOptions.KeepAlive = true;
            connectOptions.KeepAliveInitialDelay = KeepAliveMsecs;
        }
        bool created = false;
        void OnCreate(Exception? err, Socket? s)
        {
            if (created)
            {
                return;
            }
            created = true;
            if (err is not null || s is null)
            {
                cb(err ?? new InvalidOperationException("createConnection returned no socket"), s);
                return;
            }
            lock (gate)
            {
                if (!sockets.TryGetValue(name, out List<Socket>? list))
                {
                    sockets[name] = list = NewSocketList();
                }
                list.Add(s);
                totalSocketCount++;
                _ = new PooledSocket(this, s, options, name);
            }
            if (Options.NoDelay)
            {
                s.SetNoDelay(true);
            }
            cb(null, s);
        }
        Socket? socket;
        try
        {
            socket = CreateConnection(connectOptions, OnCreate);
        }
        catch (Exception ex) when (ex is NodeHttpException or ArgumentException)
        {
            OnCreate(ex, null);
            return;
        }
        if (socket is not null)
        {
            OnCreate(null, socket);
        }
    }

    /// <summary>Node's <c>setRequestSocket</c>.</summary>
    private void SetRequestSocket(ClientRequest req, Socket socket)
    {
        req.OnSocket(socket, null);
        int agentTimeout = Options.Timeout ?? 0;
        if (req.TimeoutMs is not int t || t == agentTimeout)
        {
            return;
        }
        socket.SetTimeout(t);
    }

    /// <summary>
    /// Node's <c>'free'</c> listener of the agent: the socket's request is done. It serves the next queued request of
    /// the origin, or goes to the free pool (keep-alive), or is destroyed.
    /// </summary>
    internal void OnFree(Socket socket, ClientRequest req, bool finished) =>
        OnFree(socket, NameOf(req), null, req, finished ? req : null);

    /// <summary>The <c>'free'</c> listener for a socket made for a queued request (no request of its own yet).</summary>
    private void OnFree(Socket socket, RequestOptions options) => OnFree(socket, GetName(options), options, null, null);

    // The options of the 'free' event are those of `options`, else of `owner` (copied only when listened for).
    private void OnFree(Socket socket, string name, RequestOptions? options, ClientRequest? owner, ClientRequest? finished)
    {
        lock (gate)
        {
            if (!sockets.TryGetValue(name, out List<Socket>? inUse) || !inUse.Contains(socket))
            {
                // The socket left the agent ('agentRemove', Node's onRemove dropped the 'free' listener): it is the
                // user's now, neither pooled nor destroyed.
                return;
            }
        }
        if (!socket.IsWritable)
        {
            socket.Destroy();
            EmitFree(socket, options, owner);
            return;
        }
        ClientRequest? next = null;
        lock (gate)
        {
            if (requests.TryGetValue(name, out List<ClientRequest>? queue))
            {
                int index = -1;
                EventLoop loop = socket.Loop;
                for (int i = 0; i < queue.Count; i++)
                {
                    if (queue[i].Loop == loop)
                    {
                        index = i;
                        break;
                    }
                }
                if (index >= 0)
                {
                    next = queue[index];
                    queue.RemoveAt(index);
                    next.HasAgentOptions = false;
                    if (queue.Count == 0)
                    {
                        requests.Remove(name);
                        RecycleLocked(queue);
                    }
                }
            }
        }
        if (next is not null)
        {
            SetRequestSocket(next, socket);
            EmitFree(socket, options, owner);
            return;
        }
        if (finished is null || !finished.ShouldKeepAlive || !KeepAlive)
        {
            socket.Destroy();
            EmitFree(socket, options, owner);
            return;
        }
        bool destroy;
        lock (gate)
        {
            freeSockets.TryGetValue(name, out List<Socket>? free);
            int freeLen = free?.Count ?? 0;
            int count = freeLen + (sockets.TryGetValue(name, out List<Socket>? inUse) ? inUse.Count : 0);
            destroy = totalSocketCount > MaxTotalSockets || count > MaxSockets || freeLen >= MaxFreeSockets;
        }
        if (destroy || !KeepSocketAlive(socket))
        {
            socket.Destroy();
            EmitFree(socket, options, owner);
            return;
        }
        (socket.DataSink as ClientParser)?.Release();
        // Node's removeSocket(socket, options) before the push: the socket leaves the in-use list, and a request
        // waiting for an origin with no socket in use gets a new one (how queued requests of another origin go out
        // under maxTotalSockets).
        RemoveSocket(socket, options, name, owner);
        lock (gate)
        {
            if (!freeSockets.TryGetValue(name, out List<Socket>? free))
            {
                freeSockets[name] = free = NewSocketList();
            }
            free.Add(socket);
        }
        ClientTelemetry.ConnectionIdle(socket);
        EmitFree(socket, options, owner);
    }

    private void EmitFree(Socket socket, RequestOptions? options, ClientRequest? owner)
    {
        if (ListenerCount(HttpEvents.Free) > 0 && (options ?? owner?.ConnectOptions) is { } o)
        {
            Emit(HttpEvents.Free, socket, o);
        }
        // Node's emitFreeNT emits 'free' on the socket; the agent's own listener (installed first) has run above.
        if (socket.ListenerCount(HttpEvents.Free) > 0)
        {
            socket.Emit(HttpEvents.Free);
        }
    }

    /// <summary>
    /// Node's <c>agent.removeSocket(socket, options)</c>: forget a closed socket (or one going to the free list); a
    /// waiting request gets a new socket. As in Node, maxTotalSockets is not checked here: a socket over it is
    /// destroyed when it is freed. <paramref name="options"/> null: those of <paramref name="owner"/>, copied only if needed.
    /// </summary>
    private void RemoveSocket(Socket s, RequestOptions? options, string name, ClientRequest? owner = null)
    {
        ClientRequest? req = null;
        RequestOptions? reqOptions = null;
        bool queuedOptions = false;
        bool ownerOptions = false;
        lock (gate)
        {
            RemoveSocketLocked(s, name, includeFree: !s.IsWritable || s.Destroyed);
            if (requests.TryGetValue(name, out List<ClientRequest>? queue) && queue.Count > 0)
            {
                req = queue[0];
                reqOptions = options;
                ownerOptions = options is null;
            }
            else
            {
                foreach (var (key, list) in requests)
                {
                    // As Node: only an origin that has no socket at all gets one here.
                    if (sockets.TryGetValue(key, out List<Socket>? open) && open.Count > 0)
                    {
                        break;
                    }
                    req = list[0];
                    queuedOptions = req.HasAgentOptions;
                    break;
                }
            }
        }
        if (queuedOptions)
        {
            reqOptions = req!.ConnectOptions;
        }
        else if (ownerOptions)
        {
            reqOptions = owner?.ConnectOptions;
        }
        if (req is not null && reqOptions is not null)
        {
            req.HasAgentOptions = false;
            req.Loop.Execute(static st =>
            {
                var (agent, r, o) = ((Agent, ClientRequest, RequestOptions))st!;
                agent.CreateSocket(r, o, agent.GetName(o), (err, socket) =>
                {
                    if (err is not null)
                    {
                        agent.TakeQueued(r, o);
                        r.OnSocket(socket, err);
                    }
                    else
                    {
                        agent.OnFree(socket!, o);
                    }
                });
            }, (this, req, reqOptions));
        }
    }

    private void TakeQueued(ClientRequest req, RequestOptions options)
    {
        lock (gate)
        {
            string name = GetName(options);
            if (requests.TryGetValue(name, out List<ClientRequest>? queue) && queue.Remove(req) && queue.Count == 0)
            {
                requests.Remove(name);
                RecycleLocked(queue);
            }
        }
    }

    /// <summary>A request waiting in the queue was aborted before it got a socket.</summary>
    internal void RemoveQueued(ClientRequest req, RequestOptions options) => TakeQueued(req, options);

    private void RemoveSocketLocked(Socket s, string name, bool includeFree)
    {
        RemoveFrom(sockets, name, s);
        if (includeFree)
        {
            RemoveFrom(freeSockets, name, s);
        }
    }

    private void RemoveFrom(Dictionary<string, List<Socket>> table, string name, Socket s)
    {
        if (table.TryGetValue(name, out List<Socket>? list))
        {
            int i = list.IndexOf(s);
            if (i >= 0)
            {
                list.RemoveAt(i);
                if (list.Count == 0)
                {
                    table.Remove(name);
                    RecycleLocked(list);
                }
            }
        }
    }

    private List<Socket> NewSocketList() => spareSocketLists.TryPop(out List<Socket>? spare) ? spare : new List<Socket>();

    // An emptied list of a table goes to the spares (a few; an agent with many origins makes the rest anew).
    private void RecycleLocked(List<Socket> list)
    {
        if (spareSocketLists.Count < 8)
        {
            spareSocketLists.Push(list);
        }
    }

    private void RecycleLocked(List<ClientRequest> list)
    {
        if (spareRequestLists.Count < 8)
        {
            spareRequestLists.Push(list);
        }
    }

    private bool IsFree(Socket s)
    {
        lock (gate)
        {
            foreach (var list in freeSockets.Values)
            {
                if (list.Contains(s))
                {
                    return true;
                }
            }
            return false;
        }
    }

    private IReadOnlyDictionary<string, IReadOnlyList<Socket>> Snapshot(Dictionary<string, List<Socket>> table)
    {
        lock (gate)
        {
            var copy = new Dictionary<string, IReadOnlyList<Socket>>(table.Count, StringComparer.Ordinal);
            foreach (var (name, list) in table)
            {
                copy[name] = list.ToArray();
            }
            return copy;
        }
    }

    // Whether the response has a Keep-Alive header, looked up in the raw headers so that the common answer (no)
    // does not build the response's header map.
    private static bool HasKeepAliveHeader(IncomingMessage res)
    {
        IReadOnlyList<string> raw = res.RawHeaders;
        for (int i = 0; i + 1 < raw.Count; i += 2)
        {
            if (raw[i].Equals("keep-alive", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Node's <c>/^timeout=(\d+)/</c> on a <c>Keep-Alive</c> header.</summary>
    private static long? ParseTimeoutHint(string hint)
    {
        const string Prefix = "timeout=";
        if (!hint.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }
        int end = Prefix.Length;
        while (end < hint.Length && char.IsAsciiDigit(hint[end]))
        {
            end++;
        }
        return end > Prefix.Length && long.TryParse(hint.AsSpan(Prefix.Length, Math.Min(end - Prefix.Length, 12)), NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : null;
    }

    /// <summary>Node's <c>installListeners</c>: what the agent watches on each socket it created.</summary>
    private sealed class PooledSocket
    {
        private readonly Agent agent;
        private readonly Socket socket;
        private readonly RequestOptions options;
        private readonly string name;
        private readonly Action<bool> onClose;
        private readonly Action onTimeout;
        private readonly Action onRemove;

        public PooledSocket(Agent agent, Socket socket, RequestOptions options, string name)
        {
            this.agent = agent;
            this.socket = socket;
            this.options = options;
            this.name = name;
            onClose = OnClose;
            onTimeout = OnTimeout;
            onRemove = OnRemove;
            socket.On(NetEvents.Close, onClose);
            socket.On(NetEvents.Timeout, onTimeout);
            socket.On(AgentRemoveEvent, onRemove);
            ClientTelemetry.ConnectionCreated(agent, socket, options);
        }

        private void OnClose(bool hadError)
        {
            ClientTelemetry.ConnectionClosed(socket);
            lock (agent.gate)
            {
                agent.totalSocketCount--;
            }
            agent.RemoveSocket(socket, options, name);
        }

        private void OnTimeout()
        {
            // An idle pooled socket that times out is closed; one in use reports 'timeout' to its request instead.
            if (agent.IsFree(socket))
            {
                socket.Destroy();
            }
        }

        private void OnRemove()
        {
            ClientTelemetry.ConnectionClosed(socket);
            lock (agent.gate)
            {
                agent.totalSocketCount--;
            }
            agent.RemoveSocket(socket, options, name);
            socket.RemoveListener(NetEvents.Close, onClose);
            socket.RemoveListener(NetEvents.Timeout, onTimeout);
            socket.RemoveListener(AgentRemoveEvent, onRemove);
        }
    }

    /// <summary>A pool key with what it was made from.</summary>
    private sealed class PoolName(string host, int port, string? localAddress, int family, string? socketPath, string name)
    {
        public string Name => name;

        public bool Matches(string h, int p, string? local, int f, string? path) =>
            p == port && f == family
            && string.Equals(h, host, StringComparison.Ordinal)
            && string.Equals(local, localAddress, StringComparison.Ordinal)
            && string.Equals(path, socketPath, StringComparison.Ordinal);
    }
}
