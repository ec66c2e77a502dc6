namespace NodeHttp;

/// <summary>
/// Node's <c>https</c> module: <see cref="Http"/> over TLS. <see cref="CreateServer(HttpsServerOptions, Action{IncomingMessage, ServerResponse}?)"/>
/// makes a <see cref="Server"/> whose connections are <see cref="TlsSocket"/>s; <see cref="Request(RequestOptions, Action{IncomingMessage}?)"/>
/// and <see cref="Get(string, Action{IncomingMessage}?)"/> are <c>http.request</c> with <see cref="GlobalAgent"/>, an
/// <see cref="HttpsAgent"/>, as the default agent (protocol <c>"https:"</c>, port 443).
/// </summary>
public static class Https
{
    private static HttpsAgent globalAgent = CreateGlobalAgent();

    /// <summary>
    /// Node's <c>https.globalAgent</c>: the agent https requests use by default. As Node 20's: keep-alive on, a 5 s
    /// socket timeout for idle pooled sockets, lifo scheduling.
    /// </summary>
    public static HttpsAgent GlobalAgent
    {
        get => Volatile.Read(ref globalAgent);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            Volatile.Write(ref globalAgent, value);
        }
    }

    /// <summary>
    /// Node's <c>https.createServer(options[, requestListener])</c>: an http <see cref="Server"/> whose accepted sockets
    /// first complete a TLS handshake. It emits <c>'connection'</c> with the raw <see cref="Socket"/>,
    /// <c>'secureConnection'</c>(<see cref="TlsSocket"/>) once a handshake completes, <c>'tlsClientError'</c>(Exception,
    /// <see cref="TlsSocket"/>) when one fails or times out (<see cref="HttpsServerOptions.HandshakeTimeout"/>), and
    /// every http event over the TLS socket (<c>req.Socket</c> is the <see cref="TlsSocket"/>).
    /// </summary>
    /// <param name="options">The server's certificate (PEM <c>Cert</c>/<c>Key</c>, <c>Pfx</c>, or <c>Certificate</c>), TLS and http settings.</param>
    /// <param name="requestListener">Added as a <c>'request'</c> listener.</param>
    public static Server CreateServer(HttpsServerOptions options, Action<IncomingMessage, ServerResponse>? requestListener = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Server server = Http.CreateServer(options, requestListener);
        HttpsServerTransport.Attach(server, options);
        return server;
    }

    /// <summary><c>https.createServer(options, handler)</c> with an async handler (see <see cref="Http.CreateServer(Func{IncomingMessage, ServerResponse, Task})"/>).</summary>
    public static Server CreateServer(HttpsServerOptions options, Func<IncomingMessage, ServerResponse, Task> requestHandler)
    {
        ArgumentNullException.ThrowIfNull(options);
        Server server = Http.CreateServer(options, requestHandler);
        HttpsServerTransport.Attach(server, options);
        return server;
    }

    /// <summary>Node's <c>https.request(url[, callback])</c>: a request to an <c>https:</c> URL; call <c>End()</c> to send it.</summary>
    /// <param name="url">An absolute <c>https:</c> URL (another scheme is <c>ERR_INVALID_PROTOCOL</c>, as in Node).</param>
    /// <param name="callback">Added as a one-time <c>'response'</c> listener.</param>
    public static ClientRequest Request(string url, Action<IncomingMessage>? callback = null) =>
        new(RequestUrl.ToOptions(url), callback, GlobalAgent);

    /// <summary>Node's <c>https.request(options[, callback])</c>: with no <c>Protocol</c> set it is <c>"https:"</c>, with no <c>Agent</c> <see cref="GlobalAgent"/>.</summary>
    /// <param name="options">Where and what to request, with the TLS options of the connection.</param>
    /// <param name="callback">Added as a one-time <c>'response'</c> listener.</param>
    public static ClientRequest Request(RequestOptions options, Action<IncomingMessage>? callback = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(options, callback, GlobalAgent);
    }

    /// <summary>Node's <c>https.request(url, options[, callback])</c>: the URL's parts, with the members of <paramref name="options"/> that differ from their defaults taking precedence.</summary>
    public static ClientRequest Request(string url, RequestOptions options, Action<IncomingMessage>? callback = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(Http.Merge(url, options), callback, GlobalAgent);
    }

    /// <summary>Node's <c>https.get(url[, callback])</c>: a GET request, already ended.</summary>
    public static ClientRequest Get(string url, Action<IncomingMessage>? callback = null)
    {
        ClientRequest req = Request(url, callback);
        req.End();
        return req;
    }

    /// <summary>Node's <c>https.get(options[, callback])</c>: a request (GET unless <c>Method</c> says otherwise), already ended.</summary>
    public static ClientRequest Get(RequestOptions options, Action<IncomingMessage>? callback = null)
    {
        ClientRequest req = Request(options, callback);
        req.End();
        return req;
    }

    /// <summary>
    /// <see cref="Request(RequestOptions, Action{IncomingMessage}?)"/> as a task: sends <paramref name="body"/> (none if
    /// empty) and completes with the response once its head arrived; faults with the request's <c>'error'</c> (a TLS
    /// failure such as <c>DEPTH_ZERO_SELF_SIGNED_CERT</c> included).
    /// </summary>
    /// <param name="options">Where and what to request.</param>
    /// <param name="body">The whole body, sent with <c>Content-Length</c>.</param>
    /// <param name="cancellationToken">Destroys the request when cancelled.</param>
    public static Task<IncomingMessage> RequestAsync(RequestOptions options, ReadOnlyMemory<byte> body = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Http.RequestAsync(options, body, GlobalAgent, cancellationToken);
    }

    /// <summary>Node's <c>https.get(url)</c> as a task: completes with the response once its head arrived.</summary>
    public static Task<IncomingMessage> GetAsync(string url, CancellationToken cancellationToken = default) =>
        Http.RequestAsync(RequestUrl.ToOptions(url), default, GlobalAgent, cancellationToken);

    private static HttpsAgent CreateGlobalAgent() => new(new HttpsAgentOptions
    {
        // Node 19+: https.globalAgent = new Agent({ keepAlive: true, scheduling: 'lifo', timeout: 5000 }).
        KeepAlive = true,
        Scheduling = "lifo",
        Timeout = 5000,
    });
}
