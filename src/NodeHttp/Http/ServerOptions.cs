namespace NodeHttp;

/// <summary>The options of Node's <c>http.createServer(options)</c> (Node 20), with Node's defaults.</summary>
public class ServerOptions
{
    /// <summary>Node's default <c>keepAliveTimeout</c> (5 s since Node 8).</summary>
    public const int DefaultKeepAliveTimeout = 5000;

    /// <summary>Node's default <c>requestTimeout</c> (300 s since Node 18).</summary>
    public const int DefaultRequestTimeout = 300_000;

    /// <summary>Node's ceiling for the default <c>headersTimeout</c> (60 s since Node 18).</summary>
    public const int DefaultHeadersTimeout = 60_000;

    /// <summary>Node's default <c>connectionsCheckingInterval</c> (30 s, Node 18).</summary>
    public const int DefaultConnectionsCheckingInterval = 30_000;

    /// <summary>Node's default <c>highWaterMark</c> (Node 20: the streams' default, 16 KiB).</summary>
    public const int DefaultHighWaterMark = Socket.DefaultHighWaterMark;

    /// <summary>
    /// Node's <c>highWaterMark</c>: the highWaterMark of both sides of every accepted socket, and so of each request's
    /// readable side (<see cref="Readable.ReadableHighWaterMark"/>) and each response's writable side
    /// (<see cref="WritableExtensions.extension(IWritable).WritableHighWaterMark"/>). Over TLS it reaches only the TCP
    /// sockets under the TLS sockets, as in Node: https requests and responses keep the default. A negative value
    /// throws <c>ERR_OUT_OF_RANGE</c> when the server is made (Node 20 took the default instead).
    /// </summary>
    public int HighWaterMark { get; set; } = DefaultHighWaterMark;

    /// <summary>Node's <c>maxHeaderSize</c>: bytes of start line plus headers; null uses <see cref="Http.MaxHeaderSize"/>.</summary>
    public int? MaxHeaderSize { get; set; }

    /// <summary>Node's <c>insecureHTTPParser</c>: accept what llhttp's lenient flags accept.</summary>
    public bool InsecureHttpParser { get; set; }

    /// <summary>
    /// Refuse, as a parse error (400 and the connection closed, or <c>'clientError'</c>), the requests RFC 9112 and
    /// RFC 9110 say a server rejects but Node 20 accepts: several Host lines, an empty or malformed Host, a Host that
    /// differs from an absolute-form target, asterisk-form other than <c>OPTIONS *</c>, an empty Transfer-Encoding,
    /// more than one space between the parts of the request line, a TAB after a Content-Length value. On by
    /// default; false (or <see cref="InsecureHttpParser"/>) accepts them exactly as Node does. Not a Node option.
    /// </summary>
    public bool StrictRequests { get; set; } = true;

    /// <summary>Node's <c>keepAliveTimeout</c> in ms: how long an idle keep-alive connection is kept (0 = no limit).</summary>
    public int KeepAliveTimeout { get; set; } = DefaultKeepAliveTimeout;

    /// <summary>Node's <c>headersTimeout</c> in ms; null applies Node's rule <c>min(60000, RequestTimeout)</c> (0 disables).</summary>
    public int? HeadersTimeout { get; set; }

    /// <summary>Node's <c>requestTimeout</c> in ms: the time to receive a whole request (0 disables).</summary>
    public int RequestTimeout { get; set; } = DefaultRequestTimeout;

    /// <summary>Node's <c>connectionsCheckingInterval</c> in ms: how often header and request timeouts are checked.</summary>
    public int ConnectionsCheckingInterval { get; set; } = DefaultConnectionsCheckingInterval;

    /// <summary>Node's <c>requireHostHeader</c>: an HTTP/1.1 request without <c>Host</c> is answered 400.</summary>
    public bool RequireHostHeader { get; set; } = true;

    /// <summary>Node's <c>joinDuplicateHeaders</c>: join repeated single-value headers with <c>", "</c> instead of keeping the first.</summary>
    public bool JoinDuplicateHeaders { get; set; }

    /// <summary>Node's <c>uniqueHeaders</c>: outgoing headers whose repeated values are joined into one line.</summary>
    public IEnumerable<string>? UniqueHeaders { get; set; }

    /// <summary>
    /// Node's <c>rejectNonStandardBodyWrites</c>: writing a body to a response that cannot have one (to HEAD, or a 1xx,
    /// 204 or 304) throws <c>ERR_HTTP_BODY_NOT_ALLOWED</c> instead of being dropped (default false).
    /// </summary>
    public bool RejectNonStandardBodyWrites { get; set; }

    /// <summary>Node's <c>maxRequestsPerSocket</c> (0 = no limit): past it, requests get 503 and <c>'dropRequest'</c>.</summary>
    public int MaxRequestsPerSocket { get; set; }

    /// <summary>Node's <c>noDelay</c>: disable Nagle's algorithm on accepted sockets (default true).</summary>
    public bool NoDelay { get; set; } = true;

    /// <summary>Node's <c>keepAlive</c>: enable TCP keep-alive on accepted sockets.</summary>
    public bool KeepAlive { get; set; }

    /// <summary>Node's <c>keepAliveInitialDelay</c> in ms, for TCP keep-alive.</summary>
    public int KeepAliveInitialDelay { get; set; }

    /// <summary>
    /// The loops connections are spread over (one per core for multi-core servers); null keeps every
    /// connection on the loop that created the server.
    /// </summary>
    public EventLoopGroup? Loops { get; set; }

    /// <summary>
    /// Where the server logs client errors, dropped requests, rejected connections and request handler faults (event ids
    /// in docs/observability.md). Null: nothing is logged, and a handler fault goes to the loop as an uncaught error as before.
    /// </summary>
    public Microsoft.Extensions.Logging.ILogger? Logger { get; set; }

    /// <summary>
    /// Makes the server's <see cref="NodeHttpDiagnostics.ServerMeterName"/> meter, as Kestrel's meters are made by the host's
    /// <see cref="System.Diagnostics.Metrics.IMeterFactory"/> (registered by <c>AddMetrics</c>; NodeHttp.Hosting passes it):
    /// the meter's <see cref="System.Diagnostics.Metrics.Meter.Scope"/> is the factory, so a listener can take one
    /// container's measurements apart from another's. Null: the process-wide meter of that name.
    /// </summary>
    public System.Diagnostics.Metrics.IMeterFactory? MeterFactory { get; set; }

    /// <summary>The effective headers timeout by Node's rule.</summary>
    internal int EffectiveHeadersTimeout => HeadersTimeout ?? Math.Min(DefaultHeadersTimeout, RequestTimeout);
}
