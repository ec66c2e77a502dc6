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
    /// arrived; read the body from the returned message. The request's errors are the task's: none of them is also
    /// raised as an unhandled <c>'error'</c>.
    /// </summary>
    /// <param name="options">Where and what to request. <see cref="RequestOptions.Timeout"/> (ms of socket
    /// inactivity) destroys the request and faults the task with <c>ETIMEDOUT</c>; while the response body is read, the
    /// same timeout destroys the request and fails the read.</param>
    /// <param name="body">The whole body, sent with <c>Content-Length</c> (as Node's <c>end(data)</c>).</param>
    /// <param name="cancellationToken">Destroys (aborts) the request when cancelled before the response head arrived.</param>
    /// <returns>The response, its body not yet read.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="NodeHttpException">(in the task) The request failed: <c>ECONNREFUSED</c>, <c>ECONNRESET</c>
    /// ("socket hang up"), <c>ETIMEDOUT</c> after <see cref="RequestOptions.Timeout"/>, or an invalid option.</exception>
    /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled.</exception>
    public static Task<IncomingMessage> RequestAsync(RequestOptions options, ReadOnlyMemory<byte> body = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return RequestAsync(options, body, null, cancellationToken);
    }

    /// <summary><see cref="RequestAsync(RequestOptions, ReadOnlyMemory{byte}, CancellationToken)"/> with the module's default agent (https passes its own).</summary>
    internal static Task<IncomingMessage> RequestAsync(RequestOptions options, ReadOnlyMemory<byte> body, Agent? defaultAgent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        return RequestAsyncOperation.Start(EventLoop.Current ?? EventLoop.Default, options, body, defaultAgent, cancellationToken);
    }

    /// <summary>Node's <c>http.get(url)</c> as a task: completes with the response once its head arrived (see
    /// <see cref="RequestAsync(RequestOptions, ReadOnlyMemory{byte}, CancellationToken)"/>).</summary>
    /// <param name="url">An absolute <c>http:</c> URL.</param>
    /// <param name="cancellationToken">Destroys (aborts) the request when cancelled before the response head arrived.</param>
    /// <returns>The response, its body not yet read.</returns>
    /// <exception cref="NodeHttpException"><paramref name="url"/> is not a valid URL (<c>ERR_INVALID_URL</c>); in the task, the request failed.</exception>
    /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled.</exception>
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
