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
    /// <c>http.createServer</c> with an async handler: a handler whose task faults answers <c>500</c> when nothing was
    /// sent yet (else the connection is destroyed), and the exception goes to <see cref="EventLoop.UncaughtException"/>.
    /// </summary>
    public static Server CreateServer(Func<IncomingMessage, ServerResponse, Task> requestHandler)
    {
        ArgumentNullException.ThrowIfNull(requestHandler);
        var server = new Server(new ServerOptions());
        server.On<IncomingMessage, ServerResponse>(HttpEvents.Request, (req, res) => RunHandler(server, requestHandler, req, res));
        return server;
    }

    private static void RunHandler(Server server, Func<IncomingMessage, ServerResponse, Task> handler, IncomingMessage req, ServerResponse res)
    {
        Task task;
        try
        {
            task = handler(req, res);
        }
        catch (Exception ex)
        {
            server.HandlerFailed(res, ex);
            return;
        }
        if (task.IsCompletedSuccessfully)
        {
            return;
        }
        if (task.IsCompleted)
        {
            server.HandlerFailed(res, Unwrap(task));
            return;
        }
        EventLoop loop = req.Socket?.Loop ?? EventLoop.Current ?? EventLoop.Default;
        task.ContinueWith(
            static (t, s) =>
            {
                if (!t.IsCompletedSuccessfully)
                {
                    var (srv, r, l) = ((Server, ServerResponse, EventLoop))s!;
                    l.Execute(static st => { var (sv, rs, ex) = ((Server, ServerResponse, Exception))st!; sv.HandlerFailed(rs, ex); }, (srv, r, Unwrap(t)));
                }
            },
            (server, res, loop),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private static Exception Unwrap(Task task) =>
        task.Exception is { InnerExceptions.Count: 1 } agg ? agg.InnerExceptions[0] : (Exception?)task.Exception ?? new TaskCanceledException(task);

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
