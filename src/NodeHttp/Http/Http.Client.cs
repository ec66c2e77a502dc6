namespace NodeHttp;

/// <summary>The client functions of Node's <c>http</c> module: <c>request</c>, <c>get</c>, <c>globalAgent</c>.</summary>
public static partial class Http
{
    private static Agent globalAgent = CreateGlobalAgent();

    /// <summary>
    /// Node's <c>http.globalAgent</c>: the agent requests use by default. As Node 20's: keep-alive on, a 5 s socket
    /// timeout for idle pooled sockets, lifo scheduling.
    /// </summary>
    public static Agent GlobalAgent
    {
        get => Volatile.Read(ref globalAgent);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            Volatile.Write(ref globalAgent, value);
        }
    }

    /// <summary>Node's <c>http.request(url[, callback])</c>: a request to <paramref name="url"/>; call <c>End()</c> to send it.</summary>
    /// <param name="url">An absolute <c>http:</c> URL; IPv6 literals in brackets, user info becomes <c>Auth</c>.</param>
    /// <param name="callback">Added as a one-time <c>'response'</c> listener.</param>
    public static ClientRequest Request(string url, Action<IncomingMessage>? callback = null) =>
        new(RequestUrl.ToOptions(url), callback);

    /// <summary>Node's <c>http.request(options[, callback])</c>.</summary>
    /// <param name="options">Where and what to request.</param>
    /// <param name="callback">Added as a one-time <c>'response'</c> listener.</param>
    public static ClientRequest Request(RequestOptions options, Action<IncomingMessage>? callback = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(options, callback);
    }

    /// <summary>
    /// Node's <c>http.request(url, options[, callback])</c>: the URL's parts, with the members of
    /// <paramref name="options"/> that differ from their defaults taking precedence (Node merges the objects).
    /// </summary>
    public static ClientRequest Request(string url, RequestOptions options, Action<IncomingMessage>? callback = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(Merge(url, options), callback);
    }

    /// <summary>Node's <c>http.get(url[, callback])</c>: a GET request, already ended.</summary>
    public static ClientRequest Get(string url, Action<IncomingMessage>? callback = null)
    {
        ClientRequest req = Request(url, callback);
        req.End();
        return req;
    }

    /// <summary>Node's <c>http.get(options[, callback])</c>: a request (GET unless <c>Method</c> says otherwise), already ended.</summary>
    public static ClientRequest Get(RequestOptions options, Action<IncomingMessage>? callback = null)
    {
        ClientRequest req = Request(options, callback);
        req.End();
        return req;
    }

    /// <summary>
    /// Sends a request with <paramref name="body"/> (none if empty) and completes with the response once its head
    /// arrived; read the body from the returned message. Faults with the request's <c>'error'</c>.
    /// </summary>
    /// <param name="options">Where and what to request.</param>
    /// <param name="body">The whole body, sent with <c>Content-Length</c> (as Node's <c>end(data)</c>).</param>
    /// <param name="cancellationToken">Destroys the request when cancelled.</param>
    public static Task<IncomingMessage> RequestAsync(RequestOptions options, ReadOnlyMemory<byte> body = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return RequestAsync(options, body, null, cancellationToken);
    }

    /// <summary><see cref="RequestAsync(RequestOptions, ReadOnlyMemory{byte}, CancellationToken)"/> with the module's default agent (https passes its own).</summary>
    internal static Task<IncomingMessage> RequestAsync(RequestOptions options, ReadOnlyMemory<byte> body, Agent? defaultAgent, CancellationToken cancellationToken)
    {
        var tcs = new TaskCompletionSource<IncomingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<IncomingMessage>(cancellationToken);
        }
        EventLoop loop = EventLoop.Current ?? EventLoop.Default;
        loop.Execute(static s =>
        {
            var (o, b, a, t, ct) = ((RequestOptions, ReadOnlyMemory<byte>, Agent?, TaskCompletionSource<IncomingMessage>, CancellationToken))s!;
            StartAsync(o, b, a, t, ct);
        }, (options, body, defaultAgent, tcs, cancellationToken));
        return tcs.Task;
    }

    /// <summary>Node's <c>http.get(url)</c> as a task: completes with the response once its head arrived.</summary>
    public static Task<IncomingMessage> GetAsync(string url, CancellationToken cancellationToken = default) =>
        RequestAsync(RequestUrl.ToOptions(url), default, null, cancellationToken);

    /// <summary>
    /// Node's deprecated <c>http.createClient([port], [host])</c>: a <see cref="LegacyClient"/> for one origin whose
    /// <c>Request(method, path, headers)</c> makes <see cref="ClientRequest"/>s over one pooled connection.
    /// </summary>
    /// <param name="port">The server's port (Node's default 80).</param>
    /// <param name="host">The server's host (Node's default <c>localhost</c>).</param>
    [Obsolete("http.createClient is deprecated in Node; use Http.Request.")]
    public static LegacyClient CreateClient(int port = 80, string host = "localhost")
    {
        NetAddress.ValidatePort(port, "port");
        return new LegacyClient(port, string.IsNullOrEmpty(host) ? "localhost" : host);
    }

    private static void StartAsync(RequestOptions options, ReadOnlyMemory<byte> body, Agent? defaultAgent, TaskCompletionSource<IncomingMessage> tcs, CancellationToken cancellationToken)
    {
        ClientRequest req;
        try
        {
            req = new ClientRequest(options, res => tcs.TrySetResult(res), defaultAgent);
        }
        catch (Exception ex)
        {
            tcs.TrySetException(ex);
            return;
        }
        req.On<Exception>(HttpEvents.Error, e => tcs.TrySetException(e));
        if (cancellationToken.CanBeCanceled)
        {
            CancellationTokenRegistration reg = cancellationToken.Register(static s =>
            {
                var (r, t, ct) = ((ClientRequest, TaskCompletionSource<IncomingMessage>, CancellationToken))s!;
                r.Loop.Execute(static st =>
                {
                    var (rq, tc, c) = ((ClientRequest, TaskCompletionSource<IncomingMessage>, CancellationToken))st!;
                    if (tc.TrySetCanceled(c))
                    {
                        rq.Destroy();
                    }
                }, (r, t, ct));
            }, (req, tcs, cancellationToken));
            tcs.Task.ContinueWith(static (_, r) => ((CancellationTokenRegistration)r!).Dispose(), reg, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        if (body.IsEmpty)
        {
            req.End();
        }
        else
        {
            req.End(body);
        }
    }

    /// <summary>Node's <c>ObjectAssign(urlToHttpOptions(url), options)</c>, for the members that differ from their defaults.</summary>
    internal static RequestOptions Merge(string url, RequestOptions options)
    {
        RequestOptions merged = options.Clone();
        RequestOptions fromUrl = RequestUrl.ToOptions(url);
        merged.Protocol = options.Protocol ?? fromUrl.Protocol;
        merged.Hostname = options.Hostname ?? (options.Host != "localhost" ? null : fromUrl.Hostname);
        merged.Port = options.Port ?? fromUrl.Port;
        merged.Path = options.Path != "/" ? options.Path : fromUrl.Path;
        merged.Auth = options.Auth ?? fromUrl.Auth;
        return merged;
    }

    private static Agent CreateGlobalAgent() => new(new AgentOptions
    {
        // Node 19+: http.globalAgent = new Agent({ keepAlive: true, scheduling: 'lifo', timeout: 5000 }).
        KeepAlive = true,
        Scheduling = "lifo",
        Timeout = 5000,
    });
}
