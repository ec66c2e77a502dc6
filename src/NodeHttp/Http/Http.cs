namespace NodeHttp;

/// <summary>
/// Node's <c>http</c> module: its constants and functions (<c>http.METHODS</c>, <c>http.STATUS_CODES</c>,
/// <c>http.createServer</c>, <c>http.request</c>...).
/// </summary>
public static partial class Http
{
    /// <summary>Node's default <c>maxHeaderSize</c> (16 KiB since Node 13.13 / 12.18): start line plus headers.</summary>
    public const int DefaultMaxHeaderSize = 16384;

    /// <summary>Node's <c>http.METHODS</c>: the methods the parser accepts, sorted.</summary>
    public static IReadOnlyList<string> Methods { get; } = Array.AsReadOnly(HttpCommon.Methods);

    /// <summary>Node's <c>http.STATUS_CODES</c>: standard reason phrases by status code (404 → "Not Found").</summary>
    public static IReadOnlyDictionary<int, string> StatusCodes => HttpCommon.StatusCodes;

    /// <summary>Node's <c>http.maxHeaderSize</c>: the default limit on start line plus header bytes.</summary>
    public static int MaxHeaderSize => DefaultMaxHeaderSize;

    /// <summary>Node's <c>http.createServer([requestListener])</c>: a server with Node's default options.</summary>
    public static Server CreateServer(Action<IncomingMessage, ServerResponse>? requestListener = null) =>
        CreateServer(new ServerOptions(), requestListener);

    /// <summary>Node's <c>http.createServer(options[, requestListener])</c>.</summary>
    public static Server CreateServer(ServerOptions options, Action<IncomingMessage, ServerResponse>? requestListener = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var server = new Server(options);
        if (requestListener is not null)
        {
            server.On(HttpEvents.Request, requestListener);
        }
        return server;
    }

    /// <summary>
    /// <c>http.createServer</c> with an async handler, the .NET way (as a Kestrel request delegate): the handler runs on
    /// the server's loop and its awaits resume there. When its task completes the response is settled:
    /// <list type="bullet">
    /// <item>completed without ending the response: it is ended, as Kestrel completes a response when the delegate
    /// returns (a status and headers set but no body → that status with <c>Content-Length: 0</c>; a body begun → finished);</item>
    /// <item>faulted or cancelled: the exception goes to <see cref="EventLoop.UncaughtException"/>, and the client gets
    /// <c>500</c> with an empty body when no head was sent yet, else the connection is destroyed (the body is cut short).</item>
    /// </list>
    /// A handler that hands the response to something else (a <c>Pipe</c>, a callback) must await its end before it
    /// returns; with Node's style (return at once, end later) use <see cref="CreateServer(Action{IncomingMessage, ServerResponse}?)"/>.
    /// </summary>
    /// <param name="requestHandler">Called for each <c>'request'</c>.</param>
    /// <returns>The server; call <c>Listen</c> or <c>ListenAsync</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="requestHandler"/> is null.</exception>
    public static Server CreateServer(Func<IncomingMessage, ServerResponse, Task> requestHandler) =>
        CreateServer(new ServerOptions(), requestHandler);

    /// <summary><c>http.createServer(options, handler)</c> with an async handler (see <see cref="CreateServer(Func{IncomingMessage, ServerResponse, Task})"/>).</summary>
    /// <param name="options">The server's options.</param>
    /// <param name="requestHandler">Called for each <c>'request'</c>.</param>
    /// <returns>The server; call <c>Listen</c> or <c>ListenAsync</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="requestHandler"/> is null.</exception>
    public static Server CreateServer(ServerOptions options, Func<IncomingMessage, ServerResponse, Task> requestHandler)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(requestHandler);
        var server = new Server(options);
        server.On<IncomingMessage, ServerResponse>(HttpEvents.Request, (req, res) => ServerAsyncHandler.Run(server, requestHandler, req, res));
        return server;
    }

    /// <summary>
    /// Node's <c>http.validateHeaderName(name)</c>: throws <c>ERR_INVALID_HTTP_TOKEN</c> unless
    /// <paramref name="name"/> is a valid HTTP token.
    /// </summary>
    public static void ValidateHeaderName(string name)
    {
        if (name is null || !HttpCommon.IsToken(name))
        {
            ErrorCodes.Throw("ERR_INVALID_HTTP_TOKEN", "Header name", name);
        }
    }

    /// <summary>
    /// Node's <c>http.validateHeaderValue(name, value)</c>: throws <c>ERR_HTTP_INVALID_HEADER_VALUE</c> for a
    /// missing value and <c>ERR_INVALID_CHAR</c> for a value with a forbidden character.
    /// </summary>
    public static void ValidateHeaderValue(string name, string value)
    {
        if (value is null)
        {
            ErrorCodes.Throw("ERR_HTTP_INVALID_HEADER_VALUE", "undefined", name);
        }
        if (HttpCommon.HasInvalidHeaderChar(value))
        {
            ErrorCodes.Throw("ERR_INVALID_CHAR", $"header content [\"{name}\"]");
        }
    }
}
