using Microsoft.Extensions.Primitives;

namespace NodeHttp;

/// <summary>
/// The options of Node's <c>http.request(options)</c>, also what an <see cref="Agent"/> receives for
/// <see cref="Agent.GetName"/> and <see cref="Agent.CreateConnection"/>. Unset members take Node's defaults.
/// </summary>
public sealed class RequestOptions
{
    /// <summary>
    /// Node's <c>protocol</c>: <c>"http:"</c> or <c>"https:"</c>; null (default) takes the agent's (<c>"http:"</c> for
    /// <see cref="Http.Request(RequestOptions, Action{IncomingMessage}?)"/>). One that differs from the agent's is <c>ERR_INVALID_PROTOCOL</c>.
    /// </summary>
    public string? Protocol { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>host</c>: the server's name or IP address (default <c>"localhost"</c>); <see cref="Hostname"/> wins when both are set.</summary>
    public string? Host { get; set { Changing(); field = value; } } = "localhost";

    /// <summary>Node's <c>hostname</c>: alias of <see cref="Host"/> that takes precedence over it.</summary>
    public string? Hostname { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>family</c>: the IP family (4 or 6) to resolve <see cref="Host"/> to; null for either.</summary>
    public int? Family { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>port</c>: the server's port; null for <see cref="DefaultPort"/> (80).</summary>
    public int? Port { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>defaultPort</c>: the port used when <see cref="Port"/> is null (default: the agent's, 80).</summary>
    public int? DefaultPort { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>localAddress</c>: the local interface to bind the connection to.</summary>
    public string? LocalAddress { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>localPort</c>: the local port to connect from (0 = any).</summary>
    public int LocalPort { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>socketPath</c>: a Unix domain socket to connect to instead of host and port.</summary>
    public string? SocketPath { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>method</c>: the request method (default <c>"GET"</c>), upper-cased as Node does.</summary>
    public string? Method { get; set { Changing(); field = value; } } = "GET";

    /// <summary>Node's <c>path</c>: the request target including any query string (default <c>"/"</c>); must not contain spaces or control characters.</summary>
    public string? Path { get; set { Changing(); field = value; } } = "/";

    /// <summary>Node's <c>headers</c>: request headers, set with <c>SetHeader</c> in order.</summary>
    public IEnumerable<KeyValuePair<string, StringValues>>? Headers { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>auth</c>: <c>"user:password"</c> for a basic <c>Authorization</c> header (unless one is set in <see cref="Headers"/>).</summary>
    public string? Auth { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>agent</c>: the <see cref="NodeHttp.Agent"/> to use; null for <see cref="Http.GlobalAgent"/>.</summary>
    public Agent? Agent { get; set { Changing(); field = value; } }

    /// <summary>false is Node's <c>agent: false</c>: a new one-use agent with default options, so the connection is not pooled.</summary>
    public bool UseAgent { get; set { Changing(); field = value; } } = true;

    /// <summary>
    /// Node's <c>createConnection(options, oncreate)</c>: makes the socket when no agent is used (and used by
    /// <see cref="Agent.CreateConnection"/> when set). Return the socket, or null and call the callback later.
    /// </summary>
    public Func<RequestOptions, Action<Exception?, Socket?>, Socket?>? CreateConnection { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>timeout</c>: the socket timeout in milliseconds (emits <c>'timeout'</c> on the request).</summary>
    public int? Timeout { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>setHost</c>: whether to add a <c>Host</c> header (default true).</summary>
    public bool SetHost { get; set { Changing(); field = value; } } = true;

    /// <summary>Node's <c>insecureHTTPParser</c>: accept invalid response headers (llhttp's lenient flags).</summary>
    public bool? InsecureHttpParser { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>maxHeaderSize</c>: the response head limit in bytes (default <see cref="Http.MaxHeaderSize"/>).</summary>
    public int? MaxHeaderSize { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>joinDuplicateHeaders</c>: join every duplicate response header with <c>", "</c>.</summary>
    public bool JoinDuplicateHeaders { get; set { Changing(); field = value; } }

    // The request reading these options without a copy of its own (see Lend), or null.
    private ClientRequest? borrower;

    /// <summary>A shallow copy (Node's <c>{ ...options }</c>).</summary>
    internal RequestOptions Clone()
    {
        var copy = (RequestOptions)MemberwiseClone();
        copy.borrower = null;
        return copy;
    }

    /// <summary>
    /// Lets <paramref name="request"/> read these options in place instead of copying them as Node does: most
    /// options objects are made for one request and never touched again, so the copy is usually waste. Before
    /// any member changes, the borrower takes its copy (<see cref="ClientRequest.TakeOptionsCopy"/>), so it
    /// still sees the options as they were when the request was made. One borrower at a time; false when there
    /// is one already (the caller copies).
    /// </summary>
    internal bool Lend(ClientRequest request) => Interlocked.CompareExchange(ref borrower, request, null) is null;

    /// <summary>The borrower no longer reads these options.</summary>
    internal void Return(ClientRequest request) => Interlocked.CompareExchange(ref borrower, null, request);

    private void Changing()
    {
        if (borrower is not null && Interlocked.Exchange(ref borrower, null) is { } request)
        {
            request.TakeOptionsCopy();
        }
    }
}
